// Dated changes layered on the weekly hours -- extensions (TP-3.12), closures, reductions
// (TP-3.13), unmanned periods (TP-4.7) -- per-unit schedules (TP-3.4, TP-3.10), holidays
// and open_on_holidays.
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

OpenAnswer Open(const UnitHours& unit, absl::Time t, HoursKind kind = HoursKind::kPhone,
                const HolidayCalendar& holidays = NoClosureDays()) {
  return OpenAt(unit, kind, t, Copenhagen(), holidays);
}

DatedExtension ThursdaysTill1800MarchToMay() {
  DatedExtension e;
  e.id = "pas-2025";
  e.applies_to = AppliesTo::kPhone;
  e.first_day = absl::CivilDay(2025, 3, 1);
  e.last_day = absl::CivilDay(2025, 5, 31);
  e.extra.On(absl::Weekday::thursday) = {LocalInterval::Hm(17, 0, 18, 0)};
  return e;
}

TEST(TP_3_12_Extension, ThursdaysTill1800InMarchToMay) {
  UnitHours unit = DefaultUnit();
  unit.extensions.push_back(ThursdaysTill1800MarchToMay());
  // Thursday 6 March 2025: the normal hours run on into the extension.
  const OpenAnswer normal = Open(unit, Local(2025, 3, 6, 16, 30));
  EXPECT_TRUE(normal.open);
  EXPECT_EQ(normal.decision.decider, Decider::kWeeklySchedule);
  EXPECT_EQ(normal.closes_at, Utc(2025, 3, 6, 17, 0));  // 18:00 CET
  const OpenAnswer extended = Open(unit, Local(2025, 3, 6, 17, 30));
  EXPECT_TRUE(extended.open);
  EXPECT_EQ(extended.decision.decider, Decider::kExtension);
  EXPECT_EQ(extended.decision.record_id, "pas-2025");
  EXPECT_EQ(extended.decision.rule, "TP-3.12");
  EXPECT_FALSE(extended.within_weekly_hours);
  EXPECT_FALSE(Open(unit, Local(2025, 3, 6, 18, 0)).open);
  // Thursday 15 May 2025 (CEST), last Thursday in range 29 May is Kristi himmelfartsdag.
  EXPECT_TRUE(Open(unit, Utc(2025, 5, 15, 15, 59, 59)).open);
  EXPECT_FALSE(Open(unit, Utc(2025, 5, 15, 16, 0)).open);
  EXPECT_EQ(Open(unit, Local(2025, 5, 29, 17, 30)).decision.decider, Decider::kPublicHoliday);
  // Outside the range, and for counter hours, nothing changes.
  EXPECT_FALSE(Open(unit, Local(2025, 6, 5, 17, 30)).open);
  EXPECT_FALSE(Open(unit, Local(2025, 2, 27, 17, 30)).open);
  EXPECT_FALSE(Open(unit, Local(2025, 3, 6, 17, 30), HoursKind::kCounter).open);
  // Maundy Thursday is a holiday: the extension does not open it.
  const OpenAnswer holiday = Open(unit, Local(2025, 4, 17, 17, 30));
  EXPECT_FALSE(holiday.open);
  EXPECT_EQ(holiday.decision.label, "Skærtorsdag");
}

TEST(TP_3_12_Extension, OverlappingExtensionDoesNotHideNormalHours) {
  UnitHours unit = DefaultUnit();
  DatedExtension e;
  e.id = "tidlig";
  e.first_day = absl::CivilDay(2025, 3, 1);
  e.last_day = absl::CivilDay(2025, 3, 31);
  e.extra.On(absl::Weekday::monday) = {LocalInterval::Hm(7, 0, 9, 0)};
  unit.extensions.push_back(e);
  EXPECT_EQ(Open(unit, Local(2025, 3, 3, 7, 30)).decision.decider, Decider::kExtension);
  const OpenAnswer both = Open(unit, Local(2025, 3, 3, 8, 30));
  EXPECT_EQ(both.decision.decider, Decider::kWeeklySchedule);
  EXPECT_EQ(both.closes_at, Local(2025, 3, 3, 16, 0));
  EXPECT_EQ(Open(unit, Local(2025, 3, 3, 7, 30)).closes_at, Local(2025, 3, 3, 16, 0));
}

