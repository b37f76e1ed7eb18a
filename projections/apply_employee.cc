// Staff rules for employees: hired, moved, contact data, tasks, listing, left (TP-3.5,
// TP-5.1, TP-5.2).
#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "projections/internal/directory_records.h"
#include "projections/internal/keys.h"
#include "projections/internal/rules.h"
#include "projections/internal/status_macros.h"

namespace cti::projections::internal {
namespace {

absl::Status CheckContactShape(const FieldPath& path, absl::string_view extension,
                               absl::string_view direct_number, absl::string_view mobile_number,
                               absl::string_view email, absl::string_view title) {
  CTI_RETURN_IF_ERROR(CheckExtension(path / "extension", extension));
  CTI_RETURN_IF_ERROR(CheckPhoneNumber(path / "direct_number", direct_number, false));
  CTI_RETURN_IF_ERROR(CheckPhoneNumber(path / "mobile_number", mobile_number, false));
  CTI_RETURN_IF_ERROR(CheckEmail(path / "email", email));
  return CheckOptionalText(path / "title", title, kMaxNameChars);
}

// FAILED_PRECONDITION when an active employee other than `self` has `extension`.
absl::Status CheckExtensionFree(ApplyContext& ctx, absl::string_view extension,
                                absl::string_view self) {
  if (extension.empty()) return absl::OkStatus();
  std::string holder;
  CTI_ASSIGN_OR_RETURN(
      bool taken,
      ctx.txn.Get(Cf::kDirectory, TaggedKey(ctx.tenant_prefix, kExtensionTag, extension), &holder));
  if (taken && holder != self) {
    return absl::FailedPreconditionError(
        absl::StrCat("extension '", extension, "' is already used by employee_id '", holder, "'"));
  }
  return absl::OkStatus();
}

absl::Status PutEmployee(ApplyContext& ctx, const cti::v1::Employee& employee) {
  return ctx.txn.PutProto(
      Cf::kDirectory, TaggedKey(ctx.tenant_prefix, kEmployeeTag, employee.employee_id()), employee);
}

// Removes `employee_id` from the phone-responsible lists of every unit (on leaving).
absl::Status DropPhoneResponsibilities(ApplyContext& ctx, absl::string_view employee_id) {
  Txn& txn = ctx.txn;
  const std::string& t = ctx.tenant_prefix;
  std::vector<std::string> unit_ids;
  CTI_RETURN_IF_ERROR(txn.Scan(Cf::kDirectory, TaggedKey(t, kResponsibleTag, employee_id, ""),
                               [&](absl::string_view key, absl::string_view) {
                                 unit_ids.emplace_back(SecondId(key));
                                 return true;
                               }));
  for (const std::string& unit_id : unit_ids) {
    cti::v1::Unit unit;
    CTI_ASSIGN_OR_RETURN(bool found, LoadUnit(txn, t, unit_id, &unit));
    if (found) {
      auto* ids = unit.mutable_phone_responsible_employee_ids();
      ids->erase(std::remove(ids->begin(), ids->end(), employee_id), ids->end());
      CTI_RETURN_IF_ERROR(txn.PutProto(Cf::kDirectory, TaggedKey(t, kUnitTag, unit_id), unit));
    }
    CTI_RETURN_IF_ERROR(
        txn.Delete(Cf::kDirectory, TaggedKey(t, kResponsibleTag, employee_id, unit_id)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyEmployeeHired(ApplyContext& ctx, const FieldPath& path,
                                const cti::v1::EmployeeHired& change) {
  const FieldPath ep = path / "employee";
  if (!change.has_employee()) return InvalidField(ep, "is required");
  const cti::v1::Employee& in = change.employee();
  CTI_RETURN_IF_ERROR(CheckId(ep / "employee_id", in.employee_id()));
  CTI_RETURN_IF_ERROR(CheckRequiredText(ep / "full_name", in.full_name(), kMaxNameChars));
  CTI_RETURN_IF_ERROR(CheckId(ep / "unit_id", in.unit_id()));
  CTI_RETURN_IF_ERROR(CheckContactShape(ep, in.extension(), in.direct_number(), in.mobile_number(),
                                        in.email(), in.title()));
  CTI_RETURN_IF_ERROR(CheckTasks(ep / "tasks", in.tasks()));

  Txn& txn = ctx.txn;
  const std::string& t = ctx.tenant_prefix;
  cti::v1::Employee existing;
  CTI_ASSIGN_OR_RETURN(bool hired_before, LoadEmployee(txn, t, in.employee_id(), &existing));
  if (hired_before) {
    return absl::FailedPreconditionError(absl::StrCat(
        "employee_id '", in.employee_id(), "' was already hired; employee ids are never reused"));
  }
  cti::v1::Unit unit;
  CTI_RETURN_IF_ERROR(LoadActiveUnit(txn, t, ep / "unit_id", in.unit_id(), &unit));
  CTI_RETURN_IF_ERROR(CheckExtensionFree(ctx, in.extension(), in.employee_id()));

  cti::v1::Employee stored = in;
  stored.set_active(true);
  CTI_RETURN_IF_ERROR(PutEmployee(ctx, stored));
  if (!in.extension().empty()) {
    CTI_RETURN_IF_ERROR(
        txn.Put(Cf::kDirectory, TaggedKey(t, kExtensionTag, in.extension()), in.employee_id()));
  }
  CTI_RETURN_IF_ERROR(
      txn.Put(Cf::kDirectory, TaggedKey(t, kMemberTag, in.unit_id(), in.employee_id()), ""));
  return UpdateSearchIndex(txn, t, kSearchEmployee, in.employee_id(), SearchTokens(),
                           SearchTokensOf(in.full_name(), in.tasks()), in.full_name());
}

absl::Status ApplyEmployeeMoved(ApplyContext& ctx, const FieldPath& path,
                                const cti::v1::EmployeeMoved& change) {
  CTI_RETURN_IF_ERROR(CheckId(path / "employee_id", change.employee_id()));
  CTI_RETURN_IF_ERROR(CheckId(path / "to_unit_id", change.to_unit_id()));
  Txn& txn = ctx.txn;
  const std::string& t = ctx.tenant_prefix;
  cti::v1::Employee employee;
  CTI_RETURN_IF_ERROR(
      LoadActiveEmployee(txn, t, path / "employee_id", change.employee_id(), &employee));
  cti::v1::Unit unit;
  CTI_RETURN_IF_ERROR(LoadActiveUnit(txn, t, path / "to_unit_id", change.to_unit_id(), &unit));
  if (employee.unit_id() == change.to_unit_id()) return absl::OkStatus();
  CTI_RETURN_IF_ERROR(txn.Delete(
      Cf::kDirectory, TaggedKey(t, kMemberTag, employee.unit_id(), employee.employee_id())));
  CTI_RETURN_IF_ERROR(txn.Put(
      Cf::kDirectory, TaggedKey(t, kMemberTag, change.to_unit_id(), employee.employee_id()), ""));
  employee.set_unit_id(change.to_unit_id());
  return PutEmployee(ctx, employee);
}

absl::Status ApplyEmployeeContactChanged(ApplyContext& ctx, const FieldPath& path,
                                         const cti::v1::EmployeeContactChanged& change) {
  CTI_RETURN_IF_ERROR(CheckId(path / "employee_id", change.employee_id()));
  CTI_RETURN_IF_ERROR(CheckRequiredText(path / "full_name", change.full_name(), kMaxNameChars));
  CTI_RETURN_IF_ERROR(CheckContactShape(path, change.extension(), change.direct_number(),
                                        change.mobile_number(), change.email(), change.title()));
  Txn& txn = ctx.txn;
  const std::string& t = ctx.tenant_prefix;
  cti::v1::Employee employee;
  CTI_RETURN_IF_ERROR(
      LoadActiveEmployee(txn, t, path / "employee_id", change.employee_id(), &employee));
  if (change.extension() != employee.extension()) {
    CTI_RETURN_IF_ERROR(CheckExtensionFree(ctx, change.extension(), employee.employee_id()));
    if (!employee.extension().empty()) {
      CTI_RETURN_IF_ERROR(
          txn.Delete(Cf::kDirectory, TaggedKey(t, kExtensionTag, employee.extension())));
    }
    if (!change.extension().empty()) {
      CTI_RETURN_IF_ERROR(txn.Put(Cf::kDirectory, TaggedKey(t, kExtensionTag, change.extension()),
                                  employee.employee_id()));
    }
  }
  const bool renamed = change.full_name() != employee.full_name();
  const SearchTokens before =
      renamed ? SearchTokensOf(employee.full_name(), employee.tasks()) : SearchTokens();
  employee.set_extension(change.extension());
  employee.set_direct_number(change.direct_number());
  employee.set_mobile_number(change.mobile_number());
  employee.set_email(change.email());
  employee.set_title(change.title());
  employee.set_full_name(change.full_name());
  CTI_RETURN_IF_ERROR(PutEmployee(ctx, employee));
  if (!renamed) return absl::OkStatus();
  return UpdateSearchIndex(txn, t, kSearchEmployee, employee.employee_id(), before,
                           SearchTokensOf(employee.full_name(), employee.tasks()),
                           employee.full_name());
}

absl::Status ApplyEmployeeTasksChanged(ApplyContext& ctx, const FieldPath& path,
                                       const cti::v1::EmployeeTasksChanged& change) {
  CTI_RETURN_IF_ERROR(CheckId(path / "employee_id", change.employee_id()));
  CTI_RETURN_IF_ERROR(CheckTasks(path / "tasks", change.tasks()));
  cti::v1::Employee employee;
  CTI_RETURN_IF_ERROR(LoadActiveEmployee(ctx.txn, ctx.tenant_prefix, path / "employee_id",
                                         change.employee_id(), &employee));
  const SearchTokens before = SearchTokensOf(employee.full_name(), employee.tasks());
  *employee.mutable_tasks() = change.tasks();
  CTI_RETURN_IF_ERROR(PutEmployee(ctx, employee));
  return UpdateSearchIndex(ctx.txn, ctx.tenant_prefix, kSearchEmployee, employee.employee_id(),
                           before, SearchTokensOf(employee.full_name(), employee.tasks()),
                           employee.full_name());
}

absl::Status ApplyEmployeeListingChanged(ApplyContext& ctx, const FieldPath& path,
                                         const cti::v1::EmployeeListingChanged& change) {
  CTI_RETURN_IF_ERROR(CheckId(path / "employee_id", change.employee_id()));
  cti::v1::Employee employee;
  CTI_RETURN_IF_ERROR(LoadActiveEmployee(ctx.txn, ctx.tenant_prefix, path / "employee_id",
                                         change.employee_id(), &employee));
  employee.set_unlisted(change.unlisted());
  return PutEmployee(ctx, employee);
}

absl::Status ApplyEmployeeLeft(ApplyContext& ctx, const FieldPath& path,
                               const cti::v1::EmployeeLeft& change) {
  CTI_RETURN_IF_ERROR(CheckId(path / "employee_id", change.employee_id()));
  Txn& txn = ctx.txn;
  const std::string& t = ctx.tenant_prefix;
  cti::v1::Employee employee;
  CTI_RETURN_IF_ERROR(
      LoadActiveEmployee(txn, t, path / "employee_id", change.employee_id(), &employee));
  employee.set_active(false);
  CTI_RETURN_IF_ERROR(PutEmployee(ctx, employee));
  if (!employee.extension().empty()) {
    CTI_RETURN_IF_ERROR(
        txn.Delete(Cf::kDirectory, TaggedKey(t, kExtensionTag, employee.extension())));
  }
  CTI_RETURN_IF_ERROR(txn.Delete(
      Cf::kDirectory, TaggedKey(t, kMemberTag, employee.unit_id(), employee.employee_id())));
  CTI_RETURN_IF_ERROR(DropPhoneResponsibilities(ctx, employee.employee_id()));
  return UpdateSearchIndex(txn, t, kSearchEmployee, employee.employee_id(),
                           SearchTokensOf(employee.full_name(), employee.tasks()), SearchTokens(),
                           employee.full_name());
}

}  // namespace cti::projections::internal
