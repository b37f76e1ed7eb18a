// EventLog: the append-only log of record, behind one interface with one implementation
// per backend (embedded: EmbeddedLog; Kafka: the Kafka issue). The projector, Subscribe
// and the tests drive every backend through this interface only.
//
// Model. The log is split into partitions (embedded: 1; Kafka: the topic's partitions).
// Every tenant maps to exactly one partition, so a tenant's records have one total
// order. A record's position is its 1-based offset in its partition: strictly increasing
// in log order, not necessarily dense for one tenant (tenants may share a partition).
// Position 0 means "none".
//
// Durability. An append is answered only once the record is durable (embedded: synced
// to disk; Kafka: acknowledged by all in-sync replicas). A record is either wholly visible to
// readers or not at all, and readers never see position p+1 before p.
#ifndef CTI_SERVER_LOG_EVENT_LOG_H_
#define CTI_SERVER_LOG_EVENT_LOG_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "cti/v1/event.pb.h"
#include "google/protobuf/arena.h"

namespace cti::log {

// The type of `event`: "<family>.<change>", e.g. "call.offered",
// "staff.employee_hired" (the Kafka header cti-event-type, Subscribe's kinds filter);
// "unknown" when no payload is set.
std::string EventTypeOf(const cti::v1::Event& event);

// Every type EventTypeOf can answer for a set payload, from the schema.
const absl::flat_hash_set<std::string>& AllEventTypes();

// What Append made of a record.
struct AppendResult {
  uint64_t position = 0;   // The record's position in its partition (1-based).
  bool duplicate = false;  // True: the event_id was already in the log with the same
                           // payload; position and recorded_at are the original's.
  absl::Time recorded_at;  // When the log recorded it.
};

// Records read by one LogReader::NextBatch, freed together: a backend may make them on
// one protobuf arena, which is cheaper to fill and to free than records allocated one
// by one (what a rebuild reads is used once and dropped). Movable, not copyable; the
// records live as long as the batch. Not thread-safe.
class RecordBatch {
 public:
  RecordBatch();
  // A batch that owns `records` (no arena).
  explicit RecordBatch(std::vector<cti::v1::LogRecord> records);
  ~RecordBatch();
  RecordBatch(RecordBatch&&) noexcept;
  RecordBatch& operator=(RecordBatch&&) noexcept;
  RecordBatch(const RecordBatch&) = delete;
  RecordBatch& operator=(const RecordBatch&) = delete;

  // The records, in position order.
  absl::Span<const cti::v1::LogRecord* const> records() const { return records_; }
  // The i-th record, to change (e.g. to set its outcome). REQUIRES: i < size().
  cti::v1::LogRecord* mutable_record(size_t i) {
    return const_cast<cti::v1::LogRecord*>(records_[i]);  // owned by this batch
  }
  size_t size() const { return records_.size(); }
  bool empty() const { return records_.empty(); }

  // For backends: a new empty record at the end, on the batch's arena (made on first
  // use; its blocks grow from a few KiB, for a live batch of one record, to about
  // `block_bytes`).
  cti::v1::LogRecord* AddOnArena(size_t block_bytes = 256 << 10);
  // For backends: drops the last record (one that could not be filled).
  void PopBack() { records_.pop_back(); }

 private:
  std::unique_ptr<google::protobuf::Arena> arena_;
  std::vector<cti::v1::LogRecord> owned_;
  std::vector<const cti::v1::LogRecord*> records_;
};

// Reads one partition in order. Not thread-safe: one reader per thread of use.
class LogReader {
 public:
  virtual ~LogReader() = default;

  // Returns the next records, at most max_records, in position order, starting at the
  // position the reader was opened at and continuing where the previous call stopped.
  // When none is there yet, waits up to `wait` for one; returns an empty vector if the
  // wait ends with none. Errors: UNAVAILABLE (backend down; the reader may be retried),
  // DATA_LOSS (a record cannot be decoded; the position is named).
  virtual absl::StatusOr<std::vector<cti::v1::LogRecord>> Next(size_t max_records,
                                                               absl::Duration wait) = 0;

  // Next, as a RecordBatch (the same records, the same errors). The default wraps
  // Next; the embedded backend parses onto an arena.
  virtual absl::StatusOr<RecordBatch> NextBatch(size_t max_records, absl::Duration wait);
};

// Thread safety: all methods are safe to call concurrently.
class EventLog {
 public:
  virtual ~EventLog() = default;

