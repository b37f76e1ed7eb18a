// OpenAt and EffectiveWeek.
#include <algorithm>

#include "projections/hours/hours.h"
#include "projections/hours/internal/day_plan.h"

namespace cti::hours {

using internal::DayPlan;
using internal::LocalInstant;
using internal::PlanDay;
using internal::Segment;

namespace {

bool InfiniteTime(absl::Time t) { return t == absl::InfinitePast() || t == absl::InfiniteFuture(); }

// Extends `end` (a minute of plan.day) through every segment that opens at or before it:
// the end of the run of overlapping or touching segments (segments ordered by open_minute).
int RunEnd(const DayPlan& plan, int end) {
  for (const Segment& s : plan.segments) {
    if (s.open_minute > end) break;
    end = std::max(end, s.close_minute);
  }
  return end;
}

// The end of the continuous opening of `plan` that reaches minute `end`, followed across
// midnight into days that open at 00:00.
absl::Time ContinuousEnd(const UnitHours& hours, HoursKind kind, absl::TimeZone tz,
                         const HolidayCalendar& holidays, const DayPlan& plan, int end) {
  end = RunEnd(plan, end);
  absl::CivilDay day = plan.day;
  DayPlan next;
  for (int days = 0; end == kMinutesPerDay; ++days) {
    if (days == kMaxContinuousDays) return absl::InfiniteFuture();
    ++day;
    PlanDay(hours, kind, day, holidays, &next);
    end = RunEnd(next, 0);
  }
  return LocalInstant(day, end, tz);
}

bool WithinWeeklyHours(const UnitHours& hours, HoursKind kind, absl::CivilDay day, absl::Time t,
                       absl::TimeZone tz) {
  for (const LocalInterval& iv : hours.Schedule(kind).week.On(absl::GetWeekday(day))) {
    if (LocalInstant(day, iv.open_minute, tz) <= t && t < LocalInstant(day, iv.close_minute, tz)) {
      return true;
    }
  }
  return false;
}

}  // namespace

const char* DeciderName(Decider decider) {
  switch (decider) {
    case Decider::kWeeklySchedule:
      return "weekly schedule";
    case Decider::kExtension:
      return "extension";
    case Decider::kReduction:
      return "reduction";
    case Decider::kClosure:
      return "closure";
    case Decider::kPublicHoliday:
      return "public holiday";
    case Decider::kMunicipalClosureDay:
      return "municipal closure day";
    case Decider::kUnmanned:
      return "unmanned period";
  }
  return "unknown";
}

OpenAnswer OpenAt(const UnitHours& hours, HoursKind kind, absl::Time t, absl::TimeZone tz,
                  const HolidayCalendar& holidays) {
  OpenAnswer answer;
  answer.kind = kind;
  answer.decision.rule = hours.Schedule(kind).rule;
  if (InfiniteTime(t)) return answer;
  answer.local_time = tz.At(t).cs;
  const absl::CivilDay day(answer.local_time);

  DayPlan plan;
  PlanDay(hours, kind, day, holidays, &plan);
  answer.reduction = plan.reduction;
  if (plan.closed_all_day) {
    answer.decision = plan.closed_by;
    answer.within_weekly_hours = WithinWeeklyHours(hours, kind, day, t, tz);
    return answer;
  }
  // The segment containing t that decides: a base segment (weekly or reduced hours) before
  // an extension, so "normal hours" win where they overlap. `end` collects the latest close
  // of all segments containing t.
  const Segment* found = nullptr;
  int end = 0;
  for (const Segment& s : plan.segments) {
    if (LocalInstant(day, s.open_minute, tz) > t) break;
    if (t >= LocalInstant(day, s.close_minute, tz)) continue;
    end = std::max(end, s.close_minute);
    if (found == nullptr ||
        (found->decider == Decider::kExtension && s.decider != Decider::kExtension)) {
      found = &s;
    }
  }
  if (found == nullptr) {
    answer.decision = internal::BaseDecision(hours, kind, plan);
    answer.within_weekly_hours = WithinWeeklyHours(hours, kind, day, t, tz);
    return answer;
  }
  answer.within_weekly_hours =
      found->decider == Decider::kWeeklySchedule || WithinWeeklyHours(hours, kind, day, t, tz);
  if (const UnmannedPeriod* u = internal::UnmannedAt(hours, kind, t)) {
    answer.decision = Decision{Decider::kUnmanned, u->id, u->rule, {}, {}};
    answer.unmanned_until = u->end;
    return answer;
  }
  answer.open = true;
  answer.decision = internal::SegmentDecision(hours, kind, plan, *found);
  answer.closes_at = internal::NextUnmannedStart(
      hours, kind, t, ContinuousEnd(hours, kind, tz, holidays, plan, end));
  return answer;
}

WeeklyIntervals EffectiveWeek(const UnitHours& hours, HoursKind kind, absl::CivilDay day,
                              const HolidayCalendar& holidays) {
  WeeklyIntervals week;
  const absl::CivilDay monday = absl::PrevWeekday(day + 1, absl::Weekday::monday);
  DayPlan plan;
  for (int i = 0; i < 7; ++i) {
    PlanDay(hours, kind, monday + i, holidays, &plan);
    std::vector<LocalInterval>& out = week.days[i];
    for (const Segment& s : plan.segments) {
      if (!out.empty() && s.open_minute <= out.back().close_minute) {
        out.back().close_minute = std::max(out.back().close_minute, s.close_minute);
      } else {
        out.push_back(LocalInterval{s.open_minute, s.close_minute});
      }
    }
  }
  return week;
}

}  // namespace cti::hours
