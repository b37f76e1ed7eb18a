// AdminService (GetStatus, Rebuild), health, restarts and store generations.
#include <grpcpp/generic/generic_stub.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/store.h"
#include "server/file_util.h"
#include "server/log/forwarding_log.h"
#include "server/log/memory_log.h"
#include "server/testing/server_fixture.h"

namespace cti::server {
namespace {

using testing::Administration;
using testing::CallOffered;
using testing::FixtureOptions;
using ::testing::HasSubstr;
using testing::Hire;
using testing::kTenant;
using testing::NewContext;
using testing::ServerFixture;

// Appends `count` records straight to the log (no validation, fast).
void FillLog(cti::log::EventLog& log, int count, const std::string& prefix) {
  for (int i = 0; i < count; ++i) {
    cti::v1::Event event = CallOffered(absl::StrCat(prefix, i));
    event.set_event_id(absl::StrCat(prefix, i));
    event.mutable_actor()->set_id("loader");
    event.mutable_actor()->set_role(cti::v1::ROLE_SYSTEM);
    event.set_schema_version(1);
    ASSERT_TRUE(log.Append(event).ok());
  }
}

// A log whose readers stop at `limit` (they answer nothing beyond it until it is
// raised): holds a start-up replay part way. Everything else is the MemoryLog's.
class HeldLog final : public cti::log::ForwardingLog {
 public:
  HeldLog(std::unique_ptr<cti::log::MemoryLog> log, uint64_t limit)
      : ForwardingLog(std::move(log)), limit_(std::make_shared<std::atomic<uint64_t>>(limit)) {}
  void Release() { limit_->store(UINT64_MAX); }

  absl::StatusOr<std::unique_ptr<cti::log::LogReader>> OpenReader(int partition,
                                                                  uint64_t from) override {
    absl::StatusOr<std::unique_ptr<cti::log::LogReader>> reader =
        ForwardingLog::OpenReader(partition, from);
    if (!reader.ok()) return reader.status();
    return std::unique_ptr<cti::log::LogReader>(new Reader(*std::move(reader), from, limit_));
  }

 private:
  class Reader final : public cti::log::LogReader {
   public:
    Reader(std::unique_ptr<cti::log::LogReader> reader, uint64_t from,
           std::shared_ptr<std::atomic<uint64_t>> limit)
        : reader_(std::move(reader)), next_(from), limit_(std::move(limit)) {}
    absl::StatusOr<std::vector<cti::v1::LogRecord>> Next(size_t max_records,
                                                         absl::Duration wait) override {
      const uint64_t limit = limit_->load();
      if (next_ > limit) {
        absl::SleepFor(std::min(wait, absl::Milliseconds(5)));
        return std::vector<cti::v1::LogRecord>();
      }
      absl::StatusOr<std::vector<cti::v1::LogRecord>> records =
          reader_->Next(std::min<uint64_t>(max_records, limit - next_ + 1), wait);
      if (records.ok() && !records->empty()) next_ = records->back().position() + 1;
      return records;
    }

   private:
    std::unique_ptr<cti::log::LogReader> reader_;
    uint64_t next_;
    std::shared_ptr<std::atomic<uint64_t>> limit_;
  };

