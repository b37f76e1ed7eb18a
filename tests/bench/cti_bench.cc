// cti_bench: figures for the Foundation issue against a real ctid (started here on a temp
// data dir, 127.0.0.1:0): sustained acknowledged appends/s with many appends in flight,
// append->visible latency (on a Subscribe stream), and the Rebuild rate beside a raw
// RocksDB WriteBatch baseline of the same bytes, measured in the same run. With --kafka
// (the Kafka issue) the same on the Kafka test broker, plus a new replica's catch-up rate.
//
//   cti_bench [--events N] [--in-flight N] [--channels N] [--latency-samples N]
//             [--rebuilds N] [--kafka [--partitions N] [--catchup-events N] [--catchups N]]
//             [--out results.md]
//
// Prints the figures and, with --out, writes them as a Markdown table. Not a test: it
// asserts nothing, but says which targets were met.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "cti/v1/audit_service.grpc.pb.h"
#include "server/log/kafka_log.h"
#include "tests/bench/append_load.h"
#include "tests/bench/rocksdb_baseline.h"
#include "tests/support/cti_client.h"
#include "tests/support/ctid_process.h"
#include "tests/support/danish_events.h"
#include "tests/support/grpc_clients.h"
#include "tests/support/kafka_broker_process.h"

namespace cti::bench {
namespace {

using test_support::Admin;
using test_support::CtiClient;
using test_support::CtidProcess;

struct Row {
  std::string measure;
  std::string result;
  std::string target;
};

std::string Rate(double per_second) { return absl::StrFormat("%.0f", per_second); }
std::string Ms(double us) { return absl::StrFormat("%.2f ms", us / 1000.0); }
double Seconds(absl::Duration d) { return absl::ToDoubleSeconds(d); }

// Reads the whole log (positions 1..end) as serialized Events, resuming the stream when
// the server cuts this reader off for falling behind.
absl::StatusOr<std::vector<std::string>> ReadLogBytes(CtiClient& client, uint64_t end,
                                                      absl::Duration* took) {
  std::vector<std::string> values;
  values.reserve(end);
  const absl::Time start = absl::Now();
  while (values.size() < end) {
    auto ctx = test_support::Ctx(absl::Seconds(600));
    auto reader = client.events().Subscribe(
        ctx.get(), test_support::SubscribeFrom(test_support::kTenant, values.size()));
    cti::v1::SubscribeResponse message;
    while (values.size() < end && reader->Read(&message)) {
      if (message.has_record()) values.push_back(message.record().event().SerializeAsString());
    }
    ctx->TryCancel();
    grpc::Status status = reader->Finish();
    if (values.size() < end && status.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED) {
      return absl::InternalError(absl::StrCat("log read stopped at ", values.size(), " of ", end,
                                              ": ", test_support::Describe(status)));
    }
  }
  *took = absl::Now() - start;
  return values;
}

// Replays the whole log of the tenant through AuditService.Replay (issue 6, item 1) with
// a client that parses each message and drops it; answers the records received.
absl::StatusOr<uint64_t> ReplayAll(const std::shared_ptr<grpc::Channel>& channel,
                                   absl::Duration* took) {
  std::unique_ptr<cti::v1::AuditService::Stub> audit = cti::v1::AuditService::NewStub(channel);
  auto ctx = test_support::Ctx(absl::Seconds(600));
  cti::v1::ReplayRequest request;
  request.set_tenant(test_support::kTenant);
  request.set_batch_records(1000);
  const absl::Time start = absl::Now();
  auto reader = audit->Replay(ctx.get(), request);
  cti::v1::ReplayResponse message;
  uint64_t records = 0;
  while (reader->Read(&message)) records += static_cast<uint64_t>(message.records_size());
  const grpc::Status status = reader->Finish();
  *took = absl::Now() - start;
  if (!status.ok()) {
    return absl::InternalError(
        absl::StrCat("replay stopped after ", records, ": ", test_support::Describe(status)));
  }
  return records;
}

// Asks AuditService.ComplianceReport (issue 6, item 4) for the month from the load's
// first day (its events are stamped from BaseTime(), one second apart); answers the calls
// it counted.
absl::StatusOr<uint64_t> ReportDays(const std::shared_ptr<grpc::Channel>& channel,
                                    absl::Duration* took) {
  std::unique_ptr<cti::v1::AuditService::Stub> audit = cti::v1::AuditService::NewStub(channel);
  auto ctx = test_support::Ctx(absl::Seconds(600));
  const absl::CivilDay first = absl::ToCivilDay(test_support::BaseTime(), absl::UTCTimeZone());
  cti::v1::ComplianceReportRequest request;
  request.set_tenant(test_support::kTenant);
  request.set_from_day(absl::FormatCivilTime(first));
  request.set_to_day(absl::FormatCivilTime(first + 30));
  cti::v1::ComplianceReportResponse report;
  const absl::Time start = absl::Now();
  const grpc::Status status = audit->ComplianceReport(ctx.get(), request, &report);
  *took = absl::Now() - start;
  if (!status.ok()) return absl::InternalError(test_support::Describe(status));
  return report.total().calls().all().offered();
}

constexpr char kUsage[] =
    "usage: cti_bench [--events N] [--in-flight N] [--channels N] [--latency-samples N]\n"
    "                 [--batch N] [--per-call N] [--unary-events N] [--rebuilds N]\n"
    "                 [--kafka [--partitions N] [--catchup-events N] [--catchups N]]\n"
    "                 [--out FILE]\n"
    "  --events N           events in the batched load, also most of the rebuild input (500000)\n"
    "  --in-flight N        calls outstanding during the load (64 Append; a quarter of\n"
    "                       it, at least 1, for AppendBatch)\n"
    "  --per-call N         events per AppendBatch call in the batched load (100)\n"
    "  --unary-events N     appends in the one-event-per-call load (100000)\n"
    "  --channels N         gRPC channels the load is spread over (4)\n"
    "  --latency-samples N  one-at-a-time append->visible samples (2000)\n"
    "  --batch N            records per WriteBatch in the RocksDB baseline (1000)\n"
    "  --rebuilds N         Rebuild RPCs one after the other (1); the median is shown\n"
    "  --kafka              ctid on the Kafka test broker (tests/kafka_broker: a one-partition\n"
    "                       topic, ~5 MiB retained) instead of the embedded log; also times a\n"
    "                       new replica catching up. Keep the log small, e.g. --events 20000\n"
    "                       --unary-events 5000 --latency-samples 500\n"
    "  --partitions N       with --kafka: the topic's partitions (4)\n"
    "  --catchup-events N   with --kafka: events spread over one tenant per partition (all\n"
    "                       but the main load's) before a new replica catches up (300000;\n"
    "                       the test broker keeps ~5 MiB per partition: over 100,000 of\n"
    "                       these events, compressed)\n"
    "  --catchups N         with --kafka: new replicas timed one after the other (3); the\n"
    "                       median is shown\n"
    "  --out FILE           also write the figures as Markdown to FILE\n";

// Parses "--name value" pairs. False (after printing why) on anything else.
// Flags of the Kafka run.
struct KafkaFlags {
  bool on = false;
  int partitions = 4;
  uint64_t catchup_events = 300000;
  int catchups = 3;
};

bool ParseFlags(int argc, char** argv, LoadOptions* load, int* latency_samples, size_t* batch_size,
                uint64_t* unary_events, int* rebuilds, KafkaFlags* kafka, std::string* out) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::printf("%s", kUsage);
      std::exit(0);
    }
    if (flag == "--kafka") {
      kafka->on = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "cti_bench: %s needs a value\n%s", flag.c_str(), kUsage);
      return false;
    }
    const std::string value = argv[++i];
    uint64_t n = 0;
    const bool numeric = absl::SimpleAtoi(value, &n) && n > 0;
    if (flag == "--out") {
      *out = value;
    } else if (!numeric) {
      std::fprintf(stderr, "cti_bench: %s wants a positive number, not '%s'\n%s", flag.c_str(),
                   value.c_str(), kUsage);
      return false;
    } else if (flag == "--events") {
      load->events = n;
    } else if (flag == "--in-flight") {
      load->in_flight = static_cast<int>(n);
    } else if (flag == "--channels") {
      load->channels = static_cast<int>(n);
    } else if (flag == "--latency-samples") {
      *latency_samples = static_cast<int>(n);
    } else if (flag == "--batch") {
      *batch_size = n;
    } else if (flag == "--per-call") {
      load->per_call = static_cast<int>(n);
    } else if (flag == "--unary-events") {
      *unary_events = n;
    } else if (flag == "--rebuilds") {
      *rebuilds = static_cast<int>(n);
    } else if (flag == "--partitions") {
      kafka->partitions = static_cast<int>(std::min<uint64_t>(n, 256));
    } else if (flag == "--catchup-events") {
      kafka->catchup_events = n;
    } else if (flag == "--catchups") {
      kafka->catchups = static_cast<int>(n);
    } else {
      std::fprintf(stderr, "cti_bench: unknown flag %s\n%s", flag.c_str(), kUsage);
      return false;
    }
  }
  return true;
}

