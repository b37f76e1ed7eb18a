// End-to-end: EventService.Subscribe streams the log in order from any position, resumes
// without gap or duplicate (also across a ctid restart), filters by family, sends
// heartbeats, and cuts off only a subscriber that reads too slowly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/support/ctid_fixture.h"

namespace cti::test_support {
namespace {

using ::testing::HasSubstr;
namespace d = demo;

// Expects records to sit at positions first, first+1, ... with the given event ids.
void ExpectDense(const std::vector<cti::v1::LogRecord>& records, uint64_t first,
                 const std::vector<std::string>& event_ids) {
  ASSERT_EQ(records.size(), event_ids.size());
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].position(), first + i) << "record " << i;
    EXPECT_EQ(records[i].event().event_id(), event_ids[i]) << "record " << i;
  }
}

std::vector<std::string> Ids(const std::vector<cti::v1::Event>& events) {
  std::vector<std::string> ids;
  for (const cti::v1::Event& e : events) ids.push_back(e.event_id());
  return ids;
}

// Demo organisation, some calendar entries and some calls: every family.
std::vector<cti::v1::Event> MixedEvents(EventFactory& f) {
  std::vector<cti::v1::Event> events = DemoOrganisation(f);
  events.push_back(f.CalendarEntry(d::kAnnaHolm, "kal-1", cti::v1::ABSENCE_KIND_SICK, BaseTime(),
                                   absl::Hours(8), "Syg"));
  events.push_back(f.ForwardToColleague(d::kAnnaHolm, "fwd-1", d::kBoLund, "syg"));
  events.push_back(f.CallOffered("sip-1@pbx", "+4520304050"));
  events.push_back(f.CallRinging("sip-1@pbx", d::kBoLund));
  events.push_back(f.CalendarEntry(d::kBoLund, "kal-2", cti::v1::ABSENCE_KIND_COURSE,
                                   BaseTime() + absl::Hours(24), absl::Hours(7), "Kursus i Vejle"));
  events.push_back(f.MessageTaken("besked-1", d::kAnnaHolm, "Grethe Sørensen",
                                  "Ring venligst tilbage om boligstøtte."));
  return events;
}

class SubscribeTest : public CtidTest {};

TEST_F(SubscribeTest, FromZeroDeliversEveryRecordInOrderWithActorAndOutcome) {
  std::vector<cti::v1::Event> events = MixedEvents(factory_);
  // A body actor is ignored: the server stamps the caller's identity.
  events[0].mutable_actor()->set_id("someone-else");
  events[0].mutable_actor()->set_role(cti::v1::ROLE_DIRECTOR);
  const uint64_t end = AppendAll(events);
  ASSERT_EQ(end, events.size());

  absl::StatusOr<std::vector<cti::v1::LogRecord>> records =
      client().ReadRecords(SubscribeFrom(kTenant, 0), end);
  ASSERT_TRUE(records.ok()) << records.status();
  ExpectDense(*records, 1, Ids(events));
  for (const cti::v1::LogRecord& r : *records) {
    EXPECT_EQ(r.event().actor().id(), Admin().actor) << r.ShortDebugString();
    EXPECT_EQ(r.event().actor().role(), cti::v1::ROLE_ADMIN) << r.ShortDebugString();
    EXPECT_TRUE(r.event().has_recorded_at());
    EXPECT_EQ(r.event().tenant(), kTenant);
    EXPECT_EQ(r.event().schema_version(), 1u);
    ASSERT_TRUE(r.has_outcome()) << r.ShortDebugString();
    EXPECT_FALSE(r.outcome().rejected()) << r.outcome().reason();
  }
  // The payload comes back as sent.
  EXPECT_EQ((*records)[9].event().staff().employee_hired().employee().full_name(), "Anna Holm");
}

TEST_F(SubscribeTest, ResumeAfterAPositionHasNoGapAndNoDuplicate) {
  const std::vector<cti::v1::Event> events = MixedEvents(factory_);
  const uint64_t end = AppendAll(events);
  const std::vector<std::string> ids = Ids(events);
  for (uint64_t after : {uint64_t{1}, uint64_t{7}, end - 1}) {
    absl::StatusOr<std::vector<cti::v1::LogRecord>> records =
        client().ReadRecords(SubscribeFrom(kTenant, after), end);
    ASSERT_TRUE(records.ok()) << records.status();
    ExpectDense(*records, after + 1, std::vector<std::string>(ids.begin() + after, ids.end()));
  }
}

