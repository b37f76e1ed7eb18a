// route_bench: Route latency and throughput beside an empty RPC (AdminService.Ping) on the
// same ctid in the same run (issue 3, item 9), at 1 and 64 requests in flight.
//
//   route_bench [--duration SECONDS] [--rounds N] [--channels N] [--warmup SECONDS]
//               [--cost-seconds S] [--demo FILE | --generated] [--at RFC3339] [--pin]
//               [--out FILE]
//
// Starts ctid (tests/support CtidProcess: a temp data dir, 127.0.0.1:0), loads the demo
// municipality as deploy/run.sh does (or a generated one), takes Route targets of every
// kind from it (employees by id and extension, units, tasks, cases; each probed once and
// kept when it answers OK), then runs closed loops on gRPC's callback client API: N calls
// in flight, each completion starting the next, for a fixed time. Ping, Route and Route
// parsed alternate in rounds so that all see the same machine. Ping and Route come from a
// load generator that does not parse answers (route_loop.h), so that the client's work is
// not taken from the server's CPU on this machine where they share the cores; Route
// parsed is a typed client parsing every answer, shown beside it. Prints p50 / p99
// latency and QPS of each, the ratios against the targets (Route p50 <= 1.2x Ping, p99
// <= 1.5x, QPS >= 0.8x) and says met / NOT met; --out also writes them as Markdown.
// --pin puts ctid on CPU 0 and this client on CPU 1. Not a test: it asserts nothing.
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "cti/v1/admin_service.grpc.pb.h"
#include "cti/v1/route_service.grpc.pb.h"
#include "tests/bench/route_bench_org.h"
#include "tests/bench/route_cost.h"
#include "tests/bench/route_loop.h"
#include "tests/support/ctid_process.h"
#include "tests/support/danish_events.h"
#include "tests/support/grpc_clients.h"

#ifndef CTI_SOURCE_DIR
#define CTI_SOURCE_DIR "."
#endif

namespace cti::bench {
namespace {

using test_support::CtidProcess;

constexpr char kUsage[] =
    "usage: route_bench [--duration SECONDS] [--rounds N] [--channels N] [--warmup SECONDS]\n"
    "                   [--cost-seconds S] [--demo FILE | --generated] [--at RFC3339]\n"
    "                   [--pin] [--out FILE]\n"
    "  --duration SECONDS  measuring time per RPC and level, split into rounds (6)\n"
    "  --rounds N          Ping/Route/Route parsed alternations per level (3)\n"
    "  --channels N        gRPC channels (TCP connections) the calls are spread over (4)\n"
    "  --warmup SECONDS    unmeasured load of each RPC before the first level (1)\n"
    "  --cost-seconds S    in-process Router::Route timing after ctid stopped (3)\n"
    "  --demo FILE         the organisation to load (deploy/demo/demo.jsonl, and\n"
    "                      demo-director.jsonl beside it as the director)\n"
    "  --generated         load a generated organisation instead of the demo\n"
    "  --at RFC3339        the instant every Route is for (default: Monday 10:00\n"
    "                      Europe/Copenhagen in the loaded data's week)\n"
    "  --pin               ctid on CPU 0, this client on CPU 1 (needs 2 CPUs)\n"
    "  --out FILE          also write the figures as Markdown to FILE\n";

// Targets (Route / Ping): p50 and p99 at most, QPS at least.
constexpr double kP50Target = 1.2;
constexpr double kP99Target = 1.5;
constexpr double kQpsTarget = 0.8;

struct Flags {
  double duration_seconds = 6;
  int rounds = 3;
  int channels = 4;
  double warmup_seconds = 1;
  double cost_seconds = 3;
  std::string demo = std::string(CTI_SOURCE_DIR) + "/deploy/demo/demo.jsonl";
  bool generated = false;
  bool pin = false;
  std::string at;
  std::string out;
};

bool ParseFlags(int argc, char** argv, Flags* flags) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::printf("%s", kUsage);
      std::exit(0);
    }
    if (flag == "--generated") {
      flags->generated = true;
      continue;
    }
    if (flag == "--pin") {
      flags->pin = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "route_bench: %s needs a value\n%s", flag.c_str(), kUsage);
      return false;
    }
    const std::string value = argv[++i];
    double number = 0;
    const bool positive = absl::SimpleAtod(value, &number) && number > 0;
    if (flag == "--demo") {
      flags->demo = value;
    } else if (flag == "--at") {
      flags->at = value;
    } else if (flag == "--out") {
      flags->out = value;
    } else if (!positive) {
      std::fprintf(stderr, "route_bench: %s wants a positive number, not '%s'\n%s", flag.c_str(),
                   value.c_str(), kUsage);
      return false;
    } else if (flag == "--duration") {
      flags->duration_seconds = number;
    } else if (flag == "--rounds") {
      flags->rounds = static_cast<int>(number);
    } else if (flag == "--channels") {
      flags->channels = static_cast<int>(number);
    } else if (flag == "--warmup") {
      flags->warmup_seconds = number;
    } else if (flag == "--cost-seconds") {
      flags->cost_seconds = number;
    } else {
      std::fprintf(stderr, "route_bench: unknown flag %s\n%s", flag.c_str(), kUsage);
      return false;
    }
  }
  return flags->rounds >= 1 && flags->channels >= 1;
}

