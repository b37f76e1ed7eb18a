// embedded_log_bench: acknowledged (synced) appends per second of EmbeddedLog with 1, 8,
// 64 and 256 concurrent appending threads (blocking Append), and with N appends kept in
// flight by AppendAsync without any blocked thread (--async=N,...; the way ctid
// appends), the mean group-commit batch, append latency, and two baselines measured in
// the same run on the same disk: raw RocksDB synced WriteBatches of one record and of 64
// records (the floor the group commit stands on).
//
// Usage: embedded_log_bench [--seconds=S] [--threads=1,8,64,256] [--async=64,256]
// [--no-baseline] [--dir=PATH] (PATH: where to put the databases; default a fresh
// directory under $TMPDIR or /tmp, removed afterwards). Prints figures; not a test.
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "server/clock.h"
#include "server/log/embedded_log.h"
#include "server/log/log_format.h"

namespace cti::log {
namespace {

// A "message taken" event of about 200 serialized bytes.
cti::v1::Event MakeEvent(const std::string& event_id) {
  cti::v1::Event event;
  event.set_event_id(event_id);
  event.set_tenant("aarhus");
  format::ToTimestamp(absl::FromUnixSeconds(1700000000), event.mutable_occurred_at());
  event.mutable_actor()->set_id("reception-1");
  event.mutable_actor()->set_role(cti::v1::ROLE_RECEPTION);
  event.mutable_actor()->set_display_name("Anna Holm (reception)");
  event.set_correlation_id(absl::StrCat("call-", event_id));
  event.set_schema_version(1);
  cti::v1::CallEvent* call = event.mutable_call();
  call->set_call_id(absl::StrCat("sip-", event_id, "@pbx.example"));
  cti::v1::MessageTaken* message = call->mutable_message_taken();
  message->set_message_id(absl::StrCat("msg-", event_id));
  message->mutable_for_target()->set_employee_id("emp-4711");
  message->set_caller_name("Bo Lund");
  message->set_callback_number("+4512345678");
  message->set_text("Ring venligst tilbage om boligstoette.");
  message->set_callback_wanted(true);
  return event;
}

double Percentile(std::vector<absl::Duration>& samples, double q) {
  if (samples.empty()) return 0;
  const size_t index = std::min(samples.size() - 1, static_cast<size_t>(q * samples.size()));
  std::nth_element(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(index),
                   samples.end());
  return absl::ToDoubleMicroseconds(samples[index]);
}

// Synced WriteBatches of `records_per_batch` records into a plain RocksDB, one thread.
void RawBaseline(const std::string& dir, int records_per_batch, absl::Duration run_for) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(options, dir, &raw).ok()) {
    std::printf("raw baseline: cannot open %s\n", dir.c_str());
    return;
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  const std::string value = MakeEvent("baseline-0000000").SerializeAsString();
  rocksdb::WriteOptions sync;
  sync.sync = true;
  uint64_t position = 0;
  uint64_t batches = 0;
  const absl::Time start = absl::Now();
  while (absl::Now() - start < run_for) {
    rocksdb::WriteBatch batch;
    for (int i = 0; i < records_per_batch; ++i) {
      batch.Put(format::RecordKey(0, ++position), value);
    }
    if (!db->Write(sync, &batch).ok()) break;
    ++batches;
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  std::printf("raw RocksDB synced WriteBatch of %3d records: %8.0f batches/s  %9.0f records/s\n",
              records_per_batch, batches / seconds, position / seconds);
}

void RunLog(const std::string& dir, int threads, absl::Duration run_for) {
  auto opened = EmbeddedLog::Open(dir, RealClock::Get());
  if (!opened.ok()) {
    std::printf("cannot open the log: %s\n", opened.status().ToString().c_str());
    return;
  }
  EmbeddedLog& log = **opened;
  // Ids unique to this run: a log reused with --dir would answer old ids as duplicates.
  const std::string run = absl::StrCat(absl::ToUnixNanos(absl::Now()), "-");
  std::atomic<bool> measuring{false};
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> errors{0};
  std::vector<std::vector<absl::Duration>> latencies(static_cast<size_t>(threads));
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (uint64_t seq = 0; !stop.load(std::memory_order_relaxed); ++seq) {
        cti::v1::Event event = MakeEvent(absl::StrCat(run, "t", t, "-", seq));
        const absl::Time before = absl::Now();
        if (!log.Append(std::move(event)).ok()) ++errors;
        if (measuring.load(std::memory_order_relaxed)) {
          latencies[static_cast<size_t>(t)].push_back(absl::Now() - before);
        }
      }
    });
  }
  absl::SleepFor(absl::Milliseconds(300));  // Warm up.
  const EmbeddedLogStats start_stats = log.Stats();
  const absl::Time start = absl::Now();
  measuring = true;
  absl::SleepFor(run_for);
  measuring = false;
  const EmbeddedLogStats end_stats = log.Stats();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  stop = true;
  for (std::thread& worker : workers) worker.join();

  std::vector<absl::Duration> all;
  for (auto& mine : latencies) all.insert(all.end(), mine.begin(), mine.end());
  const uint64_t records = end_stats.records - start_stats.records;
  const uint64_t batches = end_stats.batches - start_stats.batches;
  std::printf(
      "embedded log, %3d threads: %8.0f acknowledged appends/s  mean batch %6.1f  "
      "(%5.0f commits/s)  latency p50 %7.0f us  p99 %7.0f us  errors %llu\n",
      threads, records / seconds, batches == 0 ? 0.0 : static_cast<double>(records) / batches,
      batches / seconds, Percentile(all, 0.5), Percentile(all, 0.99),
      static_cast<unsigned long long>(errors.load()));
}

