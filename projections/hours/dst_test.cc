// Daylight-saving change days in Europe/Copenhagen: 2025-03-30 and 2026-03-29 (02:00 CET
// jumps to 03:00 CEST), 2025-10-26 and 2026-10-25 (03:00 CEST falls back to 02:00 CET).
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/hours/hours.h"
#include "projections/hours/testing/hours_test_util.h"

namespace cti::hours {
namespace {

using testing::Copenhagen;
using testing::DefaultUnit;
using testing::EveryDay;
using testing::Local;
using testing::NoClosureDays;
using testing::Utc;

// A line open 08:00-16:00 every day (change days are Sundays).
UnitHours DailyLine() {
  UnitHours unit = DefaultUnit("vagt");
  unit.phone = EveryDay(LocalInterval::Hm(8, 0, 16, 0), "TP-3.10");
  return unit;
}

OpenAnswer Open(const UnitHours& unit, absl::Time t) {
  return OpenAt(unit, HoursKind::kPhone, t, Copenhagen(), NoClosureDays());
}

absl::Time Next(const UnitHours& unit, absl::Time t) {
  absl::StatusOr<Opening> next =
      NextOpening(unit, HoursKind::kPhone, t, Copenhagen(), NoClosureDays());
  EXPECT_TRUE(next.ok()) << next.status();
  return next.ok() ? next->at : absl::InfinitePast();
}

TEST(TimeZone, CopenhagenLoadsOnceAndMissingZoneIsAClearError) {
  absl::StatusOr<absl::TimeZone> tz = CopenhagenTimeZone();
  ASSERT_TRUE(tz.ok()) << tz.status();
  EXPECT_EQ(tz->name(), "Europe/Copenhagen");
  EXPECT_EQ(CopenhagenTimeZone()->name(), "Europe/Copenhagen");
  absl::StatusOr<absl::TimeZone> missing = LoadZone("Europe/Atlantis");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(missing.status().message(), ::testing::HasSubstr("Europe/Atlantis"));
  EXPECT_THAT(missing.status().message(), ::testing::HasSubstr("tzdata"));
}

TEST(Dst, OpeningAt0800OnSpringForwardDays) {
  const UnitHours unit = DailyLine();
  struct Case {
    absl::CivilDay day;
    absl::Time opens;   // 08:00 local
    absl::Time closes;  // 16:00 local
  };
  for (const Case& c :
       {Case{absl::CivilDay(2025, 3, 29), Utc(2025, 3, 29, 7, 0), Utc(2025, 3, 29, 15, 0)},
        Case{absl::CivilDay(2025, 3, 30), Utc(2025, 3, 30, 6, 0), Utc(2025, 3, 30, 14, 0)},
        Case{absl::CivilDay(2026, 3, 29), Utc(2026, 3, 29, 6, 0), Utc(2026, 3, 29, 14, 0)}}) {
    EXPECT_EQ(Local(c.day.year(), c.day.month(), c.day.day(), 8, 0), c.opens) << c.day;
    EXPECT_FALSE(Open(unit, c.opens - absl::Seconds(1)).open) << c.day;
    const OpenAnswer a = Open(unit, c.opens);
    EXPECT_TRUE(a.open) << c.day;
    EXPECT_EQ(a.closes_at, c.closes) << c.day;
    EXPECT_EQ(Next(unit, c.opens - absl::Hours(3)), c.opens) << c.day;
  }
}

TEST(Dst, OpeningAt0800OnFallBackDays) {
  const UnitHours unit = DailyLine();
  for (const auto& [opens, closes] :
       {std::pair{Utc(2025, 10, 25, 6, 0), Utc(2025, 10, 25, 14, 0)},  // Saturday, CEST
        std::pair{Utc(2025, 10, 26, 7, 0), Utc(2025, 10, 26, 15, 0)},  // change day, CET
        std::pair{Utc(2026, 10, 25, 7, 0), Utc(2026, 10, 25, 15, 0)}}) {
    EXPECT_FALSE(Open(unit, opens - absl::Seconds(1)).open);
    EXPECT_TRUE(Open(unit, opens).open);
    EXPECT_EQ(Open(unit, opens).closes_at, closes);
    EXPECT_EQ(Next(unit, opens - absl::Hours(5)), opens);
  }
  EXPECT_EQ(Local(2025, 10, 26, 8, 0), Utc(2025, 10, 26, 7, 0));
  EXPECT_EQ(Local(2026, 10, 25, 8, 0), Utc(2026, 10, 25, 7, 0));
}

TEST(TP_3_8_Dst, NextOpeningAcrossSpringForward) {
  const UnitHours unit = DefaultUnit();
  // Friday 15:00 CET -> Monday 08:00 CEST.
  EXPECT_EQ(Next(unit, Utc(2025, 3, 28, 14, 0)), Utc(2025, 3, 31, 6, 0));
  EXPECT_EQ(Next(unit, Utc(2026, 3, 27, 14, 0)), Utc(2026, 3, 30, 6, 0));
}

TEST(TP_3_8_Dst, NextOpeningAcrossFallBack) {
  const UnitHours unit = DefaultUnit();
  // Friday 15:00 CEST -> Monday 08:00 CET.
  EXPECT_EQ(Next(unit, Utc(2025, 10, 24, 13, 0)), Utc(2025, 10, 27, 7, 0));
  EXPECT_EQ(Next(unit, Utc(2026, 10, 23, 13, 0)), Utc(2026, 10, 26, 7, 0));
}

TEST(Dst, NightIntervalAcrossTheGapIsAnHourShorter) {
  UnitHours unit = DefaultUnit("nat");
  unit.phone = EveryDay(LocalInterval::Hm(1, 0, 4, 0), "");
  // 2025-03-30: 01:00 CET (00:00Z) to 04:00 CEST (02:00Z): two real hours.
  EXPECT_FALSE(Open(unit, Utc(2025, 3, 29, 23, 59, 59)).open);
  const OpenAnswer a = Open(unit, Utc(2025, 3, 30, 0, 0));
  EXPECT_TRUE(a.open);
  EXPECT_EQ(a.closes_at, Utc(2025, 3, 30, 2, 0));
  EXPECT_TRUE(Open(unit, Utc(2025, 3, 30, 1, 30)).open);  // 03:30 CEST
  EXPECT_FALSE(Open(unit, Utc(2025, 3, 30, 2, 0)).open);
  // 2025-10-26: 01:00 CEST (23:00Z the day before) to 04:00 CET (03:00Z): four real hours,
  // the repeated 02:00-03:00 included both times.
  const OpenAnswer b = Open(unit, Utc(2025, 10, 25, 23, 0));
  EXPECT_TRUE(b.open);
  EXPECT_EQ(b.closes_at, Utc(2025, 10, 26, 3, 0));
  EXPECT_TRUE(Open(unit, Utc(2025, 10, 26, 0, 30)).open);  // first 02:30 (CEST)
  EXPECT_TRUE(Open(unit, Utc(2025, 10, 26, 1, 30)).open);  // second 02:30 (CET)
  EXPECT_FALSE(Open(unit, Utc(2025, 10, 26, 3, 0)).open);
}

TEST(Dst, BoundaryInTheGapMovesToTheTransition) {
  UnitHours unit = DefaultUnit("nat");
  unit.phone = EveryDay(LocalInterval::Hm(2, 30, 5, 0), "");
  // 02:30 does not exist on 2025-03-30: the unit opens when the clocks jump, 03:00 CEST.
  EXPECT_FALSE(Open(unit, Utc(2025, 3, 30, 0, 59, 59)).open);
  EXPECT_TRUE(Open(unit, Utc(2025, 3, 30, 1, 0)).open);
  EXPECT_EQ(Next(unit, Utc(2025, 3, 30, 0, 30)), Utc(2025, 3, 30, 1, 0));
  // An interval wholly inside the gap never opens that day.
  UnitHours gap = DefaultUnit("gap");
  gap.phone = EveryDay(LocalInterval::Hm(2, 10, 2, 50), "");
  EXPECT_FALSE(Open(gap, Utc(2025, 3, 30, 1, 0)).open);
  EXPECT_EQ(Next(gap, Utc(2025, 3, 29, 23, 0)), Utc(2025, 3, 31, 0, 10));  // 02:10 CEST next day
}

TEST(Dst, BoundaryInTheRepeatedHourIsItsFirstOccurrence) {
  UnitHours opens = DefaultUnit("a");
  opens.phone = EveryDay(LocalInterval::Hm(2, 30, 5, 0), "");
  // 02:30 happens at 00:30Z (CEST) and 01:30Z (CET) on 2025-10-26: open from the first.
  EXPECT_FALSE(Open(opens, Utc(2025, 10, 26, 0, 29, 59)).open);
  EXPECT_TRUE(Open(opens, Utc(2025, 10, 26, 0, 30)).open);
  EXPECT_EQ(Next(opens, Utc(2025, 10, 25, 22, 0)), Utc(2025, 10, 26, 0, 30));

  UnitHours closes = DefaultUnit("b");
  closes.phone = EveryDay(LocalInterval::Hm(0, 0, 2, 30), "");
  const OpenAnswer a = Open(closes, Utc(2025, 10, 26, 0, 0));  // 02:00 CEST
  EXPECT_TRUE(a.open);
  EXPECT_EQ(a.closes_at, Utc(2025, 10, 26, 0, 30));           // the first 02:30
  EXPECT_FALSE(Open(closes, Utc(2025, 10, 26, 1, 15)).open);  // 02:15 CET, the second time
}

TEST(Dst, AlwaysOpenThroughBothChanges) {
  UnitHours unit = DefaultUnit("112");
  unit.phone = WeeklySchedule::AlwaysOpen("TP-3.1");
  for (absl::Time t = Utc(2025, 3, 29, 22, 0); t < Utc(2025, 3, 30, 4, 0); t += absl::Minutes(7)) {
    ASSERT_TRUE(Open(unit, t).open) << t;
    ASSERT_EQ(Open(unit, t).closes_at, absl::InfiniteFuture());
  }
  for (absl::Time t = Utc(2025, 10, 25, 22, 0); t < Utc(2025, 10, 26, 4, 0);
       t += absl::Minutes(7)) {
    ASSERT_TRUE(Open(unit, t).open) << t;
  }
}

}  // namespace
}  // namespace cti::hours
