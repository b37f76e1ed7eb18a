// Store: RocksDB open / schema-version handling, checkpoint cache, outcomes (the digest:
// store_digest.cc; bulk loads: store_bulk.cc).
#include "projections/store.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "projections/internal/keys.h"
#include "projections/internal/rocks_support.h"
#include "projections/internal/store_impl.h"
#include "rocksdb/cache.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/statistics.h"
#include "rocksdb/table.h"

namespace cti::projections {

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& dir) {
  absl::StatusOr<std::unique_ptr<internal::StoreImpl>> impl = internal::StoreImpl::Open(dir);
  if (!impl.ok()) return impl.status();
  return std::unique_ptr<Store>(std::move(*impl));
}

absl::StatusOr<uint64_t> Store::EventPosition(std::string_view tenant,
                                              std::string_view event_id) const {
  const absl::string_view tenant_view(tenant.data(), tenant.size());
  const absl::string_view id_view(event_id.data(), event_id.size());
  if (tenant.empty() || event_id.empty()) {
    return absl::NotFoundError(absl::StrCat("event_id '", id_view, "' of tenant '", tenant_view,
                                            "' has not been applied"));
  }
  const internal::StoreImpl& impl = internal::ImplOf(*this);
  const std::string key = absl::StrCat(internal::TenantPrefix(tenant_view), id_view);
  rocksdb::PinnableSlice value;
  const rocksdb::Status s = impl.db()->Get(rocksdb::ReadOptions(), impl.cf(internal::Cf::kEventIds),
                                           internal::ToSlice(key), &value);
  if (s.IsNotFound()) {
    return absl::NotFoundError(absl::StrCat("event_id '", id_view, "' of tenant '", tenant_view,
                                            "' has not been applied"));
  }
  if (!s.ok()) return internal::FromRocks(s, "reading an event_id");
  if (value.size() != 8) {
    return absl::DataLossError(
        absl::StrCat("projection store: the entry of event_id '", id_view, "' is malformed"));
  }
  return internal::DecodeBigEndian64(absl::string_view(value.data(), value.size()));
}

namespace internal {
namespace {

rocksdb::Options DbOptions() {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.max_background_jobs = 2;
  // Every flush persists all column families at one batch boundary, so the checkpoint
  // on disk always matches the state on disk, also for writes without the WAL (bulk
  // load, store_bulk.cc).
  options.atomic_flush = true;
  // Tickers only (block cache hits and misses for the metrics): per-core counters, no
  // timing on the read or write path.
  options.statistics = rocksdb::CreateDBStatistics();
  options.statistics->set_stats_level(rocksdb::StatsLevel::kExceptHistogramOrTimers);
  return options;
}

// The memtable insert hint's prefix: TenantPrefix(tenant) and the byte after it (a
// record tag, or the first byte of an event id). Keys without a tenant prefix (meta,
// outcomes) may come out with a shorter or arbitrary prefix: a hint only speeds up.
class TenantTagPrefixTransform final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "cti.TenantTagPrefix"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), PrefixLength(key));
  }
  bool InDomain(const rocksdb::Slice& key) const override { return !key.empty(); }

 private:
  static size_t PrefixLength(const rocksdb::Slice& key) {
    const size_t wanted = 2 + static_cast<unsigned char>(key[0]);
    return wanted < key.size() ? wanted : key.size();
  }
};

std::shared_ptr<const rocksdb::SliceTransform> TenantTagPrefix() {
  static const auto* const transform = new std::shared_ptr<const rocksdb::SliceTransform>(
      std::make_shared<TenantTagPrefixTransform>());
  return *transform;
}

