// NextOpening: over Easter, Christmas, weekends, closures and unmanned periods, its
// horizon, and its agreement with OpenAt at every instant.
#include "gmock/gmock.h"
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
using testing::Utc;

absl::StatusOr<Opening> Next(const UnitHours& unit, absl::Time t,
                             const HolidayCalendar& holidays = NoClosureDays(),
                             HoursKind kind = HoursKind::kPhone) {
  return NextOpening(unit, kind, t, Copenhagen(), holidays);
}

TEST(TP_3_8_NextOpening, FromMaundyThursdayEveningIsTuesday0800AfterEaster) {
  const UnitHours unit = DefaultUnit();
  // 2025: Skærtorsdag 17 April, Langfredag 18, weekend, 2. påskedag 21: all closed.
  for (absl::Time t : {Local(2025, 4, 16, 18, 0), Local(2025, 4, 17, 19, 0)}) {
    absl::StatusOr<Opening> next = Next(unit, t);
    ASSERT_TRUE(next.ok()) << next.status();
    EXPECT_EQ(next->at, Utc(2025, 4, 22, 6, 0));  // Tuesday 08:00 CEST
    EXPECT_EQ(next->at, Local(2025, 4, 22, 8, 0));
    EXPECT_EQ(next->decision.decider, Decider::kWeeklySchedule);
    EXPECT_EQ(next->decision.rule, "TP-3.8");
  }
  // 2024: Easter Sunday is the spring-forward day; Wednesday evening is CET.
  absl::StatusOr<Opening> y2024 = Next(unit, Utc(2024, 3, 27, 17, 0));
  ASSERT_TRUE(y2024.ok());
  EXPECT_EQ(y2024->at, Utc(2024, 4, 2, 6, 0));  // Tuesday 2 April 08:00 CEST
  // Counter hours open at 10:00.
  absl::StatusOr<Opening> counter =
      Next(unit, Local(2025, 4, 17, 19, 0), NoClosureDays(), HoursKind::kCounter);
  ASSERT_TRUE(counter.ok());
  EXPECT_EQ(counter->at, Local(2025, 4, 22, 10, 0));
  EXPECT_EQ(counter->decision.rule, "TP-3.9");
}

TEST(TP_3_8_NextOpening, OpenNowIsNow) {
  const absl::Time t = Local(2025, 2, 4, 9, 17, 3);
  absl::StatusOr<Opening> next = Next(DefaultUnit(), t);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->at, t);
}

TEST(TP_3_8_NextOpening, LaterTheSameDayAndAfterTheWeekend) {
  EXPECT_EQ(Next(DefaultUnit(), Local(2025, 2, 4, 6, 30))->at, Local(2025, 2, 4, 8, 0));
  EXPECT_EQ(Next(DefaultUnit(), Local(2025, 2, 7, 14, 0))->at, Local(2025, 2, 10, 8, 0));
  EXPECT_EQ(Next(DefaultUnit(), Local(2025, 2, 8, 11, 0))->at, Utc(2025, 2, 10, 7, 0));
}

TEST(TP_3_8_NextOpening, OverChristmasWithTheMunicipalClosureDays) {
  absl::StatusOr<HolidayCalendar> holidays =
      HolidayCalendar::Create(MunicipalClosureDays::Common());
  ASSERT_TRUE(holidays.ok());
  // Tue 23 Dec 16:00; 24 (closure day), 25, 26 (holidays), weekend: Monday 29 Dec 08:00 CET.
  EXPECT_EQ(Next(DefaultUnit(), Local(2025, 12, 23, 16, 0), *holidays)->at,
            Utc(2025, 12, 29, 7, 0));
  // Mon 29, Tue 30 open; Wed 31 (closure day), Thu 1 Jan (holiday): Friday 2 January 2026.
  EXPECT_EQ(Next(DefaultUnit(), Local(2025, 12, 30, 16, 0), *holidays)->at, Utc(2026, 1, 2, 7, 0));
  // Without the closure days, 24 December is a working Wednesday.
  EXPECT_EQ(Next(DefaultUnit(), Local(2025, 12, 23, 16, 0))->at, Utc(2025, 12, 24, 7, 0));
}

TEST(NextOpening, SkipsALongClosure) {
  UnitHours unit = DefaultUnit();
  Closure c;
  c.id = "renovering";
  c.first_day = absl::CivilDay(2025, 6, 1);
  c.last_day = absl::CivilDay(2025, 8, 31);
  unit.closures.push_back(c);
  // Monday 1 September 2025.
  EXPECT_EQ(Next(unit, Local(2025, 6, 2, 9, 0))->at, Local(2025, 9, 1, 8, 0));
}