TEST(Closure, MovingDayClosesAllDay) {
  UnitHours unit = DefaultUnit();
  unit.closures.push_back(Closure{"flyt-2025", "", AppliesTo::kCounter, absl::CivilDay(2025, 5, 13),
                                  absl::CivilDay(2025, 5, 14), "Flytning til rådhuset"});
  const OpenAnswer a = Open(unit, Local(2025, 5, 13, 11, 0), HoursKind::kCounter);
  EXPECT_FALSE(a.open);
  EXPECT_EQ(a.decision.decider, Decider::kClosure);
  EXPECT_EQ(a.decision.record_id, "flyt-2025");
  EXPECT_EQ(a.decision.label, "Flytning til rådhuset");
  EXPECT_TRUE(a.within_weekly_hours);
  EXPECT_FALSE(Open(unit, Local(2025, 5, 14, 11, 0), HoursKind::kCounter).open);
  EXPECT_TRUE(Open(unit, Local(2025, 5, 15, 11, 0), HoursKind::kCounter).open);
  // A counter-only closure leaves the phones open.
  EXPECT_TRUE(Open(unit, Local(2025, 5, 13, 11, 0)).open);
}

TEST(TP_3_13_Reduction, ReplacesWeeklyHoursAndNamesThePhoneDesk) {
  UnitHours unit = DefaultUnit("ydelse");
  TemporaryReduction r;
  r.id = "r-2025";
  r.applies_to = AppliesTo::kPhone;
  r.first_day = absl::CivilDay(2025, 2, 1);
  r.last_day = absl::CivilDay(2025, 4, 30);
  r.hours = WeeklySchedule::Weekdays(LocalInterval::Hm(9, 0, 12, 0), "").week;
  r.approval = Approved();
  r.coverage = ReductionCoverage::kPhoneDesk;
  r.phone_desk_employee_ids = {"e-anna", "e-bo"};
  unit.reductions.push_back(r);

  const OpenAnswer open = Open(unit, Local(2025, 2, 3, 10, 0));
  EXPECT_TRUE(open.open);
  EXPECT_EQ(open.decision.decider, Decider::kReduction);
  EXPECT_EQ(open.decision.record_id, "r-2025");
  EXPECT_EQ(open.decision.rule, "TP-3.13");
  EXPECT_EQ(open.closes_at, Local(2025, 2, 3, 12, 0));

  const OpenAnswer closed = Open(unit, Local(2025, 2, 3, 13, 0));
  EXPECT_FALSE(closed.open);
  EXPECT_EQ(closed.decision.decider, Decider::kReduction);
  EXPECT_TRUE(closed.within_weekly_hours);
  ASSERT_NE(closed.reduction, nullptr);
  EXPECT_EQ(closed.reduction->coverage, ReductionCoverage::kPhoneDesk);
  EXPECT_EQ(closed.reduction->phone_desk_employee_ids.size(), 2u);
  EXPECT_FALSE(Open(unit, Local(2025, 2, 3, 8, 30)).open);

  // Counter hours and the days after the reduction keep the normal hours.
  EXPECT_TRUE(Open(unit, Local(2025, 2, 3, 13, 0), HoursKind::kCounter).open);
  EXPECT_EQ(Open(unit, Local(2025, 2, 3, 13, 0), HoursKind::kCounter).reduction, nullptr);
  EXPECT_TRUE(Open(unit, Local(2025, 5, 1, 13, 0)).open);
  // A holiday inside the reduction still closes; the reduction is reported in force.
  const OpenAnswer easter = Open(unit, Local(2025, 4, 21, 10, 0));
  EXPECT_EQ(easter.decision.decider, Decider::kPublicHoliday);
  EXPECT_NE(easter.reduction, nullptr);
}

TEST(TP_3_13_Reduction, TheLaterReductionWinsWhereTheyOverlap) {
  UnitHours unit = DefaultUnit();
  TemporaryReduction a;
  a.id = "a";
  a.first_day = absl::CivilDay(2025, 2, 1);
  a.last_day = absl::CivilDay(2025, 3, 31);
  a.hours = WeeklySchedule::Weekdays(LocalInterval::Hm(9, 0, 12, 0), "").week;
  TemporaryReduction b = a;
  b.id = "b";
  b.first_day = absl::CivilDay(2025, 3, 1);
  b.hours = WeeklySchedule::Weekdays(LocalInterval::Hm(13, 0, 14, 0), "").week;
  unit.reductions = {b, a};
  EXPECT_EQ(Open(unit, Local(2025, 2, 3, 10, 0)).decision.record_id, "a");
  EXPECT_TRUE(Open(unit, Local(2025, 2, 3, 10, 0)).open);
  EXPECT_FALSE(Open(unit, Local(2025, 3, 3, 10, 0)).open);
  EXPECT_EQ(Open(unit, Local(2025, 3, 3, 13, 30)).decision.record_id, "b");
}

