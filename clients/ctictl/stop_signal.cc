#include "stop_signal.h"

#include <pthread.h>
#include <signal.h>

#include <ctime>

namespace cti::ctictl {

void StopSignal::Stop() {
  std::lock_guard<std::mutex> lock(mu_);
  stopped_ = true;
  if (active_ != nullptr) active_->TryCancel();
  cv_.notify_all();
}

bool StopSignal::stopped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stopped_;
}

void StopSignal::SetActiveCall(grpc::ClientContext* context) {
  std::lock_guard<std::mutex> lock(mu_);
  active_ = context;
  if (stopped_ && active_ != nullptr) active_->TryCancel();
}

bool StopSignal::SleepFor(std::chrono::milliseconds duration) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, duration, [this] { return stopped_; });
  return !stopped_;
}

namespace {

sigset_t InterruptSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

InterruptWatcher::InterruptWatcher(StopSignal& stop) {
  const sigset_t signals = InterruptSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  thread_ = std::thread([this, &stop, signals] {
    const timespec poll_interval{0, 100 * 1000 * 1000};
    while (!done_.load()) {
      if (sigtimedwait(&signals, nullptr, &poll_interval) > 0) {
        stop.Stop();
        return;
      }
    }
  });
}

InterruptWatcher::~InterruptWatcher() {
  done_.store(true);
  thread_.join();
  // Signals that arrived meanwhile stay pending while blocked; the process is about to
  // finish the command, so they are left blocked rather than delivered with the default
  // action (which would kill it mid-cleanup).
}

}  // namespace cti::ctictl
