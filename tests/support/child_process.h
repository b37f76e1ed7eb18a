// Helpers shared by the test-support classes that run a server binary as a child
// process (CtidProcess, KafkaBrokerProcess): temp work dirs, reading output files, and
// stopping, killing and reaping the child.
//
// Thread safety: plain functions; a given pid must be managed from one thread.
#ifndef CTI_TESTS_SUPPORT_CHILD_PROCESS_H_
#define CTI_TESTS_SUPPORT_CHILD_PROCESS_H_

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace cti::test_support {

// The whole file, or "" when it cannot be read.
std::string ReadWholeFile(const std::string& path);
// The regular files under `dir` (recursively) whose bytes hold `needle`: a test's scan
// of a data directory for what must not be on disk.
std::vector<std::string> FilesContaining(const std::string& dir, const std::string& needle);
// The last `max_bytes` of the file ("..." in front when cut).
std::string FileTail(const std::string& path, size_t max_bytes);
// "exited with code N", "killed by signal N (name)".
std::string DescribeWaitStatus(int wait_status);
// A fresh directory under $TMPDIR (or /tmp) named "<prefix>XXXXXX"; "" on failure.
std::string MakeTempDir(const std::string& prefix);

// Forks and execs `args` (args[0] is the binary's path) with stdout and stderr going to
// the given files (appended to, or truncated first when `truncate`), stdin from
// /dev/null, and PR_SET_PDEATHSIG = SIGKILL: the child dies with the calling thread.
// Returns the child's pid; INTERNAL when the files cannot be opened or fork fails (an
// exec failure shows as exit code 127 and a line on the child's stderr).
absl::StatusOr<pid_t> SpawnChild(std::vector<std::string> args, const std::string& stdout_path,
                                 const std::string& stderr_path, bool truncate);

// Whether the child `*pid` still runs; reaps it and sets *pid = -1 when it has exited.
bool ChildRunning(pid_t* pid);
// SIGTERM to `*pid`, then waits up to `timeout` for it to exit (SIGKILL after that). OK
// when it exited with code 0; otherwise an error naming `what` with `stderr_tail()`.
// *pid is -1 afterwards. FAILED_PRECONDITION when it was not running.
absl::Status StopChild(pid_t* pid, absl::Duration timeout, const std::string& what,
                       const std::function<std::string()>& stderr_tail);
// SIGKILL to `*pid` and reaps it; *pid is -1 afterwards. Nothing when it is not running.
void KillChild(pid_t* pid);

}  // namespace cti::test_support

#endif  // CTI_TESTS_SUPPORT_CHILD_PROCESS_H_
