// The server-side cost of Route without gRPC: projections::Router over the projection
// store a stopped ctid left in its data directory, timed in this process on one thread.
// route_bench reports it beside the gRPC figures, so that the gap between Route and Ping
// can be split into routing work and the rest (serialization, transport, scheduling).
//
// Thread safety: one call at a time; the store must not be open elsewhere (stop ctid).
#ifndef CTI_TESTS_BENCH_ROUTE_COST_H_
#define CTI_TESTS_BENCH_ROUTE_COST_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cti/v1/route_service.pb.h"

namespace cti::bench {

struct RouteCost {
  // Per target kind ("employee", "extension", "unit", "task", "case"): mean microseconds
  // per Router::Route call, and mean serialized answer bytes.
  std::map<std::string, double> mean_us;
  std::map<std::string, double> mean_bytes;
  double overall_us = 0;     // over the mixed request list, taken in turn
  double overall_bytes = 0;  // likewise
  // Router::RouteWire over the mix, as ctid's Route handler calls it (a kept answer's
  // bytes shared, not copied into a message): mean microseconds per call.
  double wire_us = 0;
  uint64_t calls = 0;
  // The share of those calls answered from a kept answer (RouteCache), and the mean
  // microseconds per call over the mix with no cache at all (every answer built from
  // records read from RocksDB).
  double kept_share = 0;
  double uncached_us = 0;
  // The mix asked for now (no `at`: busy counts, one more read per employee consulted),
  // at the same instant: mean microseconds with kept answers, their share, and with no
  // cache.
  double live_us = 0;
  double live_kept_share = 0;
  double live_uncached_us = 0;
};

// The kind of a request's target, as above.
std::string TargetKind(const cti::v1::RouteRequest& request);

// Opens the current projection store in `data_dir` (CURRENT_PROJECTIONS) and times
// Router::Route on `requests` for about `duration` (per kind and over the mix). Errors:
// the store cannot be opened, or a request fails.
absl::StatusOr<RouteCost> MeasureRouteCost(const std::string& data_dir,
                                           const std::vector<cti::v1::RouteRequest>& requests,
                                           absl::Duration duration);

}  // namespace cti::bench

#endif  // CTI_TESTS_BENCH_ROUTE_COST_H_
