// CheckpointStore (store_backup.h): RocksDB's Checkpoint of the store's database.
#include "projections/store_backup.h"

#include <filesystem>
#include <memory>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "projections/internal/store_impl.h"
#include "rocksdb/utilities/checkpoint.h"

namespace cti::projections {
absl::Status CheckpointStore(const Store& store, const std::string& dir) {
  std::error_code error;
  if (std::filesystem::exists(dir, error)) {
    return absl::AlreadyExistsError(absl::StrCat("'", dir, "' already exists"));
  }
  rocksdb::Checkpoint* raw = nullptr;
  rocksdb::Status status = rocksdb::Checkpoint::Create(store.db(), &raw);
  if (!status.ok()) return internal::FromRocks(status, "preparing a checkpoint");
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // log_size_for_flush 0: every family is flushed first (atomically, see store.cc), so
  // the copy holds writes made without the write-ahead log too.
  status = checkpoint->CreateCheckpoint(dir, /*log_size_for_flush=*/0);
  if (!status.ok()) {
    std::filesystem::remove_all(dir, error);
    std::filesystem::remove_all(dir + ".tmp", error);  // RocksDB's staging directory
    return internal::FromRocks(status, absl::StrCat("writing a checkpoint into ", dir));
  }
  return absl::OkStatus();
}

}  // namespace cti::projections
