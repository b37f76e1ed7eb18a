// CallbackDueAt: a promised call back is due when the phone day ends (TP-3.14, TP-4.3):
// today's when requested before or within today's hours, else the next phone day's,
// across evenings, weekends and holidays, with split days and round-the-clock lines.
#include "projections/hours/callback_due.h"

#include "gtest/gtest.h"
#include "projections/hours/testing/hours_test_util.h"

namespace cti::hours {
namespace {

using testing::Copenhagen;
using testing::DefaultUnit;
using testing::Local;
using testing::NoClosureDays;

CallbackDue Due(const UnitHours& unit, absl::Time t) {
  absl::StatusOr<CallbackDue> due = CallbackDueAt(unit, t, Copenhagen(), NoClosureDays());
  EXPECT_TRUE(due.ok()) << due.status();
  return due.ok() ? *due : CallbackDue{};
}

TEST(CallbackDueTest, TP_3_14_RequestedWithinPhoneHoursIsDueWhenTheyEndToday) {
  // Monday 1 December 2025, default hours Mon-Wed 8-16.
  const CallbackDue due = Due(DefaultUnit(), Local(2025, 12, 1, 10, 0));
  EXPECT_EQ(due.due, Local(2025, 12, 1, 16, 0));
  EXPECT_FALSE(due.next_phone_day);
  // Thursday: 8-17; Friday: 8-14.
  EXPECT_EQ(Due(DefaultUnit(), Local(2025, 12, 4, 16, 30)).due, Local(2025, 12, 4, 17, 0));
  EXPECT_EQ(Due(DefaultUnit(), Local(2025, 12, 5, 8, 0)).due, Local(2025, 12, 5, 14, 0));
}

TEST(CallbackDueTest, TP_3_14_RequestedBeforeTodaysHoursIsStillDueToday) {
  const CallbackDue due = Due(DefaultUnit(), Local(2025, 12, 1, 6, 30));
  EXPECT_EQ(due.due, Local(2025, 12, 1, 16, 0));
  EXPECT_FALSE(due.next_phone_day);
}

TEST(CallbackDueTest, TP_4_3_RequestedAfterHoursIsDueTheNextPhoneDay) {
  const CallbackDue evening = Due(DefaultUnit(), Local(2025, 12, 1, 16, 0));  // closes at 16
  EXPECT_EQ(evening.due, Local(2025, 12, 2, 16, 0));
  EXPECT_TRUE(evening.next_phone_day);
  // Friday after 14: Monday.
  EXPECT_EQ(Due(DefaultUnit(), Local(2025, 12, 5, 15, 0)).due, Local(2025, 12, 8, 16, 0));
  // Saturday: Monday.
  EXPECT_EQ(Due(DefaultUnit(), Local(2025, 12, 6, 11, 0)).due, Local(2025, 12, 8, 16, 0));
}

TEST(CallbackDueTest, TP_4_3_RequestedBeforeEasterIsDueTheTuesdayAfter) {
  // 2025: Skærtorsdag 17 April to 2. påskedag 21 April are holidays.
  const CallbackDue due = Due(DefaultUnit(), Local(2025, 4, 16, 18, 0));
  EXPECT_EQ(due.due, Local(2025, 4, 22, 16, 0));  // CEST
  EXPECT_TRUE(due.next_phone_day);
}

TEST(CallbackDueTest, TP_3_14_ASplitDayIsDueAtItsLastInterval) {
  UnitHours unit = DefaultUnit();
  unit.phone.week.On(absl::Weekday::monday) = {LocalInterval::Hm(8, 0, 10, 0),
                                               LocalInterval::Hm(13, 0, 15, 0)};
  EXPECT_EQ(Due(unit, Local(2025, 12, 1, 9, 0)).due, Local(2025, 12, 1, 15, 0));
  const CallbackDue lunch = Due(unit, Local(2025, 12, 1, 11, 0));
  EXPECT_EQ(lunch.due, Local(2025, 12, 1, 15, 0));
  EXPECT_FALSE(lunch.next_phone_day);
}

TEST(CallbackDueTest, TP_3_14_ARoundTheClockLineIsDueAtLocalMidnight) {
  UnitHours unit = DefaultUnit("akut");
  unit.phone = WeeklySchedule::AlwaysOpen("TP-3.1");
  const CallbackDue due = Due(unit, Local(2025, 12, 24, 22, 0));
  EXPECT_EQ(due.due, Local(2025, 12, 25, 0, 0));
  EXPECT_FALSE(due.next_phone_day);
}

TEST(CallbackDueTest, ANeverOpenUnitIsDueAtTheEndOfTheDay) {
  UnitHours unit = DefaultUnit();
  unit.phone = WeeklySchedule::Closed("");
  const CallbackDue due = Due(unit, Local(2025, 12, 1, 10, 0));
  EXPECT_EQ(due.due, Local(2025, 12, 2, 0, 0));
  EXPECT_FALSE(due.next_phone_day);
  EXPECT_FALSE(CallbackDueAt(unit, absl::InfiniteFuture(), Copenhagen(), NoClosureDays()).ok());
}

}  // namespace
}  // namespace cti::hours
