#include "server/ctid_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include <algorithm>
#include <filesystem>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "projections/hours/time_zone.h"
#include "server/admin_service.h"
#include "server/audit_service.h"
#include "server/call_service.h"
#include "server/credentials.h"
#include "server/directory_service.h"
#include "server/event_service.h"
#include "server/file_util.h"
#include "server/log/embedded_log.h"
#include "server/privacy/personal_data_log.h"
#include "server/route_cache_feed.h"
#include "server/route_service.h"
#include "spdlog/spdlog.h"

#ifndef CTI_VERSION
#define CTI_VERSION "0.0.0"
#endif

namespace cti::server {

absl::Status ParseListenAddress(const std::string& address, const std::string& flag,
                                std::string* host, int* port) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": expected HOST:PORT, e.g. 127.0.0.1:7878, got \"", address, "\""));
  }
  int parsed = 0;
  if (!absl::SimpleAtoi(address.substr(colon + 1), &parsed) || parsed < 0 || parsed > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        flag, ": port must be a number from 0 to 65535, got \"", address.substr(colon + 1), "\""));
  }
  *host = address.substr(0, colon);
  *port = parsed;
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<CtidServer>> CtidServer::Start(
    CtidOptions options, cti::Clock* clock, std::unique_ptr<cti::log::EventLog> log,
    std::unique_ptr<IdentityResolver> identity) {
  std::unique_ptr<CtidServer> server(new CtidServer);
  server->options_ = std::move(options);
  server->clock_ = clock;
  absl::Status started = server->Init(std::move(log), std::move(identity));
  if (!started.ok()) {
    server->Shutdown();
    return started;
  }
  return server;
}

namespace {

// The data directory's projections continue only the log they were built from:
// DIR/LOG_IDENTITY names it (written on first start). A directory without the file whose
// projections hold records was made before the file existed, on the embedded log.
absl::Status CheckLogIdentity(const std::string& data_dir, const cti::log::EventLog& log,
                              const std::vector<uint64_t>& applied) {
  const std::string path = (std::filesystem::path(data_dir) / "LOG_IDENTITY").string();
  const std::string identity = log.identity();
  absl::StatusOr<std::string> recorded = ReadFile(path);
  if (recorded.ok()) {
    const std::string was(absl::StripTrailingAsciiWhitespace(*recorded));
    if (was == identity) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat(
        "the projections in ", data_dir, " were built from ", was, ", not from ", identity,
        ": start with an empty --data-dir (it rebuilds from the log) or the log it was "
        "built from"));
  }
  if (recorded.status().code() != absl::StatusCode::kNotFound) return recorded.status();
  const bool empty = std::all_of(applied.begin(), applied.end(), [](uint64_t p) { return p == 0; });
  if (!empty && log.backend_name() != "embedded") {
    return absl::FailedPreconditionError(
        absl::StrCat("the projections in ", data_dir,
                     " hold records but do not say which log they were "
                     "built from (no LOG_IDENTITY): start ",
                     identity, " with an empty --data-dir"));
  }
  return WriteFileAtomically(path, identity + "\n");
}

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || absl::StartsWith(host, "127.");
}

// The whole of a PEM file named by `flag`; an error naming both when it cannot be read.
absl::StatusOr<std::string> ReadPem(const std::string& path, const char* flag) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": cannot read ", path, ": ", text.status().message()));
  }
  if (!absl::StrContains(*text, "-----BEGIN ")) {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": ", path, " holds no PEM block"));
  }
  return text;
}