TEST(TP_4_7_NextOpening, AfterAnUnmannedPeriod) {
  UnitHours unit = DefaultUnit();
  unit.unmanned.push_back(UnmannedPeriod{"u1", "TP-4.7", AppliesTo::kBoth, Local(2025, 2, 4, 7, 0),
                                         Local(2025, 2, 4, 10, 0), Approved()});
  unit.unmanned.push_back(UnmannedPeriod{"u2", "TP-4.7", AppliesTo::kBoth, Local(2025, 2, 4, 10, 0),
                                         Local(2025, 2, 4, 11, 30), Approved()});
  EXPECT_EQ(Next(unit, Local(2025, 2, 4, 6, 0))->at, Local(2025, 2, 4, 11, 30));
  // Unmanned past closing: the next day.
  unit.unmanned.push_back(UnmannedPeriod{"u3", "TP-4.7", AppliesTo::kPhone,
                                         Local(2025, 2, 5, 12, 0), Local(2025, 2, 5, 20, 0),
                                         Approved()});
  EXPECT_EQ(Next(unit, Local(2025, 2, 5, 12, 0))->at, Local(2025, 2, 6, 8, 0));
  // Counter hours are not affected by a phone-only period.
  EXPECT_EQ(Next(unit, Local(2025, 2, 5, 12, 0), NoClosureDays(), HoursKind::kCounter)->at,
            Local(2025, 2, 5, 12, 0));
}

TEST(NextOpening, NotFoundWithinTheHorizon) {
  UnitHours unit = DefaultUnit("lukket");
  unit.phone = WeeklySchedule::Closed("TP-3.10");
  absl::StatusOr<Opening> next = Next(unit, Local(2025, 2, 4, 9, 0));
  EXPECT_EQ(next.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(next.status().message(),
              ::testing::AllOf(::testing::HasSubstr("\"lukket\""), ::testing::HasSubstr("phone"),
                               ::testing::HasSubstr("400 days")));
  // Opening just past a short horizon is not found; within it, it is.
  const UnitHours normal = DefaultUnit();
  const absl::Time friday = Local(2025, 2, 7, 15, 0);
  EXPECT_EQ(NextOpening(normal, HoursKind::kPhone, friday, Copenhagen(), NoClosureDays(), 2)
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(
      NextOpening(normal, HoursKind::kPhone, friday, Copenhagen(), NoClosureDays(), 3).ok());
}

TEST(NextOpening, RefusesBadArguments) {
  const UnitHours unit = DefaultUnit();
  EXPECT_EQ(
      NextOpening(unit, HoursKind::kPhone, absl::InfiniteFuture(), Copenhagen(), NoClosureDays())
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(NextOpening(unit, HoursKind::kPhone, Local(2025, 1, 1, 0, 0), Copenhagen(),
                          NoClosureDays(), 0)
                  .status()
                  .message(),
              ::testing::HasSubstr("horizon_days"));
}

// Agreement with OpenAt: for instants spread over a year, the next opening is open, the
// second before it closed (unless it is T), and nothing between T and it is open.
TEST(NextOpening, AgreesWithOpenAtThroughAYear) {
  absl::StatusOr<HolidayCalendar> holidays =
      HolidayCalendar::Create(MunicipalClosureDays::Common());
  ASSERT_TRUE(holidays.ok());
  UnitHours unit = DefaultUnit();
  DatedExtension e;
  e.id = "pas";
  e.first_day = absl::CivilDay(2025, 3, 1);
  e.last_day = absl::CivilDay(2025, 5, 31);
  e.extra.On(absl::Weekday::thursday) = {LocalInterval::Hm(17, 0, 18, 0)};
  e.extra.On(absl::Weekday::saturday) = {LocalInterval::Hm(10, 0, 12, 0)};
  unit.extensions.push_back(e);
  TemporaryReduction r;
  r.id = "r1";
  r.first_day = absl::CivilDay(2025, 9, 1);
  r.last_day = absl::CivilDay(2025, 10, 31);
  r.hours = WeeklySchedule::Weekdays(LocalInterval::Hm(9, 0, 12, 0), "").week;
  unit.reductions.push_back(r);
  unit.closures.push_back(Closure{"flyt", "", AppliesTo::kBoth, absl::CivilDay(2025, 6, 16),
                                  absl::CivilDay(2025, 6, 18), "Flytning"});
  unit.unmanned.push_back(UnmannedPeriod{"u1", "TP-4.7", AppliesTo::kBoth, Local(2025, 2, 11, 9, 0),
                                         Local(2025, 2, 12, 13, 0), Approved()});
  const absl::TimeZone tz = Copenhagen();
  int open_now = 0;
  for (absl::Time t = Utc(2025, 1, 1, 0, 0); t < Utc(2026, 1, 1, 0, 0); t += absl::Minutes(97)) {
    const bool open = OpenAt(unit, HoursKind::kPhone, t, tz, *holidays).open;
    absl::StatusOr<Opening> next = NextOpening(unit, HoursKind::kPhone, t, tz, *holidays);
    ASSERT_TRUE(next.ok()) << t;
    ASSERT_GE(next->at, t);
    ASSERT_TRUE(OpenAt(unit, HoursKind::kPhone, next->at, tz, *holidays).open) << t;
    if (open) {
      ASSERT_EQ(next->at, t);
      ++open_now;
    } else {
      ASSERT_FALSE(OpenAt(unit, HoursKind::kPhone, next->at - absl::Seconds(1), tz, *holidays).open)
          << t;
      for (absl::Time u = t; u < next->at; u += absl::Minutes(29)) {
        ASSERT_FALSE(OpenAt(unit, HoursKind::kPhone, u, tz, *holidays).open) << t << " " << u;
      }
    }
  }
  EXPECT_GT(open_now, 500);
}

}  // namespace
}  // namespace cti::hours
