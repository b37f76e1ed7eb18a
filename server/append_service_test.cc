// EventService.Append and read-your-writes through a real gRPC server in process.
#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/log/memory_log.h"
#include "server/testing/server_fixture.h"

namespace cti::server {
namespace {

using testing::Administration;
using testing::CallOffered;
using ::testing::HasSubstr;
using testing::Hire;
using testing::kTenant;
using testing::NewContext;
using testing::ServerFixture;

class AppendServiceTest : public ::testing::Test {
 protected:
  uint64_t LogEnd() { return *fixture_.server().log()->EndPosition(0); }

  cti::v1::LogRecord ReadRecord(uint64_t position) {
    auto reader = fixture_.server().log()->OpenReader(0, position);
    EXPECT_TRUE(reader.ok());
    auto records = (*reader)->Next(1, absl::Seconds(1));
    EXPECT_TRUE(records.ok());
    EXPECT_EQ(records->size(), 1u);
    return records->empty() ? cti::v1::LogRecord() : records->front();
  }

  // Appends and expects `code` with a message containing `text`, and an unchanged log.
  void ExpectRefused(const cti::v1::AppendRequest& request, grpc::StatusCode code,
                     const std::string& text, bool identity = true) {
    const uint64_t before = LogEnd();
    cti::v1::AppendResponse response;
    std::unique_ptr<grpc::ClientContext> context = NewContext(identity);
    grpc::Status status = fixture_.events().Append(context.get(), request, &response);
    EXPECT_EQ(status.error_code(), code) << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr(text));
    EXPECT_EQ(LogEnd(), before) << "nothing may be appended on error";
  }

  static cti::v1::AppendRequest RequestOf(const cti::v1::Event& event) {
    cti::v1::AppendRequest request;
    *request.mutable_event() = event;
    return request;
  }

