// CallService over gRPC: the calls in progress as the call events left them, read after
// the client's own appends (min_position), and bad requests refused.
#include <string>

#include "cti/v1/call_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/testing/server_fixture.h"

namespace cti::server {
namespace {

using testing::Administration;
using testing::CallOffered;
using testing::Hire;
using testing::kTenant;
using testing::NewContext;
using testing::ServerFixture;

cti::v1::Event Answered(const std::string& call_id, const std::string& employee_id) {
  cti::v1::Event e = CallOffered(call_id);
  e.mutable_call()->clear_offered();
  e.mutable_call()->mutable_answered()->mutable_by()->set_employee_id(employee_id);
  return e;
}

TEST(CallServiceTest, ListsTheCallsInProgressAfterTheClientsOwnAppends) {
  ServerFixture fixture;
  auto calls = cti::v1::CallService::NewStub(fixture.channel());
  cti::v1::AppendResponse appended;
  for (const cti::v1::Event& e :
       {Administration("sundhed", "Sundhed"), Hire("e1", "Bo Lund", "sundhed"), CallOffered("c1"),
        CallOffered("c2"), Answered("c1", "e1")}) {
    ASSERT_TRUE(testing::IsOk(fixture.Append(e, &appended))) << e.ShortDebugString();
  }
  cti::v1::ListLiveCallsRequest request;
  request.set_tenant(kTenant);
  request.set_min_position(appended.position());
  cti::v1::ListLiveCallsResponse listed;
  ASSERT_TRUE(testing::IsOk(calls->ListLiveCalls(NewContext().get(), request, &listed)));
  EXPECT_EQ(listed.position(), appended.position());
  ASSERT_EQ(listed.calls_size(), 2);
  EXPECT_EQ(listed.calls(0).call_id(), "c1");
  EXPECT_EQ(listed.calls(0).state(), cti::v1::LIVE_CALL_STATE_TALKING);
  EXPECT_EQ(listed.calls(0).unit_id(), "sundhed");
  EXPECT_EQ(listed.calls(1).state(), cti::v1::LIVE_CALL_STATE_WAITING);
  EXPECT_EQ(listed.total().talking(), 1u);
  EXPECT_EQ(listed.total().waiting(), 1u);

  request.set_employee_id("e1");
  request.set_unit_id("sundhed");
  grpc::Status both = calls->ListLiveCalls(NewContext().get(), request, &listed);
  EXPECT_EQ(both.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(both.error_message(), ::testing::HasSubstr("unit_id, employee_id"));
  request.Clear();
  EXPECT_EQ(calls->ListLiveCalls(NewContext().get(), request, &listed).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);  // no tenant
}

}  // namespace
}  // namespace cti::server
