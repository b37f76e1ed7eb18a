// ctid: the CTI server daemon. See README.md for the flags and the data layout.
//
// Settings: every flag is also a key of the configuration file (--config FILE, TOML:
// `listen = "0.0.0.0:7878"`) and an environment variable (CTID_LISTEN). A flag beats
// the environment, which beats the file, which beats the default. --print-config prints
// every key with its default and meaning (deploy/ctid.toml is that output).
//
// Exit codes: 0 after a clean shutdown (SIGTERM/SIGINT), --help or --print-config; 1
// when the server cannot start or fails; 2 for invalid settings (the message names the
// flag or key and the reason).
//
// Signals: SIGTERM and SIGINT shut down cleanly; SIGHUP reads --identities again.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

// GCC 12 reports a null dereference inside CLI11's string splitting (inlined vector
// growth) when a repeatable string option exists: a false positive in library code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include "CLI/CLI.hpp"
#pragma GCC diagnostic pop
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/clock.h"
#include "server/ctid_server.h"
#include "server/file_util.h"
#include "server/logging.h"
#include "spdlog/spdlog.h"

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

struct Flags {
  std::string data_dir = "./var/ctid";
  std::string listen = "127.0.0.1:7878";
  std::string port_file;
  std::string log = "embedded";
  std::string brokers;
  std::string topic;
  std::vector<std::string> kafka_properties;
  unsigned heartbeat_seconds = 5;
  size_t subscriber_buffer = 10000;
  std::string smtp_url;
  bool smtp_require_starttls = false;
  std::string mail_from;
  std::string smtp_user;
  std::string smtp_password_file;
  std::string smtp_password;        // read from smtp_password_file
  std::string clock_start;          // RFC 3339; empty: the wall clock
  std::string http_listen;          // empty: no HTTP listener
  std::string kamailio_sip_domain;  // empty: no Kamailio routing endpoint
  std::string kamailio_voicemail_uri = "sip:voicemail-{mailbox}@{domain}";
  std::string kamailio_reception_uri = "sip:reception@{domain}";
  std::string kamailio_evapi;  // empty: no Kamailio call events
  std::string log_format = "text";
  bool access_log = false;
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;
  bool tls_require_client_cert = false;
  bool plaintext = false;
  std::string identities;
  bool insecure_dev_identity = false;
  double rate_limit = 1000;
  double rate_burst = 2000;
  int max_message_bytes = 4 * 1024 * 1024;
  std::string seal_personal_data = "auto";
  std::string kafka_keys_topic;
};

// The environment variable of flag `name` ("data-dir" -> "CTID_DATA_DIR").
std::string EnvironmentName(const std::string& name) {
  std::string env = "CTID_" + absl::AsciiStrToUpper(name);
  std::replace(env.begin(), env.end(), '-', '_');
  return env;
}

// The command line with the environment's settings added for the flags it does not
// give: CLI11 lets a configuration file beat the environment, and we want it the other
// way round, so the environment comes in as flags (which beat the file). A repeatable
// flag takes one value from the environment. Returned in CLI11's order (reversed).
std::vector<std::string> ArgsWithEnvironment(const CLI::App& app, int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const auto given = [&](const std::string& flag) {
    return std::any_of(args.begin(), args.end(), [&](const std::string& arg) {
      return arg == flag || absl::StartsWith(arg, flag + "=");
    });
  };
  std::vector<std::string> from_environment;
  for (const CLI::Option* option : app.get_options()) {
    const std::string name = option->get_single_name();
    if (name.empty() || name == "help" || name == "print-config") continue;
    const char* value = std::getenv(EnvironmentName(name).c_str());
    if (value == nullptr || *value == '\0' || given("--" + name)) continue;
    from_environment.push_back(absl::StrCat("--", name, "=", value));
  }
  args.insert(args.begin(), from_environment.begin(), from_environment.end());
  std::reverse(args.begin(), args.end());
  return args;
}

