// Exit codes of ctictl and the mapping from gRPC statuses to them.
//
// The codes are part of ctictl's interface (scripts test them); they are listed in
// clients/README.md and in `ctictl --help`:
//   0  success
//   1  the server refused the request (INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION,
//      PERMISSION_DENIED, ... : every gRPC code not listed under 3)
//   2  usage error: bad flags or arguments
//   3  the server could not be reached or did not answer in time (UNAVAILABLE,
//      DEADLINE_EXCEEDED)
//   4  bad input file: unreadable, or not valid cti.v1.Event JSON
#ifndef CTI_CLIENTS_CTICTL_EXIT_CODES_H_
#define CTI_CLIENTS_CTICTL_EXIT_CODES_H_

#include <grpcpp/support/status.h>

#include <string>

namespace cti::ctictl {

enum ExitCode : int {
  kExitOk = 0,
  kExitServerRefused = 1,
  kExitUsage = 2,
  kExitUnreachable = 3,
  kExitBadInput = 4,
};

// The text of the exit-code table, for --help footers.
extern const char kExitCodeHelp[];

// The exit code for a finished RPC: kExitOk for OK, kExitUnreachable for UNAVAILABLE and
// DEADLINE_EXCEEDED, kExitServerRefused for every other code.
ExitCode ExitCodeFor(grpc::StatusCode code);

// The canonical upper-case name of a gRPC code, e.g. "INVALID_ARGUMENT"; "CODE_<n>" for
// a number gRPC does not define.
std::string StatusCodeName(grpc::StatusCode code);

// "NOT_FOUND: employee_id 'e17' not found" (the code name, then the server's message
// when there is one).
std::string DescribeStatus(const grpc::Status& status);

}  // namespace cti::ctictl

#endif  // CTI_CLIENTS_CTICTL_EXIT_CODES_H_
