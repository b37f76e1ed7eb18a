// SubscriptionHub: fans the projector's applied batches out to live Subscribe streams.
//
// Operation: after each batch is applied, the projector runner publishes it (records
// with their outcomes, and the partition's new applied position). Every listener
// registered for that partition receives every batch published after its registration,
// in order. Registration answers the position published up to then, so a subscriber
// knows exactly which positions it must read from the log instead (catch-up) and which
// will come live: no gap, no duplicate.
// Concurrency: all methods may be called from any thread. Publish is called by one
// thread at a time (the projector runner) and calls listeners outside the hub's lock;
// listeners must not block (the projector never waits on a subscriber).
#ifndef CTI_SERVER_SUBSCRIPTION_HUB_H_
#define CTI_SERVER_SUBSCRIPTION_HUB_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "cti/v1/event.pb.h"
#include "server/log/event_log.h"

namespace cti::server {

// One applied batch of one partition.
struct AppliedBatch {
  int partition = 0;
  // The partition's applied position after the batch (its last record's position).
  uint64_t applied_position = 0;
  // The batch's records in position order, each with its ApplyOutcome set (as read
  // from the log: often on one arena, freed with the batch).
  cti::log::RecordBatch records;
};

class HubListener {
 public:
  virtual ~HubListener() = default;
  // Called for each batch published after registration, in order. Must not block.
  virtual void OnBatch(const std::shared_ptr<const AppliedBatch>& batch) = 0;
  // Called once when the hub shuts down (server stopping). Must not block.
  virtual void OnShutdown() = 0;
};

class SubscriptionHub {
 public:
  // `published[p]`: the position partition p had applied when the hub was created.
  explicit SubscriptionHub(std::vector<uint64_t> published);

  // Registers `listener` for `partition` and returns the applied position published up
  // to now: every later batch goes to the listener. UNAVAILABLE after Shutdown;
  // INVALID_ARGUMENT for an unknown partition.
  absl::StatusOr<uint64_t> Add(int partition, std::shared_ptr<HubListener> listener);

  // Unregisters; unknown listeners are ignored. The listener may still receive a batch
  // that was being delivered when Remove was called.
  void Remove(const HubListener* listener);

  // Delivers `batch` to the listeners of its partition.
  void Publish(std::shared_ptr<const AppliedBatch> batch);

  // The applied position last published for `partition` (0 for an unknown one).
  uint64_t Published(int partition) const;

  // Calls OnShutdown on every listener, unregisters them all and refuses later Adds.
  void Shutdown();

  // Number of registered listeners.
  size_t size() const;

 private:
  using Listeners = absl::flat_hash_map<const HubListener*, std::shared_ptr<HubListener>>;

  mutable absl::Mutex mu_;
  std::vector<uint64_t> published_ ABSL_GUARDED_BY(mu_);
  std::vector<Listeners> listeners_ ABSL_GUARDED_BY(mu_);  // By partition.
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace cti::server

#endif  // CTI_SERVER_SUBSCRIPTION_HUB_H_
