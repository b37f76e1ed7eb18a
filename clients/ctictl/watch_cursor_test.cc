#include "watch_cursor.h"

#include <gtest/gtest.h>

namespace cti::ctictl {
namespace {

using std::chrono::milliseconds;

TEST(ResumeCursor, FromStartAsksAfterZeroThenAfterLastShown) {
  ResumeCursor cursor(0, false);
  cti::v1::SubscribeRequest request = cursor.Request("demo", {cti::v1::FAMILY_STAFF}, 7);
  EXPECT_EQ(request.tenant(), "demo");
  EXPECT_EQ(request.after_position(), 0u);
  EXPECT_FALSE(request.from_now());
  ASSERT_EQ(request.families_size(), 1);
  EXPECT_EQ(request.families(0), cti::v1::FAMILY_STAFF);
  EXPECT_EQ(request.heartbeat_seconds(), 7u);

  EXPECT_TRUE(cursor.Accept(1));
  EXPECT_TRUE(cursor.Accept(4));
  EXPECT_EQ(cursor.Request("demo", {}, 0).after_position(), 4u);
}

TEST(ResumeCursor, RepeatsAfterReconnectAreDropped) {
  ResumeCursor cursor(10, false);
  EXPECT_FALSE(cursor.Accept(10));
  EXPECT_TRUE(cursor.Accept(11));
  EXPECT_FALSE(cursor.Accept(11));
  EXPECT_FALSE(cursor.Accept(9));
  EXPECT_TRUE(cursor.Accept(12));
  EXPECT_EQ(cursor.last_position(), 12u);
}

TEST(ResumeCursor, HeartbeatAdvancesButNeverGoesBack) {
  ResumeCursor cursor(5, false);
  cursor.OnHeartbeat(9);
  EXPECT_EQ(cursor.Request("demo", {}, 0).after_position(), 9u);
  cursor.OnHeartbeat(3);
  EXPECT_EQ(cursor.last_position(), 9u);
  EXPECT_FALSE(cursor.Accept(8));
  EXPECT_TRUE(cursor.Accept(10));
}

TEST(ResumeCursor, FromNowStaysFromNowUntilAPositionIsKnown) {
  ResumeCursor cursor(0, true);
  EXPECT_FALSE(cursor.position_known());
  EXPECT_TRUE(cursor.Request("demo", {}, 0).from_now());
  EXPECT_TRUE(cursor.Accept(40));
  EXPECT_TRUE(cursor.position_known());
  const cti::v1::SubscribeRequest request = cursor.Request("demo", {}, 0);
  EXPECT_FALSE(request.from_now());
  EXPECT_EQ(request.after_position(), 40u);
}

TEST(ResumeCursor, FromNowLearnsPositionFromHeartbeat) {
  ResumeCursor cursor(0, true);
  cursor.OnHeartbeat(25);
  const cti::v1::SubscribeRequest request = cursor.Request("demo", {}, 0);
  EXPECT_FALSE(request.from_now());
  EXPECT_EQ(request.after_position(), 25u);
}

TEST(Backoff, DoublesUpToMaxAndResets) {
  Backoff backoff(milliseconds(100), milliseconds(500));
  EXPECT_EQ(backoff.Next(), milliseconds(100));
  EXPECT_EQ(backoff.Next(), milliseconds(200));
  EXPECT_EQ(backoff.Next(), milliseconds(400));
  EXPECT_EQ(backoff.Next(), milliseconds(500));
  EXPECT_EQ(backoff.Next(), milliseconds(500));
  backoff.Reset();
  EXPECT_EQ(backoff.Next(), milliseconds(100));
}

TEST(ParseFamily, KnowsTheThreeFamilies) {
  cti::v1::Family family = cti::v1::FAMILY_UNSPECIFIED;
  ASSERT_TRUE(ParseFamily("call", &family));
  EXPECT_EQ(family, cti::v1::FAMILY_CALL);
  ASSERT_TRUE(ParseFamily("staff", &family));
  EXPECT_EQ(family, cti::v1::FAMILY_STAFF);
  ASSERT_TRUE(ParseFamily("calendar", &family));
  EXPECT_EQ(family, cti::v1::FAMILY_CALENDAR);
  EXPECT_FALSE(ParseFamily("Calls", &family));
}

}  // namespace
}  // namespace cti::ctictl
