// Timer: runs short callbacks at instants of an injected cti::Clock.
//
// Used for the 30 s cap on min_position waits and for Subscribe heartbeats. Time is
// read only from the Clock, so on a SimulatedClock a callback runs once the test has
// advanced the clock past its instant (noticed within `poll` of real time).
//
// Concurrency: Schedule and Cancel may be called from any thread, including from a
// callback. Callbacks run one at a time on the timer's own thread and must not block
// (post real work to a ThreadPool).
// Shutdown: Stop() drops the pending callbacks without running them and joins the
// thread; the destructor calls Stop().
#ifndef CTI_SERVER_TIMER_H_
#define CTI_SERVER_TIMER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/clock.h"

namespace cti::server {

class Timer {
 public:
  // `clock` must outlive the timer. `poll` bounds how long a change of a simulated
  // clock can go unnoticed.
  explicit Timer(cti::Clock* clock, absl::Duration poll = absl::Milliseconds(50));
  ~Timer();
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  // Runs `callback` once clock->Now() >= `at`. Returns an id for Cancel (never 0).
  // After Stop() the callback is dropped.
  uint64_t Schedule(absl::Time at, std::function<void()> callback);

  // Removes a pending callback. True when it was pending (it will not run); false when
  // it already ran, is running, or the id is unknown.
  bool Cancel(uint64_t id);

  // Drops pending callbacks and joins the thread. Idempotent; owner only.
  void Stop();

 private:
  void Run();

  cti::Clock* const clock_;
  const absl::Duration poll_;
  absl::Mutex mu_;
  absl::CondVar wake_;
  std::map<std::pair<absl::Time, uint64_t>, std::function<void()>> pending_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<uint64_t, absl::Time> due_by_id_ ABSL_GUARDED_BY(mu_);
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace cti::server

#endif  // CTI_SERVER_TIMER_H_
