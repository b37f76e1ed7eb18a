// Refusals at command time: temporary reductions (TP-3.13), unmanned periods (TP-4.7),
// extensions (TP-3.12), schedules and whole units; messages name the field and the rule.
#include "projections/hours/validate.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/hours/testing/hours_test_util.h"

namespace cti::hours {
namespace {

using ::testing::AllOf;
using testing::Approved;
using testing::DefaultUnit;
using ::testing::HasSubstr;
using testing::Local;

TemporaryReduction Reduction(absl::CivilDay first, absl::CivilDay last) {
  TemporaryReduction r;
  r.id = "r1";
  r.applies_to = AppliesTo::kPhone;
  r.first_day = first;
  r.last_day = last;
  r.hours = WeeklySchedule::Weekdays(LocalInterval::Hm(9, 0, 12, 0), "").week;
  r.approval = Approved();
  r.coverage = ReductionCoverage::kPhoneDesk;
  r.phone_desk_employee_ids = {"e-anna", "e-bo"};
  return r;
}

TEST(TP_3_13_Reduction, ExactlySixMonthsIsAccepted) {
  // Ends at the end of 30 June = 1 July 00:00, exactly 6 months after 1 January.
  EXPECT_TRUE(
      ValidateReduction(Reduction(absl::CivilDay(2025, 1, 1), absl::CivilDay(2025, 6, 30))).ok());
  EXPECT_TRUE(
      ValidateReduction(Reduction(absl::CivilDay(2025, 3, 15), absl::CivilDay(2025, 9, 14))).ok());
  EXPECT_TRUE(
      ValidateReduction(Reduction(absl::CivilDay(2025, 3, 15), absl::CivilDay(2025, 3, 15))).ok());
}

TEST(TP_3_13_Reduction, OneDayOverSixMonthsIsRefused) {
  const absl::Status s =
      ValidateReduction(Reduction(absl::CivilDay(2025, 1, 1), absl::CivilDay(2025, 7, 1)));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), AllOf(HasSubstr("last_day"), HasSubstr("TP-3.13"),
                                 HasSubstr("2025-07-01"), HasSubstr("2025-06-30")));
  EXPECT_EQ(
      ValidateReduction(Reduction(absl::CivilDay(2025, 3, 15), absl::CivilDay(2025, 9, 15))).code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(TP_3_13_Reduction, SixMonthsClampToTheEndOfShortMonths) {
  EXPECT_EQ(LatestReductionLastDay(absl::CivilDay(2025, 1, 1)), absl::CivilDay(2025, 6, 30));
  EXPECT_EQ(LatestReductionLastDay(absl::CivilDay(2025, 8, 31)), absl::CivilDay(2026, 2, 27));
  EXPECT_EQ(LatestReductionLastDay(absl::CivilDay(2023, 8, 31)), absl::CivilDay(2024, 2, 28));
  EXPECT_EQ(LatestReductionLastDay(absl::CivilDay(2025, 7, 15)), absl::CivilDay(2026, 1, 14));
  EXPECT_TRUE(
      ValidateReduction(Reduction(absl::CivilDay(2025, 8, 31), absl::CivilDay(2026, 2, 27))).ok());
  EXPECT_FALSE(
      ValidateReduction(Reduction(absl::CivilDay(2025, 8, 31), absl::CivilDay(2026, 2, 28))).ok());
}

TEST(TP_3_13_Reduction, MissingDirectorApprovalIsRefused) {
  TemporaryReduction r = Reduction(absl::CivilDay(2025, 1, 1), absl::CivilDay(2025, 2, 1));
  r.approval.reset();
  absl::Status s = ValidateReduction(r);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(),
              AllOf(HasSubstr("approval"), HasSubstr("director"), HasSubstr("TP-3.13")));

  r.approval = DirectorApproval{};
  s = ValidateReduction(r);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), AllOf(HasSubstr("approval.director_id"), HasSubstr("TP-3.13")));
}

TEST(TP_3_13_Reduction, ShapeErrorsComeBeforeTheMissingApproval) {
  TemporaryReduction r = Reduction(absl::CivilDay(2025, 1, 1), absl::CivilDay(2025, 12, 1));
  r.approval.reset();
  EXPECT_EQ(ValidateReduction(r).code(), absl::StatusCode::kInvalidArgument);
}

TEST(TP_3_13_Reduction, CoverageMustBeGiven) {
  TemporaryReduction r = Reduction(absl::CivilDay(2025, 1, 1), absl::CivilDay(2025, 2, 1));
  r.coverage = ReductionCoverage::kUnspecified;
  EXPECT_THAT(ValidateReduction(r).message(), AllOf(HasSubstr("coverage"), HasSubstr("TP-3.13")));
  r.coverage = ReductionCoverage::kPhoneDesk;
  r.phone_desk_employee_ids.clear();
  EXPECT_THAT(ValidateReduction(r).message(), HasSubstr("phone_desk_employee_ids"));
  r.phone_desk_employee_ids = {"e-anna", ""};
  EXPECT_THAT(ValidateReduction(r).message(), HasSubstr("phone_desk_employee_ids[1]"));
  r.coverage = ReductionCoverage::kReceptionMessages;
  r.phone_desk_employee_ids.clear();
  EXPECT_TRUE(ValidateReduction(r).ok());
}

