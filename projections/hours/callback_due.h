// When a promised call back is due (TP-3.14: "callers are called back the same day where
// possible"; TP-4.3): the end of the phone-hours day on which the unit is next open.
//
// Example:
//   absl::StatusOr<CallbackDue> due =
//       CallbackDueAt(unit, requested_at, *CopenhagenTimeZone(), holidays);
//   // Monday 10:00, hours 8-16: due Monday 16:00, next_phone_day false.
//   // Monday 17:00: due Tuesday 16:00, next_phone_day true.
//
// Thread safety: a pure function over const inputs.
#ifndef CTI_PROJECTIONS_HOURS_CALLBACK_DUE_H_
#define CTI_PROJECTIONS_HOURS_CALLBACK_DUE_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "projections/hours/holidays.h"
#include "projections/hours/schedule.h"

namespace cti::hours {

struct CallbackDue {
  // The end of the last phone-hours interval of the phone day (local midnight when the
  // hours run past it).
  absl::Time due = absl::InfinitePast();
  // False when the phone day is the request's own local day (requested during or before
  // that day's phone hours); true when it is a later day (after hours, weekend, holiday,
  // closure, unmanned for the rest of the day).
  bool next_phone_day = false;
};

// The phone day of a request at `t` is the local day of NextOpening(hours, kPhone, t)
// (t's own day when open at t); the callback is due when that day's phone hours end:
// the end of its last interval, following adjoining intervals and later intervals of
// the same day, cut at the next local midnight. Holidays, closures, reductions,
// extensions and unmanned periods count as OpenAt and NextOpening count them.
// When the unit opens on no day within kDefaultHorizonDays: due at the end of t's local
// day, next_phone_day false. INVALID_ARGUMENT for an infinite `t`.
absl::StatusOr<CallbackDue> CallbackDueAt(const UnitHours& hours, absl::Time t, absl::TimeZone tz,
                                          const HolidayCalendar& holidays);

}  // namespace cti::hours

#endif  // CTI_PROJECTIONS_HOURS_CALLBACK_DUE_H_
