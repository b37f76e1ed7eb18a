#include "server/position_waiters.h"

#include <vector>

#include "gtest/gtest.h"

namespace cti::server {
namespace {

TEST(PositionWaitersTest, AppliedPositionAnswersAtOnce) {
  PositionWaiters waiters({5});
  std::vector<absl::Status> calls;
  EXPECT_EQ(waiters.Add(0, 5, [&](absl::Status s) { calls.push_back(s); }), 0u);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_TRUE(calls[0].ok());
  EXPECT_EQ(waiters.size(), 0u);
}

TEST(PositionWaitersTest, AdvanceWakesExactlyTheReachedOnes) {
  PositionWaiters waiters({0, 0});
  std::vector<int> woken;
  waiters.Add(0, 3, [&](absl::Status) { woken.push_back(3); });
  waiters.Add(0, 7, [&](absl::Status) { woken.push_back(7); });
  waiters.Add(1, 2, [&](absl::Status) { woken.push_back(102); });
  waiters.Advance(0, 4);
  EXPECT_EQ(woken, std::vector<int>({3}));
  waiters.Advance(1, 2);
  EXPECT_EQ(woken, std::vector<int>({3, 102}));
  waiters.Advance(0, 7);
  EXPECT_EQ(woken, std::vector<int>({3, 102, 7}));
  EXPECT_EQ(waiters.Applied(0), 7u);
  EXPECT_EQ(waiters.size(), 0u);
}

TEST(PositionWaitersTest, RemovedWaiterIsNotCalled) {
  PositionWaiters waiters({0});
  int calls = 0;
  const uint64_t id = waiters.Add(0, 1, [&](absl::Status) { ++calls; });
  ASSERT_NE(id, 0u);
  EXPECT_TRUE(waiters.Remove(id));
  EXPECT_FALSE(waiters.Remove(id));
  waiters.Advance(0, 1);
  EXPECT_EQ(calls, 0);
}

TEST(PositionWaitersTest, FailAllAnswersPendingAndLater) {
  PositionWaiters waiters({0});
  std::vector<absl::Status> calls;
  waiters.Add(0, 1, [&](absl::Status s) { calls.push_back(s); });
  waiters.FailAll(absl::UnavailableError("stopping"));
  waiters.Add(0, 9, [&](absl::Status s) { calls.push_back(s); });
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(calls[1].code(), absl::StatusCode::kUnavailable);
}

TEST(PositionWaitersTest, UnknownPartitionIsRefused) {
  PositionWaiters waiters({0});
  absl::Status got;
  EXPECT_EQ(waiters.Add(4, 1, [&](absl::Status s) { got = s; }), 0u);
  EXPECT_EQ(got.code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cti::server