// The target of the Kafka issue for append -> visible (p99).
std::string VisibleTarget(bool kafka, double p99_us) {
  if (!kafka) return "";
  return p99_us <= 25000 ? "p99 <= 25 ms: met" : "p99 <= 25 ms: NOT met";
}

// The rows of one sustained load: rate (against the Foundation's target on the embedded
// log), ack and visible latency (against the Kafka issue's on Kafka).
void AddLoadRows(const LoadOptions& options, LoadResult& result, bool kafka,
                 std::vector<Row>* rows) {
  const double rate = static_cast<double>(result.acked) / Seconds(result.elapsed);
  const std::string how =
      options.per_call <= 1
          ? absl::StrCat("Append, 1 event per call, ", options.in_flight, " calls in flight")
          : absl::StrCat("AppendBatch, ", options.per_call, " events per call, ", options.in_flight,
                         " calls in flight");
  rows->push_back(
      {absl::StrCat("sustained acknowledged appends/s (", how, ", ", options.channels,
                    " channels)"),
       absl::StrCat(Rate(rate), " /s (", result.acked, " in ",
                    absl::StrFormat("%.1f", Seconds(result.elapsed)), " s, ", result.failed,
                    " failed", result.first_error.empty() ? "" : ": " + result.first_error, ")"),
       kafka ? "" : (rate >= 50000 ? ">= 50,000 /s: met" : ">= 50,000 /s: NOT met")});
  rows->push_back(
      {absl::StrCat("ack latency per event under that load (p50 / p99)"),
       absl::StrCat(Ms(Percentile(result.ack_us, 50)), " / ", Ms(Percentile(result.ack_us, 99))),
       ""});
  rows->push_back(
      {"append -> visible on Subscribe under that load (p50 / p99)",
       absl::StrCat(Ms(Percentile(result.visible_us, 50)), " / ",
                    Ms(Percentile(result.visible_us, 99)), " (", result.visible_us.size(),
                    " samples, ", result.subscriber_restarts, " stream resumes)"),
       VisibleTarget(kafka && options.per_call <= 1, Percentile(result.visible_us, 99))});
}

