// NextChange: how long an OpenAt / NextOpening answer stays true.
#include <algorithm>

#include "projections/hours/hours.h"
#include "projections/hours/internal/day_plan.h"

namespace cti::hours {

absl::Time NextChange(const UnitHours& hours, HoursKind kind, absl::Time t, absl::TimeZone tz,
                      const HolidayCalendar& holidays) {
  if (t == absl::InfinitePast() || t == absl::InfiniteFuture()) return absl::InfiniteFuture();
  const absl::CivilDay day(tz.At(t).cs);
  // Every answer is decided per local day: the next midnight bounds them all.
  absl::Time next = internal::LocalInstant(day + 1, 0, tz);
  const auto consider = [&](absl::Time edge) {
    if (edge > t && edge < next) next = edge;
  };
  internal::DayPlan plan;
  internal::PlanDay(hours, kind, day, holidays, &plan);
  for (const internal::Segment& s : plan.segments) {
    consider(internal::LocalInstant(day, s.open_minute, tz));
    consider(internal::LocalInstant(day, s.close_minute, tz));
  }
  // within_weekly_hours follows the weekly intervals even on closed or reduced days.
  for (const LocalInterval& iv : hours.Schedule(kind).week.On(absl::GetWeekday(day))) {
    consider(internal::LocalInstant(day, iv.open_minute, tz));
    consider(internal::LocalInstant(day, iv.close_minute, tz));
  }
  for (const UnmannedPeriod& u : hours.unmanned) {
    if (!Applies(u.applies_to, kind)) continue;
    consider(u.start);
    consider(u.end);
  }
  return next;
}

}  // namespace cti::hours
