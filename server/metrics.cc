#include "server/metrics.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "cti/v1/event_service.pb.h"
#include "cti/v1/route_service.pb.h"
#include "projections/outbox.h"
#include "projections/store.h"
#include "server/decision_trace.h"
#include "server/erasure_monitor.h"
#include "server/log/event_log.h"
#include "server/logging.h"
#include "server/projector_runner.h"
#include "server/store_generations.h"
#include "server/subscription_hub.h"

namespace cti::server {
namespace {

constexpr std::array<const char*, 17> kCodeNames = {
    "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
    "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
    "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
    "DATA_LOSS", "UNAUTHENTICATED"};

// A label value as the format wants it: backslash, double quote and newline escaped.
std::string Escape(absl::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out.append("\\n");
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return absl::StrFormat("%.0f", value);
  }
  // The shortest form that reads back as the same double.
  std::string text = absl::StrFormat("%.15g", value);
  double back = 0;
  if (!absl::SimpleAtod(text, &back) || back != value) text = absl::StrFormat("%.17g", value);
  return text;
}

// The methods whose request arrives as raw bytes (their services parse it themselves).
bool IsRawMethod(absl::string_view method, std::string* type) {
  if (method == "/cti.v1.RouteService/Route") {
    *type = "route";
    return true;
  }
  if (method == "/cti.v1.EventService/Subscribe") {
    *type = "subscribe";
    return true;
  }
  return false;
}

// Failures that are the server's, not the caller's: always logged.
bool ServerSideFailure(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNKNOWN || code == grpc::StatusCode::INTERNAL ||
         code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DATA_LOSS ||
         code == grpc::StatusCode::RESOURCE_EXHAUSTED ||
         code == grpc::StatusCode::DEADLINE_EXCEEDED;
}

std::string NewRequestId() {
  thread_local absl::BitGen bits;
  return absl::StrFormat("%016x", absl::Uniform<uint64_t>(bits));
}

// Times one call from its creation (the call's arrival) to its status, and logs it
// (always when it failed on the server's side, every call with the access log on):
// request id (the client's x-request-id, else a new one), method, code, duration,
// tenant (the request's tenant field) and actor (x-cti-actor).
class RpcInterceptor final : public grpc::experimental::Interceptor {
 public:
  // `method` lives as long as the call (gRPC's ServerRpcInfo).
  RpcInterceptor(RpcMetrics* metrics, const char* method)
      : metrics_(metrics), method_(method), start_(std::chrono::steady_clock::now()) {}
  ~RpcInterceptor() override {
    // A call that ended without a status of ours (the client went away first).
    if (!recorded_) Record(grpc::StatusCode::CANCELLED, /*at_status=*/false);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      for (const auto& [key, value] : *methods->GetRecvInitialMetadata()) {
        if (key == "x-request-id")
          request_id_.assign(value.data(), std::min<size_t>(value.size(), 64));
        if (key == "x-cti-actor") actor_.assign(value.data(), std::min<size_t>(value.size(), 128));
      }
    }
    if (!saw_message_ &&
        methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      saw_message_ = true;
      KeepRequest(methods->GetRecvMessage());
    }
    if (!recorded_ &&
        methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      Record(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  // Keeps what the tenant is read from when the line is written: the request object of
  // a generated (protobuf) method, which lives until the call's status is sent; for the
  // raw methods a copy of the bytes (sharing their slices), which their service
  // consumes, only with the access log on (a server-side failure of Route or Subscribe
  // is otherwise logged without its tenant: nothing is added to Route's path).
  void KeepRequest(void* message) {
    if (message == nullptr) return;
    if (IsRawMethod(method_, &raw_type_)) {
      if (metrics_->access_log()) {
        raw_ = std::make_unique<grpc::ByteBuffer>(*static_cast<grpc::ByteBuffer*>(message));
      }
      return;
    }
    // Only cti.v1's generated methods are known to hand a protobuf object (grpc.health's
    // default service, for one, hands ByteBuffers).
    if (absl::StartsWith(method_, "/cti.v1.")) request_ = message;
  }

  // The request's tenant field. gRPC hands the received message as void*; a protobuf
  // request class derives from google::protobuf::Message alone, so the object is a
  // Message at the same address. REQUIRES: every cti.v1 method is generated (typed) or
  // listed in IsRawMethod.
  std::string Tenant() const {
    if (request_ != nullptr) {
      const auto* request = static_cast<const google::protobuf::Message*>(request_);
      const google::protobuf::FieldDescriptor* field =
          request->GetDescriptor()->FindFieldByName("tenant");
      if (field != nullptr &&
          field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_STRING &&
          !field->is_repeated()) {
        return request->GetReflection()->GetString(*request, field);
      }
      return "";
    }
    if (raw_ == nullptr) return "";
    std::vector<grpc::Slice> slices;
    if (!raw_->Dump(&slices).ok()) return "";
    std::string bytes;
    for (const grpc::Slice& slice : slices) {
      bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
    if (raw_type_ == "route") {
      cti::v1::RouteRequest request;
      return request.ParseFromString(bytes) ? request.tenant() : "";
    }
    cti::v1::SubscribeRequest request;
    return request.ParseFromString(bytes) ? request.tenant() : "";
  }

  // `at_status`: the call's status is being sent (its request is still alive).
  void Record(grpc::StatusCode code, bool at_status = true) {
    recorded_ = true;
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start_;
    metrics_->Record(method_, static_cast<int>(code), took.count());
    const bool failed = ServerSideFailure(code);
    if (!failed && !metrics_->access_log()) return;
    std::vector<LogField> fields = {
        {"request_id", request_id_.empty() ? NewRequestId() : request_id_},
        {"method", method_},
        {"code", kCodeNames[static_cast<size_t>(code) < kCodeNames.size()
                                ? static_cast<size_t>(code)
                                : static_cast<size_t>(grpc::StatusCode::UNKNOWN)]},
        {"ms", absl::StrFormat("%.3f", took.count() * 1000), true},
        {"tenant", at_status ? Tenant() : ""},
        {"actor", actor_}};
    LogWithFields(failed ? spdlog::level::warn : spdlog::level::info, "rpc", fields);
  }

  RpcMetrics* const metrics_;
  const char* const method_;
  const std::chrono::steady_clock::time_point start_;
  bool recorded_ = false;
  bool saw_message_ = false;
  std::string request_id_;
  std::string actor_;
  std::string raw_type_;
  const void* request_ = nullptr;
  std::unique_ptr<grpc::ByteBuffer> raw_;
};

class RpcInterceptorFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit RpcInterceptorFactory(RpcMetrics* metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new RpcInterceptor(metrics_, info->method() == nullptr ? "" : info->method());
  }

 private:
  RpcMetrics* const metrics_;
};

}  // namespace

void PrometheusText::Family(absl::string_view name, absl::string_view type,
                            absl::string_view help) {
  absl::StrAppend(&text_, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
}

void PrometheusText::Sample(absl::string_view name, const Labels& labels, double value) {
  text_.append(name.data(), name.size());
  if (!labels.empty()) {
    text_.push_back('{');
    for (size_t i = 0; i < labels.size(); ++i) {
      absl::StrAppend(&text_, i == 0 ? "" : ",", labels[i].first, "=\"", Escape(labels[i].second),
                      "\"");
    }
    text_.push_back('}');
  }
  absl::StrAppend(&text_, " ", FormatValue(value), "\n");
}

void PrometheusText::Single(absl::string_view name, absl::string_view type, absl::string_view help,
                            double value) {
  Family(name, type, help);
  Sample(name, {}, value);
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
RpcMetrics::InterceptorFactory() {
  return std::make_unique<RpcInterceptorFactory>(this);
}

RpcMetrics::Method* RpcMetrics::Get(absl::string_view method) {
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = methods_.find(method);
    if (it != methods_.end()) return it->second.get();
  }
  absl::MutexLock lock(&mu_);
  std::unique_ptr<Method>& entry = methods_[std::string(method)];
  if (entry == nullptr) entry = std::make_unique<Method>();
  return entry.get();
}

void RpcMetrics::Record(absl::string_view method, int code, double seconds) {
  Method* m = Get(method);
  if (code < 0 || code >= static_cast<int>(m->codes.size())) code = grpc::StatusCode::UNKNOWN;
  m->codes[code].fetch_add(1, std::memory_order_relaxed);
  size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  m->buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  m->nanos.fetch_add(static_cast<uint64_t>(seconds * 1e9), std::memory_order_relaxed);
}

void RpcMetrics::Write(PrometheusText* out) const {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<std::pair<std::string, const Method*>> methods;
  for (const auto& [name, method] : methods_) methods.emplace_back(name, method.get());
  std::sort(methods.begin(), methods.end());
  out->Family("ctid_grpc_requests_total", "counter",
              "gRPC calls finished, by method and status code.");
  for (const auto& [name, m] : methods) {
    for (size_t code = 0; code < m->codes.size(); ++code) {
      const uint64_t n = m->codes[code].load(std::memory_order_relaxed);
      if (n > 0) {
        out->Sample("ctid_grpc_requests_total", {{"method", name}, {"code", kCodeNames[code]}},
                    static_cast<double>(n));
      }
    }
  }
  out->Family("ctid_grpc_request_duration_seconds", "histogram",
              "Time from a gRPC call's arrival to its status (a stream's whole life), by "
              "method.");
  for (const auto& [name, m] : methods) {
    uint64_t cumulative = 0;
    for (size_t b = 0; b < m->buckets.size(); ++b) {
      cumulative += m->buckets[b].load(std::memory_order_relaxed);
      const std::string le = b < kBuckets.size() ? FormatValue(kBuckets[b]) : "+Inf";
      out->Sample("ctid_grpc_request_duration_seconds_bucket", {{"method", name}, {"le", le}},
                  static_cast<double>(cumulative));
    }
    out->Sample("ctid_grpc_request_duration_seconds_sum", {{"method", name}},
                static_cast<double>(m->nanos.load(std::memory_order_relaxed)) / 1e9);
    out->Sample("ctid_grpc_request_duration_seconds_count", {{"method", name}},
                static_cast<double>(cumulative));
  }
}

std::string CollectCtidMetrics(const CtidMetricsSources& sources) {
  const ServiceDeps& deps = *sources.deps;
  PrometheusText out;
  out.Family("ctid_build_info", "gauge", "Always 1; the server's version as a label.");
  out.Sample("ctid_build_info", {{"version", deps.options.server_version}}, 1);
  out.Single("ctid_serving", "gauge",
             "1 when the health service says SERVING (the projections have caught up at "
             "start), else 0.",
             sources.serving ? 1 : 0);
  out.Single("ctid_start_time_seconds", "gauge", "When the server started, Unix seconds.",
             absl::ToDoubleSeconds(deps.started_at - absl::UnixEpoch()));
  if (sources.rpc != nullptr) sources.rpc->Write(&out);

  // The log and the projection, per partition.
  std::shared_ptr<cti::projections::Store> store = deps.stores->Get();
  const int partitions = deps.log->partition_count();
  struct Partition {
    std::string label;
    double end = -1;  // -1: the log could not be asked
    double applied = 0;
    double lag_seconds = 0;
  };
  std::vector<Partition> rows;
  const absl::Time now = deps.clock->Now();
  for (int p = 0; p < partitions; ++p) {
    Partition row;
    row.label = absl::StrCat(p);
    row.applied = static_cast<double>(store->AppliedPosition(p));
    absl::StatusOr<uint64_t> end = deps.log->EndPosition(p);
    if (end.ok()) {
      row.end = static_cast<double>(*end);
      // Behind: how long the oldest record not yet applied has waited.
      if (*end > store->AppliedPosition(p)) {
        absl::StatusOr<std::unique_ptr<cti::log::LogReader>> reader =
            deps.log->OpenReader(p, store->AppliedPosition(p) + 1);
        if (reader.ok()) {
          absl::StatusOr<std::vector<cti::v1::LogRecord>> next =
              (*reader)->Next(1, absl::ZeroDuration());
          if (next.ok() && !next->empty()) {
            const google::protobuf::Timestamp& at = next->front().event().recorded_at();
            const absl::Time recorded =
                absl::FromUnixSeconds(at.seconds()) + absl::Nanoseconds(at.nanos());
            row.lag_seconds = std::max(0.0, absl::ToDoubleSeconds(now - recorded));
          }
        }
      }
    }
    rows.push_back(std::move(row));
  }
  out.Family("ctid_log_end_position", "gauge",
             "Position of the last record in the log, by partition (its increase is the "
             "append rate).");
  for (const Partition& row : rows) {
    if (row.end >= 0) out.Sample("ctid_log_end_position", {{"partition", row.label}}, row.end);
  }
  out.Family("ctid_projection_applied_position", "gauge",
             "Position up to which the projection has applied the log, by partition.");
  for (const Partition& row : rows) {
    out.Sample("ctid_projection_applied_position", {{"partition", row.label}}, row.applied);
  }
  out.Family("ctid_projector_lag_records", "gauge",
             "Records in the log not yet applied to the projection, by partition.");
  for (const Partition& row : rows) {
    if (row.end >= 0) {
      out.Sample("ctid_projector_lag_records", {{"partition", row.label}},
                 std::max(0.0, row.end - row.applied));
    }
  }
  out.Family("ctid_projector_lag_seconds", "gauge",
             "How long the oldest record not yet applied has been in the log (0 when none "
             "waits), by partition.");
  for (const Partition& row : rows) {
    out.Sample("ctid_projector_lag_seconds", {{"partition", row.label}}, row.lag_seconds);
  }
  out.Single(
      "ctid_log_reachable", "gauge",
      "1 when every partition's end could be read from the log, else 0 (Kafka down).",
      std::all_of(rows.begin(), rows.end(), [](const Partition& r) { return r.end >= 0; }) ? 1 : 0);
  const int64_t pending_appends = deps.log->PendingAppends();
  if (pending_appends >= 0) {
    out.Single("ctid_kafka_producer_queue_records", "gauge",
               "Records handed to the Kafka producer and not yet acknowledged by the brokers.",
               static_cast<double>(pending_appends));
  }
  out.Single("ctid_records_applied_total", "counter",
             "Records the projection has applied (accepted or rejected) since it was built.",
             static_cast<double>(store->records_applied()));
  out.Single("ctid_records_rejected_total", "counter",
             "Records the projector rejected (applied as no change, with the reason logged).",
             static_cast<double>(store->records_rejected()));
  out.Single("ctid_projection_building", "gauge",
             "1 while the projection is being built from the log at start-up, else 0.",
             deps.runner != nullptr && deps.runner->building() ? 1 : 0);

  const cti::projections::Store::EngineStats engine = store->engine_stats();
  out.Single("ctid_rocksdb_block_cache_hits_total", "counter",
             "Projection store reads served by RocksDB's block cache since the store opened.",
             static_cast<double>(engine.block_cache_hits));
  out.Single("ctid_rocksdb_block_cache_misses_total", "counter",
             "Projection store reads that missed RocksDB's block cache since the store opened.",
             static_cast<double>(engine.block_cache_misses));
  out.Single("ctid_rocksdb_pending_compaction_bytes", "gauge",
             "RocksDB's estimate of the bytes compaction still has to rewrite.",
             static_cast<double>(engine.pending_compaction_bytes));
  out.Single("ctid_rocksdb_live_sst_bytes", "gauge", "Size of the projection store's table files.",
             static_cast<double>(engine.live_sst_bytes));
  out.Single("ctid_rocksdb_memtable_bytes", "gauge", "Memory of the projection store's memtables.",
             static_cast<double>(engine.memtable_bytes));
  out.Single("ctid_rocksdb_block_cache_bytes", "gauge", "Memory held by the block cache.",
             static_cast<double>(engine.block_cache_bytes));

  out.Single("ctid_subscribe_streams", "gauge", "Open Subscribe streams following the log live.",
             static_cast<double>(deps.hub->subscriber_count()));
  if (deps.tracer != nullptr) {
    const DecisionTracer::Counters traces = deps.tracer->counters();
    out.Single("ctid_route_traces_appended_total", "counter",
               "Decision traces (call.route_decided) of Route answers for calls the log "
               "acknowledged.",
               static_cast<double>(traces.appended));
    out.Single("ctid_route_traces_lost_total", "counter",
               "Decision traces the log refused (logged; the Route answer was given).",
               static_cast<double>(traces.lost));
  }

  if (deps.erasure != nullptr) {
    absl::StatusOr<uint64_t> outstanding = deps.erasure->Outstanding(*store, "");
    if (outstanding.ok()) {
      out.Single("ctid_erasures_pending", "gauge",
                 "People whose applied erasure (privacy.personal_data_erased) is not yet "
                 "complete on this replica: keys to delete or projections to rebuild.",
                 static_cast<double>(*outstanding));
    }
    out.Single("ctid_erasure_subjects_total", "counter",
               "People whose keys this replica deleted since it started.",
               static_cast<double>(deps.erasure->subjects_erased()));
    out.Single("ctid_erasure_rebuilds_total", "counter",
               "Rebuilds of the projections after erasures finished since the server started.",
               static_cast<double>(deps.erasure->rebuilds_done()));
  }

  // The outbox, whether or not mail is on: messages piling up is what to alert on.
  const cti::projections::Outbox outbox(store.get());
  double pending = 0;
  if (absl::StatusOr<std::vector<std::string>> tenants = outbox.TenantsWithPending();
      tenants.ok()) {
    for (const std::string& tenant : *tenants) {
      absl::StatusOr<std::vector<cti::projections::OutboxMessage>> messages =
          outbox.Pending(tenant);
      if (messages.ok()) pending += static_cast<double>(messages->size());
    }
  }
  out.Single("ctid_mail_outbox_messages", "gauge",
             "Messages for e-mail (TP-6.2) not yet delivered nor finally failed.", pending);
  out.Single("ctid_mail_enabled", "gauge", "1 when an SMTP server is configured, else 0.",
             sources.mail_enabled ? 1 : 0);
  if (sources.evapi != nullptr) {
    const kamailio::EvapiAdapter::Counters c = sources.evapi->counters();
    out.Single("ctid_kamailio_evapi_connected", "gauge",
               "1 while ctid is connected to Kamailio's evapi listener (--kamailio-evapi), "
               "else 0.",
               c.connected ? 1 : 0);
    out.Single("ctid_kamailio_evapi_connections_total", "counter",
               "Connections made to Kamailio's evapi listener.", static_cast<double>(c.connects));
    out.Single("ctid_kamailio_evapi_connection_losses_total", "counter",
               "Connections to Kamailio's evapi listener lost or reset (a malformed netstring).",
               static_cast<double>(c.losses));
    out.Single("ctid_kamailio_evapi_events_received_total", "counter",
               "Call events read from Kamailio (re-sends and retransmissions included).",
               static_cast<double>(c.received));
    out.Single("ctid_kamailio_evapi_events_appended_total", "counter",
               "Kamailio call events appended to the log as new records.",
               static_cast<double>(c.appended));
    out.Single("ctid_kamailio_evapi_events_duplicate_total", "counter",
               "Kamailio call events acknowledged as already in the log (re-sends, "
               "retransmissions, the routing lookup's own offer).",
               static_cast<double>(c.duplicates));
    out.Single("ctid_kamailio_evapi_events_refused_total", "counter",
               "Kamailio call events acknowledged but refused for good (malformed, or against "
               "the call rules).",
               static_cast<double>(c.refused));
    out.Single("ctid_kamailio_evapi_events_dropped_total", "counter",
               "Kamailio call events dropped after waiting 60 s for their call to be offered.",
               static_cast<double>(c.dropped));
    out.Single("ctid_kamailio_evapi_events_transient_failures_total", "counter",
               "Kamailio call events not acknowledged after a transient error (Kamailio "
               "re-sends them).",
               static_cast<double>(c.transient));
    out.Single("ctid_kamailio_evapi_events_held", "gauge",
               "Kamailio call events held now: their call is not offered yet.",
               static_cast<double>(c.held));
  }
  return out.text();
}

}  // namespace cti::server