rocksdb::ColumnFamilyOptions CfOptions(const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  rocksdb::ColumnFamilyOptions cf;
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // Most reads of the projector ask for keys that are not there (new event ids, new
  // employees, free extensions): a memtable bloom filter answers those without a search.
  cf.memtable_prefix_bloom_size_ratio = 0.05;
  cf.memtable_whole_key_filtering = true;
  // Projections are written at random keys (ids, tokens): inserting into a small
  // memtable touches far less memory than into a large one, which is what a rebuild
  // spends most of its time on. More, smaller memtables; flushes run in the background.
  cf.write_buffer_size = 4 << 20;
  cf.max_write_buffer_number = 4;
  // A batch is written in key order: each insert starts from where the previous one
  // with the same tenant and tag went in, instead of from the top of the skip list.
  cf.memtable_insert_with_hint_prefix_extractor = TenantTagPrefix();
  // Flushes and the first compactions write data that is rewritten soon: compressing it
  // costs the projector's CPU for little gain. Only the long-lived levels are compressed,
  // with LZ4 (cheaper than Snappy for about the same ratio).
  cf.compression_per_level = {rocksdb::kNoCompression,  rocksdb::kNoCompression,
                              rocksdb::kLZ4Compression, rocksdb::kLZ4Compression,
                              rocksdb::kLZ4Compression, rocksdb::kLZ4Compression,
                              rocksdb::kLZ4Compression};
  return cf;
}

}  // namespace

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.IsNoSpace()) {
    return absl::ResourceExhaustedError(
        absl::StrCat("projection store: the disk is full: ", what, ": ", s.ToString()));
  }
  std::string message = absl::StrCat("projection store: ", what, ": ", s.ToString());
  if (s.IsCorruption()) return absl::DataLossError(message);
  if (s.IsIOError() || s.IsBusy() || s.IsTimedOut() || s.IsTryAgain() || s.IsAborted()) {
    return absl::UnavailableError(message);
  }
  return absl::InternalError(message);
}

StoreImpl& ImplOf(Store& store) { return static_cast<StoreImpl&>(store); }
const StoreImpl& ImplOf(const Store& store) { return static_cast<const StoreImpl&>(store); }

absl::StatusOr<std::unique_ptr<StoreImpl>> StoreImpl::Open(const std::string& dir) {
  std::unique_ptr<StoreImpl> store(new StoreImpl());
  bool fresh = false;
  if (absl::Status s = store->OpenDb(dir, &fresh); !s.ok()) return s;

  std::string version;
  rocksdb::Status got = store->db_->Get(rocksdb::ReadOptions(), store->cf(Cf::kMeta),
                                        ToSlice(kMetaSchemaVersion), &version);
  if (!got.ok() && !got.IsNotFound()) return FromRocks(got, "reading the schema version");
  const bool current =
      got.ok() && version.size() == 4 && DecodeBigEndian32(version) == kSchemaVersion;
  if (!current) {
    if (!fresh) {
      // Another layout (or an unfinished first open): start over; the log has the truth.
      store->CloseDb();
      rocksdb::Status destroyed = rocksdb::DestroyDB(dir, DbOptions());
      if (!destroyed.ok()) return FromRocks(destroyed, "wiping a store of another schema version");
      if (absl::Status s = store->OpenDb(dir, &fresh); !s.ok()) return s;
    }
    std::string encoded;
    AppendBigEndian32(&encoded, kSchemaVersion);
    rocksdb::WriteOptions sync;
    sync.sync = true;
    rocksdb::Status put =
        store->db_->Put(sync, store->cf(Cf::kMeta), ToSlice(kMetaSchemaVersion), encoded);
    if (!put.ok()) return FromRocks(put, "writing the schema version");
    store->was_reset_ = true;
  }
  if (absl::Status s = store->LoadCache(); !s.ok()) return s;
  // The projector's filter of keys (store_key_filter.cc): a store that starts empty
  // gets every key through Commit; any other is scanned in the background once the
  // projector writes to it.
  if (store->was_reset_) store->written_keys_ = std::make_unique<WrittenKeys>();
  return store;
}

