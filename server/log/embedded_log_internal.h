// Internals of EmbeddedLog shared by its source files. Not part of the module's API.
#ifndef CTI_SERVER_LOG_EMBEDDED_LOG_INTERNAL_H_
#define CTI_SERVER_LOG_EMBEDDED_LOG_INTERNAL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cti/v1/event.pb.h"
#include "rocksdb/db.h"
#include "server/log/event_log.h"

namespace cti::log::internal {

// Names of the column families (README.md, "The log format").
inline constexpr char kEventIdsFamily[] = "event_ids";
inline constexpr char kMetaFamily[] = "meta";
// meta: "format" -> kFormatName.
inline constexpr char kFormatKey[] = "format";
inline constexpr char kFormatName[] = "cti-embedded-log/1";

// State shared by the log and its readers; readers may outlive the log, so the
// database is closed by Close(), not by the destructor of the last owner.
struct EmbeddedShared {
  ~EmbeddedShared() { Close(); }

  // Marks the log closed, wakes waiting readers, waits for reads in progress and
  // closes the database. Idempotent.
  void Close();

  // Makes positions up to `end` visible to readers and wakes them.
  void Publish(uint64_t end);

  // Set once by Open; valid until Close.
  std::unique_ptr<rocksdb::DB> db;
  rocksdb::ColumnFamilyHandle* records = nullptr;    // The default column family.
  rocksdb::ColumnFamilyHandle* event_ids = nullptr;  // The idempotency index.
  rocksdb::ColumnFamilyHandle* meta = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;

  absl::Mutex mu;
  absl::CondVar appended;    // Signalled when end grows or the log closes.
  absl::CondVar reads_done;  // Signalled when active_reads drops to 0 after closing.
  uint64_t end ABSL_GUARDED_BY(mu) = 0;
  bool closed ABSL_GUARDED_BY(mu) = false;
  int active_reads ABSL_GUARDED_BY(mu) = 0;
};

// One append between AppendAsync and its callback.
struct PendingAppend {
  cti::v1::Event event;  // recorded_at cleared.
  std::string id_key;    // format::EventIdKey(tenant, event_id).
  std::string digest;    // format::PayloadDigest(event).
  EventLog::AppendCallback done;
  absl::StatusOr<AppendResult> result;  // Set by the appender before `done` runs.
};

// Maps a RocksDB status to an absl::Status with `context` and RocksDB's message:
// NoSpace -> RESOURCE_EXHAUSTED "the event log's disk is full: ...",
// IOError/Busy/TimedOut/TryAgain/ShutdownInProgress -> UNAVAILABLE, Corruption ->
// DATA_LOSS, InvalidArgument -> FAILED_PRECONDITION, anything else -> INTERNAL.
// REQUIRES: !status.ok().
absl::Status FromRocks(const rocksdb::Status& status, std::string_view context);

// Reads and decodes the record at (partition, position). NOT_FOUND when there is none;
// DATA_LOSS naming the position when it cannot be decoded.
absl::StatusOr<cti::v1::Event> ReadRecord(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* records,
                                          uint32_t partition, uint64_t position);

// The last record of a partition: position 0 and the epoch when it is empty.
struct LastRecord {
  uint64_t position = 0;
  absl::Time recorded_at = absl::UnixEpoch();
};
absl::StatusOr<LastRecord> LoadLastRecord(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* records,
                                          uint32_t partition);

// A reader of one partition of an EmbeddedLog.
std::unique_ptr<LogReader> NewEmbeddedReader(std::shared_ptr<EmbeddedShared> shared,
                                             uint32_t partition, uint64_t from);

}  // namespace cti::log::internal

#endif  // CTI_SERVER_LOG_EMBEDDED_LOG_INTERNAL_H_
