// as_of_bench: the cost of Route about the past (Router::RouteAsOf over the projection's
// history, internal/history.h) against the length of the history, beside Route now
// (Router::Route for the same instant) on the same store in the same run.
//
// Usage: as_of_bench [--sizes 20000,200000,1000000] [--samples N] [--dir DIR]
//
// For each size, a store is built from the call-heavy synthetic log (bench_workload.h:
// ~80% calls, ~15% calendar, ~5% staff) through the projector, then `samples` questions
// are timed one after the other: an employee of the initial directory at a fixed
// instant, as of a position drawn uniformly from the whole log (RouteAsOf), and the
// same questions for the current state (Route, no cache). Prints p50 / p99 / max of
// each and their ratio. A figure, not a test: the target (issue 6) is as-of p99 <=
// 50 ms and flat in the length of the history.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "projections/bench_workload.h"
#include "projections/hours/time_zone.h"
#include "projections/projector.h"
#include "projections/router.h"
#include "projections/store.h"

namespace cti::projections::bench {
namespace {

struct Flags {
  std::vector<size_t> sizes = {20000, 200000, 1000000};
  size_t samples = 2000;
  std::string dir = "/tmp/as_of_bench";
};

bool ParseFlags(int argc, char** argv, Flags* flags) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--sizes") {
      flags->sizes.clear();
      for (absl::string_view part : absl::StrSplit(value, ',')) {
        size_t n = 0;
        if (!absl::SimpleAtoi(part, &n) || n == 0) return false;
        flags->sizes.push_back(n);
      }
    } else if (flag == "--samples") {
      if (!absl::SimpleAtoi(value, &flags->samples) || flags->samples == 0) return false;
    } else if (flag == "--dir") {
      flags->dir = value;
    } else {
      return false;
    }
  }
  return (argc % 2) == 1;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * v.size()));
  return v[i];
}

int Run(const Flags& flags) {
  absl::StatusOr<absl::TimeZone> zone = hours::CopenhagenTimeZone();
  if (!zone.ok()) return 1;
  std::printf(
      "| log records | Route now p50 / p99 / max (µs) | RouteAsOf p50 / p99 / max (µs) | "
      "as-of / now (p50, p99) | found / samples |\n| --- | --- | --- | --- | --- |\n");
  for (size_t n : flags.sizes) {
    const std::string dir = flags.dir + "/" + std::to_string(n);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(flags.dir);
    absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(dir);
    if (!store.ok()) {
      std::fprintf(stderr, "as_of_bench: %s\n", store.status().ToString().c_str());
      return 1;
    }
    std::vector<cti::v1::LogRecord> records = MakeWorkload(Mix::kCallHeavy, n);
    // Employees of the initial directory (hired in the first tenth of the log).
    std::vector<std::string> employees;
    for (size_t i = 0; i < records.size() / 10; ++i) {
      const cti::v1::Event& e = records[i].event();
      if (e.has_staff() && e.staff().has_employee_hired()) {
        employees.push_back(e.staff().employee_hired().employee().employee_id());
      }
    }
    {
      Projector projector(store->get());
      for (size_t i = 0; i < records.size(); i += 4096) {
        const size_t len = std::min<size_t>(4096, records.size() - i);
        absl::StatusOr<std::vector<cti::v1::ApplyOutcome>> applied =
            projector.Apply(0, absl::MakeConstSpan(records).subspan(i, len));
        if (!applied.ok()) {
          std::fprintf(stderr, "as_of_bench: %s\n", applied.status().ToString().c_str());
          return 1;
        }
      }
    }
    const std::string tenant = records.front().event().tenant();
    const absl::Time at = absl::FromUnixSeconds(records.back().event().occurred_at().seconds());
    records.clear();
    records.shrink_to_fit();
    if (employees.empty()) {
      std::fprintf(stderr, "as_of_bench: no employee in the first tenth of the log\n");
      return 1;
    }
    const Router router(store->get(), *zone);
    std::mt19937_64 random(n);
    std::vector<double> now_us, as_of_us;
    size_t found = 0;
    for (size_t s = 0; s < flags.samples; ++s) {
      cti::v1::RouteRequest request;
      request.set_tenant(tenant);
      request.mutable_target()->set_employee_id(employees[random() % employees.size()]);
      request.mutable_at()->set_seconds(absl::ToUnixSeconds(at));
      const uint64_t position = 1 + random() % n;
      auto start = std::chrono::steady_clock::now();
      absl::StatusOr<cti::v1::RouteResponse> now = router.Route(request, at);
      auto middle = std::chrono::steady_clock::now();
      absl::StatusOr<cti::v1::RouteResponse> past = router.RouteAsOf(request, position);
      auto end = std::chrono::steady_clock::now();
      if (!now.ok() && !absl::IsNotFound(now.status())) {
        std::fprintf(stderr, "as_of_bench: Route: %s\n", now.status().ToString().c_str());
        return 1;
      }
      if (!past.ok() && !absl::IsNotFound(past.status())) {
        std::fprintf(stderr, "as_of_bench: RouteAsOf: %s\n", past.status().ToString().c_str());
        return 1;
      }
      found += past.ok() ? 1 : 0;
      now_us.push_back(std::chrono::duration<double, std::micro>(middle - start).count());
      as_of_us.push_back(std::chrono::duration<double, std::micro>(end - middle).count());
    }
    const double now50 = Percentile(now_us, 50), now99 = Percentile(now_us, 99);
    const double past50 = Percentile(as_of_us, 50), past99 = Percentile(as_of_us, 99);
    std::printf("| %zu | %.0f / %.0f / %.0f | %.0f / %.0f / %.0f | %.2f×, %.2f× | %zu / %zu |\n", n,
                now50, now99, Percentile(now_us, 100), past50, past99, Percentile(as_of_us, 100),
                past50 / now50, past99 / now99, found, flags.samples);
    std::fflush(stdout);
    store->reset();
    std::filesystem::remove_all(dir);
  }
  return 0;
}

}  // namespace
}  // namespace cti::projections::bench

int main(int argc, char** argv) {
  cti::projections::bench::Flags flags;
  if (!cti::projections::bench::ParseFlags(argc, argv, &flags)) {
    std::fprintf(stderr,
                 "usage: as_of_bench [--sizes 20000,200000,1000000] [--samples N] [--dir DIR]\n");
    return 2;
  }
  return cti::projections::bench::Run(flags);
}