// Sets the CPU affinity of every thread of process `pid` to `cpu` (threads started later
// inherit it from the thread that starts them). False when the kernel refuses.
bool PinProcess(pid_t pid, int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  std::error_code error;
  bool all = true;
  for (const auto& task :
       std::filesystem::directory_iterator(absl::StrCat("/proc/", pid, "/task"), error)) {
    int tid = 0;
    if (!absl::SimpleAtoi(task.path().filename().string(), &tid)) continue;
    all = sched_setaffinity(tid, sizeof set, &set) == 0 && all;
  }
  return all && !error;
}

// CPU time (user + system) of process `pid` so far; zero when /proc cannot say.
absl::Duration ProcessCpu(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string line;
  std::getline(in, line);
  // Fields after the command name, which is in parentheses and may hold spaces.
  const size_t close = line.rfind(')');
  if (close == std::string::npos) return absl::ZeroDuration();
  std::vector<std::string> fields = absl::StrSplit(line.substr(close + 2), ' ');
  // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the name.
  long long user = 0, system = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &user) ||
      !absl::SimpleAtoi(fields[12], &system)) {
    return absl::ZeroDuration();
  }
  return absl::Seconds(static_cast<double>(user + system) /
                       static_cast<double>(sysconf(_SC_CLK_TCK)));
}

// This process's CPU time (user + system) so far.
absl::Duration OwnCpu() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return absl::DurationFromTimeval(usage.ru_utime) + absl::DurationFromTimeval(usage.ru_stime);
}

std::string Us(double us) { return absl::StrFormat("%.0f µs", us); }
std::string Ratio(double r) { return absl::StrFormat("%.2f×", r); }
std::string Verdict(bool met) { return met ? "met" : "NOT met"; }

absl::TimeZone Copenhagen() {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone("Europe/Copenhagen", &zone)) return absl::UTCTimeZone();
  return zone;
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return absl::StrCat(one, " ", five, " ", fifteen);
}

// Probes each target once; keeps those Route answers OK (the first error of each kind
// is reported). Answers the mixed request list: kinds taken in turn.
std::vector<cti::v1::RouteRequest> MixedRequests(
    cti::v1::RouteService::Stub& stub,
    const std::map<std::string, std::vector<cti::v1::RouteTarget>>& candidates, absl::Time at,
    uint64_t min_position, std::vector<std::string>* notes) {
  std::vector<std::vector<cti::v1::RouteRequest>> kinds;
  for (const auto& [kind, targets] : candidates) {
    std::vector<cti::v1::RouteRequest> kept;
    std::string first_error;
    for (const cti::v1::RouteTarget& target : targets) {
      cti::v1::RouteRequest request;
      request.set_tenant(kRouteBenchTenant);
      *request.mutable_target() = target;
      request.mutable_at()->set_seconds(absl::ToUnixSeconds(at));
      request.set_min_position(min_position);
      cti::v1::RouteResponse response;
      auto context = test_support::Ctx(absl::Seconds(10));
      const grpc::Status status = stub.Route(context.get(), request, &response);
      if (status.ok()) {
        request.set_min_position(0);
        kept.push_back(std::move(request));
      } else if (first_error.empty()) {
        first_error = absl::StrCat(target.ShortDebugString(), ": ", test_support::Describe(status));
      }
    }
    notes->push_back(
        absl::StrCat(kind, ": ", kept.size(), " of ", targets.size(), " targets",
                     first_error.empty() ? "" : " (first refusal: " + first_error + ")"));
    if (!kept.empty()) kinds.push_back(std::move(kept));
  }
  std::vector<cti::v1::RouteRequest> mixed;
  size_t longest = 0;
  for (const auto& k : kinds) longest = std::max(longest, k.size());
  for (size_t i = 0; i < longest; ++i) {
    for (const auto& k : kinds) mixed.push_back(k[i % k.size()]);
  }
  return mixed;
}

