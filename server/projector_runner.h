// ProjectorRunner: the thread that keeps the live projection store up with the log.
//
// Operation: for each partition it reads the log from the store's applied position + 1
// in batches (up to Options::batch_size records), applies each batch with
// projections::Projector (state and checkpoint in one WriteBatch), then publishes the
// new applied position to the PositionWaiters and the batch with its outcomes to the
// SubscriptionHub. It never waits on a subscriber or a query.
// Start-up replay: when the store is new or reset (Store::was_reset), or at least
// Options::bulk_replay_min_records behind the log, the catch-up runs as a bulk load
// (Store::BeginBulkLoad: no WAL, no compactions; crash-safe, see store.h) in batches of
// Options::replay_batch_size, with the log read ahead on a second thread (ReadAhead).
// Once caught up it ends the bulk load (a flush) before reporting caught_up(), then
// applies live records as they come (each batch what one log read gives), with the WAL;
// with Options::live_read_ahead (the default) a ReadAhead per partition reads and
// parses them while the previous batch is applied.
// Storage or log errors are logged and retried after a pause, re-reading from the
// store's checkpoint, so nothing is skipped or applied twice.
// Concurrency: Start/Stop by the owner; Pause/Resume (and ApplyUntil in between) by one
// other thread at a time (the rebuild, a backup: Pause waits for the other's Resume);
// the accessors from any thread. The store is taken from the StoreHolder
// before each batch, so a store swapped while paused is used from then on.
#ifndef CTI_SERVER_PROJECTOR_RUNNER_H_
#define CTI_SERVER_PROJECTOR_RUNNER_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "projections/projector.h"
#include "server/clock.h"
#include "server/log/event_log.h"
#include "server/position_waiters.h"
#include "server/store_generations.h"
#include "server/subscription_hub.h"

namespace cti::server {

// ReadySignal: lets one consumer of several ReadAheads sleep until any of them has a
// batch (or an error) ready, instead of waiting on each in turn (with many partitions,
// turn-by-turn waits would add up to the latency of every live record). Thread-safe.
class ReadySignal {
 public:
  // Something changed: wakes WaitChange callers.
  void Notify();
  // A counter that Notify advances.
  uint64_t generation() const;
  // Waits until generation() differs from `seen`, or `timeout` (real time) passed.
  void WaitChange(uint64_t seen, absl::Duration timeout);

 private:
  mutable absl::Mutex mu_;
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
};

// ReadAhead: reads one partition on its own thread, up to `depth` batches ahead of the
// consumer, so that reading and parsing the log overlap with applying it (a rebuild or
// start-up replay on a second core). Owns the reader. With `arena`, batches are read
// with LogReader::NextBatch (parsed onto one arena each: cheaper to make and to drop)
// and taken with NextBatch; otherwise with LogReader::Next, taken with Next. Errors:
// the first error of the reader is answered after the batches read before it; reading
// stops there.
// Thread safety: Next / NextBatch from one consumer thread at a time; the destructor
// stops and joins the thread (waits at most one LogReader::Next wait). With `ready`, it
// is notified whenever a batch or the error becomes ready.
class ReadAhead {
 public:
  ReadAhead(std::unique_ptr<cti::log::LogReader> reader, size_t batch_size, size_t depth = 2,
            bool arena = false, std::shared_ptr<ReadySignal> ready = nullptr);
  ~ReadAhead();
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  // The next batch, waiting up to `wait` (real time) for one; empty when none came.
  // REQUIRES: made without `arena`.
  absl::StatusOr<std::vector<cti::v1::LogRecord>> Next(absl::Duration wait);
  // The same for a ReadAhead made with `arena`.
  absl::StatusOr<cti::log::RecordBatch> NextBatch(absl::Duration wait);

 private:
  void Run();