  ServerFixture fixture_;
};

TEST_F(AppendServiceTest, AppendAnswersPositionAndQueriesReadTheirWrites) {
  cti::v1::AppendResponse unit;
  ASSERT_TRUE(
      testing::IsOk(fixture_.Append(Administration("sundhed", "Sundhed og Omsorg"), &unit)));
  EXPECT_EQ(unit.position(), 1u);
  EXPECT_FALSE(unit.duplicate());
  EXPECT_EQ(unit.recorded_at().seconds(), testing::kStartSeconds);
  cti::v1::AppendResponse hired;
  ASSERT_TRUE(testing::IsOk(fixture_.Append(Hire("e17", "Anna Holm", "sundhed"), &hired)));
  EXPECT_EQ(hired.position(), 2u);

  cti::v1::GetEmployeeRequest request;
  request.set_tenant(kTenant);
  request.set_employee_id("e17");
  request.set_min_position(hired.position());
  cti::v1::GetEmployeeResponse response;
  std::unique_ptr<grpc::ClientContext> context = NewContext();
  grpc::Status status = fixture_.directory().GetEmployee(context.get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.employee().full_name(), "Anna Holm");
  EXPECT_EQ(response.unit().name(), "Sundhed og Omsorg");
  EXPECT_GE(response.position(), 2u);

  cti::v1::SearchRequest search;
  search.set_tenant(kTenant);
  search.set_query("anna");
  search.set_min_position(hired.position());
  cti::v1::SearchResponse found;
  context = NewContext();
  status = fixture_.directory().Search(context.get(), search, &found);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(found.hits_size(), 1);
  EXPECT_EQ(found.hits(0).employee().employee_id(), "e17");
  EXPECT_GE(found.position(), 2u);
}

TEST_F(AppendServiceTest, ServerStampsActorSchemaVersionAndEventId) {
  cti::v1::Event event = Administration("borgerservice", "Borgerservice");
  event.mutable_actor()->set_id("somebody-else");
  event.mutable_actor()->set_role(cti::v1::ROLE_DIRECTOR);
  cti::v1::AppendResponse response;
  ASSERT_TRUE(testing::IsOk(fixture_.Append(event, &response)));
  EXPECT_EQ(response.event_id().size(), 32u);
  EXPECT_EQ(response.event_id().find_first_not_of("0123456789abcdef"), std::string::npos);
  const cti::v1::LogRecord record = ReadRecord(response.position());
  EXPECT_EQ(record.event().actor().id(), "test-admin");
  EXPECT_EQ(record.event().actor().role(), cti::v1::ROLE_ADMIN);
  EXPECT_EQ(record.event().schema_version(), 1u);
  EXPECT_EQ(record.event().event_id(), response.event_id());

  cti::v1::AppendResponse second;
  ASSERT_TRUE(testing::IsOk(fixture_.Append(Administration("kultur", "Kultur"), &second)));
  EXPECT_NE(second.event_id(), response.event_id());
}

TEST_F(AppendServiceTest, ValidationErrorsMapToCodesAndAppendNothing) {
  cti::v1::AppendResponse ignored;
  ASSERT_TRUE(testing::IsOk(fixture_.Append(Administration("sundhed", "Sundhed"), &ignored)));
  ASSERT_TRUE(testing::IsOk(fixture_.Append(Hire("e1", "Bo Lund", "sundhed"), &ignored)));

  ExpectRefused(RequestOf(Hire("e2", "Ida Berg", "nowhere")), grpc::StatusCode::NOT_FOUND,
                "nowhere");
  ExpectRefused(RequestOf(Hire("e1", "Bo Lund", "sundhed")), grpc::StatusCode::FAILED_PRECONDITION,
                "e1");
  ExpectRefused(RequestOf(Administration("tom", "")), grpc::StatusCode::INVALID_ARGUMENT, "name");
  cti::v1::Event no_tenant = Administration("x", "X");
  no_tenant.clear_tenant();
  ExpectRefused(RequestOf(no_tenant), grpc::StatusCode::INVALID_ARGUMENT, "tenant");
  cti::v1::Event newer = Administration("y", "Y");
  newer.set_schema_version(2);
  ExpectRefused(RequestOf(newer), grpc::StatusCode::INVALID_ARGUMENT, "schema_version");
  ExpectRefused(cti::v1::AppendRequest(), grpc::StatusCode::INVALID_ARGUMENT, "event is required");
  cti::v1::Event no_payload = Administration("z", "Z");
  no_payload.clear_staff();
  ExpectRefused(RequestOf(no_payload), grpc::StatusCode::INVALID_ARGUMENT, "payload");
}

TEST_F(AppendServiceTest, UnknownFieldsAnywhereAreRefused) {
  cti::v1::Event event = Administration("sundhed", "Sundhed");
  cti::v1::Unit* unit = event.mutable_staff()->mutable_unit_defined()->mutable_unit();
  unit->GetReflection()->MutableUnknownFields(unit)->AddVarint(99, 1);
  ExpectRefused(RequestOf(event), grpc::StatusCode::INVALID_ARGUMENT,
                "unknown field number 99 in event.staff.unit_defined.unit");

  cti::v1::Event top = Administration("sundhed", "Sundhed");
  top.GetReflection()->MutableUnknownFields(&top)->AddLengthDelimited(40, "new");
  ExpectRefused(RequestOf(top), grpc::StatusCode::INVALID_ARGUMENT,
                "unknown field number 40 in event");

  cti::v1::AppendRequest request = RequestOf(Administration("sundhed", "Sundhed"));
  request.GetReflection()->MutableUnknownFields(&request)->AddVarint(7, 1);
  ExpectRefused(request, grpc::StatusCode::INVALID_ARGUMENT,
                "unknown field number 7 in AppendRequest");
}

TEST_F(AppendServiceTest, MissingOrInvalidIdentityIsUnauthenticated) {
  const cti::v1::AppendRequest request = RequestOf(Administration("sundhed", "Sundhed"));
  ExpectRefused(request, grpc::StatusCode::UNAUTHENTICATED, "x-cti-actor", /*identity=*/false);

  for (const auto& [actor, role, header] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"anna", "", "x-cti-role"},
           {"anna", "superuser", "x-cti-role"},
           {"anna", "ROLE_UNSPECIFIED", "x-cti-role"},
           {"", "admin", "x-cti-actor"},
           {"anna holm", "admin", "x-cti-actor"}}) {
    const uint64_t before = LogEnd();
    std::unique_ptr<grpc::ClientContext> context = NewContext(false);
    if (!actor.empty()) context->AddMetadata("x-cti-actor", actor);
    if (!role.empty()) context->AddMetadata("x-cti-role", role);
    cti::v1::AppendResponse response;
    grpc::Status status = fixture_.events().Append(context.get(), request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << actor << "/" << role;
    EXPECT_THAT(status.error_message(), HasSubstr(header));
    EXPECT_EQ(LogEnd(), before);
  }
  // Short and enum role names both work.
  std::unique_ptr<grpc::ClientContext> context = NewContext(false);
  context->AddMetadata("x-cti-actor", "ldap-sync");
  context->AddMetadata("x-cti-role", "ROLE_SYSTEM");
  cti::v1::AppendResponse response;
  ASSERT_TRUE(testing::IsOk(fixture_.events().Append(context.get(), request, &response)));
  EXPECT_EQ(ReadRecord(response.position()).event().actor().role(), cti::v1::ROLE_SYSTEM);
}