// "64 in flight  Route p50 270 µs  p99 600 µs  3229 QPS  (19377 calls, 0 failed, 1080 B)".
std::string Summary(const char* name, int in_flight, LoopResult& result) {
  std::string out = absl::StrFormat(
      "%2d in flight  %s p50 %s  p99 %s  %8.0f QPS  (%d calls, %d failed", in_flight, name,
      Us(result.Percentile(50)), Us(result.Percentile(99)), result.Qps(), result.ok, result.failed);
  if (result.response_bytes > 0 && result.sized > 0) {
    absl::StrAppend(&out, absl::StrFormat(", %.0f answer bytes on average",
                                          static_cast<double>(result.response_bytes) /
                                              static_cast<double>(result.sized)));
  }
  absl::StrAppend(&out, absl::StrFormat("; CPU per call: ctid %.1f µs, client %.1f µs",
                                        result.ServerCpuUs(), result.ClientCpuUs()));
  if (!result.first_error.empty()) absl::StrAppend(&out, "; first error: ", result.first_error);
  return out + ")";
}

struct Level {
  int in_flight = 0;
  LoopResult ping;
  LoopResult route;
  LoopResult route_parsed;

  LoopResult& Of(LoopRpc rpc) {
    return rpc == LoopRpc::kPing ? ping : rpc == LoopRpc::kRoute ? route : route_parsed;
  }
};

