// fanout_bench: does feeding many reception dashboards slow ingest? (issue 5, item 2;
// the fan-out row of issue 8). Against a real ctid (started here on a temp data dir,
// 127.0.0.1:0), for each subscriber count N:
//   - paced ingest (one Append per call at each of --rates per second, open loop, for
//     --seconds):
//     ack latency and the rate achieved, alone and then while N Subscribe streams follow
//     the tenant; the N streams' delivery delay (arrival minus the record's recorded_at)
//     and whether every stream got every record once, in order;
//   - flat-out ingest (--flat-events Appends, 64 in flight): appends/s alone and with N.
// The ratios compare rows measured in the same run, one right after the other.
//
// The N streams run in a child process of this binary (one completion queue, one thread,
// as a dashboard gateway would), at `--nice` (10 by default): the dashboards of a real
// switchboard run on the receptionists' machines, not the server's. On this 2-core
// machine they would otherwise take CPU from ctid and the load generator, and the figure
// would measure the clients' cost, not the server's. --nice 0 measures that too. ctid's
// own CPU time per phase (from /proc) shows what the fan-out costs the server.
//
//   fanout_bench [--subscribers 200,500] [--rates 200,2000] [--seconds 5]
//                [--flat-events 20000] [--batch-records 100] [--max-delay-ms 20] [--nice 10]
//                [--out FILE]
//
// Prints the figures and, with --out, writes them as Markdown. Not a test: it asserts
// nothing, but says which targets were met.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "server/testing/fan_out_client.h"
#include "tests/bench/append_load.h"
#include "tests/support/child_process.h"
#include "tests/support/cti_client.h"
#include "tests/support/ctid_process.h"
#include "tests/support/danish_events.h"
#include "tests/support/grpc_clients.h"

namespace cti::bench {
namespace {

using test_support::Admin;
using test_support::CtidProcess;

constexpr char kUsage[] =
    "usage: fanout_bench [--subscribers 200,500] [--rates 200,2000] [--seconds 5]\n"
    "                    [--flat-events 20000] [--batch-records 100] [--max-delay-ms 50]\n"
    "                    [--nice 10] [--out FILE]\n"
    "  --subscribers N,M   subscriber counts to measure, one after the other (200,500)\n"
    "  --rates N,M         paced ingest: Appends per second, one phase each (200,2000)\n"
    "  --seconds N         paced ingest: how long (5)\n"
    "  --flat-events N     flat-out ingest: Appends, 64 in flight (20000)\n"
    "  --batch-records N   SubscribeRequest.batch_records of the streams (100; 1 = one record\n"
    "                      per message)\n"
    "  --max-delay-ms N    SubscribeRequest.max_delay_ms of the streams (20; 0 = none)\n"
    "  --nice N            niceness of the subscriber process (10; 0 = same as ctid)\n"
    "  --out FILE          also write the figures as Markdown to FILE\n";

struct Flags {
  std::vector<int> subscribers = {200, 500};
  std::vector<int> rates = {200, 2000};
  int seconds = 5;
  uint64_t flat_events = 20000;
  int batch_records = 100;
  int max_delay_ms = 20;
  int nice = 10;
  std::string out;
  // Subscriber-process mode (started by the bench itself).
  bool subscriber_process = false;
  std::string address;
  uint64_t after = 0;
  uint64_t last = 0;
  std::string ready_file;
  std::string result_file;
};

bool ParseFlags(int argc, char** argv, Flags* flags) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::printf("%s", kUsage);
      std::exit(0);
    }
    if (flag == "--subscriber-process") {
      flags->subscriber_process = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "fanout_bench: %s needs a value\n%s", flag.c_str(), kUsage);
      return false;
    }
    const std::string value = argv[++i];
    uint64_t n = 0;
    const bool numeric = absl::SimpleAtoi(value, &n);
    if (flag == "--out") {
      flags->out = value;
    } else if (flag == "--address") {
      flags->address = value;
    } else if (flag == "--ready-file") {
      flags->ready_file = value;
    } else if (flag == "--result-file") {
      flags->result_file = value;
    } else if (flag == "--subscribers" || flag == "--rates") {
      std::vector<int>& list = flag == "--rates" ? flags->rates : flags->subscribers;
      list.clear();
      for (absl::string_view part : absl::StrSplit(value, ',')) {
        int count = 0;
        if (!absl::SimpleAtoi(part, &count) || count <= 0) {
          std::fprintf(stderr, "fanout_bench: %s wants positive numbers, not '%s'\n", flag.c_str(),
                       value.c_str());
          return false;
        }
        list.push_back(count);
      }
    } else if (!numeric ||
               (n == 0 && flag != "--nice" && flag != "--after" && flag != "--max-delay-ms")) {
      std::fprintf(stderr, "fanout_bench: %s wants a positive number, not '%s'\n%s", flag.c_str(),
                   value.c_str(), kUsage);
      return false;
    } else if (flag == "--seconds") {
      flags->seconds = static_cast<int>(std::min<uint64_t>(n, 3600));
    } else if (flag == "--flat-events") {
      flags->flat_events = n;
    } else if (flag == "--batch-records") {
      flags->batch_records = static_cast<int>(std::min<uint64_t>(n, 1000));
    } else if (flag == "--max-delay-ms") {
      flags->max_delay_ms = static_cast<int>(std::min<uint64_t>(n, 1000));
    } else if (flag == "--nice") {
      flags->nice = static_cast<int>(std::min<uint64_t>(n, 19));
    } else if (flag == "--after") {
      flags->after = n;
    } else if (flag == "--last") {
      flags->last = n;
    } else {
      std::fprintf(stderr, "fanout_bench: unknown flag %s\n%s", flag.c_str(), kUsage);
      return false;
    }
  }
  return true;
}

