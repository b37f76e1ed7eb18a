// Crash test: kill -9 ctid at random moments while many clients append (calls, hires,
// calendar entries, messages), restart it on the same data dir each time — some kills hit
// it again during recovery — and check at the end that
//   - every acknowledged append is in the log exactly once, at its acknowledged position;
//   - positions are dense (1..end) and no event_id appears twice;
//   - the state digest equals the digest of a full rebuild from the log.
//
// Environment: CTI_CRASH_KILLS (kills of a serving ctid, default 20), CTI_CRASH_SEED (the
// RNG seed; printed on every run so a failure can be replayed), CTI_CRASH_CLIENTS
// (concurrent appending clients, default 8).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tests/support/cti_client.h"
#include "tests/support/ctid_process.h"
#include "tests/support/danish_events.h"
#include "tests/support/grpc_clients.h"

namespace cti::test_support {
namespace {

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  uint64_t parsed = 0;
  if (value != nullptr && absl::SimpleAtoi(value, &parsed)) return parsed;
  return fallback;
}

// The client of the current ctid run; replaced after every restart (new port).
class Target {
 public:
  void Set(std::shared_ptr<CtiClient> client) {
    std::lock_guard<std::mutex> lock(mu_);
    client_ = std::move(client);
  }
  std::shared_ptr<CtiClient> Get() {
    std::lock_guard<std::mutex> lock(mu_);
    return client_;
  }