// Parses the flags; returns -1 to go on, or the exit code.
int ParseFlags(int argc, char** argv, Flags* flags) {
  CLI::App app{"ctid: the CTI server (event log, projections, gRPC API)", "ctid"};
  app.set_config("--config", "",
                 "A TOML file of settings: each flag's name without the dashes as the key "
                 "(listen = \"0.0.0.0:7878\"); flags and CTID_* environment variables beat it")
      ->configurable(false);
  app.allow_config_extras(CLI::config_extras_mode::error);
  bool print_config = false;
  app.add_flag("--print-config", print_config,
               "Print every setting as a configuration file (its default and meaning), then "
               "exit")
      ->configurable(false);
  app.add_option("--data-dir", flags->data_dir,
                 "Data directory: DIR/log, DIR/projections-N, DIR/CURRENT_PROJECTIONS")
      ->capture_default_str();
  app.add_option("--listen", flags->listen, "HOST:PORT to serve gRPC on; port 0 picks one")
      ->capture_default_str();
  app.add_option("--http-listen", flags->http_listen,
                 "HOST:PORT of the HTTP listener (GET /metrics: Prometheus metrics); port 0 "
                 "picks one; empty: none");
  app.add_option("--kamailio-sip-domain", flags->kamailio_sip_domain,
                 "Serve Kamailio's routing lookup (GET /kamailio/route on --http-listen): "
                 "the SIP domain of the phones rung, sip:<extension or number>@DOMAIN; "
                 "empty: not served");
  app.add_option("--kamailio-voicemail-uri", flags->kamailio_voicemail_uri,
                 "For --kamailio-sip-domain: the voicemail step's SIP URI; {mailbox} is the "
                 "employee or unit id, {domain} the SIP domain")
      ->capture_default_str();
  app.add_option("--kamailio-reception-uri", flags->kamailio_reception_uri,
                 "For --kamailio-sip-domain: the SIP URI of reception's last step (a "
                 "message, TP-6.2); {unit} is the unit the message is for, {domain} the SIP "
                 "domain")
      ->capture_default_str();
  app.add_option("--kamailio-evapi", flags->kamailio_evapi,
                 "Read Kamailio's call events: HOST:PORT of its evapi listener (netstrings); "
                 "ctid connects, appends them to the log and acknowledges each; needs "
                 "--kamailio-sip-domain; empty: off");
  app.add_option("--log-format", flags->log_format,
                 "Log lines as text or as JSON lines (json: time, level, msg and the line's "
                 "fields)")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  app.add_flag("--access-log", flags->access_log,
               "Log every gRPC call (request id, method, code, ms, tenant, actor); without, "
               "only calls that failed on the server's side");
  app.add_option("--tls-cert", flags->tls_cert,
                 "The gRPC port's TLS certificate chain (PEM); required unless --plaintext");
  app.add_option("--tls-key", flags->tls_key, "With --tls-cert: its private key (PEM)");
  app.add_option("--tls-client-ca", flags->tls_client_ca,
                 "CAs (PEM) that client certificates are verified against: mutual TLS for PBX "
                 "adapters and replicas (cert lines of --identities); empty: none asked for");
  app.add_flag("--tls-require-client-cert", flags->tls_require_client_cert,
               "With --tls-client-ca: refuse connections without a verified client certificate");
  app.add_flag("--plaintext", flags->plaintext,
               "Serve gRPC without TLS: local development only (a warning is logged)");
  app.add_option("--identities", flags->identities,
                 "Who may call: a file of token and cert lines, each with an actor, a role and "
                 "tenants (ctictl token new prints a line); required unless "
                 "--insecure-dev-identity");
  app.add_flag("--insecure-dev-identity", flags->insecure_dev_identity,
               "Trust the x-cti-actor / x-cti-role headers, every tenant: local development "
               "only, on a loopback --listen address (a warning is logged)");
  app.add_option("--rate-limit", flags->rate_limit,
                 "Calls per second each caller (actor) may make, sustained; more are refused "
                 "with RESOURCE_EXHAUSTED and a time to retry; 0: no limit")
      ->check(CLI::Range(0.0, 1e6))
      ->capture_default_str();
  app.add_option("--rate-burst", flags->rate_burst,
                 "Calls a caller may make at once after a quiet spell (with --rate-limit)")
      ->check(CLI::Range(1.0, 1e7))
      ->capture_default_str();
  app.add_option("--max-message-bytes", flags->max_message_bytes,
                 "Largest request accepted, in bytes; larger ones are refused with "
                 "RESOURCE_EXHAUSTED")
      ->check(CLI::Range(1024, 256 * 1024 * 1024))
      ->capture_default_str();
  app.add_option("--seal-personal-data", flags->seal_personal_data,
                 "Seal names, numbers and message texts before the log, with per-person keys "
                 "in DATA_DIR/keys, so a person can be erased (GDPR): on, off, or auto (on "
                 "with the embedded log, off with Kafka; on with Kafka shares the keys through "
                 "--kafka-keys-topic)")
      ->check(CLI::IsMember({"auto", "on", "off"}))
      ->capture_default_str();
  app.add_option("--port-file", flags->port_file,
                 "Once serving, write the bound port (digits and a newline) to FILE "
                 "atomically");
  app.add_option("--log", flags->log,
                 "Event log backend: embedded (DIR/log) or kafka (--brokers, --topic)")
      ->check(CLI::IsMember({"embedded", "kafka"}))
      ->capture_default_str();
  app.add_option("--brokers", flags->brokers,
                 "With --log kafka: bootstrap servers, HOST:PORT[,HOST:PORT...]");
  app.add_option("--topic", flags->topic, "With --log kafka: the topic (it must exist)");
  app.add_option("--kafka-keys-topic", flags->kafka_keys_topic,
                 "With --log kafka and sealed personal data: the compacted topic through "
                 "which the replicas share their keys (it must exist; default TOPIC-keys)");
  app.add_option("--kafka-property", flags->kafka_properties,
                 "With --log kafka: a librdkafka property NAME=VALUE (repeatable), e.g. "
                 "security.protocol=ssl");
  app.add_option("--clock-start", flags->clock_start,
                 "For demonstrations and tests only: the server's clock starts at this "
                 "RFC 3339 instant (e.g. 2024-11-05T10:00:00+01:00) and runs at real speed");
  app.add_option("--heartbeat-seconds", flags->heartbeat_seconds,
                 "Default Subscribe heartbeat interval, seconds")
      ->check(CLI::Range(1, 300))
      ->capture_default_str();
  app.add_option("--subscriber-buffer", flags->subscriber_buffer,
                 "Records a Subscribe stream may have queued before it is cut off with "
                 "RESOURCE_EXHAUSTED")
      ->check(CLI::Range(static_cast<size_t>(1), static_cast<size_t>(100000000)))
      ->capture_default_str();
  app.add_option("--smtp-url", flags->smtp_url,
                 "E-mail messages reception takes (TP-6.2) via this SMTP server: "
                 "smtp://HOST[:PORT] or smtps://HOST[:PORT]; empty: mail off, messages stay "
                 "in the outbox");
  app.add_flag("--smtp-require-starttls", flags->smtp_require_starttls,
               "With an smtp:// URL: send only after the server upgraded with STARTTLS");
  app.add_option("--mail-from", flags->mail_from,
                 "With --smtp-url: the sender address of the mails, e.g. reception@sydby.dk");
  app.add_option("--smtp-user", flags->smtp_user, "With --smtp-url: the SMTP login");
  app.add_option("--smtp-password-file", flags->smtp_password_file,
                 "With --smtp-user: a file holding the SMTP password (one line)");
  // Every flag may also come from CTID_<NAME> (e.g. CTID_DATA_DIR).
  for (CLI::Option* option : app.get_options()) {
    const std::string name = option->get_single_name();
    if (name.empty() || name == "help" || name == "print-config") continue;
    option->description(
        absl::StrCat(option->get_description(), " [env ", EnvironmentName(name), "]"));
  }
  try {
    std::vector<std::string> args = ArgsWithEnvironment(app, argc, argv);
    app.parse(args);
  } catch (const CLI::ConfigError& e) {
    // CLI11 says "INI was not able to parse KEY" for a key it does not know.
    std::fprintf(stderr,
                 "--config %s: %s (every key is a flag's name without the dashes; "
                 "ctid --print-config lists them)\n",
                 app.get_config_ptr()->as<std::string>().c_str(), e.what());
    return kExitUsage;
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }
  if (print_config) {
    std::printf(
        "# ctid configuration: every key with its default and meaning (ctid --print-config).\n"
        "# Use with ctid --config FILE; a flag or a CTID_* environment variable beats a key.\n"
        "# An empty string is the same as leaving a key out.\n%s",
        app.config_to_str(true, true).c_str());
    return 0;
  }
  // An empty value (as --print-config writes for a repeatable flag) gives nothing.
  std::erase(flags->kafka_properties, "");
  std::string host;
  int port = 0;
  if (absl::Status s = cti::server::ParseListenAddress(flags->listen, "--listen", &host, &port);
      !s.ok()) {
    std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    return kExitUsage;
  }
  if (!flags->http_listen.empty()) {
    if (absl::Status s =
            cti::server::ParseListenAddress(flags->http_listen, "--http-listen", &host, &port);
        !s.ok()) {
      std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
      return kExitUsage;
    }
  }
  if (!flags->kamailio_sip_domain.empty() && flags->http_listen.empty()) {
    std::fprintf(stderr, "--kamailio-sip-domain: needs --http-listen\n");
    return kExitUsage;
  }
  if (!flags->kamailio_evapi.empty()) {
    if (flags->kamailio_sip_domain.empty()) {
      std::fprintf(stderr, "--kamailio-evapi: needs --kamailio-sip-domain\n");
      return kExitUsage;
    }
    if (absl::Status s = cti::server::kamailio::CheckEvapiAddress(flags->kamailio_evapi); !s.ok()) {
      std::fprintf(stderr, "--kamailio-evapi: %s\n", std::string(s.message()).c_str());
      return kExitUsage;
    }
  }
  if (flags->data_dir.empty()) {
    std::fprintf(stderr, "--data-dir: must not be empty\n");
    return kExitUsage;
  }
  if (!flags->plaintext && (flags->tls_cert.empty() || flags->tls_key.empty())) {
    std::fprintf(stderr,
                 "--tls-cert and --tls-key are required to serve gRPC (PEM files); --plaintext "
                 "serves without TLS, for local development only\n");
    return kExitUsage;
  }
  if (flags->identities.empty() == !flags->insecure_dev_identity) {
    std::fprintf(stderr,
                 "--identities FILE is required (the tokens and client certificates that may "
                 "call); --insecure-dev-identity, instead of it, trusts request headers for "
                 "local development only\n");
    return kExitUsage;
  }
  if (flags->log == "kafka" && (flags->brokers.empty() || flags->topic.empty())) {
    std::fprintf(stderr, "--log kafka: --brokers and --topic are required\n");
    return kExitUsage;
  }
  if (flags->log != "kafka" &&
      (!flags->brokers.empty() || !flags->topic.empty() || !flags->kafka_properties.empty() ||
       !flags->kafka_keys_topic.empty())) {
    std::fprintf(stderr,
                 "--brokers, --topic, --kafka-property, --kafka-keys-topic: only with --log "
                 "kafka\n");
    return kExitUsage;
  }
  if (!flags->smtp_url.empty() && flags->mail_from.empty()) {
    std::fprintf(stderr, "--mail-from: required with --smtp-url\n");
    return kExitUsage;
  }
  if (flags->smtp_user.empty() != flags->smtp_password_file.empty()) {
    std::fprintf(stderr, "--smtp-user, --smtp-password-file: give both or neither\n");
    return kExitUsage;
  }
  if (!flags->smtp_password_file.empty()) {
    absl::StatusOr<std::string> password = cti::server::ReadFile(flags->smtp_password_file);
    if (!password.ok()) {
      std::fprintf(stderr, "--smtp-password-file: %s\n", password.status().ToString().c_str());
      return kExitUsage;
    }
    flags->smtp_password = std::string(absl::StripTrailingAsciiWhitespace(*password));
  }
  for (const std::string& property : flags->kafka_properties) {
    const size_t eq = property.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::fprintf(stderr, "--kafka-property %s: expected NAME=VALUE\n", property.c_str());
      return kExitUsage;
    }
  }
  return -1;
}