std::string Ms(double us) { return absl::StrFormat("%.2f ms", us / 1000.0); }

// ---- The subscriber process --------------------------------------------------------

// Follows `subscribers` streams from flags.after through flags.last, writes the ready
// file once all are registered and the result file ("key value" lines) at the end.
int RunSubscriberProcess(const Flags& flags, int subscribers) {
  if (flags.nice > 0 && setpriority(PRIO_PROCESS, 0, flags.nice) != 0) {
    std::perror("fanout_bench: setpriority");
  }
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int c = 0; c < 4; ++c) {
    grpc::ChannelArguments args;
    args.SetInt("cti.bench.channel", c);  // Distinct channels, distinct connections.
    channels.push_back(test_support::IdentityChannel(flags.address, Admin(), &args));
  }
  cti::v1::SubscribeRequest request;
  request.set_tenant(test_support::kTenant);
  request.set_after_position(flags.after);
  request.set_batch_records(static_cast<uint32_t>(flags.batch_records));
  request.set_max_delay_ms(static_cast<uint32_t>(flags.max_delay_ms));
  const absl::Duration stream_deadline = absl::Seconds(flags.seconds + 120);
  // A stream cut off for falling behind resumes, as a dashboard would.
  cti::server::testing::FanOutClient client(
      channels, subscribers, request, flags.last,
      [&] { return test_support::Ctx(stream_deadline); }, /*resume=*/true);
  if (absl::Status started = client.Start(); !started.ok()) {
    std::fprintf(stderr, "fanout_bench: %s\n", started.ToString().c_str());
    return 1;
  }
  std::ofstream(flags.ready_file) << "ready\n";
  client.ReadAll();
  std::string problem;
  const int complete = client.Complete(flags.after, &problem);
  std::vector<double> delays = client.delays_us();
  const size_t received = delays.size();
  std::ofstream out(flags.result_file);
  out << "complete " << complete << "\n"
      << "received " << received << "\n"
      << "expected " << static_cast<uint64_t>(subscribers) * (flags.last - flags.after) << "\n"
      << "delay_p50_us " << Percentile(delays, 50) << "\n"
      << "delay_p99_us " << Percentile(delays, 99) << "\n"
      << "delay_max_us " << Percentile(delays, 100) << "\n"
      << "resumes " << client.resumes() << "\n"
      << "problem " << (problem.empty() ? "-" : problem) << "\n";
  return 0;
}

// ---- The bench -------------------------------------------------------------------------