  const std::unique_ptr<cti::log::LogReader> reader_;
  const size_t batch_size_;
  const size_t depth_;
  const bool arena_;
  const std::shared_ptr<ReadySignal> ready_signal_;
  absl::Mutex mu_;
  absl::CondVar changed_;
  std::deque<cti::log::RecordBatch> ready_ ABSL_GUARDED_BY(mu_);
  std::deque<std::vector<cti::v1::LogRecord>> ready_records_ ABSL_GUARDED_BY(mu_);
  absl::Status error_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

class ProjectorRunner {
 public:
  struct Options {
    size_t batch_size = 1000;
    // Start-up replay (see above).
    size_t replay_batch_size = 4096;
    uint64_t bulk_replay_min_records = 50000;
    // Longest wait for new records before looking at the next partition or a pause.
    absl::Duration read_wait = absl::Milliseconds(100);
    // Live records are read and parsed on a thread of their own per partition (a
    // ReadAhead), so that the projector thread only applies them; false: the projector
    // thread reads them itself (no hand-over between threads).
    bool live_read_ahead = true;
    // Pause after a storage or log error before trying again.
    absl::Duration retry_pause = absl::Seconds(1);
  };

  // All pointers must outlive the runner.
  ProjectorRunner(cti::log::EventLog* log, StoreHolder* stores, PositionWaiters* waiters,
                  SubscriptionHub* hub, cti::Clock* clock, Options options);
  ~ProjectorRunner();
  ProjectorRunner(const ProjectorRunner&) = delete;
  ProjectorRunner& operator=(const ProjectorRunner&) = delete;

  // Notes the log's end positions (the start-up catch-up target), opens one reader per
  // partition after the store's checkpoint and starts the thread.
  absl::Status Start();

  // Stops after the batch in progress and joins the thread. Idempotent.
  void Stop();

  // True once every partition has applied the end position the log had at Start.
  bool caught_up() const { return caught_up_.HasBeenNotified(); }
  // Waits up to `timeout` (real time) for caught_up(). Not for reactor threads.
  bool WaitCaughtUp(absl::Duration timeout) {
    return caught_up_.WaitForNotificationWithTimeout(timeout);
  }

  // Returns once the runner is between batches and holds still; it stays paused until
  // Resume. Pauses are exclusive: while another caller holds one (a rebuild's switch, a
  // backup), Pause first waits for its Resume. Not for reactor threads.
  void Pause();
  void Resume();
  // For the holder of a Pause: lets the runner apply on up to exactly `positions` (one
  // per partition) and hold still there again. Returns OK once every partition has
  // applied its position and the runner holds still; records read past a position are
  // kept and applied after Resume. Errors (the runner then holds still, possibly short
  // of the positions): DEADLINE_EXCEEDED after `timeout` (real time), e.g. while the
  // log cannot be read; UNAVAILABLE once the runner stops; FAILED_PRECONDITION when
  // the caller holds no Pause, a partition has applied past its position, or
  // `positions` has not one position per partition. Not for reactor threads.
  absl::Status ApplyUntil(const std::vector<uint64_t>& positions, absl::Duration timeout);
  // `soon`: a Pause will follow soon; until Resume (or ExpectPause(false)) the runner
  // waits for new records in short slices (kPauseSoonWait), so that the Pause does not
  // wait out a whole read_wait.
  void ExpectPause(bool soon);
  static constexpr absl::Duration kPauseSoonWait = absl::Milliseconds(2);

  // The last error met, OK if none since the last successful batch.
  absl::Status last_error() const;

  // True while a new store is built from the log at start-up: a store with no state
  // yet (Store::was_reset) and at least Options::bulk_replay_min_records to replay,
  // applied as a private bulk load (Store::BeginPrivateBulkLoad: the fastest, but the
  // store may be read by this runner only until it ends). ServingGate refuses queries
  // meanwhile. Once false, never true again.
  bool building() const { return building_.load(std::memory_order_acquire); }
  // Records the start-up replay has to apply (all partitions), fixed by Start.
  uint64_t startup_records() const { return startup_records_; }

