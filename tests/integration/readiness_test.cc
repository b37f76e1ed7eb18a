// End-to-end: readiness at start and the drain at SIGTERM (issue 12, item 4), on a real
// ctid. At start ctid listens at once but answers health NOT_SERVING (and refuses
// queries UNAVAILABLE) until its projections have caught up with the log; at SIGTERM it
// refuses new calls, lets calls in flight finish, ends streams and waiting queries with
// UNAVAILABLE naming what to do, flushes, and exits 0 within a bound.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/support/cti_client.h"
#include "tests/support/ctid_process.h"
#include "tests/support/danish_events.h"
#include "tests/support/grpc_clients.h"

namespace cti::test_support {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;

// Appends `count` call events in AppendBatch calls of 1,000; answers the last position.
absl::StatusOr<uint64_t> AppendCalls(CtiClient& client, const std::string& prefix, int count) {
  uint64_t last = 0;
  for (int done = 0; done < count;) {
    cti::v1::AppendBatchRequest request;
    for (int i = 0; i < 1000 && done < count; ++i, ++done) {
      *request.add_events() = LoadCallEvent(kTenant, absl::StrCat(prefix, done), done);
    }
    cti::v1::AppendBatchResponse response;
    auto ctx = Ctx(absl::Seconds(60));
    const grpc::Status status = client.events().AppendBatch(ctx.get(), request, &response);
    if (!status.ok()) return absl::InternalError(Describe(status));
    for (const cti::v1::AppendBatchResult& result : response.results()) {
      if (result.code() != 0) return absl::InternalError(result.message());
      last = std::max(last, result.appended().position());
    }
  }
  return last;
}

// A long log and a data directory without projections: the next start replays the whole
// log. Health answers from the moment ctid listens: NOT_SERVING (GetStatus says it is
// building, queries are refused UNAVAILABLE) until the replay has caught up, then
// SERVING with everything applied.
TEST(ReadinessTest, HealthIsNotServingUntilTheStartUpReplayHasCaughtUp) {
  char pattern[] = "/tmp/cti-test-readiness-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  const std::string work_dir = pattern;
  struct RemoveAtEnd {
    std::string dir;
    ~RemoveAtEnd() {
      std::error_code error;
      if (std::getenv("CTI_KEEP_TEST_DIRS") == nullptr) std::filesystem::remove_all(dir, error);
    }
  } remove_at_end{work_dir};
  CtidOptions options;
  options.work_dir = work_dir;
  absl::StatusOr<std::unique_ptr<CtidProcess>> started = CtidProcess::Start(options);
  ASSERT_TRUE(started.ok()) << started.status();
  std::unique_ptr<CtidProcess> ctid = *std::move(started);
  uint64_t end = 0;
  {
    CtiClient client(ctid->Channel(Admin()));
    EventFactory factory;
    for (const cti::v1::Event& e : DemoOrganisation(factory)) {
      absl::StatusOr<cti::v1::AppendResponse> r = client.Append(e);
      ASSERT_TRUE(r.ok()) << r.status();
    }
    absl::StatusOr<uint64_t> last = AppendCalls(client, "ready-", 200000);
    ASSERT_TRUE(last.ok()) << last.status();
    end = *last;
  }
  ASSERT_TRUE(ctid->Stop().ok()) << ctid->StderrTail();
  // Without its projections (the store generations and the pointer to the current one)
  // ctid starts a new store and replays the log from position 1.
  int removed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(ctid->data_dir())) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("projections", 0) == 0 || name == "CURRENT_PROJECTIONS") {
      std::filesystem::remove_all(entry.path());
      ++removed;
    }
  }
  ASSERT_GE(removed, 1) << "no projections found in " << ctid->data_dir();

  // Start again without waiting for SERVING: Start returns once health answers at all.
  options.wait_until_serving = false;
  options.listen_port = FreeLoopbackPort();
  ASSERT_NE(options.listen_port, 0);
  const absl::Time restarted_at = absl::Now();
  started = CtidProcess::Start(options);
  ASSERT_TRUE(started.ok()) << started.status();
  ctid = *std::move(started);
  CtiClient client(ctid->Channel(Admin()));
  int not_serving = 0;
  bool refused_search = false;
  bool saw_building = false;
  std::string health;
  while (absl::Now() - restarted_at < absl::Seconds(60)) {
    absl::StatusOr<std::string> h = HealthCheck(ctid->AnonymousChannel(), "");
    ASSERT_TRUE(h.ok()) << h.status();
    health = *h;
    if (health == "SERVING") break;
    ASSERT_EQ(health, "NOT_SERVING");
    ++not_serving;
    absl::StatusOr<cti::v1::GetStatusResponse> status = client.Status();
    ASSERT_TRUE(status.ok()) << status.status();
    if (status->building()) {
      saw_building = true;
      EXPECT_LE(status->applied_position(), end);  // equal while the bulk load is flushed
      EXPECT_EQ(status->log_end_position(), end);
    }
    if (!refused_search) {
      absl::StatusOr<cti::v1::SearchResponse> search = client.Search("anna holm");
      if (!search.ok()) {
        EXPECT_EQ(search.status().code(), absl::StatusCode::kUnavailable) << search.status();
        refused_search = true;
      }
    }
    absl::SleepFor(absl::Milliseconds(2));
  }
  ASSERT_EQ(health, "SERVING") << "not serving 60 s after the restart";
  std::cout << "NOT_SERVING answered " << not_serving << " times while replaying " << end
            << " records; serving " << absl::FormatDuration(absl::Now() - restarted_at)
            << " after the restart\n";
  EXPECT_GT(not_serving, 0) << "health never said NOT_SERVING during the replay";
  EXPECT_TRUE(saw_building) << "GetStatus never said building during the replay";
  EXPECT_TRUE(refused_search) << "a query was answered before the projections caught up";

  // Once SERVING, everything is applied and queries answer.
  absl::StatusOr<cti::v1::GetStatusResponse> status = client.Status();
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_FALSE(status->building());
  EXPECT_EQ(status->applied_position(), end);
  EXPECT_EQ(status->log_end_position(), end);
  absl::StatusOr<cti::v1::SearchResponse> search = client.Search("anna holm");
  ASSERT_TRUE(search.ok()) << search.status();
  EXPECT_FALSE(search->hits().empty());
  EXPECT_TRUE(ctid->Stop().ok()) << ctid->StderrTail();
}

