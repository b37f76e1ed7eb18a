// The projector's filter of the keys a store holds (store_impl.h written_keys(),
// internal/written_keys.h): it answers "absent" for new keys (event ids, calls,
// messages) without a RocksDB lookup, which is most of what a new key costs to read.
//
// A store opened empty (or bulk loaded from empty) gets its filter at once: every key
// reaches it through Commit. A store opened with data gets one from a background scan
// once it is written (a store only read, e.g. by a benchmark, is never scanned): the
// projector's first batch takes a snapshot and starts a thread (at the lowest CPU
// priority) that adds every key of the snapshot to a new filter, while every batch
// committed meanwhile adds its keys to the same filter (under its lock). When the scan
// ends the filter holds every key of the store, and the projector takes it between two
// batches (AdoptKeyFilter).
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "projections/internal/store_impl.h"
#include "rocksdb/perf_level.h"

namespace cti::projections::internal {
namespace {

constexpr size_t kScanChunk = 4096;  // keys added under one lock

}  // namespace

void StoreImpl::WithKeyFilter(absl::FunctionRef<void(WrittenKeys*)> fn) const {
  if (!scanning_.load(std::memory_order_acquire)) {
    fn(written_keys());
    return;
  }
  absl::MutexLock lock(&filter_mu_);
  fn(building_ != nullptr && !building_->full() ? building_.get() : nullptr);
}

void StoreImpl::AdoptKeyFilter() {
  if (written_keys_ == nullptr && !scan_started_) {
    scan_started_ = true;
    StartKeyFilterScan();
    return;
  }
  if (!scanned_.load(std::memory_order_acquire) || !scanning_.load(std::memory_order_relaxed)) {
    return;
  }
  if (scan_thread_.joinable()) scan_thread_.join();
  absl::MutexLock lock(&filter_mu_);
  written_keys_ = std::move(building_);
  scanning_.store(false, std::memory_order_release);
}

void StoreImpl::StartKeyFilterScan() {
  {
    absl::MutexLock lock(&filter_mu_);
    building_ = std::make_unique<WrittenKeys>();
  }
  scanning_.store(true, std::memory_order_release);
  const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
  scan_thread_ = std::thread([this, snapshot] { ScanKeys(snapshot); });
}

void StoreImpl::StopKeyFilterScan() {
  stop_scan_.store(true, std::memory_order_relaxed);
  if (scan_thread_.joinable()) scan_thread_.join();
  absl::MutexLock lock(&filter_mu_);
  building_.reset();
  scanning_.store(false, std::memory_order_release);
}

void StoreImpl::ScanKeys(const rocksdb::Snapshot* snapshot) {
  // Background work: it must not take the CPU from the projector or the queries.
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 19);
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);  // nobody reads the counters
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  read.fill_cache = false;
  std::vector<std::pair<Cf, std::string>> chunk;
  chunk.reserve(kScanChunk);
  bool complete = true;
  auto add = [&] {
    absl::MutexLock lock(&filter_mu_);
    for (const auto& [cf, key] : chunk) building_->Add(cf, key);
    chunk.clear();
  };
  for (int i = 0; i < kCfCount && complete; ++i) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, handles_[i]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      chunk.emplace_back(static_cast<Cf>(i), it->key().ToString());
      if (chunk.size() < kScanChunk) continue;
      add();
      if (stop_scan_.load(std::memory_order_relaxed)) break;
    }
    // An error or a stop leaves the filter incomplete: it is never adopted.
    if (!it->status().ok() || stop_scan_.load(std::memory_order_relaxed)) complete = false;
  }
  if (complete) add();
  db_->ReleaseSnapshot(snapshot);
  if (complete) {
    scanned_.store(true, std::memory_order_release);
  } else {  // no filter after all: batches stop adding keys to it
    absl::MutexLock lock(&filter_mu_);
    building_.reset();
  }
}

}  // namespace cti::projections::internal