TEST_F(AppendServiceTest, RepeatedEventIdIsIdempotentBeforeAndAfterApply) {
  cti::v1::AppendResponse unit;
  ASSERT_TRUE(testing::IsOk(fixture_.Append(Administration("sundhed", "Sundhed"), &unit)));
  cti::v1::Event hire = Hire("e1", "Bo Lund", "sundhed");
  hire.set_event_id("hr:4711");
  cti::v1::AppendResponse first;
  ASSERT_TRUE(testing::IsOk(fixture_.Append(hire, &first)));
  EXPECT_FALSE(first.duplicate());
  EXPECT_EQ(first.event_id(), "hr:4711");

  // Once applied, the projector knows the id: still answered as a duplicate.
  fixture_.Status(first.position());
  cti::v1::AppendResponse again;
  grpc::Status status = fixture_.Append(hire, &again);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(again.duplicate());
  EXPECT_EQ(again.position(), first.position());
  EXPECT_EQ(again.recorded_at().seconds(), first.recorded_at().seconds());
  EXPECT_EQ(LogEnd(), first.position());

  // The same id with another payload is refused, naming the original position.
  cti::v1::Event other = Hire("e2", "Ida Berg", "sundhed");
  other.set_event_id("hr:4711");
  ExpectRefused(RequestOf(other), grpc::StatusCode::FAILED_PRECONDITION, "hr:4711");

  // An idempotent payload repeated before or after apply: the log answers the duplicate.
  cti::v1::Event unit_again = Administration("kultur", "Kultur");
  unit_again.set_event_id("org:kultur");
  cti::v1::AppendResponse u1;
  cti::v1::AppendResponse u2;
  ASSERT_TRUE(testing::IsOk(fixture_.Append(unit_again, &u1)));
  ASSERT_TRUE(testing::IsOk(fixture_.Append(unit_again, &u2)));
  EXPECT_TRUE(u2.duplicate());
  EXPECT_EQ(u2.position(), u1.position());
}

