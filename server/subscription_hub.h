// SubscriptionHub: fans the projector's applied batches out to live Subscribe streams.
//
// Operation: after each batch is applied, the projector runner publishes it (records
// with their outcomes, and the partition's new applied position). Every listener
// registered for that partition receives every batch published after its registration,
// in order. Registration answers the position published up to then, so a subscriber
// knows exactly which positions it must read from the log instead (catch-up) and which
// will come live: no gap, no duplicate.
// Delivery: Publish records the new position and queues the batch; the hub's own
// delivery thread hands queued batches to the partition's listeners, in order, outside
// the hub's lock. The projector thus runs no listener code: however many streams are
// open, applying is not slowed by them (only when more than kMaxQueued batches wait
// does Publish wait for the delivery thread, which bounds memory). A listener added
// while a batch is queued may receive it although Add's answer already counts it (a
// stream drops positions it has passed).
// Concurrency: all methods may be called from any thread. Publish is called by one
// thread at a time (the projector runner); listeners must not block.
#ifndef CTI_SERVER_SUBSCRIPTION_HUB_H_
#define CTI_SERVER_SUBSCRIPTION_HUB_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/call_once.h"
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

  // records.record(i) serialized, made once on first use and shared by every stream that
  // sends it (thread-safe).
  const std::string& Serialized(size_t i) const {
    absl::call_once(serialized_once_, [this] {
      serialized_.reserve(records.size());
      for (const cti::v1::LogRecord* record : records.records()) {
        serialized_.push_back(record->SerializeAsString());
      }
    });
    return serialized_[i];
  }

 private:
  mutable absl::once_flag serialized_once_;
  mutable std::vector<std::string> serialized_;
};

class HubListener {
 public:
  virtual ~HubListener() = default;
  // Called for each batch published after registration, in order. Must not block.
  virtual void OnBatch(const std::shared_ptr<const AppliedBatch>& batch) = 0;
  // Called once when the hub shuts down (server stopping). Must not block.
  virtual void OnShutdown() = 0;
  // True for a client's Subscribe stream, false for the server's own followers (route
  // cache, mailer, routing check): what subscriber_count() counts.
  virtual bool is_subscriber() const { return false; }
};

class SubscriptionHub {
 public:
  // Batches queued for delivery before Publish waits.
  static constexpr size_t kMaxQueued = 1024;

  // `published[p]`: the position partition p had applied when the hub was created.
  // Starts the delivery thread.
  explicit SubscriptionHub(std::vector<uint64_t> published);
  // Shuts down (if not yet).
  ~SubscriptionHub();
  SubscriptionHub(const SubscriptionHub&) = delete;
  SubscriptionHub& operator=(const SubscriptionHub&) = delete;

  // Registers `listener` for `partition` and returns the applied position published up
  // to now: every later batch goes to the listener. UNAVAILABLE after Shutdown;
  // INVALID_ARGUMENT for an unknown partition.
  absl::StatusOr<uint64_t> Add(int partition, std::shared_ptr<HubListener> listener);

  // Unregisters; unknown listeners are ignored. The listener may still receive a batch
  // that was being delivered when Remove was called.
  void Remove(const HubListener* listener);

  // Queues `batch` for the listeners of its partition (see Delivery above).
  void Publish(std::shared_ptr<const AppliedBatch> batch);

  // The applied position last published for `partition` (0 for an unknown one).
  uint64_t Published(int partition) const;

  // Drops undelivered batches, waits for the batch being delivered, calls OnShutdown on
  // every listener, unregisters them all and refuses later Adds. Idempotent. Not to be
  // called from a listener.
  void Shutdown();

  // Number of registered listeners.
  size_t size() const;
  // Number of registered listeners that are clients' streams (is_subscriber).
  size_t subscriber_count() const;

 private:
  using Listeners = absl::flat_hash_map<const HubListener*, std::shared_ptr<HubListener>>;

  mutable absl::Mutex mu_;
  std::vector<uint64_t> published_ ABSL_GUARDED_BY(mu_);
  std::vector<Listeners> listeners_ ABSL_GUARDED_BY(mu_);  // By partition.
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
  std::deque<std::shared_ptr<const AppliedBatch>> queue_ ABSL_GUARDED_BY(mu_);
  absl::Mutex join_mu_;
  std::thread delivery_ ABSL_GUARDED_BY(join_mu_);  // runs Deliver() until shut down

  void Deliver();
};

}  // namespace cti::server

#endif  // CTI_SERVER_SUBSCRIPTION_HUB_H_