// A stop request that may be made more than once, from any thread.
class StopFlag {
 public:
  void Request() {
    absl::MutexLock lock(&mu_);
    requested_ = true;
  }
  bool requested() {
    absl::MutexLock lock(&mu_);
    return requested_;
  }
  void Wait() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&requested_));
  }

 private:
  absl::Mutex mu_;
  bool requested_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

int main(int argc, char** argv) {
  // Debian's Abseil keeps Mutex deadlock detection on, which records a graph edge on
  // every lock: a measurable cost on Route's path. Lock order is checked in the tests.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  Flags flags;
  if (const int code = ParseFlags(argc, argv, &flags); code >= 0) return code;
  cti::server::ConfigureLogging(flags.log_format == "json" ? cti::server::LogFormat::kJson
                                                           : cti::server::LogFormat::kText);

  // SIGTERM, SIGINT and SIGHUP are taken by one thread (sigwait); every other thread,
  // started after this, has them blocked. SIGHUP reloads --identities once serving.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  StopFlag stop;
  std::atomic<bool> signal_thread_done{false};
  absl::Mutex reload_mu;
  cti::server::CtidServer* reloadable = nullptr;  // guarded by reload_mu
  std::thread signal_thread([&signals, &stop, &signal_thread_done, &reload_mu, &reloadable] {
    int received = 0;
    while (sigwait(&signals, &received) == 0 && received == SIGHUP) {
      absl::MutexLock lock(&reload_mu);
      if (reloadable == nullptr) continue;
      if (absl::Status reloaded = reloadable->ReloadIdentities(); !reloaded.ok()) {
        spdlog::error("ctid: SIGHUP: {}", reloaded.ToString());
      }
    }
    signal_thread_done = true;
    if (!stop.requested()) {
      spdlog::info("ctid: received {}, shutting down", received == SIGTERM ? "SIGTERM" : "SIGINT");
    }
    stop.Request();
  });

  cti::server::CtidOptions options;
  options.data_dir = flags.data_dir;
  options.listen = flags.listen;
  options.http_listen = flags.http_listen;
  options.access_log = flags.access_log;
  options.tls.cert_file = flags.tls_cert;
  options.tls.key_file = flags.tls_key;
  options.tls.client_ca_file = flags.tls_client_ca;
  options.tls.require_client_cert = flags.tls_require_client_cert;
  options.plaintext = flags.plaintext;
  options.identities_file = flags.identities;
  options.insecure_dev_identity = flags.insecure_dev_identity;
  options.rate_limit.calls_per_second = flags.rate_limit;
  options.rate_limit.burst = flags.rate_burst;
  options.max_message_bytes = flags.max_message_bytes;
  options.seal_personal_data = flags.seal_personal_data;
  options.kafka_keys_topic = flags.kafka_keys_topic;
  options.kamailio.sip_domain = flags.kamailio_sip_domain;
  options.kamailio.voicemail_uri = flags.kamailio_voicemail_uri;
  options.kamailio.reception_uri = flags.kamailio_reception_uri;
  options.kamailio_evapi = flags.kamailio_evapi;
  options.log_backend = flags.log;
  options.kafka.brokers = flags.brokers;
  options.kafka.topic = flags.topic;
  for (const std::string& property : flags.kafka_properties) {
    const absl::string_view text(property);
    const size_t eq = text.find('=');
    options.kafka.properties[std::string(text.substr(0, eq))] = std::string(text.substr(eq + 1));
  }
  options.service.default_heartbeat = absl::Seconds(flags.heartbeat_seconds);
  options.service.subscriber_buffer = flags.subscriber_buffer;
  options.mail.smtp_url = flags.smtp_url;
  options.mail.require_starttls = flags.smtp_require_starttls;
  options.mail.mailer.from_address = flags.mail_from;
  options.mail.smtp_user = flags.smtp_user;
  options.mail.smtp_password = flags.smtp_password;

  cti::Clock* clock = cti::RealClock::Get();
  std::unique_ptr<cti::OffsetClock> offset_clock;
  if (!flags.clock_start.empty()) {
    absl::Time start;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, flags.clock_start, &start, &error)) {
      spdlog::error("ctid: --clock-start: not an RFC 3339 instant: {}", error);
      return kExitUsage;
    }
    offset_clock = std::make_unique<cti::OffsetClock>(start);
    clock = offset_clock.get();
    spdlog::warn("ctid: the clock starts at {} (--clock-start): for tests and demonstrations only",
                 flags.clock_start);
  }
  int exit_code = 0;
  absl::StatusOr<std::unique_ptr<cti::server::CtidServer>> server =
      cti::server::CtidServer::Start(options, clock);
  if (!server.ok()) {
    spdlog::error("ctid: {}", server.status().ToString());
    exit_code =
        server.status().code() == absl::StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
  } else {
    bool serving = false;
    while (!stop.requested() && !serving) {
      serving = (*server)->WaitUntilServing(absl::Milliseconds(100));
    }
    if (serving && !flags.port_file.empty()) {
      absl::Status written =
          cti::server::WriteFileAtomically(flags.port_file, absl::StrCat((*server)->port(), "\n"));
      if (!written.ok()) {
        spdlog::error("ctid: --port-file: {}", written.ToString());
        exit_code = kExitFailure;
        stop.Request();
      }
    }
    if (serving && exit_code == 0) {
      {
        absl::MutexLock lock(&reload_mu);
        if (!flags.identities.empty()) reloadable = server->get();
      }
      spdlog::info("ctid listening on {}", (*server)->address());
      if ((*server)->http_port() != 0) {
        spdlog::info("ctid HTTP (metrics at /metrics) on port {}", (*server)->http_port());
      }
    }
    stop.Wait();
    {
      absl::MutexLock lock(&reload_mu);
      reloadable = nullptr;
    }
    (*server)->Shutdown();
  }
  if (!signal_thread_done) {
    // No signal came (start-up or port file failure): wake the signal thread.
    stop.Request();
    pthread_kill(signal_thread.native_handle(), SIGTERM);
  }
  signal_thread.join();
  return exit_code;
}