absl::Status StoreImpl::OpenDb(const std::string& dir, bool* fresh) {
  rocksdb::Options options = DbOptions();
  options.info_log = cti::rocks::NewInfoLog(dir);
  options.listeners.push_back(cti::rocks::NewResumeByOwner());
  std::vector<std::string> existing;
  *fresh = !rocksdb::DB::ListColumnFamilies(options, dir, &existing).ok();
  auto cache = rocksdb::NewLRUCache(64 << 20);
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, CfOptions(cache));
  for (int i = 0; i < kCfCount; ++i) {
    descriptors.emplace_back(std::string(CfName(static_cast<Cf>(i))), CfOptions(cache));
  }
  for (const std::string& name : existing) {  // families of other schema versions
    bool known = false;
    for (const auto& d : descriptors) known = known || d.name == name;
    if (!known) descriptors.emplace_back(name, CfOptions(cache));
  }
  rocksdb::Status s;
  if (*fresh) {
    // A new store starts with automatic compactions off: it is about to be filled by a
    // bulk load, and turning them off costs a rewrite of the options file per family.
    // EndBulkLoad turns them on, or the live path once one is due (store_bulk.cc).
    for (rocksdb::ColumnFamilyDescriptor& d : descriptors)
      d.options.disable_auto_compactions = true;
    compactions_off_ = true;
    // A new database: the families are made in one call after the open. Made one by
    // one by the open, each costs its own MANIFEST and OPTIONS file writes (some 35
    // fsyncs in all, most of a rebuild's first 150 ms on this kind of disk).
    s = rocksdb::DB::Open(options, dir, {descriptors.front()}, &all_handles_, &db_);
    std::vector<std::string> names;
    for (size_t i = 1; i < descriptors.size(); ++i) names.push_back(descriptors[i].name);
    std::vector<rocksdb::ColumnFamilyHandle*> created;
    if (s.ok()) s = db_->CreateColumnFamilies(descriptors[1].options, names, &created);
    all_handles_.insert(all_handles_.end(), created.begin(), created.end());
    if (!s.ok()) CloseDb();
  } else {
    s = rocksdb::DB::Open(options, dir, descriptors, &all_handles_, &db_);
  }
  if (!s.ok()) return FromRocks(s, absl::StrCat("opening ", dir));
  dir_ = dir;
  handle_list_.clear();
  for (int i = 0; i < kCfCount; ++i) {
    handles_[i] = all_handles_[i + 1];
    handle_list_.push_back(handles_[i]);
  }
  return absl::OkStatus();
}

absl::Status StoreImpl::LoadCache() {
  absl::MutexLock lock(&mu_);
  checkpoints_.clear();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf(Cf::kMeta)));
  for (it->Seek(ToSlice(kMetaCheckpointPrefix)); it->Valid(); it->Next()) {
    absl::string_view key(it->key().data(), it->key().size());
    if (!absl::StartsWith(key, kMetaCheckpointPrefix)) break;
    key.remove_prefix(kMetaCheckpointPrefix.size());
    if (key.size() != 4 || it->value().size() != 8) {
      return absl::DataLossError("projection store: malformed checkpoint record");
    }
    checkpoints_[static_cast<int>(DecodeBigEndian32(key))] =
        DecodeBigEndian64(absl::string_view(it->value().data(), 8));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading checkpoints");
  for (auto [key, counter] : {std::pair{kMetaRecordsApplied, &records_applied_},
                              std::pair{kMetaRecordsRejected, &records_rejected_}}) {
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf(Cf::kMeta), ToSlice(key), &value);
    if (s.IsNotFound()) {
      *counter = 0;
    } else if (!s.ok()) {
      return FromRocks(s, "reading counters");
    } else if (value.size() != 8) {
      return absl::DataLossError("projection store: malformed counter record");
    } else {
      *counter = DecodeBigEndian64(value);
    }
  }
  return absl::OkStatus();
}

StoreImpl::~StoreImpl() { CloseDb(); }

void StoreImpl::CloseDb() {
  if (db_ == nullptr) return;
  if (write_failed_) {
    AbandonDb();
    return;
  }
  // A private bulk load left unfinished: its staged writes are dropped (the store is
  // marked incomplete on disk), after its background ingestion has stopped.
  staged_.reset();
  StopKeyFilterScan();
  if (compaction_thread_.joinable()) {
    db_->DisableManualCompaction();  // a compaction after a load need not finish
    compaction_thread_.join();
  }
  private_bulk_.store(false, std::memory_order_relaxed);
  for (rocksdb::ColumnFamilyHandle* h : all_handles_)
    db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  all_handles_.clear();
  handles_.fill(nullptr);
  db_->Close().PermitUncheckedError();
  delete db_;
  db_ = nullptr;
}

