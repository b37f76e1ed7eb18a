// StoreImpl: the one implementation of Store (RocksDB with one column family per
// projection). Internal to projections/: Projector, Validate and the query classes use
// the column family handles and Commit(); everyone else sees only Store.
#ifndef CTI_PROJECTIONS_INTERNAL_STORE_IMPL_H_
#define CTI_PROJECTIONS_INTERNAL_STORE_IMPL_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "projections/internal/keys.h"
#include "projections/internal/read_cache.h"
#include "projections/internal/staged.h"
#include "projections/internal/written_keys.h"
#include "projections/store.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace cti::projections::internal {

class StoreImpl final : public Store {
 public:
  static absl::StatusOr<std::unique_ptr<StoreImpl>> Open(const std::string& dir);
  ~StoreImpl() override;

  bool was_reset() const override { return was_reset_; }
  uint64_t AppliedPosition(int partition) const override;
  uint64_t records_applied() const override;
  uint64_t records_rejected() const override;
  EngineStats engine_stats() const override;
  absl::StatusOr<cti::v1::ApplyOutcome> OutcomeAt(int partition, uint64_t position) const override;
  absl::StatusOr<std::string> Digest() const override;
  absl::Status BeginBulkLoad() override;
  absl::Status EndBulkLoad() override;
  bool bulk_loading() const override { return bulk_loading_.load(std::memory_order_relaxed); }
  absl::Status BeginPrivateBulkLoad() override;
  absl::Status Close() override;
  rocksdb::DB* db() const override { return db_; }

  // The handle of column family `cf`. Valid until Close().
  rocksdb::ColumnFamilyHandle* cf(Cf cf) const { return handles_[static_cast<int>(cf)]; }

  // Adds to `batch` the checkpoint `position` of `partition` and the counters advanced
  // by `applied` and `rejected`, writes it in one RocksDB write, and on success updates
  // the cached checkpoint and counters. After a failed write (e.g. RESOURCE_EXHAUSTED:
  // the disk is full) nothing changed, and the next call first resumes RocksDB's writes
  // (an error then if it cannot yet). REQUIRES: one caller at a time (the projector).
  absl::Status Commit(rocksdb::WriteBatch* batch, int partition, uint64_t position,
                      uint64_t applied, uint64_t rejected);

  // The projector's cache of committed values (see read_cache.h). For the one thread
  // that calls Commit only.
  ReadCache& projector_cache() const { return projector_cache_; }

  // A filter of every key the store holds (see written_keys.h): for a store that was
  // empty when it was opened or when a bulk load began, from then on; for any other
  // store once a background scan of its keys (started by the first AdoptKeyFilter, so
  // only for a store that is written) has ended and AdoptKeyFilter took it. Null
  // otherwise (and once the filter is full). For the one thread that calls Commit only.
  WrittenKeys* written_keys() const {
    return written_keys_ != nullptr && !written_keys_->full() ? written_keys_.get() : nullptr;
  }
  // Calls fn with where the keys a batch is about to write must be added before it is
  // committed: written_keys(), the filter being built (under its lock, for the length
  // of the call), or null. For the one thread that calls Commit only.
  void WithKeyFilter(absl::FunctionRef<void(WrittenKeys*)> fn) const;
  // Starts the background scan when the store has no filter yet (the first time), or
  // takes the filter the scan finished, if it has. For the one thread that calls Commit
  // only, before each batch.
  void AdoptKeyFilter();

  // During a private bulk load: the staged writes (see staged.h); null otherwise. For
  // the one thread that calls Commit only.
  Staging* staged() const { return staged_.get(); }
  // A private bulk load that met a storage error part-way through a batch cannot go
  // on (the staged writes and the checkpoint no longer agree): Apply and EndBulkLoad
  // answer private_failure() from then on. For the one thread that calls Commit only.
  void FailPrivateBulkLoad(const absl::Status& status) {
    if (private_failure_.ok()) private_failure_ = status;
  }
  const absl::Status& private_failure() const { return private_failure_; }