// The gRPC port's credentials from the options: TLS (optionally asking for client
// certificates), or plaintext when asked for explicitly.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ListenCredentials(
    const CtidOptions& options) {
  const CtidOptions::Tls& tls = options.tls;
  if (options.plaintext) {
    if (!tls.cert_file.empty() || !tls.key_file.empty() || !tls.client_ca_file.empty()) {
      return absl::InvalidArgumentError(
          "--plaintext: not with --tls-cert, --tls-key or "
          "--tls-client-ca (choose TLS or plaintext)");
    }
    spdlog::warn(
        "*** PLAINTEXT: gRPC on {} is served WITHOUT TLS (--plaintext). Tokens, names and "
        "call data cross the network in the clear. For local development only. ***",
        options.listen);
    return grpc::InsecureServerCredentials();
  }
  if (tls.cert_file.empty() || tls.key_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls-cert and --tls-key are required to serve gRPC (PEM files); --plaintext serves "
        "without TLS, for local development only");
  }
  if (tls.require_client_cert && tls.client_ca_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls-require-client-cert: needs --tls-client-ca (the CAs client certificates are "
        "verified against)");
  }
  absl::StatusOr<std::string> cert = ReadPem(tls.cert_file, "--tls-cert");
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadPem(tls.key_file, "--tls-key");
  if (!key.ok()) return key.status();
  grpc::SslServerCredentialsOptions ssl;
  ssl.pem_key_cert_pairs.push_back({*std::move(key), *std::move(cert)});
  if (!tls.client_ca_file.empty()) {
    absl::StatusOr<std::string> ca = ReadPem(tls.client_ca_file, "--tls-client-ca");
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *std::move(ca);
    ssl.client_certificate_request =
        tls.require_client_cert ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                                : GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

// Who may call: `given` (tests), else the identities file, else (explicitly, on
// loopback only) the development headers. `*from_file` is set to the resolver when it is
// the identities file's (for reloads), else to nullptr.
absl::StatusOr<std::unique_ptr<IdentityResolver>> MakeIdentityResolver(
    const CtidOptions& options, const std::string& host, std::unique_ptr<IdentityResolver> given,
    CredentialIdentityResolver** from_file) {
  *from_file = nullptr;
  if (given != nullptr) return given;
  if (options.insecure_dev_identity) {
    if (!options.identities_file.empty()) {
      return absl::InvalidArgumentError(
          "--insecure-dev-identity: not with --identities (choose one)");
    }
    if (!IsLoopback(host)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--insecure-dev-identity trusts whatever x-cti-actor and x-cti-role a caller sends: "
          "only on a loopback --listen address, not ",
          host));
    }
    spdlog::warn(
        "*** INSECURE IDENTITY: callers are who their x-cti-actor / x-cti-role headers say, "
        "for every tenant (--insecure-dev-identity). For local development only. ***");
    return std::unique_ptr<IdentityResolver>(std::make_unique<MetadataIdentityResolver>());
  }
  if (options.identities_file.empty()) {
    return absl::InvalidArgumentError(
        "--identities FILE is required: the tokens and client certificates that may call, "
        "with their role and tenants (see server/credentials.h); --insecure-dev-identity "
        "trusts request headers instead, for local development only");
  }
  absl::StatusOr<Identities> identities = Identities::Load(options.identities_file);
  if (!identities.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--identities: ", identities.status().message()));
  }
  spdlog::info("{} identities from {}", identities->size(), options.identities_file);
  auto resolver = std::make_unique<CredentialIdentityResolver>(
      std::make_shared<const Identities>(*std::move(identities)));
  *from_file = resolver.get();
  return std::unique_ptr<IdentityResolver>(std::move(resolver));
}

}  // namespace

absl::Status CtidServer::ReloadIdentities() {
  if (credentials_ == nullptr) {
    return absl::FailedPreconditionError("this ctid has no --identities file to reload");
  }
  absl::StatusOr<Identities> identities = Identities::Load(options_.identities_file);
  if (!identities.ok()) {
    return absl::Status(identities.status().code(),
                        absl::StrCat("--identities: ", identities.status().message(),
                                     "; the identities in use stay"));
  }
  spdlog::info("{} identities from {} (reloaded)", identities->size(), options_.identities_file);
  credentials_->Replace(std::make_shared<const Identities>(*std::move(identities)));
  return absl::OkStatus();
}