absl::Status StoreImpl::Close() {
  if (db_ == nullptr) return absl::OkStatus();
  if (write_failed_) {
    AbandonDb();
    return absl::UnavailableError(
        "projection store: a write failed (is the disk full?), so the store was left as "
        "after a crash instead of closed; the next start recovers it at its last "
        "checkpoint and replays from the log what it lacks");
  }
  absl::Status closed;
  if (rocksdb::Status synced = db_->SyncWAL(); !synced.ok()) {
    closed = FromRocks(synced, "syncing the write-ahead log on close");
  }
  CloseDb();
  return closed;
}

void StoreImpl::AbandonDb() {
  // After a failed write RocksDB 7.8 may hold a WAL file whose writer refuses every
  // call, and both a close (which writes to it) and a DB::Resume (whose flush syncs it,
  // and which can then wait forever: seen when a background flush had failed just
  // before) are unsafe. Nothing that was acknowledged needs them: every committed batch
  // is in the WAL files (written, if not synced), and the store is crash-consistent. So
  // background work is stopped (running jobs end; none start) and the database object
  // is left open until the process ends, as if the process had crashed here.
  staged_.reset();
  StopKeyFilterScan();
  if (compaction_thread_.joinable()) {
    db_->DisableManualCompaction();
    compaction_thread_.join();
  }
  db_->PauseBackgroundWork().PermitUncheckedError();
  private_bulk_.store(false, std::memory_order_relaxed);
  all_handles_.clear();
  handles_.fill(nullptr);
  [[maybe_unused]] rocksdb::DB* abandoned = db_;  // deliberately not deleted
  db_ = nullptr;
}

uint64_t StoreImpl::AppliedPosition(int partition) const {
  absl::MutexLock lock(&mu_);
  auto it = checkpoints_.find(partition);
  return it == checkpoints_.end() ? 0 : it->second;
}

uint64_t StoreImpl::records_applied() const {
  absl::MutexLock lock(&mu_);
  return records_applied_;
}

Store::EngineStats StoreImpl::engine_stats() const {
  EngineStats stats;
  if (db_ == nullptr) return stats;
  const std::shared_ptr<rocksdb::Statistics> statistics = db_->GetDBOptions().statistics;
  if (statistics != nullptr) {
    stats.block_cache_hits = statistics->getTickerCount(rocksdb::BLOCK_CACHE_HIT);
    stats.block_cache_misses = statistics->getTickerCount(rocksdb::BLOCK_CACHE_MISS);
  }
  const auto sum = [this](const char* property, uint64_t* out) {
    if (!db_->GetAggregatedIntProperty(property, out)) *out = 0;
  };
  sum(rocksdb::DB::Properties::kEstimatePendingCompactionBytes.c_str(),
      &stats.pending_compaction_bytes);
  sum(rocksdb::DB::Properties::kLiveSstFilesSize.c_str(), &stats.live_sst_bytes);
  sum(rocksdb::DB::Properties::kCurSizeAllMemTables.c_str(), &stats.memtable_bytes);
  // One cache is shared by every family: read it once.
  if (!db_->GetIntProperty(rocksdb::DB::Properties::kBlockCacheUsage, &stats.block_cache_bytes)) {
    stats.block_cache_bytes = 0;
  }
  return stats;
}

uint64_t StoreImpl::records_rejected() const {
  absl::MutexLock lock(&mu_);
  return records_rejected_;
}

