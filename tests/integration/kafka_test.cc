// End-to-end on Kafka (issue 4): ctid replicas on one 4-partition topic of the test broker
// (librdkafka's mock cluster, tests/kafka_broker/), each with its own data directory. A
// write through one replica is read through another with min_position; replicas agree on
// the state digest; a replica killed with kill -9, and a new one with an empty directory,
// catch up; during a broker outage appends fail and are never acknowledged while queries
// go on, and after it nothing is applied twice. kcat reads the topic and protoc decodes
// a record, as the README shows.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/clock.h"
#include "server/log/kafka_log.h"
#include "tests/support/child_process.h"
#include "tests/support/cti_client.h"
#include "tests/support/ctid_process.h"
#include "tests/support/danish_events.h"
#include "tests/support/grpc_clients.h"
#include "tests/support/kafka_broker_process.h"
#include "tests/support/subprocess.h"

namespace cti::test_support {
namespace {

constexpr char kTopic[] = "cti-events";

// The topic has 4 partitions: kTenant ("aabenraa") lands on 0, "herning" on 2.
class KafkaReplicasTest : public ::testing::Test {
 protected:
  void SetUp() override {
    KafkaBrokerOptions options;
    // The log's topic and, beside it, the one through which replicas share the keys of
    // sealed personal data (ctid's default name for it).
    options.topics = {{kTopic, 4, 0}, {absl::StrCat(kTopic, "-keys"), 1, 0}};
    absl::StatusOr<std::unique_ptr<KafkaBrokerProcess>> kafka = KafkaBrokerProcess::Start(options);
    ASSERT_TRUE(kafka.ok()) << kafka.status();
    kafka_ = *std::move(kafka);
  }

  // A ctid replica on the topic; appends not acknowledged within 3 s fail. `seal`:
  // personal data sealed, the keys shared through the keys topic.
  std::unique_ptr<CtidProcess> StartReplica(bool seal = false) {
    CtidOptions options;
    options.extra_args = {"--log",   "kafka", "--brokers",        kafka_->bootstrap_servers(),
                          "--topic", kTopic,  "--kafka-property", "message.timeout.ms=3000"};
    if (seal) {
      options.extra_args.insert(options.extra_args.end(), {"--seal-personal-data", "on"});
    }
    absl::StatusOr<std::unique_ptr<CtidProcess>> started = CtidProcess::Start(options);
    EXPECT_TRUE(started.ok()) << started.status();
    return started.ok() ? *std::move(started) : nullptr;
  }

  // Two replicas on the topic; fails the test when either does not start.
  void StartTwoReplicas(std::unique_ptr<CtidProcess>* a, std::unique_ptr<CtidProcess>* b) {
    *a = StartReplica();
    *b = StartReplica();
    ASSERT_NE(*a, nullptr);
    ASSERT_NE(*b, nullptr);
  }

  static CtiClient ClientOf(CtidProcess& ctid) { return CtiClient(ctid.Channel(Admin())); }

  // Appends every event through `client`; returns the last position.
  static uint64_t AppendAll(CtiClient& client, const std::vector<cti::v1::Event>& events) {
    uint64_t last = 0;
    for (const cti::v1::Event& e : events) {
      absl::StatusOr<cti::v1::AppendResponse> r = client.Append(e);
      EXPECT_TRUE(r.ok()) << e.ShortDebugString() << ": " << r.status();
      if (!r.ok()) return last;
      EXPECT_GT(r->position(), last);
      last = r->position();
    }
    return last;
  }

  // A mixed workload: the demo organisation, then calendar entries and calls.
  std::vector<cti::v1::Event> Workload(int calls) {
    std::vector<cti::v1::Event> events = DemoOrganisation(factory_);
    for (int i = 0; i < 20; ++i) {
      events.push_back(factory_.CalendarEntry(
          demo::kAnnaHolm, absl::StrCat("kal-", i), cti::v1::ABSENCE_KIND_MEETING,
          BaseTime() + absl::Hours(24 * i), absl::Hours(2), "Møde"));
    }
    for (int i = 0; i < calls; ++i) {
      events.push_back(factory_.CallOffered(absl::StrCat("sip-", i, "@pbx"), "+4520304050"));
    }
    return events;
  }

