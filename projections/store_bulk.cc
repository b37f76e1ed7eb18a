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
//
// A private bulk load also stages the writes of some families in memory (staged.h) and
// ingests them as table files; what is on disk is then not a consistent prefix until
// EndBulkLoad has ingested and flushed everything. So the load starts by deleting the
// schema version (a synced write) and EndBulkLoad writes it back last (synced): a store
// opened without it is wiped, as one of another schema version is.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "projections/internal/store_impl.h"

namespace cti::projections::internal {
namespace {

// After a bulk load, level-0 files beyond this count in a family are compacted before
// the live path writes again: RocksDB slows writes from 20 level-0 files on.
constexpr uint64_t kMaxLevel0FilesAfterLoad = 8;

// A new store written by the live path (no bulk load) turns automatic compactions on
// when a family has as many level-0 files as start a compaction (RocksDB's default),
// looked at every this many batches.
constexpr uint64_t kLevel0CompactionTrigger = 4;
constexpr int kCommitsPerCompactionCheck = 64;

// A private bulk load writes its staged families out in chunks of this many bytes of
// keys and values (about twice that in memory; two chunks at most).
constexpr size_t kStagedChunkBytes = size_t{4} << 20;

absl::Status WriteSchemaVersion(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* meta, bool present) {
  rocksdb::WriteOptions sync;
  sync.sync = true;
  rocksdb::Status s;
  if (present) {
    std::string encoded;
    AppendBigEndian32(&encoded, kSchemaVersion);
    s = db->Put(sync, meta, ToSlice(kMetaSchemaVersion), encoded);
  } else {
    s = db->Delete(sync, meta, ToSlice(kMetaSchemaVersion));
  }
  if (!s.ok()) return FromRocks(s, "writing the schema version");
  return absl::OkStatus();
}

// Level-0 files of `cf` (0 when RocksDB does not say).
uint64_t Level0Files(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) {
  std::string value;  // a string property: GetIntProperty does not know it
  uint64_t files = 0;
  if (!db->GetProperty(cf, "rocksdb.num-files-at-level0", &value) ||
      !absl::SimpleAtoi(value, &files)) {
    return 0;
  }
  return files;
}

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
  if (absl::Status s = TurnOffCompactions(); !s.ok()) return s;
  StartBulkWrites();
  return absl::OkStatus();
}

absl::Status StoreImpl::TurnOffCompactions() {
  if (compactions_off_) return absl::OkStatus();
  JoinCompactionThread();
  if (absl::Status s = SetCfOption("disable_auto_compactions", "true"); !s.ok()) {
    SetCfOption("disable_auto_compactions", "false").IgnoreError();  // as before, if it can
    return s;
  }
  compactions_off_ = true;
  return absl::OkStatus();
}

void StoreImpl::JoinCompactionThread() {
  if (compaction_thread_.joinable()) compaction_thread_.join();
}

absl::Status StoreImpl::TurnOnCompactions(bool in_background) {
  if (!compactions_off_) return absl::OkStatus();
  compactions_off_ = false;
  JoinCompactionThread();
  // Turns them on, then compacts the families a load left with many level-0 files.
  auto turn_on = [this]() -> absl::Status {
    if (absl::Status s = SetCfOption("disable_auto_compactions", "false"); !s.ok()) return s;
    for (rocksdb::ColumnFamilyHandle* handle : handles_) {
      if (Level0Files(db_, handle) <= kMaxLevel0FilesAfterLoad) continue;
      rocksdb::CompactRangeOptions compact;
      compact.exclusive_manual_compaction = false;
      rocksdb::Status s = db_->CompactRange(compact, handle, nullptr, nullptr);
      if (!s.ok()) return FromRocks(s, "compacting after a bulk load");
    }
    return absl::OkStatus();
  };
  if (!in_background) return turn_on();
  // RocksDB's options are safe to set from any thread; a failure costs speed only.
  compaction_thread_ = std::thread([turn_on] { turn_on().IgnoreError(); });
  return absl::OkStatus();
}

void StoreImpl::MaybeTurnOnCompactions() {
  if (++commits_since_check_ < kCommitsPerCompactionCheck) return;
  commits_since_check_ = 0;
  for (rocksdb::ColumnFamilyHandle* handle : handles_) {
    if (Level0Files(db_, handle) >= kLevel0CompactionTrigger) {
      TurnOnCompactions(/*in_background=*/true).IgnoreError();
      return;
    }
  }
}

void StoreImpl::StartBulkWrites() {
  bool empty = false;
  {
    absl::MutexLock lock(&mu_);
    empty = checkpoints_.empty() && records_applied_ == 0;
  }
  // From an empty store, every key is written through the projector: keep a filter of
  // them, so that lookups of new keys need not go to RocksDB (kept after the load).
  // (A store opened with data gets its filter from a scan, store_key_filter.cc.)
  if (empty && written_keys_ == nullptr && !scan_started_) {
    written_keys_ = std::make_unique<WrittenKeys>();
  }
  bulk_loading_.store(true, std::memory_order_relaxed);
}

absl::Status StoreImpl::BeginPrivateBulkLoad() {
  if (staged_ != nullptr) return absl::OkStatus();
  if (bulk_loading()) {
    return absl::FailedPreconditionError(
        "projection store: a shared bulk load is running; it cannot become private");
  }
  if (absl::Status s = TurnOffCompactions(); !s.ok()) return s;  // (a new store: already)
  // Marked incomplete before anything is staged (see above).
  if (absl::Status s = WriteSchemaVersion(db_, cf(Cf::kMeta), /*present=*/false); !s.ok()) {
    return s;
  }
  staged_ = std::make_unique<Staging>(db_, handle_list_, dir_, kStagedChunkBytes);
  // Staged families are read from the staging area; the read cache must not hold them
  // (it would keep values that are replaced in the staging area).
  projector_cache_.SetSkipStaged(true);
  private_bulk_.store(true, std::memory_order_relaxed);
  StartBulkWrites();
  return absl::OkStatus();
}

absl::Status StoreImpl::EndBulkLoad() {
  if (!bulk_loading()) return absl::OkStatus();
  if (!private_failure_.ok()) return private_failure_;
  if (staged_ != nullptr) {
    if (absl::Status s = staged_->IngestAll(); !s.ok()) return s;
  }
  rocksdb::FlushOptions flush;
  flush.wait = true;
  flush.allow_write_stall = true;
  const std::vector<rocksdb::ColumnFamilyHandle*> handles(handles_.begin(), handles_.end());
  rocksdb::Status flushed = db_->Flush(flush, handles);
  if (!flushed.ok()) return FromRocks(flushed, "flushing a bulk load");
  // Everything applied is on disk now: later writes may use the WAL again.
  const bool was_private = staged_ != nullptr;
  if (was_private) {
    if (absl::Status s = WriteSchemaVersion(db_, cf(Cf::kMeta), /*present=*/true); !s.ok()) {
      return s;
    }
    staged_.reset();
    projector_cache_.SetSkipStaged(false);
    private_bulk_.store(false, std::memory_order_relaxed);
  }
  bulk_loading_.store(false, std::memory_order_relaxed);
  // A rebuild's generation is switched to and digested right after this: its
  // compactions (the staged families' later files sit in level 0) go on once the live
  // path writes and they are due, not in the middle of that.
  if (was_private) return absl::OkStatus();
  // A shared load (a start-up replay) ends with the store about to serve: its
  // compactions run beside that rather than before it.
  return TurnOnCompactions(/*in_background=*/true);
}

}  // namespace cti::projections::internal