absl::Status StoreImpl::Commit(rocksdb::WriteBatch* batch, int partition, uint64_t position,
                               uint64_t applied, uint64_t rejected) {
  uint64_t new_applied, new_rejected;
  {
    absl::MutexLock lock(&mu_);
    new_applied = records_applied_ + applied;
    new_rejected = records_rejected_ + rejected;
  }
  rocksdb::Status s =
      batch->Put(cf(Cf::kMeta), CheckpointKey(partition), EncodeBigEndian64(position));
  if (s.ok())
    s = batch->Put(cf(Cf::kMeta), ToSlice(kMetaRecordsApplied), EncodeBigEndian64(new_applied));
  if (s.ok())
    s = batch->Put(cf(Cf::kMeta), ToSlice(kMetaRecordsRejected), EncodeBigEndian64(new_rejected));
  if (!s.ok()) return FromRocks(s, "writing an applied batch");
  rocksdb::WriteOptions write;
  write.disableWAL = bulk_loading();  // see store_bulk.cc
  if (!write.disableWAL) {
    if (absl::Status prepared = PrepareLoggedWrite(); !prepared.ok()) {
      write_failed_ = true;
      return prepared;
    }
  }
  s = db_->Write(write, batch);
  if (!s.ok()) {
    write_failed_ = true;
    return FromRocks(s, "writing an applied batch");
  }
  // A new store written by the live path without a bulk load first: compactions go on
  // once one is due (store_bulk.cc).
  if (compactions_off_ && !bulk_loading()) MaybeTurnOnCompactions();
  absl::MutexLock lock(&mu_);
  checkpoints_[partition] = position;
  records_applied_ = new_applied;
  records_rejected_ = new_rejected;
  return absl::OkStatus();
}

absl::Status StoreImpl::PrepareLoggedWrite() {
  rocksdb::Status s;
  // A failed write (or a failed background flush before it) stopped RocksDB's writes
  // until DB::Resume, which flushes the memtables; OK at once when nothing is stopped.
  if (write_failed_ && !(s = db_->Resume()).ok()) {
    return FromRocks(s, "resuming after a failed write");
  }
  // A WAL write that fails while every active memtable is empty (just after a flush, a
  // Resume or an open, or after a switch to new memtables that this very write would
  // make) leaves RocksDB 7.8 writing to a WAL file whose writer refuses all further
  // writes: DB::Resume switches to a new WAL file only when it has a memtable to flush
  // (RocksDB issue 11643, fixed upstream in 2024), and Debian's librocksdb ends the
  // process there with an assertion. So before each logged write one entry goes into the memtable,
  // without the WAL: the deletion of a key that is never written (no state, no digest change). A
  // memtable switch that is due happens in this write, so the logged one finds the entry in its
  // memtable.
  rocksdb::WriteOptions memtable_only;
  memtable_only.disableWAL = true;
  constexpr absl::string_view kNeverWritten = "memtable-entry/never-written";
  s = db_->Delete(memtable_only, cf(Cf::kMeta), ToSlice(kNeverWritten));
  if (!s.ok()) return FromRocks(s, "writing an applied batch");
  write_failed_ = false;
  return absl::OkStatus();
}

absl::StatusOr<cti::v1::ApplyOutcome> StoreImpl::OutcomeAt(int partition, uint64_t position) const {
  if (position == 0 || position > AppliedPosition(partition)) {
    return absl::NotFoundError(
        absl::StrCat("position ", position, " of partition ", partition, " has not been applied"));
  }
  cti::v1::ApplyOutcome outcome;
  const std::string key = OutcomeKey(partition, position);
  std::string value;
  const std::string* staged_value = nullptr;
  const ReadCache::Known staged_known = staged_ != nullptr
                                            ? staged_->Lookup(Cf::kOutcomes, key, &staged_value)
                                            : ReadCache::Known::kUnknown;
  if (staged_known == ReadCache::Known::kAbsent) return outcome;
  if (staged_known == ReadCache::Known::kPresent) {
    value = *staged_value;
  } else {
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf(Cf::kOutcomes), key, &value);
    if (s.IsNotFound()) return outcome;  // only rejections are stored
    if (!s.ok()) return FromRocks(s, "reading an outcome");
  }
  if (!outcome.ParseFromString(value)) {
    return absl::DataLossError(
        absl::StrCat("projection store: outcome at position ", position, " cannot be parsed"));
  }
  return outcome;
}

}  // namespace internal
}  // namespace cti::projections
