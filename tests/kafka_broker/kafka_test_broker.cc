// kafka_test_broker: hosts librdkafka's mock Kafka cluster on 127.0.0.1 for the tests and
// .ci/run (no real Kafka can be installed on the project's machines). See README.md.
//
// Start-up: creates a cluster of --brokers brokers (ids 1..N, each on its own loopback
// port), creates every --topic, then waits until a separate librdkafka client is served
// the metadata of every topic (all partitions led, the asked replication) and of all N
// brokers. Only then does it write the bootstrap servers ("127.0.0.1:P1,127.0.0.1:P2,..."
// and a newline) to --bootstrap-file atomically (temp file + rename) and print the same
// line on stdout. The file is removed again on a clean exit.
//
// Signals (taken by one thread with sigwait; every other thread has them blocked):
//   SIGTERM, SIGINT  destroy the cluster and exit 0 (also during start-up).
//   SIGUSR1          outage: every broker closes its connections and refuses new ones;
//                    the data is kept. Logs "kafka_test_broker: outage #K: ...".
//   SIGUSR2          recovery: every broker accepts connections again. Logs
//                    "kafka_test_broker: recovery #K: ...".
// K counts the signals of that kind from 1; a line is written once the transition is
// done, so a caller that waits for it knows the brokers are down (up). Signals that
// arrive during start-up are applied, in order, once the cluster is ready.
//
// Exit codes: 0 after SIGTERM/SIGINT or --help; 1 when the cluster cannot start or does
// not serve the topics in time; 2 for invalid flags (the message names the flag).
//
// Limitations are the mock's: about 5 MiB retained per partition, no offsetsForTimes,
// no Admin CreateTopics (unknown topics are auto-created with 4 partitions), and every
// partition has min(3, brokers) replicas (librdkafka 2.0.2 ignores a topic's own
// replication factor; --topic accepts only that value).
#include <fcntl.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kMaxBrokers = 32;
constexpr int kMaxPartitions = 1024;
constexpr int kDefaultPartitions = 4;
// Longest wait for the cluster to serve the topics' metadata.
constexpr absl::Duration kReadyTimeout = absl::Seconds(20);

struct TopicSpec {
  std::string name;
  int partitions = kDefaultPartitions;
  int replication = 0;
};

struct Flags {
  int brokers = 3;
  std::vector<std::string> topic_texts;
  std::string bootstrap_file;
  std::vector<TopicSpec> topics;  // Parsed from topic_texts.
};

bool IsLegalTopicName(const std::string& name) {
  if (name.empty() || name.size() > 249 || name == "." || name == "..") return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

// Parses NAME[:PARTITIONS[:REPLICATION]]; the error message names --topic.
absl::StatusOr<TopicSpec> ParseTopic(const std::string& text, int brokers) {
  const std::vector<std::string> parts = absl::StrSplit(text, ':');
  if (parts.size() > 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("--topic: '", text, "' is not NAME[:PARTITIONS[:REPLICATION]]"));
  }
  TopicSpec spec;
  spec.name = parts[0];
  spec.replication = std::min(3, brokers);
  if (!IsLegalTopicName(spec.name)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--topic: '", spec.name,
                     "' is not a Kafka topic name (1-249 of [a-zA-Z0-9._-], not . or ..)"));
  }
  if (parts.size() >= 2 && (!absl::SimpleAtoi(parts[1], &spec.partitions) || spec.partitions < 1 ||
                            spec.partitions > kMaxPartitions)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--topic: partitions of '", text, "' must be 1..", kMaxPartitions));
  }
  // librdkafka 2.0.2's mock cluster gives every partition min(3, brokers) replicas
  // whatever rd_kafka_mock_topic_create is asked for, so that is the only value served.
  if (parts.size() == 3 && (!absl::SimpleAtoi(parts[2], &spec.replication) ||
                            spec.replication != std::min(3, brokers))) {
    return absl::InvalidArgumentError(
        absl::StrCat("--topic: replication of '", text, "' must be ", std::min(3, brokers),
                     " = min(3, --brokers): librdkafka ", rd_kafka_version_str(),
                     "'s mock cluster gives every partition that many replicas"));
  }
  return spec;
}

