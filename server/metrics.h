// ctid's metrics in the Prometheus text exposition format (version 0.0.4), served at
// GET /metrics on the HTTP listener (server/http).
//
// RpcMetrics counts every gRPC call by method and status code and times it (from the
// call's arrival to its status, streams included) in a histogram per method. It is a
// server interceptor: registered once on the gRPC server, it sees every call of every
// service without any service knowing. Recording costs a few relaxed atomic adds; the
// per-method table is read under a shared lock and only grows (one entry per method).
//
// CollectCtidMetrics writes everything else at scrape time from what the server
// already keeps: the log's end and the projection's applied position per partition (the
// projector's lag in records and in seconds), records applied and rejected, RocksDB's
// block cache hits and misses and pending compaction, open Subscribe streams, the
// e-mail outbox, the Kafka producer queue, Kamailio's call-event adapter. Nothing of it
// runs on a call's path.
//
// Names: ctid_<what>[_<unit>][_total]; every family has HELP and TYPE lines.
#ifndef CTI_SERVER_METRICS_H_
#define CTI_SERVER_METRICS_H_

#include <grpcpp/support/server_interceptor.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "server/kamailio/evapi_adapter.h"
#include "server/service_deps.h"

namespace cti::server {

// Writes families of the text exposition format. Samples of a family must follow its
// Family() call, before the next family.
class PrometheusText {
 public:
  using Labels = std::vector<std::pair<absl::string_view, absl::string_view>>;

  // Starts family `name` of `type` ("counter", "gauge", "histogram").
  void Family(absl::string_view name, absl::string_view type, absl::string_view help);
  // One sample line: `name` (the family's name, or it with _bucket/_sum/_count), its
  // labels (values escaped as the format wants) and `value`.
  void Sample(absl::string_view name, const Labels& labels, double value);
  // A family of one unlabelled sample.
  void Single(absl::string_view name, absl::string_view type, absl::string_view help, double value);

  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

class RpcMetrics {
 public:
  // Upper bounds (seconds) of the latency histogram's buckets; +Inf is implied.
  static constexpr std::array<double, 16> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                      0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
                                                      1,      2.5,     5,      10};

  // The interceptor factory to register on the gRPC server (ServerBuilder::experimental
  // ().SetInterceptorCreators); it records into this object, which must outlive it.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> InterceptorFactory();

  // With the access log on, every call is logged (logging.h: request id, method, code,
  // duration, tenant, actor); without, only those that failed on the server's side
  // (INTERNAL, UNAVAILABLE, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED, UNKNOWN, DATA_LOSS).
  void set_access_log(bool on) { access_log_.store(on, std::memory_order_relaxed); }
  bool access_log() const { return access_log_.load(std::memory_order_relaxed); }

  // Records one finished call of `method` ("/cti.v1.RouteService/Route").
  void Record(absl::string_view method, int code, double seconds);

  // Writes ctid_grpc_requests_total{method,code} and
  // ctid_grpc_request_duration_seconds{method} (histogram).
  void Write(PrometheusText* out) const;

 private:
  struct Method {
    std::array<std::atomic<uint64_t>, 17> codes{};  // By grpc::StatusCode (0..16).
    std::array<std::atomic<uint64_t>, kBuckets.size() + 1> buckets{};  // Not cumulative.
    std::atomic<uint64_t> nanos{0};
  };
  Method* Get(absl::string_view method);

  std::atomic<bool> access_log_{false};
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<Method>> methods_ ABSL_GUARDED_BY(mu_);
};

// What CollectCtidMetrics reads besides the services' dependencies.
struct CtidMetricsSources {
  const ServiceDeps* deps = nullptr;
  const RpcMetrics* rpc = nullptr;
  // The health service's answer: SERVING or not.
  bool serving = false;
  // An SMTP server is configured (the outbox is counted either way).
  bool mail_enabled = false;
  // Kamailio's call-event adapter; nullptr when off (its metrics are then left out).
  const kamailio::EvapiAdapter* evapi = nullptr;
};

// The whole /metrics page.
std::string CollectCtidMetrics(const CtidMetricsSources& sources);

}  // namespace cti::server

#endif  // CTI_SERVER_METRICS_H_
