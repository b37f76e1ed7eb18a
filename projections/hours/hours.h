// Hours queries: "is this unit open at instant T?" and "when does it next open?", for phone
// or counter hours, with the record and policy rule that decided (TP-3.1, TP-3.4, TP-3.8 to
// TP-3.14, TP-4.7). Plain C++: UnitHours (schedule.h) in, answers out.
//
// How a local day D is decided, for one kind of hours:
//   1. a holiday (public or municipal closure day, HolidayCalendar) closes the whole day,
//      unless the kind's WeeklySchedule::open_on_holidays;
//   2. else a Closure covering D closes the whole day;
//   3. else the hours are the weekly intervals of D's weekday -- replaced by a
//      TemporaryReduction's hours if one covers D -- plus the extra intervals of every
//      DatedExtension covering D;
//   4. within those hours, an UnmannedPeriod covering T makes the unit closed (nobody
//      staffs it: its calls go to reception, TP-4.7).
// Local intervals become instants with absl::FromCivil in `tz` (README.md, "Daylight
// saving": a boundary in the spring-forward gap moves to the transition instant, a boundary
// in the repeated autumn hour means its first occurrence).
//
// Thread safety: pure functions over const inputs; safe from many threads at once.
// Lifetimes: string_views and pointers in answers point into the UnitHours and
// HolidayCalendar passed in (or static storage): valid while those live unchanged. Passing
// a temporary UnitHours or HolidayCalendar does not compile.
//
// Example:
//   absl::TimeZone tz = *CopenhagenTimeZone();
//   const HolidayCalendar holidays;  // public holidays only; see HolidayCalendar::Create
//   OpenAnswer now = OpenAt(unit, HoursKind::kPhone, t, tz, holidays);
//   if (!now.open) {
//     absl::StatusOr<Opening> next = NextOpening(unit, HoursKind::kPhone, t, tz, holidays);
//   }
#ifndef CTI_PROJECTIONS_HOURS_HOURS_H_
#define CTI_PROJECTIONS_HOURS_HOURS_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "projections/hours/holidays.h"
#include "projections/hours/schedule.h"

namespace cti::hours {

// The kind of record that decided an answer.
enum class Decider {
  kWeeklySchedule,       // the unit's weekly hours of that kind
  kExtension,            // a DatedExtension's extra hours (TP-3.12)
  kReduction,            // a TemporaryReduction's replacement hours (TP-3.13)
  kClosure,              // a Closure
  kPublicHoliday,        // a Danish public holiday
  kMunicipalClosureDay,  // one of the municipality's closure days
  kUnmanned,             // an UnmannedPeriod (TP-4.7)
};

// "weekly schedule", "extension", "reduction", "closure", "public holiday",
// "municipal closure day", "unmanned period".
const char* DeciderName(Decider decider);

// Which record decided, for explanations and reasons trails.
struct Decision {
  Decider decider = Decider::kWeeklySchedule;
  // kExtension, kReduction, kClosure, kUnmanned: the record's id. Otherwise empty.
  absl::string_view record_id;
  // The policy rule of the deciding record ("TP-3.8", "TP-3.13", ...); may be empty
  // (holidays; closures and schedules without one).
  absl::string_view rule;
  // Holidays: the Danish name ("Langfredag"). kClosure: its reason. Otherwise empty.
  absl::string_view label;
  // Holidays: the English name ("Good Friday"). Otherwise empty.
  absl::string_view label_en;

