// projector_bench: rebuild rate of the projector (events/s) beside a raw RocksDB
// WriteBatch baseline writing the same bytes (each record's serialized event under its
// position), measured in the same run; and a second baseline, the "state-write floor":
// the keys and values the rebuild left in the store, written raw in random order.
//
// Usage: projector_bench [records=500000] [batch=1000] [dir=/tmp]
// The workload is a municipality's staff and calendar history: units, hires, task and
// contact changes, calendar entries and forwardings, generated deterministically.
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cti/v1/event.pb.h"
#include "projections/internal/keys.h"
#include "projections/internal/store_impl.h"
#include "projections/projector.h"
#include "projections/store.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace {

using Clock = std::chrono::steady_clock;

constexpr int64_t kT0 = 1709280000;  // 2024-03-01T08:00:00Z
constexpr int kDepartments = 40;

const char* const kFirst[] = {"Anna",  "Bo",     "Søren", "Mette", "Jens", "Åse",      "Lærke",
                              "Niels", "Øjvind", "Karen", "Mads",  "Ida",  "Frederik", "Sofie"};
const char* const kLast[] = {"Holm",       "Lund",   "Jensen", "Nielsen", "Hansen",   "Ærø",
                             "Østergaard", "Møller", "Kragh",  "Bach",    "Sørensen", "Dahl"};
const char* const kTasks[] = {"pas",      "kørekort", "boligstøtte", "pension", "sygedagpenge",
                              "byggesag", "affald",   "skat",        "skole",   "daginstitution"};

struct Lcg {  // deterministic, no dependency on the standard library's engines
  uint64_t state = 0x9e3779b97f4a7c15ULL;
  uint64_t Next() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
};

cti::v1::LogRecord Record(uint64_t position, cti::v1::Event event) {
  event.set_tenant("aarhus");
  event.set_event_id(absl::StrCat("bench-", position));
  event.mutable_occurred_at()->set_seconds(kT0 + static_cast<int64_t>(position));
  *event.mutable_recorded_at() = event.occurred_at();
  event.mutable_actor()->set_id("ldap-sync");
  event.mutable_actor()->set_role(cti::v1::ROLE_SYSTEM);
  cti::v1::LogRecord record;
  record.set_position(position);
  *record.mutable_event() = std::move(event);
  return record;
}

std::vector<cti::v1::LogRecord> Workload(size_t n) {
  std::vector<cti::v1::LogRecord> records;
  records.reserve(n);
  Lcg rng;
  uint64_t position = 0;
  auto add = [&](cti::v1::Event e) { records.push_back(Record(++position, std::move(e))); };
  {
    cti::v1::Event e;
    auto* u = e.mutable_staff()->mutable_unit_defined()->mutable_unit();
    u->set_unit_id("adm");
    u->set_kind(cti::v1::UNIT_KIND_ADMINISTRATION);
    u->set_name("Borger og Arbejdsmarked");
    add(e);
  }
  for (int d = 0; d < kDepartments && records.size() < n; ++d) {
    cti::v1::Event e;
    auto* u = e.mutable_staff()->mutable_unit_defined()->mutable_unit();
    u->set_unit_id(absl::StrCat("dep", d));
    u->set_kind(cti::v1::UNIT_KIND_DEPARTMENT);
    u->set_name(absl::StrCat("Afdeling ", d));
    u->set_parent_unit_id("adm");
    u->add_tasks(kTasks[d % 10]);
    add(e);
  }
  size_t hired = 0;
  while (records.size() < n) {
    const size_t roll = rng.Below(100);
    cti::v1::Event e;
    if (hired < 100 || roll < 20) {  // hire
      auto* emp = e.mutable_staff()->mutable_employee_hired()->mutable_employee();
      emp->set_employee_id(absl::StrCat("emp", hired));
      emp->set_full_name(absl::StrCat(kFirst[rng.Below(14)], " ", kLast[rng.Below(12)]));
      emp->set_unit_id(absl::StrCat("dep", rng.Below(kDepartments)));
      emp->set_extension(absl::StrCat(10000000 + hired));
      emp->set_email(absl::StrCat("emp", hired, "@aarhus.dk"));
      emp->add_tasks(kTasks[rng.Below(10)]);
      ++hired;
    } else if (roll < 85) {  // calendar entry
      auto* c = e.mutable_calendar()->mutable_entry_upserted();
      c->set_employee_id(absl::StrCat("emp", rng.Below(hired)));
      c->set_entry_id(absl::StrCat("uid-", rng.Below(1000000), "@outlook"));
      c->set_kind(cti::v1::ABSENCE_KIND_MEETING);
      c->mutable_start()->set_seconds(kT0 + static_cast<int64_t>(position) * 60);
      c->mutable_end()->set_seconds(kT0 + static_cast<int64_t>(position) * 60 + 3600);
      c->set_subject("Teammøde om sagsbehandling, lokale 2.14");
    } else if (roll < 92) {  // forwarding to a colleague
      auto* f = e.mutable_calendar()->mutable_forwarding_set();
      const size_t who = rng.Below(hired);
      f->set_employee_id(absl::StrCat("emp", who));
      f->set_forwarding_id("main");
      f->set_condition(cti::v1::FORWARDING_CONDITION_NO_ANSWER);
      f->mutable_destination()->set_employee_id(absl::StrCat("emp", (who + 1) % hired));
      f->set_reason("kursus");
    } else {  // tasks changed
      auto* t = e.mutable_staff()->mutable_employee_tasks_changed();
      t->set_employee_id(absl::StrCat("emp", rng.Below(hired)));
      t->add_tasks(kTasks[rng.Below(10)]);
      t->add_tasks(kTasks[rng.Below(10)]);
    }
    add(std::move(e));
  }
  return records;
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// CPU seconds used by this thread (the one applying), and by the whole process (with
// RocksDB's background flushes and compactions). The machine may be shared: CPU time
// shows the cost even when the wall clock is stretched by other load.
double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}
double ProcessCpuSeconds() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  const auto secs = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return secs(usage.ru_utime) + secs(usage.ru_stime);
}

