// Store bulk load (store.h): writes without the WAL and without automatic compactions
// while a store is filled from far behind the log, then one flush.
//
// Why this is crash-safe: the store is opened with atomic_flush, so RocksDB persists the
// memtables of all column families together, at a point between two write batches.
// Each batch holds the state and the checkpoint of the records it applied, so whatever
// was flushed before a crash is the state of records 1..p with checkpoint p. What was
// only in memtables is lost, and the projector applies it again from the log. Writes
// with the WAL must not follow unflushed writes without it (a replayed WAL would then
// sit on a state missing the earlier batches), so EndBulkLoad flushes before it turns
// the WAL back on.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "projections/internal/store_impl.h"

namespace cti::projections::internal {
namespace {

// After a bulk load, level-0 files beyond this count in a family are compacted before
// the live path writes again: RocksDB slows writes from 20 level-0 files on.
constexpr uint64_t kMaxLevel0FilesAfterLoad = 8;

}  // namespace

absl::Status StoreImpl::SetCfOption(const std::string& option, const std::string& value) {
  for (rocksdb::ColumnFamilyHandle* handle : handles_) {
    rocksdb::Status s = db_->SetOptions(handle, {{option, value}});
    if (!s.ok()) return FromRocks(s, absl::StrCat("setting ", option, " to ", value));
  }
  return absl::OkStatus();
}

absl::Status StoreImpl::BeginBulkLoad() {
  if (bulk_loading()) return absl::OkStatus();
  if (absl::Status s = SetCfOption("disable_auto_compactions", "true"); !s.ok()) {
    SetCfOption("disable_auto_compactions", "false").IgnoreError();  // as before, if it can
    return s;
  }
  bool empty = false;
  {
    absl::MutexLock lock(&mu_);
    empty = checkpoints_.empty() && records_applied_ == 0;
  }
  // From an empty store, every key is written through the projector: keep a filter of
  // them, so that lookups of new keys need not go to RocksDB.
  if (empty) written_keys_ = std::make_unique<WrittenKeys>();
  bulk_loading_.store(true, std::memory_order_relaxed);
  return absl::OkStatus();
}

absl::Status StoreImpl::EndBulkLoad() {
  if (!bulk_loading()) return absl::OkStatus();
  rocksdb::FlushOptions flush;
  flush.wait = true;
  flush.allow_write_stall = true;
  const std::vector<rocksdb::ColumnFamilyHandle*> handles(handles_.begin(), handles_.end());
  rocksdb::Status flushed = db_->Flush(flush, handles);
  if (!flushed.ok()) return FromRocks(flushed, "flushing a bulk load");
  // Everything applied is on disk now: later writes may use the WAL again.
  bulk_loading_.store(false, std::memory_order_relaxed);
  written_keys_.reset();
  if (absl::Status s = SetCfOption("disable_auto_compactions", "false"); !s.ok()) return s;
  for (rocksdb::ColumnFamilyHandle* handle : handles_) {
    uint64_t level0 = 0;
    if (!db_->GetIntProperty(handle, "rocksdb.num-files-at-level0", &level0) ||
        level0 <= kMaxLevel0FilesAfterLoad) {
      continue;
    }
    rocksdb::CompactRangeOptions compact;
    compact.exclusive_manual_compaction = false;
    rocksdb::Status s = db_->CompactRange(compact, handle, nullptr, nullptr);
    if (!s.ok()) return FromRocks(s, "compacting after a bulk load");
  }
  return absl::OkStatus();
}

}  // namespace cti::projections::internal