TEST_F(SubscribeTest, FamilyFilterDeliversOnlyThatFamily) {
  const std::vector<cti::v1::Event> events = MixedEvents(factory_);
  const uint64_t end = AppendAll(events);
  std::vector<std::string> calendar_ids;
  for (const cti::v1::Event& e : events) {
    if (e.has_calendar()) calendar_ids.push_back(e.event_id());
  }
  ASSERT_EQ(calendar_ids.size(), 3u);
  cti::v1::SubscribeRequest request = SubscribeFrom(kTenant, 0);
  request.add_families(cti::v1::FAMILY_CALENDAR);
  // The last calendar record is not at the end: read until the last one.
  std::vector<cti::v1::LogRecord> partial;
  absl::StatusOr<std::vector<cti::v1::LogRecord>> records =
      client().ReadRecords(request, end - 1, absl::Seconds(10), &partial);
  ASSERT_TRUE(records.ok()) << records.status();
  std::vector<std::string> got;
  for (const cti::v1::LogRecord& r : *records) {
    EXPECT_TRUE(r.event().has_calendar()) << r.ShortDebugString();
    got.push_back(r.event().event_id());
  }
  EXPECT_EQ(got, calendar_ids);
}

TEST_F(SubscribeTest, LiveRecordsArriveAfterTheHistory) {
  const uint64_t end = AppendAll(DemoOrganisation(factory_));
  std::vector<cti::v1::Event> later;
  for (int i = 0; i < 5; ++i) {
    later.push_back(factory_.CallOffered(absl::StrCat("live-", i), "+4540506070"));
  }
  absl::StatusOr<std::vector<cti::v1::LogRecord>> records;
  std::thread reader(
      [&] { records = client().ReadRecords(SubscribeFrom(kTenant, end - 2), end + later.size()); });
  absl::SleepFor(absl::Milliseconds(300));  // Let the stream catch up and go live.
  AppendAll(later);
  reader.join();
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 2 + later.size());
  for (size_t i = 0; i < records->size(); ++i) EXPECT_EQ((*records)[i].position(), end - 1 + i);
  EXPECT_EQ(records->back().event().event_id(), later.back().event_id());
}

TEST_F(SubscribeTest, FromNowSkipsHistoryAndHeartbeatsTellTheAppliedPosition) {
  const uint64_t end = AppendAll(DemoOrganisation(factory_));
  ASSERT_TRUE(client().Status(end).ok());
  cti::v1::SubscribeRequest request;
  request.set_tenant(kTenant);
  request.set_from_now(true);
  request.set_heartbeat_seconds(1);
  auto ctx = Ctx(absl::Seconds(10));
  auto reader = client().events().Subscribe(ctx.get(), request);
  cti::v1::SubscribeResponse message;
  const absl::Time start = absl::Now();
  ASSERT_TRUE(reader->Read(&message)) << Describe(reader->Finish());
  ASSERT_TRUE(message.has_heartbeat()) << message.ShortDebugString();
  EXPECT_EQ(message.heartbeat().applied_position(), end);
  EXPECT_LT(absl::Now() - start, absl::Seconds(4));
  EXPECT_TRUE(message.heartbeat().has_at());

  absl::StatusOr<cti::v1::AppendResponse> appended =
      client().Append(factory_.CallOffered("efter-nu", "+4540506070"));
  ASSERT_TRUE(appended.ok()) << appended.status();
  do {
    ASSERT_TRUE(reader->Read(&message)) << Describe(reader->Finish());
  } while (message.has_heartbeat());
  EXPECT_EQ(message.record().position(), appended->position());
  EXPECT_EQ(message.record().event().event_id(), appended->event_id());
  ctx->TryCancel();
  reader->Finish();
}

TEST_F(SubscribeTest, ResumeAcrossACtidRestartHasNoGapAndNoDuplicate) {
  std::vector<cti::v1::Event> first = MixedEvents(factory_);
  const uint64_t end1 = AppendAll(first);

  // A live stream that sees the server go away.
  auto ctx = Ctx(absl::Seconds(30));
  auto reader = client().events().Subscribe(ctx.get(), SubscribeFrom(kTenant, 0));
  std::vector<cti::v1::LogRecord> got;
  cti::v1::SubscribeResponse message;
  while (got.size() < 10 && reader->Read(&message)) {
    if (message.has_record()) got.push_back(message.record());
  }
  ASSERT_EQ(got.size(), 10u) << Describe(reader->Finish());

  ASSERT_TRUE(ctid().Stop().ok());  // Graceful stop with the stream open.
  while (reader->Read(&message)) {
    if (message.has_record()) got.push_back(message.record());
  }
  grpc::Status ended = reader->Finish();
  EXPECT_FALSE(ended.ok()) << "a stream cut by shutdown must not end OK";

  ASSERT_TRUE(ctid().Restart().ok());
  Reconnect();
  std::vector<cti::v1::Event> second;
  for (int i = 0; i < 6; ++i) {
    second.push_back(factory_.CallOffered(absl::StrCat("efter-genstart-", i), "+4522334455"));
  }
  const uint64_t end2 = AppendAll(second);
  ASSERT_EQ(end2, end1 + second.size());

  absl::StatusOr<std::vector<cti::v1::LogRecord>> rest =
      client().ReadRecords(SubscribeFrom(kTenant, got.back().position()), end2);
  ASSERT_TRUE(rest.ok()) << rest.status();
  got.insert(got.end(), rest->begin(), rest->end());

  std::vector<std::string> ids = Ids(first);
  for (const std::string& id : Ids(second)) ids.push_back(id);
  ExpectDense(got, 1, ids);
}

