// Clock: the one source of "now" for the server. Injected everywhere a time is needed so
// that tests run on a simulated clock and are deterministic; domain code in
// projections/ never reads a clock at all (it gets instants as arguments).
#ifndef CTI_SERVER_CLOCK_H_
#define CTI_SERVER_CLOCK_H_

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace cti {

// Thread safety: implementations are safe to call from any thread.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() = 0;
};

// The wall clock.
class RealClock final : public Clock {
 public:
  absl::Time Now() override { return absl::Now(); }
  // A process-wide instance; never destroyed.
  static RealClock* Get() {
    static RealClock* clock = new RealClock;
    return clock;
  }
};

// The wall clock shifted to start at a chosen instant: it runs at real speed from
// `start`, taken as the time of construction. For demonstrations and end-to-end tests
// that need a known weekday and hour (ctid --clock-start); never for production.
class OffsetClock final : public Clock {
 public:
  explicit OffsetClock(absl::Time start) : offset_(start - absl::Now()) {}
  absl::Time Now() override { return absl::Now() + offset_; }

 private:
  const absl::Duration offset_;
};

// A clock that moves only when told to. For tests.
class SimulatedClock final : public Clock {
 public:
  explicit SimulatedClock(absl::Time start) : now_(start) {}
  absl::Time Now() override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Set(absl::Time t) {
    absl::MutexLock lock(&mu_);
    now_ = t;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }

 private:
  absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cti

#endif  // CTI_SERVER_CLOCK_H_
