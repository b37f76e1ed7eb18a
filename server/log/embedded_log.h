// EmbeddedLog: the EventLog backend that keeps the log in its own RocksDB database on
// local disk (the zero-setup default for one machine). README.md describes the format.
//
// Operation. AppendAsync queues the event and returns. One appender thread takes
// everything queued (first waiting up to max_gather_wait for as many appends as its
// previous write carried), resolves idempotency against the event_id index, assigns
// consecutive positions, writes all new records and their index entries in ONE RocksDB
// WriteBatch with a synced WAL write (group commit), publishes the new end position and
// only then hands the batch's answers to the completion thread, which runs the
// callbacks while the appender already writes the next batch. Readers read the
// database up to the published end.
//
// Concurrency. All EventLog methods are thread-safe. Callbacks run on the completion
// thread ("cti-log-done"), one at a time, in the order the appends were queued. One
// partition (partition_count() is 1), so positions are dense: 1, 2, 3, ... recorded_at
// comes from the injected clock and never decreases in log order, even when the clock
// steps back. A reader's `wait` is real time (it bounds a blocking call), not the
// injected clock's.
//
// Failures. A failed write fails every caller in its batch and none of its records
// becomes visible (UNAVAILABLE for I/O errors, RESOURCE_EXHAUSTED "the event log's disk
// is full: ..." for a full disk, with RocksDB's message). The next append first tries to
// resume the database (DB::Resume), so appends work again once space returns. A process
// crash (kill -9) at any instant loses no acknowledged record and leaves no half record.
//
// Limitations. One process at a time may open a directory (RocksDB's lock). A failed
// write whose bytes nonetheless reached the WAL can reappear after a restart, complete
// and in order; a retry with the same event_id then answers it as a duplicate.
#ifndef CTI_SERVER_LOG_EMBEDDED_LOG_H_
#define CTI_SERVER_LOG_EMBEDDED_LOG_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/clock.h"
#include "server/log/event_log.h"

namespace rocksdb {
class Env;
}  // namespace rocksdb

namespace cti::log {

struct EmbeddedLogOptions {
  // Most appends committed by one write; more wait for the next one.
  size_t max_batch_records = 4096;
  // RocksDB environment; nullptr for the default. Not owned; must outlive the log.
  // Tests use it to inject I/O errors.
  rocksdb::Env* env = nullptr;
  // Longest the appender waits, before a write, for the queue to grow to the size of
  // the previous batch (real time). Callers that append again as soon as they are
  // answered (a client keeping N appends in flight) then share one write instead of
  // splitting into a write of the first comer and one of the rest. Zero: never wait.
  // An append alone (previous batch of one) never waits.
  absl::Duration max_gather_wait = absl::Microseconds(200);
};

// Counters since Open, for benchmarks and status pages.
struct EmbeddedLogStats {
  uint64_t batches = 0;     // Successful durable writes.
  uint64_t records = 0;     // New records those writes appended.
  uint64_t duplicates = 0;  // Appends answered as duplicates.
  uint64_t failed = 0;      // Appends failed by a write or resume error.
  uint64_t queued = 0;      // Appends waiting for the appender at the time of the call.
};

namespace internal {
struct EmbeddedShared;
struct PendingAppend;
}  // namespace internal

class EmbeddedLog final : public EventLog {
 public:
  // Opens the log in directory `dir`, creating it when missing. `clock` is not owned
  // and must outlive the log. Errors: UNAVAILABLE when the database cannot be opened
  // (e.g. another process holds it), FAILED_PRECONDITION for a directory written in
  // another format, DATA_LOSS when the last record cannot be decoded.
  static absl::StatusOr<std::unique_ptr<EmbeddedLog>> Open(const std::string& dir,
                                                           cti::Clock* clock,
                                                           EmbeddedLogOptions options = {});

  // Stops the appender (appends still queued fail with UNAVAILABLE "log closing"),
  // runs every outstanding callback, waits for reads in progress, and closes the
  // database. Readers that outlive the log answer UNAVAILABLE. Not from a callback.
  ~EmbeddedLog() override;

  EmbeddedLog(const EmbeddedLog&) = delete;
  EmbeddedLog& operator=(const EmbeddedLog&) = delete;

  std::string_view backend_name() const override { return "embedded"; }
  int partition_count() const override { return 1; }
  int PartitionOf(std::string_view tenant) const override;
  void AppendAsync(cti::v1::Event event, AppendCallback done) override;
  absl::StatusOr<uint64_t> EndPosition(int partition) override;
  absl::StatusOr<std::unique_ptr<LogReader>> OpenReader(int partition, uint64_t from) override;
  // A RocksDB checkpoint of the log (embedded_log_backup.cc); the end is read from the
  // copy itself. Appends are not held up.
  absl::StatusOr<std::vector<uint64_t>> Checkpoint(const std::string& dir) override;

  // Counters since Open. Thread-safe.
  EmbeddedLogStats Stats() const;

 private:
  EmbeddedLog(std::shared_ptr<internal::EmbeddedShared> shared, cti::Clock* clock,
              EmbeddedLogOptions options);

  using Batch = std::vector<std::unique_ptr<internal::PendingAppend>>;

  void AppenderLoop();
  // Runs the callbacks of answered batches.
  void CompleterLoop();
  // Answers a batch: its callbacks run on the completion thread.
  void Complete(Batch batch);
  // Commits one group (embedded_log_commit.cc): sets every result. Runs on the appender
  // thread only.
  void CommitBatch(Batch& batch);
  // Brings the database back after a failed write; reloads the end position.
  absl::Status Recover();

  const std::shared_ptr<internal::EmbeddedShared> shared_;
  cti::Clock* const clock_;
  const EmbeddedLogOptions options_;

  mutable absl::Mutex mu_;
  absl::CondVar queued_;
  Batch queue_ ABSL_GUARDED_BY(mu_);
  bool closing_ ABSL_GUARDED_BY(mu_) = false;
  EmbeddedLogStats stats_ ABSL_GUARDED_BY(mu_);

  // Answered batches waiting for their callbacks.
  absl::Mutex done_mu_;
  absl::CondVar answered_;
  std::vector<Batch> answered_batches_ ABSL_GUARDED_BY(done_mu_);
  bool appender_stopped_ ABSL_GUARDED_BY(done_mu_) = false;
  std::thread completer_;

  // Appender thread state.
  size_t last_batch_size_ = 0;
  uint64_t next_position_ = 1;
  absl::Time last_recorded_at_ = absl::UnixEpoch();
  bool needs_recovery_ = false;
  absl::Status last_write_error_;  // Why needs_recovery_ was set.
  std::thread appender_;
};

}  // namespace cti::log

#endif  // CTI_SERVER_LOG_EMBEDDED_LOG_H_
