// End-to-end: AdminService status and rebuild, the state digest across restarts, health
// and reflection, and a graceful SIGTERM, on a real ctid.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/support/ctid_fixture.h"

namespace cti::test_support {
namespace {

using ::testing::ElementsAre;
using ::testing::IsSupersetOf;
using ::testing::MatchesRegex;
using ::testing::UnorderedElementsAre;
namespace d = demo;

class StatusTest : public CtidTest {
 protected:
  // Demo organisation plus calendar and call records.
  uint64_t AppendMixed() {
    std::vector<cti::v1::Event> events = DemoOrganisation(factory_);
    events.push_back(factory_.CalendarEntry(d::kAnnaHolm, "kal-1", cti::v1::ABSENCE_KIND_VACATION,
                                            BaseTime(), absl::Hours(24 * 5), "Ferie"));
    events.push_back(factory_.CallOffered("sip-42@pbx", "+4520304050"));
    events.push_back(factory_.EmployeeLeft(d::kBoLund));
    return AppendAll(events);
  }
};

TEST_F(StatusTest, HealthIsServing) {
  absl::StatusOr<std::string> health = HealthCheck(ctid().AnonymousChannel(), "");
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(*health, "SERVING");
}

TEST_F(StatusTest, ReflectionListsEveryService) {
  absl::StatusOr<std::vector<std::string>> services =
      ReflectionListServices(ctid().AnonymousChannel());
  ASSERT_TRUE(services.ok()) << services.status();
  EXPECT_THAT(*services,
              IsSupersetOf({"cti.v1.EventService", "cti.v1.DirectoryService", "cti.v1.AdminService",
                            "cti.v1.RouteService", "grpc.health.v1.Health",
                            "grpc.reflection.v1alpha.ServerReflection"}));

  absl::StatusOr<std::vector<std::string>> methods =
      ReflectionServiceMethods(ctid().AnonymousChannel(), "cti.v1.EventService");
  ASSERT_TRUE(methods.ok()) << methods.status();
  EXPECT_THAT(*methods, UnorderedElementsAre("Append", "AppendBatch", "Subscribe"));
  methods = ReflectionServiceMethods(ctid().AnonymousChannel(), "cti.v1.DirectoryService");
  ASSERT_TRUE(methods.ok()) << methods.status();
  EXPECT_THAT(*methods, UnorderedElementsAre("Search", "GetEmployee", "GetUnit"));
  methods = ReflectionServiceMethods(ctid().AnonymousChannel(), "cti.v1.AdminService");
  ASSERT_TRUE(methods.ok()) << methods.status();
  EXPECT_THAT(*methods, UnorderedElementsAre("GetStatus", "Rebuild", "Backup", "Ping"));
  methods = ReflectionServiceMethods(ctid().AnonymousChannel(), "cti.v1.RouteService");
  ASSERT_TRUE(methods.ok()) << methods.status();
  EXPECT_THAT(*methods, UnorderedElementsAre("Route", "Check"));
}

TEST_F(StatusTest, StatusReportsPositionsCountersAndDigest) {
  absl::StatusOr<cti::v1::GetStatusResponse> empty = client().Status();
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->log_backend(), "embedded");
  EXPECT_EQ(empty->log_end_position(), 0u);
  EXPECT_EQ(empty->applied_position(), 0u);
  EXPECT_EQ(empty->records_applied(), 0u);
  EXPECT_GE(empty->projection_schema_version(), 1u);
  EXPECT_THAT(empty->state_digest(), MatchesRegex("[0-9a-f]{64}"));
  EXPECT_TRUE(empty->has_started_at());
  EXPECT_FALSE(empty->server_version().empty());

  const uint64_t end = AppendMixed();
  absl::StatusOr<cti::v1::GetStatusResponse> full = client().Status(end);
  ASSERT_TRUE(full.ok()) << full.status();
  EXPECT_EQ(full->log_end_position(), end);
  EXPECT_EQ(full->applied_position(), end);
  EXPECT_EQ(full->records_applied(), end);
  EXPECT_EQ(full->records_rejected(), 0u);
  EXPECT_THAT(full->state_digest(), MatchesRegex("[0-9a-f]{64}"));
  EXPECT_NE(full->state_digest(), empty->state_digest());

  absl::StatusOr<cti::v1::GetStatusResponse> tenant = client().Status(end, kTenant);
  ASSERT_TRUE(tenant.ok()) << tenant.status();
  EXPECT_EQ(tenant->log_end_position(), end);
  EXPECT_EQ(tenant->applied_position(), end);
}

TEST_F(StatusTest, DigestIsStableAcrossAGracefulRestart) {
  const uint64_t end = AppendMixed();
  absl::StatusOr<cti::v1::GetStatusResponse> before = client().Status(end);
  ASSERT_TRUE(before.ok()) << before.status();
  RestartCtid();
  absl::StatusOr<cti::v1::GetStatusResponse> after = client().Status(end);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->state_digest(), before->state_digest());
  EXPECT_EQ(after->log_end_position(), end);
  EXPECT_EQ(after->applied_position(), end);
  EXPECT_EQ(after->records_applied(), before->records_applied());
  // And the state serves queries.
  absl::StatusOr<cti::v1::GetEmployeeResponse> anna = client().GetEmployee(d::kAnnaHolm, end);
  ASSERT_TRUE(anna.ok()) << anna.status();
  EXPECT_EQ(anna->employee().full_name(), "Anna Holm");
}

