#include "tests/support/ctid_process.h"

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

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

#ifndef CTID_PATH
#error "CTID_PATH must be defined by the build (the ctid target's file)"
#endif

namespace cti::test_support {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string DescribeWaitStatus(int wait_status) {
  if (WIFEXITED(wait_status)) return absl::StrCat("exited with code ", WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) {
    return absl::StrCat("killed by signal ", WTERMSIG(wait_status), " (",
                        strsignal(WTERMSIG(wait_status)), ")");
  }
  return absl::StrCat("wait status ", wait_status);
}

std::string MakeTempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string templ =
      absl::StrCat(base != nullptr && *base != '\0' ? base : "/tmp", "/cti-test-XXXXXX");
  if (mkdtemp(templ.data()) == nullptr) return "";
  return templ;
}

}  // namespace

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

absl::StatusOr<std::unique_ptr<CtidProcess>> CtidProcess::Start(CtidOptions options) {
  std::string work_dir = options.work_dir;
  const bool owns = work_dir.empty();
  if (owns) {
    work_dir = MakeTempDir();
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

  std::vector<std::string> args = {CtidBinary(),  "--data-dir",  data_dir_, "--listen",
                                   "127.0.0.1:0", "--port-file", port_file_};
  if (options_.subscriber_buffer > 0) {
    args.push_back("--subscriber-buffer");
    args.push_back(absl::StrCat(options_.subscriber_buffer));
  }
  if (options_.heartbeat_seconds > 0) {
    args.push_back("--heartbeat-seconds");
    args.push_back(absl::StrCat(options_.heartbeat_seconds));
  }
  for (const std::string& a : options_.extra_args) args.push_back(a);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  // Everything the child needs is prepared before fork: after it, only
  // async-signal-safe calls until exec.
  const int out_fd = open(stdout_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  const int err_fd = open(stderr_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out_fd < 0 || err_fd < 0) {
    if (out_fd >= 0) close(out_fd);
    if (err_fd >= 0) close(err_fd);
    return absl::InternalError(absl::StrCat("cannot open output files in ", work_dir_));
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(out_fd);
    close(err_fd);
    return absl::InternalError(absl::StrCat("fork: ", strerror(errno)));
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    const int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
    execv(argv[0], argv.data());
    const char msg[] = "CtidProcess: execv of ctid failed\n";
    (void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
    _exit(127);
  }
  close(out_fd);
  close(err_fd);
  pid_ = pid;
  return absl::OkStatus();
}

absl::Status CtidProcess::WaitUntilServing() {
  const absl::Time deadline = absl::Now() + options_.start_timeout;
  const std::string binary = CtidBinary();
  while (true) {
    if (!running()) {
      return absl::InternalError(
          absl::StrCat("ctid (", binary, ") exited before serving; stderr tail:\n", StderrTail()));
    }
    if (port_ == 0) {
      std::string text(absl::StripAsciiWhitespace(ReadFile(port_file_)));
      int port = 0;
      if (!text.empty() && absl::SimpleAtoi(text, &port) && port > 0 && port < 65536) {
        port_ = port;
        address_ = absl::StrCat("127.0.0.1:", port);
      }
    }
    if (port_ != 0) {
      absl::StatusOr<std::string> health =
          HealthCheck(AnonymousChannel(), "", absl::Milliseconds(500));
      if (health.ok() && *health == "SERVING") return absl::OkStatus();
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
  status = WaitUntilServing();
  if (!status.ok()) Kill9();
  return status;
}

bool CtidProcess::running() {
  if (pid_ <= 0) return false;
  int wait_status = 0;
  const pid_t r = waitpid(pid_, &wait_status, WNOHANG);
  if (r == 0) return true;
  pid_ = -1;
  return false;
}

absl::Status CtidProcess::Stop(absl::Duration timeout) {
  if (!running()) return absl::FailedPreconditionError("ctid is not running");
  kill(pid_, SIGTERM);
  const pid_t pid = pid_;
  int wait_status = 0;
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    const pid_t r = waitpid(pid, &wait_status, WNOHANG);
    if (r == pid) break;
    if (absl::Now() > deadline) {
      Kill9();
      return absl::DeadlineExceededError(
          absl::StrCat("ctid did not exit within ", absl::FormatDuration(timeout),
                       " of SIGTERM (killed); stderr tail:\n", StderrTail()));
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
  pid_ = -1;
  if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0) return absl::OkStatus();
  return absl::InternalError(absl::StrCat("ctid ", DescribeWaitStatus(wait_status),
                                          " after SIGTERM; stderr tail:\n", StderrTail()));
}

void CtidProcess::Kill9() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int wait_status = 0;
  while (waitpid(pid_, &wait_status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

std::string CtidProcess::StderrTail(size_t max_bytes) const {
  std::string text = ReadFile(stderr_path_);
  if (text.size() > max_bytes) text = "..." + text.substr(text.size() - max_bytes);
  return text;
}

std::shared_ptr<grpc::Channel> CtidProcess::Channel(const Identity& identity) const {
  return IdentityChannel(address_, identity);
}

std::shared_ptr<grpc::Channel> CtidProcess::AnonymousChannel() const {
  return IdentityChannel(address_, Anonymous());
}

}  // namespace cti::test_support