// Waits until `client`'s server has applied the whole log; its status then.
absl::StatusOr<cti::v1::GetStatusResponse> WaitAllApplied(CtiClient& client,
                                                          absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    absl::StatusOr<cti::v1::GetStatusResponse> status = client.Status();
    if (!status.ok()) return status;
    if (status->log_unreachable().empty() &&
        status->applied_position() >= status->log_end_position()) {
      return status;
    }
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("applied ", status->applied_position(), " of ", status->log_end_position()));
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
}

// One tenant name for every partition of `partitions` except `skip`'s (found by trying
// "bench-N" names: the log's own partitioner decides).
std::vector<std::string> TenantsForPartitions(int partitions, const std::string& skip) {
  std::vector<std::string> tenants(static_cast<size_t>(partitions));
  const int skipped = cti::log::KafkaPartitionOf(skip, partitions);
  int found = 0;
  for (int n = 0; found < partitions - 1 && n < 100000; ++n) {
    const std::string name = absl::StrCat("bench-", n);
    const int p = cti::log::KafkaPartitionOf(name, partitions);
    if (p == skipped || !tenants[static_cast<size_t>(p)].empty()) continue;
    tenants[static_cast<size_t>(p)] = name;
    ++found;
  }
  tenants.erase(std::remove(tenants.begin(), tenants.end(), std::string()), tenants.end());
  return tenants;
}