  // Both replicas' status once each has applied `position` of kTenant's partition (and
  // `other_position` of `other_tenant`'s, when given).
  static void ExpectSameDigest(CtidProcess& a, CtidProcess& b, uint64_t position,
                               const std::string& other_tenant = "", uint64_t other_position = 0) {
    if (!other_tenant.empty()) {
      for (CtidProcess* replica : {&a, &b}) {
        absl::StatusOr<cti::v1::GetStatusResponse> other =
            ClientOf(*replica).Status(other_position, other_tenant, absl::Seconds(60));
        ASSERT_TRUE(other.ok()) << other.status();
      }
    }
    absl::StatusOr<cti::v1::GetStatusResponse> sa = ClientOf(a).Status(position, kTenant);
    absl::StatusOr<cti::v1::GetStatusResponse> sb =
        ClientOf(b).Status(position, kTenant, absl::Seconds(60));
    ASSERT_TRUE(sa.ok()) << sa.status();
    ASSERT_TRUE(sb.ok()) << sb.status();
    EXPECT_EQ(sa->log_backend(), "kafka");
    EXPECT_EQ(sa->applied_position(), sb->applied_position());
    EXPECT_EQ(sa->state_digest(), sb->state_digest());
    EXPECT_EQ(sa->records_applied(), sb->records_applied());
  }