  friend bool operator==(const Decision&, const Decision&) = default;
};

// How many local days OpenAt follows an opening that continues past midnight before it
// gives up and reports closes_at = InfiniteFuture().
inline constexpr int kMaxContinuousDays = 7;

struct OpenAnswer {
  bool open = false;
  // Why open or closed. Closed outside the day's intervals: the schedule in force
  // (kWeeklySchedule, or kReduction during a reduction).
  Decision decision;
  // When open: the instant the continuous opening ends (exclusive): the end of the
  // interval, followed through adjoining intervals and across midnight, cut short by the
  // start of an unmanned period. InfiniteFuture() if it lasts beyond kMaxContinuousDays
  // days. When closed: InfinitePast().
  absl::Time closes_at = absl::InfinitePast();
  // decider == kUnmanned: the end of the unmanned period. Otherwise InfinitePast().
  absl::Time unmanned_until = absl::InfinitePast();
  // T lies within the unit's weekly hours of this kind, ignoring holidays and every dated
  // change: "normally open now" (e.g. a reduction's phone desk covers these times).
  bool within_weekly_hours = false;
  // A reduction in force on T's local day for this kind (its coverage tells who answers),
  // whether or not it decided. Otherwise nullptr.
  const TemporaryReduction* reduction = nullptr;
  HoursKind kind = HoursKind::kPhone;
  absl::CivilSecond local_time;  // T in the zone
};

// Is the unit open for `kind` at `t`? Allocates nothing for up to 6 intervals a day (more
// spill to the heap); cost grows with the unit's number of dated records, not with time.
// An infinite `t` is answered closed by the weekly schedule.
OpenAnswer OpenAt(const UnitHours& hours, HoursKind kind, absl::Time t, absl::TimeZone tz,
                  const HolidayCalendar& holidays);
// Answers point into `hours` and `holidays`: temporaries would leave them dangling.
OpenAnswer OpenAt(const UnitHours&& hours, HoursKind kind, absl::Time t, absl::TimeZone tz,
                  const HolidayCalendar& holidays) = delete;
OpenAnswer OpenAt(const UnitHours& hours, HoursKind kind, absl::Time t, absl::TimeZone tz,
                  const HolidayCalendar&& holidays) = delete;

// The first instant after `t` at which OpenAt or NextOpening for this unit and kind may
// answer differently than at `t` (same `hours` and `holidays`): the next local midnight,
// the next start or end of an interval of t's local day (weekly, reduced or extended
// hours, and the weekly intervals behind within_weekly_hours), or the next start or end of
// an applicable unmanned period. Conservative: the answers may also be unchanged there,
// but every instant in [t, NextChange) gets the answers `t` gets. For callers that reuse
// an answer until it may change (the Route answer cache). InfiniteFuture() for an
// infinite `t`.
absl::Time NextChange(const UnitHours& hours, HoursKind kind, absl::Time t, absl::TimeZone tz,
                      const HolidayCalendar& holidays);

inline constexpr int kDefaultHorizonDays = 400;
inline constexpr int kMaxHorizonDays = 3660;

struct Opening {
  absl::Time at;      // the first instant >= T at which the unit is open
  Decision decision;  // the intervals that open it (weekly, extension or reduction)
};

// The first instant at or after `t` at which OpenAt(...).open would be true: `t` itself if
// open now. Searches the local days from t's day to t's day + horizon_days.
// NOT_FOUND naming the unit, kind and horizon if the unit never opens within it;
// INVALID_ARGUMENT for an infinite `t` or horizon_days outside 1..kMaxHorizonDays.
absl::StatusOr<Opening> NextOpening(const UnitHours& hours, HoursKind kind, absl::Time t,
                                    absl::TimeZone tz, const HolidayCalendar& holidays,
                                    int horizon_days = kDefaultHorizonDays);
absl::StatusOr<Opening> NextOpening(const UnitHours&& hours, HoursKind kind, absl::Time t,
                                    absl::TimeZone tz, const HolidayCalendar& holidays,
                                    int horizon_days = kDefaultHorizonDays) = delete;
absl::StatusOr<Opening> NextOpening(const UnitHours& hours, HoursKind kind, absl::Time t,
                                    absl::TimeZone tz, const HolidayCalendar&& holidays,
                                    int horizon_days = kDefaultHorizonDays) = delete;

// The effective hours of the ISO week (Monday to Sunday) containing `day`: holidays and
// closures empty, reductions and extensions applied, overlapping or touching intervals
// merged. Unmanned periods (instants, not hours) are not shown. For SummarizeWeek.
WeeklyIntervals EffectiveWeek(const UnitHours& hours, HoursKind kind, absl::CivilDay day,
                              const HolidayCalendar& holidays);

}  // namespace cti::hours

#endif  // CTI_PROJECTIONS_HOURS_HOURS_H_
