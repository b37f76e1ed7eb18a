// RunProcess: runs a command to completion and captures its exit code and output. For
// testing command-line clients (ctictl) as a user would.
//
// Thread safety: safe to call from any thread (each call has its own pipes and files).
#ifndef CTI_TESTS_SUPPORT_SUBPROCESS_H_
#define CTI_TESTS_SUPPORT_SUBPROCESS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace cti::test_support {

struct ProcessResult {
  // The exit code; 128 + signal number when killed by a signal.
  int exit_code = -1;
  std::string out;  // All of stdout.
  std::string err;  // All of stderr.
};

// Runs argv[0] (a path) with `argv`, stdin from /dev/null. Kills it (SIGKILL) and fails
// with DEADLINE_EXCEEDED when it runs longer than `timeout`.
absl::StatusOr<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                         absl::Duration timeout = absl::Seconds(30));

}  // namespace cti::test_support

#endif  // CTI_TESTS_SUPPORT_SUBPROCESS_H_