  EventFactory factory_;
  std::unique_ptr<KafkaBrokerProcess> kafka_;
};

TEST_F(KafkaReplicasTest, AWriteThroughOneReplicaIsReadThroughAnother) {
  std::unique_ptr<CtidProcess> a, b;
  ASSERT_NO_FATAL_FAILURE(StartTwoReplicas(&a, &b));
  CtiClient via_a = ClientOf(*a);
  CtiClient via_b = ClientOf(*b);
  const uint64_t organisation = AppendAll(via_a, DemoOrganisation(factory_));
  ASSERT_GT(organisation, 0u);
  // Hired through B (validated once B has applied what A answered), read through A with
  // the position B answered.
  absl::StatusOr<cti::v1::AppendResponse> hired =
      via_b.Append(factory_.EmployeeHired(MakeEmployee("e2001", "Ida Kjær", "borgerservice")),
                   absl::Seconds(10), organisation);
  ASSERT_TRUE(hired.ok()) << hired.status();
  EXPECT_GT(hired->position(), organisation);
  absl::StatusOr<cti::v1::GetEmployeeResponse> ida = via_a.GetEmployee("e2001", hired->position());
  ASSERT_TRUE(ida.ok()) << ida.status();
  EXPECT_EQ(ida->employee().full_name(), "Ida Kjær");
  ExpectSameDigest(*a, *b, hired->position());
}

// GDPR erasure on Kafka (issue 7, item 5): personal data one replica sealed opens on the
// other (the keys go through the keys topic); an erasure appended through either replica
// deletes the key on both, each rebuilds without it, and they agree on the state.
TEST_F(KafkaReplicasTest, AnErasureThroughOneReplicaErasesThePersonOnEvery) {
  std::unique_ptr<CtidProcess> a = StartReplica(/*seal=*/true);
  std::unique_ptr<CtidProcess> b = StartReplica(/*seal=*/true);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  CtiClient via_a = ClientOf(*a);
  CtiClient via_b = ClientOf(*b);
  const uint64_t organisation = AppendAll(via_a, DemoOrganisation(factory_));
  ASSERT_GT(organisation, 0u);
  constexpr char kName[] = "Gudrun Vestergaard-Pedersen";
  absl::StatusOr<cti::v1::AppendResponse> hired =
      via_a.Append(factory_.EmployeeHired(MakeEmployee("e2002", kName, "borgerservice")),
                   absl::Seconds(10), organisation);
  ASSERT_TRUE(hired.ok()) << hired.status();
  // One citizen calls through each replica: both name the same person (one pseudonym).
  ASSERT_TRUE(via_a.Append(factory_.CallOffered("k-a@pbx", "+4527182818")).ok());
  absl::StatusOr<cti::v1::AppendResponse> called =
      via_b.Append(factory_.CallOffered("k-b@pbx", "27182818"));
  ASSERT_TRUE(called.ok()) << called.status();
  absl::StatusOr<cti::v1::GetEmployeeResponse> seen = via_b.GetEmployee("e2002", hired->position());
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_EQ(seen->employee().full_name(), kName) << "B opens what A sealed";

  cti::v1::Event erase_employee = factory_.Envelope();
  erase_employee.mutable_privacy()->mutable_personal_data_erased()->set_employee_id("e2002");
  erase_employee.mutable_privacy()->mutable_personal_data_erased()->set_reason("sag 17");
  ASSERT_TRUE(via_b.Append(erase_employee, absl::Seconds(10), hired->position()).ok());
  cti::v1::Event erase_caller = factory_.Envelope();
  erase_caller.mutable_privacy()->mutable_personal_data_erased()->set_caller_number("004527182818");
  erase_caller.mutable_privacy()->mutable_personal_data_erased()->set_reason("sag 18");
  absl::StatusOr<cti::v1::AppendResponse> erased =
      via_a.Append(erase_caller, absl::Seconds(10), called->position());
  ASSERT_TRUE(erased.ok()) << erased.status();

  for (CtidProcess* replica : {a.get(), b.get()}) {
    CtiClient client = ClientOf(*replica);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    uint32_t pending = 1;
    while (std::chrono::steady_clock::now() < deadline) {
      absl::StatusOr<cti::v1::GetStatusResponse> status =
          client.Status(erased->position(), kTenant, absl::Seconds(30));
      ASSERT_TRUE(status.ok()) << status.status();
      pending = status->erasures_pending();
      if (pending == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_EQ(pending, 0u) << replica->data_dir();
    absl::StatusOr<cti::v1::GetEmployeeResponse> now =
        client.GetEmployee("e2002", erased->position());
    ASSERT_TRUE(now.ok()) << now.status();
    EXPECT_EQ(now->employee().full_name(), "[slettet]");
    // The old projections are deleted just after the switch.
    for (const char* value : {"Vestergaard", "27182818"}) {
      for (int tries = 0; tries < 100 && !FilesContaining(replica->data_dir(), value).empty();
           ++tries) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      EXPECT_THAT(FilesContaining(replica->data_dir(), value), ::testing::IsEmpty()) << value;
    }
  }
  ExpectSameDigest(*a, *b, erased->position());
}

TEST_F(KafkaReplicasTest, ReplicasAgreeAfterAKillAndANewReplicaBuildsItself) {
  std::unique_ptr<CtidProcess> a, b;
  ASSERT_NO_FATAL_FAILURE(StartTwoReplicas(&a, &b));
  CtiClient via_a = ClientOf(*a);
  CtiClient via_b = ClientOf(*b);
  const std::vector<cti::v1::Event> events = Workload(400);
  const size_t half = events.size() / 2;
  uint64_t end = AppendAll(via_a, {events.begin(), events.begin() + half});
  // A second municipality, on another partition of the topic, written through B.
  EventFactory herning("herning", "h");
  std::vector<cti::v1::Event> others = DemoOrganisation(herning);
  for (int i = 0; i < 100; ++i) {
    others.push_back(herning.CallOffered(absl::StrCat("sip-h-", i, "@pbx"), "+4520304050"));
  }
  const uint64_t others_end = AppendAll(via_b, others);
  ExpectSameDigest(*a, *b, end, "herning", others_end);

  b->Kill9();  // B misses the second half while it is down
  end = AppendAll(via_a, {events.begin() + half, events.end()});
  ASSERT_TRUE(b->Restart().ok());
  ExpectSameDigest(*a, *b, end, "herning", others_end);

  // A third replica with an empty data directory builds itself from the topic.
  std::unique_ptr<CtidProcess> c = StartReplica();
  ASSERT_NE(c, nullptr);
  ExpectSameDigest(*a, *c, end, "herning", others_end);
  absl::StatusOr<cti::v1::GetStatusResponse> status = ClientOf(*c).Status(end, kTenant);
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->records_applied(), events.size() + others.size());
}

// Appends `events` (one tenant) through `client` with AppendBatch, 1000 per call;
// returns the last position.
uint64_t AppendBatches(CtiClient& client, const std::vector<cti::v1::Event>& events) {
  uint64_t last = 0;
  for (size_t i = 0; i < events.size(); i += 1000) {
    cti::v1::AppendBatchRequest request;
    for (size_t j = i; j < std::min(events.size(), i + 1000); ++j) {
      *request.add_events() = events[j];
    }
    cti::v1::AppendBatchResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    const grpc::Status status = client.events().AppendBatch(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.appended_count(), static_cast<uint32_t>(request.events_size()));
    if (!status.ok() || response.results().empty()) return last;
    last = std::max<uint64_t>(last, response.results().rbegin()->appended().position());
  }
  return last;
}

TEST_F(KafkaReplicasTest, FiftyThousandMixedEventsOnFourPartitionsLeaveEqualDigests) {
  std::unique_ptr<CtidProcess> a, b;
  ASSERT_NO_FATAL_FAILURE(StartTwoReplicas(&a, &b));
  CtiClient via_a = ClientOf(*a);
  CtiClient via_b = ClientOf(*b);
  // Four municipalities, one per partition; each: organisation, calendar entries, calls
  // (12,500 events, ~2 MB: inside the test broker's ~5 MiB per partition).
  const std::vector<std::string> tenants = {kTenant, "horsens", "herning", "esbjerg"};
  std::vector<uint64_t> ends;
  size_t total = 0;
  for (size_t t = 0; t < tenants.size(); ++t) {
    EventFactory f(tenants[t], absl::StrCat("m", t));
    std::vector<cti::v1::Event> events = DemoOrganisation(f);
    for (int i = 0; events.size() < 2500; ++i) {
      events.push_back(f.CalendarEntry(demo::kAnnaHolm, absl::StrCat("kal-", i),
                                       cti::v1::ABSENCE_KIND_MEETING, BaseTime() + absl::Hours(i),
                                       absl::Minutes(30), "Møde"));
    }
    for (int i = 0; events.size() < 12500; ++i) {
      events.push_back(LoadCallEvent(tenants[t], f.PeekNextId() + absl::StrCat("-c", i), i));
    }
    total += events.size();
    ends.push_back(AppendBatches(t % 2 == 0 ? via_a : via_b, events));  // through both
  }
  ASSERT_GE(total, 50000u);
  // A new replica builds itself from the topic; all three agree.
  std::unique_ptr<CtidProcess> c = StartReplica();
  ASSERT_NE(c, nullptr);
  for (CtidProcess* replica : {a.get(), b.get(), c.get()}) {
    for (size_t t = 0; t < tenants.size(); ++t) {
      absl::StatusOr<cti::v1::GetStatusResponse> s =
          ClientOf(*replica).Status(ends[t], tenants[t], absl::Seconds(120));
      ASSERT_TRUE(s.ok()) << tenants[t] << ": " << s.status();
    }
  }
  absl::StatusOr<cti::v1::GetStatusResponse> sa = via_a.Status(0, kTenant);
  absl::StatusOr<cti::v1::GetStatusResponse> sb = via_b.Status(0, kTenant);
  absl::StatusOr<cti::v1::GetStatusResponse> sc = ClientOf(*c).Status(0, kTenant);
  ASSERT_TRUE(sa.ok() && sb.ok() && sc.ok());
  EXPECT_EQ(sa->records_applied(), total);
  EXPECT_EQ(sa->state_digest(), sb->state_digest());
  EXPECT_EQ(sa->state_digest(), sc->state_digest());
  EXPECT_EQ(sc->records_applied(), total);
}

TEST_F(KafkaReplicasTest, DuringABrokerOutageAppendsFailAndQueriesGoOn) {
  std::unique_ptr<CtidProcess> a = StartReplica();
  ASSERT_NE(a, nullptr);
  CtiClient via_a = ClientOf(*a);
  const uint64_t before = AppendAll(via_a, DemoOrganisation(factory_));
  ASSERT_GT(before, 0u);

  ASSERT_TRUE(kafka_->Outage().ok());
  std::vector<cti::v1::Event> during;
  for (int i = 0; i < 3; ++i) {
    during.push_back(factory_.CallOffered(absl::StrCat("sip-down-", i, "@pbx"), "+4520304050"));
    const absl::Time sent = absl::Now();
    absl::StatusOr<cti::v1::AppendResponse> r = via_a.Append(during.back(), absl::Seconds(10));
    EXPECT_FALSE(r.ok()) << "acknowledged during an outage: position " << r->position();
    EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
    EXPECT_LT(absl::Now() - sent, absl::Seconds(10)) << "not within its deadline";
  }
  // Queries answer from the last state.
  absl::StatusOr<cti::v1::GetEmployeeResponse> anna = via_a.GetEmployee(demo::kAnnaHolm);
  ASSERT_TRUE(anna.ok()) << anna.status();
  absl::StatusOr<cti::v1::GetStatusResponse> status = via_a.Status(0, kTenant);
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_LE(status->applied_position(), before);  // acknowledged, maybe not yet fetched
  EXPECT_THAT(status->log_unreachable(), ::testing::HasSubstr("not known"));

  ASSERT_TRUE(kafka_->Recover().ok());
  // The client retries with the same event ids, as it must after UNAVAILABLE.
  uint64_t after = 0;
  for (const cti::v1::Event& e : during) {
    absl::StatusOr<cti::v1::AppendResponse> r = absl::UnavailableError("not tried");
    const absl::Time give_up = absl::Now() + absl::Seconds(60);
    while (!r.ok() && absl::Now() < give_up) {
      r = via_a.Append(e, absl::Seconds(10));
      if (!r.ok()) absl::SleepFor(absl::Milliseconds(250));
    }
    ASSERT_TRUE(r.ok()) << r.status();
    after = std::max<uint64_t>(after, r->position());
  }
  absl::StatusOr<cti::v1::GetStatusResponse> back = via_a.Status(after, kTenant);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->log_unreachable(), "");
  // Whatever reached the topic during the outage, each event is applied once.
  cti::v1::SubscribeRequest subscribe;
  subscribe.set_tenant(kTenant);
  subscribe.set_after_position(0);
  absl::StatusOr<std::vector<cti::v1::LogRecord>> records = via_a.ReadRecords(subscribe, after);
  ASSERT_TRUE(records.ok()) << records.status();
  std::multiset<std::string> applied;
  for (const cti::v1::LogRecord& r : *records) {
    if (!r.outcome().rejected()) applied.insert(r.event().event_id());
  }
  for (const cti::v1::Event& e : during) EXPECT_EQ(applied.count(e.event_id()), 1u) << e.event_id();
}

TEST_F(KafkaReplicasTest, ProjectionsAreNeverContinuedFromAnotherLog) {
  // A data directory built on the embedded log...
  const std::string work = MakeTempDir("cti-kafka-identity-");
  ASSERT_FALSE(work.empty());
  CtidOptions embedded;
  embedded.work_dir = work;
  absl::StatusOr<std::unique_ptr<CtidProcess>> first = CtidProcess::Start(embedded);
  ASSERT_TRUE(first.ok()) << first.status();
  CtiClient client = ClientOf(**first);
  ASSERT_GT(AppendAll(client, DemoOrganisation(factory_)), 0u);
  ASSERT_TRUE((*first)->Stop().ok());
  first->reset();
  // ... is refused on the topic, naming both logs, and left as it was.
  CtidOptions on_kafka = embedded;
  on_kafka.extra_args = {"--log",   "kafka", "--brokers", kafka_->bootstrap_servers(),
                         "--topic", kTopic};
  on_kafka.start_timeout = absl::Seconds(20);
  absl::StatusOr<std::unique_ptr<CtidProcess>> refused = CtidProcess::Start(on_kafka);
  ASSERT_FALSE(refused.ok());
  // ctid logs the reason (spdlog writes to stdout).
  const std::string why = ReadWholeFile(work + "/ctid.stdout");
  EXPECT_THAT(why, ::testing::HasSubstr("were built from embedded"));
  EXPECT_THAT(why, ::testing::HasSubstr("kafka topic cti-events"));
  absl::StatusOr<std::unique_ptr<CtidProcess>> again = CtidProcess::Start(embedded);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE((*again)->Stop().ok());
  std::filesystem::remove_all(work);
}

TEST_F(KafkaReplicasTest, ANewReplicaSaysWhyItCannotBuildFromATopicThatLostItsStart) {
  // More than the test broker keeps of a partition (~5 MiB) in kTenant's partition, of
  // records that do not compress: the topic no longer holds its first records.
  cti::RealClock clock;
  cti::log::KafkaLogOptions options;
  options.brokers = kafka_->bootstrap_servers();
  options.topic = kTopic;
  options.properties = {{"compression.type", "none"}};
  absl::StatusOr<std::unique_ptr<cti::log::KafkaLog>> log =
      cti::log::KafkaLog::Open(options, &clock);
  ASSERT_TRUE(log.ok()) << log.status();
  std::mt19937_64 random(42);
  for (int i = 0; i < 60; ++i) {
    cti::v1::Event event = LoadCallEvent(kTenant, absl::StrCat("big-", i), i);
    std::string noise(120 << 10, ' ');
    for (char& c : noise) c = static_cast<char>('a' + random() % 26);
    event.set_correlation_id(noise);
    absl::StatusOr<cti::log::AppendResult> appended = (*log)->Append(event);
    ASSERT_TRUE(appended.ok()) << appended.status();
  }
  log->reset();

  // A new replica does not serve, and its status says why.
  CtidOptions replica_options;
  replica_options.extra_args = {"--log",   "kafka", "--brokers", kafka_->bootstrap_servers(),
                                "--topic", kTopic};
  replica_options.wait_until_serving = false;  // it never will
  replica_options.listen_port = FreeLoopbackPort();
  ASSERT_NE(replica_options.listen_port, 0);
  absl::StatusOr<std::unique_ptr<CtidProcess>> replica = CtidProcess::Start(replica_options);
  ASSERT_TRUE(replica.ok()) << replica.status();
  CtiClient client = ClientOf(**replica);
  absl::StatusOr<cti::v1::GetStatusResponse> status;
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  do {
    absl::SleepFor(absl::Milliseconds(50));
    status = client.Status();
  } while ((!status.ok() || status->projector_error().empty()) && absl::Now() < deadline);
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_THAT(status->projector_error(), ::testing::HasSubstr("DATA_LOSS"));
  EXPECT_THAT(status->projector_error(),
              ::testing::HasSubstr("position 1 is no longer in the topic"));
  EXPECT_EQ(status->applied_position(), 0u);
  absl::StatusOr<std::string> health = HealthCheck((*replica)->AnonymousChannel(), "");
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(*health, "NOT_SERVING");
  EXPECT_TRUE((*replica)->Stop().ok());
}

TEST_F(KafkaReplicasTest, KcatReadsTheTopicAndProtocDecodesARecord) {
  std::unique_ptr<CtidProcess> a = StartReplica();
  ASSERT_NE(a, nullptr);
  CtiClient via_a = ClientOf(*a);
  const std::vector<cti::v1::Event> organisation = DemoOrganisation(factory_);
  const uint64_t end = AppendAll(via_a, organisation);
  ASSERT_GT(end, 1u);
  // Key, offset and headers of the first record, as an operator reads them.
  absl::StatusOr<ProcessResult> listed =
      RunProcess({"/usr/bin/kcat", "-C", "-b", kafka_->bootstrap_servers(), "-t", kTopic, "-o",
                  "beginning", "-c", "1", "-e", "-f", "%k %o %h\\n"});
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->exit_code, 0) << listed->err;
  EXPECT_EQ(listed->out,
            absl::StrCat(kTenant, " 0 cti-event-type=staff.unit_defined,",
                         "cti-schema-version=1,cti-event-id=", organisation[0].event_id(), "\n"));
  // The value is a cti.v1.Event: the README's protoc --decode line reads it.
  absl::StatusOr<ProcessResult> decoded = RunProcess(
      {"/bin/sh", "-c",
       absl::StrCat("/usr/bin/kcat -C -b ", kafka_->bootstrap_servers(), " -t ", kTopic,
                    " -o 1 -c 1 -e -D '' -f '%s' | protoc --decode cti.v1.Event -I ",
                    CTI_SOURCE_DIR, "/proto ", CTI_SOURCE_DIR, "/proto/cti/v1/event.proto")});
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ASSERT_EQ(decoded->exit_code, 0) << decoded->err;
  EXPECT_THAT(decoded->out,
              ::testing::HasSubstr(absl::StrCat("event_id: \"", organisation[1].event_id(), "\"")));
  EXPECT_THAT(decoded->out, ::testing::HasSubstr(absl::StrCat("tenant: \"", kTenant, "\"")));
}

}  // namespace
}  // namespace cti::test_support
