#include "projections/hours/callback_due.h"

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "projections/hours/hours.h"

namespace cti::hours {
namespace {

// Intervals of one day followed at most; real schedules have a handful.
constexpr int kMaxIntervalsPerDay = 48;

absl::Time NextMidnight(absl::Time t, absl::TimeZone tz) {
  return absl::FromCivil(absl::ToCivilDay(t, tz) + 1, tz);
}

}  // namespace

absl::StatusOr<CallbackDue> CallbackDueAt(const UnitHours& hours, absl::Time t, absl::TimeZone tz,
                                          const HolidayCalendar& holidays) {
  if (t == absl::InfinitePast() || t == absl::InfiniteFuture()) {
    return absl::InvalidArgumentError("requested_at: must be a finite instant");
  }
  absl::StatusOr<Opening> opening = NextOpening(hours, HoursKind::kPhone, t, tz, holidays);
  if (!opening.ok()) {
    if (absl::IsNotFound(opening.status())) return CallbackDue{NextMidnight(t, tz), false};
    return opening.status();
  }
  const absl::CivilDay day = absl::ToCivilDay(opening->at, tz);
  const absl::Time day_end = NextMidnight(opening->at, tz);
  CallbackDue answer;
  answer.next_phone_day = day != absl::ToCivilDay(t, tz);
  absl::Time open_from = opening->at;
  for (int i = 0; i < kMaxIntervalsPerDay; ++i) {
    const OpenAnswer now = OpenAt(hours, HoursKind::kPhone, open_from, tz, holidays);
    if (!now.open) break;
    if (now.closes_at >= day_end) {
      answer.due = day_end;
      return answer;
    }
    answer.due = now.closes_at;
    absl::StatusOr<Opening> again =
        NextOpening(hours, HoursKind::kPhone, now.closes_at, tz, holidays, /*horizon_days=*/1);
    if (!again.ok() || again->at >= day_end) break;
    open_from = again->at;
  }
  if (answer.due == absl::InfinitePast()) answer.due = day_end;  // not reached: open at `at`
  return answer;
}

}  // namespace cti::hours