// Time from a ctid's start to SERVING (that is, caught up with its log).
absl::StatusOr<absl::Duration> TimeToServing(const test_support::CtidOptions& options,
                                             std::string* digest) {
  const absl::Time start = absl::Now();
  absl::StatusOr<std::unique_ptr<CtidProcess>> replica = CtidProcess::Start(options);
  if (!replica.ok()) return replica.status();
  const absl::Duration took = absl::Now() - start;
  absl::StatusOr<cti::v1::GetStatusResponse> status =
      CtiClient((*replica)->Channel(Admin())).Status();
  if (!status.ok()) return status.status();
  *digest = status->state_digest();
  if (absl::Status s = (*replica)->Stop(absl::Seconds(60)); !s.ok()) return s;
  return took;
}

// The Kafka catch-up: fills every other partition through AppendBatch (one tenant each),
// then times a new replica from start to caught up beside one on an empty topic of the
// same shape (ctid's start-up, measured in the same run), and compares digests.
void AddCatchUpRows(const LoadOptions& load, const KafkaFlags& kafka,
                    const test_support::CtidOptions& ctid_options, CtiClient& client,
                    std::vector<Row>* rows) {
  LoadOptions fill = load;
  fill.in_flight = std::max(1, load.in_flight / 4);
  fill.events = kafka.catchup_events;
  fill.tenants = TenantsForPartitions(kafka.partitions, test_support::kTenant);
  fill.id_prefix = "c-";
  std::printf("cti_bench: %llu appends over %zu tenants (partitions), %d per AppendBatch call...\n",
              static_cast<unsigned long long>(fill.events), fill.tenants.size(), fill.per_call);
  LoadResult filled = RunAppendLoad(fill);
  const double fill_rate = static_cast<double>(filled.acked) / Seconds(filled.elapsed);
  rows->push_back(
      {absl::StrCat("acknowledged appends/s over ", fill.tenants.size(),
                    " partitions (AppendBatch, ", fill.per_call, " events per call, ",
                    fill.in_flight, " calls in flight)"),
       absl::StrCat(Rate(fill_rate), " /s (", filled.acked, " in ",
                    absl::StrFormat("%.1f", Seconds(filled.elapsed)), " s, ", filled.failed,
                    " failed", filled.first_error.empty() ? "" : ": " + filled.first_error, ")"),
       ""});
  absl::StatusOr<cti::v1::GetStatusResponse> status = WaitAllApplied(client, absl::Seconds(300));
  if (!status.ok()) {
    rows->push_back({"new replica catch-up", status.status().ToString(), ""});
    return;
  }
  const uint64_t records = status->records_applied();
  std::printf(
      "cti_bench: a replica on an empty topic, then a new replica catching up %llu "
      "records...\n",
      static_cast<unsigned long long>(records));
  test_support::CtidOptions empty_options = ctid_options;
  for (size_t i = 0; i + 1 < empty_options.extra_args.size(); ++i) {
    if (empty_options.extra_args[i] == "--topic") empty_options.extra_args[i + 1] = "cti-empty";
  }
  // Each new replica (own empty data directory) beside a start-up on the empty topic
  // just before it; the median of kafka.catchups rounds is shown, with each.
  std::vector<double> rates, startups;
  std::string each, failure;
  bool same = true;
  double wall = 0;
  for (int round = 0; round < kafka.catchups && failure.empty(); ++round) {
    std::string empty_digest, digest;
    absl::StatusOr<absl::Duration> startup = TimeToServing(empty_options, &empty_digest);
    absl::StatusOr<absl::Duration> caught_up = TimeToServing(ctid_options, &digest);
    if (!startup.ok() || !caught_up.ok()) {
      failure = (startup.ok() ? caught_up.status() : startup.status()).ToString();
      break;
    }
    same = same && digest == status->state_digest();
    startups.push_back(Seconds(*startup));
    rates.push_back(static_cast<double>(records) / Seconds(*caught_up - *startup));
    absl::StrAppend(&each, each.empty() ? "" : ", ", Rate(rates.back()));
    wall = Seconds(*caught_up);
  }
  if (!failure.empty()) {
    rows->push_back({"new replica catch-up", failure, ""});
    return;
  }
  std::vector<double> sorted = rates;
  std::sort(sorted.begin(), sorted.end());
  const double rate = sorted[sorted.size() / 2];
  std::sort(startups.begin(), startups.end());
  rows->push_back({"new replica start-up on an empty topic of the same shape (start to SERVING)",
                   absl::StrFormat("%.2f s (median)", startups[startups.size() / 2]), ""});
  rows->push_back(
      {absl::StrCat("new replica catch-up: ", records, " records on ", kafka.partitions,
                    " partitions (start to SERVING, less the empty-topic start-up)"),
       absl::StrCat(Rate(rate), " events/s median of ", rates.size(), " new replicas (each: ", each,
                    "; the last took ", absl::StrFormat("%.2f", wall), " s in all; digests ",
                    same ? "all equal" : "DIFFERENT", ")"),
       rate >= 250000 ? ">= 250,000 events/s: met" : ">= 250,000 events/s: NOT met"});
  // The same topic through the Rebuild RPC of the running replica, for comparison.
  const absl::Time rebuild_start = absl::Now();
  absl::StatusOr<std::vector<cti::v1::RebuildProgress>> rebuilt =
      client.Rebuild(absl::Seconds(1200));
  const double rebuild_took = Seconds(absl::Now() - rebuild_start);
  if (rebuilt.ok()) {
    const cti::v1::RebuildProgress& done = rebuilt->back();
    rows->push_back(
        {absl::StrCat("rebuild of those ", done.applied(), " records (Rebuild RPC)"),
         absl::StrCat(Rate(static_cast<double>(done.applied()) / rebuild_took), " events/s (",
                      absl::StrFormat("%.2f", rebuild_took), " s; digest ",
                      done.state_digest() == status->state_digest() ? "equal" : "DIFFERENT", ")"),
         ""});
  } else {
    rows->push_back({"rebuild of the whole topic", rebuilt.status().ToString(), ""});
  }
}