// SIGTERM while clients append, a stream is open and a query waits for a position that
// never comes: ctid exits 0 within the bound; the stream and the waiting query end with
// UNAVAILABLE saying what to do; every append either was acknowledged (and is in the log
// after a restart, exactly once) or failed with a status a client retries on; none is
// half done.
TEST(ReadinessTest, SigtermDrainsCallsInFlightAndExitsZero) {
  absl::StatusOr<std::unique_ptr<CtidProcess>> started = CtidProcess::Start({});
  ASSERT_TRUE(started.ok()) << started.status();
  std::unique_ptr<CtidProcess> ctid = *std::move(started);
  auto client = std::make_unique<CtiClient>(ctid->Channel(Admin()));
  EventFactory factory;
  uint64_t end = 0;
  for (const cti::v1::Event& e : DemoOrganisation(factory)) {
    absl::StatusOr<cti::v1::AppendResponse> r = client->Append(e);
    ASSERT_TRUE(r.ok()) << r.status();
    end = r->position();
  }

  // Four appenders, each with its own channel, until their calls fail.
  std::mutex mu;
  std::map<std::string, uint64_t> acknowledged;  // event_id -> position
  std::vector<grpc::StatusCode> failures;
  std::atomic<int> appended{0};
  std::vector<std::thread> appenders;
  for (int t = 0; t < 4; ++t) {
    appenders.emplace_back([&, t] {
      auto stub = cti::v1::EventService::NewStub(ctid->Channel(Admin()));
      for (int i = 0;; ++i) {
        cti::v1::AppendRequest request;
        *request.mutable_event() =
            LoadCallEvent(kTenant, absl::StrCat("drain-", t, "-", i), 1000 * t + i);
        cti::v1::AppendResponse response;
        auto ctx = Ctx(absl::Seconds(10));
        const grpc::Status status = stub->Append(ctx.get(), request, &response);
        std::lock_guard<std::mutex> lock(mu);
        if (!status.ok()) {
          failures.push_back(status.error_code());
          return;
        }
        acknowledged[request.event().event_id()] = response.position();
        appended.fetch_add(1);
      }
    });
  }
  // A live subscriber and a query waiting for a position that never comes.
  grpc::Status stream_status;
  std::thread subscriber([&] {
    auto ctx = Ctx(absl::Seconds(60));
    auto reader = client->events().Subscribe(ctx.get(), SubscribeFrom(kTenant, 0));
    cti::v1::SubscribeResponse message;
    while (reader->Read(&message)) {
    }
    stream_status = reader->Finish();
  });
  absl::StatusOr<cti::v1::SearchResponse> waiting;
  std::thread query([&] {
    waiting = client->Search("anna", end + 1000000, cti::v1::SEARCH_KIND_UNSPECIFIED, kTenant,
                             absl::Seconds(60));
  });
  while (appended.load() < 200) absl::SleepFor(absl::Milliseconds(5));

  const absl::Time start = absl::Now();
  const absl::Status stopped = ctid->Stop(absl::Seconds(20));
  const absl::Duration took = absl::Now() - start;
  for (std::thread& t : appenders) t.join();
  subscriber.join();
  query.join();
  ASSERT_TRUE(stopped.ok()) << stopped << "\n" << ctid->StderrTail();
  std::cout << "SIGTERM to exit 0: " << absl::FormatDuration(took) << "; " << acknowledged.size()
            << " appends acknowledged\n";
  EXPECT_LT(took, absl::Seconds(10)) << "the drain is bounded by 5 s of grace";

  EXPECT_EQ(stream_status.error_code(), grpc::StatusCode::UNAVAILABLE) << Describe(stream_status);
  EXPECT_THAT(stream_status.error_message(), HasSubstr("shutting down"));
  EXPECT_THAT(stream_status.error_message(), HasSubstr("after_position="));
  ASSERT_FALSE(waiting.ok());
  EXPECT_EQ(waiting.status().code(), absl::StatusCode::kUnavailable) << waiting.status();
  // A refused or cut-off append is one a client retries (with the same event_id).
  ASSERT_EQ(failures.size(), 4u);
  for (grpc::StatusCode code : failures) {
    EXPECT_THAT(code, AnyOf(grpc::StatusCode::UNAVAILABLE, grpc::StatusCode::CANCELLED))
        << "an append failed with " << code << " at the stop";
  }

  // Every acknowledged append is in the log after a restart, at its position, once.
  ASSERT_TRUE(ctid->Restart().ok()) << ctid->StderrTail();
  client = std::make_unique<CtiClient>(ctid->Channel(Admin()));
  absl::StatusOr<cti::v1::GetStatusResponse> status = client->Status();
  ASSERT_TRUE(status.ok()) << status.status();
  const uint64_t log_end = status->log_end_position();
  absl::StatusOr<std::vector<cti::v1::LogRecord>> records =
      client->ReadRecords(SubscribeFrom(kTenant, 0), log_end, absl::Seconds(30));
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), log_end);
  std::map<std::string, uint64_t> in_log;
  for (const cti::v1::LogRecord& record : *records) {
    EXPECT_TRUE(in_log.emplace(record.event().event_id(), record.position()).second)
        << record.event().event_id() << " twice";
  }
  for (const auto& [event_id, position] : acknowledged) {
    auto it = in_log.find(event_id);
    ASSERT_NE(it, in_log.end()) << "acknowledged " << event_id << " is lost";
    EXPECT_EQ(it->second, position) << event_id;
  }
  EXPECT_EQ(status->applied_position(), log_end);
  client.reset();
  EXPECT_TRUE(ctid->Stop().ok()) << ctid->StderrTail();
}

}  // namespace
}  // namespace cti::test_support
