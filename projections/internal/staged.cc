#include "projections/internal/staged.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "projections/internal/store_impl.h"
#include "rocksdb/env.h"
#include "rocksdb/options.h"
#include "rocksdb/sst_file_writer.h"

namespace cti::projections::internal {

ReadCache::Known StagedWrites::Lookup(Cf cf, absl::string_view key,
                                      const std::string** value) const {
  const Map& map = maps_[static_cast<int>(cf)];
  if (map.empty()) return ReadCache::Known::kUnknown;
  auto it = map.find(key);
  if (it == map.end()) return ReadCache::Known::kUnknown;
  if (it->second.deleted) return ReadCache::Known::kAbsent;
  *value = &it->second.value;
  return ReadCache::Known::kPresent;
}

void StagedWrites::Put(Cf cf, std::string key, std::string value, bool deleted) {
  Map& map = maps_[static_cast<int>(cf)];
  const size_t added = key.size() + value.size();
  auto [it, inserted] = map.try_emplace(std::move(key));
  if (!inserted) bytes_ -= it->first.size() + it->second.value.size();
  it->second.value = std::move(value);
  it->second.deleted = deleted;
  bytes_ += added;
}

bool StagedWrites::empty() const {
  for (const Map& map : maps_) {
    if (!map.empty()) return false;
  }
  return true;
}

void StagedWrites::Clear() {
  for (Map& map : maps_) Map().swap(map);
  bytes_ = 0;
}

absl::Status StagedWrites::Ingest(rocksdb::DB* db,
                                  const std::vector<rocksdb::ColumnFamilyHandle*>& cf_of,
                                  const std::string& dir, const std::vector<Cf>& families) {
  std::vector<Cf> todo;
  for (int i = 0; i < kCfCount; ++i) {
    const Cf cf = static_cast<Cf>(i);
    if (empty(cf)) continue;
    if (!families.empty() && std::find(families.begin(), families.end(), cf) == families.end()) {
      continue;
    }
    todo.push_back(cf);
  }
  if (todo.empty()) return absl::OkStatus();

  std::vector<std::string> files;
  // Files ingested with move_files are linked into the database; the names here go.
  auto remove_files = [&] {
    for (const std::string& file : files) db->GetEnv()->DeleteFile(file).PermitUncheckedError();
  };
  std::vector<rocksdb::IngestExternalFileArg> args;
  std::vector<const Map::value_type*> sorted;
  for (Cf cf : todo) {
    rocksdb::ColumnFamilyHandle* handle = cf_of[static_cast<int>(cf)];
    rocksdb::ColumnFamilyDescriptor descriptor;
    rocksdb::Status s = handle->GetDescriptor(&descriptor);
    if (!s.ok()) {
      remove_files();
      return FromRocks(s, absl::StrCat("reading the options of ", CfName(cf)));
    }
    // The family's table format (filters, block size), uncompressed: compactions
    // compress the levels that are configured for it.
    rocksdb::Options options(db->GetDBOptions(), descriptor.options);
    options.compression = rocksdb::kNoCompression;
    options.compression_per_level.clear();
    options.bottommost_compression = rocksdb::kDisableCompressionOption;

    const Map& map = maps_[static_cast<int>(cf)];
    sorted.clear();
    sorted.reserve(map.size());
    for (const auto& kv : map) sorted.push_back(&kv);
    std::sort(sorted.begin(), sorted.end(), [](const Map::value_type* a, const Map::value_type* b) {
      return a->first < b->first;
    });
    // Pages stay in the OS cache: the digest and the first reads come right after.
    rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), options, handle,
                                  /*invalidate_page_cache=*/false);
    files.push_back(absl::StrCat(dir, "/staged-", next_file_++, ".sst"));
    s = writer.Open(files.back());
    for (size_t i = 0; s.ok() && i < sorted.size(); ++i) {
      const Map::value_type& kv = *sorted[i];
      s = kv.second.deleted ? writer.Delete(kv.first) : writer.Put(kv.first, kv.second.value);
    }
    if (s.ok()) s = writer.Finish();
    if (!s.ok()) {
      remove_files();
      return FromRocks(s, absl::StrCat("writing the staged ", CfName(cf), " file"));
    }
    rocksdb::IngestExternalFileArg& arg = args.emplace_back();
    arg.column_family = handle;
    arg.external_files = {files.back()};
    arg.options.move_files = true;
    arg.options.snapshot_consistency = false;  // nobody else reads this store
    arg.options.allow_global_seqno = true;
    arg.options.allow_blocking_flush = true;
    arg.options.write_global_seqno = false;
  }
  rocksdb::Status s = db->IngestExternalFiles(args);
  remove_files();
  if (!s.ok()) return FromRocks(s, "ingesting staged files");
  for (Cf cf : todo) {
    Map& map = maps_[static_cast<int>(cf)];
    for (const auto& [key, entry] : map) bytes_ -= key.size() + entry.value.size();
    Map().swap(map);
  }
  return absl::OkStatus();
}

}  // namespace cti::projections::internal
