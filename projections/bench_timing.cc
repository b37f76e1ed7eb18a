// projector_bench's timers, report lines and parse pipeline (bench_timing.h).
#include "projections/bench_timing.h"

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace cti::projections::bench {
namespace {

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double ProcessCpuSeconds() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  const auto secs = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return secs(usage.ru_utime) + secs(usage.ru_stime);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

absl::Status ParseBatch(const std::vector<std::string>& events, size_t begin, size_t end,
                        std::vector<cti::v1::LogRecord>* out) {
  out->clear();
  out->reserve(end - begin);
  for (size_t i = begin; i < end; ++i) {
    cti::v1::LogRecord& record = out->emplace_back();
    record.set_position(i + 1);
    if (!record.mutable_event()->ParseFromString(events[i])) {
      return absl::DataLossError(absl::StrCat("event at position ", i + 1, " does not parse"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

Timer::Timer()
    : wall_(std::chrono::steady_clock::now()),
      thread_cpu_(ThreadCpuSeconds()),
      process_cpu_(ProcessCpuSeconds()) {}

Timing Timer::Elapsed() const {
  return Timing{std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_).count(),
                ThreadCpuSeconds() - thread_cpu_, ProcessCpuSeconds() - process_cpu_};
}

double Report(const char* what, size_t n, const std::vector<Timing>& timings) {
  const double count = static_cast<double>(n);
  std::vector<double> wall, cpu, process;
  for (const Timing& t : timings) {
    wall.push_back(count / t.wall);
    cpu.push_back(count / t.thread_cpu);
    process.push_back(t.process_cpu);
  }
  const auto [wall_min, wall_max] = std::minmax_element(wall.begin(), wall.end());
  std::printf(
      "   %-22s %8.0f events/s wall (%.0f-%.0f), %8.0f events/s of applying-thread CPU, "
      "%.2f s process CPU\n",
      what, Median(wall), *wall_min, *wall_max, Median(cpu), Median(process));
  std::fflush(stdout);
  return Median(wall);
}

absl::Status ParseInBatches(
    const std::vector<std::string>& events, size_t batch, bool pipeline,
    const std::function<absl::Status(const std::vector<cti::v1::LogRecord>&)>& apply) {
  if (!pipeline) {
    std::vector<cti::v1::LogRecord> records;
    for (size_t i = 0; i < events.size(); i += batch) {
      if (absl::Status s = ParseBatch(events, i, std::min(events.size(), i + batch), &records);
          !s.ok()) {
        return s;
      }
      if (absl::Status s = apply(records); !s.ok()) return s;
    }
    return absl::OkStatus();
  }
  absl::Mutex mu;
  absl::CondVar changed;
  std::deque<std::vector<cti::v1::LogRecord>> ready;  // parsed, not yet applied
  absl::Status parse_status;
  bool parsed_all = false;
  bool stop = false;
  std::thread parser([&] {
    for (size_t i = 0; i < events.size(); i += batch) {
      std::vector<cti::v1::LogRecord> records;
      absl::Status s = ParseBatch(events, i, std::min(events.size(), i + batch), &records);
      absl::MutexLock lock(&mu);
      if (!s.ok()) {
        parse_status = s;
        break;
      }
      while (ready.size() >= 2 && !stop) changed.Wait(&mu);
      if (stop) break;
      ready.push_back(std::move(records));
      changed.SignalAll();
    }
    absl::MutexLock lock(&mu);
    parsed_all = true;
    changed.SignalAll();
  });
  absl::Status status;
  while (status.ok()) {
    std::vector<cti::v1::LogRecord> records;
    {
      absl::MutexLock lock(&mu);
      while (ready.empty() && !parsed_all) changed.Wait(&mu);
      if (ready.empty()) {
        status = parse_status;
        break;
      }
      records = std::move(ready.front());
      ready.pop_front();
      changed.SignalAll();
    }
    status = apply(records);
  }
  {
    absl::MutexLock lock(&mu);
    stop = true;
    changed.SignalAll();
  }
  parser.join();
  return status;
}

}  // namespace cti::projections::bench
