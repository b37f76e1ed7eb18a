// KafkaBrokerProcess: runs the project's `kafka_test_broker` (librdkafka's mock Kafka
// cluster on 127.0.0.1, tests/kafka_broker/) as a child process for tests.
//
// Example:
//   KafkaBrokerOptions options;                        // 3 brokers
//   options.topics.push_back({.name = "cti.events", .partitions = 4, .replication = 0});
//   auto kafka = KafkaBrokerProcess::Start(options);
//   ASSERT_TRUE(kafka.ok()) << kafka.status();
//   conf->set("bootstrap.servers", (*kafka)->bootstrap_servers(), errstr);
//   ...
//   ASSERT_TRUE((*kafka)->Outage().ok());   // every broker down, data kept
//   ASSERT_TRUE((*kafka)->Recover().ok());  // every broker up again
//   ASSERT_TRUE((*kafka)->Stop().ok());     // SIGTERM, expects exit code 0
//
// Operation: Start forks and execs kafka_test_broker with `--brokers N --topic
// NAME:PARTITIONS[:REPLICATION]... --bootstrap-file FILE` and waits (bounded by
// start_timeout) for the bootstrap file, which the broker writes atomically only once a
// client of its own is served every topic's metadata. A failure to start is an error
// whose message carries the tail of the broker's stderr; its stdout and stderr go to
// files in the work directory (stderr_path()). Outage/Recover send SIGUSR1/SIGUSR2 and
// return once the broker has logged that the transition is done.
//
// The binary is the `kafka_test_broker` target of this build (CMake puts its path in
// KAFKA_TEST_BROKER_PATH); the environment variable KAFKA_TEST_BROKER_PATH overrides it.
//
// The work directory (a fresh temp dir unless one is given) holds the bootstrap file and
// the output files; it is removed on destruction unless CTI_KEEP_TEST_DIRS is set. The
// child gets PR_SET_PDEATHSIG = SIGKILL: it dies with the thread that started it, so call
// Start from a thread that outlives the process (e.g. the test's thread).
//
// Concurrency: not thread-safe, except bootstrap_servers(), which is fixed once Start
// returns and may be read from any thread.
//
// Limitations are the mock cluster's: about 5 MiB retained per partition, no
// offsetsForTimes, no Admin CreateTopics (an unknown topic is auto-created with 4
// partitions), and its data lives only as long as the process.
#ifndef CTI_TESTS_SUPPORT_KAFKA_BROKER_PROCESS_H_
#define CTI_TESTS_SUPPORT_KAFKA_BROKER_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace cti::test_support {

struct KafkaTopic {
  std::string name;
  int partitions = 4;
  // Replicas per partition; 0 leaves the broker's default, min(3, brokers), which is the
  // only value librdkafka 2.0.2's mock serves (the broker refuses others, exit code 2).
  int replication = 0;
};

struct KafkaBrokerOptions {
  // Topics created before the broker reports ready.
  std::vector<KafkaTopic> topics;
  // Brokers in the cluster (ids 1..N).
  int brokers = 3;
  // Work directory to use (created if missing, kept on destruction). Empty: a fresh temp
  // dir that is removed on destruction.
  std::string work_dir;
  // Longest wait for the bootstrap file.
  absl::Duration start_timeout = absl::Seconds(30);
};

class KafkaBrokerProcess {
 public:
  // Starts the broker and waits until it serves every topic. Errors: INTERNAL with the
  // broker's stderr tail when it exits early (bad options exit with code 2),
  // DEADLINE_EXCEEDED when the bootstrap file does not appear within start_timeout.
  static absl::StatusOr<std::unique_ptr<KafkaBrokerProcess>> Start(KafkaBrokerOptions options);

  // Kills a still-running broker (SIGKILL) and removes an owned temp work dir.
  ~KafkaBrokerProcess();
  KafkaBrokerProcess(const KafkaBrokerProcess&) = delete;
  KafkaBrokerProcess& operator=(const KafkaBrokerProcess&) = delete;

  // "127.0.0.1:P1,127.0.0.1:P2,...": librdkafka's bootstrap.servers for this cluster.
  const std::string& bootstrap_servers() const { return bootstrap_servers_; }

  // Takes every broker down (SIGUSR1): connections are closed and new ones refused; the
  // data is kept. Returns once the broker logged the outage, or an error after `timeout`
  // or when it is not running.
  absl::Status Outage(absl::Duration timeout = absl::Seconds(10));
  // Brings every broker up again (SIGUSR2); returns like Outage. Clients reconnect on
  // their own (after their reconnect.backoff).
  absl::Status Recover(absl::Duration timeout = absl::Seconds(10));

  // Sends SIGTERM and waits up to `timeout` for the exit. OK only when the broker exited
  // with code 0; otherwise an error describing how it ended (after a timeout it is killed).
  absl::Status Stop(absl::Duration timeout = absl::Seconds(30));

  // SIGKILL now, then reaps the process. No-op when not running.
  void Kill9();

  // True while the child has not been reaped.
  bool running();

  pid_t pid() const { return pid_; }
  const std::string& work_dir() const { return work_dir_; }
  // The file the broker announces bootstrap_servers() in; removed on its clean exit.
  const std::string& bootstrap_file() const { return bootstrap_file_; }
  const std::string& stdout_path() const { return stdout_path_; }
  const std::string& stderr_path() const { return stderr_path_; }

  // The last `max_bytes` of the broker's stderr.
  std::string StderrTail(size_t max_bytes = 4000) const;

 private:
  KafkaBrokerProcess(KafkaBrokerOptions options, std::string work_dir, bool owns_work_dir);

  absl::Status Spawn();
  absl::Status WaitUntilServing();
  // Sends `signal` and waits until the broker logs the `count`th `transition` as done.
  absl::Status SignalAndWaitFor(int signal, const std::string& transition, int count,
                                absl::Duration timeout);

  KafkaBrokerOptions options_;
  std::string work_dir_;
  bool owns_work_dir_;
  std::string bootstrap_file_;
  std::string stderr_path_;
  std::string stdout_path_;
  pid_t pid_ = -1;
  std::string bootstrap_servers_;
  int outages_ = 0;
  int recoveries_ = 0;
};

// Path of the kafka_test_broker binary used (KAFKA_TEST_BROKER_PATH env or the build's).
std::string KafkaTestBrokerBinary();

}  // namespace cti::test_support

#endif  // CTI_TESTS_SUPPORT_KAFKA_BROKER_PROCESS_H_