TEST(TP_4_7_Unmanned, UnmannedDuringHoursGoesToReception) {
  UnitHours unit = DefaultUnit();
  unit.unmanned.push_back(UnmannedPeriod{"u-kursus", "TP-4.7", AppliesTo::kBoth,
                                         Local(2025, 2, 4, 10, 0), Local(2025, 2, 4, 12, 0),
                                         Approved()});
  const OpenAnswer before = Open(unit, Local(2025, 2, 4, 9, 0));
  EXPECT_TRUE(before.open);
  EXPECT_EQ(before.closes_at, Local(2025, 2, 4, 10, 0));  // cut short by the period
  const OpenAnswer during = Open(unit, Local(2025, 2, 4, 11, 0));
  EXPECT_FALSE(during.open);
  EXPECT_EQ(during.decision.decider, Decider::kUnmanned);
  EXPECT_EQ(during.decision.record_id, "u-kursus");
  EXPECT_EQ(during.decision.rule, "TP-4.7");
  EXPECT_EQ(during.unmanned_until, Local(2025, 2, 4, 12, 0));
  EXPECT_TRUE(during.within_weekly_hours);
  EXPECT_TRUE(Open(unit, Local(2025, 2, 4, 12, 0)).open);
  // Outside the hours the schedule decides, not the unmanned period.
  unit.unmanned[0].end = Local(2025, 2, 4, 20, 0);
  EXPECT_EQ(Open(unit, Local(2025, 2, 4, 18, 0)).decision.decider, Decider::kWeeklySchedule);
}

TEST(TP_3_4_FieldUnit, HealthVisitorsPhoneHours0800To0930) {
  UnitHours sundhedsplejen = DefaultUnit("sundhedsplejen");
  sundhedsplejen.phone = WeeklySchedule::Weekdays(LocalInterval::Hm(8, 0, 9, 30), "TP-3.4");
  sundhedsplejen.counter = WeeklySchedule::Closed("TP-3.4");
  const OpenAnswer a = Open(sundhedsplejen, Utc(2025, 2, 5, 8, 29, 59));  // 09:29:59 CET
  EXPECT_TRUE(a.open);
  EXPECT_EQ(a.decision.rule, "TP-3.4");
  EXPECT_EQ(a.closes_at, Utc(2025, 2, 5, 8, 30));
  EXPECT_FALSE(Open(sundhedsplejen, Utc(2025, 2, 5, 8, 30)).open);
  EXPECT_TRUE(Open(sundhedsplejen, Local(2025, 2, 7, 9, 0)).open);  // Fridays too
  EXPECT_FALSE(Open(sundhedsplejen, Local(2025, 2, 5, 10, 0), HoursKind::kCounter).open);
  absl::StatusOr<Opening> next = NextOpening(
      sundhedsplejen, HoursKind::kPhone, Local(2025, 2, 5, 9, 30), Copenhagen(), NoClosureDays());
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->at, Local(2025, 2, 6, 8, 0));
}

TEST(TP_3_10_JobCentre, OwnWeeklyScheduleWithLunchBreak) {
  UnitHours jobcenter = DefaultUnit("jobcenter");
  jobcenter.phone.rule = "TP-3.10";
  for (absl::Weekday d : {absl::Weekday::monday, absl::Weekday::tuesday, absl::Weekday::wednesday,
                          absl::Weekday::thursday}) {
    jobcenter.phone.week.On(d) = {LocalInterval::Hm(8, 0, 12, 0), LocalInterval::Hm(12, 30, 15, 0)};
  }
  jobcenter.phone.week.On(absl::Weekday::friday) = {LocalInterval::Hm(8, 0, 12, 0)};
  const OpenAnswer morning = Open(jobcenter, Local(2025, 2, 6, 11, 0));
  EXPECT_TRUE(morning.open);
  EXPECT_EQ(morning.decision.rule, "TP-3.10");
  EXPECT_EQ(morning.closes_at, Local(2025, 2, 6, 12, 0));
  EXPECT_FALSE(Open(jobcenter, Local(2025, 2, 6, 12, 15)).open);
  EXPECT_TRUE(Open(jobcenter, Local(2025, 2, 6, 12, 30)).open);
  EXPECT_FALSE(Open(jobcenter, Local(2025, 2, 6, 16, 0)).open);  // not the default 17:00
  EXPECT_FALSE(Open(jobcenter, Local(2025, 2, 7, 13, 0)).open);
}

