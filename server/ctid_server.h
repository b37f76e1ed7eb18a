// CtidServer: the ctid daemon as an object. Opens the event log and the current
// projection store in the data directory, runs the projector, and serves
// cti.v1.EventService, DirectoryService, AdminService and RouteService, grpc.health.v1
// and server reflection on one port. Refuses to start (FAILED_PRECONDITION) when tzdata
// lacks Europe/Copenhagen. main() and the in-process tests both use it.
//
// Metrics: every gRPC call is counted and timed (RpcMetrics); with
// Options::http_listen, GET /metrics on that HTTP listener answers them and the rest of
// metrics.h in Prometheus' text format.
// Health: NOT_SERVING from the start until the projector has caught up with the log as
// it was at start (WaitUntilServing), then SERVING; NOT_SERVING again on Shutdown.
// Kamailio's call events (Options::kamailio_evapi) are read from then on.
// Shutdown: refuses new calls, ends Subscribe streams and pending min_position waits
// with UNAVAILABLE, cancels a running rebuild, lets unary calls in flight finish (up to
// Options::shutdown_grace), stops the projector and closes the store and the log.
// Thread safety: Shutdown and the accessors may be called from any thread; Shutdown is
// idempotent and also run by the destructor.
#ifndef CTI_SERVER_CTID_SERVER_H_
#define CTI_SERVER_CTID_SERVER_H_

#include <grpcpp/server.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "projections/route_cache.h"
#include "server/backup.h"
#include "server/clock.h"
#include "server/credentials.h"
#include "server/decision_trace.h"
#include "server/erasure_monitor.h"
#include "server/http/http_server.h"
#include "server/identity.h"
#include "server/kamailio/evapi_adapter.h"
#include "server/kamailio/route_endpoint.h"
#include "server/log/event_log.h"
#include "server/log/kafka_log.h"
#include "server/mail_service.h"
#include "server/metrics.h"
#include "server/privacy/kafka_key_exchange.h"
#include "server/privacy/key_vault.h"
#include "server/projector_runner.h"
#include "server/rate_limit.h"
#include "server/rebuilder.h"
#include "server/routing_check_monitor.h"
#include "server/service_deps.h"

namespace cti::server {

struct CtidOptions {
  // Data directory: DIR/log, DIR/projections-N, DIR/CURRENT_PROJECTIONS.
  std::string data_dir = "./var/ctid";
  // HOST:PORT to listen on; port 0 picks a free port.
  std::string listen = "127.0.0.1:7878";
  // Log backend opened when no log is handed to Start: "embedded" (in data_dir/log) or
  // "kafka" (the topic of `kafka`; data_dir holds only the projections).
  std::string log_backend = "embedded";
  // For log_backend "kafka": brokers, topic and client properties.
  cti::log::KafkaLogOptions kafka;
  // Threads for query answers after a wait, Subscribe catch-up and digests.
  int work_threads = 4;
  // How long Shutdown lets calls in flight finish before cancelling them.
  absl::Duration shutdown_grace = absl::Seconds(5);
  ServiceOptions service;
  ProjectorRunner::Options runner;
  Rebuilder::Options rebuild;
  // E-mail of the messages reception takes (TP-6.2); off without an SMTP URL.
  MailOptions mail;
  // HOST:PORT of the HTTP listener (GET /metrics: Prometheus text); port 0 picks one.
  // Empty: no HTTP listener.
  std::string http_listen;
  // The Kamailio routing endpoint (GET /kamailio/route on the HTTP listener,
  // server/kamailio/route_endpoint.h): served when kamailio.sip_domain is set, which
  // then requires http_listen.
  kamailio::RtjsonOptions kamailio;
  // Kamailio's evapi listener "HOST:PORT" (server/kamailio/evapi_adapter.h): its call
  // events are appended to the log. Empty: off. Requires kamailio.sip_domain (URIs are
  // read back with the routing endpoint's templates and number plans).
  std::string kamailio_evapi;
  // Log every gRPC call (RpcMetrics::set_access_log); off: only server-side failures.
  bool access_log = false;
  // The gRPC port's TLS (PEM files). Without cert_file the port needs `plaintext`.
  struct Tls {
    std::string cert_file;  // the server's certificate chain
    std::string key_file;   // its private key
    // CAs whose client certificates are verified (mutual TLS: cert lines of the
    // identities file); empty: no client certificate is asked for.
    std::string client_ca_file;
    // Refuse connections without a verified client certificate (needs client_ca_file).
    bool require_client_cert = false;
  } tls;
  // Serve gRPC without TLS: for local development only (logged as a warning).
  bool plaintext = false;
  // Who may call: the identities file (server/credentials.h), used when Start is given
  // no resolver. Empty needs insecure_dev_identity.
  std::string identities_file;
  // Trust the x-cti-actor / x-cti-role headers with every tenant (MetadataIdentityResolver):
  // local development and tests only; refused unless `listen` is a loopback address.
  bool insecure_dev_identity = false;
  // Calls per second and burst per caller (rate_limit.h); calls_per_second 0: no limit.
  RateLimiter::Options rate_limit;
  // Largest request message accepted, bytes; a larger one is refused RESOURCE_EXHAUSTED.
  int max_message_bytes = 4 * 1024 * 1024;
  // Seal personal data before the log (GDPR erasure by crypto-shredding,
  // server/privacy/), with keys in data_dir/keys: "on", "off", or "auto" = on with the
  // embedded log and off with Kafka (until sealing there has been tried in a broker
  // outage; "on" shares the keys through `kafka_keys_topic`).
  std::string seal_personal_data = "auto";
  // With Kafka and sealing: the keys topic (server/privacy/kafka_key_exchange.h); empty:
  // "<kafka.topic>-keys".
  std::string kafka_keys_topic;
};

class CtidServer {
 public:
  // Starts everything and returns once the port is bound (health NOT_SERVING). `clock`
  // must outlive the server. `log`, when given, is used instead of opening
  // options.log_backend (tests pass a MemoryLog). `identity`, when given, replaces the
  // metadata resolver.
  static absl::StatusOr<std::unique_ptr<CtidServer>> Start(
      CtidOptions options, cti::Clock* clock, std::unique_ptr<cti::log::EventLog> log = nullptr,
      std::unique_ptr<IdentityResolver> identity = nullptr);

