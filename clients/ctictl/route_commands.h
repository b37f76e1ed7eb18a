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

// Whom to route to: TARGET, or a case (--task with one key).
struct RouteTargetOptions {
  // "employee:ID", "ext:4711", "unit:ID", "task:WORD", "name:Anna Holm", a bare id
  // (an employee) or bare digits (an extension). Empty when `task` is given.
  std::string target;
  // A case (TP-5.1): the task, the unit whose rules apply (optional), and exactly one of
  // the key fields.
  std::string task;
  std::string unit;
  std::string case_key;  // canonical, e.g. "cpr-day:17"
  std::string cpr;       // DDMMYY-SSSS, dash optional
  std::string address;   // e.g. "Vestergade 12"
  std::string surname;   // e.g. "Østergaard"
};

// The RouteTarget `options` describe. INVALID_ARGUMENT naming the argument when they
// describe none or several, or a value is malformed (never echoing CPR digits).
absl::StatusOr<cti::v1::RouteTarget> ParseRouteTarget(const RouteTargetOptions& options);

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
};
// Usage errors (a bad target or --at) answer kExitUsage without calling the server.
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
