// EventService.Subscribe: catch-up, live handover, filters, flow control, heartbeats.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/testing/server_fixture.h"
#include "server/testing/subscribe_client.h"

namespace cti::server {
namespace {

using testing::Administration;
using testing::CallOffered;
using testing::ExpectDense;
using testing::FixtureOptions;
using ::testing::HasSubstr;
using testing::Hire;
using testing::kOtherTenant;
using testing::kTenant;
using testing::NewContext;
using testing::ServerFixture;
using testing::Stream;
using testing::Subscribe;

cti::v1::SubscribeRequest From(uint64_t after, std::vector<cti::v1::Family> families = {}) {
  cti::v1::SubscribeRequest request;
  request.set_tenant(kTenant);
  request.set_after_position(after);
  for (cti::v1::Family family : families) request.add_families(family);
  return request;
}

uint64_t AppendCalls(ServerFixture& fixture, int count, const std::string& prefix,
                     const std::string& tenant = kTenant) {
  uint64_t last = 0;
  for (int i = 0; i < count; ++i) {
    cti::v1::AppendResponse response;
    grpc::Status status = fixture.Append(CallOffered(absl::StrCat(prefix, i), tenant), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    last = response.position();
  }
  return last;
}

TEST(SubscribeTest, CatchUpThenLiveWithoutGapOrDuplicate) {
  ServerFixture fixture;
  AppendCalls(fixture, 120, "before-");
  // Appends keep coming while the stream catches up and hands over to live.
  std::atomic<bool> writing{true};
  std::thread writer([&] {
    AppendCalls(fixture, 400, "during-");
    writing = false;
  });
  Stream stream = Subscribe(fixture, From(0));
  std::vector<cti::v1::LogRecord> records;
  ASSERT_TRUE(stream.ReadThrough(520, &records));
  writer.join();
  ExpectDense(records, 1, 520);
  for (const cti::v1::LogRecord& record : records) {
    ASSERT_TRUE(record.has_outcome());
    EXPECT_FALSE(record.outcome().rejected());
    EXPECT_EQ(record.event().actor().id(), "test-admin");
  }
  // And after a quiet moment, more live records.
  AppendCalls(fixture, 5, "after-");
  records.clear();
  ASSERT_TRUE(stream.ReadThrough(525, &records));
  ExpectDense(records, 521, 525);
  stream.context->TryCancel();
}

TEST(SubscribeTest, ResumeAfterPositionAndFromNow) {
  ServerFixture fixture;
  AppendCalls(fixture, 30, "a-");
  Stream resumed = Subscribe(fixture, From(17));
  std::vector<cti::v1::LogRecord> records;
  ASSERT_TRUE(resumed.ReadThrough(30, &records));
  ExpectDense(records, 18, 30);

  cti::v1::SubscribeRequest request = From(0);
  request.set_from_now(true);
  Stream now = Subscribe(fixture, request);
  AppendCalls(fixture, 3, "b-");
  records.clear();
  ASSERT_TRUE(now.ReadThrough(33, &records));
  ExpectDense(records, 31, 33);
  resumed.context->TryCancel();
  now.context->TryCancel();
}

TEST(SubscribeTest, FamilyAndTenantFilters) {
  ServerFixture fixture;  // One partition: both tenants share it.
  cti::v1::AppendResponse response;
  ASSERT_TRUE(testing::IsOk(fixture.Append(Administration("sundhed", "Sundhed"), &response)));  // 1
  AppendCalls(fixture, 2, "x-");                                                            // 2, 3
  AppendCalls(fixture, 2, "y-", kOtherTenant);                                              // 4, 5
  ASSERT_TRUE(testing::IsOk(fixture.Append(Hire("e1", "Bo Lund", "sundhed"), &response)));  // 6
  AppendCalls(fixture, 1, "z-");                                                            // 7

  Stream calls = Subscribe(fixture, From(0, {cti::v1::FAMILY_CALL}));
  std::vector<cti::v1::LogRecord> records;
  ASSERT_TRUE(calls.ReadThrough(7, &records));
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].position(), 2u);
  EXPECT_EQ(records[1].position(), 3u);
  EXPECT_EQ(records[2].position(), 7u);

  Stream staff = Subscribe(fixture, From(0, {cti::v1::FAMILY_STAFF, cti::v1::FAMILY_CALENDAR}));
  records.clear();
  ASSERT_TRUE(staff.ReadThrough(6, &records));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_TRUE(records[0].event().has_staff());
  EXPECT_EQ(records[1].position(), 6u);

