// The municipality's weekly phone (TP-3.8) and counter (TP-3.9) hours at their boundaries,
// with the UTC instants in winter (CET, UTC+1) and summer (CEST, UTC+2).
#include "gtest/gtest.h"
#include "projections/hours/hours.h"
#include "projections/hours/testing/hours_test_util.h"

namespace cti::hours {
namespace {

using testing::Copenhagen;
using testing::DefaultUnit;
using testing::Local;
using testing::NoClosureDays;
using testing::Utc;

// A unit on the default hours; static, since answers point into it.
const UnitHours& Borgerservice() {
  static const UnitHours* const unit = new UnitHours(DefaultUnit());
  return *unit;
}

OpenAnswer Phone(absl::Time t) {
  return OpenAt(Borgerservice(), HoursKind::kPhone, t, Copenhagen(), NoClosureDays());
}
OpenAnswer Counter(absl::Time t) {
  return OpenAt(Borgerservice(), HoursKind::kCounter, t, Copenhagen(), NoClosureDays());
}

TEST(TP_3_8_PhoneHours, FridayClosesAt1400InWinter) {
  // Friday 17 January 2025, CET.
  EXPECT_EQ(Local(2025, 1, 17, 13, 59, 59), Utc(2025, 1, 17, 12, 59, 59));
  const OpenAnswer before = Phone(Utc(2025, 1, 17, 12, 59, 59));
  EXPECT_TRUE(before.open);
  EXPECT_EQ(before.closes_at, Utc(2025, 1, 17, 13, 0));
  EXPECT_EQ(before.decision.decider, Decider::kWeeklySchedule);
  EXPECT_EQ(before.decision.rule, "TP-3.8");
  const OpenAnswer at = Phone(Utc(2025, 1, 17, 13, 0, 0));
  EXPECT_FALSE(at.open);
  EXPECT_EQ(at.decision.decider, Decider::kWeeklySchedule);
  EXPECT_EQ(at.decision.rule, "TP-3.8");
  EXPECT_EQ(at.closes_at, absl::InfinitePast());
}

TEST(TP_3_8_PhoneHours, FridayClosesAt1400InSummer) {
  // Friday 13 June 2025, CEST.
  EXPECT_EQ(Local(2025, 6, 13, 14, 0, 0), Utc(2025, 6, 13, 12, 0, 0));
  EXPECT_TRUE(Phone(Utc(2025, 6, 13, 11, 59, 59)).open);
  EXPECT_EQ(Phone(Utc(2025, 6, 13, 11, 59, 59)).closes_at, Utc(2025, 6, 13, 12, 0));
  EXPECT_FALSE(Phone(Utc(2025, 6, 13, 12, 0, 0)).open);
}

TEST(TP_3_8_PhoneHours, ThursdayClosesAt1700InWinter) {
  // Thursday 16 January 2025, CET.
  EXPECT_EQ(Local(2025, 1, 16, 17, 0, 0), Utc(2025, 1, 16, 16, 0, 0));
  const OpenAnswer before = Phone(Utc(2025, 1, 16, 15, 59, 59));
  EXPECT_TRUE(before.open);
  EXPECT_EQ(before.closes_at, Utc(2025, 1, 16, 16, 0));
  EXPECT_FALSE(Phone(Utc(2025, 1, 16, 16, 0, 0)).open);
}

TEST(TP_3_8_PhoneHours, ThursdayClosesAt1700InSummer) {
  // Thursday 12 June 2025, CEST.
  EXPECT_EQ(Local(2025, 6, 12, 16, 59, 59), Utc(2025, 6, 12, 14, 59, 59));
  EXPECT_TRUE(Phone(Utc(2025, 6, 12, 14, 59, 59)).open);
  EXPECT_FALSE(Phone(Utc(2025, 6, 12, 15, 0, 0)).open);
}

TEST(TP_3_8_PhoneHours, MondayToWednesday0800To1600) {
  // Monday 3 February 2025 (CET) and Wednesday 6 August 2025 (CEST).
  EXPECT_FALSE(Phone(Utc(2025, 2, 3, 6, 59, 59)).open);
  EXPECT_TRUE(Phone(Utc(2025, 2, 3, 7, 0, 0)).open);
  EXPECT_TRUE(Phone(Utc(2025, 2, 3, 14, 59, 59)).open);
  EXPECT_FALSE(Phone(Utc(2025, 2, 3, 15, 0, 0)).open);
  EXPECT_FALSE(Phone(Utc(2025, 8, 6, 5, 59, 59)).open);
  EXPECT_TRUE(Phone(Utc(2025, 8, 6, 6, 0, 0)).open);
  EXPECT_TRUE(Phone(Utc(2025, 8, 6, 13, 59, 59)).open);
  EXPECT_FALSE(Phone(Utc(2025, 8, 6, 14, 0, 0)).open);
}

TEST(TP_3_8_PhoneHours, ClosedAtWeekends) {
  const OpenAnswer saturday = Phone(Local(2025, 2, 8, 10, 0));
  EXPECT_FALSE(saturday.open);
  EXPECT_EQ(saturday.decision.decider, Decider::kWeeklySchedule);
  EXPECT_FALSE(saturday.within_weekly_hours);
  EXPECT_EQ(saturday.local_time, absl::CivilSecond(2025, 2, 8, 10, 0, 0));
  EXPECT_FALSE(Phone(Local(2025, 2, 9, 10, 0)).open);
}

TEST(TP_3_8_PhoneHours, WithinWeeklyHoursWhenOpen) {
  const OpenAnswer a = Phone(Local(2025, 2, 4, 9, 0));
  EXPECT_TRUE(a.open);
  EXPECT_TRUE(a.within_weekly_hours);
  EXPECT_EQ(a.reduction, nullptr);
  EXPECT_EQ(a.kind, HoursKind::kPhone);
}

TEST(TP_3_9_CounterHours, FridayClosesAt1400) {
  EXPECT_TRUE(Counter(Utc(2025, 1, 17, 12, 59, 59)).open);  // 13:59:59 CET
  EXPECT_FALSE(Counter(Utc(2025, 1, 17, 13, 0, 0)).open);
  EXPECT_TRUE(Counter(Utc(2025, 6, 13, 11, 59, 59)).open);  // 13:59:59 CEST
  EXPECT_FALSE(Counter(Utc(2025, 6, 13, 12, 0, 0)).open);
  EXPECT_EQ(Counter(Utc(2025, 6, 13, 11, 0, 0)).decision.rule, "TP-3.9");
}

TEST(TP_3_9_CounterHours, ThursdayClosesAt1700) {
  EXPECT_TRUE(Counter(Utc(2025, 1, 16, 15, 59, 59)).open);
  EXPECT_FALSE(Counter(Utc(2025, 1, 16, 16, 0, 0)).open);
  EXPECT_TRUE(Counter(Utc(2025, 6, 12, 14, 59, 59)).open);
  EXPECT_FALSE(Counter(Utc(2025, 6, 12, 15, 0, 0)).open);
}

TEST(TP_3_9_CounterHours, OpensAt1000ClosesAt1500MondayToWednesday) {
  EXPECT_FALSE(Counter(Local(2025, 2, 5, 9, 59, 59)).open);
  const OpenAnswer open = Counter(Local(2025, 2, 5, 10, 0));
  EXPECT_TRUE(open.open);
  EXPECT_EQ(open.closes_at, Utc(2025, 2, 5, 14, 0));
  EXPECT_FALSE(Counter(Local(2025, 2, 5, 15, 0)).open);
  // Phone hours are open when the counter is not.
  EXPECT_TRUE(Phone(Local(2025, 2, 5, 9, 0)).open);
}

TEST(WeeklySchedule, InfiniteInstantsAreClosed) {
  EXPECT_FALSE(Phone(absl::InfiniteFuture()).open);
  EXPECT_FALSE(Phone(absl::InfinitePast()).open);
}

}  // namespace
}  // namespace cti::hours
