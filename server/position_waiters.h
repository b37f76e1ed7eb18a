// PositionWaiters: callbacks waiting for the projector to reach a log position.
//
// Read-your-writes: a query with min_position registers here when its partition has
// not yet applied that position; the projector runner calls Advance after each applied
// batch and the satisfied callbacks run. Nothing blocks: a waiter is a callback.
//
// Concurrency: all methods may be called from any thread. Callbacks run on the thread
// calling Advance or FailAll, never under the internal lock, and must be quick (post
// real work to a ThreadPool).
#ifndef CTI_SERVER_POSITION_WAITERS_H_
#define CTI_SERVER_POSITION_WAITERS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace cti::server {

class PositionWaiters {
 public:
  // Called once: OK when the position was applied, or the status given to FailAll.
  using Callback = std::function<void(absl::Status)>;

  // `applied[p]` is the position partition p has applied so far.
  explicit PositionWaiters(std::vector<uint64_t> applied);

  // The position `partition` has applied, as last told by Advance. 0 for an unknown
  // partition.
  uint64_t Applied(int partition) const;

  // Calls `callback` exactly once (unless Remove returns true): at once, on this
  // thread, with OK when `partition` has already applied `position` (or with the
  // FailAll status after FailAll), returning 0; otherwise later from Advance or
  // FailAll, returning an id for Remove.
  uint64_t Add(int partition, uint64_t position, Callback callback);

  // Forgets a waiter. True when it was still waiting (its callback will not run).
  bool Remove(uint64_t id);

  // Records that `partition` has applied up to `position` and runs every callback
  // waiting for a position at or below it, with OK.
  void Advance(int partition, uint64_t position);

  // Runs every waiting callback with `status` and makes later Adds fail the same way.
  // For shutdown.
  void FailAll(absl::Status status);

  // Number of waiters not yet called. For tests and status.
  size_t size() const;

 private:
  struct Key {
    int partition;
    uint64_t position;
    uint64_t id;
    bool operator<(const Key& o) const {
      return std::tie(partition, position, id) < std::tie(o.partition, o.position, o.id);
    }
  };

  mutable absl::Mutex mu_;
  std::vector<uint64_t> applied_ ABSL_GUARDED_BY(mu_);
  std::map<Key, Callback> waiting_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<uint64_t, Key> key_by_id_ ABSL_GUARDED_BY(mu_);
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  absl::Status failed_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cti::server

#endif  // CTI_SERVER_POSITION_WAITERS_H_
