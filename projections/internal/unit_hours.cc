#include "projections/internal/unit_hours.h"

#include <utility>

#include "projections/internal/directory_records.h"
#include "projections/internal/routing_convert.h"
#include "projections/internal/routing_records.h"
#include "projections/internal/state.pb.h"
#include "projections/internal/status_macros.h"

namespace cti::projections::internal {
namespace {

// Hours of parents are followed at most this far up (as Route does).
constexpr int kMaxUnitDepth = 8;

}  // namespace

absl::StatusOr<ResolvedUnitHours> ResolvePhoneHours(Txn& txn, absl::string_view t,
                                                    absl::string_view unit_id) {
  ResolvedUnitHours out;
  out.hours.unit_id = std::string(unit_id);
  std::string next(unit_id);
  for (int depth = 0; !next.empty() && depth <= kMaxUnitDepth; ++depth) {
    state::UnitHoursRecord record;
    CTI_ASSIGN_OR_RETURN(bool has, LoadUnitHours(txn, t, next, &record));
    if (has && depth == 0) {
      for (const cti::v1::HoursChangeSet& change : record.changes()) AddChange(change, &out.hours);
    }
    if (has && record.has_phone()) {
      out.hours.phone = ScheduleOf(record.phone(), "TP-3.10");
      out.owner = next;
      return out;
    }
    cti::v1::Unit unit;
    CTI_ASSIGN_OR_RETURN(bool exists, LoadUnit(txn, t, next, &unit));
    next = exists ? unit.parent_unit_id() : "";
  }
  state::UnitHoursRecord defaults;
  CTI_ASSIGN_OR_RETURN(bool has, LoadUnitHours(txn, t, "", &defaults));
  if (has && defaults.has_phone()) out.hours.phone = ScheduleOf(defaults.phone(), "TP-3.8");
  return out;
}

absl::StatusOr<cti::hours::HolidayCalendar> LoadHolidayCalendar(Txn& txn, absl::string_view t) {
  cti::v1::ClosureDaysSet days;
  CTI_ASSIGN_OR_RETURN(bool has, LoadClosureDays(txn, t, &days));
  if (!has) return cti::hours::HolidayCalendar();
  return cti::hours::HolidayCalendar::Create(ClosureDaysOf(days));
}

absl::StatusOr<std::string> UnitOfTarget(Txn& txn, absl::string_view t,
                                         const cti::v1::CallTarget& target) {
  switch (target.target_case()) {
    case cti::v1::CallTarget::kUnitId:
      return target.unit_id();
    case cti::v1::CallTarget::kEmployeeId: {
      cti::v1::Employee employee;
      CTI_ASSIGN_OR_RETURN(bool found, LoadEmployee(txn, t, target.employee_id(), &employee));
      return found ? employee.unit_id() : std::string();
    }
    default:
      return std::string();
  }
}

}  // namespace cti::projections::internal