// Keeps `in_flight` appends outstanding through AppendAsync: each callback starts the
// next append (no thread waits).
void RunLogAsync(const std::string& dir, int in_flight, absl::Duration run_for) {
  auto opened = EmbeddedLog::Open(dir, RealClock::Get());
  if (!opened.ok()) {
    std::printf("cannot open the log: %s\n", opened.status().ToString().c_str());
    return;
  }
  EmbeddedLog& log = **opened;
  struct Shared {
    EmbeddedLog* log;
    std::string run;
    std::atomic<uint64_t> next{0};
    std::atomic<bool> stop{false};
    std::atomic<bool> measuring{false};
    std::atomic<uint64_t> errors{0};
    std::atomic<int> outstanding{0};
    absl::Mutex mu;
    std::vector<absl::Duration> latencies;
  } shared;
  shared.log = &log;
  shared.run = absl::StrCat(absl::ToUnixNanos(absl::Now()), "-a");
  struct Starter {
    static void Next(Shared* s) {
      if (s->stop.load(std::memory_order_relaxed)) {
        s->outstanding.fetch_sub(1);
        return;
      }
      const absl::Time before = absl::Now();
      s->log->AppendAsync(MakeEvent(absl::StrCat(s->run, s->next.fetch_add(1))),
                          [s, before](absl::StatusOr<AppendResult> result) {
                            if (!result.ok()) s->errors.fetch_add(1);
                            if (s->measuring.load(std::memory_order_relaxed)) {
                              absl::MutexLock lock(&s->mu);
                              s->latencies.push_back(absl::Now() - before);
                            }
                            Next(s);
                          });
    }
  };
  shared.outstanding = in_flight;
  for (int i = 0; i < in_flight; ++i) Starter::Next(&shared);
  absl::SleepFor(absl::Milliseconds(300));  // Warm up.
  const EmbeddedLogStats start_stats = log.Stats();
  const absl::Time start = absl::Now();
  shared.measuring = true;
  absl::SleepFor(run_for);
  shared.measuring = false;
  const EmbeddedLogStats end_stats = log.Stats();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  shared.stop = true;
  while (shared.outstanding.load() > 0) absl::SleepFor(absl::Milliseconds(1));

  absl::MutexLock lock(&shared.mu);
  const uint64_t records = end_stats.records - start_stats.records;
  const uint64_t batches = end_stats.batches - start_stats.batches;
  std::printf(
      "embedded log, %4d async:  %8.0f acknowledged appends/s  mean batch %6.1f  "
      "(%5.0f commits/s)  latency p50 %7.0f us  p99 %7.0f us  errors %llu\n",
      in_flight, records / seconds,
      batches == 0 ? 0.0 : static_cast<double>(records) / static_cast<double>(batches),
      batches / seconds, Percentile(shared.latencies, 0.5), Percentile(shared.latencies, 0.99),
      static_cast<unsigned long long>(shared.errors.load()));
}

}  // namespace
}  // namespace cti::log

int Usage(const char* program) {
  std::fprintf(stderr,
               "usage: %s [--seconds=S] [--threads=N,N,...] [--async=N,N,...] [--no-baseline] "
               "[--dir=PATH]\n",
               program);
  return 2;
}

int main(int argc, char** argv) {
  double seconds = 3;
  std::vector<int> threads = {1, 8, 64, 256};
  std::vector<int> async = {64, 256};
  bool baseline = true;
  std::string base;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--seconds=", 0) == 0 && absl::SimpleAtod(arg.substr(10), &seconds)) continue;
    std::vector<int>* list = arg.rfind("--threads=", 0) == 0 ? &threads
                             : arg.rfind("--async=", 0) == 0 ? &async
                                                             : nullptr;
    if (list != nullptr) {
      list->clear();
      for (absl::string_view part : absl::StrSplit(arg.substr(arg.find('=') + 1), ',')) {
        int n = 0;
        if (part.empty()) continue;  // "--async=" runs none.
        if (!absl::SimpleAtoi(part, &n) || n <= 0) return Usage(argv[0]);
        list->push_back(n);
      }
      continue;
    }
    if (arg == "--no-baseline") {
      baseline = false;
      continue;
    }
    if (arg.rfind("--dir=", 0) == 0) {
      base = arg.substr(6);
      continue;
    }
    return Usage(argv[0]);
  }
  bool made_base = false;
  if (base.empty()) {
    const char* tmp = getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr ? tmp : "/tmp") + "/cti_log_bench_XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      std::perror("mkdtemp");
      return 1;
    }
    base = pattern;
    made_base = true;
  }
  const absl::Duration run_for = absl::Seconds(seconds);
  std::printf("event size: %zu bytes serialized; %.1f s per figure; databases under %s\n",
              cti::log::MakeEvent("t0-0").ByteSizeLong(), seconds, base.c_str());
  if (baseline) {
    cti::log::RawBaseline(base + "/raw1", 1, run_for);
    cti::log::RawBaseline(base + "/raw64", 64, run_for);
  }
  for (int n : threads) cti::log::RunLog(absl::StrCat(base, "/log", n), n, run_for);
  for (int n : async) cti::log::RunLogAsync(absl::StrCat(base, "/async", n), n, run_for);
  if (made_base) {
    std::error_code ignored;
    std::filesystem::remove_all(base, ignored);
  }
  return 0;
}
