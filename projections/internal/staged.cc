#include "projections/internal/staged.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "projections/internal/key_order.h"
#include "projections/internal/store_impl.h"
#include "rocksdb/env.h"
#include "rocksdb/options.h"
#include "rocksdb/sst_file_writer.h"

namespace cti::projections::internal {

bool Staging::Chunk::empty() const {
  for (const Map& map : maps) {
    if (!map.empty()) return false;
  }
  return true;
}

Staging::Staging(rocksdb::DB* db, std::vector<rocksdb::ColumnFamilyHandle*> handles,
                 std::string dir, size_t chunk_bytes)
    : db_(db),
      handles_(std::move(handles)),
      dir_(std::move(dir)),
      chunk_bytes_(chunk_bytes),
      active_(std::make_unique<Chunk>()) {}

Staging::~Staging() {
  if (background_.joinable()) background_.join();
}

ReadCache::Known Staging::Lookup(Cf cf, absl::string_view key, const std::string** value) const {
  for (const Chunk* chunk : {active_.get(), sealed_.get()}) {
    if (chunk == nullptr) continue;
    const Map& map = chunk->maps[static_cast<int>(cf)];
    if (map.empty()) continue;
    auto it = map.find(key);
    if (it == map.end()) continue;
    if (it->second.deleted) return ReadCache::Known::kAbsent;
    *value = &it->second.value;
    return ReadCache::Known::kPresent;
  }
  return ReadCache::Known::kUnknown;
}

void Staging::Put(Cf cf, std::string key, std::string value, bool deleted) {
  Map& map = active_->maps[static_cast<int>(cf)];
  const size_t added = key.size() + value.size();
  auto [it, inserted] = map.try_emplace(std::move(key));
  if (!inserted) active_->bytes -= it->first.size() + it->second.value.size();
  it->second.value = std::move(value);
  it->second.deleted = deleted;
  active_->bytes += added;
}

bool Staging::empty() const { return active_->empty() && (sealed_ == nullptr || sealed_->empty()); }

void Staging::JoinBackground() {
  if (!background_.joinable()) return;
  background_.join();
  background_done_.store(false, std::memory_order_relaxed);
  if (background_status_.ok()) sealed_.reset();
}

void Staging::AfterBatch() {
  if (background_.joinable() && background_done_.load(std::memory_order_acquire)) {
    JoinBackground();
  }
  if (active_->bytes <= chunk_bytes_) return;
  // A sealed chunk still waiting: let it finish (or, when it failed, wait for more).
  if (sealed_ != nullptr) {
    if (active_->bytes <= 2 * chunk_bytes_) return;
    JoinBackground();
    if (sealed_ != nullptr) return;  // it failed: tried again by IngestAll
  }
  sealed_ = std::move(active_);
  active_ = std::make_unique<Chunk>();
  // The next chunk will hold about as many keys: no rehashing while it fills.
  for (int i = 0; i < kCfCount; ++i) active_->maps[i].reserve(sealed_->maps[i].size());
  background_ = std::thread([this, chunk = sealed_.get()] {
    background_status_ = Ingest(*chunk, /*parallel=*/false);
    background_done_.store(true, std::memory_order_release);
  });
}

absl::Status Staging::IngestAll() {
  JoinBackground();
  if (sealed_ != nullptr) {
    if (absl::Status s = Ingest(*sealed_, /*parallel=*/true); !s.ok()) return s;
    sealed_.reset();
  }
  if (active_->empty()) return absl::OkStatus();
  if (absl::Status s = Ingest(*active_, /*parallel=*/true); !s.ok()) return s;
  active_ = std::make_unique<Chunk>();
  return absl::OkStatus();
}

absl::Status Staging::WriteFile(Cf cf, const Map& map, const std::string& path) const {
  rocksdb::ColumnFamilyHandle* handle = handles_[static_cast<int>(cf)];
  rocksdb::ColumnFamilyDescriptor descriptor;
  rocksdb::Status s = handle->GetDescriptor(&descriptor);
  if (!s.ok()) return FromRocks(s, absl::StrCat("reading the options of ", CfName(cf)));
  // The family's table format (filters, block size), uncompressed: compactions
  // compress the levels that are configured for it.
  rocksdb::Options options(db_->GetDBOptions(), descriptor.options);
  options.compression = rocksdb::kNoCompression;
  options.compression_per_level.clear();
  options.bottommost_compression = rocksdb::kDisableCompressionOption;
  std::vector<const Map::value_type*> sorted;
  sorted.reserve(map.size());
  for (const auto& kv : map) sorted.push_back(&kv);
  SortByKey(&sorted, [](const Map::value_type* kv) { return absl::string_view(kv->first); });
  // Pages stay in the OS cache: the digest and the first reads come right after.
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), options, handle,
                                /*invalidate_page_cache=*/false);
  s = writer.Open(path);
  for (size_t i = 0; s.ok() && i < sorted.size(); ++i) {
    const Map::value_type& kv = *sorted[i];
    s = kv.second.deleted ? writer.Delete(kv.first) : writer.Put(kv.first, kv.second.value);
  }
  if (s.ok()) s = writer.Finish();
  if (!s.ok()) return FromRocks(s, absl::StrCat("writing a staged ", CfName(cf), " file"));
  return absl::OkStatus();
}

absl::Status Staging::Ingest(const Chunk& chunk, bool parallel) {
  std::vector<Cf> families;
  std::vector<std::string> files;
  for (int i = 0; i < kCfCount; ++i) {
    if (chunk.maps[i].empty()) continue;
    families.push_back(static_cast<Cf>(i));
    files.push_back(absl::StrCat(dir_, "/staged-", next_file_.fetch_add(1), ".sst"));
  }
  if (families.empty()) return absl::OkStatus();
  std::vector<absl::Status> written(families.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < families.size(); ++i) {
    auto write = [&, i] {
      written[i] = WriteFile(families[i], chunk.maps[static_cast<int>(families[i])], files[i]);
    };
    if (parallel && i + 1 < families.size()) {
      threads.emplace_back(write);
    } else {
      write();
    }
  }
  for (std::thread& thread : threads) thread.join();
  absl::Status status;
  for (const absl::Status& s : written) status.Update(s);
  if (status.ok()) {
    std::vector<rocksdb::IngestExternalFileArg> args(families.size());
    for (size_t i = 0; i < families.size(); ++i) {
      rocksdb::IngestExternalFileArg& arg = args[i];
      arg.column_family = handles_[static_cast<int>(families[i])];
      arg.external_files = {files[i]};
      arg.options.move_files = true;
      arg.options.snapshot_consistency = false;  // nobody else reads this store
      arg.options.allow_global_seqno = true;
      arg.options.allow_blocking_flush = true;
      arg.options.write_global_seqno = false;
    }
    rocksdb::Status s = db_->IngestExternalFiles(args);
    if (!s.ok()) status = FromRocks(s, "ingesting staged files");
  }
  // Ingested files were linked into the database: these names go either way.
  for (const std::string& file : files) db_->GetEnv()->DeleteFile(file).PermitUncheckedError();
  return status;
}

}  // namespace cti::projections::internal