TEST(TP_3_13_Reduction, EndBeforeStartAndBadHoursAreRefused) {
  TemporaryReduction r = Reduction(absl::CivilDay(2025, 3, 1), absl::CivilDay(2025, 2, 1));
  EXPECT_THAT(ValidateReduction(r).message(), HasSubstr("last_day: 2025-02-01 is before"));
  r = Reduction(absl::CivilDay(2025, 1, 1), absl::CivilDay(2025, 2, 1));
  r.hours.On(absl::Weekday::tuesday) = {LocalInterval::Hm(12, 0, 9, 0)};
  EXPECT_THAT(ValidateReduction(r).message(), HasSubstr("hours.days[1][0]"));
}

TEST(TP_4_7_Unmanned, WithoutApprovalIsRefused) {
  UnmannedPeriod u;
  u.id = "u1";
  u.start = Local(2025, 2, 4, 10, 0);
  u.end = Local(2025, 2, 4, 12, 0);
  absl::Status s = ValidateUnmannedPeriod(u);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), AllOf(HasSubstr("approval"), HasSubstr("TP-4.7")));
  u.approval = DirectorApproval{"", absl::InfinitePast()};
  EXPECT_THAT(ValidateUnmannedPeriod(u).message(), HasSubstr("approval.director_id"));
  u.approval = Approved();
  EXPECT_TRUE(ValidateUnmannedPeriod(u).ok());
}

TEST(TP_4_7_Unmanned, EndMustFollowStart) {
  UnmannedPeriod u;
  u.id = "u1";
  u.approval = Approved();
  u.start = Local(2025, 2, 4, 12, 0);
  u.end = u.start;
  absl::Status s = ValidateUnmannedPeriod(u);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), AllOf(HasSubstr("end"), HasSubstr("TP-4.7")));
  u.end = absl::InfiniteFuture();
  EXPECT_EQ(ValidateUnmannedPeriod(u).code(), absl::StatusCode::kInvalidArgument);
  u.id.clear();
  EXPECT_THAT(ValidateUnmannedPeriod(u).message(), HasSubstr("id: empty"));
}

TEST(TP_3_12_Extension, NeedsIntervalsAndOrderedDays) {
  DatedExtension e;
  e.id = "pas";
  e.first_day = absl::CivilDay(2025, 3, 1);
  e.last_day = absl::CivilDay(2025, 5, 31);
  EXPECT_THAT(ValidateExtension(e).message(), AllOf(HasSubstr("extra"), HasSubstr("TP-3.12")));
  e.extra.On(absl::Weekday::thursday) = {LocalInterval::Hm(17, 0, 18, 0)};
  EXPECT_TRUE(ValidateExtension(e).ok());
  e.last_day = absl::CivilDay(2025, 2, 1);
  EXPECT_THAT(ValidateExtension(e).message(), HasSubstr("last_day"));
}

TEST(WeeklySchedule, DefaultsAreValidAndBadIntervalsNamed) {
  EXPECT_TRUE(ValidateWeeklySchedule(WeeklySchedule::DefaultPhoneHours()).ok());
  EXPECT_TRUE(ValidateWeeklySchedule(WeeklySchedule::DefaultCounterHours()).ok());
  EXPECT_TRUE(ValidateWeeklySchedule(WeeklySchedule::AlwaysOpen("")).ok());
  WeeklySchedule s = WeeklySchedule::DefaultPhoneHours();
  s.week.On(absl::Weekday::friday).push_back(LocalInterval::Hm(13, 0, 15, 0));
  EXPECT_THAT(ValidateWeeklySchedule(s, "phone.").message(),
              AllOf(HasSubstr("phone.week.days[4][1]"), HasSubstr("overlap")));
  s.week.On(absl::Weekday::friday) = {LocalInterval::Hm(8, 0, 24, 1)};
  EXPECT_THAT(ValidateWeeklySchedule(s).message(), HasSubstr("week.days[4][0]: close_minute 1441"));
  s.week.On(absl::Weekday::friday) = {LocalInterval{-5, 60}};
  EXPECT_THAT(ValidateWeeklySchedule(s).message(), HasSubstr("open_minute -5"));
}

TEST(UnitHours, ValidationNamesTheRecordAndRefusesDuplicateIds) {
  UnitHours unit = DefaultUnit();
  unit.reductions.push_back(Reduction(absl::CivilDay(2025, 1, 1), absl::CivilDay(2025, 2, 1)));
  EXPECT_TRUE(ValidateUnitHours(unit).ok());
  unit.reductions.push_back(Reduction(absl::CivilDay(2025, 1, 1), absl::CivilDay(2025, 8, 1)));
  unit.reductions[1].id = "r2";
  absl::Status s = ValidateUnitHours(unit);
  EXPECT_THAT(s.message(), AllOf(HasSubstr("reductions[1].last_day"), HasSubstr("TP-3.13")));

  unit.reductions.pop_back();
  Closure c;
  c.id = "r1";
  c.first_day = c.last_day = absl::CivilDay(2025, 5, 13);
  unit.closures.push_back(c);
  EXPECT_THAT(ValidateUnitHours(unit).message(),
              HasSubstr("reductions[0].id: \"r1\" is also the id of closures[0]"));

  unit.closures.clear();
  unit.counter.week.On(absl::Weekday::monday) = {LocalInterval::Hm(15, 0, 10, 0)};
  EXPECT_THAT(ValidateUnitHours(unit).message(), HasSubstr("counter.week.days[0][0]"));
  unit.unit_id.clear();
  EXPECT_THAT(ValidateUnitHours(unit).message(), HasSubstr("unit_id"));
}

}  // namespace
}  // namespace cti::hours