TEST(Holidays, CloseEveryUnitIncludingMunicipalClosureDays) {
  absl::StatusOr<HolidayCalendar> holidays =
      HolidayCalendar::Create(MunicipalClosureDays::Common());
  ASSERT_TRUE(holidays.ok());
  const UnitHours unit = DefaultUnit();
  const OpenAnswer good_friday =
      Open(unit, Local(2025, 4, 18, 10, 0), HoursKind::kPhone, *holidays);
  EXPECT_FALSE(good_friday.open);
  EXPECT_EQ(good_friday.decision.decider, Decider::kPublicHoliday);
  EXPECT_EQ(good_friday.decision.label, "Langfredag");
  EXPECT_EQ(good_friday.decision.label_en, "Good Friday");
  EXPECT_TRUE(good_friday.within_weekly_hours);
  const OpenAnswer grundlovsdag =
      Open(unit, Local(2025, 6, 5, 10, 0), HoursKind::kPhone, *holidays);
  EXPECT_EQ(grundlovsdag.decision.decider, Decider::kMunicipalClosureDay);
  EXPECT_EQ(grundlovsdag.decision.label, "Grundlovsdag");
  EXPECT_TRUE(Open(unit, Local(2025, 6, 5, 10, 0)).open);  // without the closure days
  // Store bededag 2023 closed; the same Friday in 2024 is a working day.
  EXPECT_FALSE(Open(unit, Local(2023, 5, 5, 10, 0)).open);
  EXPECT_TRUE(Open(unit, Local(2024, 4, 26, 10, 0)).open);
}

TEST(OpenOnHolidays, EmergencyLineStaysOpenButNotThroughAClosure) {
  absl::StatusOr<HolidayCalendar> holidays =
      HolidayCalendar::Create(MunicipalClosureDays::Common());
  ASSERT_TRUE(holidays.ok());
  UnitHours vagt = DefaultUnit("socialvagt");
  vagt.phone = WeeklySchedule::AlwaysOpen("TP-3.1");
  const OpenAnswer a = Open(vagt, Local(2025, 4, 18, 3, 0), HoursKind::kPhone, *holidays);
  EXPECT_TRUE(a.open);
  EXPECT_EQ(a.decision.decider, Decider::kWeeklySchedule);
  EXPECT_EQ(a.closes_at, absl::InfiniteFuture());
  EXPECT_TRUE(Open(vagt, Local(2025, 12, 24, 20, 0), HoursKind::kPhone, *holidays).open);
  // A closure still closes it, and ends the continuous opening before it.
  vagt.closures.push_back(Closure{"nedbrud", "", AppliesTo::kPhone, absl::CivilDay(2025, 4, 20),
                                  absl::CivilDay(2025, 4, 20), "Systemskifte"});
  EXPECT_EQ(Open(vagt, Local(2025, 4, 18, 3, 0), HoursKind::kPhone, *holidays).closes_at,
            Local(2025, 4, 20, 0, 0));
  EXPECT_FALSE(Open(vagt, Local(2025, 4, 20, 12, 0), HoursKind::kPhone, *holidays).open);
  // Counter hours of the same unit close on holidays as usual.
  EXPECT_FALSE(Open(vagt, Local(2025, 4, 18, 11, 0), HoursKind::kCounter, *holidays).open);
}

TEST(OpenAt, OpeningContinuesAcrossMidnight) {
  UnitHours unit = DefaultUnit("aften");
  unit.phone.week.On(absl::Weekday::monday) = {LocalInterval::Hm(20, 0, 24, 0)};
  unit.phone.week.On(absl::Weekday::tuesday) = {LocalInterval::Hm(0, 0, 2, 0),
                                                LocalInterval::Hm(8, 0, 16, 0)};
  const OpenAnswer a = Open(unit, Local(2025, 2, 3, 23, 0));
  EXPECT_TRUE(a.open);
  EXPECT_EQ(a.closes_at, Local(2025, 2, 4, 2, 0));
  EXPECT_TRUE(Open(unit, Local(2025, 2, 4, 1, 0)).open);
  EXPECT_FALSE(Open(unit, Local(2025, 2, 4, 2, 0)).open);
}

TEST(EffectiveWeek, EasterWeekAndExtensions) {
  UnitHours unit = DefaultUnit();
  unit.extensions.push_back(ThursdaysTill1800MarchToMay());
  const WeeklyIntervals easter =
      EffectiveWeek(unit, HoursKind::kPhone, absl::CivilDay(2025, 4, 19), NoClosureDays());
  EXPECT_EQ(easter.On(absl::Weekday::monday), (std::vector{LocalInterval::Hm(8, 0, 16, 0)}));
  EXPECT_TRUE(easter.On(absl::Weekday::thursday).empty());
  EXPECT_TRUE(easter.On(absl::Weekday::friday).empty());
  const WeeklyIntervals march =
      EffectiveWeek(unit, HoursKind::kPhone, absl::CivilDay(2025, 3, 3), NoClosureDays());
  EXPECT_EQ(march.On(absl::Weekday::thursday), (std::vector{LocalInterval::Hm(8, 0, 18, 0)}));
}

}  // namespace
}  // namespace cti::hours
