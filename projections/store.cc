// Store: RocksDB open / schema-version handling, checkpoint cache, outcomes, digest.
#include "projections/store.h"

#include <openssl/evp.h>

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "projections/internal/keys.h"
#include "projections/internal/store_impl.h"
#include "rocksdb/cache.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/slice_transform.h"
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
  cf.compression_per_level = {rocksdb::kNoCompression, rocksdb::kNoCompression,
                              rocksdb::kLZ4Compression, rocksdb::kLZ4Compression,
                              rocksdb::kLZ4Compression, rocksdb::kLZ4Compression,
                              rocksdb::kLZ4Compression};
  return cf;
}

}  // namespace

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
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
  return store;
}

absl::Status StoreImpl::OpenDb(const std::string& dir, bool* fresh) {
  rocksdb::Options options = DbOptions();
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
  rocksdb::Status s = rocksdb::DB::Open(options, dir, descriptors, &all_handles_, &db_);
  if (!s.ok()) return FromRocks(s, absl::StrCat("opening ", dir));
  for (int i = 0; i < kCfCount; ++i) handles_[i] = all_handles_[i + 1];
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
  rocksdb::Status synced = db_->SyncWAL();
  CloseDb();
  if (!synced.ok()) return FromRocks(synced, "syncing the write-ahead log on close");
  return absl::OkStatus();
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
  rocksdb::WriteOptions write;
  write.disableWAL = bulk_loading();  // see store_bulk.cc
  if (s.ok()) s = db_->Write(write, batch);
  if (!s.ok()) return FromRocks(s, "writing an applied batch");
  absl::MutexLock lock(&mu_);
  checkpoints_[partition] = position;
  records_applied_ = new_applied;
  records_rejected_ = new_rejected;
  return absl::OkStatus();
}

absl::StatusOr<cti::v1::ApplyOutcome> StoreImpl::OutcomeAt(int partition, uint64_t position) const {
  if (position == 0 || position > AppliedPosition(partition)) {
    return absl::NotFoundError(
        absl::StrCat("position ", position, " of partition ", partition, " has not been applied"));
  }
  cti::v1::ApplyOutcome outcome;
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), cf(Cf::kOutcomes), OutcomeKey(partition, position), &value);
  if (s.IsNotFound()) return outcome;  // only rejections are stored
  if (!s.ok()) return FromRocks(s, "reading an outcome");
  if (!outcome.ParseFromString(value)) {
    return absl::DataLossError(
        absl::StrCat("projection store: outcome at position ", position, " cannot be parsed"));
  }
  return outcome;
}

absl::StatusOr<std::string> StoreImpl::Digest() const {
  const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  read.fill_cache = false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  // Framing: 'C' len name for a family, 'E' len key len value for an entry; lengths are
  // big-endian 32-bit, so no two different states hash the same bytes.
  std::string frame;
  auto add = [&](char tag, absl::string_view a, const absl::string_view* b) {
    frame.clear();
    frame.push_back(tag);
    AppendBigEndian32(&frame, static_cast<uint32_t>(a.size()));
    frame.append(a.data(), a.size());
    if (b != nullptr) {
      AppendBigEndian32(&frame, static_cast<uint32_t>(b->size()));
      frame.append(b->data(), b->size());
    }
    EVP_DigestUpdate(ctx, frame.data(), frame.size());
  };
  absl::Status status;
  for (int i = 0; i < kCfCount && status.ok(); ++i) {
    add('C', CfName(static_cast<Cf>(i)), nullptr);
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, handles_[i]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const absl::string_view value(it->value().data(), it->value().size());
      add('E', absl::string_view(it->key().data(), it->key().size()), &value);
    }
    if (!it->status().ok()) status = FromRocks(it->status(), "reading for the digest");
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  EVP_DigestFinal_ex(ctx, md, &md_len);
  EVP_MD_CTX_free(ctx);
  db_->ReleaseSnapshot(snapshot);
  if (!status.ok()) return status;
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(md), md_len));
}

}  // namespace internal
}  // namespace cti::projections
