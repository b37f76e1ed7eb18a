// RoutingCheckMonitor: the TP-4.8 check runs by itself after staff and calendar changes.
#include "server/routing_check_monitor.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/testing/server_fixture.h"

namespace cti::server {
namespace {

using testing::Administration;
using ::testing::HasSubstr;
using testing::Hire;
using testing::kTenant;
using testing::ServerFixture;

// The latest check that read at least `position` (the projector publishes a batch to the
// monitor just after it answers waiters, so a check may still be on its way).
std::optional<cti::v1::CheckResponse> CheckedAt(RoutingCheckMonitor& monitor, uint64_t position) {
  for (int i = 0; i < 1000; ++i) {
    monitor.WaitIdle();
    std::optional<cti::v1::CheckResponse> latest = monitor.Latest(kTenant);
    if (latest.has_value() && latest->position() >= position) return latest;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return std::nullopt;
}

cti::v1::Event Envelope(cti::v1::Event event, const std::string& id) {
  event.set_tenant(kTenant);
  event.set_event_id(id);
  event.mutable_occurred_at()->set_seconds(testing::kStartSeconds);
  return event;
}

TEST(RoutingCheckMonitorTest, TP_4_8_AGroupWhoseLastMemberLeftIsReportedAtOnce) {
  ServerFixture fixture;
  cti::v1::AppendResponse appended;
  ASSERT_TRUE(testing::IsOk(fixture.Append(Administration("ydelse", "Ydelse"), &appended)));
  ASSERT_TRUE(testing::IsOk(fixture.Append(Hire("e1", "Anna Holm", "ydelse"), &appended)));
  cti::v1::Event group;
  auto* g = group.mutable_staff()->mutable_group_defined()->mutable_group();
  g->set_group_id("ydelse-tlf");
  g->set_name("Ydelse, telefon");
  g->set_unit_id("ydelse");
  g->set_strategy(cti::v1::GROUP_STRATEGY_HUNT_LINEAR);
  g->add_members()->set_employee_id("e1");
  ASSERT_TRUE(testing::IsOk(fixture.Append(Envelope(group, "g1"), &appended)));
  cti::v1::Event routing;
  routing.mutable_staff()->mutable_unit_routing_set()->set_unit_id("ydelse");
  routing.mutable_staff()->mutable_unit_routing_set()->set_default_group_id("ydelse-tlf");
  ASSERT_TRUE(testing::IsOk(fixture.Append(Envelope(routing, "r1"), &appended)));
  RoutingCheckMonitor& monitor = fixture.server().routing_check();
  std::optional<cti::v1::CheckResponse> before = CheckedAt(monitor, appended.position());
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(before->findings_size(), 0) << before->DebugString();

  cti::v1::Event left;
  left.mutable_staff()->mutable_employee_left()->set_employee_id("e1");
  ASSERT_TRUE(testing::IsOk(fixture.Append(Envelope(left, "l1"), &appended)));
  std::optional<cti::v1::CheckResponse> after = CheckedAt(monitor, appended.position());
  ASSERT_TRUE(after.has_value());
  ASSERT_GE(after->findings_size(), 1);
  EXPECT_EQ(after->findings(0).subject_id(), "ydelse-tlf");
  EXPECT_THAT(after->findings(0).problem(), HasSubstr("no active member"));
  EXPECT_GE(after->position(), appended.position());
}

}  // namespace
}  // namespace cti::server
