// projector_bench: rebuild rate of the projector (events/s) for three workload mixes,
// each beside a raw RocksDB WriteBatch baseline writing the same bytes (each record's
// serialized event under its position, WAL on, flushed at the end) in the same run.
//
// Usage: projector_bench [--records N] [--batch N]
//                        [--mix staff-calendar|call-heavy|offered|both] [--repeat N]
//                        [--no-pipeline] [--only live|bulk|private|raw] [--dir DIR]
//
// A rebuild starts from the serialized events (what the log holds): one thread parses
// batches of records, the applying thread runs Projector::Apply on them (--no-pipeline:
// both on one thread). Three ways are measured: "live" writes as the live projector
// does (WAL on), "bulk" as a start-up replay does (Store::BeginBulkLoad) and "private"
// as a rebuild's new generation does (Store::BeginPrivateBulkLoad); EndBulkLoad's
// flush, ingestion and compaction are inside the timing, the digest afterwards is shown
// apart. Each measurement is repeated (--repeat, interleaved) and the median shown with
// the range: the machine may be shared, so the CPU time of the applying thread is shown
// beside the wall clock. Exit 1 when the ways measured give different digests.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cti/v1/event.pb.h"
#include "projections/bench_timing.h"
#include "projections/bench_workload.h"
#include "projections/projector.h"
#include "projections/store.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace cti::projections::bench {
namespace {

struct Flags {
  size_t records = 500000;
  size_t batch = 4096;
  std::vector<Mix> mixes = {Mix::kStaffCalendar, Mix::kCallHeavy};
  int repeat = 3;
  bool pipeline = true;
  std::string only;  // "live", "bulk", "private" or "raw": just that (e.g. under a profiler)
  std::string dir = "/tmp";
};

bool ParseFlags(int argc, char** argv, Flags* flags) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--no-pipeline") {
      flags->pipeline = false;
      continue;
    }
    if (i + 1 >= argc) return false;
    const std::string value = argv[++i];
    if (flag == "--records") {
      flags->records = std::strtoull(value.c_str(), nullptr, 10);
    } else if (flag == "--batch") {
      flags->batch = std::max<size_t>(1, std::strtoull(value.c_str(), nullptr, 10));
    } else if (flag == "--repeat") {
      flags->repeat = std::max(1, std::atoi(value.c_str()));
    } else if (flag == "--only" &&
               (value == "live" || value == "bulk" || value == "private" || value == "raw")) {
      flags->only = value;
    } else if (flag == "--dir") {
      flags->dir = value;
    } else if (flag == "--mix" && value == "both") {
      flags->mixes = {Mix::kStaffCalendar, Mix::kCallHeavy};
    } else if (flag == "--mix" && value == MixName(Mix::kStaffCalendar)) {
      flags->mixes = {Mix::kStaffCalendar};
    } else if (flag == "--mix" && value == MixName(Mix::kCallHeavy)) {
      flags->mixes = {Mix::kCallHeavy};
    } else if (flag == "--mix" && value == MixName(Mix::kOffered)) {
      flags->mixes = {Mix::kOffered};
    } else {
      return false;
    }
  }
  return flags->records > 0;
}

struct RebuildResult {
  Timing timing;
  double end_seconds = 0;     // of it in EndBulkLoad (flush, compaction)
  double digest_seconds = 0;  // Store::Digest afterwards, best of 3 (not in `timing`)
  std::string digest;
  uint64_t rejected = 0;
};

enum class Mode { kLive, kBulk, kPrivate };