  std::shared_ptr<std::atomic<uint64_t>> limit_;
};

// Starts a server on a filled MemoryLog whose start-up replay is long enough to be built
// privately (bulk_replay_min_records 100) and held at `limit` when given.
absl::StatusOr<std::unique_ptr<CtidServer>> StartOnFilledLog(const testing::TempDir& dir,
                                                             cti::SimulatedClock* clock,
                                                             HeldLog** held, uint64_t limit) {
  auto log = std::make_unique<cti::log::MemoryLog>(clock);
  FillLog(*log, 300, "b-");
  auto wrapped = std::make_unique<HeldLog>(std::move(log), limit);
  if (held != nullptr) *held = wrapped.get();
  CtidOptions options;
  options.plaintext = true;  // loopback tests: no TLS, identity from headers
  options.insecure_dev_identity = true;
  options.data_dir = dir.path();
  options.listen = "127.0.0.1:0";
  options.work_threads = 1;
  options.runner.bulk_replay_min_records = 100;
  options.runner.replay_batch_size = 50;
  return CtidServer::Start(options, clock, std::move(wrapped));
}

// Runs Rebuild to its end; returns the final status and all progress messages.
grpc::Status RunRebuild(ServerFixture& fixture, std::vector<cti::v1::RebuildProgress>* progress) {
  auto context = NewContext(true, absl::Seconds(60));
  auto reader = fixture.admin().Rebuild(context.get(), cti::v1::RebuildRequest());
  cti::v1::RebuildProgress message;
  while (reader->Read(&message)) progress->push_back(message);
  return reader->Finish();
}

std::string CurrentGeneration(const std::string& dir) {
  absl::StatusOr<std::string> current = ReadFile(dir + "/CURRENT_PROJECTIONS");
  return current.ok() ? *current : current.status().ToString();
}

void WaitUntilGone(const std::string& path) {
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (std::filesystem::exists(path) && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_FALSE(std::filesystem::exists(path)) << path;
}

TEST(AdminServiceTest, GetStatusReportsPositionsDigestAndCounters) {
  ServerFixture fixture;
  const cti::v1::GetStatusResponse empty = fixture.Status();
  EXPECT_EQ(empty.log_end_position(), 0u);
  EXPECT_EQ(empty.applied_position(), 0u);
  EXPECT_EQ(empty.state_digest().size(), 64u);

  cti::v1::AppendResponse response;
  ASSERT_TRUE(testing::IsOk(fixture.Append(Administration("sundhed", "Sundhed"), &response)));
  ASSERT_TRUE(testing::IsOk(fixture.Append(Hire("e1", "Bo Lund", "sundhed"), &response)));
  // One record the projector rejects at apply time.
  cti::v1::Event bad = Hire("e2", "Ida Berg", "nowhere");
  bad.set_event_id("direct");
  bad.mutable_actor()->set_id("loader");
  bad.mutable_actor()->set_role(cti::v1::ROLE_SYSTEM);
  ASSERT_TRUE(fixture.server().log()->Append(bad).ok());

  const cti::v1::GetStatusResponse status = fixture.Status(3);
  EXPECT_EQ(status.log_backend(), "memory");
  EXPECT_EQ(status.log_end_position(), 3u);
  EXPECT_EQ(status.applied_position(), 3u);
  EXPECT_EQ(status.records_applied(), 3u);
  EXPECT_EQ(status.records_rejected(), 1u);
  EXPECT_EQ(status.projection_schema_version(), cti::projections::kSchemaVersion);
  EXPECT_EQ(status.started_at().seconds(), testing::kStartSeconds);
  EXPECT_FALSE(status.server_version().empty());
  EXPECT_EQ(status.state_digest().size(), 64u);
  EXPECT_NE(status.state_digest(), empty.state_digest());
  EXPECT_EQ(status.state_digest(), *fixture.server().store()->Digest());

  // Per tenant as well.
  cti::v1::GetStatusRequest request;
  request.set_tenant(kTenant);
  cti::v1::GetStatusResponse by_tenant;
  auto context = NewContext();
  ASSERT_TRUE(testing::IsOk(fixture.admin().GetStatus(context.get(), request, &by_tenant)));
  EXPECT_EQ(by_tenant.applied_position(), 3u);
}

TEST(AdminServiceTest, HealthIsNotServingUntilCaughtUpThenServing) {
  testing::TempDir dir;
  cti::SimulatedClock clock(absl::FromUnixSeconds(testing::kStartSeconds));
  auto log = std::make_unique<cti::log::MemoryLog>(&clock);
  FillLog(*log, 200, "c-");
  CtidOptions options;
  options.plaintext = true;  // loopback tests: no TLS, identity from headers
  options.insecure_dev_identity = true;
  options.data_dir = dir.path();
  options.listen = "127.0.0.1:0";
  options.work_threads = 1;
  auto server = CtidServer::Start(options, &clock, std::move(log));
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel = grpc::CreateChannel((*server)->address(), grpc::InsecureChannelCredentials());
  EXPECT_EQ(testing::HealthCheck(channel), 2);  // NOT_SERVING
  ASSERT_TRUE((*server)->WaitUntilServing(absl::Seconds(30)));
  EXPECT_EQ(testing::HealthCheck(channel), 1);  // SERVING
  EXPECT_EQ(testing::HealthCheck(channel, "cti.v1.EventService"), 1);
  EXPECT_EQ((*server)->store()->AppliedPosition(0), 200u);
  (*server)->Shutdown();
}

TEST(AdminServiceTest, NewStoreIsBuiltBeforeQueriesAreAnsweredAndGetStatusShowsTheBuild) {
  // The same log built without holding: the state the held build must reach.
  testing::TempDir reference_dir;
  cti::SimulatedClock reference_clock(absl::FromUnixSeconds(testing::kStartSeconds));
  auto reference = StartOnFilledLog(reference_dir, &reference_clock, nullptr, UINT64_MAX);
  ASSERT_TRUE(reference.ok()) << reference.status();
  ASSERT_TRUE((*reference)->WaitUntilServing(absl::Seconds(30)));
  const absl::StatusOr<std::string> expected = (*reference)->store()->Digest();
  ASSERT_TRUE(expected.ok()) << expected.status();
  (*reference)->Shutdown();

  testing::TempDir dir;
  cti::SimulatedClock clock(absl::FromUnixSeconds(testing::kStartSeconds));
  HeldLog* held = nullptr;
  auto server = StartOnFilledLog(dir, &clock, &held, 150);
  ASSERT_TRUE(server.ok()) << server.status();
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while ((*server)->store()->AppliedPosition(0) < 150 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  ASSERT_EQ((*server)->store()->AppliedPosition(0), 150u);
  auto channel = grpc::CreateChannel((*server)->address(), grpc::InsecureChannelCredentials());
  auto admin = cti::v1::AdminService::NewStub(channel);

  // Held half way: GetStatus reports the build, without a digest; health says so.
  cti::v1::GetStatusResponse building;
  ASSERT_TRUE(
      testing::IsOk(admin->GetStatus(NewContext().get(), cti::v1::GetStatusRequest(), &building)));
  EXPECT_TRUE(building.building());
  EXPECT_EQ(building.applied_position(), 150u);
  EXPECT_EQ(building.log_end_position(), 300u);
  EXPECT_EQ(building.records_applied(), 150u);
  EXPECT_EQ(building.state_digest(), "");
  EXPECT_EQ(building.projector_error(), "");
  EXPECT_EQ(testing::HealthCheck(channel), 2);  // NOT_SERVING

  // Every other call is refused, saying why and how far the build is.
  auto refused = [](const grpc::Status& status) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr("building its projections"));
    EXPECT_THAT(status.error_message(), HasSubstr("150 of 300 records applied"));
  };
  cti::v1::SearchRequest search;
  search.set_tenant(kTenant);
  search.set_query("Lund");
  cti::v1::SearchResponse found;
  refused(cti::v1::DirectoryService::NewStub(channel)->Search(NewContext().get(), search, &found));
  cti::v1::AppendRequest append;
  *append.mutable_event() = Hire("e9", "Bo Lund", "sundhed");
  cti::v1::AppendResponse appended;
  refused(cti::v1::EventService::NewStub(channel)->Append(NewContext().get(), append, &appended));
  cti::v1::SubscribeRequest subscribe;
  subscribe.set_tenant(kTenant);
  auto subscribe_context = NewContext();
  auto stream =
      cti::v1::EventService::NewStub(channel)->Subscribe(subscribe_context.get(), subscribe);
  cti::v1::SubscribeResponse message;
  EXPECT_FALSE(stream->Read(&message));
  refused(stream->Finish());
  auto rebuild_context = NewContext();
  auto rebuild = admin->Rebuild(rebuild_context.get(), cti::v1::RebuildRequest());
  cti::v1::RebuildProgress progress;
  EXPECT_FALSE(rebuild->Read(&progress));
  EXPECT_EQ(rebuild->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE((*server)->store()->bulk_loading());

  // Released: the build ends, the store is the one a plain replay makes, and it serves.
  held->Release();
  ASSERT_TRUE((*server)->WaitUntilServing(absl::Seconds(30)));
  cti::v1::GetStatusResponse built;
  ASSERT_TRUE(
      testing::IsOk(admin->GetStatus(NewContext().get(), cti::v1::GetStatusRequest(), &built)));
  EXPECT_FALSE(built.building());
  EXPECT_EQ(built.applied_position(), 300u);
  EXPECT_EQ(built.state_digest(), *expected);
  EXPECT_FALSE((*server)->store()->bulk_loading());
  EXPECT_TRUE(testing::IsOk(
      cti::v1::DirectoryService::NewStub(channel)->Search(NewContext().get(), search, &found)));
  (*server)->Shutdown();
}

TEST(AdminServiceTest, ServerReflectionListsTheServices) {
  ServerFixture fixture;
  // ServerReflectionRequest { list_services = "" } (field 7), by hand.
  const std::string request_bytes("\x3a\x00", 2);
  grpc::GenericStub stub(fixture.channel());
  grpc::CompletionQueue queue;
  auto context = NewContext(false);
  auto call = stub.PrepareCall(
      context.get(), "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &queue);
  void* tag = nullptr;
  bool ok = false;
  call->StartCall(reinterpret_cast<void*>(1));
  ASSERT_TRUE(queue.Next(&tag, &ok) && ok);
  grpc::Slice slice(request_bytes);
  grpc::ByteBuffer request(&slice, 1);
  call->WriteLast(request, grpc::WriteOptions(), reinterpret_cast<void*>(2));
  ASSERT_TRUE(queue.Next(&tag, &ok) && ok);
  grpc::ByteBuffer response;
  call->Read(&response, reinterpret_cast<void*>(3));
  ASSERT_TRUE(queue.Next(&tag, &ok) && ok);
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(4));
  ASSERT_TRUE(queue.Next(&tag, &ok));
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(response.Dump(&slices).ok());
  std::string bytes;
  for (const grpc::Slice& s : slices) {
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  for (const char* service : {"cti.v1.EventService", "cti.v1.DirectoryService",
                              "cti.v1.AdminService", "grpc.health.v1.Health"}) {
    EXPECT_NE(bytes.find(service), std::string::npos) << service;
  }
}

TEST(AdminServiceTest, RebuildYieldsTheSameDigestAndSwitchesGeneration) {
  FixtureOptions options;
  options.rebuild_batch_size = 50;
  ServerFixture fixture(options);
  cti::v1::AppendResponse response;
  ASSERT_TRUE(testing::IsOk(fixture.Append(Administration("sundhed", "Sundhed"), &response)));
  ASSERT_TRUE(testing::IsOk(fixture.Append(Hire("e1", "Bo Lund", "sundhed"), &response)));
  FillLog(*fixture.server().log(), 500, "r-");
  const cti::v1::GetStatusResponse before = fixture.Status(502);
  EXPECT_EQ(CurrentGeneration(fixture.data_dir()), "projections-1\n");

  std::vector<cti::v1::RebuildProgress> progress;
  grpc::Status status = RunRebuild(fixture, &progress);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_FALSE(progress.empty());
  const cti::v1::RebuildProgress& last = progress.back();
  EXPECT_TRUE(last.done());
  EXPECT_EQ(last.applied(), 502u);
  EXPECT_EQ(last.total(), 502u);
  EXPECT_EQ(last.state_digest(), before.state_digest());
  for (size_t i = 0; i + 1 < progress.size(); ++i) EXPECT_FALSE(progress[i].done());

  EXPECT_EQ(CurrentGeneration(fixture.data_dir()), "projections-2\n");
  // The new generation was bulk loaded and became current only once flushed.
  EXPECT_FALSE(fixture.server().store()->bulk_loading());
  WaitUntilGone(fixture.data_dir() + "/projections-1");
  const cti::v1::GetStatusResponse after = fixture.Status();
  EXPECT_EQ(after.state_digest(), before.state_digest());
  EXPECT_EQ(after.applied_position(), 502u);

  // Queries answer from the new store, and the projector goes on with it.
  ASSERT_TRUE(testing::IsOk(fixture.Append(Hire("e2", "Ida Berg", "sundhed"), &response)));
  cti::v1::GetEmployeeRequest request;
  request.set_tenant(kTenant);
  request.set_employee_id("e2");
  request.set_min_position(response.position());
  cti::v1::GetEmployeeResponse employee;
  auto context = NewContext();
  ASSERT_TRUE(testing::IsOk(fixture.directory().GetEmployee(context.get(), request, &employee)));
  EXPECT_EQ(employee.employee().full_name(), "Ida Berg");
}

TEST(AdminServiceTest, RebuildUnderLoadMatchesAQuietRebuild) {
  FixtureOptions options;
  options.rebuild_batch_size = 20;
  ServerFixture fixture(options);
  FillLog(*fixture.server().log(), 1000, "a-");
  fixture.Status(1000);
  std::thread writer([&] {
    for (int i = 0; i < 200; ++i) {
      cti::v1::AppendResponse response;
      EXPECT_TRUE(testing::IsOk(fixture.Append(CallOffered(absl::StrCat("live-", i)), &response)));
    }
  });
  // Meanwhile a second rebuild is refused.
  auto context = NewContext(true, absl::Seconds(60));
  auto first = fixture.admin().Rebuild(context.get(), cti::v1::RebuildRequest());
  cti::v1::RebuildProgress message;
  ASSERT_TRUE(first->Read(&message));  // Started.
  std::vector<cti::v1::RebuildProgress> refused;
  grpc::Status second = RunRebuild(fixture, &refused);
  EXPECT_EQ(second.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(second.error_message(), HasSubstr("already running"));
  while (first->Read(&message)) {
  }
  ASSERT_TRUE(first->Finish().ok());
  EXPECT_TRUE(message.done());
  writer.join();

  const cti::v1::GetStatusResponse live = fixture.Status(1200);
  std::vector<cti::v1::RebuildProgress> progress;
  ASSERT_TRUE(RunRebuild(fixture, &progress).ok());
  EXPECT_EQ(progress.back().state_digest(), live.state_digest());
  EXPECT_EQ(CurrentGeneration(fixture.data_dir()), "projections-3\n");
  WaitUntilGone(fixture.data_dir() + "/projections-2");
}

TEST(AdminServiceTest, CancelledRebuildLeavesTheLiveStore) {
  FixtureOptions options;
  options.rebuild_batch_size = 5;
  ServerFixture fixture(options);
  FillLog(*fixture.server().log(), 3000, "a-");
  const cti::v1::GetStatusResponse before = fixture.Status(3000);
  {
    auto context = NewContext(true, absl::Seconds(60));
    auto reader = fixture.admin().Rebuild(context.get(), cti::v1::RebuildRequest());
    cti::v1::RebuildProgress message;
    ASSERT_TRUE(reader->Read(&message));
    context->TryCancel();
    while (reader->Read(&message)) {
    }
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  // The rebuild gives up and a new one can start; the half-built generation goes.
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (fixture.server().deps().rebuilder->running() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_FALSE(fixture.server().deps().rebuilder->running());
  WaitUntilGone(fixture.data_dir() + "/projections-2");
  EXPECT_EQ(CurrentGeneration(fixture.data_dir()), "projections-1\n");
  EXPECT_EQ(fixture.Status().state_digest(), before.state_digest());
}

TEST(AdminServiceTest, EmbeddedLogSurvivesRestartAndLostProjectionsAreReplayed) {
  FixtureOptions options;
  options.embedded_log = true;
  ServerFixture fixture(options);
  cti::v1::AppendResponse response;
  ASSERT_TRUE(testing::IsOk(fixture.Append(Administration("sundhed", "Sundhed"), &response)));
  ASSERT_TRUE(testing::IsOk(fixture.Append(Hire("e1", "Bo Lund", "sundhed"), &response)));
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(testing::IsOk(fixture.Append(CallOffered(absl::StrCat("c", i)), &response)));
  }
  const cti::v1::GetStatusResponse before = fixture.Status(response.position());
  EXPECT_EQ(before.log_backend(), "embedded");

  fixture.Restart();
  const cti::v1::GetStatusResponse restarted = fixture.Status();
  EXPECT_EQ(restarted.log_end_position(), before.log_end_position());
  EXPECT_EQ(restarted.applied_position(), before.applied_position());
  EXPECT_EQ(restarted.state_digest(), before.state_digest());

  // Lose the projections: the server starts empty and replays the log from position 1.
  fixture.Stop();
  std::filesystem::remove_all(fixture.data_dir() + "/projections-1");
  fixture.Restart();
  const cti::v1::GetStatusResponse replayed = fixture.Status();
  EXPECT_EQ(replayed.applied_position(), before.applied_position());
  EXPECT_EQ(replayed.state_digest(), before.state_digest());
  // The replay into the new store was a bulk load, ended (flushed) before serving.
  EXPECT_FALSE(fixture.server().store()->bulk_loading());

  // Restarted, the replayed store is kept: nothing is replayed again.
  fixture.Stop();
  fixture.Restart();
  const cti::v1::GetStatusResponse again = fixture.Status();
  EXPECT_EQ(again.applied_position(), before.applied_position());
  EXPECT_EQ(again.state_digest(), before.state_digest());
}

TEST(AdminServiceTest, LeftoverGenerationsAreRemovedAtStart) {
  FixtureOptions options;
  options.embedded_log = true;
  ServerFixture fixture(options);
  fixture.Stop();
  std::filesystem::create_directories(fixture.data_dir() + "/projections-7");
  fixture.Restart();
  EXPECT_FALSE(std::filesystem::exists(fixture.data_dir() + "/projections-7"));
  EXPECT_EQ(CurrentGeneration(fixture.data_dir()), "projections-1\n");
}

}  // namespace
}  // namespace cti::server