// CPU seconds (user + system) process `pid` has used so far; 0 when unknown.
double CpuSeconds(pid_t pid) {
  std::ifstream stat(absl::StrCat("/proc/", pid, "/stat"));
  std::string line;
  std::getline(stat, line);
  const size_t close = line.rfind(')');
  if (close == std::string::npos) return 0;
  std::vector<std::string> fields = absl::StrSplit(line.substr(close + 2), ' ');
  // After "pid (comm) ": state is field 3, utime 14 and stime 15 (1-based in proc(5)).
  double utime = 0;
  double stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtod(fields[11], &utime) ||
      !absl::SimpleAtod(fields[12], &stime)) {
    return 0;
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// The subscriber process of one phase.
struct SubscriberRun {
  bool started = false;
  std::string error;
  absl::flat_hash_map<std::string, std::string> result;
  double Number(const std::string& key) const {
    double v = 0;
    auto it = result.find(key);
    return it != result.end() && absl::SimpleAtod(it->second, &v) ? v : 0;
  }
};

class SubscriberProcess {
 public:
  SubscriberProcess(const std::string& self, const Flags& flags, int subscribers, uint64_t after,
                    uint64_t last)
      : dir_(test_support::MakeTempDir("fanout-bench-")) {
    std::vector<std::string> args = {self,
                                     "--subscriber-process",
                                     "--subscribers",
                                     absl::StrCat(subscribers),
                                     "--address",
                                     flags.address,
                                     "--after",
                                     absl::StrCat(after),
                                     "--last",
                                     absl::StrCat(last),
                                     "--seconds",
                                     absl::StrCat(flags.seconds),
                                     "--batch-records",
                                     absl::StrCat(flags.batch_records),
                                     "--max-delay-ms",
                                     absl::StrCat(flags.max_delay_ms),
                                     "--nice",
                                     absl::StrCat(flags.nice),
                                     "--ready-file",
                                     dir_ + "/ready",
                                     "--result-file",
                                     dir_ + "/result"};
    absl::StatusOr<pid_t> pid =
        test_support::SpawnChild(args, dir_ + "/stdout", dir_ + "/stderr", true);
    if (!pid.ok()) {
      run_.error = pid.status().ToString();
      return;
    }
    pid_ = *pid;
  }
  ~SubscriberProcess() {
    test_support::KillChild(&pid_);
    std::system(absl::StrCat("rm -rf '", dir_, "'").c_str());
  }

  // Waits until every stream is registered; false (with run().error) when it did not.
  bool WaitReady(absl::Duration timeout) {
    const absl::Time end = absl::Now() + timeout;
    while (absl::Now() < end) {
      if (!test_support::ReadWholeFile(dir_ + "/ready").empty()) return run_.started = true;
      if (!test_support::ChildRunning(&pid_)) break;
      absl::SleepFor(absl::Milliseconds(10));
    }
    run_.error =
        absl::StrCat("subscribers did not start: ", test_support::FileTail(dir_ + "/stderr", 2000));
    return false;
  }

  // Waits for the process to end and reads its result.
  const SubscriberRun& Finish(absl::Duration timeout) {
    const absl::Time end = absl::Now() + timeout;
    while (test_support::ChildRunning(&pid_) && absl::Now() < end) {
      absl::SleepFor(absl::Milliseconds(20));
    }
    if (pid_ > 0) {
      test_support::KillChild(&pid_);
      run_.error = "subscribers did not finish in time (streams still open)";
    }
    std::istringstream lines(test_support::ReadWholeFile(dir_ + "/result"));
    std::string line;
    while (std::getline(lines, line)) {
      const size_t space = line.find(' ');
      if (space != std::string::npos) run_.result[line.substr(0, space)] = line.substr(space + 1);
    }
    if (run_.result.empty() && run_.error.empty()) {
      run_.error = absl::StrCat("no result: ", test_support::FileTail(dir_ + "/stderr", 2000));
    }
    return run_;
  }

 private:
  std::string dir_;
  pid_t pid_ = -1;
  SubscriberRun run_;
};

struct Row {
  std::string measure;
  std::string result;
  std::string target;
};

// One ingest phase: its load result and ctid's CPU time during it.
struct Phase {
  LoadResult load;
  double ctid_cpu_s = 0;
  double rate() const {
    return static_cast<double>(load.acked) / absl::ToDoubleSeconds(load.elapsed);
  }
};

// The 1-minute load average, as /proc/loadavg has it.
std::string LoadAverage() {
  std::string text = test_support::ReadWholeFile("/proc/loadavg");
  return text.substr(0, text.find(' '));
}

uint64_t EndPosition(const std::string& address) {
  test_support::CtiClient client(test_support::IdentityChannel(address, Admin()));
  absl::StatusOr<cti::v1::GetStatusResponse> status = client.Status();
  return status.ok() ? status->log_end_position() : 0;
}

std::string CpuPerEvent(const Phase& phase) {
  return absl::StrFormat(
      "%.1f us",
      phase.ctid_cpu_s * 1e6 / static_cast<double>(std::max<uint64_t>(1, phase.load.acked)));
}

int RunBench(const std::string& self, Flags flags) {
  absl::StatusOr<std::unique_ptr<CtidProcess>> started = CtidProcess::Start({});
  if (!started.ok()) {
    std::fprintf(stderr, "fanout_bench: ctid did not start: %s\n",
                 started.status().ToString().c_str());
    return 1;
  }
  CtidProcess& ctid = **started;
  flags.address = ctid.address();
  const std::string load_before = LoadAverage();
  std::vector<Row> rows;
  int phase_number = 0;
  // Runs `load` (alone, or with `subscribers` streams following what it appends).
  // `rate` 0: flat out.
  const auto run = [&](int subscribers, int rate, uint64_t events, SubscriberRun* subs) {
    LoadOptions options;
    options.address = flags.address;
    options.events = events;
    options.id_prefix = absl::StrCat("fan", ++phase_number, "-");
    const uint64_t after = EndPosition(flags.address);
    std::unique_ptr<SubscriberProcess> process;
    if (subscribers > 0) {
      process =
          std::make_unique<SubscriberProcess>(self, flags, subscribers, after, after + events);
      if (!process->WaitReady(absl::Seconds(60))) {
        *subs = process->Finish(absl::Seconds(1));
        return Phase{};
      }
    }
    Phase phase;
    const double cpu_before = CpuSeconds(ctid.pid());
    phase.load = rate > 0 ? RunPacedLoad(options, rate) : RunAppendLoad(options);
    phase.ctid_cpu_s = CpuSeconds(ctid.pid()) - cpu_before;
    if (process != nullptr) *subs = process->Finish(absl::Seconds(120));
    return phase;
  };

  for (const int n : flags.subscribers) {
    SubscriberRun none;
    for (const int rate : flags.rates) {
      SubscriberRun subs;
      const uint64_t paced_events = static_cast<uint64_t>(rate) * flags.seconds;
      Phase alone = run(0, rate, paced_events, &none);
      Phase watched = run(n, rate, paced_events, &subs);
      const std::string how = absl::StrFormat("paced, %d Appends/s for %d s", rate, flags.seconds);
      std::printf(
          "%d subscribers, %s: alone %.0f/s ack p50 %s p99 %s; with them %.0f/s ack p50 %s "
          "p99 %s\n",
          n, how.c_str(), alone.rate(), Ms(Percentile(alone.load.ack_us, 50)).c_str(),
          Ms(Percentile(alone.load.ack_us, 99)).c_str(), watched.rate(),
          Ms(Percentile(watched.load.ack_us, 50)).c_str(),
          Ms(Percentile(watched.load.ack_us, 99)).c_str());
      rows.push_back(
          {absl::StrCat("ack latency, ", how, ": alone / with ", n, " subscribers (p50; p99)"),
           absl::StrCat(Ms(Percentile(alone.load.ack_us, 50)), " / ",
                        Ms(Percentile(watched.load.ack_us, 50)), "; ",
                        Ms(Percentile(alone.load.ack_us, 99)), " / ",
                        Ms(Percentile(watched.load.ack_us, 99))),
           ""});
      rows.push_back(
          {absl::StrCat("appends/s achieved, ", how, ": alone / with ", n),
           absl::StrFormat("%.0f / %.0f (%llu and %llu acknowledged, %llu and %llu failed)",
                           alone.rate(), watched.rate(), alone.load.acked, watched.load.acked,
                           alone.load.failed, watched.load.failed),
           ""});
      rows.push_back({absl::StrCat("ctid CPU per appended event, ", how, ": alone / with ", n),
                      absl::StrCat(CpuPerEvent(alone), " / ", CpuPerEvent(watched)), ""});
      const double expected = subs.Number("expected");
      const double received = subs.Number("received");
      const bool none_lost = subs.error.empty() && subs.Number("complete") == n &&
                             received == expected && expected > 0;
      rows.push_back(
          {absl::StrCat(n, " subscribers, ", how, " (batch_records ", flags.batch_records,
                        ", max_delay_ms ", flags.max_delay_ms, ", nice ", flags.nice,
                        "): streams complete; records delivered; lost; resumed after falling "
                        "behind"),
           subs.error.empty()
               ? absl::StrFormat(
                     "%.0f of %d; %.0f of %.0f; %.0f; %.0f%s", subs.Number("complete"), n, received,
                     expected, std::max(0.0, expected - received), subs.Number("resumes"),
                     subs.result["problem"] == "-" ? "" : " (" + subs.result["problem"] + ")")
               : subs.error,
           none_lost ? "0 lost: met" : "0 lost: NOT met"});
      const double p99 = subs.Number("delay_p99_us");
      rows.push_back({absl::StrCat(n, " subscribers, ", how,
                                   ": delivery delay, recorded -> arrived (p50 / p99 / max)"),
                      absl::StrCat(Ms(subs.Number("delay_p50_us")), " / ", Ms(p99), " / ",
                                   Ms(subs.Number("delay_max_us"))),
                      p99 <= 50000 && none_lost ? "p99 <= 50 ms: met" : "p99 <= 50 ms: NOT met"});
      std::printf("  %d subscribers: %.0f of %.0f records delivered, delay p99 %s %s\n", n,
                  received, expected, Ms(p99).c_str(), subs.error.c_str());
    }

    SubscriberRun flat_subs;
    Phase flat_alone = run(0, 0, flags.flat_events, &none);
    Phase flat_watched = run(n, 0, flags.flat_events, &flat_subs);
    const double ratio = flat_watched.rate() / std::max(1.0, flat_alone.rate());
    std::printf("  flat out: alone %.0f/s, with %d subscribers %.0f/s (%.0f%%)\n",
                flat_alone.rate(), n, flat_watched.rate(), ratio * 100);
    rows.push_back(
        {absl::StrCat("flat-out appends/s (Append, 64 in flight): alone / with ", n,
                      " subscribers"),
         absl::StrFormat("%.0f / %.0f (%.0f%%); ctid CPU per event %s / %s; with: %.0f "
                         "of %.0f records delivered, %.0f resumes, delay p99 %s%s",
                         flat_alone.rate(), flat_watched.rate(), ratio * 100,
                         CpuPerEvent(flat_alone), CpuPerEvent(flat_watched),
                         flat_subs.Number("received"), flat_subs.Number("expected"),
                         flat_subs.Number("resumes"), Ms(flat_subs.Number("delay_p99_us")),
                         flat_subs.error.empty() ? "" : "; " + flat_subs.error),
         ""});
  }
  const absl::Status stopped = ctid.Stop();
  std::printf("ctid stopped: %s\n", stopped.ok() ? "cleanly" : stopped.ToString().c_str());
  if (!flags.out.empty()) {
    std::ofstream out(flags.out);
    out << "# fanout_bench results\n\nRun "
        << absl::FormatTime("%Y-%m-%d %H:%M UTC", absl::Now(), absl::UTCTimeZone()) << " on "
        << sysconf(_SC_NPROCESSORS_ONLN)
        << " cores (ctid, the load and the subscriber process share them; load average "
        << load_before << " before, " << LoadAverage() << " after).\n\n"
        << "| measure | result | target |\n| --- | --- | --- |\n";
    for (const Row& row : rows) {
      out << "| " << row.measure << " | " << row.result << " | " << row.target << " |\n";
    }
  }
  for (const Row& row : rows) {
    std::printf("%s: %s %s\n", row.measure.c_str(), row.result.c_str(), row.target.c_str());
  }
  return stopped.ok() ? 0 : 1;
}

}  // namespace
}  // namespace cti::bench

int main(int argc, char** argv) {
  cti::bench::Flags flags;
  if (!cti::bench::ParseFlags(argc, argv, &flags)) return 2;
  if (flags.subscriber_process) {
    if (flags.subscribers.size() != 1 || flags.address.empty() || flags.last <= flags.after ||
        flags.ready_file.empty() || flags.result_file.empty()) {
      std::fprintf(stderr, "fanout_bench: --subscriber-process is started by the bench itself\n");
      return 2;
    }
    return cti::bench::RunSubscriberProcess(flags, flags.subscribers.front());
  }
  return cti::bench::RunBench("/proc/self/exe", flags);
}