 private:
  std::mutex mu_;
  std::shared_ptr<CtiClient> client_;
};

struct Ack {
  std::string event_id;
  uint64_t position;
  bool duplicate;
};

// The seq-th event of a client: a deterministic function of (client, seq), so a retry
// sends exactly the same event. Rotates through the families so the digest covers real
// state: a call, a hire into Borgerservice, a calendar absence and a message for
// DemoOrganisation's employees. None depends on the client's own earlier appends.
cti::v1::Event CrashEvent(int client, uint64_t seq) {
  const std::string tag = absl::StrCat(client, "-", seq);
  EventFactory f(kTenant, absl::StrCat("crash-", tag));
  switch (seq % 4) {
    case 0:
      return LoadCallEvent(kTenant, absl::StrCat("crash-", tag, "-1"),
                           static_cast<uint64_t>(client) * 10000000 + seq);
    case 1:
      return f.EmployeeHired(MakeEmployee(absl::StrCat("c", tag), absl::StrCat("Vikar Ærø ", tag),
                                          demo::kBorgerservice, "", {"afløser"}));
    case 2:
      return f.CalendarEntry(
          demo::kAnnaHolm, absl::StrCat("kal-", tag), cti::v1::ABSENCE_KIND_MEETING,
          BaseTime() + absl::Minutes(static_cast<int64_t>(seq)), absl::Minutes(30), "Teammøde");
    default:
      return f.MessageTaken(absl::StrCat("besked-", tag), demo::kBoLund, "Søren Kierkegaard",
                            "Ring tilbage om kørekort.");
  }
}

// Appends unique events until `stop`; retries an unacknowledged event with the same id
// (the idempotent path) after transport errors. Any other error is a test failure.
void AppendLoop(int client_index, Target* target, std::atomic<bool>* stop,
                std::atomic<uint64_t>* acked, std::vector<Ack>* acks) {
  uint64_t seq = 0;
  while (!stop->load()) {
    const cti::v1::Event event = CrashEvent(client_index, seq);
    const std::string& id = event.event_id();
    ++seq;
    while (!stop->load()) {
      absl::StatusOr<cti::v1::AppendResponse> r = target->Get()->Append(event, absl::Seconds(5));
      if (r.ok()) {
        if (r->event_id() != id) ADD_FAILURE() << "ack for " << id << " names " << r->event_id();
        acks->push_back({id, r->position(), r->duplicate()});
        acked->fetch_add(1);
        break;
      }
      const absl::StatusCode code = r.status().code();
      if (code != absl::StatusCode::kUnavailable && code != absl::StatusCode::kDeadlineExceeded &&
          code != absl::StatusCode::kCancelled && code != absl::StatusCode::kUnknown &&
          code != absl::StatusCode::kInternal) {
        ADD_FAILURE() << "append " << id << ": unexpected " << r.status();
        return;
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
  }
}

TEST(CrashTest, EveryAcknowledgedAppendSurvivesKill9ExactlyOnce) {
  const uint64_t kills = EnvOr("CTI_CRASH_KILLS", 20);
  const uint64_t seed = EnvOr("CTI_CRASH_SEED", std::random_device()());
  const int clients = static_cast<int>(EnvOr("CTI_CRASH_CLIENTS", 8));
  std::printf("crash_test: seed %llu (CTI_CRASH_SEED=%llu replays), %llu kills, %d clients\n",
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed),
              static_cast<unsigned long long>(kills), clients);
  RecordProperty("seed", std::to_string(seed));
  std::mt19937_64 rng(seed);

  absl::StatusOr<std::unique_ptr<CtidProcess>> started = CtidProcess::Start({});
  ASSERT_TRUE(started.ok()) << started.status();
  CtidProcess& ctid = **started;
  Target target;
  target.Set(std::make_shared<CtiClient>(ctid.Channel(Admin())));

  // The organisation the load refers to.
  EventFactory org_factory(kTenant, "org");
  uint64_t org_end = 0;
  for (const cti::v1::Event& e : DemoOrganisation(org_factory)) {
    absl::StatusOr<cti::v1::AppendResponse> r = target.Get()->Append(e);
    ASSERT_TRUE(r.ok()) << r.status();
    org_end = r->position();
  }
  ASSERT_TRUE(target.Get()->Status(org_end).ok());

  std::atomic<bool> stop{false};
  std::atomic<uint64_t> acked{0};
  std::vector<std::vector<Ack>> acks(clients);
  std::vector<std::thread> threads;
  // Stops and joins the clients however this test returns.
  struct Joiner {
    std::atomic<bool>* stop;
    std::vector<std::thread>* threads;
    ~Joiner() {
      stop->store(true);
      for (std::thread& t : *threads) {
        if (t.joinable()) t.join();
      }
    }
  } joiner{&stop, &threads};
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back(AppendLoop, c, &target, &stop, &acked, &acks[c]);
  }

  uint64_t recovery_kills = 0;
  const absl::Time start = absl::Now();
  for (uint64_t k = 0; k < kills; ++k) {
    // Let the clients get some appends acknowledged by this run, then wait a random while.
    const uint64_t before = acked.load();
    const absl::Time progress_deadline = absl::Now() + absl::Seconds(15);
    while (acked.load() < before + 50 && absl::Now() < progress_deadline) {
      absl::SleepFor(absl::Milliseconds(5));
    }
    ASSERT_GE(acked.load(), before + 50) << "no progress after restart " << k << "; stderr:\n"
                                         << ctid.StderrTail();
    absl::SleepFor(absl::Milliseconds(std::uniform_int_distribution<int>(10, 700)(rng)));
    ctid.Kill9();

    // Every fourth time, also kill it again while it recovers (before or after serving).
    if (std::uniform_int_distribution<int>(0, 3)(rng) == 0) {
      ASSERT_TRUE(ctid.Spawn().ok());
      absl::SleepFor(absl::Milliseconds(std::uniform_int_distribution<int>(0, 60)(rng)));
      ctid.Kill9();
      ++recovery_kills;
    }
    absl::Status restarted = ctid.Restart();
    ASSERT_TRUE(restarted.ok()) << "restart after kill " << k + 1 << ": " << restarted;
    target.Set(std::make_shared<CtiClient>(ctid.Channel(Admin())));
  }
  // Some appends on the last run, then stop the clients.
  absl::SleepFor(absl::Milliseconds(200));
  stop = true;
  for (std::thread& t : threads) t.join();
  std::printf("crash_test: %llu acknowledged appends, %llu + %llu kills in %s\n",
              static_cast<unsigned long long>(acked.load()), static_cast<unsigned long long>(kills),
              static_cast<unsigned long long>(recovery_kills),
              absl::FormatDuration(absl::Now() - start).c_str());

  auto client_owner = std::make_unique<CtiClient>(ctid.Channel(Admin()));
  CtiClient& client = *client_owner;
  absl::StatusOr<cti::v1::GetStatusResponse> status = client.Status();
  ASSERT_TRUE(status.ok()) << status.status();
  const uint64_t end = status->log_end_position();
  status = client.Status(end, "", absl::Seconds(60));
  ASSERT_TRUE(status.ok()) << status.status();
  ASSERT_EQ(status->applied_position(), end);

  // The whole log, in order.
  absl::StatusOr<std::vector<cti::v1::LogRecord>> records =
      client.ReadRecordsResuming(SubscribeFrom(kTenant, 0), end, absl::Seconds(120));
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), end);
  std::unordered_map<std::string, uint64_t> position_of;
  for (size_t i = 0; i < records->size(); ++i) {
    const cti::v1::LogRecord& r = (*records)[i];
    ASSERT_EQ(r.position(), i + 1) << "positions are not dense";
    const bool fresh = position_of.emplace(r.event().event_id(), r.position()).second;
    EXPECT_TRUE(fresh) << "event_id " << r.event().event_id() << " at " << r.position()
                       << " and at " << position_of[r.event().event_id()];
    EXPECT_FALSE(r.outcome().rejected()) << r.ShortDebugString();
  }

  uint64_t checked = org_end;  // The organisation's records were acknowledged too.
  uint64_t duplicates = 0;
  std::map<uint64_t, std::string> acked_at;
  for (const std::vector<Ack>& list : acks) {
    for (const Ack& a : list) {
      ++checked;
      if (a.duplicate) ++duplicates;
      auto it = position_of.find(a.event_id);
      if (it == position_of.end()) {
        ADD_FAILURE() << "acknowledged " << a.event_id << " at " << a.position
                      << " is not in the log";
        continue;
      }
      EXPECT_EQ(it->second, a.position) << a.event_id;
      auto [slot, inserted] = acked_at.emplace(a.position, a.event_id);
      EXPECT_TRUE(inserted) << "position " << a.position << " acknowledged for " << slot->second
                            << " and " << a.event_id;
    }
  }
  EXPECT_EQ(checked, org_end + acked.load());
  std::printf(
      "crash_test: log end %llu, %llu acknowledged (%llu as duplicates after a retry), "
      "%llu in the log without an acknowledgement\n",
      static_cast<unsigned long long>(end), static_cast<unsigned long long>(checked),
      static_cast<unsigned long long>(duplicates),
      static_cast<unsigned long long>(end - org_end - acked_at.size()));

  // The state the crashes left equals a rebuild from the log.
  const std::string digest = status->state_digest();
  absl::StatusOr<std::vector<cti::v1::RebuildProgress>> rebuilt =
      client.Rebuild(absl::Seconds(120));
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  EXPECT_EQ(rebuilt->back().state_digest(), digest);
  EXPECT_EQ(rebuilt->back().applied(), end);
  absl::StatusOr<cti::v1::GetStatusResponse> after = client.Status(end);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->state_digest(), digest);

  client_owner.reset();  // A connected client would hold up the graceful stop.
  target.Set(nullptr);
  absl::Status stopped = ctid.Stop();
  EXPECT_TRUE(stopped.ok()) << stopped;
}