  // "embedded" or "kafka".
  virtual std::string_view backend_name() const = 0;

  // Which log this is, stable across restarts: projections built from one log must not
  // be continued from another (their positions would mean other records). Default: the
  // backend's name (a log that lives inside the data directory it serves).
  virtual std::string identity() const { return std::string(backend_name()); }

  // Number of partitions; fixed for the life of the log.
  virtual int partition_count() const = 0;

  // The partition holding `tenant`'s records. Deterministic for a given log.
  virtual int PartitionOf(std::string_view tenant) const = 0;

  // Called exactly once with what became of an AppendAsync (see there).
  using AppendCallback = absl::AnyInvocable<void(absl::StatusOr<AppendResult>) &&>;

  // Appends `event` to its tenant's partition without waiting: `done` is called exactly
  // once, after the record is durable (with its AppendResult) or the append failed.
  // The log sets recorded_at (any value given is replaced). REQUIRES: the caller has
  // validated the event; an empty tenant or event_id fails with INVALID_ARGUMENT.
  //
  // Where `done` runs: on a thread of the log (embedded: its completion thread), or on
  // the calling thread before AppendAsync returns when the answer is known at once (a
  // refused argument, a closing log, MemoryLog, which has no thread of its own). Never
  // under a lock of the log, so `done` may call AppendAsync again. `done` must be quick
  // and must not block: it delays the answers of later appends. In particular it must
  // not call the blocking Append of the same log (that can deadlock). The order in
  // which the callbacks of one group commit run is unspecified.
  //
  // Idempotency on (tenant, event_id): when a record with that key is already in the
  // log and equal to `event` in everything but recorded_at, answers the original
  // position with duplicate = true and appends nothing. When it differs, fails with
  // FAILED_PRECONDITION naming the event_id and the original position. (The Kafka
  // backend may not see every earlier record; the projector's apply-time check is the
  // final arbiter there.)
  //
  // Concurrent appends are group-committed: many appends share one durable write, so
  // throughput grows with the number of appends in flight.
  // Errors: UNAVAILABLE or RESOURCE_EXHAUSTED (e.g. disk full) when the record could
  // not be made durable; nothing is then visible and a retry with the same event_id is
  // safe. UNAVAILABLE "log closing" once the log is being destroyed: appends still
  // queued then are answered with it before the destructor returns.
  virtual void AppendAsync(cti::v1::Event event, AppendCallback done) = 0;

  // AppendAsync, waiting for the answer: returns once the record is durable or the
  // append failed. Blocks the calling thread; not for gRPC reactor threads nor for an
  // AppendCallback.
  absl::StatusOr<AppendResult> Append(cti::v1::Event event);

  // Position of the last record in `partition`, 0 when it is empty.
  virtual absl::StatusOr<uint64_t> EndPosition(int partition) = 0;

  // A reader of `partition` starting at position `from` (1 = the beginning). A position
  // past the end waits for records to arrive. INVALID_ARGUMENT for an unknown partition.
  virtual absl::StatusOr<std::unique_ptr<LogReader>> OpenReader(int partition, uint64_t from) = 0;

  // For monitoring: records handed to the log's client and not yet acknowledged by the
  // log (the Kafka producer's queue). -1 when the backend has no such queue.
  virtual int64_t PendingAppends() const { return -1; }

  // Backup (AdminService.Backup): writes a copy of the log as it is now into directory
  // `dir`, which must not exist yet (its parent must), as a log this backend can open
  // there (embedded: a RocksDB checkpoint, hard-linked where `dir` is on the same
  // filesystem, copied otherwise). Answers the end position of every partition in the
  // copy: the copy holds exactly the records 1..end, byte for byte, and every one of
  // them is (or is about to be) visible in this log too. Appends go on meanwhile. On
  // failure nothing is left at `dir`; a full disk is RESOURCE_EXHAUSTED.
  // The default answers UNIMPLEMENTED: only a log kept in the data directory has
  // anything to back up (a Kafka replica's data directory is disposable: it is rebuilt
  // from the cluster).
  virtual absl::StatusOr<std::vector<uint64_t>> Checkpoint(const std::string& dir);
};

}  // namespace cti::log

#endif  // CTI_SERVER_LOG_EVENT_LOG_H_