int Main(int argc, char** argv) {
  // As ctid does (server/main.cc): Debian's Abseil keeps Mutex deadlock detection on,
  // which records a graph edge on every lock gRPC takes. A client in production would not
  // pay for it, and it would be charged to both RPCs here.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  Flags flags;
  if (!ParseFlags(argc, argv, &flags)) return 2;

  OrgEvents org;
  if (!flags.generated) {
    absl::StatusOr<OrgEvents> demo = ReadDemo(flags.demo);
    if (demo.ok()) {
      org = *std::move(demo);
    } else if (demo.status().code() == absl::StatusCode::kNotFound) {
      std::printf("route_bench: %s; using a generated organisation\n",
                  std::string(demo.status().message()).c_str());
      flags.generated = true;
    } else {
      std::fprintf(stderr, "route_bench: %s\n", demo.status().ToString().c_str());
      return 1;
    }
  }
  if (flags.generated) org = GenerateOrganisation();
  // Paths in the source tree are shown relative to it.
  for (size_t at = org.source.find(CTI_SOURCE_DIR "/"); at != std::string::npos;
       at = org.source.find(CTI_SOURCE_DIR "/")) {
    org.source.erase(at, sizeof(CTI_SOURCE_DIR));
  }

  absl::Time at = flags.generated ? test_support::BaseTime() + absl::Hours(2)
                                  : absl::FromUnixSeconds(1796029200);  // 2026-11-30 10:00 CET
  if (!flags.at.empty()) {
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, flags.at, &at, &error)) {
      std::fprintf(stderr, "route_bench: --at: %s\n", error.c_str());
      return 2;
    }
  }

  const std::string load_before = LoadAverage();
  std::printf("route_bench: starting %s\n", test_support::CtidBinary().c_str());
  absl::StatusOr<std::unique_ptr<CtidProcess>> started = CtidProcess::Start({});
  if (!started.ok()) {
    std::fprintf(stderr, "route_bench: %s\n", started.status().ToString().c_str());
    return 1;
  }
  CtidProcess& ctid = **started;
  std::printf("route_bench: loading %s (%zu events)...\n", org.source.c_str(),
              org.system_events.size() + org.director_events.size());
  absl::StatusOr<uint64_t> last = AppendOrganisation(ctid.address(), org);
  if (!last.ok()) {
    std::fprintf(stderr, "route_bench: %s\n", last.status().ToString().c_str());
    return 1;
  }

  auto probe = cti::v1::RouteService::NewStub(ctid.Channel(test_support::Reception()));
  std::vector<std::string> notes;
  const std::vector<cti::v1::RouteRequest> requests =
      MixedRequests(*probe, TargetsOf(org), at, *last, &notes);
  for (const std::string& note : notes) std::printf("route_bench: targets %s\n", note.c_str());
  if (requests.empty()) {
    std::fprintf(stderr, "route_bench: no target answers OK; nothing to measure\n");
    return 1;
  }

  // Pinned: ctid's threads on CPU 0, this process's (gRPC's client threads included) on 1;
  // re-applied before every run for threads started since.
  const auto pin = [&] {
    if (!flags.pin) return;
    if (!PinProcess(ctid.pid(), 0) || !PinProcess(getpid(), 1)) {
      std::fprintf(stderr, "route_bench: --pin: cannot set CPU affinity\n");
    }
  };
  if (flags.pin && sysconf(_SC_NPROCESSORS_ONLN) < 2) {
    std::fprintf(stderr, "route_bench: --pin needs 2 CPUs\n");
    return 2;
  }
  pin();
  LoopClient client(ctid.address(), flags.channels);
  pin();
  std::printf("route_bench: warm-up %.1f s per RPC...\n", flags.warmup_seconds);
  const absl::Duration warmup = absl::Seconds(flags.warmup_seconds);
  client.Run(LoopRpc::kPing, 64, warmup, requests);
  client.Run(LoopRpc::kRoute, 64, warmup, requests);
  client.Run(LoopRpc::kRouteParsed, 64, warmup, requests);

  std::vector<Level> levels;
  const absl::Duration slice = absl::Seconds(flags.duration_seconds / flags.rounds);
  for (const int in_flight : {1, 64}) {
    Level level;
    level.in_flight = in_flight;
    for (int round = 0; round < flags.rounds; ++round) {
      for (const LoopRpc rpc : {LoopRpc::kPing, LoopRpc::kRoute, LoopRpc::kRouteParsed}) {
        pin();
        const absl::Duration server_before = ProcessCpu(ctid.pid());
        const absl::Duration client_before = OwnCpu();
        LoopResult run = client.Run(rpc, in_flight, slice, requests);
        run.server_cpu = ProcessCpu(ctid.pid()) - server_before;
        run.client_cpu = OwnCpu() - client_before;
        level.Of(rpc).Add(run);
      }
    }
    std::printf("route_bench: %s\n", Summary("Ping ", in_flight, level.ping).c_str());
    std::printf("route_bench: %s\n", Summary("Route", in_flight, level.route).c_str());
    std::printf("route_bench: %s\n",
                Summary("Route, parsed", in_flight, level.route_parsed).c_str());
    levels.push_back(std::move(level));
  }
  const absl::Status stopped = ctid.Stop();

  // The routing work alone, in this process on the store ctid left behind.
  std::string cost_line;
  absl::StatusOr<RouteCost> cost =
      MeasureRouteCost(ctid.data_dir(), requests, absl::Seconds(flags.cost_seconds));
  if (cost.ok()) {
    std::vector<std::string> kinds;
    for (const auto& [kind, us] : cost->mean_us) {
      kinds.push_back(absl::StrFormat("%s %.1f µs / %.0f B", kind, us, cost->mean_bytes[kind]));
    }
    cost_line = absl::StrFormat(
        "In process, one thread, no gRPC: Router::RouteWire (what ctid's Route handler calls: "
        "kept answers' bytes shared) %.2f µs per call over the mix; Router::Route (the answer "
        "copied into a message) %.1f µs and %.0f answer bytes per call over the mix, %.0f%% "
        "kept answers (%s; %llu calls); %.0f µs per call without any cache. Asked for now (no "
        "at: busy counts): %.1f µs, %.0f%% kept; %.0f µs without any cache",
        cost->wire_us, cost->overall_us, cost->overall_bytes, 100 * cost->kept_share,
        absl::StrJoin(kinds, ", "), static_cast<unsigned long long>(cost->calls), cost->uncached_us,
        cost->live_us, 100 * cost->live_kept_share, cost->live_uncached_us);
  } else {
    cost_line =
        absl::StrCat("Router::Route in process: not measured (", cost.status().ToString(), ")");
  }
  std::printf("route_bench: %s\n", cost_line.c_str());

  // The verdicts.
  std::vector<std::vector<std::string>> latency_rows;
  std::vector<std::vector<std::string>> ratio_rows;
  bool all_met = true;
  for (Level& level : levels) {
    for (const auto& [name, result] :
         {std::pair<const char*, LoopResult*>{"Ping", &level.ping},
          std::pair<const char*, LoopResult*>{"Route", &level.route},
          std::pair<const char*, LoopResult*>{"Route, parsed", &level.route_parsed}}) {
      latency_rows.push_back({absl::StrCat(level.in_flight), name, Us(result->Percentile(50)),
                              Us(result->Percentile(99)), absl::StrFormat("%.0f", result->Qps()),
                              absl::StrFormat("%.1f µs", result->ServerCpuUs()),
                              absl::StrFormat("%.1f µs", result->ClientCpuUs()),
                              absl::StrCat(result->ok, " (", result->failed, " failed)")});
    }
    // The targets are Route's (the load generator's rows); the parsing client's ratios are
    // shown beside them.
    for (const auto& [name, result] :
         {std::pair<const char*, LoopResult*>{"Route", &level.route},
          std::pair<const char*, LoopResult*>{"Route, parsed", &level.route_parsed}}) {
      const double p50 = result->Percentile(50) / level.ping.Percentile(50);
      const double p99 = result->Percentile(99) / level.ping.Percentile(99);
      const double qps = result->Qps() / level.ping.Qps();
      const bool met50 = p50 <= kP50Target, met99 = p99 <= kP99Target, metq = qps >= kQpsTarget;
      const bool judged = result == &level.route;
      if (judged) all_met = all_met && met50 && met99 && metq && result->failed == 0;
      ratio_rows.push_back({absl::StrCat(level.in_flight),
                            judged ? "Route" : "Route, parsed (shown)",
                            absl::StrCat(Ratio(p50), " (≤ 1.2×: ", Verdict(met50), ")"),
                            absl::StrCat(Ratio(p99), " (≤ 1.5×: ", Verdict(met99), ")"),
                            absl::StrCat(Ratio(qps), " (≥ 0.8×: ", Verdict(metq), ")")});
      std::printf("route_bench: %2d in flight  %s / Ping  p50 %s  p99 %s  QPS %s\n",
                  level.in_flight, name, ratio_rows.back()[2].c_str(), ratio_rows.back()[3].c_str(),
                  ratio_rows.back()[4].c_str());
    }
  }
  std::printf("route_bench: targets %s; ctid %s\n", all_met ? "met" : "NOT all met",
              stopped.ok() ? "stopped cleanly" : stopped.ToString().c_str());

  if (!flags.out.empty()) {
    char host[256] = "?";
    gethostname(host, sizeof host - 1);
    std::string md = absl::StrCat(
        "<!-- Written by `build/bin/route_bench --out ", flags.out, "`. -->\n",
        "# route_bench results\n\n", "Run ",
        absl::FormatTime("%Y-%m-%d %H:%M UTC", absl::Now(), absl::UTCTimeZone()), " on ", host,
        " (", sysconf(_SC_NPROCESSORS_ONLN),
        flags.pin ? " cores; ctid pinned to CPU 0, the client to CPU 1"
                  : " cores; client and server share them",
        "; load average before the run ", load_before, "). ctid on the embedded log with ",
        org.source, " (last position ", *last, "). ", "Every Route is for ",
        absl::FormatTime("%Y-%m-%d %H:%M %Z", at, Copenhagen()),
        ", targets taken in turn from: ", absl::StrJoin(notes, "; "), ". ",
        "Each level: ", flags.rounds, " rounds of ",
        absl::StrFormat("%.1f", absl::ToDoubleSeconds(slice)),
        " s of Ping, Route and Route parsed, closed loops on the gRPC callback client API over ",
        flags.channels, " channels, after a ", absl::StrFormat("%.1f", flags.warmup_seconds),
        " s warm-up. Ping and Route are sent by a load generator (requests serialized once, "
        "answers received as bytes, one Route answer in 16 parsed and checked for steps); "
        "Route parsed by a typed client that serializes every request and parses every "
        "answer, on the same 2 cores. The targets are judged on Route. ",
        stopped.ok() ? "ctid stopped cleanly." : "ctid did not stop cleanly.",
        "\n\n| in flight | RPC | p50 | p99 | QPS | ctid CPU / call | client CPU / call | calls |\n"
        "| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (const auto& row : latency_rows) md += "| " + absl::StrJoin(row, " | ") + " |\n";
    md +=
        "\n| in flight | RPC | / Ping p50 | / Ping p99 | / Ping QPS |\n"
        "| --- | --- | --- | --- | --- |\n";
    for (const auto& row : ratio_rows) md += "| " + absl::StrJoin(row, " | ") + " |\n";
    md += absl::StrCat("\n", cost_line, ".\n");
    std::ofstream file(flags.out);
    file << md;
    if (!file) {
      std::fprintf(stderr, "route_bench: cannot write %s\n", flags.out.c_str());
      return 1;
    }
    std::printf("route_bench: wrote %s\n", flags.out.c_str());
  }
  return 0;
}

}  // namespace
}  // namespace cti::bench

int main(int argc, char** argv) { return cti::bench::Main(argc, argv); }
