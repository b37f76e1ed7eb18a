#include "tests/support/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace cti::test_support {

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::string> FilesContaining(const std::string& dir, const std::string& needle) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    if (ReadWholeFile(entry.path().string()).find(needle) != std::string::npos) {
      found.push_back(entry.path().string());
    }
  }
  return found;
}

std::string FileTail(const std::string& path, size_t max_bytes) {
  std::string text = ReadWholeFile(path);
  if (text.size() > max_bytes) text = "..." + text.substr(text.size() - max_bytes);
  return text;
}

std::string DescribeWaitStatus(int wait_status) {
  if (WIFEXITED(wait_status)) return absl::StrCat("exited with code ", WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) {
    return absl::StrCat("killed by signal ", WTERMSIG(wait_status), " (",
                        strsignal(WTERMSIG(wait_status)), ")");
  }
  return absl::StrCat("wait status ", wait_status);
}

std::string MakeTempDir(const std::string& prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string templ =
      absl::StrCat(base != nullptr && *base != '\0' ? base : "/tmp", "/", prefix, "XXXXXX");
  if (mkdtemp(templ.data()) == nullptr) return "";
  return templ;
}

absl::StatusOr<pid_t> SpawnChild(std::vector<std::string> args, const std::string& stdout_path,
                                 const std::string& stderr_path, bool truncate) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // Everything the child needs is prepared before fork: after it, only
  // async-signal-safe calls until exec.
  const int mode = O_WRONLY | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : O_APPEND);
  const int out_fd = open(stdout_path.c_str(), mode, 0644);
  const int err_fd = open(stderr_path.c_str(), mode, 0644);
  if (out_fd < 0 || err_fd < 0) {
    if (out_fd >= 0) close(out_fd);
    if (err_fd >= 0) close(err_fd);
    return absl::InternalError(
        absl::StrCat("cannot open output files ", stdout_path, " and ", stderr_path));
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
    const char msg[] = "SpawnChild: execv failed\n";
    (void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
    _exit(127);
  }
  close(out_fd);
  close(err_fd);
  return pid;
}

bool ChildRunning(pid_t* pid) {
  if (*pid <= 0) return false;
  int wait_status = 0;
  if (waitpid(*pid, &wait_status, WNOHANG) == 0) return true;
  *pid = -1;
  return false;
}

absl::Status StopChild(pid_t* pid, absl::Duration timeout, const std::string& what,
                       const std::function<std::string()>& stderr_tail) {
  if (!ChildRunning(pid))
    return absl::FailedPreconditionError(absl::StrCat(what, " is not running"));
  kill(*pid, SIGTERM);
  int wait_status = 0;
  const absl::Time deadline = absl::Now() + timeout;
  while (waitpid(*pid, &wait_status, WNOHANG) != *pid) {
    if (absl::Now() > deadline) {
      KillChild(pid);
      return absl::DeadlineExceededError(
          absl::StrCat(what, " did not exit within ", absl::FormatDuration(timeout),
                       " of SIGTERM (killed); stderr tail:\n", stderr_tail()));
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
  *pid = -1;
  if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(what, " ", DescribeWaitStatus(wait_status),
                                          " after SIGTERM; stderr tail:\n", stderr_tail()));
}

void KillChild(pid_t* pid) {
  if (*pid <= 0) return;
  kill(*pid, SIGKILL);
  int wait_status = 0;
  while (waitpid(*pid, &wait_status, 0) < 0 && errno == EINTR) {
  }
  *pid = -1;
}

}  // namespace cti::test_support
