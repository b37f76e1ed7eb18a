// Stopping a long-running command (watch) from another thread or from SIGINT/SIGTERM.
#ifndef CTI_CLIENTS_CTICTL_STOP_SIGNAL_H_
#define CTI_CLIENTS_CTICTL_STOP_SIGNAL_H_

#include <grpcpp/client_context.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace cti::ctictl {

// A one-way "stop" flag that also cancels the call in flight and wakes a sleeper.
// Thread-safe.
class StopSignal {
 public:
  // Sets the flag, cancels the active call (if any) and wakes SleepFor. Idempotent.
  void Stop();
  bool stopped() const;

  // Makes `context` the call Stop cancels; nullptr clears it. A context set after Stop
  // is cancelled at once. The caller keeps ownership and must clear it before
  // destroying the context.
  void SetActiveCall(grpc::ClientContext* context);

  // Sleeps for `duration` or until Stop; answers false when stopped.
  bool SleepFor(std::chrono::milliseconds duration);

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopped_ = false;
  grpc::ClientContext* active_ = nullptr;
};

// While alive, SIGINT and SIGTERM stop `stop` instead of killing the process. Must be
// constructed before any gRPC channel exists (it blocks the signals in this thread, and
// threads started later inherit that) and destroyed on the same thread.
class InterruptWatcher {
 public:
  explicit InterruptWatcher(StopSignal& stop);
  ~InterruptWatcher();
  InterruptWatcher(const InterruptWatcher&) = delete;
  InterruptWatcher& operator=(const InterruptWatcher&) = delete;

 private:
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace cti::ctictl

#endif  // CTI_CLIENTS_CTICTL_STOP_SIGNAL_H_