// A subscriber whose reads stall: small HTTP/2 windows on its channel and a small server
// buffer. It must be cut off with RESOURCE_EXHAUSTED naming where to resume, while
// appends and a second subscriber carry on.
class SlowSubscriberTest : public CtidTest {
 protected:
  CtidOptions Options() override {
    CtidOptions options;
    options.subscriber_buffer = 64;
    return options;
  }
};

TEST_F(SlowSubscriberTest, SlowSubscriberIsCutOffAloneAndCanResume) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 1024);
  args.SetInt(GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, 64 << 20);
  auto slow_channel = IdentityChannel(ctid().address(), Reception(), &args);
  auto slow_stub = cti::v1::EventService::NewStub(slow_channel);
  auto slow_ctx = Ctx(absl::Seconds(60));
  auto slow = slow_stub->Subscribe(slow_ctx.get(), SubscribeFrom(kTenant, 0));

  constexpr int kEvents = 1000;
  const std::string text(1500, 'x');  // ~1.6 kB records fill windows quickly.
  std::vector<cti::v1::Event> events;
  for (int i = 0; i < kEvents; ++i) {
    events.push_back(
        factory_.MessageTaken(absl::StrCat("besked-", i), d::kAnnaHolm, "Poul Ørsted", text));
  }
  // The messages name an employee: hire her first.
  const uint64_t base = AppendAll(DemoOrganisation(factory_));

  std::atomic<uint64_t> fast_last{0};
  int fast_resumes = 0;
  absl::StatusOr<std::vector<cti::v1::LogRecord>> fast;
  std::thread fast_reader([&] {
    // Keeping up, but on a busy machine even a prompt reader may fall behind the small
    // buffer now and then: it resumes, as a client should.
    fast = client().ReadRecordsResuming(SubscribeFrom(kTenant, 0), base + kEvents,
                                        absl::Seconds(60), &fast_resumes);
  });

  const absl::Time start = absl::Now();
  const uint64_t end = AppendConcurrently(events);
  const absl::Duration append_time = absl::Now() - start;
  ASSERT_EQ(end, base + kEvents);
  fast_reader.join();
  ASSERT_TRUE(fast.ok()) << fast.status();
  ASSERT_EQ(fast->size(), end);
  for (size_t i = 0; i < fast->size(); ++i) ASSERT_EQ((*fast)[i].position(), i + 1);
  fast_last = fast->back().position();
  EXPECT_LT(fast_resumes, 20) << "the prompt reader was cut off again and again";
  EXPECT_LT(append_time, absl::Seconds(30)) << "appends were stalled by the slow subscriber";

  // Now the slow subscriber reads what it was given: a dense prefix, then the error.
  std::vector<cti::v1::LogRecord> got;
  cti::v1::SubscribeResponse message;
  while (slow->Read(&message)) {
    if (message.has_record()) got.push_back(message.record());
  }
  grpc::Status status = slow->Finish();
  ASSERT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << Describe(status);
  ASSERT_FALSE(got.empty());
  ASSERT_LT(got.size(), end);
  for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i].position(), i + 1);
  EXPECT_THAT(status.error_message(), HasSubstr(absl::StrCat(got.back().position())));

  absl::StatusOr<std::vector<cti::v1::LogRecord>> rest =
      client().ReadRecords(SubscribeFrom(kTenant, got.back().position()), end);
  ASSERT_TRUE(rest.ok()) << rest.status();
  ASSERT_EQ(got.size() + rest->size(), end);
  EXPECT_EQ(rest->front().position(), got.back().position() + 1);
  EXPECT_EQ(fast_last.load(), end);
}

}  // namespace
}  // namespace cti::test_support
