#include "projections/hours/internal/day_plan.h"

#include <vector>

namespace cti::hours::internal {
namespace {

bool Covers(absl::CivilDay first, absl::CivilDay last, absl::CivilDay day) {
  return first <= day && day <= last;
}

bool ValidInterval(const LocalInterval& iv) {
  return iv.open_minute >= 0 && iv.open_minute < iv.close_minute &&
         iv.close_minute <= kMinutesPerDay;
}

// Inserts keeping the order by open_minute; on equal open_minute the base segment stays
// first. Days hold a handful of segments, so insertion sort is the cheapest.
void Insert(DayPlan* plan, const Segment& s) {
  auto& segs = plan->segments;
  auto it = segs.end();
  while (it != segs.begin() && (it - 1)->open_minute > s.open_minute) --it;
  segs.insert(it, s);
}

void AddIntervals(const std::vector<LocalInterval>& intervals, Decider decider,
                  const DatedExtension* extension, DayPlan* plan) {
  for (const LocalInterval& iv : intervals) {
    if (!ValidInterval(iv)) continue;
    Insert(plan, Segment{iv.open_minute, iv.close_minute, decider, extension});
  }
}

}  // namespace

void PlanDay(const UnitHours& hours, HoursKind kind, absl::CivilDay day,
             const HolidayCalendar& holidays, DayPlan* plan) {
  plan->day = day;
  plan->closed_all_day = false;
  plan->closed_by = Decision{};
  plan->closure = nullptr;
  plan->reduction = nullptr;
  plan->segments.clear();

  const WeeklySchedule& schedule = hours.Schedule(kind);
  for (const TemporaryReduction& r : hours.reductions) {
    if (!Applies(r.applies_to, kind) || !Covers(r.first_day, r.last_day, day)) continue;
    if (plan->reduction == nullptr || r.first_day >= plan->reduction->first_day) {
      plan->reduction = &r;
    }
  }
  if (!schedule.open_on_holidays) {
    if (std::optional<Holiday> h = holidays.On(day)) {
      plan->closed_all_day = true;
      plan->closed_by.decider = h->kind == HolidayKind::kPublicHoliday
                                    ? Decider::kPublicHoliday
                                    : Decider::kMunicipalClosureDay;
      plan->closed_by.label = h->name_da;
      plan->closed_by.label_en = h->name_en;
      return;
    }
  }
  for (const Closure& c : hours.closures) {
    if (!Applies(c.applies_to, kind) || !Covers(c.first_day, c.last_day, day)) continue;
    plan->closed_all_day = true;
    plan->closure = &c;
    plan->closed_by = Decision{Decider::kClosure, c.id, c.rule, c.reason, {}};
    return;
  }
  const absl::Weekday weekday = absl::GetWeekday(day);
  if (plan->reduction != nullptr) {
    AddIntervals(plan->reduction->hours.On(weekday), Decider::kReduction, nullptr, plan);
  } else {
    AddIntervals(schedule.week.On(weekday), Decider::kWeeklySchedule, nullptr, plan);
  }
  for (const DatedExtension& e : hours.extensions) {
    if (!Applies(e.applies_to, kind) || !Covers(e.first_day, e.last_day, day)) continue;
    AddIntervals(e.extra.On(weekday), Decider::kExtension, &e, plan);
  }
}

Decision SegmentDecision(const UnitHours& hours, HoursKind kind, const DayPlan& plan,
                         const Segment& segment) {
  if (segment.decider == Decider::kExtension) {
    return Decision{Decider::kExtension, segment.extension->id, segment.extension->rule, {}, {}};
  }
  return BaseDecision(hours, kind, plan);
}

Decision BaseDecision(const UnitHours& hours, HoursKind kind, const DayPlan& plan) {
  if (plan.reduction != nullptr) {
    return Decision{Decider::kReduction, plan.reduction->id, plan.reduction->rule, {}, {}};
  }
  return Decision{Decider::kWeeklySchedule, {}, hours.Schedule(kind).rule, {}, {}};
}

const UnmannedPeriod* UnmannedAt(const UnitHours& hours, HoursKind kind, absl::Time t) {
  for (const UnmannedPeriod& u : hours.unmanned) {
    if (Applies(u.applies_to, kind) && u.start <= t && t < u.end) return &u;
  }
  return nullptr;
}

absl::Time NextUnmannedStart(const UnitHours& hours, HoursKind kind, absl::Time after,
                             absl::Time before) {
  absl::Time earliest = before;
  for (const UnmannedPeriod& u : hours.unmanned) {
    if (Applies(u.applies_to, kind) && u.start > after && u.start < earliest) earliest = u.start;
  }
  return earliest;
}

}  // namespace cti::hours::internal