  // True while the start-up replay runs as a bulk load.
  bool bulk_replay() const {
    absl::MutexLock lock(&mu_);
    return bulk_replay_;
  }

 private:
  void Run();
  // Applies one batch of `partition` if records are there (`*applied` says whether).
  // False on error.
  bool Step(int partition, absl::Duration wait, bool* applied);
  // A ReadAhead of `reader` for this runner (notifying ready_).
  std::unique_ptr<ReadAhead> MakeReadAhead(std::unique_ptr<cti::log::LogReader> reader,
                                           size_t batch_size);
  void ParkIfPaused();
  // Sleeps up to `pause` unless stopping. True when stopping.
  bool SleepUnlessStopping(absl::Duration pause);
  void CheckCaughtUp(int partition, uint64_t applied);
  // True while the holder of a Pause waits for ApplyUntil's positions.
  bool ApplyUntilPending() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The next records of `partition`: those held back by ApplyUntil first, else read.
  absl::StatusOr<cti::log::RecordBatch> NextRecords(int partition, absl::Duration wait);
  // Keeps the records of `batch` after `limit` in held_ for later.
  void HoldAfter(int partition, uint64_t limit, cti::log::RecordBatch& batch);
  // When every partition has reached its start-up end: ends the replay and notifies
  // caught_up_. True when every partition has reached it (finished or not).
  bool MaybeFinishCatchUp();
  // Ends the start-up replay: the bulk load (a flush) and the read-ahead threads. False
  // (the error noted) when that failed; MaybeFinishCatchUp tries again.
  bool FinishReplay();

  cti::log::EventLog* const log_;
  StoreHolder* const stores_;
  PositionWaiters* const waiters_;
  SubscriptionHub* const hub_;
  cti::Clock* const clock_;
  const Options options_;

  // Runner thread state.
  std::vector<std::unique_ptr<cti::log::LogReader>> readers_;
  // The readers on read-ahead threads (during the start-up replay, and live with
  // Options::live_read_ahead); readers_ then holds only nulls.
  std::vector<std::unique_ptr<ReadAhead>> ahead_;
  // Notified by every ReadAhead of ahead_ (and by Stop and Pause): the runner sleeps on it
  // when no partition had records.
  const std::shared_ptr<ReadySignal> ready_ = std::make_shared<ReadySignal>();
  bool replaying_ = false;  // the start-up replay runs as a bulk load
  std::vector<uint64_t> startup_end_;
  std::vector<bool> partition_caught_up_;
  std::shared_ptr<cti::projections::Store> store_;
  std::unique_ptr<cti::projections::Projector> projector_;
  absl::Time last_progress_log_;

  absl::Notification caught_up_;
  mutable absl::Mutex mu_;
  absl::CondVar changed_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool pause_requested_ ABSL_GUARDED_BY(mu_) = false;
  std::atomic<bool> pause_soon_{false};
  std::atomic<bool> building_{false};
  uint64_t startup_records_ = 0;
  bool paused_ ABSL_GUARDED_BY(mu_) = false;
  bool running_ ABSL_GUARDED_BY(mu_) = false;
  bool bulk_replay_ ABSL_GUARDED_BY(mu_) = false;
  // ApplyUntil: the positions to apply up to (empty: none), and what each partition has
  // applied (kept by the runner thread).
  std::vector<uint64_t> apply_until_ ABSL_GUARDED_BY(mu_);
  std::vector<uint64_t> applied_ ABSL_GUARDED_BY(mu_);
  // Runner thread: apply_until_ as of the current round (empty: no limit), and records
  // read past it, per partition, applied first once the limit is gone.
  std::vector<uint64_t> limits_;
  std::vector<cti::log::RecordBatch> held_;
  absl::Status last_error_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace cti::server

#endif  // CTI_SERVER_PROJECTOR_RUNNER_H_
