#include "server/position_waiters.h"

namespace cti::server {

PositionWaiters::PositionWaiters(std::vector<uint64_t> applied) : applied_(std::move(applied)) {}

uint64_t PositionWaiters::Applied(int partition) const {
  absl::MutexLock lock(&mu_);
  if (partition < 0 || static_cast<size_t>(partition) >= applied_.size()) return 0;
  return applied_[partition];
}

uint64_t PositionWaiters::Add(int partition, uint64_t position, Callback callback) {
  absl::Status now;
  {
    absl::MutexLock lock(&mu_);
    const bool known = partition >= 0 && static_cast<size_t>(partition) < applied_.size();
    if (!failed_.ok()) {
      now = failed_;
    } else if (!known) {
      now = absl::InvalidArgumentError("unknown log partition");
    } else if (applied_[partition] < position) {
      const uint64_t id = next_id_++;
      const Key key{partition, position, id};
      waiting_.emplace(key, std::move(callback));
      key_by_id_.emplace(id, key);
      return id;
    }
  }
  callback(now);
  return 0;
}

bool PositionWaiters::Remove(uint64_t id) {
  absl::MutexLock lock(&mu_);
  auto it = key_by_id_.find(id);
  if (it == key_by_id_.end()) return false;
  waiting_.erase(it->second);
  key_by_id_.erase(it);
  return true;
}

void PositionWaiters::Advance(int partition, uint64_t position) {
  std::vector<Callback> ready;
  {
    absl::MutexLock lock(&mu_);
    if (partition < 0 || static_cast<size_t>(partition) >= applied_.size()) return;
    if (position > applied_[partition]) applied_[partition] = position;
    auto it = waiting_.lower_bound(Key{partition, 0, 0});
    while (it != waiting_.end() && it->first.partition == partition &&
           it->first.position <= position) {
      key_by_id_.erase(it->first.id);
      ready.push_back(std::move(it->second));
      it = waiting_.erase(it);
    }
  }
  for (Callback& callback : ready) callback(absl::OkStatus());
}

void PositionWaiters::FailAll(absl::Status status) {
  std::vector<Callback> failed;
  {
    absl::MutexLock lock(&mu_);
    failed_ = status;
    for (auto& [key, callback] : waiting_) failed.push_back(std::move(callback));
    waiting_.clear();
    key_by_id_.clear();
  }
  for (Callback& callback : failed) callback(status);
}

size_t PositionWaiters::size() const {
  absl::MutexLock lock(&mu_);
  return waiting_.size();
}

}  // namespace cti::server