// Parses and applies `events` (positions 1..n) into a fresh store at `dir`.
absl::StatusOr<RebuildResult> Rebuild(const std::vector<std::string>& events, const Flags& flags,
                                      Mode mode, const std::string& dir) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(dir);
  if (!store.ok()) return store.status();
  Projector projector(store->get());
  RebuildResult result;
  const Timer timer;
  if (mode == Mode::kBulk) {
    if (absl::Status s = (*store)->BeginBulkLoad(); !s.ok()) return s;
  } else if (mode == Mode::kPrivate) {
    if (absl::Status s = (*store)->BeginPrivateBulkLoad(); !s.ok()) return s;
  }
  absl::Status applied = ParseInBatches(events, flags.batch, flags.pipeline,
                                        [&](const std::vector<cti::v1::LogRecord>& batch) {
                                          return projector.Apply(0, batch).status();
                                        });
  if (!applied.ok()) return applied;
  const Timer end_timer;
  if (absl::Status s = (*store)->EndBulkLoad(); !s.ok()) return s;
  result.end_seconds = end_timer.Elapsed().wall;
  result.timing = timer.Elapsed();
  result.rejected = (*store)->records_rejected();
  // The digest's time: the best of three (the machine may be shared).
  absl::StatusOr<std::string> digest;
  for (int i = 0; i < 3; ++i) {
    const Timer digest_timer;
    digest = (*store)->Digest();
    if (!digest.ok()) return digest.status();
    const double took = digest_timer.Elapsed().wall;
    if (i == 0 || took < result.digest_seconds) result.digest_seconds = took;
  }
  result.digest = *digest;
  if (absl::Status s = (*store)->Close(); !s.ok()) return s;
  std::filesystem::remove_all(dir);
  return result;
}

// The same bytes in raw WriteBatches of the same size into a fresh RocksDB with default
// options and the WAL on, flushed at the end (as tests/bench's baseline does).
absl::StatusOr<Timing> RawBaseline(const std::vector<std::string>& events, size_t batch,
                                   const std::string& dir) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(std::filesystem::path(dir).parent_path());
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &raw);
  if (!s.ok()) return absl::InternalError(absl::StrCat("raw open: ", s.ToString()));
  const Timer timer;
  rocksdb::WriteBatch wb;
  for (size_t i = 0; i < events.size() && s.ok(); ++i) {
    char key[8];
    const uint64_t position = i + 1;
    for (int b = 0; b < 8; ++b) key[b] = static_cast<char>((position >> (56 - 8 * b)) & 0xff);
    s = wb.Put(rocksdb::Slice(key, 8), events[i]);
    if (s.ok() && (static_cast<size_t>(wb.Count()) >= batch || i + 1 == events.size())) {
      s = raw->Write(rocksdb::WriteOptions(), &wb);
      wb.Clear();
    }
  }
  if (s.ok()) s = raw->Flush(rocksdb::FlushOptions());
  const Timing timing = timer.Elapsed();
  raw->Close().PermitUncheckedError();
  delete raw;
  std::filesystem::remove_all(dir);
  if (!s.ok()) return absl::InternalError(absl::StrCat("raw write: ", s.ToString()));
  return timing;
}

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "projector_bench: %s\n", status.ToString().c_str());
  return 1;
}