absl::Status CtidServer::Init(std::unique_ptr<cti::log::EventLog> log,
                              std::unique_ptr<IdentityResolver> identity) {
  int requested_port = 0;
  if (absl::Status s = ParseListenAddress(options_.listen, "--listen", &host_, &requested_port);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      ListenCredentials(options_);
  if (!credentials.ok()) return credentials.status();
  absl::StatusOr<std::unique_ptr<IdentityResolver>> resolver =
      MakeIdentityResolver(options_, host_, std::move(identity), &credentials_);
  if (!resolver.ok()) return resolver.status();
  identity_ = *std::move(resolver);
  // Hours are local times in Europe/Copenhagen: without tzdata ctid must not start
  // (no silent fallback to UTC).
  absl::StatusOr<absl::TimeZone> zone = cti::hours::CopenhagenTimeZone();
  if (!zone.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot start without the municipality's time zone: ", zone.status().message()));
  }
  if (log != nullptr) {
    log_ = std::move(log);
  } else if (options_.log_backend == "embedded") {
    const std::string dir = (std::filesystem::path(options_.data_dir) / "log").string();
    std::error_code error;
    std::filesystem::create_directories(options_.data_dir, error);
    absl::StatusOr<std::unique_ptr<cti::log::EmbeddedLog>> opened =
        cti::log::EmbeddedLog::Open(dir, clock_);
    if (!opened.ok()) {
      return absl::Status(opened.status().code(), absl::StrCat("opening the embedded log in ", dir,
                                                               ": ", opened.status().message()));
    }
    log_ = *std::move(opened);
  } else if (options_.log_backend == "kafka") {
    absl::StatusOr<std::unique_ptr<cti::log::KafkaLog>> opened =
        cti::log::KafkaLog::Open(options_.kafka, clock_);
    if (!opened.ok()) {
      return absl::Status(
          opened.status().code(),
          absl::StrCat("opening the Kafka log (topic ", options_.kafka.topic, " on ",
                       options_.kafka.brokers, "): ", opened.status().message()));
    }
    log_ = *std::move(opened);
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "--log: unknown backend \"", options_.log_backend, "\" (expected embedded or kafka)"));
  }

  // Personal data is sealed on its way into the log and opened on its way out
  // (server/privacy/): everything below sees the log through PersonalDataLog.
  const std::string& seal = options_.seal_personal_data;
  if (seal != "auto" && seal != "on" && seal != "off") {
    return absl::InvalidArgumentError(
        absl::StrCat("--seal-personal-data: \"", seal, "\" is not one of auto, on, off"));
  }
  if (seal == "on" || (seal == "auto" && log_->backend_name() != "kafka")) {
    const std::string dir = (std::filesystem::path(options_.data_dir) / "keys").string();
    privacy::KeyVault::Options vault_options;
    if (log_->backend_name() == "kafka") {
      // The replicas share their keys through a topic beside the log's.
      if (options_.kafka.brokers.empty() || options_.kafka.topic.empty()) {
        return absl::InvalidArgumentError(
            "--seal-personal-data with a Kafka log needs --brokers and --topic (the keys "
            "topic is found beside the log's)");
      }
      const std::string topic = options_.kafka_keys_topic.empty()
                                    ? absl::StrCat(options_.kafka.topic, "-keys")
                                    : options_.kafka_keys_topic;
      // The keys fail no later than the appends they hold up (a message.timeout.ms given
      // as a --kafka-property bounds both).
      absl::Duration timeout = options_.kafka.append_timeout;
      if (auto it = options_.kafka.properties.find("message.timeout.ms");
          it != options_.kafka.properties.end()) {
        int millis = 0;
        if (absl::SimpleAtoi(it->second, &millis) && millis > 0) {
          timeout = std::min(timeout, absl::Milliseconds(millis));
        }
      }
      absl::StatusOr<std::unique_ptr<privacy::KafkaKeyExchange>> exchange =
          privacy::KafkaKeyExchange::Open({.brokers = options_.kafka.brokers,
                                           .topic = topic,
                                           .properties = options_.kafka.properties,
                                           .timeout = timeout});
      if (!exchange.ok()) {
        return absl::Status(
            exchange.status().code(),
            absl::StrCat("--kafka-keys-topic ", topic, ": ", exchange.status().message(),
                         " (or --seal-personal-data=off)"));
      }
      key_exchange_ = *std::move(exchange);
      vault_options.exchange = key_exchange_.get();
    }
    std::error_code error;
    std::filesystem::create_directories(options_.data_dir, error);
    absl::StatusOr<std::unique_ptr<privacy::KeyVault>> vault =
        privacy::KeyVault::Open(dir, vault_options);
    if (!vault.ok()) {
      return absl::Status(vault.status().code(), absl::StrCat("opening the key vault in ", dir,
                                                              ": ", vault.status().message()));
    }
    vault_ = *std::move(vault);
    if (key_exchange_ != nullptr) {
      if (absl::Status started = key_exchange_->Start(vault_.get()); !started.ok()) {
        return started;
      }
    }
    log_ = std::make_unique<privacy::PersonalDataLog>(std::move(log_), vault_.get());
  } else {
    spdlog::warn(
        "personal data is NOT sealed (--seal-personal-data={}, log {}): names, numbers and "
        "message texts reach the log in plain text and cannot be erased from it",
        seal, log_->backend_name());
  }

  generations_ = std::make_unique<StoreGenerations>(options_.data_dir);
  absl::StatusOr<StoreGeneration> current = generations_->OpenCurrent();
  if (!current.ok()) {
    return absl::Status(current.status().code(),
                        absl::StrCat("opening the projection store in ", options_.data_dir, ": ",
                                     current.status().message()));
  }
  if (current->store->was_reset()) {
    spdlog::info(
        "projection store {} is new or of another schema version: replaying the log "
        "from position 1",
        current->path);
  }
  std::vector<uint64_t> applied;
  for (int p = 0; p < log_->partition_count(); ++p) {
    applied.push_back(current->store->AppliedPosition(p));
  }
  if (absl::Status same = CheckLogIdentity(options_.data_dir, *log_, applied); !same.ok()) {
    return same;
  }
  stores_ = std::make_unique<StoreHolder>(current->store);
  current->store = nullptr;
  waiters_ = std::make_unique<PositionWaiters>(applied);
  hub_ = std::make_unique<SubscriptionHub>(applied);
  timer_ = std::make_unique<Timer>(clock_);
  work_ = std::make_unique<ThreadPool>(options_.work_threads, "cti-work");
  runner_ = std::make_unique<ProjectorRunner>(log_.get(), stores_.get(), waiters_.get(), hub_.get(),
                                              clock_, options_.runner);
  if (absl::Status s = runner_->Start(); !s.ok()) return s;
  // A rebuild after an erasure reads records differently at the same positions: the
  // route cache must not serve what it read from the old generation.
  Rebuilder::Options rebuild = options_.rebuild;
  rebuild.before_switch = [this] {
    if (cti::projections::RouteCache* cache = route_cache_for_rebuild_.load()) cache->ForgetAll();
    if (kamailio::KamailioRouteEndpoint* k = plans_for_rebuild_.load()) k->ForgetPlans();
  };
  rebuilder_ = std::make_unique<Rebuilder>(log_.get(), generations_.get(), stores_.get(),
                                           runner_.get(), clock_, std::move(rebuild));
  backups_ = std::make_unique<BackupMaker>(
      log_.get(), stores_.get(), runner_.get(), rebuilder_.get(), clock_,
      BackupMaker::Options{.server_version = options_.service.server_version.empty()
                                                 ? std::string(CTI_VERSION)
                                                 : options_.service.server_version,
                           .vault = vault_.get()});
  if (vault_ != nullptr) {
    cti::log::EventLog* partitioned = log_.get();
    Rebuilder* rebuilder = rebuilder_.get();
    erasure_ = std::make_shared<ErasureMonitor>(
        vault_.get(),
        [partitioned](absl::string_view tenant) {
          return partitioned->PartitionOf(std::string_view(tenant.data(), tenant.size()));
        },
        [rebuilder](std::function<void(absl::Status)> done) {
          return rebuilder->Start(
              [](const cti::v1::RebuildProgress&) {},
              [done = std::move(done)](absl::Status status, const cti::v1::RebuildProgress&) {
                done(std::move(status));
              });
        },
        ErasureMonitor::Options{});
    // Another replica's erasure of a key held here: rebuild without it.
    vault_->SetErasedElsewhere([monitor = std::weak_ptr<ErasureMonitor>(erasure_)] {
      if (std::shared_ptr<ErasureMonitor> held = monitor.lock()) held->RequestRebuild();
    });
    for (int p = 0; p < log_->partition_count(); ++p) {
      if (absl::StatusOr<uint64_t> added = hub_->Add(p, erasure_); !added.ok()) {
        return added.status();
      }
    }
  }

  deps_.clock = clock_;
  deps_.log = log_.get();
  deps_.stores = stores_.get();
  deps_.waiters = waiters_.get();
  deps_.hub = hub_.get();
  deps_.timer = timer_.get();
  deps_.work = work_.get();
  deps_.identity = identity_.get();
  if (options_.rate_limit.calls_per_second > 0) {
    limiter_ = std::make_unique<RateLimiter>(options_.rate_limit, clock_);
    deps_.limiter = limiter_.get();
  }
  deps_.rebuilder = rebuilder_.get();
  deps_.backups = backups_.get();
  deps_.runner = runner_.get();
  deps_.zone = *zone;
  deps_.started_at = clock_->Now();
  deps_.options = options_.service;
  if (deps_.options.server_version.empty()) deps_.options.server_version = CTI_VERSION;

  // Parsed routing records shared by Route calls, kept valid by the applied batches.
  route_cache_ = std::make_unique<cti::projections::RouteCache>(applied);
  deps_.route_cache = route_cache_.get();
  route_cache_for_rebuild_.store(route_cache_.get());
  for (int p = 0; p < log_->partition_count(); ++p) {
    auto feed = std::make_shared<RouteCacheFeed>(route_cache_.get());
    if (absl::StatusOr<uint64_t> added = hub_->Add(p, feed); !added.ok()) return added.status();
  }
  // Route's decision traces (TP-5.3).
  tracer_ = std::make_unique<DecisionTracer>(log_.get(), clock_);
  deps_.tracer = tracer_.get();
  // The TP-4.8 check after every staff or calendar change.
  check_monitor_ = std::make_shared<RoutingCheckMonitor>(&deps_);
  deps_.routing_check = check_monitor_.get();
  deps_.erasure = erasure_.get();
  for (int p = 0; p < log_->partition_count(); ++p) {
    if (absl::StatusOr<uint64_t> added = hub_->Add(p, check_monitor_); !added.ok()) {
      return added.status();
    }
  }

  // E-mail of the messages reception takes (TP-6.2).
  absl::StatusOr<std::unique_ptr<MailService>> mail = MailService::Start(options_.mail, &deps_);
  if (!mail.ok()) return mail.status();
  mail_ = *std::move(mail);

  services_.push_back(std::make_unique<EventServiceImpl>(&deps_));
  services_.push_back(std::make_unique<DirectoryServiceImpl>(&deps_));
  services_.push_back(std::make_unique<AdminServiceImpl>(&deps_));
  services_.push_back(std::make_unique<RouteServiceImpl>(&deps_));
  services_.push_back(std::make_unique<CallServiceImpl>(&deps_));
  services_.push_back(std::make_unique<AuditServiceImpl>(&deps_));
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  // A port in use is an error, not a port shared with another server.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddListeningPort(options_.listen, *credentials, &port_);
  builder.SetMaxReceiveMessageSize(options_.max_message_bytes);
  for (const auto& service : services_) builder.RegisterService(service.get());
  rpc_metrics_ = std::make_unique<RpcMetrics>();
  rpc_metrics_->set_access_log(options_.access_log);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(rpc_metrics_->InterceptorFactory());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    server_.reset();
    return absl::UnavailableError(absl::StrCat("--listen: cannot listen on ", options_.listen,
                                               " (address in use or not local?)"));
  }
  SetServing(false);
  if (!options_.kamailio.sip_domain.empty()) {
    if (options_.http_listen.empty()) {
      return absl::InvalidArgumentError("--kamailio-sip-domain: needs --http-listen");
    }
    if (absl::Status valid = kamailio::CheckRtjsonOptions(options_.kamailio); !valid.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--kamailio-",
                       absl::StrReplaceAll(valid.message(), {{"sip_domain", "sip-domain"},
                                                             {"voicemail_uri", "voicemail-uri"},
                                                             {"reception_uri", "reception-uri"}})));
    }
    kamailio_ = std::make_unique<kamailio::KamailioRouteEndpoint>(
        &deps_, options_.kamailio, [this] { return serving_.load(std::memory_order_relaxed); });
    if (absl::Status followed = kamailio_->Follow(hub_.get(), log_->partition_count());
        !followed.ok()) {
      return followed;
    }
    plans_for_rebuild_.store(kamailio_.get());
  }
  if (!options_.kamailio_evapi.empty()) {
    if (kamailio_ == nullptr) {
      return absl::InvalidArgumentError("--kamailio-evapi: needs --kamailio-sip-domain");
    }
    if (absl::Status valid = kamailio::CheckEvapiAddress(options_.kamailio_evapi); !valid.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--kamailio-evapi: ", valid.message()));
    }
    kamailio::EvapiOptions evapi;
    evapi.address = options_.kamailio_evapi;
    evapi.rtjson = options_.kamailio;
    evapi_ = std::make_unique<kamailio::EvapiAdapter>(
        &deps_, std::move(evapi), [endpoint = kamailio_.get()](const std::string& tenant) {
          return endpoint->NumberPlanOf(tenant);
        });
  }
  if (!options_.http_listen.empty()) {
    http_ = std::make_unique<http::HttpServer>();
    http_->Handle("GET", "/metrics", [this](const http::Request&) {
      http::Response response;
      response.content_type = "text/plain; version=0.0.4; charset=utf-8";
      response.body = CollectCtidMetrics({.deps = &deps_,
                                          .rpc = rpc_metrics_.get(),
                                          .serving = serving_.load(std::memory_order_relaxed),
                                          .mail_enabled = mail_ != nullptr,
                                          .evapi = evapi_.get()});
      return response;
    });
    if (kamailio_ != nullptr) {
      http_->Handle("GET", kamailio::kRoutePath,
                    [this](const http::Request& request) { return kamailio_->Handle(request); });
    }
    http::Options http_options;
    http_options.listen = options_.http_listen;
    if (absl::Status started = http_->Start(http_options); !started.ok()) {
      http_.reset();
      return absl::Status(started.code(), absl::StrCat("--http-listen: ", started.message()));
    }
  }
  // Last: it may start a rebuild at once (an erasure a crash interrupted).
  if (erasure_ != nullptr) {
    if (absl::Status s = erasure_->Start(*stores_->Get()); !s.ok()) {
      return absl::Status(s.code(), absl::StrCat("carrying out erasures: ", s.message()));
    }
  }
  return absl::OkStatus();
}