// Parses the flags; returns -1 to go on, or the exit code.
int ParseFlags(int argc, char** argv, Flags* flags) {
  CLI::App app{"kafka_test_broker: librdkafka's mock Kafka cluster on 127.0.0.1 for tests",
               "kafka_test_broker"};
  app.add_option("--brokers", flags->brokers, "Number of brokers (ids 1..N)")
      ->check(CLI::Range(1, kMaxBrokers))
      ->capture_default_str();
  app.add_option("--topic", flags->topic_texts,
                 "Topic to create: NAME[:PARTITIONS[:REPLICATION]]; partitions default to 4; "
                 "replication is min(3, brokers), the only value the mock serves. Repeatable");
  app.add_option("--bootstrap-file", flags->bootstrap_file,
                 "Once serving, write the bootstrap servers (and a newline) to FILE atomically");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }
  std::set<std::string> names;
  for (const std::string& text : flags->topic_texts) {
    absl::StatusOr<TopicSpec> spec = ParseTopic(text, flags->brokers);
    if (!spec.ok()) {
      std::fprintf(stderr, "%s\n", std::string(spec.status().message()).c_str());
      return kExitUsage;
    }
    if (!names.insert(spec->name).second) {
      std::fprintf(stderr, "--topic: '%s' is given twice\n", spec->name.c_str());
      return kExitUsage;
    }
    flags->topics.push_back(*spec);
  }
  if (app.count("--bootstrap-file") > 0) {
    if (flags->bootstrap_file.empty()) {
      std::fprintf(stderr, "--bootstrap-file: must not be empty\n");
      return kExitUsage;
    }
    std::string dir = std::filesystem::path(flags->bootstrap_file).parent_path().string();
    if (dir.empty()) dir = ".";
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
      std::fprintf(stderr, "--bootstrap-file: directory '%s' does not exist\n", dir.c_str());
      return kExitUsage;
    }
  }
  return -1;
}

// Signals taken by the signal thread, handed to the main thread in arrival order.
class SignalQueue {
 public:
  void Push(int signal) {
    absl::MutexLock lock(&mu_);
    pending_.push_back(signal);
    if (signal == SIGTERM || signal == SIGINT) stop_ = true;
  }
  // Blocks until a signal is pending and takes it.
  int Pop() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](std::deque<int>* pending) { return !pending->empty(); }, &pending_));
    const int signal = pending_.front();
    pending_.pop_front();
    return signal;
  }
  bool stop_requested() {
    absl::MutexLock lock(&mu_);
    return stop_;
  }

 private:
  absl::Mutex mu_;
  std::deque<int> pending_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
};

// A librdkafka handle of `type` with `settings`, or an error naming librdkafka's reason.
absl::StatusOr<rd_kafka_t*> NewClient(
    rd_kafka_type_t type, const std::vector<std::pair<std::string, std::string>>& settings) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (const auto& [name, value] : settings) {
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), errstr, sizeof(errstr)) !=
        RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return absl::InternalError(absl::StrCat("librdkafka config ", name, ": ", errstr));
    }
  }
  rd_kafka_t* rk = rd_kafka_new(type, conf, errstr, sizeof(errstr));
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return absl::InternalError(absl::StrCat("rd_kafka_new: ", errstr));
  }
  return rk;
}

// What is wrong with the served metadata of `spec`, or "" when it is as created.
std::string CheckTopicMetadata(const rd_kafka_metadata_t& md, const TopicSpec& spec) {
  if (md.topic_cnt != 1) return absl::StrCat(spec.name, ": ", md.topic_cnt, " topics answered");
  const rd_kafka_metadata_topic_t& topic = md.topics[0];
  if (topic.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::StrCat(spec.name, ": ", rd_kafka_err2str(topic.err));
  }
  if (topic.partition_cnt != spec.partitions) {
    return absl::StrCat(spec.name, ": ", topic.partition_cnt, " partitions served, ",
                        spec.partitions, " created");
  }
  for (int i = 0; i < topic.partition_cnt; ++i) {
    const rd_kafka_metadata_partition_t& p = topic.partitions[i];
    if (p.err != RD_KAFKA_RESP_ERR_NO_ERROR || p.leader < 1 || p.replica_cnt != spec.replication) {
      return absl::StrCat(spec.name, " partition ", p.id, ": leader ", p.leader, ", ",
                          p.replica_cnt, " replicas, ", rd_kafka_err2str(p.err));
    }
  }
  return "";
}

