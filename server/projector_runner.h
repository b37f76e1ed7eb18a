// ProjectorRunner: the thread that keeps the live projection store up with the log.
//
// Operation: for each partition it reads the log from the store's applied position + 1
// in batches (up to Options::batch_size records), applies each batch with
// projections::Projector (state and checkpoint in one WriteBatch), then publishes the
// new applied position to the PositionWaiters and the batch with its outcomes to the
// SubscriptionHub. It never waits on a subscriber or a query.
// Storage or log errors are logged and retried after a pause, re-reading from the
// store's checkpoint, so nothing is skipped or applied twice.
// Concurrency: Start/Stop by the owner; Pause/Resume by one other thread at a time (the
// rebuild); the accessors from any thread. The store is taken from the StoreHolder
// before each batch, so a store swapped while paused is used from then on.
#ifndef CTI_SERVER_PROJECTOR_RUNNER_H_
#define CTI_SERVER_PROJECTOR_RUNNER_H_

#include <cstdint>
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

class ProjectorRunner {
 public:
  struct Options {
    size_t batch_size = 1000;
    // Longest wait for new records before looking at the next partition or a pause.
    absl::Duration read_wait = absl::Milliseconds(100);
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
  // Resume. Not for reactor threads.
  void Pause();
  void Resume();

  // The last error met, OK if none since the last successful batch.
  absl::Status last_error() const;

 private:
  void Run();
  // Applies one batch of `partition` if records are there. False on error.
  bool Step(int partition, absl::Duration wait);
  void ParkIfPaused();
  // Sleeps up to `pause` unless stopping. True when stopping.
  bool SleepUnlessStopping(absl::Duration pause);
  void CheckCaughtUp(int partition, uint64_t applied);

  cti::log::EventLog* const log_;
  StoreHolder* const stores_;
  PositionWaiters* const waiters_;
  SubscriptionHub* const hub_;
  cti::Clock* const clock_;
  const Options options_;

  // Runner thread state.
  std::vector<std::unique_ptr<cti::log::LogReader>> readers_;
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
  bool paused_ ABSL_GUARDED_BY(mu_) = false;
  bool running_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status last_error_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace cti::server

#endif  // CTI_SERVER_PROJECTOR_RUNNER_H_
