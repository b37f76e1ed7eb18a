// Closed-loop load for route_bench: N unary calls in flight on gRPC's callback client
// API, each completion starting the next, for a fixed time; the empty Ping or Route.
//
// Two kinds of client, because on one machine the client's CPU is taken from the server:
// - kPing and kRoute are a load generator, as gRPC's own benchmarks use one (their
//   "generic" client): the requests are serialized once, the answers are received as
//   bytes, and one Route answer in 16 is parsed and checked (it must have steps, else
//   the call counts as failed). This measures what the server does per call.
// - kRouteParsed is a client as a softphone is one: the typed stub serializes every
//   request and parses every answer (into one message per slot that it reuses).
//
// Thread safety: LoopClient::Run runs its calls on gRPC's threads and returns when they
// are done; one Run at a time. LoopResult is a plain value.
#ifndef CTI_TESTS_BENCH_ROUTE_LOOP_H_
#define CTI_TESTS_BENCH_ROUTE_LOOP_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "cti/v1/route_service.pb.h"

namespace cti::bench {

enum class LoopRpc { kPing, kRoute, kRouteParsed };

struct LoopResult {
  std::vector<double> latency_us;  // one per OK call: start to completion
  uint64_t ok = 0;
  uint64_t failed = 0;
  std::string first_error;
  absl::Duration elapsed;       // first start to last completion
  uint64_t response_bytes = 0;  // serialized bytes of the sampled OK answers
  uint64_t sized = 0;           // how many answers response_bytes sums
  absl::Duration server_cpu;    // ctid's CPU time (user + system) during the run
  absl::Duration client_cpu;    // this process's CPU time during the run

  // CPU time per OK call, in µs, of the server and the client.
  double ServerCpuUs() const;
  double ClientCpuUs() const;

  // Merges another run (latencies, counts, time).
  void Add(const LoopResult& other);
  // The p-th percentile (0..100) of latency_us; 0 when empty. Sorts latency_us.
  double Percentile(double p);
  // OK calls per second of elapsed time.
  double Qps() const;
};

// Channels to one ctid (as the reception role), kept across runs so that connection set-up
// is not measured.
class LoopClient {
 public:
  // `channels` distinct channels (TCP connections); call slot i uses channel i % channels.
  LoopClient(const std::string& address, int channels);
  ~LoopClient();
  LoopClient(const LoopClient&) = delete;
  LoopClient& operator=(const LoopClient&) = delete;

  // Keeps `in_flight` calls going for `duration`, each with a 10 s deadline. Route calls
  // take `requests` in turn (must not be empty for kRoute and kRouteParsed).
  LoopResult Run(LoopRpc rpc, int in_flight, absl::Duration duration,
                 const std::vector<cti::v1::RouteRequest>& requests);

  // One channel's stubs (defined in route_loop.cc).
  struct Stubs;

 private:
  std::vector<std::unique_ptr<Stubs>> stubs_;
};

}  // namespace cti::bench

#endif  // CTI_TESTS_BENCH_ROUTE_LOOP_H_
