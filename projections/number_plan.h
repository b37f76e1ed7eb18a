// NumberPlan: which unit or employee a dialled phone number belongs to, read from the
// directory projection (a unit's phone_number, an employee's direct_number), for a PBX
// that asks "where does a call to this number go?" (server/kamailio).
//
//   absl::StatusOr<NumberPlan> plan = ReadNumberPlan(*store, "demo");
//   const cti::v1::RouteTarget* target = plan->Find("+4573767830");  // unit ydelse
//
// Numbers match exactly as the directory holds them (no normalisation: "+4573767830"
// and "73767830" are different numbers). Only active units and employees are in the
// plan. When two records hold the same number, a unit wins over an employee, and among
// units (or employees) the smallest id wins, so the plan is the same on every replica.
// Extensions are kept apart (EmployeeWithExtension): Route resolves a dialled extension
// itself (RouteTarget.extension); the Kamailio call events name phones by extension.
#ifndef CTI_PROJECTIONS_NUMBER_PLAN_H_
#define CTI_PROJECTIONS_NUMBER_PLAN_H_

#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "cti/v1/route_service.pb.h"
#include "projections/store.h"

namespace cti::projections {

class NumberPlan {
 public:
  // The target dialling `number` reaches (unit_id or employee_id set), or nullptr.
  const cti::v1::RouteTarget* Find(std::string_view number) const;
  size_t size() const { return targets_.size(); }
  // The active employee whose extension is `extension`, or nullptr.
  const std::string* EmployeeWithExtension(std::string_view extension) const;
  // The unit a call dialling `number` is for (CallOffered.unit_id): the unit whose
  // number it is, else the unit of the employee whose direct number or extension it is;
  // "" when the plan has neither.
  std::string UnitFor(std::string_view number) const;
  // The unit that is reception, the switchboard (UNIT_KIND_RECEPTION): the active one
  // with the smallest id; "" when the tenant has none. A PBX's "reception" destination
  // rings there (TP-6.1, TP-6.2).
  const std::string& reception_unit() const { return reception_unit_; }

  // Adds `number` -> `target` unless the number is taken (first wins). Empty: ignored.
  void Add(const std::string& number, cti::v1::RouteTarget target);
  // Adds `extension` -> `employee_id` unless the extension is taken. Empty: ignored.
  void AddExtension(const std::string& extension, const std::string& employee_id);
  // Sets the reception unit unless one is set (first wins).
  void AddReceptionUnit(const std::string& unit_id);
  // Notes the unit of an active employee (for UnitFor).
  void AddEmployeeUnit(const std::string& employee_id, const std::string& unit_id);

 private:
  absl::flat_hash_map<std::string, cti::v1::RouteTarget> targets_;
  absl::flat_hash_map<std::string, std::string> extensions_;
  absl::flat_hash_map<std::string, std::string> employee_units_;
  std::string reception_unit_;
};

// Reads `tenant`'s plan from one snapshot of `store`: a scan of the tenant's units and
// employees (cost grows with the organisation: build it once per change, not per call).
// Storage errors as they are.
absl::StatusOr<NumberPlan> ReadNumberPlan(const Store& store, std::string_view tenant);

}  // namespace cti::projections

#endif  // CTI_PROJECTIONS_NUMBER_PLAN_H_
