#include "server/subscription_hub.h"

#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace cti::server {

SubscriptionHub::SubscriptionHub(std::vector<uint64_t> published)
    : published_(std::move(published)), listeners_(published_.size()) {
  absl::MutexLock lock(&join_mu_);
  delivery_ = std::thread([this] { Deliver(); });
}

SubscriptionHub::~SubscriptionHub() { Shutdown(); }

void SubscriptionHub::Deliver() {
  while (true) {
    std::shared_ptr<const AppliedBatch> batch;
    std::vector<std::shared_ptr<HubListener>> targets;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](SubscriptionHub* hub)
               ABSL_NO_THREAD_SAFETY_ANALYSIS { return hub->shut_down_ || !hub->queue_.empty(); },
          this));
      if (shut_down_) return;
      batch = std::move(queue_.front());
      queue_.pop_front();
      const Listeners& listeners = listeners_[batch->partition];
      targets.reserve(listeners.size());
      for (const auto& [key, listener] : listeners) targets.push_back(listener);
    }
    for (const std::shared_ptr<HubListener>& listener : targets) listener->OnBatch(batch);
  }
}

absl::StatusOr<uint64_t> SubscriptionHub::Add(int partition,
                                              std::shared_ptr<HubListener> listener) {
  absl::MutexLock lock(&mu_);
  if (shut_down_) return absl::UnavailableError("server is shutting down");
  if (partition < 0 || static_cast<size_t>(partition) >= listeners_.size()) {
    return absl::InvalidArgumentError("unknown log partition");
  }
  const HubListener* key = listener.get();
  listeners_[partition].emplace(key, std::move(listener));
  return published_[partition];
}

void SubscriptionHub::Remove(const HubListener* listener) {
  std::shared_ptr<HubListener> removed;  // Released after the lock.
  absl::MutexLock lock(&mu_);
  for (Listeners& listeners : listeners_) {
    auto it = listeners.find(listener);
    if (it == listeners.end()) continue;
    removed = std::move(it->second);
    listeners.erase(it);
    break;
  }
}

void SubscriptionHub::Publish(std::shared_ptr<const AppliedBatch> batch) {
  absl::MutexLock lock(&mu_);
  const int partition = batch->partition;
  if (shut_down_ || partition < 0 || static_cast<size_t>(partition) >= listeners_.size()) {
    return;
  }
  if (batch->applied_position > published_[partition]) {
    published_[partition] = batch->applied_position;
  }
  if (listeners_[partition].empty()) return;  // nobody to tell
  mu_.Await(absl::Condition(
      +[](SubscriptionHub* hub) ABSL_NO_THREAD_SAFETY_ANALYSIS {
        return hub->shut_down_ || hub->queue_.size() < kMaxQueued;
      },
      this));
  if (!shut_down_) queue_.push_back(std::move(batch));
}

uint64_t SubscriptionHub::Published(int partition) const {
  absl::MutexLock lock(&mu_);
  if (partition < 0 || static_cast<size_t>(partition) >= published_.size()) return 0;
  return published_[partition];
}

void SubscriptionHub::Shutdown() {
  std::vector<std::shared_ptr<HubListener>> all;
  {
    absl::MutexLock lock(&mu_);
    shut_down_ = true;
    queue_.clear();
    for (Listeners& listeners : listeners_) {
      for (auto& [key, listener] : listeners) all.push_back(std::move(listener));
      listeners.clear();
    }
  }
  // No batch is handed to a listener once Shutdown returns.
  {
    absl::MutexLock lock(&join_mu_);
    if (delivery_.joinable()) delivery_.join();
  }
  for (const std::shared_ptr<HubListener>& listener : all) listener->OnShutdown();
}

size_t SubscriptionHub::size() const {
  absl::MutexLock lock(&mu_);
  size_t n = 0;
  for (const Listeners& listeners : listeners_) n += listeners.size();
  return n;
}

size_t SubscriptionHub::subscriber_count() const {
  absl::MutexLock lock(&mu_);
  size_t n = 0;
  for (const Listeners& listeners : listeners_) {
    for (const auto& [key, listener] : listeners) n += listener->is_subscriber() ? 1 : 0;
  }
  return n;
}

}  // namespace cti::server
