// What reception may tell a caller about a unit's hours (TP-3.14, TP-6.3), and the
// one-line explanations of answers for Route's reasons trail.
#include "projections/hours/summary.h"

#include "gtest/gtest.h"
#include "projections/hours/testing/hours_test_util.h"

namespace cti::hours {
namespace {

using testing::Approved;
using testing::Copenhagen;
using testing::DefaultUnit;
using testing::Local;
using testing::NoClosureDays;

TEST(TP_3_14_Summary, DefaultHoursInDanishAndEnglish) {
  EXPECT_EQ(SummarizeWeek(WeeklySchedule::DefaultPhoneHours().week, Language::kDanish),
            "man–ons 8–16, tors 8–17, fre 8–14");
  EXPECT_EQ(SummarizeWeek(WeeklySchedule::DefaultPhoneHours().week, Language::kEnglish),
            "Mon–Wed 8–16, Thu 8–17, Fri 8–14");
  EXPECT_EQ(SummarizeWeek(WeeklySchedule::DefaultCounterHours().week, Language::kDanish),
            "man–ons 10–15, tors 10–17, fre 10–14");
}

TEST(TP_3_14_Summary, UnitSchedules) {
  EXPECT_EQ(SummarizeWeek(WeeklySchedule::Weekdays(LocalInterval::Hm(8, 0, 9, 30), "").week,
                          Language::kDanish),
            "man–fre 8–9.30");
  EXPECT_EQ(SummarizeWeek(WeeklySchedule::Weekdays(LocalInterval::Hm(8, 0, 9, 30), "").week,
                          Language::kEnglish),
            "Mon–Fri 8–9:30");
  WeeklyIntervals jobcenter;
  for (int d = 0; d < 4; ++d) {
    jobcenter.days[d] = {LocalInterval::Hm(8, 0, 12, 0), LocalInterval::Hm(12, 30, 15, 0)};
  }
  jobcenter.days[4] = {LocalInterval::Hm(8, 0, 12, 0)};
  EXPECT_EQ(SummarizeWeek(jobcenter, Language::kDanish), "man–tors 8–12 og 12.30–15, fre 8–12");
  EXPECT_EQ(SummarizeWeek(WeeklySchedule::AlwaysOpen("").week, Language::kDanish), "man–søn 0–24");
  EXPECT_EQ(SummarizeWeek(WeeklyIntervals{}, Language::kDanish), "lukket");
  EXPECT_EQ(SummarizeWeek(WeeklyIntervals{}, Language::kEnglish), "closed");
  WeeklyIntervals saturday;
  saturday.days[5] = {LocalInterval::Hm(10, 0, 13, 0)};
  EXPECT_EQ(SummarizeWeek(saturday, Language::kDanish), "lør 10–13");
}

TEST(TP_3_14_Summary, EffectiveEasterWeek) {
  const WeeklyIntervals week =
      EffectiveWeek(DefaultUnit(), HoursKind::kPhone, absl::CivilDay(2025, 4, 16), NoClosureDays());
  EXPECT_EQ(SummarizeWeek(week, Language::kDanish), "man–ons 8–16");
}

std::string ExplainAt(const UnitHours& unit, absl::Time t,
                      const HolidayCalendar& holidays = NoClosureDays()) {
  return Explain(OpenAt(unit, HoursKind::kPhone, t, Copenhagen(), holidays), Copenhagen());
}

TEST(Explain, WeeklyHoursAndHolidays) {
  const UnitHours unit = DefaultUnit();
  EXPECT_EQ(ExplainAt(unit, Local(2025, 2, 7, 10, 0)),
            "open until 14:00 (Friday phone hours, TP-3.8)");
  EXPECT_EQ(ExplainAt(unit, Local(2025, 2, 8, 10, 0)),
            "closed (outside Saturday phone hours, TP-3.8)");
  EXPECT_EQ(ExplainAt(unit, Local(2025, 4, 18, 10, 0)), "closed: Langfredag (public holiday)");
  absl::StatusOr<HolidayCalendar> holidays =
      HolidayCalendar::Create(MunicipalClosureDays::Common());
  ASSERT_TRUE(holidays.ok());
  EXPECT_EQ(ExplainAt(unit, Local(2025, 12, 24, 10, 0), *holidays),
            "closed: Juleaftensdag (municipal closure day)");
}

TEST(Explain, DatedChanges) {
  UnitHours unit = DefaultUnit();
  DatedExtension e;
  e.id = "pas-2025";
  e.first_day = absl::CivilDay(2025, 3, 1);
  e.last_day = absl::CivilDay(2025, 5, 31);
  e.extra.On(absl::Weekday::thursday) = {LocalInterval::Hm(17, 0, 18, 0)};
  unit.extensions.push_back(e);
  unit.closures.push_back(Closure{"flyt-2025", "", AppliesTo::kBoth, absl::CivilDay(2025, 5, 13),
                                  absl::CivilDay(2025, 5, 13), "Flytning til rådhuset"});
  TemporaryReduction r;
  r.id = "r1";
  r.first_day = absl::CivilDay(2025, 9, 1);
  r.last_day = absl::CivilDay(2025, 9, 30);
  r.hours = WeeklySchedule::Weekdays(LocalInterval::Hm(9, 0, 12, 0), "").week;
  r.approval = Approved();
  r.coverage = ReductionCoverage::kPhoneDesk;
  r.phone_desk_employee_ids = {"e1", "e2"};
  unit.reductions.push_back(r);
  unit.unmanned.push_back(UnmannedPeriod{"u1", "TP-4.7", AppliesTo::kBoth, Local(2025, 2, 4, 10, 0),
                                         Local(2025, 2, 4, 12, 0), Approved()});

  EXPECT_EQ(ExplainAt(unit, Local(2025, 3, 6, 17, 30)),
            "open until 18:00 (extension pas-2025, TP-3.12)");
  EXPECT_EQ(ExplainAt(unit, Local(2025, 5, 13, 10, 0)),
            "closed: Flytning til rådhuset (closure flyt-2025)");
  EXPECT_EQ(ExplainAt(unit, Local(2025, 9, 1, 10, 0)), "open until 12:00 (reduction r1, TP-3.13)");
  EXPECT_EQ(ExplainAt(unit, Local(2025, 9, 1, 13, 0)),
            "closed: reduced phone hours (reduction r1, TP-3.13); phone desk: e1, e2");
  EXPECT_EQ(ExplainAt(unit, Local(2025, 9, 1, 17, 0)),
            "closed: reduced phone hours (reduction r1, TP-3.13)");
  unit.reductions[0].coverage = ReductionCoverage::kReceptionMessages;
  EXPECT_EQ(ExplainAt(unit, Local(2025, 9, 1, 13, 0)),
            "closed: reduced phone hours (reduction r1, TP-3.13); reception takes messages");
  EXPECT_EQ(ExplainAt(unit, Local(2025, 2, 4, 11, 0)),
            "closed: unmanned until 12:00 (unmanned period u1, TP-4.7); calls go to reception");
}

TEST(Explain, OpenAcrossDaysAndOpenings) {
  UnitHours vagt = DefaultUnit("vagt");
  vagt.phone = WeeklySchedule::AlwaysOpen("TP-3.1");
  EXPECT_EQ(ExplainAt(vagt, Local(2025, 2, 4, 10, 0)),
            "open for more than 7 days (Tuesday phone hours, TP-3.1)");
  vagt.closures.push_back(Closure{"skift", "", AppliesTo::kBoth, absl::CivilDay(2025, 2, 6),
                                  absl::CivilDay(2025, 2, 6), ""});
  EXPECT_EQ(ExplainAt(vagt, Local(2025, 2, 4, 10, 0)),
            "open until Thu 2025-02-06 00:00 (Tuesday phone hours, TP-3.1)");
  EXPECT_EQ(ExplainAt(vagt, Local(2025, 2, 6, 10, 0)), "closed (closure skift)");

  const UnitHours unit = DefaultUnit();
  absl::StatusOr<Opening> next = NextOpening(unit, HoursKind::kPhone, Local(2025, 4, 17, 19, 0),
                                             Copenhagen(), NoClosureDays());
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(ExplainOpening(*next, HoursKind::kPhone, Copenhagen()),
            "opens Tue 2025-04-22 08:00 (phone hours, TP-3.8)");
}

}  // namespace
}  // namespace cti::hours
