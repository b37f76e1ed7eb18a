#include "server/timer.h"

#include <pthread.h>

#include <algorithm>

namespace cti::server {

Timer::Timer(cti::Clock* clock, absl::Duration poll) : clock_(clock), poll_(poll) {
  thread_ = std::thread([this] { Run(); });
  pthread_setname_np(thread_.native_handle(), "cti-timer");
}

Timer::~Timer() { Stop(); }

uint64_t Timer::Schedule(absl::Time at, std::function<void()> callback) {
  absl::MutexLock lock(&mu_);
  const uint64_t id = next_id_++;
  if (stopping_) return id;
  const bool earliest = pending_.empty() || at < pending_.begin()->first.first;
  pending_.emplace(std::make_pair(at, id), std::move(callback));
  due_by_id_.emplace(id, at);
  if (earliest) wake_.Signal();
  return id;
}

bool Timer::Cancel(uint64_t id) {
  absl::MutexLock lock(&mu_);
  auto it = due_by_id_.find(id);
  if (it == due_by_id_.end()) return false;
  pending_.erase(std::make_pair(it->second, id));
  due_by_id_.erase(it);
  return true;
}

void Timer::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    pending_.clear();
    due_by_id_.clear();
    wake_.Signal();
  }
  if (thread_.joinable()) thread_.join();
}

void Timer::Run() {
  absl::MutexLock lock(&mu_);
  while (!stopping_) {
    if (pending_.empty()) {
      wake_.WaitWithTimeout(&mu_, poll_);
      continue;
    }
    const absl::Time now = clock_->Now();
    auto first = pending_.begin();
    if (first->first.first > now) {
      wake_.WaitWithTimeout(&mu_, std::min(first->first.first - now, poll_));
      continue;
    }
    std::function<void()> callback = std::move(first->second);
    due_by_id_.erase(first->first.second);
    pending_.erase(first);
    mu_.Unlock();
    callback();
    mu_.Lock();
  }
}

}  // namespace cti::server
