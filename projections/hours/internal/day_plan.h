// The effective hours of one local day for one kind of hours: the building block of
// OpenAt, NextOpening and EffectiveWeek. Internal to cti_hours.
#ifndef CTI_PROJECTIONS_HOURS_INTERNAL_DAY_PLAN_H_
#define CTI_PROJECTIONS_HOURS_INTERNAL_DAY_PLAN_H_

#include "absl/container/inlined_vector.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "projections/hours/holidays.h"
#include "projections/hours/hours.h"
#include "projections/hours/schedule.h"

namespace cti::hours::internal {

// One local interval of the day and where it comes from.
struct Segment {
  int open_minute = 0;
  int close_minute = 0;
  Decider decider = Decider::kWeeklySchedule;  // kWeeklySchedule, kReduction or kExtension
  const DatedExtension* extension = nullptr;   // kExtension only
};

struct DayPlan {
  absl::CivilDay day;
  bool closed_all_day = false;
  Decision closed_by;                             // when closed_all_day
  const Closure* closure = nullptr;               // the closure that closed it, if one did
  const TemporaryReduction* reduction = nullptr;  // in force on `day`, if any
  absl::InlinedVector<Segment, 6> segments;       // by open_minute; base before extension
};

// Fills `plan` (cleared first) for `day`. Invalid intervals (open >= close, out of range)
// are skipped. Segments are left empty when the day is closed all day.
void PlanDay(const UnitHours& hours, HoursKind kind, absl::CivilDay day,
             const HolidayCalendar& holidays, DayPlan* plan);

// The decision behind a segment, and behind "closed: outside the day's hours".
Decision SegmentDecision(const UnitHours& hours, HoursKind kind, const DayPlan& plan,
                         const Segment& segment);
Decision BaseDecision(const UnitHours& hours, HoursKind kind, const DayPlan& plan);

// The instant the local clock first shows `minute` (0..1440) of `day` (absl::FromCivil).
inline absl::Time LocalInstant(absl::CivilDay day, int minute, absl::TimeZone tz) {
  return absl::FromCivil(absl::CivilSecond(day) + minute * 60, tz);
}

// The applicable unmanned period covering `t`, or nullptr.
const UnmannedPeriod* UnmannedAt(const UnitHours& hours, HoursKind kind, absl::Time t);

// The earliest start of an applicable unmanned period in (after, before), or `before`.
absl::Time NextUnmannedStart(const UnitHours& hours, HoursKind kind, absl::Time after,
                             absl::Time before);

}  // namespace cti::hours::internal

#endif  // CTI_PROJECTIONS_HOURS_INTERNAL_DAY_PLAN_H_
