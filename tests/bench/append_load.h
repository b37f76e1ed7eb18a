// Append load for cti_bench: many appends in flight through gRPC's callback API, with a
// Subscribe stream timing when each appended record becomes visible.
//
// Thread safety: each function runs its own threads and returns when they are done.
#ifndef CTI_TESTS_BENCH_APPEND_LOAD_H_
#define CTI_TESTS_BENCH_APPEND_LOAD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace cti::bench {

struct LoadOptions {
  std::string address;       // ctid host:port.
  uint64_t events = 500000;  // Appends to make (unique event ids).
  int in_flight = 64;        // Appends outstanding at any time.
  int channels = 4;          // gRPC channels (TCP connections) they are spread over.
  absl::Duration max_duration = absl::Seconds(120);  // Stop early after this long.
  size_t padding = 0;                                // Extra bytes per event (see LoadCallEvent).
  // Events per call: 1 sends each through Append, more sends AppendBatch calls of this
  // many events (in_flight then counts calls, not events).
  int per_call = 1;
  std::string id_prefix = "b-";  // Event ids are id_prefix + sequence number.
  // Tenants the events are spread over, one call's events to one tenant in turn; empty:
  // test_support::kTenant only. With tenants given, visibility is not timed (the
  // Subscribe stream that times it follows kTenant), so visible_us stays empty.
  std::vector<std::string> tenants;
};

struct LoadResult {
  uint64_t acked = 0;                // Appends acknowledged OK.
  uint64_t failed = 0;               // Appends that failed.
  std::string first_error;           // The first failure, if any.
  absl::Duration elapsed;            // First send to last acknowledgement.
  uint64_t last_position = 0;        // Highest acknowledged position.
  uint64_t bytes = 0;                // Serialized bytes of the acknowledged events.
  std::vector<double> ack_us;        // Per event: send to acknowledgement, microseconds.
  std::vector<double> visible_us;    // Per append: send to seen on Subscribe, microseconds.
  uint64_t subscriber_restarts = 0;  // Times the Subscribe stream had to resume.
};

// Appends options.events call events as fast as the server acknowledges them.
LoadResult RunAppendLoad(const LoadOptions& options);

// Appends options.events call events, one per Append, at `rate` per second: open loop
// (each is sent at its scheduled time, whatever is still in flight) and each timed from
// its scheduled send, so a slow server shows as latency, not as a lower offered rate.
// Uses address, events, channels and id_prefix of `options`; in_flight, per_call and
// tenants are ignored (kTenant only).
LoadResult RunPacedLoad(const LoadOptions& options, double rate);

// One append at a time, each waited for on a Subscribe stream before the next: the
// unloaded append-to-visible latency, `samples` times. Event ids start with `prefix`.
LoadResult RunSerialLatency(const std::string& address, int samples, const std::string& prefix);

// The p-th percentile (0..100) of `values` (sorted in place); 0 when empty.
double Percentile(std::vector<double>& values, double p);

}  // namespace cti::bench

#endif  // CTI_TESTS_BENCH_APPEND_LOAD_H_
