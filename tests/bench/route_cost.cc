#include "tests/bench/route_cost.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "projections/hours/time_zone.h"
#include "projections/router.h"
#include "projections/store.h"

namespace cti::bench {
namespace {

int64_t MonoNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Routes `requests` in turn until `duration` passed (at least once each); answers mean
// microseconds per call and mean answer bytes. `route` answers one request's answer
// bytes.
template <typename RouteFn>
absl::Status TimeCalls(const RouteFn& route,
                       const std::vector<const cti::v1::RouteRequest*>& requests,
                       absl::Duration duration, double* mean_us, double* mean_bytes,
                       uint64_t* calls) {
  const int64_t start = MonoNanos();
  const int64_t end = start + absl::ToInt64Nanoseconds(duration);
  uint64_t n = 0;
  uint64_t bytes = 0;
  for (int64_t t = start; n < requests.size() || t < end; t = MonoNanos()) {
    absl::StatusOr<size_t> answer = route(*requests[n % requests.size()]);
    if (!answer.ok()) return answer.status();
    bytes += *answer;
    ++n;
  }
  *mean_us = static_cast<double>(MonoNanos() - start) / 1000.0 / static_cast<double>(n);
  *mean_bytes = static_cast<double>(bytes) / static_cast<double>(n);
  *calls += n;
  return absl::OkStatus();
}

// Router::Route: the answer as a message. `now` is the server's clock for requests
// without `at`.
absl::Status Time(const projections::Router& router,
                  const std::vector<const cti::v1::RouteRequest*>& requests,
                  absl::Duration duration, double* mean_us, double* mean_bytes, uint64_t* calls,
                  absl::Time now = absl::InfinitePast()) {
  return TimeCalls(
      [&](const cti::v1::RouteRequest& request) -> absl::StatusOr<size_t> {
        absl::StatusOr<cti::v1::RouteResponse> answer = router.Route(request, now);
        if (!answer.ok()) return answer.status();
        return answer->ByteSizeLong();
      },
      requests, duration, mean_us, mean_bytes, calls);
}

// Router::RouteWire, as ctid's handler calls it: a kept answer's bytes are shared.
absl::Status TimeWire(const projections::Router& router,
                      const std::vector<const cti::v1::RouteRequest*>& requests,
                      absl::Duration duration, double* mean_us, uint64_t* calls) {
  double mean_bytes = 0;
  return TimeCalls(
      [&](const cti::v1::RouteRequest& request) -> absl::StatusOr<size_t> {
        absl::StatusOr<projections::Router::WireAnswer> answer =
            router.RouteWire(request, absl::InfinitePast());
        if (!answer.ok()) return answer.status();
        return answer->body->size();
      },
      requests, duration, mean_us, &mean_bytes, calls);
}

}  // namespace

std::string TargetKind(const cti::v1::RouteRequest& request) {
  switch (request.target().target_case()) {
    case cti::v1::RouteTarget::kEmployeeId:
      return "employee";
    case cti::v1::RouteTarget::kExtension:
      return "extension";
    case cti::v1::RouteTarget::kName:
      return "name";
    case cti::v1::RouteTarget::kUnitId:
      return "unit";
    case cti::v1::RouteTarget::kTask:
      return "task";
    case cti::v1::RouteTarget::kCaseTarget:
      return "case";
    default:
      return "none";
  }
}

absl::StatusOr<RouteCost> MeasureRouteCost(const std::string& data_dir,
                                           const std::vector<cti::v1::RouteRequest>& requests,
                                           absl::Duration duration) {
  std::ifstream current(std::filesystem::path(data_dir) / "CURRENT_PROJECTIONS");
  std::string generation;
  if (!std::getline(current, generation)) {
    return absl::NotFoundError(absl::StrCat(data_dir, "/CURRENT_PROJECTIONS cannot be read"));
  }
  const std::string dir =
      (std::filesystem::path(data_dir) / std::string(absl::StripAsciiWhitespace(generation)))
          .string();
  absl::StatusOr<std::unique_ptr<projections::Store>> store = projections::Store::Open(dir);
  if (!store.ok()) return store.status();
  absl::StatusOr<absl::TimeZone> zone = hours::CopenhagenTimeZone();
  if (!zone.ok()) return zone.status();
  // As ctid routes: with a RouteCache that knows the store's applied position (nothing
  // changes while the benchmark runs), so repeated targets read no RocksDB.
  projections::RouteCache cache({(*store)->AppliedPosition(0)});
  const projections::Router router(store->get(), *zone, &cache, /*partition=*/0);

  std::map<std::string, std::vector<const cti::v1::RouteRequest*>> by_kind;
  std::vector<const cti::v1::RouteRequest*> all;
  for (const cti::v1::RouteRequest& request : requests) {
    by_kind[TargetKind(request)].push_back(&request);
    all.push_back(&request);
  }
  RouteCost cost;
  // Warm the block cache and the code once.
  double ignored_us = 0, ignored_bytes = 0;
  uint64_t ignored_calls = 0;
  if (absl::Status s =
          Time(router, all, absl::ZeroDuration(), &ignored_us, &ignored_bytes, &ignored_calls);
      !s.ok()) {
    return s;
  }
  const absl::Duration slice = duration / static_cast<int64_t>(by_kind.size() + 2);
  for (const auto& [kind, list] : by_kind) {
    if (absl::Status s =
            Time(router, list, slice, &cost.mean_us[kind], &cost.mean_bytes[kind], &cost.calls);
        !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = Time(router, all, slice, &cost.overall_us, &cost.overall_bytes, &cost.calls);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = TimeWire(router, all, slice, &cost.wire_us, &cost.calls); !s.ok()) {
    return s;
  }
  const projections::RouteCache::AnswerCounts counts = cache.answer_counts();
  cost.kept_share = static_cast<double>(counts.reused) /
                    static_cast<double>(std::max<uint64_t>(1, counts.reused + counts.built));
  // Every answer built from the records, read from RocksDB and parsed each time.
  const projections::Router uncached(store->get(), *zone);
  double uncached_bytes = 0;
  uint64_t uncached_calls = 0;
  if (absl::Status s =
          Time(uncached, all, slice, &cost.uncached_us, &uncached_bytes, &uncached_calls);
      !s.ok()) {
    return s;
  }
  // The same questions for now (no `at`, the clock at the same instant), as softphones
  // ask: calls in progress count (busy), with and without kept answers.
  std::vector<cti::v1::RouteRequest> live_requests(requests.begin(), requests.end());
  std::vector<const cti::v1::RouteRequest*> live;
  absl::Time now = absl::Now();
  for (cti::v1::RouteRequest& request : live_requests) {
    if (request.has_at()) now = absl::FromUnixSeconds(request.at().seconds());
    request.clear_at();
    live.push_back(&request);
  }
  const projections::RouteCache::AnswerCounts before = cache.answer_counts();
  double live_bytes = 0;
  uint64_t live_calls = 0;
  if (absl::Status s =
          Time(router, live, absl::ZeroDuration(), &cost.live_us, &live_bytes, &live_calls, now);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = Time(router, live, slice, &cost.live_us, &live_bytes, &live_calls, now);
      !s.ok()) {
    return s;
  }
  const projections::RouteCache::AnswerCounts after = cache.answer_counts();
  const uint64_t reused = after.reused - before.reused;
  cost.live_kept_share = static_cast<double>(reused) / static_cast<double>(std::max<uint64_t>(
                                                           1, reused + after.built - before.built));
  if (absl::Status s =
          Time(uncached, live, slice, &cost.live_uncached_us, &live_bytes, &live_calls, now);
      !s.ok()) {
    return s;
  }
  if (absl::Status closed = (*store)->Close(); !closed.ok()) return closed;
  return cost;
}

}  // namespace cti::bench
