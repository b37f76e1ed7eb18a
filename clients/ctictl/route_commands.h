// `ctictl route` and `ctictl check` (RouteService): where a call goes and why, and the
// TP-4.8 check for calls that can end with nobody.
//
// Run functions answer an exit code (exit_codes.h) and never throw; results go to `out`,
// diagnostics to `err`. AddRouteCommands puts both commands on a CLI11 command line.
//
// A CPR number given with --cpr is checked here for its shape (DDMMYY-SSSS, dash
// optional, a real day and month) and sent to the server, which reduces it to the key the
// distribution rules need and drops it (route_service.proto, TP-4.2). Route appends
// nothing to the log. Error messages never repeat its digits.
#ifndef CTI_CLIENTS_CTICTL_ROUTE_COMMANDS_H_
#define CTI_CLIENTS_CTICTL_ROUTE_COMMANDS_H_

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "connection.h"
#include "cti/v1/route_service.pb.h"
#include "exit_codes.h"

namespace CLI {
class App;
}  // namespace CLI

namespace cti::ctictl {

// `ctictl check` found something: exit code 1 (as a refusal), so scripts can test it.
inline constexpr ExitCode kExitFindings = kExitServerRefused;

// Whom to route to: TARGET, or a case (a task with one key).
struct RouteTargetOptions {
  // "employee:ID", "ext:4711", "unit:ID", "task:WORD", "name:Anna Holm", or bare: digits
  // (an extension, then an employee id), an id (an employee, then a unit, then a task),
  // words with spaces (a name, then a task), another word (a task, then a name). With a
  // case key it is the task (when `task` is empty).
  std::string target;
  // A case (TP-5.1): the task (or TARGET), the unit whose rules apply (optional), and
  // exactly one of the key fields.
  std::string task;
  std::string unit;
  std::string case_key;  // canonical, e.g. "cpr-day:17"
  std::string cpr;       // DDMMYY-SSSS, dash optional
  std::string address;   // e.g. "Vestergade 12"
  std::string surname;   // e.g. "Østergaard"
};

// The RouteTargets `options` may mean, in the order to try them: one for a prefixed
// TARGET or a case, several for a bare TARGET (RunRoute tries the next only when the
// server answers NOT_FOUND). INVALID_ARGUMENT naming the argument when they describe
// nothing or a value is malformed (never echoing CPR digits).
absl::StatusOr<std::vector<cti::v1::RouteTarget>> ParseRouteTargets(
    const RouteTargetOptions& options);

// An instant for --at: RFC 3339 with an offset ("2024-03-01T14:00:00+01:00", "...Z"), or
// a local time in `zone` without one ("2024-03-01T14:00", "2024-03-01 14:00:05").
// INVALID_ARGUMENT otherwise.
absl::StatusOr<absl::Time> ParseAt(absl::string_view text, const absl::TimeZone& zone);

struct RouteOptions {
  RouteTargetOptions target;
  std::string at;  // see ParseAt; empty: the server's now
  std::string caller_number;
  uint64_t min_position = 0;
  bool json = false;
  // A question about the past (AuditService.RouteAsOf), with what was known: "then"
  // (when --at was), "now", a log position, or an instant (ParseAt). Empty: Route now.
  std::string known;
};
// Usage errors (a bad target, --at or --known; --known without --at) answer kExitUsage
// without calling the server. When every meaning of a bare TARGET is NOT_FOUND, the
// first error is reported, naming the others tried. With `known`, prints the answer and
// the knowledge it had (the last log position and when it was recorded).
int RunRoute(Connection& connection, const RouteOptions& options, std::ostream& out,
             std::ostream& err);

struct CheckOptions {
  uint64_t min_position = 0;
  bool json = false;
};
// kExitOk when the check finds nothing, kExitFindings when it finds something (printed
// either way), the RPC's exit code when the call fails.
int RunCheck(Connection& connection, const CheckOptions& options, std::ostream& out,
             std::ostream& err);

// Adds `route` and `check` to `app`. When chosen, each runs on a fresh Connection made
// from `globals` (read at that time), writes to `out` / `err` and stores its exit code
// in *exit_code. `globals`, `exit_code`, `out` and `err` must outlive `app`.
void AddRouteCommands(CLI::App& app, const GlobalOptions& globals, int* exit_code,
                      std::ostream& out, std::ostream& err);

}  // namespace cti::ctictl

#endif  // CTI_CLIENTS_CTICTL_ROUTE_COMMANDS_H_
