// NextChange: every instant before it gets the answers of the instant asked about, over
// weekly hours, extensions, reductions, closures, unmanned periods, holidays and both
// daylight-saving changes.
#include <vector>

#include "gtest/gtest.h"
#include "projections/hours/hours.h"
#include "projections/hours/testing/hours_test_util.h"

namespace cti::hours {
namespace {

using testing::Approved;
using testing::Copenhagen;
using testing::DefaultUnit;
using testing::Local;
using testing::NoClosureDays;

// A unit with one record of every dated kind in spring 2025, around Easter (17-21 April)
// and the spring-forward night (30 March).
UnitHours BusyUnit() {
  UnitHours unit = DefaultUnit("ydelse");
  DatedExtension e;
  e.id = "pas";
  e.first_day = absl::CivilDay(2025, 3, 24);
  e.last_day = absl::CivilDay(2025, 4, 30);
  e.extra.On(absl::Weekday::thursday) = {LocalInterval::Hm(17, 0, 18, 30)};
  e.extra.On(absl::Weekday::monday) = {LocalInterval::Hm(7, 0, 8, 30)};
  unit.extensions.push_back(e);
  TemporaryReduction r;
  r.id = "ned";
  r.first_day = absl::CivilDay(2025, 4, 7);
  r.last_day = absl::CivilDay(2025, 4, 11);
  r.hours = WeeklySchedule::Weekdays(LocalInterval::Hm(9, 0, 12, 0), "").week;
  r.approval = Approved();
  r.coverage = ReductionCoverage::kPhoneDesk;
  r.phone_desk_employee_ids = {"e-anna"};
  unit.reductions.push_back(r);
  unit.closures.push_back(Closure{"flyt", "", AppliesTo::kBoth, absl::CivilDay(2025, 4, 2),
                                  absl::CivilDay(2025, 4, 2), "Flytning"});
  unit.unmanned.push_back(UnmannedPeriod{"kursus", "TP-4.7", AppliesTo::kBoth,
                                         Local(2025, 3, 25, 10, 17, 30), Local(2025, 3, 25, 12, 5),
                                         Approved()});
  unit.unmanned.push_back(UnmannedPeriod{"nat", "TP-4.7", AppliesTo::kPhone,
                                         Local(2025, 3, 29, 22, 0), Local(2025, 3, 30, 9, 0),
                                         Approved()});
  return unit;
}

// The parts of OpenAt's answer that do not name the instant itself.
void ExpectSameOpenAnswer(const OpenAnswer& a, const OpenAnswer& b, absl::Time t,
                          absl::Time later) {
  SCOPED_TRACE(::testing::Message() << "t=" << t << " later=" << later);
  EXPECT_EQ(a.open, b.open);
  EXPECT_EQ(a.decision, b.decision);
  EXPECT_EQ(a.closes_at, b.closes_at);
  EXPECT_EQ(a.unmanned_until, b.unmanned_until);
  EXPECT_EQ(a.within_weekly_hours, b.within_weekly_hours);
  EXPECT_EQ(a.reduction, b.reduction);
}

void ExpectStableUntilNextChange(const UnitHours& unit, HoursKind kind, absl::Time from,
                                 absl::Time to, absl::Duration step) {
  const absl::TimeZone tz = Copenhagen();
  const HolidayCalendar& holidays = NoClosureDays();
  int changes_seen = 0;
  for (absl::Time t = from; t < to; t += step) {
    const absl::Time change = NextChange(unit, kind, t, tz, holidays);
    ASSERT_GT(change, t);
    ASSERT_LE(change, t + absl::Hours(25)) << "at most the next local midnight";
    const OpenAnswer at_t = OpenAt(unit, kind, t, tz, holidays);
    const absl::StatusOr<Opening> next_t = NextOpening(unit, kind, t, tz, holidays);
    for (absl::Time later : std::vector<absl::Time>{t + absl::Seconds(1), t + (change - t) / 2,
                                                    change - absl::Seconds(1)}) {
      if (later <= t || later >= change) continue;
      ExpectSameOpenAnswer(at_t, OpenAt(unit, kind, later, tz, holidays), t, later);
      if (!at_t.open) {
        const absl::StatusOr<Opening> next_later = NextOpening(unit, kind, later, tz, holidays);
        ASSERT_EQ(next_t.ok(), next_later.ok());
        if (next_t.ok()) {
          EXPECT_EQ(next_t->at, next_later->at) << "t=" << t << " later=" << later;
          EXPECT_EQ(next_t->decision, next_later->decision);
        }
      }
    }
    const OpenAnswer at_change = OpenAt(unit, kind, change, tz, holidays);
    if (at_change.open != at_t.open || !(at_change.decision == at_t.decision)) ++changes_seen;
  }
  EXPECT_GT(changes_seen, 0) << "the span should hold changes";
}

TEST(TP_3_14_NextChange, DefaultHoursAcrossAWeekAndBothDstNights) {
  const UnitHours unit = DefaultUnit();
  ExpectStableUntilNextChange(unit, HoursKind::kPhone, Local(2025, 3, 27, 0, 0),
                              Local(2025, 4, 1, 0, 0), absl::Minutes(7));
  ExpectStableUntilNextChange(unit, HoursKind::kCounter, Local(2025, 10, 23, 0, 0),
                              Local(2025, 10, 28, 0, 0), absl::Minutes(7));
}

TEST(TP_3_12_TP_3_13_TP_4_7_NextChange, EveryDatedKindAndEaster) {
  const UnitHours unit = BusyUnit();
  ExpectStableUntilNextChange(unit, HoursKind::kPhone, Local(2025, 3, 23, 0, 0),
                              Local(2025, 4, 23, 0, 0), absl::Minutes(13));
  ExpectStableUntilNextChange(unit, HoursKind::kCounter, Local(2025, 3, 23, 0, 0),
                              Local(2025, 4, 23, 0, 0), absl::Minutes(13));
}

TEST(TP_4_7_NextChange, StopsAtAnUnmannedPeriodOffTheMinute) {
  const UnitHours unit = BusyUnit();
  const absl::TimeZone tz = Copenhagen();
  EXPECT_EQ(NextChange(unit, HoursKind::kPhone, Local(2025, 3, 25, 9, 0), tz, NoClosureDays()),
            Local(2025, 3, 25, 10, 17, 30));
  EXPECT_EQ(
      NextChange(unit, HoursKind::kPhone, Local(2025, 3, 25, 10, 17, 30), tz, NoClosureDays()),
      Local(2025, 3, 25, 12, 5));  // the period's end, inside the 08-16 interval
}

TEST(TP_3_8_NextChange, ClosedAllDayChangesAtMidnightOnly) {
  const UnitHours unit = DefaultUnit();
  const absl::TimeZone tz = Copenhagen();
  // Good Friday 2025: a public holiday; the weekly intervals still bound
  // within_weekly_hours, so 08:00 comes first.
  EXPECT_EQ(NextChange(unit, HoursKind::kPhone, Local(2025, 4, 18, 3, 0), tz, NoClosureDays()),
            Local(2025, 4, 18, 8, 0));
  // Saturday: no interval at all; the next change is Sunday 00:00 local.
  EXPECT_EQ(NextChange(unit, HoursKind::kPhone, Local(2025, 3, 29, 12, 0), tz, NoClosureDays()),
            Local(2025, 3, 30, 0, 0));
  // Spring-forward Sunday lasts 23 hours.
  EXPECT_EQ(NextChange(unit, HoursKind::kPhone, Local(2025, 3, 30, 0, 0), tz, NoClosureDays()) -
                Local(2025, 3, 30, 0, 0),
            absl::Hours(23));
}

}  // namespace
}  // namespace cti::hours