// kill -9 in the middle of a Rebuild: the restarted ctid serves the same state (the old
// store, or the new one if the switch happened), and a full Rebuild agrees with it.
TEST(CrashTest, Kill9DuringRebuildLeavesAConsistentState) {
  const uint64_t seed = EnvOr("CTI_CRASH_SEED", std::random_device()());
  std::printf("crash_test: rebuild kills, seed %llu\n", static_cast<unsigned long long>(seed));
  RecordProperty("seed", std::to_string(seed));
  std::mt19937_64 rng(seed);
  absl::StatusOr<std::unique_ptr<CtidProcess>> started = CtidProcess::Start({});
  ASSERT_TRUE(started.ok()) << started.status();
  CtidProcess& ctid = **started;
  auto client = std::make_unique<CtiClient>(ctid.Channel(Admin()));

  // Enough records that a rebuild takes a while: calls from 8 clients at once.
  constexpr uint64_t kRecords = 20000;
  std::atomic<uint64_t> next{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < 8; ++t) {
    writers.emplace_back([&] {
      for (uint64_t i = next++; i < kRecords; i = next++) {
        absl::StatusOr<cti::v1::AppendResponse> r =
            client->Append(LoadCallEvent(kTenant, absl::StrCat("pre-", i), i));
        if (!r.ok()) ADD_FAILURE() << r.status();
      }
    });
  }
  for (std::thread& w : writers) w.join();
  absl::StatusOr<cti::v1::GetStatusResponse> before =
      client->Status(kRecords, "", absl::Seconds(60));
  ASSERT_TRUE(before.ok()) << before.status();

  int mid_rebuild = 0;  // Rounds whose rebuild had not finished when killed.
  for (int round = 0; round < 5; ++round) {
    std::atomic<bool> finished{false};
    std::thread rebuild([&] { finished = client->Rebuild(absl::Seconds(60)).ok(); });
    absl::SleepFor(absl::Milliseconds(std::uniform_int_distribution<int>(20, 250)(rng)));
    ctid.Kill9();
    rebuild.join();
    if (!finished) ++mid_rebuild;
    absl::Status restarted = ctid.Restart();
    ASSERT_TRUE(restarted.ok()) << "round " << round << ": " << restarted;
    client = std::make_unique<CtiClient>(ctid.Channel(Admin()));
    absl::StatusOr<cti::v1::GetStatusResponse> after = client->Status(kRecords);
    ASSERT_TRUE(after.ok()) << after.status();
    EXPECT_EQ(after->log_end_position(), kRecords) << "round " << round;
    EXPECT_EQ(after->applied_position(), kRecords) << "round " << round;
    EXPECT_EQ(after->state_digest(), before->state_digest()) << "round " << round;
  }
  std::printf("crash_test: %d of 5 kills hit a running rebuild\n", mid_rebuild);
  absl::StatusOr<std::vector<cti::v1::RebuildProgress>> rebuilt = client->Rebuild();
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  EXPECT_EQ(rebuilt->back().state_digest(), before->state_digest());
  client.reset();
  absl::Status stopped = ctid.Stop();
  EXPECT_TRUE(stopped.ok()) << stopped;
}

}  // namespace
}  // namespace cti::test_support