int CtidServer::http_port() const { return http_ == nullptr ? 0 : http_->port(); }

CtidServer::~CtidServer() { Shutdown(); }

void CtidServer::SetServing(bool serving) {
  serving_.store(serving, std::memory_order_relaxed);
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  // The server as a whole ("") and each cti.v1 service by its full name.
  for (const char* name :
       {"", cti::v1::EventService::service_full_name(),
        cti::v1::DirectoryService::service_full_name(), cti::v1::AdminService::service_full_name(),
        cti::v1::RouteService::service_full_name(), cti::v1::CallService::service_full_name(),
        cti::v1::AuditService::service_full_name()}) {
    health->SetServingStatus(name, serving);
  }
}

bool CtidServer::WaitUntilServing(absl::Duration timeout) {
  if (runner_ == nullptr || !runner_->WaitCaughtUp(timeout)) return false;
  absl::MutexLock lock(&shutdown_mu_);
  if (shut_down_ || server_ == nullptr) return false;
  SetServing(true);
  if (evapi_ != nullptr && !evapi_started_) {
    evapi_started_ = true;
    if (absl::Status started = evapi_->Start(); !started.ok()) {
      spdlog::error("kamailio evapi: not started: {}", started.ToString());
    }
  }
  return true;
}

std::string CtidServer::address() const { return absl::StrCat(host_, ":", port_); }

