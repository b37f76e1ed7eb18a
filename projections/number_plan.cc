#include "projections/number_plan.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "projections/internal/directory_records.h"
#include "projections/internal/keys.h"
#include "projections/internal/snapshot_read.h"
#include "projections/internal/status_macros.h"
#include "projections/internal/txn.h"

namespace cti::projections {

const cti::v1::RouteTarget* NumberPlan::Find(std::string_view number) const {
  auto it = targets_.find(absl::string_view(number.data(), number.size()));
  return it == targets_.end() ? nullptr : &it->second;
}

const std::string* NumberPlan::EmployeeWithExtension(std::string_view extension) const {
  auto it = extensions_.find(absl::string_view(extension.data(), extension.size()));
  return it == extensions_.end() ? nullptr : &it->second;
}

void NumberPlan::AddExtension(const std::string& extension, const std::string& employee_id) {
  if (extension.empty()) return;
  extensions_.try_emplace(extension, employee_id);
}

std::string NumberPlan::UnitFor(std::string_view number) const {
  const std::string* employee = nullptr;
  if (const cti::v1::RouteTarget* target = Find(number)) {
    if (target->has_unit_id()) return target->unit_id();
    if (target->has_employee_id()) employee = &target->employee_id();
  }
  if (employee == nullptr) employee = EmployeeWithExtension(number);
  if (employee == nullptr) return "";
  auto it = employee_units_.find(*employee);
  return it == employee_units_.end() ? "" : it->second;
}

void NumberPlan::AddEmployeeUnit(const std::string& employee_id, const std::string& unit_id) {
  employee_units_.try_emplace(employee_id, unit_id);
}

void NumberPlan::AddReceptionUnit(const std::string& unit_id) {
  if (reception_unit_.empty()) reception_unit_ = unit_id;
}

void NumberPlan::Add(const std::string& number, cti::v1::RouteTarget target) {
  if (number.empty()) return;
  targets_.try_emplace(number, std::move(target));
}

absl::StatusOr<NumberPlan> ReadNumberPlan(const Store& store, std::string_view tenant) {
  internal::SnapshotRead read(store);
  const std::string t = internal::TenantPrefix(absl::string_view(tenant.data(), tenant.size()));
  NumberPlan plan;
  bool parsed = true;
  // Units first (they win a shared number), each family in id order.
  CTI_RETURN_IF_ERROR(
      read.txn().Scan(internal::Cf::kDirectory, absl::StrCat(t, std::string(1, internal::kUnitTag)),
                      [&](absl::string_view, absl::string_view value) {
                        cti::v1::Unit unit;
                        if (!unit.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
                          parsed = false;
                          return false;
                        }
                        if (unit.active() && unit.kind() == cti::v1::UNIT_KIND_RECEPTION) {
                          plan.AddReceptionUnit(unit.unit_id());
                        }
                        if (unit.active() && !unit.phone_number().empty()) {
                          cti::v1::RouteTarget target;
                          target.set_unit_id(unit.unit_id());
                          plan.Add(unit.phone_number(), std::move(target));
                        }
                        return true;
                      }));
  CTI_RETURN_IF_ERROR(read.txn().Scan(
      internal::Cf::kDirectory, absl::StrCat(t, std::string(1, internal::kEmployeeTag)),
      [&](absl::string_view, absl::string_view value) {
        cti::v1::Employee employee;
        if (!employee.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          parsed = false;
          return false;
        }
        if (employee.active()) {
          plan.AddExtension(employee.extension(), employee.employee_id());
          plan.AddEmployeeUnit(employee.employee_id(), employee.unit_id());
        }
        if (employee.active() && !employee.direct_number().empty()) {
          cti::v1::RouteTarget target;
          target.set_employee_id(employee.employee_id());
          plan.Add(employee.direct_number(), std::move(target));
        }
        return true;
      }));
  if (!parsed) {
    return absl::DataLossError(absl::StrCat("a directory record of tenant '",
                                            absl::string_view(tenant.data(), tenant.size()),
                                            "' does not parse"));
  }
  return plan;
}

}  // namespace cti::projections