  cti::v1::SubscribeRequest other = From(0);
  other.set_tenant(kOtherTenant);
  Stream odense = Subscribe(fixture, other);
  AppendCalls(fixture, 1, "w-", kOtherTenant);  // 8, live.
  records.clear();
  ASSERT_TRUE(odense.ReadThrough(8, &records));
  ASSERT_EQ(records.size(), 3u);
  for (const cti::v1::LogRecord& record : records) {
    EXPECT_EQ(record.event().tenant(), kOtherTenant);
  }
  calls.context->TryCancel();
  staff.context->TryCancel();
  odense.context->TryCancel();
}

TEST(SubscribeTest, KindAndEmployeeFiltersForAReceptionDashboard) {
  ServerFixture fixture;
  cti::v1::AppendResponse response;
  auto call = [](const std::string& id, const std::string& employee, bool answered) {
    cti::v1::Event e = CallOffered(id);
    e.mutable_call()->clear_offered();
    cti::v1::CallTarget* target = answered ? e.mutable_call()->mutable_answered()->mutable_by()
                                           : e.mutable_call()->mutable_ringing()->mutable_target();
    target->set_employee_id(employee);
    return e;
  };
  for (const cti::v1::Event& e :
       {Administration("sundhed", "Sundhed"), Hire("e1", "Bo Lund", "sundhed"),         // 1, 2
        Hire("e2", "Eva Berg", "sundhed"), CallOffered("c1"), call("c1", "e1", false),  // 3-5
        call("c1", "e1", true), CallOffered("c2"), call("c2", "e2", false)}) {          // 6-8
    ASSERT_TRUE(testing::IsOk(fixture.Append(e, &response))) << e.ShortDebugString();
  }

  cti::v1::SubscribeRequest kinds = From(0);
  kinds.add_kinds("call.ringing");
  kinds.add_kinds("call.answered");
  Stream ringing = Subscribe(fixture, kinds);
  std::vector<cti::v1::LogRecord> records;
  ASSERT_TRUE(ringing.ReadThrough(8, &records));
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].position(), 5u);
  EXPECT_EQ(records[1].position(), 6u);
  EXPECT_EQ(records[2].position(), 8u);

  // e1's own records: the hire and the call that rang at and was answered by them.
  cti::v1::SubscribeRequest mine = From(0);
  mine.set_employee_id("e1");
  Stream e1 = Subscribe(fixture, mine);
  ASSERT_TRUE(testing::IsOk(fixture.Append(call("c2", "e1", true), &response)));  // 9, live
  records.clear();
  ASSERT_TRUE(e1.ReadThrough(9, &records));
  std::vector<uint64_t> positions;
  for (const cti::v1::LogRecord& record : records) positions.push_back(record.position());
  EXPECT_THAT(positions, ::testing::ElementsAre(2, 5, 6, 9));

  cti::v1::SubscribeRequest unknown = From(0);
  unknown.add_kinds("call.answered");
  unknown.add_kinds("call.picked_up");
  auto context = NewContext();
  auto reader = fixture.events().Subscribe(context.get(), unknown);
  cti::v1::SubscribeResponse message;
  EXPECT_FALSE(reader->Read(&message));
  grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("kinds[1]: unknown event type 'call.picked_up'"));
  ringing.context->TryCancel();
  e1.context->TryCancel();
}

TEST(SubscribeTest, TenantsOnSeveralPartitions) {
  FixtureOptions options;
  options.partitions = 4;
  ServerFixture fixture(options);
  AppendCalls(fixture, 10, "a-");
  AppendCalls(fixture, 10, "b-", kOtherTenant);
  Stream stream = Subscribe(fixture, From(0));
  std::vector<cti::v1::LogRecord> records;
  cti::v1::SubscribeResponse response;
  while (records.size() < 10 && stream.reader->Read(&response)) {
    if (response.has_record()) records.push_back(response.record());
  }
  ASSERT_EQ(records.size(), 10u);
  for (const cti::v1::LogRecord& record : records) EXPECT_EQ(record.event().tenant(), kTenant);
  stream.context->TryCancel();
}

TEST(SubscribeTest, RejectedRecordsCarryTheirOutcome) {
  ServerFixture fixture;
  // Bypass command-time validation: the projector rejects it at apply time.
  cti::v1::Event bad = Hire("e9", "Ida Berg", "nowhere");
  bad.set_event_id("direct-1");
  bad.mutable_actor()->set_id("test");
  bad.mutable_actor()->set_role(cti::v1::ROLE_SYSTEM);
  bad.set_schema_version(1);
  ASSERT_TRUE(fixture.server().log()->Append(bad).ok());
  Stream stream = Subscribe(fixture, From(0));
  std::vector<cti::v1::LogRecord> records;
  ASSERT_TRUE(stream.ReadThrough(1, &records));
  EXPECT_TRUE(records[0].outcome().rejected());
  EXPECT_THAT(records[0].outcome().reason(), HasSubstr("nowhere"));
  stream.context->TryCancel();
}