TEST_F(AppendServiceTest, MinPositionWaitsForTheProjectorWithoutBlocking) {
  cti::v1::AppendResponse ignored;
  ASSERT_TRUE(testing::IsOk(fixture_.Append(Administration("sundhed", "Sundhed"), &ignored)));
  // Many queries wait for a position not yet in the log; they hold no gRPC thread, so
  // an append still gets through and wakes them all.
  constexpr int kWaiters = 24;
  std::atomic<int> answered{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kWaiters; ++i) {
    threads.emplace_back([&] {
      cti::v1::GetUnitRequest request;
      request.set_tenant(kTenant);
      request.set_unit_id("kultur");
      request.set_min_position(2);
      cti::v1::GetUnitResponse response;
      std::unique_ptr<grpc::ClientContext> context = NewContext(true, absl::Seconds(20));
      grpc::Status status = fixture_.directory().GetUnit(context.get(), request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      EXPECT_EQ(response.unit().name(), "Kultur");
      EXPECT_GE(response.position(), 2u);
      ++answered;
    });
  }
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (fixture_.server().deps().waiters->size() < kWaiters && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(fixture_.server().deps().waiters->size(), static_cast<size_t>(kWaiters));
  EXPECT_EQ(answered.load(), 0);
  ASSERT_TRUE(testing::IsOk(fixture_.Append(Administration("kultur", "Kultur"), &ignored)));
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(answered.load(), kWaiters);
  EXPECT_EQ(fixture_.server().deps().waiters->size(), 0u);
}

TEST_F(AppendServiceTest, MinPositionBoundedByTheCallDeadline) {
  cti::v1::GetUnitRequest request;
  request.set_tenant(kTenant);
  request.set_unit_id("sundhed");
  request.set_min_position(5);
  cti::v1::GetUnitResponse response;
  std::unique_ptr<grpc::ClientContext> context = NewContext(true, absl::Milliseconds(300));
  grpc::Status status = fixture_.directory().GetUnit(context.get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  // The server let go of the waiter when the call was cancelled.
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (fixture_.server().deps().waiters->size() > 0 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(fixture_.server().deps().waiters->size(), 0u);
}

TEST_F(AppendServiceTest, MinPositionWithoutDeadlineIsCappedAtThirtySeconds) {
  absl::Notification answered;
  grpc::Status status;
  std::thread caller([&] {
    cti::v1::GetStatusRequest request;
    request.set_min_position(9);
    cti::v1::GetStatusResponse response;
    grpc::ClientContext context;  // No deadline.
    context.AddMetadata(kActorHeader, "test-admin");
    context.AddMetadata(kRoleHeader, "admin");
    status = fixture_.admin().GetStatus(&context, request, &response);
    answered.Notify();
  });
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (fixture_.server().deps().waiters->size() == 0 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  fixture_.clock().Advance(absl::Seconds(29));
  EXPECT_FALSE(answered.WaitForNotificationWithTimeout(absl::Milliseconds(300)));
  fixture_.clock().Advance(absl::Seconds(1));
  EXPECT_TRUE(answered.WaitForNotificationWithTimeout(absl::Seconds(5)));
  caller.join();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_THAT(status.error_message(), HasSubstr("min_position 9 was not applied within 30s"));
}

TEST_F(AppendServiceTest, EachAppendIsValidatedAgainstTheAcknowledgedOnesBeforeIt) {
  // No min_position anywhere: the server validates against a store that has applied the
  // log as it was when the call arrived.
  for (int i = 0; i < 60; ++i) {
    cti::v1::AppendResponse response;
    const std::string unit = absl::StrCat("unit-", i);
    ASSERT_TRUE(testing::IsOk(fixture_.Append(Administration(unit, "Enhed"), &response)));
    ASSERT_TRUE(
        testing::IsOk(fixture_.Append(Hire(absl::StrCat("e", i), "Anna Holm", unit), &response)));
  }
}

TEST_F(AppendServiceTest, QueriesNeedATenant) {
  cti::v1::SearchRequest request;
  request.set_query("anna");
  cti::v1::SearchResponse response;
  std::unique_ptr<grpc::ClientContext> context = NewContext();
  grpc::Status status = fixture_.directory().Search(context.get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("tenant"));
}

TEST_F(AppendServiceTest, ConcurrentAppendsGetDistinctDensePositions) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  std::vector<std::vector<uint64_t>> positions(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        cti::v1::AppendResponse response;
        grpc::Status status =
            fixture_.Append(CallOffered(absl::StrCat("call-", t, "-", i)), &response);
        EXPECT_TRUE(status.ok()) << status.error_message();
        positions[t].push_back(response.position());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::vector<uint64_t> all;
  for (const auto& some : positions) all.insert(all.end(), some.begin(), some.end());
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread));
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], i + 1);
  EXPECT_EQ(fixture_.Status(all.back()).applied_position(), all.back());
}

TEST_F(AppendServiceTest, TheStoreKnowsTheFirstPositionOfEveryAppliedEventId) {
  cti::v1::Event unit = Administration("sundhed", "Sundhed");
  unit.set_event_id("org:sundhed");
  cti::v1::AppendResponse first;
  ASSERT_TRUE(testing::IsOk(fixture_.Append(unit, &first)));
  // A record the projector rejects (the unit does not exist) still holds its id.
  cti::v1::Event bad_hire = Hire("e1", "Bo Lund", "nowhere");
  bad_hire.set_event_id("hr:1");
  bad_hire.set_schema_version(1);
  bad_hire.mutable_actor()->set_id("test-admin");  // As the server stamps it.
  bad_hire.mutable_actor()->set_role(cti::v1::ROLE_ADMIN);
  ASSERT_TRUE(fixture_.server().log()->Append(bad_hire).ok());
  fixture_.Status(2);
  std::shared_ptr<cti::projections::Store> store = fixture_.server().store();
  EXPECT_EQ(*store->EventPosition(kTenant, "org:sundhed"), first.position());
  EXPECT_EQ(*store->EventPosition(kTenant, "hr:1"), 2u);
  EXPECT_EQ(store->EventPosition(kTenant, "hr:2").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store->EventPosition(testing::kOtherTenant, "org:sundhed").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store->EventPosition(kTenant, "").status().code(), absl::StatusCode::kNotFound);

  // A repeat of the rejected record is still the same record: a duplicate.
  cti::v1::AppendResponse again;
  ASSERT_TRUE(testing::IsOk(fixture_.Append(bad_hire, &again)));
  EXPECT_TRUE(again.duplicate());
  EXPECT_EQ(again.position(), 2u);
  // Another payload under that id (here: another actor) is refused, naming position 2.
  std::unique_ptr<grpc::ClientContext> context = NewContext(false);
  context->AddMetadata("x-cti-actor", "ldap-sync");
  context->AddMetadata("x-cti-role", "system");
  grpc::Status status = fixture_.events().Append(context.get(), RequestOf(bad_hire), &again);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("'hr:1' already used at position 2"));
}

