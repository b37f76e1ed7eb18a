#include "tests/support/kafka_broker_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/support/child_process.h"

#ifndef KAFKA_TEST_BROKER_PATH
#error "KAFKA_TEST_BROKER_PATH must be defined by the build (the kafka_test_broker target's file)"
#endif

namespace cti::test_support {

std::string KafkaTestBrokerBinary() {
  const char* env = std::getenv("KAFKA_TEST_BROKER_PATH");
  if (env != nullptr && *env != '\0') return env;
  return KAFKA_TEST_BROKER_PATH;
}

KafkaBrokerProcess::KafkaBrokerProcess(KafkaBrokerOptions options, std::string work_dir,
                                       bool owns_work_dir)
    : options_(std::move(options)),
      work_dir_(std::move(work_dir)),
      owns_work_dir_(owns_work_dir),
      bootstrap_file_(work_dir_ + "/kafka.bootstrap"),
      stderr_path_(work_dir_ + "/kafka_test_broker.stderr"),
      stdout_path_(work_dir_ + "/kafka_test_broker.stdout") {}

absl::StatusOr<std::unique_ptr<KafkaBrokerProcess>> KafkaBrokerProcess::Start(
    KafkaBrokerOptions options) {
  std::string work_dir = options.work_dir;
  const bool owns = work_dir.empty();
  if (owns) {
    work_dir = MakeTempDir("cti-kafka-");
    if (work_dir.empty()) return absl::InternalError("mkdtemp failed");
  } else {
    std::error_code ec;
    std::filesystem::create_directories(work_dir, ec);
    if (ec) return absl::InternalError(absl::StrCat("mkdir ", work_dir, ": ", ec.message()));
  }
  std::unique_ptr<KafkaBrokerProcess> process(
      new KafkaBrokerProcess(std::move(options), work_dir, owns));
  absl::Status status = process->Spawn();
  if (status.ok()) status = process->WaitUntilServing();
  if (!status.ok()) return status;
  return process;
}

KafkaBrokerProcess::~KafkaBrokerProcess() {
  Kill9();
  if (owns_work_dir_ && std::getenv("CTI_KEEP_TEST_DIRS") == nullptr) {
    std::error_code ec;
    std::filesystem::remove_all(work_dir_, ec);
  }
}

absl::Status KafkaBrokerProcess::Spawn() {
  unlink(bootstrap_file_.c_str());
  std::vector<std::string> args = {KafkaTestBrokerBinary(), "--brokers",
                                   absl::StrCat(options_.brokers), "--bootstrap-file",
                                   bootstrap_file_};
  for (const KafkaTopic& topic : options_.topics) {
    args.push_back("--topic");
    args.push_back(absl::StrCat(topic.name, ":", topic.partitions));
    if (topic.replication > 0) absl::StrAppend(&args.back(), ":", topic.replication);
  }
  // Output files start empty: Outage/Recover look for this run's transition lines.
  absl::StatusOr<pid_t> pid = SpawnChild(std::move(args), stdout_path_, stderr_path_,
                                         /*truncate=*/true);
  if (!pid.ok()) return pid.status();
  pid_ = *pid;
  return absl::OkStatus();
}

absl::Status KafkaBrokerProcess::WaitUntilServing() {
  const absl::Time deadline = absl::Now() + options_.start_timeout;
  while (true) {
    if (!running()) {
      return absl::InternalError(absl::StrCat("kafka_test_broker (", KafkaTestBrokerBinary(),
                                              ") exited before serving; stderr tail:\n",
                                              StderrTail()));
    }
    // The file appears by rename, complete: any content is the whole line.
    std::string text(absl::StripAsciiWhitespace(ReadWholeFile(bootstrap_file_)));
    if (!text.empty()) {
      bootstrap_servers_ = std::move(text);
      return absl::OkStatus();
    }
    if (absl::Now() > deadline) {
      Kill9();
      return absl::DeadlineExceededError(absl::StrCat(
          "kafka_test_broker did not write its bootstrap file within ",
          absl::FormatDuration(options_.start_timeout), "; stderr tail:\n", StderrTail()));
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
}

absl::Status KafkaBrokerProcess::SignalAndWaitFor(int signal, const std::string& transition,
                                                  int count, absl::Duration timeout) {
  if (!running()) return absl::FailedPreconditionError("kafka_test_broker is not running");
  // The broker logs "kafka_test_broker: <transition> #K: brokers ..." once done, or
  // "kafka_test_broker: <transition> #K failed: ..." (K counts that signal from 1).
  const std::string marker = absl::StrCat(transition, " #", count, ": brokers");
  const std::string failure = absl::StrCat(transition, " #", count, " failed");
  kill(pid_, signal);
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    const std::string text = ReadWholeFile(stderr_path_);
    if (absl::StrContains(text, marker)) break;
    if (absl::StrContains(text, failure)) {
      return absl::InternalError(
          absl::StrCat("kafka_test_broker: ", transition, " failed; stderr tail:\n", StderrTail()));
    }
    if (!running()) {
      return absl::InternalError(absl::StrCat("kafka_test_broker ended while waiting for '", marker,
                                              "'; stderr tail:\n", StderrTail()));
    }
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(absl::StrCat("kafka_test_broker did not log '", marker,
                                                      "' within ", absl::FormatDuration(timeout),
                                                      "; stderr tail:\n", StderrTail()));
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
  return absl::OkStatus();
}

absl::Status KafkaBrokerProcess::Outage(absl::Duration timeout) {
  return SignalAndWaitFor(SIGUSR1, "outage", ++outages_, timeout);
}

absl::Status KafkaBrokerProcess::Recover(absl::Duration timeout) {
  return SignalAndWaitFor(SIGUSR2, "recovery", ++recoveries_, timeout);
}

bool KafkaBrokerProcess::running() { return ChildRunning(&pid_); }

absl::Status KafkaBrokerProcess::Stop(absl::Duration timeout) {
  return StopChild(&pid_, timeout, "kafka_test_broker", [this] { return StderrTail(); });
}

void KafkaBrokerProcess::Kill9() { KillChild(&pid_); }

std::string KafkaBrokerProcess::StderrTail(size_t max_bytes) const {
  return FileTail(stderr_path_, max_bytes);
}

}  // namespace cti::test_support