 private:
  StoreImpl() = default;
  absl::Status OpenDb(const std::string& dir, bool* fresh);
  // Before a write with the WAL: DB::Resume after a failed one, then an entry in the
  // memtable (see store.cc). Errors: the failure (RESOURCE_EXHAUSTED on a full disk).
  absl::Status PrepareLoggedWrite();
  // Leaves the database open without closing it, as a crash would (see store.cc): for a
  // store whose last write failed. Afterwards db_ is null.
  void AbandonDb();
  bool write_failed_ = false;  // the last Commit's write failed; writer thread only
  absl::Status LoadCache();
  // Sets `option` to `value` in every column family (RocksDB's mutable options).
  absl::Status SetCfOption(const std::string& option, const std::string& value);
  // The part of a bulk load's start both kinds share: the key filter, no WAL.
  void StartBulkWrites();
  void CloseDb();

  rocksdb::DB* db_ = nullptr;
  std::array<rocksdb::ColumnFamilyHandle*, kCfCount> handles_{};
  std::vector<rocksdb::ColumnFamilyHandle*> all_handles_;  // incl. default and unknown
  bool was_reset_ = false;
  // Set and cleared by the one writer; read by Commit (same thread) and bulk_loading().
  std::atomic<bool> bulk_loading_{false};
  mutable ReadCache projector_cache_;
  mutable std::unique_ptr<WrittenKeys> written_keys_;
  // The background scan that builds a key filter for a store opened with data.
  void StartKeyFilterScan();
  void StopKeyFilterScan();
  void ScanKeys(const rocksdb::Snapshot* snapshot);
  mutable absl::Mutex filter_mu_;
  mutable std::unique_ptr<WrittenKeys> building_ ABSL_GUARDED_BY(filter_mu_);
  mutable std::atomic<bool> scanning_{false};  // building_ is in use
  std::atomic<bool> scanned_{false};           // the scan ended; building_ is complete
  std::atomic<bool> stop_scan_{false};
  bool scan_started_ = false;  // writer thread
  std::thread scan_thread_;
  // Automatic compactions are off (a new store, or BeginBulkLoad) until EndBulkLoad
  // turns them on, or the live path once a family has as many level-0 files as would
  // start one (then, or on a thread of its own, see store_bulk.cc). Writer thread only.
  bool compactions_off_ = false;
  int commits_since_check_ = 0;
  void MaybeTurnOnCompactions();
  absl::Status TurnOnCompactions(bool in_background);
  absl::Status TurnOffCompactions();
  void JoinCompactionThread();
  std::thread compaction_thread_;
  std::string dir_;
  std::vector<rocksdb::ColumnFamilyHandle*> handle_list_;  // handles_ as a vector
  // A private bulk load: staged_ is set, and private_bulk_ (read by Digest from any
  // thread) is true.
  std::unique_ptr<Staging> staged_;
  std::atomic<bool> private_bulk_{false};
  absl::Status private_failure_;

  mutable absl::Mutex mu_;
  std::map<int, uint64_t> checkpoints_ ABSL_GUARDED_BY(mu_);
  uint64_t records_applied_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t records_rejected_ ABSL_GUARDED_BY(mu_) = 0;
};

// The StoreImpl behind `store`. REQUIRES: `store` was made by Store::Open.
StoreImpl& ImplOf(Store& store);
const StoreImpl& ImplOf(const Store& store);

// absl::string_view (not std::string_view in this Abseil) as a rocksdb::Slice.
inline rocksdb::Slice ToSlice(absl::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

// A RocksDB status as an absl::Status (never one of the rule codes INVALID_ARGUMENT,
// NOT_FOUND, FAILED_PRECONDITION: storage failures are RESOURCE_EXHAUSTED "projection
// store: the disk is full: ..." for a full disk, else UNAVAILABLE, DATA_LOSS or
// INTERNAL). REQUIRES: !s.ok() and !s.IsNotFound().
absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what);

}  // namespace cti::projections::internal

#endif  // CTI_PROJECTIONS_INTERNAL_STORE_IMPL_H_
