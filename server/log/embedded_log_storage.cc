// EmbeddedLog's access to its RocksDB database: status mapping, record reads, close.
#include <limits>

#include "absl/strings/str_cat.h"
#include "server/log/embedded_log_internal.h"
#include "server/log/log_format.h"

namespace cti::log::internal {

void EmbeddedShared::Close() {
  {
    absl::MutexLock lock(&mu);
    closed = true;
    appended.SignalAll();
    while (active_reads > 0) reads_done.Wait(&mu);
  }
  if (db == nullptr) return;
  for (rocksdb::ColumnFamilyHandle* handle : handles) {
    db->DestroyColumnFamilyHandle(handle);
  }
  handles.clear();
  records = event_ids = meta = nullptr;
  db->Close();  // Errors here leave nothing to do: every write was synced.
  db.reset();
}

void EmbeddedShared::Publish(uint64_t new_end) {
  absl::MutexLock lock(&mu);
  if (new_end > end) {
    end = new_end;
    appended.SignalAll();
  }
}

absl::Status FromRocks(const rocksdb::Status& status, std::string_view context) {
  std::string message(context);
  message.append(": ").append(status.ToString());
  if (status.IsNoSpace()) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the event log's disk is full: appends fail until space is freed (", message, ")"));
  }
  if (status.IsIOError() || status.IsBusy() || status.IsTimedOut() || status.IsTryAgain() ||
      status.IsShutdownInProgress() || status.IsAborted()) {
    return absl::UnavailableError(message);
  }
  if (status.IsCorruption()) return absl::DataLossError(message);
  if (status.IsInvalidArgument()) return absl::FailedPreconditionError(message);
  return absl::InternalError(message);
}

absl::StatusOr<cti::v1::Event> ReadRecord(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* records,
                                          uint32_t partition, uint64_t position) {
  rocksdb::PinnableSlice value;
  const rocksdb::Status status =
      db->Get(rocksdb::ReadOptions(), records, format::RecordKey(partition, position), &value);
  if (status.IsNotFound()) {
    return absl::NotFoundError(
        absl::StrCat("no record at position ", position, " of partition ", partition));
  }
  if (!status.ok()) {
    return FromRocks(status, absl::StrCat("reading the record at position ", position));
  }
  cti::v1::Event event;
  if (!event.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return absl::DataLossError(absl::StrCat("the record at position ", position, " of partition ",
                                            partition, " cannot be decoded"));
  }
  return event;
}

absl::StatusOr<LastRecord> LoadLastRecord(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* records,
                                          uint32_t partition) {
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), records));
  it->SeekForPrev(format::RecordKey(partition, std::numeric_limits<uint64_t>::max()));
  if (!it->status().ok()) return FromRocks(it->status(), "finding the end of the log");
  LastRecord last;
  if (!it->Valid()) return last;
  const auto key = format::ParseRecordKey(it->key().ToStringView());
  if (!key.has_value()) {
    return absl::DataLossError(
        absl::StrCat("malformed record key of ", it->key().size(), " bytes in the log"));
  }
  if (key->partition != partition) return last;  // An earlier partition: this one is empty.
  cti::v1::Event event;
  if (!event.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
    return absl::DataLossError(absl::StrCat("the record at position ", key->position,
                                            " of partition ", partition, " cannot be decoded"));
  }
  last.position = key->position;
  last.recorded_at = format::FromTimestamp(event.recorded_at());
  return last;
}

}  // namespace cti::log::internal
