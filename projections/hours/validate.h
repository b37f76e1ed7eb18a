// Validation of schedules and dated changes, for the server to call before it records a
// change (command time). Each function returns OK or an error whose message starts with
// the offending field (prefixed by `field_prefix`, e.g. "reductions[2].") and cites the
// policy rule where one applies:
//   INVALID_ARGUMENT     the record itself is malformed or breaks a limit (e.g. too long);
//   FAILED_PRECONDITION  a required approval is missing (TP-3.13, TP-4.7).
// Shape errors are reported before missing approvals. Pure functions; thread safe.
#ifndef CTI_PROJECTIONS_HOURS_VALIDATE_H_
#define CTI_PROJECTIONS_HOURS_VALIDATE_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "projections/hours/schedule.h"

namespace cti::hours {

// Longest temporary reduction, in calendar months (TP-3.13).
inline constexpr int kMaxReductionMonths = 6;

// Every interval valid (0 <= open < close <= 24:00) and, within a day, in ascending order
// without overlap. Fields are named "<field_prefix>days[<weekday 0=Mon>][<i>]".
absl::Status ValidateWeeklyIntervals(const WeeklyIntervals& week, absl::string_view field_prefix);

// ValidateWeeklyIntervals on `week` ("<prefix>week.").
absl::Status ValidateWeeklySchedule(const WeeklySchedule& schedule,
                                    absl::string_view field_prefix = "");

// Non-empty id, first_day <= last_day, at least one valid extra interval.
absl::Status ValidateExtension(const DatedExtension& extension,
                               absl::string_view field_prefix = "");

// Non-empty id, first_day <= last_day.
absl::Status ValidateClosure(const Closure& closure, absl::string_view field_prefix = "");

// The last allowed last_day of a reduction starting on `first_day`: the reduction ends at
// the end of last_day, which may be at most 6 calendar months after first_day begins.
// Months are added calendar-wise, clamped to the month's end (31 Aug + 6 months = 28/29 Feb),
// so 2025-01-01 may run to 2025-06-30 inclusive and 2025-08-31 to 2026-02-27.
absl::CivilDay LatestReductionLastDay(absl::CivilDay first_day);

// TP-3.13: non-empty id; first_day <= last_day <= LatestReductionLastDay(first_day); valid
// replacement hours; coverage given (a phone desk needs at least one non-empty employee
// id) -- else INVALID_ARGUMENT. No approval or an empty approval.director_id:
// FAILED_PRECONDITION.
absl::Status ValidateReduction(const TemporaryReduction& reduction,
                               absl::string_view field_prefix = "");

// TP-4.7: non-empty id, finite start < end -- else INVALID_ARGUMENT. No approval or an
// empty approval.director_id: FAILED_PRECONDITION.
absl::Status ValidateUnmannedPeriod(const UnmannedPeriod& period,
                                    absl::string_view field_prefix = "");

// Everything above for every record of the unit ("phone.", "extensions[0].", ...), a
// non-empty unit_id, and ids unique across all the unit's dated records.
absl::Status ValidateUnitHours(const UnitHours& hours);

}  // namespace cti::hours

#endif  // CTI_PROJECTIONS_HOURS_VALIDATE_H_