// Waits until a fresh client at `bootstraps` is served all `brokers` and every topic as
// created. CANCELLED when a stop signal comes first; DEADLINE_EXCEEDED with the last
// problem seen when `deadline` passes.
absl::Status WaitUntilServed(const std::string& bootstraps, int brokers,
                             const std::vector<TopicSpec>& topics, absl::Time deadline,
                             SignalQueue& signals) {
  absl::StatusOr<rd_kafka_t*> probe =
      NewClient(RD_KAFKA_PRODUCER, {{"bootstrap.servers", bootstraps},
                                    {"client.id", "kafka_test_broker-probe"},
                                    {"log.connection.close", "false"}});
  if (!probe.ok()) return probe.status();
  std::vector<rd_kafka_topic_t*> handles;
  for (const TopicSpec& spec : topics) {
    handles.push_back(rd_kafka_topic_new(*probe, spec.name.c_str(), nullptr));
  }
  std::string problem = "no metadata answer yet";
  absl::Status result;
  while (true) {
    if (signals.stop_requested()) {
      result = absl::CancelledError("stopped during start-up");
      break;
    }
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_resp_err_t err = rd_kafka_metadata(*probe, 0, nullptr, &md, 1000);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      problem = md->broker_cnt == brokers
                    ? ""
                    : absl::StrCat(md->broker_cnt, " of ", brokers, " brokers served");
      rd_kafka_metadata_destroy(md);
    } else {
      problem = absl::StrCat("metadata: ", rd_kafka_err2str(err));
    }
    for (size_t i = 0; problem.empty() && i < topics.size(); ++i) {
      err = rd_kafka_metadata(*probe, 0, handles[i], &md, 1000);
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        problem = absl::StrCat(topics[i].name, ": metadata: ", rd_kafka_err2str(err));
        continue;
      }
      problem = CheckTopicMetadata(*md, topics[i]);
      rd_kafka_metadata_destroy(md);
    }
    if (problem.empty()) break;
    if (absl::Now() > deadline) {
      result = absl::DeadlineExceededError(
          absl::StrCat("not serving after ", absl::FormatDuration(kReadyTimeout), ": ", problem));
      break;
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  for (rd_kafka_topic_t* handle : handles) rd_kafka_topic_destroy(handle);
  rd_kafka_destroy(*probe);
  return result;
}

absl::Status WriteFileAtomically(const std::string& path, const std::string& contents) {
  const std::string temp = absl::StrCat(path, ".tmp.", getpid());
  const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return absl::InternalError(absl::StrCat("create ", temp, ": ", strerror(errno)));
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      close(fd);
      unlink(temp.c_str());
      return absl::InternalError(absl::StrCat("write ", temp, ": ", strerror(error)));
    }
    written += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0 || close(fd) != 0 || rename(temp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    unlink(temp.c_str());
    return absl::InternalError(absl::StrCat("write ", path, ": ", strerror(error)));
  }
  return absl::OkStatus();
}

// Takes every broker down (outage) or up (recovery) and logs the transition.
void SetAllBrokers(rd_kafka_mock_cluster_t* cluster, int brokers, bool up, int count) {
  std::string failures;
  for (int id = 1; id <= brokers; ++id) {
    const rd_kafka_resp_err_t err =
        up ? rd_kafka_mock_broker_set_up(cluster, id) : rd_kafka_mock_broker_set_down(cluster, id);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      absl::StrAppend(&failures, " broker ", id, ": ", rd_kafka_err2str(err), ";");
    }
  }
  const char* what = up ? "recovery" : "outage";
  if (!failures.empty()) {
    std::fprintf(stderr, "kafka_test_broker: %s #%d failed:%s\n", what, count, failures.c_str());
  } else if (up) {
    std::fprintf(stderr, "kafka_test_broker: recovery #%d: brokers 1-%d up\n", count, brokers);
  } else {
    std::fprintf(stderr, "kafka_test_broker: outage #%d: brokers 1-%d down (data kept)\n", count,
                 brokers);
  }
}