int Main(int argc, char** argv) {
  LoadOptions load;
  int latency_samples = 2000;
  size_t batch_size = 1000;
  uint64_t unary_events = 100000;
  int rebuilds = 1;
  load.per_call = 100;
  std::string out;
  KafkaFlags kafka;
  if (!ParseFlags(argc, argv, &load, &latency_samples, &batch_size, &unary_events, &rebuilds,
                  &kafka, &out)) {
    return 2;
  }

  // On Kafka: the test broker with the topic (and an empty one of the same shape, for the
  // start-up baseline of the catch-up), and ctid as a replica on it.
  std::unique_ptr<test_support::KafkaBrokerProcess> broker;
  test_support::CtidOptions ctid_options;
  if (kafka.on) {
    test_support::KafkaBrokerOptions broker_options;
    broker_options.topics = {{"cti-events", kafka.partitions, 0},
                             {"cti-events-keys", 1, 0},
                             {"cti-empty", kafka.partitions, 0},
                             {"cti-empty-keys", 1, 0}};
    absl::StatusOr<std::unique_ptr<test_support::KafkaBrokerProcess>> kafka_started =
        test_support::KafkaBrokerProcess::Start(broker_options);
    if (!kafka_started.ok()) {
      std::fprintf(stderr, "cti_bench: %s\n", kafka_started.status().ToString().c_str());
      return 1;
    }
    broker = *std::move(kafka_started);
    ctid_options.extra_args = {"--log",   "kafka",     "--brokers", broker->bootstrap_servers(),
                               "--topic", "cti-events"};
  }
  std::printf("cti_bench: starting %s%s\n", test_support::CtidBinary().c_str(),
              kafka.on ? " on the Kafka test broker" : "");
  absl::StatusOr<std::unique_ptr<CtidProcess>> started = CtidProcess::Start(ctid_options);
  if (!started.ok()) {
    std::fprintf(stderr, "cti_bench: %s\n", started.status().ToString().c_str());
    return 1;
  }
  CtidProcess& ctid = **started;
  load.address = ctid.address();
  CtiClient client(ctid.Channel(Admin()));
  std::vector<Row> rows;

  // 1. Unloaded: one append at a time, each waited for on the stream.
  std::printf("cti_bench: %d one-at-a-time appends...\n", latency_samples);
  LoadResult serial = RunSerialLatency(ctid.address(), latency_samples, "lat-");
  rows.push_back(
      {"append ack latency, 1 in flight (p50 / p99)",
       absl::StrCat(Ms(Percentile(serial.ack_us, 50)), " / ", Ms(Percentile(serial.ack_us, 99))),
       ""});
  rows.push_back({"append -> visible on Subscribe, 1 in flight (p50 / p99)",
                  absl::StrCat(Ms(Percentile(serial.visible_us, 50)), " / ",
                               Ms(Percentile(serial.visible_us, 99)), " (",
                               serial.visible_us.size(), " samples)"),
                  VisibleTarget(kafka.on, Percentile(serial.visible_us, 99))});

  // 2. Sustained load, one event per Append call: bounded by the gRPC unary floor.
  LoadOptions unary = load;
  unary.events = unary_events;
  unary.per_call = 1;
  unary.id_prefix = "u-";
  std::printf("cti_bench: %llu appends, one per call, %d in flight over %d channels...\n",
              static_cast<unsigned long long>(unary.events), unary.in_flight, unary.channels);
  LoadResult unary_loaded = RunAppendLoad(unary);
  AddLoadRows(unary, unary_loaded, kafka.on, &rows);

  // 3. Sustained load through AppendBatch: how a PBX adapter or importer sends.
  LoadOptions batched = load;
  batched.in_flight = std::max(1, load.in_flight / 4);
  std::printf("cti_bench: %llu appends, %d per AppendBatch call, %d calls in flight...\n",
              static_cast<unsigned long long>(batched.events), batched.per_call, batched.in_flight);
  LoadResult loaded = RunAppendLoad(batched);
  AddLoadRows(batched, loaded, kafka.on, &rows);

  // 4. Rebuild.
  absl::StatusOr<cti::v1::GetStatusResponse> status = client.Status();
  if (!status.ok()) {
    std::fprintf(stderr, "cti_bench: GetStatus: %s\n", status.status().ToString().c_str());
    return 1;
  }
  const uint64_t end = status->log_end_position();
  status = client.Status(end, test_support::kTenant, absl::Seconds(300));

  // The first rebuild follows the load directly; later ones (--rebuilds) find the
  // server idle. The row shows the median of them all, and each one's rate.
  double rebuild_rate = 0;
  const size_t rebuild_row = rows.size();  // labelled with the log's mix below
  std::vector<double> rates;
  std::string each, failure;
  uint64_t applied = 0;
  double seconds = 0, server_rate = 0;
  bool same = status.ok();
  for (int r = 0; r < rebuilds && failure.empty(); ++r) {
    std::printf("cti_bench: rebuilding %llu records (%d of %d)...\n",
                static_cast<unsigned long long>(end), r + 1, rebuilds);
    const absl::Time rebuild_start = absl::Now();
    absl::StatusOr<std::vector<cti::v1::RebuildProgress>> rebuilt =
        client.Rebuild(absl::Seconds(1200));
    const absl::Duration rebuild_took = absl::Now() - rebuild_start;
    if (!rebuilt.ok()) {
      failure = rebuilt.status().ToString();
      break;
    }
    const cti::v1::RebuildProgress& done = rebuilt->back();
    const double rate = static_cast<double>(done.applied()) / Seconds(rebuild_took);
    rates.push_back(rate);
    absl::StrAppend(&each, each.empty() ? "" : ", ", Rate(rate));
    same = same && done.state_digest() == status->state_digest();
    if (rates.size() == 1 || rate == *std::max_element(rates.begin(), rates.end())) {
      applied = done.applied();
      seconds = Seconds(rebuild_took);
      server_rate = done.records_per_second();
    }
  }
  if (!rates.empty()) {
    std::vector<double> sorted = rates;
    std::sort(sorted.begin(), sorted.end());
    rebuild_rate = sorted[sorted.size() / 2];
    const std::string detail =
        rates.size() == 1
            ? absl::StrCat(Rate(rebuild_rate), " events/s (", applied, " in ",
                           absl::StrFormat("%.2f", seconds), " s; server says ", Rate(server_rate),
                           "/s; digest ", same ? "equal" : "DIFFERENT", ")")
            : absl::StrCat(Rate(rebuild_rate), " events/s median of ", rates.size(),
                           " rebuilds (each: ", each, "; best ", applied, " in ",
                           absl::StrFormat("%.2f", seconds), " s, server says ", Rate(server_rate),
                           "/s; digests ", same ? "all equal" : "DIFFERENT", ")");
    rows.push_back({"rebuild (Rebuild RPC, wall clock at the client)", detail,
                    kafka.on ? ""
                             : (rebuild_rate >= 250000 ? ">= 250,000 events/s: met"
                                                       : ">= 250,000 events/s: NOT met")});
  } else {
    rows.push_back({"rebuild", absl::StrCat("FAILED: ", failure), ""});
  }

  // 5. The same bytes into a bare RocksDB.
  absl::Duration read_took;
  absl::StatusOr<std::vector<std::string>> bytes = ReadLogBytes(client, end, &read_took);
  if (bytes.ok()) {
    absl::StrAppend(&rows[rebuild_row].measure, "; log mix: ", DescribeLogMix(*bytes));
    rows.push_back({"Subscribe from 0, whole log",
                    absl::StrCat(Rate(static_cast<double>(end) / Seconds(read_took)), " records/s"),
                    ""});
    absl::Duration replay_took;
    absl::StatusOr<uint64_t> replayed = ReplayAll(ctid.Channel(Admin()), &replay_took);
    if (replayed.ok()) {
      const double rate = static_cast<double>(*replayed) / Seconds(replay_took);
      rows.push_back(
          {"Replay, whole log (AuditService.Replay, 1000 records per message; the client parses "
           "and drops them)",
           absl::StrCat(Rate(rate), " events/s (", *replayed, " in ",
                        absl::StrFormat("%.2f", Seconds(replay_took)), " s)"),
           rate >= 250000 ? ">= 250,000 events/s: met" : ">= 250,000 events/s: NOT met"});
    } else {
      rows.push_back({"Replay, whole log", replayed.status().ToString(), ""});
    }
    absl::Duration report_took;
    absl::StatusOr<uint64_t> counted = ReportDays(ctid.Channel(Admin()), &report_took);
    rows.push_back(
        {"ComplianceReport, the month holding the load (AuditService.ComplianceReport)",
         counted.ok()
             ? absl::StrCat(absl::StrFormat("%.1f", absl::ToDoubleMilliseconds(report_took)),
                            " ms (", *counted, " calls counted)")
             : counted.status().ToString(),
         ""});
    absl::StatusOr<BaselineResult> baseline =
        RunRocksDbBaseline(ctid.work_dir() + "/baseline-rocksdb", *bytes, batch_size);
    if (baseline.ok()) {
      const double rate = static_cast<double>(baseline->records) / Seconds(baseline->elapsed);
      rows.push_back(
          {absl::StrCat("raw RocksDB WriteBatch baseline, same bytes (", batch_size, " per batch)"),
           absl::StrCat(Rate(rate), " events/s (",
                        absl::StrFormat("%.1f", static_cast<double>(baseline->bytes) / 1e6 /
                                                    Seconds(baseline->elapsed)),
                        " MB/s, ", baseline->bytes, " bytes)"),
           rebuild_rate > 0 ? absl::StrFormat("rebuild = %.0f%% of it", 100.0 * rebuild_rate / rate)
                            : ""});
    } else {
      rows.push_back({"raw RocksDB baseline", baseline.status().ToString(), ""});
    }
  } else {
    rows.push_back({"raw RocksDB baseline", bytes.status().ToString(), ""});
  }
  // 6. On Kafka: a new replica with an empty data directory catches up from the topic.
  if (kafka.on) AddCatchUpRows(load, kafka, ctid_options, client, &rows);
  absl::Status stopped = ctid.Stop(absl::Seconds(60));

  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  std::string md = absl::StrCat(
      "# cti_bench results\n\n", "Run ",
      absl::FormatTime("%Y-%m-%d %H:%M UTC", absl::Now(), absl::UTCTimeZone()), " on ", host, " (",
      std::thread::hardware_concurrency(), " cores; client and server share them). ctid on ",
      kafka.on ? absl::StrCat("the Kafka test broker (librdkafka's mock cluster, 3 brokers, a "
                              "topic of ",
                              kafka.partitions,
                              " partitions; the main load on one of them, as one municipality)")
               : "the embedded log",
      ", ", end, " records at the end. ctid stopped ",
      stopped.ok() ? "cleanly" : stopped.ToString(),
      ".\n\n| measure | result | target |\n| --- | --- | --- |\n");
  for (const Row& r : rows)
    absl::StrAppend(&md, "| ", r.measure, " | ", r.result, " | ", r.target, " |\n");
  std::printf("\n%s", md.c_str());
  if (!out.empty()) {
    std::ofstream file(out);
    file << md;
    if (!file) {
      std::fprintf(stderr, "cti_bench: cannot write %s\n", out.c_str());
      return 1;
    }
  }
  return 0;
}

}  // namespace
}  // namespace cti::bench

int main(int argc, char** argv) { return cti::bench::Main(argc, argv); }
