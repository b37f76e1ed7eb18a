// Rebuilder: AdminService.Rebuild's engine. Rebuilds every projection from the log into
// a fresh store generation while the live one keeps serving, then switches to it.
//
// Operation: creates DIR/projections-(N+1) and fills it as a private bulk load
// (Store::BeginPrivateBulkLoad: no WAL, the new-key families written as sorted table
// files), applying the log from position 1 with its own Projector (never past what the
// live projector has applied) while a ReadAhead thread per partition reads and parses
// the next batches onto one arena each; progress about every
// Options::progress_interval. Once within Options::pause_gap records of the live store
// in every partition, it ends the bulk load (everything applied is on disk),
// catches up again with logged writes, then pauses the live ProjectorRunner, applies
// the remainder up to exactly the live applied positions, makes the new generation
// current (CURRENT_PROJECTIONS, atomically: only a flushed generation ever becomes
// current), swaps the StoreHolder and resumes the runner, which continues from the same
// positions on the new store; the digest of the new store ends the rebuild. The old
// generation is deleted once the last query using it has finished (and the rebuild's
// own references go only after the DoneCallback). While a rebuild runs, the live
// runner waits for new records in short slices (ProjectorRunner::ExpectPause).
// A cancelled or failed rebuild discards the new generation and leaves the live store
// as it was; so does a crash (StoreGenerations deletes it at the next start).
// Concurrency: one rebuild at a time (Start answers FAILED_PRECONDITION otherwise); it
// runs on its own thread. Start/Cancel may be called from any thread (they never block);
// Stop by the owner.
#ifndef CTI_SERVER_REBUILDER_H_
#define CTI_SERVER_REBUILDER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cti/v1/admin_service.pb.h"
#include "server/clock.h"
#include "server/log/event_log.h"
#include "server/projector_runner.h"
#include "server/store_generations.h"

namespace cti::server {

class Rebuilder {
 public:
  struct Options {
    size_t batch_size = 4096;
    absl::Duration progress_interval = absl::Milliseconds(100);
    // Records the rebuild may lag the live store by when it pauses the runner.
    uint64_t pause_gap = 1000;
    // Called with the live projector paused, just before the new generation becomes
    // current (e.g. to forget what caches read from the old one). May be empty.
    std::function<void()> before_switch;
  };
  // Called from the rebuild thread; must not block.
  using ProgressCallback = std::function<void(const cti::v1::RebuildProgress&)>;
  // Called once at the end: OK with the last progress (done = true, digest set), or
  // the error (CANCELLED after Cancel).
  using DoneCallback = std::function<void(absl::Status, const cti::v1::RebuildProgress&)>;

  // All pointers must outlive the rebuilder.
  Rebuilder(cti::log::EventLog* log, StoreGenerations* generations, StoreHolder* stores,
            ProjectorRunner* runner, cti::Clock* clock, Options options);
  ~Rebuilder();
  Rebuilder(const Rebuilder&) = delete;
  Rebuilder& operator=(const Rebuilder&) = delete;

  // Starts a rebuild. FAILED_PRECONDITION when one is running; UNAVAILABLE after Stop.
  absl::Status Start(ProgressCallback progress, DoneCallback done);

  // Asks the running rebuild (if any) to give up; it then reports CANCELLED.
  void Cancel();

  // Cancels any rebuild, waits for it and refuses new ones. Idempotent; owner only.
  void Stop();

  bool running() const;

 private:
  // Runs one rebuild. What it used and may only release after the DoneCallback goes to
  // `release_after_done`.
  absl::Status Run(const ProgressCallback& progress, cti::v1::RebuildProgress* last,
                   std::vector<std::shared_ptr<void>>* release_after_done);
  bool cancelled() const;

  cti::log::EventLog* const log_;
  StoreGenerations* const generations_;
  StoreHolder* const stores_;
  ProjectorRunner* const runner_;
  cti::Clock* const clock_;
  const Options options_;

  mutable absl::Mutex mu_;
  bool running_ ABSL_GUARDED_BY(mu_) = false;
  bool cancel_ ABSL_GUARDED_BY(mu_) = false;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cti::server

#endif  // CTI_SERVER_REBUILDER_H_