  // Reads --identities again and uses it from now on (main calls it on SIGHUP): a
  // revoked token stops working without a restart. On an error (the file unreadable or
  // malformed) the identities in use stay and the error is returned. FAILED_PRECONDITION
  // when this server has no identities file.
  absl::Status ReloadIdentities();
  ~CtidServer();
  CtidServer(const CtidServer&) = delete;
  CtidServer& operator=(const CtidServer&) = delete;

  // Waits (real time) for the projector's start-up catch-up, then reports SERVING.
  // True once serving. Not for reactor threads.
  bool WaitUntilServing(absl::Duration timeout);

  void Shutdown();

  // The bound port, and "HOST:PORT" with it.
  int port() const { return port_; }
  // The HTTP listener's bound port; 0 without one.
  int http_port() const;
  // The Kamailio routing endpoint; nullptr when not served.
  kamailio::KamailioRouteEndpoint* kamailio() const { return kamailio_.get(); }
  // The Kamailio call-event adapter; nullptr when off.
  kamailio::EvapiAdapter* evapi() const { return evapi_.get(); }
  std::string address() const;

  // For tests and benchmarks.
  cti::log::EventLog* log() const { return log_.get(); }
  std::shared_ptr<cti::projections::Store> store() const { return stores_->Get(); }
  int store_generation() const { return generations_->current_number(); }
  const ServiceDeps& deps() const { return deps_; }
  RoutingCheckMonitor& routing_check() const { return *check_monitor_; }

 private:
  CtidServer() = default;
  absl::Status Init(std::unique_ptr<cti::log::EventLog> log,
                    std::unique_ptr<IdentityResolver> identity);
  void SetServing(bool serving);

  CtidOptions options_;
  cti::Clock* clock_ = nullptr;
  // With Kafka and sealing: how the replicas share keys. Outlives the vault, which
  // calls it; its consumer is stopped (Shutdown) before the vault goes.
  std::unique_ptr<privacy::KafkaKeyExchange> key_exchange_;
  std::unique_ptr<privacy::KeyVault> vault_;  // nullptr: personal data is not sealed
  std::unique_ptr<cti::log::EventLog> log_;
  // Route's decision traces; destroyed after the pool whose tasks may record one.
  std::unique_ptr<DecisionTracer> tracer_;
  std::unique_ptr<IdentityResolver> identity_;
  std::unique_ptr<RateLimiter> limiter_;
  // identity_ when it was made from options_.identities_file; else nullptr.
  CredentialIdentityResolver* credentials_ = nullptr;
  std::unique_ptr<StoreGenerations> generations_;
  std::unique_ptr<StoreHolder> stores_;
  std::unique_ptr<PositionWaiters> waiters_;
  std::unique_ptr<SubscriptionHub> hub_;
  // Before work_: its checks run on the work pool, which must stop first.
  std::shared_ptr<RoutingCheckMonitor> check_monitor_;
  std::unique_ptr<cti::projections::RouteCache> route_cache_;
  std::unique_ptr<Timer> timer_;
  std::unique_ptr<ThreadPool> work_;
  std::unique_ptr<ProjectorRunner> runner_;
  std::unique_ptr<Rebuilder> rebuilder_;
  std::shared_ptr<ErasureMonitor> erasure_;  // with vault_
  // What a rebuild's switch makes forget what it read (Rebuilder::Options::before_switch),
  // once made: a rebuild may run on its own thread while Start is still wiring.
  std::atomic<cti::projections::RouteCache*> route_cache_for_rebuild_{nullptr};
  std::atomic<kamailio::KamailioRouteEndpoint*> plans_for_rebuild_{nullptr};
  std::unique_ptr<BackupMaker> backups_;
  std::unique_ptr<MailService> mail_;  // nullptr: mail is off
  ServiceDeps deps_;
  std::vector<std::unique_ptr<grpc::Service>> services_;
  std::unique_ptr<RpcMetrics> rpc_metrics_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<kamailio::KamailioRouteEndpoint> kamailio_;  // nullptr: not served
  std::unique_ptr<kamailio::EvapiAdapter> evapi_;              // nullptr: off; started once serving
  bool evapi_started_ ABSL_GUARDED_BY(shutdown_mu_) = false;
  std::unique_ptr<http::HttpServer> http_;
  std::atomic<bool> serving_{false};
  std::string host_;
  int port_ = 0;

  absl::Mutex shutdown_mu_;
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mu_) = false;
};

// Splits "HOST:PORT" (HOST may be "[v6]"). INVALID_ARGUMENT naming `flag` otherwise.
absl::Status ParseListenAddress(const std::string& address, const std::string& flag,
                                std::string* host, int* port);

}  // namespace cti::server

#endif  // CTI_SERVER_CTID_SERVER_H_