int RunMix(Mix mix, const Flags& flags) {
  const std::vector<cti::v1::LogRecord> records = MakeWorkload(mix, flags.records);
  std::vector<std::string> events;
  events.reserve(records.size());
  uint64_t log_bytes = 0;
  for (const cti::v1::LogRecord& r : records) {
    events.push_back(r.event().SerializeAsString());
    log_bytes += events.back().size();
  }
  std::printf("\n== mix %s: %s\n   %zu records (%s), %.1f MB of events, batch %zu, %s\n",
              MixName(mix), MixDescription(mix), records.size(), DescribeFamilies(records).c_str(),
              static_cast<double>(log_bytes) / 1e6, flags.batch,
              flags.pipeline ? "parse and apply pipelined on two threads"
                             : "parse and apply on one thread");
  std::fflush(stdout);
  const std::string base = absl::StrCat(flags.dir, "/projector-bench-", getpid());
  std::vector<Timing> live, bulk, priv, raw;
  std::vector<double> bulk_end, digest_seconds, priv_end, priv_digest_seconds;
  std::string live_digest, bulk_digest, priv_digest;
  uint64_t rejected = 0;
  for (int r = 0; r < flags.repeat; ++r) {
    const auto wanted = [&](const char* what) { return flags.only.empty() || flags.only == what; };
    if (wanted("live")) {
      absl::StatusOr<RebuildResult> l = Rebuild(events, flags, Mode::kLive, base + "/live");
      if (!l.ok()) return Fail(l.status());
      live.push_back(l->timing);
      live_digest = l->digest;
      rejected = l->rejected;
    }
    if (wanted("bulk")) {
      absl::StatusOr<RebuildResult> b = Rebuild(events, flags, Mode::kBulk, base + "/bulk");
      if (!b.ok()) return Fail(b.status());
      bulk.push_back(b->timing);
      bulk_end.push_back(b->end_seconds);
      digest_seconds.push_back(b->digest_seconds);
      bulk_digest = b->digest;
      rejected = b->rejected;
    }
    if (wanted("private")) {
      absl::StatusOr<RebuildResult> b = Rebuild(events, flags, Mode::kPrivate, base + "/private");
      if (!b.ok()) return Fail(b.status());
      priv.push_back(b->timing);
      priv_end.push_back(b->end_seconds);
      priv_digest_seconds.push_back(b->digest_seconds);
      priv_digest = b->digest;
      rejected = b->rejected;
    }
    if (wanted("raw")) {
      absl::StatusOr<Timing> w = RawBaseline(events, flags.batch, base + "/raw");
      if (!w.ok()) return Fail(w.status());
      raw.push_back(*w);
    }
  }
  std::filesystem::remove_all(base);
  const size_t n = records.size();
  // Every measured way must give the same state.
  std::string digest;
  bool same = true;
  int measured = 0;
  for (const std::string* d : {&live_digest, &bulk_digest, &priv_digest}) {
    if (d->empty()) continue;
    ++measured;
    if (digest.empty()) digest = *d;
    same = same && *d == digest;
  }
  std::printf("   rejected %llu; digest %s, %s\n", static_cast<unsigned long long>(rejected),
              digest.substr(0, 16).c_str(),
              measured < 2 ? "(one way measured)"
              : same       ? "equal for every way measured"
                           : "DIFFERENT between the ways measured");
  double best_rate = 0, raw_rate = 0;
  const auto report_bulk = [&](const char* what, const std::vector<Timing>& timings,
                               std::vector<double>& end, std::vector<double>& digests) {
    if (timings.empty()) return;
    best_rate = std::max(best_rate, Report(what, n, timings));
    std::sort(end.begin(), end.end());
    std::printf("   %-22s %.2f s of it (median) in EndBulkLoad: flush, ingestion, compaction\n", "",
                end[end.size() / 2]);
    std::sort(digests.begin(), digests.end());
    std::printf("   %-22s %.3f s (median of the best of 3) for Store::Digest afterwards\n", "",
                digests[digests.size() / 2]);
  };
  report_bulk("rebuild, private bulk", priv, priv_end, priv_digest_seconds);
  report_bulk("rebuild, bulk load", bulk, bulk_end, digest_seconds);
  if (!live.empty()) Report("rebuild, live writes", n, live);
  if (!raw.empty()) raw_rate = Report("raw WriteBatch", n, raw);
  if (best_rate > 0 && raw_rate > 0) {
    std::printf(
        "   best rebuild / raw WriteBatch (wall): %.2f; target >= 250000 events/s wall: %s\n",
        best_rate / raw_rate, best_rate >= 250000 ? "met" : "NOT met");
  }
  return same ? 0 : 1;
}

}  // namespace
}  // namespace cti::projections::bench

int main(int argc, char** argv) {
  using namespace cti::projections::bench;  // NOLINT: a main file
  Flags flags;
  if (!ParseFlags(argc, argv, &flags)) {
    std::fprintf(stderr,
                 "usage: projector_bench [--records N] [--batch N] "
                 "[--mix staff-calendar|call-heavy|offered|both] [--repeat N] [--no-pipeline] "
                 "[--only live|bulk|private|raw] [--dir DIR]\n");
    return 2;
  }
  int status = 0;
  for (Mix mix : flags.mixes) status |= RunMix(mix, flags);
  return status;
}
