// EmbeddedLog::Checkpoint (event_log.h): a RocksDB checkpoint of the log's database, and
// the end position read back from the copy itself, so that the end is exactly what the
// copy holds whatever the appender did meanwhile.
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/utilities/checkpoint.h"
#include "server/log/embedded_log.h"
#include "server/log/embedded_log_internal.h"

namespace cti::log {
namespace {

using internal::FromRocks;

constexpr uint64_t kFlushAboveWalBytes = 8 << 20;

// The last position of partition 0 in the log database at `dir`, opened read-only.
absl::StatusOr<uint64_t> EndOfCopy(const std::string& dir) {
  std::vector<std::string> names;
  rocksdb::Status status = rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names);
  if (!status.ok()) return FromRocks(status, absl::StrCat("listing the copy of the log in ", dir));
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const std::string& name : names) families.emplace_back(name, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  status = rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), dir, families, &handles, &raw);
  if (!status.ok()) return FromRocks(status, absl::StrCat("opening the copy of the log in ", dir));
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::ColumnFamilyHandle* records = nullptr;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == rocksdb::kDefaultColumnFamilyName) records = handles[i];
  }
  absl::StatusOr<internal::LastRecord> last =
      records == nullptr ? absl::DataLossError(absl::StrCat("the copy of the log in ", dir,
                                                            " has no record family"))
                         : internal::LoadLastRecord(db.get(), records, 0);
  for (rocksdb::ColumnFamilyHandle* handle : handles) db->DestroyColumnFamilyHandle(handle);
  db->Close().PermitUncheckedError();  // read-only: nothing to lose
  if (!last.ok()) return last.status();
  return last->position;
}

void RemoveQuietly(const std::string& dir) {
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  std::filesystem::remove_all(dir + ".tmp", ignored);  // RocksDB's staging directory
}

}  // namespace

absl::StatusOr<std::vector<uint64_t>> EmbeddedLog::Checkpoint(const std::string& dir) {
  std::error_code error;
  if (std::filesystem::exists(dir, error)) {
    return absl::AlreadyExistsError(absl::StrCat("'", dir, "' already exists"));
  }
  {
    // Counted as a read: the database stays open until the checkpoint is done.
    absl::MutexLock lock(&shared_->mu);
    if (shared_->closed) return absl::UnavailableError("log closed");
    ++shared_->active_reads;
  }
  absl::StatusOr<uint64_t> end = [&]() -> absl::StatusOr<uint64_t> {
    rocksdb::Checkpoint* raw = nullptr;
    rocksdb::Status status = rocksdb::Checkpoint::Create(shared_->db.get(), &raw);
    if (!status.ok()) return FromRocks(status, "preparing a checkpoint of the log");
    std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
    // Table files (hard links on the same filesystem) and a copy of the live part of
    // the write-ahead log; a flush first only when that part is big (a flush costs the
    // projector's pause tens of milliseconds, copying a few MiB less).
    status = checkpoint->CreateCheckpoint(dir, kFlushAboveWalBytes);
    if (!status.ok()) {
      return FromRocks(status, absl::StrCat("writing a checkpoint of the log into ", dir));
    }
    return EndOfCopy(dir);
  }();
  {
    absl::MutexLock lock(&shared_->mu);
    if (--shared_->active_reads == 0) shared_->reads_done.SignalAll();
  }
  if (!end.ok()) {
    RemoveQuietly(dir);
    return end.status();
  }
  return std::vector<uint64_t>{*end};
}

}  // namespace cti::log
