// NextOpening.
#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "projections/hours/hours.h"
#include "projections/hours/internal/day_plan.h"

namespace cti::hours {

using internal::DayPlan;
using internal::LocalInstant;
using internal::Segment;

namespace {

// Moves `t` past every applicable unmanned period covering it (they may chain).
absl::Time SkipUnmanned(const UnitHours& hours, HoursKind kind, absl::Time t) {
  for (size_t guard = 0; guard <= hours.unmanned.size(); ++guard) {
    const UnmannedPeriod* u = internal::UnmannedAt(hours, kind, t);
    if (u == nullptr) break;
    t = u->end;
  }
  return t;
}

}  // namespace

absl::StatusOr<Opening> NextOpening(const UnitHours& hours, HoursKind kind, absl::Time t,
                                    absl::TimeZone tz, const HolidayCalendar& holidays,
                                    int horizon_days) {
  if (t == absl::InfinitePast() || t == absl::InfiniteFuture()) {
    return absl::InvalidArgumentError("t: not a finite instant");
  }
  if (horizon_days < 1 || horizon_days > kMaxHorizonDays) {
    return absl::InvalidArgumentError(
        absl::StrCat("horizon_days: ", horizon_days, " is not in 1-", kMaxHorizonDays));
  }
  const absl::CivilDay first(tz.At(t).cs);
  const absl::CivilDay last = first + horizon_days;
  DayPlan plan;
  for (absl::CivilDay day = first; day <= last; ++day) {
    internal::PlanDay(hours, kind, day, holidays, &plan);
    if (plan.closed_all_day) {
      // A closure closes every day up to its last: skip them at once.
      if (plan.closure != nullptr) day = std::max(day, std::min(plan.closure->last_day, last));
      continue;
    }
    for (const Segment& s : plan.segments) {
      const absl::Time close = LocalInstant(day, s.close_minute, tz);
      if (close <= t) continue;
      const absl::Time at =
          SkipUnmanned(hours, kind, std::max(t, LocalInstant(day, s.open_minute, tz)));
      if (at < close) return Opening{at, internal::SegmentDecision(hours, kind, plan, s)};
    }
  }
  return absl::NotFoundError(absl::StrCat("unit \"", hours.unit_id, "\": no ", HoursKindName(kind),
                                          " hours within ", horizon_days, " days from ",
                                          absl::FormatCivilTime(first), " (", tz.name(), ")"));
}

}  // namespace cti::hours