void CtidServer::Shutdown() {
  {
    absl::MutexLock lock(&shutdown_mu_);
    if (shut_down_) return;
    shut_down_ = true;
    if (server_ != nullptr) server_->GetHealthCheckService()->Shutdown();
  }
  serving_.store(false, std::memory_order_relaxed);
  // Scrapes read the store: the HTTP listener stops before anything else.
  if (http_ != nullptr) http_->Stop();
  if (rebuilder_ != nullptr) rebuilder_->Stop();
  if (erasure_ != nullptr) erasure_->Stop();  // after the rebuilder: no rebuild calls back
  if (backups_ != nullptr) backups_->Stop();
  if (mail_ != nullptr) mail_->Stop();
  if (hub_ != nullptr) hub_->Shutdown();
  if (waiters_ != nullptr) waiters_->FailAll(absl::UnavailableError("server is shutting down"));
  // After FailAll (a worker waiting for the projection ends at once), before the log.
  if (evapi_ != nullptr) evapi_->Stop();
  if (server_ != nullptr) {
    server_->Shutdown(absl::ToChronoTime(clock_->Now() + options_.shutdown_grace));
    server_->Wait();
  }
  if (work_ != nullptr) work_->Stop();
  if (timer_ != nullptr) timer_->Stop();
  if (runner_ != nullptr) runner_->Stop();
  if (stores_ != nullptr) {
    if (std::shared_ptr<cti::projections::Store> store = stores_->Get()) {
      if (absl::Status closed = store->Close(); !closed.ok()) {
        spdlog::error("closing the projection store: {}", closed.ToString());
      }
    }
    stores_->Set(nullptr);
  }
  log_.reset();
  // Last: nothing reads or seals with the vault any more.
  if (key_exchange_ != nullptr) key_exchange_->Stop();
  spdlog::info("ctid stopped");
}

}  // namespace cti::server
