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

cti::v1::Event WithCall(cti::v1::Event e) {
  e.mutable_call()->clear_offered();
  return e;
}

TEST(CallServiceTest, TP_4_3_ListsCallbacksDueAndOverdueByTheInjectedClock) {
  ServerFixture fixture;
  auto calls = cti::v1::CallService::NewStub(fixture.channel());
  // Friday 1 March 2024 09:00 Copenhagen (the fixture's start): phone hours until 14:00.
  cti::v1::Event requested = WithCall(CallOffered(""));
  auto* cb = requested.mutable_call()->mutable_callback_requested();
  cb->set_callback_id("cb1");
  cb->mutable_assignee()->set_employee_id("e1");
  cb->set_callback_number("+4520304050");
  cb->set_source(cti::v1::CALLBACK_SOURCE_RECEPTION_MESSAGE);
  cti::v1::AppendResponse appended;
  for (const cti::v1::Event& e :
       {Administration("sundhed", "Sundhed"), Hire("e1", "Bo Lund", "sundhed"), requested}) {
    ASSERT_TRUE(testing::IsOk(fixture.Append(e, &appended))) << e.ShortDebugString();
  }
  cti::v1::ListCallbacksRequest request;
  request.set_tenant(kTenant);
  request.set_min_position(appended.position());
  cti::v1::ListCallbacksResponse listed;
  ASSERT_TRUE(testing::IsOk(calls->ListCallbacks(NewContext().get(), request, &listed)));
  EXPECT_EQ(listed.position(), appended.position());
  ASSERT_EQ(listed.callbacks_size(), 1);
  EXPECT_EQ(listed.callbacks(0).callback_number(), "+4520304050");
  EXPECT_EQ(listed.callbacks(0).due_at().seconds(), testing::kStartSeconds + 5 * 3600);
  EXPECT_FALSE(listed.callbacks(0).overdue());
  EXPECT_EQ(listed.at().seconds(), testing::kStartSeconds);  // the simulated clock
  // The clock passes 14:00: overdue.
  fixture.clock().Set(absl::FromUnixSeconds(testing::kStartSeconds + 6 * 3600));
  request.set_filter(cti::v1::CALLBACK_FILTER_OVERDUE);
  ASSERT_TRUE(testing::IsOk(calls->ListCallbacks(NewContext().get(), request, &listed)));
  ASSERT_EQ(listed.callbacks_size(), 1);
  EXPECT_TRUE(listed.callbacks(0).overdue());
  EXPECT_EQ(listed.overdue(), 1u);

  request.set_unit_id("sundhed");
  request.set_employee_id("e1");
  grpc::Status both = calls->ListCallbacks(NewContext().get(), request, &listed);
  EXPECT_EQ(both.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(both.error_message(), ::testing::HasSubstr("unit_id, employee_id"));
  request.clear_employee_id();
  request.set_unit_id("nowhere");
  EXPECT_EQ(calls->ListCallbacks(NewContext().get(), request, &listed).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST(CallServiceTest, TP_3_14_GetsTheVoicemailDutyAndRefusesABadInstant) {
  ServerFixture fixture;
  auto calls = cti::v1::CallService::NewStub(fixture.channel());
  cti::v1::Event left = WithCall(CallOffered(""));
  auto* vm = left.mutable_call()->mutable_voicemail_left();
  vm->set_voicemail_id("v1");
  vm->mutable_mailbox()->set_unit_id("sundhed");
  cti::v1::Event greeting = WithCall(CallOffered(""));
  auto* g = greeting.mutable_call()->mutable_voicemail_greeting_set();
  g->mutable_mailbox()->set_unit_id("sundhed");
  g->set_text("Telefontid: man–ons 8–16, tors 8–17, fre 8–14.");
  cti::v1::AppendResponse appended;
  for (const cti::v1::Event& e : {Administration("sundhed", "Sundhed"), left, greeting}) {
    ASSERT_TRUE(testing::IsOk(fixture.Append(e, &appended))) << e.ShortDebugString();
  }
  cti::v1::GetVoicemailDutyRequest request;
  request.set_tenant(kTenant);
  request.set_min_position(appended.position());
  cti::v1::GetVoicemailDutyResponse duty;
  ASSERT_TRUE(testing::IsOk(calls->GetVoicemailDuty(NewContext().get(), request, &duty)));
  EXPECT_EQ(duty.position(), appended.position());
  ASSERT_EQ(duty.units_size(), 1);
  EXPECT_EQ(duty.units(0).mailboxes(0).unlistened(), 1u);
  EXPECT_FALSE(duty.units(0).flagged());
  EXPECT_EQ(duty.units(0).greeting().check(), cti::v1::GREETING_CHECK_STARTS_WITH_HOURS);
  // The next day by the clock: not listened to the day it came.
  fixture.clock().Set(absl::FromUnixSeconds(testing::kStartSeconds + 24 * 3600));
  ASSERT_TRUE(testing::IsOk(calls->GetVoicemailDuty(NewContext().get(), request, &duty)));
  EXPECT_TRUE(duty.units(0).flagged());
  EXPECT_EQ(duty.flagged_units(), 1u);

  request.mutable_at()->set_nanos(-1);
  grpc::Status bad = calls->GetVoicemailDuty(NewContext().get(), request, &duty);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad.error_message(), ::testing::HasSubstr("at"));
}

}  // namespace
}  // namespace cti::server