TEST_F(StatusTest, DigestIsStableAcrossKill9) {
  const uint64_t end = AppendMixed();
  absl::StatusOr<cti::v1::GetStatusResponse> before = client().Status(end);
  ASSERT_TRUE(before.ok()) << before.status();
  ctid().Kill9();
  absl::Status restarted = ctid().Restart();
  ASSERT_TRUE(restarted.ok()) << restarted;
  Reconnect();
  absl::StatusOr<cti::v1::GetStatusResponse> after = client().Status(end);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->state_digest(), before->state_digest());
  EXPECT_EQ(after->log_end_position(), end);
  EXPECT_EQ(after->applied_position(), end);
}

TEST_F(StatusTest, RebuildStreamsProgressAndEndsWithTheSameDigest) {
  const uint64_t end = AppendMixed();
  absl::StatusOr<cti::v1::GetStatusResponse> before = client().Status(end);
  ASSERT_TRUE(before.ok()) << before.status();

  absl::StatusOr<std::vector<cti::v1::RebuildProgress>> progress = client().Rebuild();
  ASSERT_TRUE(progress.ok()) << progress.status();
  uint64_t last_applied = 0;
  for (const cti::v1::RebuildProgress& p : *progress) {
    EXPECT_GE(p.applied(), last_applied) << p.ShortDebugString();
    last_applied = p.applied();
  }
  const cti::v1::RebuildProgress& done = progress->back();
  EXPECT_TRUE(done.done());
  EXPECT_EQ(done.applied(), end);
  EXPECT_GE(done.total(), end);
  EXPECT_EQ(done.state_digest(), before->state_digest());

  absl::StatusOr<cti::v1::GetStatusResponse> after = client().Status(end);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->state_digest(), before->state_digest());
  EXPECT_EQ(after->applied_position(), end);

  // The new store serves, and takes new records.
  absl::StatusOr<cti::v1::AppendResponse> hired = client().Append(factory_.EmployeeHired(
      MakeEmployee("e3001", "Niels Ørum", d::kJobcenter, "5130", {"fleksjob"})));
  ASSERT_TRUE(hired.ok()) << hired.status();
  EXPECT_EQ(hired->position(), end + 1);
  absl::StatusOr<cti::v1::SearchResponse> found = client().Search("ørum", hired->position());
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->hits_size(), 1);
  EXPECT_EQ(found->hits(0).employee().employee_id(), "e3001");
  absl::StatusOr<cti::v1::SearchResponse> gone = client().Search("bo lund", hired->position());
  ASSERT_TRUE(gone.ok()) << gone.status();
  EXPECT_EQ(gone->hits_size(), 0);
}

TEST_F(StatusTest, RebuildOfAnEmptyLogIsDone) {
  absl::StatusOr<cti::v1::GetStatusResponse> before = client().Status();
  ASSERT_TRUE(before.ok()) << before.status();
  absl::StatusOr<std::vector<cti::v1::RebuildProgress>> progress = client().Rebuild();
  ASSERT_TRUE(progress.ok()) << progress.status();
  EXPECT_EQ(progress->back().applied(), 0u);
  EXPECT_EQ(progress->back().state_digest(), before->state_digest());
}

TEST_F(StatusTest, SigtermStopsGracefullyWithOpenStreamsAndWaitingQueries) {
  const uint64_t end = AppendMixed();
  // A live subscriber and a query waiting for a position that never comes.
  grpc::Status stream_status;
  std::thread subscriber([&] {
    auto ctx = Ctx(absl::Seconds(60));
    auto reader = client().events().Subscribe(ctx.get(), SubscribeFrom(kTenant, 0));
    cti::v1::SubscribeResponse message;
    while (reader->Read(&message)) {
    }
    stream_status = reader->Finish();
  });
  absl::StatusOr<cti::v1::SearchResponse> waiting;
  std::thread query([&] {
    waiting = client().Search("anna", end + 100, cti::v1::SEARCH_KIND_UNSPECIFIED, kTenant,
                              absl::Seconds(60));
  });
  absl::SleepFor(absl::Milliseconds(300));
  const absl::Time start = absl::Now();
  absl::Status stopped = ctid().Stop(absl::Seconds(20));
  EXPECT_TRUE(stopped.ok()) << stopped;
  EXPECT_LT(absl::Now() - start, absl::Seconds(10)) << "SIGTERM took too long";
  subscriber.join();
  query.join();
  EXPECT_FALSE(stream_status.ok());
  EXPECT_FALSE(waiting.ok());

  // Everything acknowledged before the stop is there after it.
  ASSERT_TRUE(ctid().Restart().ok());
  Reconnect();
  absl::StatusOr<cti::v1::GetStatusResponse> after = client().Status(end);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->log_end_position(), end);
}

}  // namespace
}  // namespace cti::test_support
