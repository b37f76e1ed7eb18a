#include "tests/support/ctid_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "tests/support/child_process.h"

#ifndef CTID_PATH
#error "CTID_PATH must be defined by the build (the ctid target's file)"
#endif

namespace cti::test_support {

std::string CtidBinary() {
  const char* env = std::getenv("CTID_PATH");
  if (env != nullptr && *env != '\0') return env;
  return CTID_PATH;
}

CtidProcess::CtidProcess(CtidOptions options, std::string work_dir, bool owns_work_dir)
    : options_(std::move(options)),
      work_dir_(std::move(work_dir)),
      owns_work_dir_(owns_work_dir),
      data_dir_(work_dir_ + "/data"),
      port_file_(work_dir_ + "/ctid.port"),
      stderr_path_(work_dir_ + "/ctid.stderr"),
      stdout_path_(work_dir_ + "/ctid.stdout") {}

int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

absl::StatusOr<std::unique_ptr<CtidProcess>> CtidProcess::Start(CtidOptions options) {
  std::string work_dir = options.work_dir;
  const bool owns = work_dir.empty();
  if (owns) {
    work_dir = MakeTempDir("cti-test-");
    if (work_dir.empty()) return absl::InternalError("mkdtemp failed");
  } else {
    std::error_code ec;
    std::filesystem::create_directories(work_dir, ec);
    if (ec) return absl::InternalError(absl::StrCat("mkdir ", work_dir, ": ", ec.message()));
  }
  std::unique_ptr<CtidProcess> process(new CtidProcess(std::move(options), work_dir, owns));
  absl::Status status = process->Restart();
  if (!status.ok()) return status;
  return process;
}

CtidProcess::~CtidProcess() {
  Kill9();
  if (owns_work_dir_ && std::getenv("CTI_KEEP_TEST_DIRS") == nullptr) {
    std::error_code ec;
    std::filesystem::remove_all(work_dir_, ec);
  }
}

absl::Status CtidProcess::Spawn() {
  if (running()) return absl::FailedPreconditionError("ctid is still running");
  port_ = 0;
  address_.clear();
  unlink(port_file_.c_str());

  std::vector<std::string> args = {CtidBinary(),
                                   "--data-dir",
                                   data_dir_,
                                   "--listen",
                                   absl::StrCat("127.0.0.1:", options_.listen_port),
                                   "--port-file",
                                   port_file_};
  if (options_.subscriber_buffer > 0) {
    args.push_back("--subscriber-buffer");
    args.push_back(absl::StrCat(options_.subscriber_buffer));
  }
  if (options_.heartbeat_seconds > 0) {
    args.push_back("--heartbeat-seconds");
    args.push_back(absl::StrCat(options_.heartbeat_seconds));
  }
  args.push_back("--rate-limit");
  args.push_back(absl::StrCat(options_.rate_limit));
  if (options_.dev_security) {
    args.push_back("--plaintext");
    args.push_back("--insecure-dev-identity");
  }
  for (const std::string& a : options_.extra_args) args.push_back(a);
  absl::StatusOr<pid_t> pid = SpawnChild(std::move(args), stdout_path_, stderr_path_,
                                         /*truncate=*/false);
  if (!pid.ok()) return pid.status();
  pid_ = *pid;
  return absl::OkStatus();
}

absl::Status CtidProcess::WaitUntilServing() { return WaitFor(/*serving=*/true); }

absl::Status CtidProcess::WaitFor(bool serving) {
  const absl::Time deadline = absl::Now() + options_.start_timeout;
  if (!serving && options_.listen_port == 0) {
    return absl::InvalidArgumentError("CtidOptions: wait_until_serving false needs listen_port");
  }
  if (!serving) {
    port_ = options_.listen_port;
    address_ = absl::StrCat("127.0.0.1:", port_);
  }
  const std::string binary = CtidBinary();
  while (true) {
    if (!running()) {
      return absl::InternalError(
          absl::StrCat("ctid (", binary, ") exited before serving; stderr tail:\n", StderrTail()));
    }
    if (port_ == 0) {
      std::string text(absl::StripAsciiWhitespace(ReadWholeFile(port_file_)));
      int port = 0;
      if (!text.empty() && absl::SimpleAtoi(text, &port) && port > 0 && port < 65536) {
        port_ = port;
        address_ = absl::StrCat("127.0.0.1:", port);
      }
    }
    if (port_ != 0) {
      absl::StatusOr<std::string> health =
          HealthCheck(AnonymousChannel(), "", absl::Milliseconds(500));
      if (health.ok() && (*health == "SERVING" || !serving)) return absl::OkStatus();
    }
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          "ctid did not become SERVING within ", absl::FormatDuration(options_.start_timeout),
          " (port file ", port_ == 0 ? "absent" : "present", "); stderr tail:\n", StderrTail()));
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
}

absl::Status CtidProcess::Restart() {
  absl::Status status = Spawn();
  if (!status.ok()) return status;
  status = WaitFor(options_.wait_until_serving);
  if (!status.ok()) Kill9();
  return status;
}

bool CtidProcess::running() { return ChildRunning(&pid_); }

absl::Status CtidProcess::Stop(absl::Duration timeout) {
  return StopChild(&pid_, timeout, "ctid", [this] { return StderrTail(); });
}

void CtidProcess::Kill9() { KillChild(&pid_); }

std::string CtidProcess::StderrTail(size_t max_bytes) const {
  return FileTail(stderr_path_, max_bytes);
}

std::shared_ptr<grpc::Channel> CtidProcess::Channel(const Identity& identity) const {
  return IdentityChannel(address_, identity, nullptr, options_.tls);
}

std::shared_ptr<grpc::Channel> CtidProcess::AnonymousChannel() const {
  return IdentityChannel(address_, Anonymous(), nullptr, options_.tls);
}

}  // namespace cti::test_support