// Creates the cluster and topics, announces it once served, then obeys signals until
// SIGTERM/SIGINT. Returns the exit code.
int Serve(const Flags& flags, SignalQueue& signals) {
  // The cluster's host client logs warnings and errors only: it has no bootstrap.servers
  // of its own, which librdkafka reports as a notice.
  absl::StatusOr<rd_kafka_t*> host =
      NewClient(RD_KAFKA_PRODUCER, {{"client.id", "kafka_test_broker"}, {"log_level", "4"}});
  if (!host.ok()) {
    std::fprintf(stderr, "kafka_test_broker: %s\n", std::string(host.status().message()).c_str());
    return kExitFailure;
  }
  int exit_code = 0;
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(*host, flags.brokers);
  if (cluster == nullptr) {
    std::fprintf(stderr, "kafka_test_broker: rd_kafka_mock_cluster_new failed\n");
    rd_kafka_destroy(*host);
    return kExitFailure;
  }
  for (const TopicSpec& spec : flags.topics) {
    const rd_kafka_resp_err_t err =
        rd_kafka_mock_topic_create(cluster, spec.name.c_str(), spec.partitions, spec.replication);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::fprintf(stderr, "kafka_test_broker: create topic %s: %s\n", spec.name.c_str(),
                   rd_kafka_err2str(err));
      exit_code = kExitFailure;
      break;
    }
  }
  const std::string bootstraps = rd_kafka_mock_cluster_bootstraps(cluster);
  absl::Status served = exit_code != 0 ? absl::OkStatus()
                                       : WaitUntilServed(bootstraps, flags.brokers, flags.topics,
                                                         absl::Now() + kReadyTimeout, signals);
  if (absl::IsCancelled(served)) {
    std::fprintf(stderr, "kafka_test_broker: stop signal during start-up, shutting down\n");
  } else if (!served.ok()) {
    std::fprintf(stderr, "kafka_test_broker: %s\n", std::string(served.message()).c_str());
    exit_code = kExitFailure;
  }
  bool ready = exit_code == 0 && served.ok();
  if (ready && !flags.bootstrap_file.empty()) {
    if (absl::Status s = WriteFileAtomically(flags.bootstrap_file, bootstraps + "\n"); !s.ok()) {
      std::fprintf(stderr, "kafka_test_broker: --bootstrap-file: %s\n",
                   std::string(s.message()).c_str());
      exit_code = kExitFailure;
      ready = false;
    }
  }
  if (ready) {
    std::printf("%s\n", bootstraps.c_str());
    std::fflush(stdout);
    std::string names;
    for (const TopicSpec& spec : flags.topics) {
      absl::StrAppend(&names, " ", spec.name, ":", spec.partitions, ":", spec.replication);
    }
    std::fprintf(stderr, "kafka_test_broker: serving %d brokers at %s; topics:%s\n", flags.brokers,
                 bootstraps.c_str(), names.empty() ? " (none)" : names.c_str());
    int outages = 0;
    int recoveries = 0;
    while (true) {
      const int signal = signals.Pop();
      if (signal == SIGUSR1) {
        SetAllBrokers(cluster, flags.brokers, /*up=*/false, ++outages);
      } else if (signal == SIGUSR2) {
        SetAllBrokers(cluster, flags.brokers, /*up=*/true, ++recoveries);
      } else {
        std::fprintf(stderr, "kafka_test_broker: %s, shutting down\n",
                     signal == SIGTERM ? "SIGTERM" : "SIGINT");
        break;
      }
    }
    if (!flags.bootstrap_file.empty()) unlink(flags.bootstrap_file.c_str());
  }
  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(*host);
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  if (const int code = ParseFlags(argc, argv, &flags); code >= 0) return code;

  // The signals are blocked before any thread starts (librdkafka's threads inherit the
  // mask); only the signal thread takes them, with sigwait.
  sigset_t handled;
  sigemptyset(&handled);
  for (int signal : {SIGTERM, SIGINT, SIGUSR1, SIGUSR2}) sigaddset(&handled, signal);
  pthread_sigmask(SIG_BLOCK, &handled, nullptr);
  SignalQueue signals;
  std::atomic<bool> signal_thread_done{false};
  std::thread signal_thread([&handled, &signals, &signal_thread_done] {
    while (true) {
      int received = 0;
      if (sigwait(&handled, &received) != 0) continue;
      signals.Push(received);
      if (received == SIGTERM || received == SIGINT) break;
    }
    signal_thread_done = true;
  });

  const int exit_code = Serve(flags, signals);
  if (!signal_thread_done) {
    // Start-up failed without a stop signal: wake the signal thread so it ends.
    pthread_kill(signal_thread.native_handle(), SIGTERM);
  }
  signal_thread.join();
  return exit_code;
}
