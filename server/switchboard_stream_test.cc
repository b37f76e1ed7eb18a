// EventService.Subscribe for reception dashboards (TP-6.1, TP-6.3): the unit filter,
// snapshot-then-updates, resuming across a restart, and many subscribers at once.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "cti/v1/event_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/testing/fan_out_client.h"
#include "server/testing/server_fixture.h"
#include "server/testing/subscribe_client.h"

namespace cti::server {
namespace {

using testing::Administration;
using testing::CallOffered;
using testing::ExpectDense;
using testing::FanOutClient;
using testing::FixtureOptions;
using ::testing::HasSubstr;
using testing::Hire;
using testing::kStartSeconds;
using testing::kTenant;
using testing::NewContext;
using testing::ServerFixture;
using testing::Stream;
using testing::Subscribe;

// A call event of `call_id`: ringing at or answered by `employee`.
cti::v1::Event CallAt(const std::string& call_id, const std::string& employee, bool answered) {
  cti::v1::Event e = CallOffered(call_id);
  e.mutable_call()->clear_offered();
  cti::v1::CallTarget* target = answered ? e.mutable_call()->mutable_answered()->mutable_by()
                                         : e.mutable_call()->mutable_ringing()->mutable_target();
  target->set_employee_id(employee);
  return e;
}

cti::v1::Event Ended(const std::string& call_id) {
  cti::v1::Event e = CallOffered(call_id);
  e.mutable_call()->clear_offered();
  e.mutable_call()->mutable_ended();
  return e;
}

cti::v1::Event Moved(const std::string& employee, const std::string& unit) {
  cti::v1::Event e = CallOffered("unused");
  e.clear_call();
  e.mutable_staff()->mutable_employee_moved()->set_employee_id(employee);
  e.mutable_staff()->mutable_employee_moved()->set_to_unit_id(unit);
  return e;
}

// `employee` is sick from an hour before the fixture's start until a day after.
cti::v1::Event Sick(const std::string& employee) {
  cti::v1::Event e = CallOffered("unused");
  e.clear_call();
  cti::v1::CalendarEntryUpserted* entry = e.mutable_calendar()->mutable_entry_upserted();
  entry->set_employee_id(employee);
  entry->set_entry_id("syg-1");
  entry->set_kind(cti::v1::ABSENCE_KIND_SICK);
  entry->mutable_start()->set_seconds(kStartSeconds - 3600);
  entry->mutable_end()->set_seconds(kStartSeconds + 86400);
  return e;
}

uint64_t AppendAll(ServerFixture& fixture, const std::vector<cti::v1::Event>& events) {
  uint64_t last = 0;
  for (const cti::v1::Event& e : events) {
    cti::v1::AppendResponse response;
    grpc::Status status = fixture.Append(e, &response);
    EXPECT_TRUE(status.ok()) << status.error_message() << "\n" << e.ShortDebugString();
    last = response.position();
  }
  return last;
}

std::vector<uint64_t> Positions(const std::vector<cti::v1::LogRecord>& records) {
  std::vector<uint64_t> positions;
  for (const cti::v1::LogRecord& record : records) positions.push_back(record.position());
  return positions;
}

// The stream's first message and its status when it is refused.
grpc::Status Refusal(ServerFixture& fixture, const cti::v1::SubscribeRequest& request) {
  auto context = NewContext();
  auto reader = fixture.events().Subscribe(context.get(), request);
  cti::v1::SubscribeResponse message;
  EXPECT_FALSE(reader->Read(&message)) << message.ShortDebugString();
  return reader->Finish();
}

TEST(SwitchboardStreamTest, TP_6_1_TheUnitFilterFollowsTheUnitsEmployees) {
  ServerFixture fixture;
  AppendAll(fixture, {Administration("sundhed", "Sundhed"), Administration("skat", "Skat"),  // 1-2
                      Hire("e1", "Bo Lund", "sundhed"), Hire("e2", "Eva Berg", "skat"),      // 3-4
                      CallOffered("c1"), CallAt("c1", "e1", false),                          // 5-6
                      CallOffered("c2"), CallAt("c2", "e2", false)});                        // 7-8
  cti::v1::SubscribeRequest request;
  request.set_tenant(kTenant);
  request.set_unit_id("sundhed");
  Stream stream = Subscribe(fixture, request);
  // Live: Eva moves into the unit, her call rings; Bo moves out. The call that rang at
  // Bo while he was in the unit stays the unit's to its end (12); c3 rings at Eva.
  AppendAll(fixture, {Moved("e2", "sundhed"), CallAt("c2", "e2", true),  // 9-10
                      Moved("e1", "skat"), CallAt("c1", "e1", true),     // 11-12
                      CallOffered("c3"), CallAt("c3", "e2", false)});    // 13-14
  std::vector<cti::v1::LogRecord> records;
  ASSERT_TRUE(stream.ReadThrough(14, &records));
  EXPECT_THAT(Positions(records), ::testing::ElementsAre(1, 3, 6, 9, 10, 11, 12, 14));
  // A call Bo takes after he left the unit is not the unit's.
  AppendAll(fixture, {CallOffered("c4"), CallAt("c4", "e1", false), CallAt("c3", "e2", true)});
  records.clear();
  ASSERT_TRUE(stream.ReadThrough(17, &records));
  EXPECT_THAT(Positions(records), ::testing::ElementsAre(17));
  stream.context->TryCancel();

  request.set_unit_id("ingen");
  grpc::Status status = Refusal(fixture, request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("unit_id"));
  request.set_employee_id("e1");
  status = Refusal(fixture, request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("unit_id, employee_id"));
}

TEST(SwitchboardStreamTest, TP_6_3_ASnapshotOfCallsAndPresenceThenEveryChangeAfterIt) {
  ServerFixture fixture;
  const uint64_t before = AppendAll(
      fixture, {Administration("sundhed", "Sundhed"), Hire("e1", "Bo Lund", "sundhed"),
                Hire("e2", "Eva Berg", "sundhed"), Hire("e3", "Ida Krog", "sundhed"), Sick("e2"),
                CallOffered("c1"), CallAt("c1", "e1", true), CallOffered("c2")});
  fixture.Status(before);  // applied: the snapshot cannot be older
  // Appends keep coming while the snapshot is read and the stream turns live.
  std::thread writer([&] {
    for (int i = 0; i < 200; ++i) AppendAll(fixture, {CallOffered(absl::StrCat("w", i))});
  });
  struct Join {
    std::thread& thread;
    ~Join() { thread.join(); }
  } join{writer};
  cti::v1::SubscribeRequest request;
  request.set_tenant(kTenant);
  request.set_snapshot(true);
  request.set_heartbeat_seconds(1);
  Stream stream = Subscribe(fixture, request);
  cti::v1::SubscribeResponse first;
  ASSERT_TRUE(stream.reader->Read(&first));
  ASSERT_TRUE(first.has_snapshot()) << "the snapshot comes first: " << first.ShortDebugString();
  const cti::v1::SwitchboardSnapshot& snapshot = first.snapshot();
  EXPECT_GE(snapshot.position(), before);
  EXPECT_EQ(snapshot.at().seconds(), kStartSeconds);
  ASSERT_GE(snapshot.calls_size(), 2);
  EXPECT_EQ(snapshot.calls(0).call_id(), "c1");
  EXPECT_EQ(snapshot.calls(0).state(), cti::v1::LIVE_CALL_STATE_TALKING);
  EXPECT_EQ(snapshot.calls(1).call_id(), "c2");
  EXPECT_EQ(snapshot.calls(1).state(), cti::v1::LIVE_CALL_STATE_WAITING);
  // Every call offered up to the snapshot's position is in it, none after.
  EXPECT_EQ(static_cast<uint64_t>(snapshot.calls_size()), 2 + (snapshot.position() - before));
  ASSERT_EQ(snapshot.employees_size(), 3);
  EXPECT_EQ(snapshot.employees(0).employee_id(), "e1");
  EXPECT_EQ(snapshot.employees(0).availability().state(), cti::v1::AVAILABILITY_STATE_ON_CALL);
  EXPECT_EQ(snapshot.employees(0).availability().call_id(), "c1");
  EXPECT_EQ(snapshot.employees(0).availability().text(), "taler i telefon");
  EXPECT_EQ(snapshot.employees(1).availability().state(), cti::v1::AVAILABILITY_STATE_ABSENT);
  EXPECT_EQ(snapshot.employees(1).availability().absence(), cti::v1::ABSENCE_KIND_SICK);
  EXPECT_EQ(snapshot.employees(1).availability().until().seconds(), kStartSeconds + 86400);
  EXPECT_EQ(snapshot.employees(1).availability().text(), "syg til lørdag 2. marts kl. 9.00");
  EXPECT_EQ(snapshot.employees(2).availability().state(), cti::v1::AVAILABILITY_STATE_FREE);
  EXPECT_EQ(snapshot.employees(2).availability().text(), "ledig");
  const uint64_t last = before + 200;
  std::vector<cti::v1::LogRecord> records;
  if (snapshot.position() < last) {
    ASSERT_TRUE(stream.ReadThrough(last, &records));
    ExpectDense(records, snapshot.position() + 1, last);
  }
  stream.context->TryCancel();

  request.set_after_position(3);
  grpc::Status status = Refusal(fixture, request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("snapshot"));
}

TEST(SwitchboardStreamTest, TP_6_3_AUnitsSnapshotHoldsItsCallsAndPeopleOnly) {
  ServerFixture fixture;
  AppendAll(fixture,
            {Administration("sundhed", "Sundhed"), Administration("skat", "Skat"),
             Hire("e1", "Bo Lund", "sundhed"), Hire("e2", "Eva Berg", "skat"), CallOffered("c1"),
             CallAt("c1", "e1", false), CallOffered("c2"), CallAt("c2", "e2", true)});
  fixture.Status(8);  // applied: the snapshot is at 8
  cti::v1::SubscribeRequest request;
  request.set_tenant(kTenant);
  request.set_snapshot(true);
  request.set_unit_id("sundhed");
  Stream stream = Subscribe(fixture, request);
  cti::v1::SubscribeResponse first;
  ASSERT_TRUE(stream.reader->Read(&first));
  ASSERT_TRUE(first.has_snapshot());
  EXPECT_EQ(first.snapshot().position(), 8u);
  ASSERT_EQ(first.snapshot().calls_size(), 1);
  EXPECT_EQ(first.snapshot().calls(0).call_id(), "c1");
  EXPECT_EQ(first.snapshot().calls(0).state(), cti::v1::LIVE_CALL_STATE_RINGING);
  ASSERT_EQ(first.snapshot().employees_size(), 1);
  EXPECT_EQ(first.snapshot().employees(0).employee_id(), "e1");
  // c1 (in the snapshot) is answered and ends: its end names nobody but belongs to the
  // unit's dashboard; c2 (skat) ends too and does not.
  AppendAll(fixture, {CallAt("c1", "e1", true), Ended("c2"), Ended("c1")});  // 9, 10, 11
  AppendAll(fixture, {CallOffered("c3"), CallAt("c3", "e1", false)});        // 12, 13
  std::vector<cti::v1::LogRecord> records;
  ASSERT_TRUE(stream.ReadThrough(13, &records));
  EXPECT_THAT(Positions(records), ::testing::ElementsAre(9, 11, 13));
  stream.context->TryCancel();
}

TEST(SwitchboardStreamTest, TP_6_3_AStreamResumesAcrossARestartWithoutGapOrDuplicate) {
  FixtureOptions options;
  options.embedded_log = true;
  ServerFixture fixture(options);
  AppendAll(fixture, {Administration("sundhed", "Sundhed"), Hire("e1", "Bo Lund", "sundhed")});
  for (int i = 0; i < 20; ++i) AppendAll(fixture, {CallOffered(absl::StrCat("a", i))});  // 3-22
  fixture.Status(22);
  cti::v1::SubscribeRequest request;
  request.set_tenant(kTenant);
  request.set_snapshot(true);
  uint64_t seen = 0;
  {
    Stream stream = Subscribe(fixture, request);
    cti::v1::SubscribeResponse first;
    ASSERT_TRUE(stream.reader->Read(&first));
    ASSERT_TRUE(first.has_snapshot());
    seen = first.snapshot().position();
    EXPECT_EQ(seen, 22u);
    for (int i = 0; i < 5; ++i) AppendAll(fixture, {CallOffered(absl::StrCat("b", i))});  // 23-27
    std::vector<cti::v1::LogRecord> records;
    ASSERT_TRUE(stream.ReadThrough(25, &records));
    ExpectDense(records, 23, 25);
    seen = 25;  // the dashboard saw up to here when the server went down
    stream.context->TryCancel();
  }
  fixture.Restart();
  for (int i = 0; i < 5; ++i) AppendAll(fixture, {CallOffered(absl::StrCat("c", i))});  // 28-32
  cti::v1::SubscribeRequest resume;
  resume.set_tenant(kTenant);
  resume.set_after_position(seen);
  Stream stream = Subscribe(fixture, resume);
  std::vector<cti::v1::LogRecord> records;
  ASSERT_TRUE(stream.ReadThrough(32, &records));
  ExpectDense(records, 26, 32);
  EXPECT_EQ(records.back().event().call().call_id(), "c4");
  stream.context->TryCancel();
}

// A dashboard that asks for max_delay_ms gets the records of a burst together: a record
// waits (on the server's clock) for those after it, up to the delay, unless a full
// message is ready.
TEST(SwitchboardStreamTest, MaxDelayHoldsRecordsToSendThemTogether) {
  ServerFixture fixture;
  AppendAll(fixture, {Administration("sundhed", "Sundhed")});
  fixture.Status(1);
  cti::v1::SubscribeRequest request;
  request.set_tenant(kTenant);
  request.set_from_now(true);
  request.set_batch_records(10);
  request.set_max_delay_ms(500);
  Stream stream = Subscribe(fixture, request);
  AppendAll(fixture, {CallOffered("a")});
  fixture.Status(2);
  absl::SleepFor(absl::Milliseconds(100));  // without the delay, "a" would go alone now
  AppendAll(fixture, {CallOffered("b"), CallOffered("c")});
  fixture.Status(4);

  cti::v1::SubscribeResponse message;
  absl::Notification got;
  std::thread reader([&] {
    if (stream.reader->Read(&message)) got.Notify();
  });
  EXPECT_FALSE(got.WaitForNotificationWithTimeout(absl::Milliseconds(300)));
  fixture.clock().Advance(absl::Milliseconds(500));
  ASSERT_TRUE(got.WaitForNotificationWithTimeout(absl::Seconds(5)));
  reader.join();
  ASSERT_TRUE(message.has_batch()) << message.ShortDebugString();
  std::vector<uint64_t> positions;
  for (const cti::v1::LogRecord& record : message.batch().records()) {
    positions.push_back(record.position());
  }
  EXPECT_THAT(positions, ::testing::ElementsAre(2, 3, 4));

  // A full message goes at once, whatever the clock says.
  cti::v1::AppendBatchRequest burst;
  for (int i = 0; i < 10; ++i) *burst.add_events() = CallOffered(absl::StrCat("burst", i));
  cti::v1::AppendBatchResponse appended;
  auto context = NewContext();
  ASSERT_TRUE(testing::IsOk(fixture.events().AppendBatch(context.get(), burst, &appended)));
  ASSERT_TRUE(stream.reader->Read(&message));
  ASSERT_TRUE(message.has_batch()) << message.ShortDebugString();
  ASSERT_EQ(message.batch().records_size(), 10);
  EXPECT_EQ(message.batch().records(0).position(), 5u);
  EXPECT_EQ(message.batch().records(9).position(), 14u);
  stream.context->TryCancel();
}

TEST(SwitchboardStreamTest, MaxDelayIsBoundedAndNeedsBatches) {
  ServerFixture fixture;
  for (const auto& [batch_records, max_delay_ms, expected] :
       std::vector<std::tuple<uint32_t, uint32_t, std::string>>{
           {100, 1001, "max_delay_ms must be at most 1000, got 1001"},
           {1, 50, "max_delay_ms: needs batch_records > 1"},
           {0, 50, "max_delay_ms: needs batch_records > 1"}}) {
    cti::v1::SubscribeRequest request;
    request.set_tenant(kTenant);
    request.set_batch_records(batch_records);
    request.set_max_delay_ms(max_delay_ms);
    auto context = NewContext();
    auto reader = fixture.events().Subscribe(context.get(), request);
    cti::v1::SubscribeResponse response;
    EXPECT_FALSE(reader->Read(&response));
    grpc::Status status = reader->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << expected;
    EXPECT_THAT(status.error_message(), HasSubstr(expected));
  }
}

// 200 dashboards follow the log while calls are appended: every one gets every record,
// in order, once. Ingest is timed beside the same ingest with nobody listening and the
// ratio printed (timing targets live in the benchmarks): the projector runs no
// subscriber code (the hub's delivery thread does), records are serialized once for all
// streams, and the 200 streams are read by one client thread.
// Ingest: one Append per call (a PBX adapter's pace), or AppendBatch of 100 (an import).
class SwitchboardFanOutTest : public ::testing::TestWithParam<bool> {};

TEST_P(SwitchboardFanOutTest, TP_6_1_TwoHundredSubscribersLoseNothing) {
  constexpr int kSubscribers = 200;
  constexpr int kEvents = 600;
  const bool batched = GetParam();
  ServerFixture fixture;
  AppendAll(fixture, {Administration("sundhed", "Sundhed")});
  const auto ingest = [&](const std::string& prefix) {
    const absl::Time start = absl::Now();
    if (!batched) {
      for (int i = 0; i < kEvents; ++i) AppendAll(fixture, {CallOffered(absl::StrCat(prefix, i))});
      return absl::Now() - start;
    }
    for (int i = 0; i < kEvents; i += 100) {
      cti::v1::AppendBatchRequest request;
      for (int j = i; j < i + 100; ++j)
        *request.add_events() = CallOffered(absl::StrCat(prefix, j));
      cti::v1::AppendBatchResponse response;
      auto context = NewContext();
      grpc::Status status = fixture.events().AppendBatch(context.get(), request, &response);
      EXPECT_TRUE(status.ok() && response.appended_count() == 100) << status.error_message();
    }
    return absl::Now() - start;
  };
  const absl::Duration alone = ingest("alone-");
  const uint64_t start_position = 1 + kEvents;
  const uint64_t last = start_position + kEvents;
  fixture.Status(start_position);  // applied: from_now starts after it

  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < 4; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("cti.test.channel", i);  // separate connections
    channels.push_back(grpc::CreateCustomChannel(fixture.server().address(),
                                                 grpc::InsecureChannelCredentials(), args));
  }
  cti::v1::SubscribeRequest request;
  request.set_tenant(kTenant);
  request.set_from_now(true);
  request.set_batch_records(100);  // as a dashboard would: a burst costs few messages,
  request.set_max_delay_ms(50);    // and so does a steady flow
  FanOutClient client(channels, kSubscribers, request, last,
                      [] { return NewContext(true, absl::Seconds(120)); });
  const absl::Status started = client.Start();
  ASSERT_TRUE(started.ok()) << started;
  // The server's clock (which max_delay_ms is measured on) follows real time.
  std::atomic<bool> ticking{true};
  std::thread ticker([&] {
    while (ticking) {
      absl::SleepFor(absl::Milliseconds(1));
      fixture.clock().Advance(absl::Milliseconds(1));
    }
  });
  std::thread reader([&] { client.ReadAll(); });
  const absl::Duration watched = ingest("watched-");
  reader.join();
  ticking = false;
  ticker.join();
  std::string problem;
  EXPECT_EQ(client.Complete(start_position, &problem), kSubscribers) << problem;
  std::printf("ingest of %d events (%s): %.1f ms alone, %.1f ms with %d subscribers (x%.2f)\n",
              kEvents, batched ? "AppendBatch of 100" : "one Append each",
              absl::ToDoubleMilliseconds(alone), absl::ToDoubleMilliseconds(watched), kSubscribers,
              absl::FDivDuration(watched, alone));
}

INSTANTIATE_TEST_SUITE_P(Ingest, SwitchboardFanOutTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& param) {
                           return param.param ? "AppendBatch" : "Append";
                         });

}  // namespace
}  // namespace cti::server