// A MemoryLog whose readers (the projector's) see records only up to a limit the test
// moves: the projection lags behind the log exactly as far as the test wants.
class LaggingLog final : public cti::log::EventLog {
 public:
  explicit LaggingLog(cti::Clock* clock) : log_(clock) {}

  void SetVisible(uint64_t limit) {
    absl::MutexLock lock(&mu_);
    visible_ = limit;
  }

  std::string_view backend_name() const override { return log_.backend_name(); }
  int partition_count() const override { return log_.partition_count(); }
  int PartitionOf(std::string_view tenant) const override { return log_.PartitionOf(tenant); }
  void AppendAsync(cti::v1::Event event, AppendCallback done) override {
    log_.AppendAsync(std::move(event), std::move(done));
  }
  absl::StatusOr<uint64_t> EndPosition(int partition) override {
    return log_.EndPosition(partition);
  }
  absl::StatusOr<std::unique_ptr<cti::log::LogReader>> OpenReader(int partition,
                                                                  uint64_t from) override {
    absl::StatusOr<std::unique_ptr<cti::log::LogReader>> inner = log_.OpenReader(partition, from);
    if (!inner.ok()) return inner.status();
    return std::make_unique<Reader>(this, *std::move(inner), from == 0 ? 1 : from);
  }

