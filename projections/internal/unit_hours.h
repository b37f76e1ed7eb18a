// A unit's phone hours as Route sees them, for the rules and queries outside Route that
// need them (callbacks' due time, the voicemail greeting check; TP-3.14, TP-4.3).
//
// Hours inherit (TP-3.4, TP-3.8, TP-3.10): a unit's own dated changes always apply; its
// weekly phone hours are its own, else its nearest ancestor's (at most 8 levels up), else
// the municipality's defaults (routing CF, T 'h' ""), else TP-3.8's.
//
// Thread safety: as the Txn read through (one per thread).
#ifndef CTI_PROJECTIONS_INTERNAL_UNIT_HOURS_H_
#define CTI_PROJECTIONS_INTERNAL_UNIT_HOURS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cti/v1/call.pb.h"
#include "projections/hours/holidays.h"
#include "projections/hours/schedule.h"
#include "projections/internal/txn.h"

namespace cti::projections::internal {

struct ResolvedUnitHours {
  cti::hours::UnitHours hours;
  // The unit whose weekly phone hours apply; "" = the municipality (or TP-3.8).
  std::string owner;
};

// The hours of `unit_id` ("" or a unit never defined: the municipality's). Errors are
// storage errors only.
absl::StatusOr<ResolvedUnitHours> ResolvePhoneHours(Txn& txn, absl::string_view t,
                                                    absl::string_view unit_id);

// Public holidays and the tenant's closure days (routing CF, T 'k').
absl::StatusOr<cti::hours::HolidayCalendar> LoadHolidayCalendar(Txn& txn, absl::string_view t);

// The unit a call target belongs to now: an employee's unit, a unit itself, "" for a
// number or an employee never hired.
absl::StatusOr<std::string> UnitOfTarget(Txn& txn, absl::string_view t,
                                         const cti::v1::CallTarget& target);

}  // namespace cti::projections::internal

#endif  // CTI_PROJECTIONS_INTERNAL_UNIT_HOURS_H_
