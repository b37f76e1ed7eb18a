// Timing and feeding helpers of projector_bench (not a library for anything else).
//
// Timer/Timing: wall clock, CPU time of the calling thread and of the whole process
// (with RocksDB's background flushes and a parse thread). Report: median and range of
// repeated timings as events/s. ParseInBatches: turns serialized events into LogRecord
// batches, optionally on a second thread with a bounded queue, as a rebuild reading the
// log does.
#ifndef CTI_PROJECTIONS_BENCH_TIMING_H_
#define CTI_PROJECTIONS_BENCH_TIMING_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "cti/v1/event.pb.h"

namespace cti::projections::bench {

struct Timing {
  double wall = 0, thread_cpu = 0, process_cpu = 0;
};

class Timer {
 public:
  Timer();
  Timing Elapsed() const;

 private:
  std::chrono::steady_clock::time_point wall_;
  double thread_cpu_;
  double process_cpu_;
};

// Prints "what: median events/s wall (min-max), ... of applying-thread CPU, process CPU"
// for `n` events per timing, and returns the median wall rate.
double Report(const char* what, size_t n, const std::vector<Timing>& timings);

// Parses events[i] as the event at position i + 1, in batches of `batch`, and calls
// `apply` with each batch in order on the calling thread; with `pipeline`, parsing runs
// on a second thread up to two batches ahead. Stops at the first error of `apply`.
absl::Status ParseInBatches(
    const std::vector<std::string>& events, size_t batch, bool pipeline,
    const std::function<absl::Status(const std::vector<cti::v1::LogRecord>&)>& apply);

}  // namespace cti::projections::bench

#endif  // CTI_PROJECTIONS_BENCH_TIMING_H_
