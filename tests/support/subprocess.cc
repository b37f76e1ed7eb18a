#include "tests/support/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace cti::test_support {
namespace {

std::string ReadAndRemove(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  unlink(path.c_str());
  return buffer.str();
}

}  // namespace

absl::StatusOr<ProcessResult> RunProcess(const std::vector<std::string>& argv_in,
                                         absl::Duration timeout) {
  if (argv_in.empty()) return absl::InvalidArgumentError("argv is empty");
  // Output goes to unlinked-after-use temp files: no pipe to drain while waiting.
  const char* base = std::getenv("TMPDIR");
  std::string out_path = absl::StrCat(base != nullptr && *base ? base : "/tmp", "/cti-out-XXXXXX");
  std::string err_path = absl::StrCat(base != nullptr && *base ? base : "/tmp", "/cti-err-XXXXXX");
  const int out_fd = mkostemp(out_path.data(), O_CLOEXEC);
  const int err_fd = mkostemp(err_path.data(), O_CLOEXEC);
  if (out_fd < 0 || err_fd < 0) return absl::InternalError("mkostemp failed");

  std::vector<std::string> args = argv_in;
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  const pid_t pid = fork();
  if (pid < 0) return absl::InternalError(absl::StrCat("fork: ", strerror(errno)));
  if (pid == 0) {
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    const int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
    execv(argv[0], argv.data());
    const char msg[] = "RunProcess: execv failed\n";
    (void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
    _exit(127);
  }
  close(out_fd);
  close(err_fd);

  const absl::Time deadline = absl::Now() + timeout;
  int wait_status = 0;
  bool timed_out = false;
  while (true) {
    const pid_t r = waitpid(pid, &wait_status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) return absl::InternalError("waitpid failed");
    if (absl::Now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &wait_status, 0);
      timed_out = true;
      break;
    }
    absl::SleepFor(absl::Milliseconds(2));
  }
  ProcessResult result;
  result.out = ReadAndRemove(out_path);
  result.err = ReadAndRemove(err_path);
  if (timed_out) {
    return absl::DeadlineExceededError(absl::StrCat(
        argv_in[0], " ran longer than ", absl::FormatDuration(timeout), "; stderr: ", result.err));
  }
  if (WIFEXITED(wait_status)) {
    result.exit_code = WEXITSTATUS(wait_status);
  } else if (WIFSIGNALED(wait_status)) {
    result.exit_code = 128 + WTERMSIG(wait_status);
  }
  return result;
}

}  // namespace cti::test_support