 private:
  class Reader final : public cti::log::LogReader {
   public:
    Reader(LaggingLog* log, std::unique_ptr<cti::log::LogReader> inner, uint64_t next)
        : log_(log), inner_(std::move(inner)), next_(next) {}
    absl::StatusOr<std::vector<cti::v1::LogRecord>> Next(size_t max_records,
                                                         absl::Duration wait) override {
      uint64_t visible = 0;
      {
        absl::MutexLock lock(&log_->mu_);
        auto can_read = [this] { return log_->visible_ >= next_; };
        log_->mu_.AwaitWithTimeout(absl::Condition(&can_read), wait);
        visible = log_->visible_;
      }
      if (visible < next_) return std::vector<cti::v1::LogRecord>();
      absl::StatusOr<std::vector<cti::v1::LogRecord>> records =
          inner_->Next(std::min<uint64_t>(max_records, visible - next_ + 1), wait);
      if (records.ok()) next_ += records->size();
      return records;
    }

   private:
    LaggingLog* const log_;
    const std::unique_ptr<cti::log::LogReader> inner_;
    uint64_t next_;
  };

  cti::log::MemoryLog log_;
  absl::Mutex mu_;
  uint64_t visible_ ABSL_GUARDED_BY(mu_) = 0;
};

// Append validates against the projection as it is, and waits for the log end seen at
// arrival only when that check fails with NOT_FOUND or FAILED_PRECONDITION.
class OptimisticAppendTest : public ::testing::Test {
 protected:
  OptimisticAppendTest() : clock_(absl::FromUnixSeconds(testing::kStartSeconds)) {
    auto log = std::make_unique<LaggingLog>(&clock_);
    log_ = log.get();
    CtidOptions options;
    options.plaintext = true;  // loopback tests: no TLS, identity from headers
    options.insecure_dev_identity = true;
    options.data_dir = dir_.path();
    options.listen = "127.0.0.1:0";
    options.work_threads = 2;
    options.runner.read_wait = absl::Milliseconds(20);
    absl::StatusOr<std::unique_ptr<CtidServer>> server =
        CtidServer::Start(options, &clock_, std::move(log));
    EXPECT_TRUE(server.ok()) << server.status();
    if (!server.ok()) return;
    server_ = *std::move(server);
    EXPECT_TRUE(server_->WaitUntilServing(absl::Seconds(30)));
    events_ = cti::v1::EventService::NewStub(
        grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
  }

  grpc::Status Append(const cti::v1::Event& event, cti::v1::AppendResponse* response) {
    cti::v1::AppendRequest request;
    *request.mutable_event() = event;
    std::unique_ptr<grpc::ClientContext> context = NewContext(true, absl::Seconds(20));
    return events_->Append(context.get(), request, response);
  }

  // Waits (real time) until `n` calls wait for the projection.
  bool AwaitWaiters(size_t n) {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (server_->deps().waiters->size() < n) {
      if (absl::Now() > deadline) return false;
      absl::SleepFor(absl::Milliseconds(2));
    }
    return true;
  }

  cti::SimulatedClock clock_;
  testing::TempDir dir_;
  LaggingLog* log_ = nullptr;
  std::unique_ptr<CtidServer> server_;
  std::unique_ptr<cti::v1::EventService::Stub> events_;
};

TEST_F(OptimisticAppendTest, IndependentAppendsDoNotWaitForTheProjection) {
  ASSERT_NE(server_, nullptr);
  cti::v1::AppendResponse response;
  ASSERT_TRUE(testing::IsOk(Append(Administration("sundhed", "Sundhed"), &response)));
  EXPECT_EQ(response.position(), 1u);
  // The projection has applied nothing, yet these pass their checks and are appended.
  ASSERT_TRUE(testing::IsOk(Append(CallOffered("call-1"), &response)));
  EXPECT_EQ(response.position(), 2u);
  ASSERT_TRUE(testing::IsOk(Append(Administration("kultur", "Kultur"), &response)));
  EXPECT_EQ(response.position(), 3u);
  EXPECT_EQ(server_->deps().waiters->Applied(0), 0u);
  EXPECT_EQ(server_->deps().waiters->size(), 0u);
  // Refusals that no earlier append can lift are answered at once.
  grpc::Status status = Append(Administration("tom", ""), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  log_->SetVisible(3);
}

TEST_F(OptimisticAppendTest, ADependentAppendWaitsForTheLogEndSeenAtArrival) {
  ASSERT_NE(server_, nullptr);
  cti::v1::AppendResponse unit;
  ASSERT_TRUE(testing::IsOk(Append(Administration("sundhed", "Sundhed"), &unit)));
  grpc::Status hired_status;
  cti::v1::AppendResponse hired;
  std::thread hire([&] { hired_status = Append(Hire("e1", "Bo Lund", "sundhed"), &hired); });
  ASSERT_TRUE(AwaitWaiters(1));  // NOT_FOUND against the projection: it waits for 1.
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(*server_->log()->EndPosition(0), 1u);  // Nothing appended while waiting.
  log_->SetVisible(1);
  hire.join();
  ASSERT_TRUE(testing::IsOk(hired_status));
  EXPECT_EQ(hired.position(), 2u);

  // After the wait the second check is answered as it is: still NOT_FOUND here.
  std::thread missing([&] { hired_status = Append(Hire("e2", "Ida Berg", "nowhere"), &hired); });
  ASSERT_TRUE(AwaitWaiters(1));  // The log end at arrival (2) is not applied yet.
  log_->SetVisible(2);
  missing.join();
  EXPECT_EQ(hired_status.error_code(), grpc::StatusCode::NOT_FOUND) << hired_status.error_message();
  EXPECT_THAT(hired_status.error_message(), HasSubstr("nowhere"));
  EXPECT_EQ(*server_->log()->EndPosition(0), 2u);
}

TEST_F(OptimisticAppendTest, TheWaitIsCappedAndAnsweredUnavailable) {
  ASSERT_NE(server_, nullptr);
  cti::v1::AppendResponse response;
  ASSERT_TRUE(testing::IsOk(Append(Administration("sundhed", "Sundhed"), &response)));
  grpc::Status status;
  std::thread hire([&] { status = Append(Hire("e1", "Bo Lund", "sundhed"), &response); });
  ASSERT_TRUE(AwaitWaiters(1));
  clock_.Advance(absl::Seconds(30));
  hire.join();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("the log position 1 was not applied within 30s"));
  EXPECT_EQ(server_->deps().waiters->size(), 0u);
  log_->SetVisible(1);
}

TEST_F(OptimisticAppendTest, ARepeatOfARecordNotYetAppliedIsAnsweredByTheLog) {
  ASSERT_NE(server_, nullptr);
  cti::v1::Event unit = Administration("sundhed", "Sundhed");
  unit.set_event_id("org:sundhed");
  cti::v1::AppendResponse first;
  cti::v1::AppendResponse again;
  ASSERT_TRUE(testing::IsOk(Append(unit, &first)));
  ASSERT_TRUE(testing::IsOk(Append(unit, &again)));  // Not applied: the log knows it.
  EXPECT_TRUE(again.duplicate());
  EXPECT_EQ(again.position(), first.position());
  cti::v1::Event other = Administration("kultur", "Kultur");
  other.set_event_id("org:sundhed");
  grpc::Status status = Append(other, &again);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("already used at position 1"));
  log_->SetVisible(1);
}

}  // namespace
}  // namespace cti::server