struct Timing {
  double wall = 0, thread_cpu = 0, process_cpu = 0;
};
struct Timer {
  Clock::time_point wall = Clock::now();
  double thread_cpu = ThreadCpuSeconds();
  double process_cpu = ProcessCpuSeconds();
  Timing Elapsed() const {
    return Timing{Seconds(Clock::now() - wall), ThreadCpuSeconds() - thread_cpu,
                  ProcessCpuSeconds() - process_cpu};
  }
};

void Report(const char* what, size_t n, const Timing& t) {
  const double count = static_cast<double>(n);
  std::printf(
      "%-18s: %9.0f events/s wall (%.2f s), %9.0f events/s of applying-thread CPU, "
      "%.2f s process CPU\n",
      what, count / t.wall, t.wall, count / t.thread_cpu, t.process_cpu);
}

}  // namespace

int main(int argc, char** argv) {
  const size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 500000;
  const size_t batch = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1000;
  const std::string base = argc > 3 ? argv[3] : "/tmp";
  const std::string dir = absl::StrCat(base, "/projector-bench-", getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);

  std::printf("generating %zu records...\n", n);
  const std::vector<cti::v1::LogRecord> records = Workload(n);
  uint64_t log_bytes = 0;
  std::vector<std::string> serialized;
  serialized.reserve(records.size());
  for (const auto& r : records) {
    serialized.push_back(r.event().SerializeAsString());
    log_bytes += serialized.back().size();
  }

  // Projector: rebuild into a fresh store.
  Timing projector_time;
  uint64_t rejected = 0;
  std::string digest;
  struct Kv {
    int cf;
    std::string key, value;
  };
  std::vector<Kv> state;  // what the rebuild left in the store
  uint64_t state_bytes = 0;
  {
    auto store = cti::projections::Store::Open(dir + "/store");
    if (!store.ok()) {
      std::fprintf(stderr, "open: %s\n", store.status().ToString().c_str());
      return 1;
    }
    cti::projections::Projector projector(store->get());
    const Timer timer;
    for (size_t i = 0; i < records.size(); i += batch) {
      const size_t len = std::min(batch, records.size() - i);
      auto outcomes = projector.Apply(0, absl::MakeConstSpan(records).subspan(i, len));
      if (!outcomes.ok()) {
        std::fprintf(stderr, "apply: %s\n", outcomes.status().ToString().c_str());
        return 1;
      }
    }
    projector_time = timer.Elapsed();
    rejected = (*store)->records_rejected();
    const auto digest_start = Clock::now();
    digest = *(*store)->Digest();
    std::printf("digest %s in %.2f s\n", digest.c_str(), Seconds(Clock::now() - digest_start));
    const auto& impl = cti::projections::internal::ImplOf(**store);
    for (int cf = 0; cf < cti::projections::internal::kCfCount; ++cf) {
      std::unique_ptr<rocksdb::Iterator> it(impl.db()->NewIterator(
          rocksdb::ReadOptions(), impl.cf(static_cast<cti::projections::internal::Cf>(cf))));
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        state.push_back(Kv{cf, it->key().ToString(), it->value().ToString()});
        state_bytes += it->key().size() + it->value().size();
      }
    }
  }

  // Floor: the same keys and values, in a random order, written as raw WriteBatches (each
  // sorted, as the projector's are) into a fresh store with the same options: what
  // RocksDB alone costs for the projection's writes.
  Timing floor_time;
  {
    Lcg rng;
    for (size_t i = state.size(); i > 1; --i) std::swap(state[i - 1], state[rng.Below(i)]);
    const size_t per_batch =
        std::max<size_t>(1, state.size() * batch / std::max<size_t>(1, records.size()));
    auto store = cti::projections::Store::Open(dir + "/floor");
    if (!store.ok()) return 1;
    const auto& impl = cti::projections::internal::ImplOf(**store);
    const Timer timer;
    for (size_t i = 0; i < state.size(); i += per_batch) {
      const size_t end = std::min(state.size(), i + per_batch);
      std::sort(state.begin() + static_cast<std::ptrdiff_t>(i),
                state.begin() + static_cast<std::ptrdiff_t>(end), [](const Kv& a, const Kv& b) {
                  return a.cf != b.cf ? a.cf < b.cf : a.key < b.key;
                });
      rocksdb::WriteBatch wb;
      for (size_t k = i; k < end; ++k) {
        wb.Put(impl.cf(static_cast<cti::projections::internal::Cf>(state[k].cf)), state[k].key,
               state[k].value)
            .PermitUncheckedError();
      }
      rocksdb::Status s = impl.db()->Write(rocksdb::WriteOptions(), &wb);
      if (!s.ok()) return 1;
    }
    floor_time = timer.Elapsed();
  }

  // Baseline: the same bytes (each serialized record under its position) in raw
  // WriteBatches of the same size, into a fresh RocksDB with the WAL on.
  Timing raw_time;
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    rocksdb::Status s = rocksdb::DB::Open(options, dir + "/raw", &raw);
    if (!s.ok()) {
      std::fprintf(stderr, "raw open: %s\n", s.ToString().c_str());
      return 1;
    }
    const Timer timer;
    for (size_t i = 0; i < serialized.size(); i += batch) {
      rocksdb::WriteBatch wb;
      for (size_t k = i; k < std::min(serialized.size(), i + batch); ++k) {
        char key[8];
        for (int b = 0; b < 8; ++b) key[b] = static_cast<char>((k >> (56 - 8 * b)) & 0xff);
        wb.Put(rocksdb::Slice(key, 8), serialized[k]).PermitUncheckedError();
      }
      s = raw->Write(rocksdb::WriteOptions(), &wb);
      if (!s.ok()) {
        std::fprintf(stderr, "raw write: %s\n", s.ToString().c_str());
        return 1;
      }
    }
    raw_time = timer.Elapsed();
    raw->Close().PermitUncheckedError();
    delete raw;
  }
  std::filesystem::remove_all(dir);

  const double projector_rate = static_cast<double>(n) / projector_time.wall;
  const double raw_rate = static_cast<double>(n) / raw_time.wall;
  std::printf("records %zu (%llu rejected), batch %zu, log bytes %.1f MB\n", n,
              static_cast<unsigned long long>(rejected), batch,
              static_cast<double>(log_bytes) / 1e6);
  std::printf("projection state: %zu keys (%.2f per record), %.1f MB\n", state.size(),
              static_cast<double>(state.size()) / static_cast<double>(n),
              static_cast<double>(state_bytes) / 1e6);
  Report("projector rebuild", n, projector_time);
  Report("raw WriteBatch", n, raw_time);
  Report("state-write floor", n, floor_time);
  std::printf("projector / raw (wall): %.2f\n", projector_rate / raw_rate);
  std::printf("target >= 250000 events/s (wall): %s\n",
              projector_rate >= 250000 ? "met" : "NOT met");
  return 0;
}