TEST(SubscribeTest, SlowSubscriberIsCutOffAloneAndCanResume) {
  FixtureOptions options;
  options.subscriber_buffer = 300;  // the normal reader must keep up even on a loaded machine
  options.runner_batch_size = 10;
  ServerFixture fixture(options);
  // A client that reads nothing: tiny HTTP/2 windows so its transport fills up fast.
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 1024);
  args.SetInt("grpc.http2.write_buffer_size", 1024);
  args.SetString("cti.test.channel", "slow");  // A channel of its own.
  auto slow_channel = grpc::CreateCustomChannel(fixture.server().address(),
                                                grpc::InsecureChannelCredentials(), args);
  Stream slow = Subscribe(fixture, From(0), slow_channel);
  Stream normal = Subscribe(fixture, From(0));

  constexpr int kRecords = 1500;
  std::vector<cti::v1::LogRecord> normal_records;
  std::thread reader([&] { normal.ReadThrough(kRecords, &normal_records); });
  // Records of ~1 KB each.
  bool appended = true;
  for (int i = 0; i < kRecords && appended; ++i) {
    cti::v1::Event event = Administration(absl::StrCat("unit-", i), "Enhed");
    event.mutable_staff()->mutable_unit_defined()->mutable_unit()->set_description(
        std::string(900, 'x'));
    cti::v1::AppendResponse response;
    grpc::Status status = fixture.Append(event, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    appended = status.ok();
  }
  if (!appended) normal.context->TryCancel();
  reader.join();
  ASSERT_TRUE(appended);
  ExpectDense(normal_records, 1, kRecords);

  // The slow stream holds what its transport took, then the status.
  std::vector<cti::v1::LogRecord> slow_records;
  EXPECT_FALSE(slow.ReadThrough(kRecords, &slow_records));
  grpc::Status status = slow.reader->Finish();
  ASSERT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  ASSERT_FALSE(slow_records.empty());
  ASSERT_LT(slow_records.size(), static_cast<size_t>(kRecords));
  ExpectDense(slow_records, 1, slow_records.size());
  const uint64_t last = slow_records.back().position();
  EXPECT_EQ(status.error_message(),
            absl::StrCat("subscriber fell behind; resume with after_position=", last));

  // Resuming from there delivers the rest, no gap, no duplicate.
  Stream resumed = Subscribe(fixture, From(last));
  std::vector<cti::v1::LogRecord> rest;
  ASSERT_TRUE(resumed.ReadThrough(kRecords, &rest));
  ExpectDense(rest, last + 1, kRecords);
  resumed.context->TryCancel();
  normal.context->TryCancel();
}

TEST(SubscribeTest, HeartbeatWhenNothingFlows) {
  ServerFixture fixture;
  cti::v1::AppendResponse response;
  ASSERT_TRUE(testing::IsOk(fixture.Append(Administration("sundhed", "Sundhed"), &response)));
  ASSERT_TRUE(testing::IsOk(fixture.Append(Hire("e1", "Bo Lund", "sundhed"), &response)));
  // Only call records, of which there are none: the stream stays quiet.
  cti::v1::SubscribeRequest request = From(0, {cti::v1::FAMILY_CALL});
  request.set_heartbeat_seconds(7);
  Stream stream = Subscribe(fixture, request);
  absl::Notification got;
  cti::v1::SubscribeResponse message;
  std::thread reader([&] {
    if (stream.reader->Read(&message)) got.Notify();
  });
  EXPECT_FALSE(got.WaitForNotificationWithTimeout(absl::Milliseconds(300)));
  fixture.clock().Advance(absl::Seconds(6));
  EXPECT_FALSE(got.WaitForNotificationWithTimeout(absl::Milliseconds(300)));
  fixture.clock().Advance(absl::Seconds(1));
  ASSERT_TRUE(got.WaitForNotificationWithTimeout(absl::Seconds(5)));
  reader.join();
  ASSERT_TRUE(message.has_heartbeat());
  EXPECT_EQ(message.heartbeat().applied_position(), 2u);
  EXPECT_EQ(message.heartbeat().at().seconds(), testing::kStartSeconds + 7);
  stream.context->TryCancel();
}

TEST(SubscribeTest, BadRequestsAreRefused) {
  ServerFixture fixture;
  cti::v1::SubscribeRequest no_tenant;
  auto context = NewContext();
  auto reader = fixture.events().Subscribe(context.get(), no_tenant);
  cti::v1::SubscribeResponse response;
  EXPECT_FALSE(reader->Read(&response));
  grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("tenant"));

  cti::v1::SubscribeRequest slow_heart = From(0);
  slow_heart.set_heartbeat_seconds(301);
  context = NewContext();
  reader = fixture.events().Subscribe(context.get(), slow_heart);
  EXPECT_FALSE(reader->Read(&response));
  status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("heartbeat_seconds"));
}

TEST(SubscribeTest, ShutdownEndsStreamsWithResumePosition) {
  ServerFixture fixture;
  AppendCalls(fixture, 4, "a-");
  Stream stream = Subscribe(fixture, From(0));
  std::vector<cti::v1::LogRecord> records;
  ASSERT_TRUE(stream.ReadThrough(4, &records));
  std::thread stopper([&] { fixture.server().Shutdown(); });
  cti::v1::SubscribeResponse response;
  while (stream.reader->Read(&response)) {
  }
  grpc::Status status = stream.reader->Finish();
  stopper.join();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  // The server closes its connections right after the streams' last status; on a busy
  // machine the client may see the closed connection first (still UNAVAILABLE).
  if (absl::StartsWith(status.error_message(), "server is shutting down")) {
    EXPECT_EQ(status.error_message(), "server is shutting down; resume with after_position=4");
  }
}

}  // namespace
}  // namespace cti::server
