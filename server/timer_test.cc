#include "server/timer.h"

#include <atomic>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "server/clock.h"

namespace cti::server {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1709280000);

TEST(TimerTest, RunsWhenTheSimulatedClockPassesTheInstant) {
  cti::SimulatedClock clock(kStart);
  Timer timer(&clock, absl::Milliseconds(5));
  absl::Notification fired;
  timer.Schedule(kStart + absl::Seconds(30), [&] { fired.Notify(); });
  EXPECT_FALSE(fired.WaitForNotificationWithTimeout(absl::Milliseconds(100)));
  clock.Advance(absl::Seconds(29));
  EXPECT_FALSE(fired.WaitForNotificationWithTimeout(absl::Milliseconds(100)));
  clock.Advance(absl::Seconds(1));
  EXPECT_TRUE(fired.WaitForNotificationWithTimeout(absl::Seconds(5)));
}

TEST(TimerTest, RunsInInstantOrder) {
  cti::SimulatedClock clock(kStart);
  Timer timer(&clock, absl::Milliseconds(5));
  absl::Mutex mu;
  std::vector<int> order;
  absl::Notification done;
  timer.Schedule(kStart + absl::Seconds(2), [&] {
    absl::MutexLock lock(&mu);
    order.push_back(2);
    done.Notify();
  });
  timer.Schedule(kStart + absl::Seconds(1), [&] {
    absl::MutexLock lock(&mu);
    order.push_back(1);
  });
  clock.Advance(absl::Seconds(5));
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(5)));
  absl::MutexLock lock(&mu);
  EXPECT_EQ(order, std::vector<int>({1, 2}));
}

TEST(TimerTest, CancelledCallbackNeverRuns) {
  cti::SimulatedClock clock(kStart);
  Timer timer(&clock, absl::Milliseconds(5));
  std::atomic<int> runs{0};
  const uint64_t id = timer.Schedule(kStart + absl::Seconds(1), [&] { ++runs; });
  EXPECT_TRUE(timer.Cancel(id));
  EXPECT_FALSE(timer.Cancel(id));
  absl::Notification later;
  timer.Schedule(kStart + absl::Seconds(2), [&] { later.Notify(); });
  clock.Advance(absl::Seconds(3));
  ASSERT_TRUE(later.WaitForNotificationWithTimeout(absl::Seconds(5)));
  EXPECT_EQ(runs.load(), 0);
}

TEST(TimerTest, StopDropsPending) {
  cti::SimulatedClock clock(kStart);
  std::atomic<int> runs{0};
  {
    Timer timer(&clock, absl::Milliseconds(5));
    timer.Schedule(kStart + absl::Hours(1), [&] { ++runs; });
    timer.Stop();
    clock.Advance(absl::Hours(2));
  }
  EXPECT_EQ(runs.load(), 0);
}

}  // namespace
}  // namespace cti::server
