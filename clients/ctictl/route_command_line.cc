// `ctictl route` and `ctictl check` on the command line (CLI11): flags and --help.
#include <CLI/CLI.hpp>
#include <memory>

#include "route_commands.h"

namespace cti::ctictl {
namespace {

constexpr char kRouteHelp[] =
    "TARGET is one of:\n"
    "  employee:ID       an employee by id (a bare id like e017 means the same)\n"
    "  ext:4711          an employee by extension (bare digits mean the same)\n"
    "  name:\"Anna Holm\"  an employee by name (all words, as prefixes; æ ø å folded)\n"
    "  unit:ID           a unit: its line, default group, phone desk or hotline\n"
    "  task:WORD         a task or keyword in citizens' words, e.g. task:boligstøtte\n"
    "or, instead of TARGET, a case (TP-5.1): --task TASK with exactly one of\n"
    "  --case-key cpr-day:17 | --cpr DDMMYY-SSSS | --address \"Vestergade 12\" |\n"
    "  --surname Østergaard, and optionally --unit ID. A CPR number is checked here and\n"
    "  reduced by the server to the key the rules need; it is never stored (TP-4.2).\n"
    "\n"
    "Prints the resolved target, the numbered steps (kind, name, number, ring seconds,\n"
    "why, rules; the last is always reception taking a message, TP-6.2), what reception\n"
    "may tell the caller (direct number or \"unlisted: give the unit's number\", the\n"
    "unit's number, open now until HH:MM or closed and the next opening, the hours,\n"
    "when the employee is available again), then the reasons with rule ids and the\n"
    "records that decided. Times are in Europe/Copenhagen.\n"
    "Examples:\n"
    "  ctictl route e017\n"
    "  ctictl route ext:4711 --at 2026-01-09T14:00\n"
    "  ctictl route task:boligstøtte --json\n"
    "  ctictl route --task kontanthjælp --cpr 170385-1234";

constexpr char kCheckHelp[] =
    "Lists every unit, group, employee or rule whose calls can end with nobody before\n"
    "reception (TP-4.8): groups without an active member, forwardings to someone who\n"
    "left, distribution rules naming former employees, units no one answers for.\n"
    "Exit code 0 when there are no findings, 1 when there are (the findings are\n"
    "printed either way) or the server refused; 3 when it cannot be reached.";

constexpr char kShortExitCodes[] =
    "Exit codes: 0 success, 1 refused by the server, 2 usage error, 3 server unreachable or "
    "too slow (see ctictl --help).";

}  // namespace

void AddRouteCommands(CLI::App& app, const GlobalOptions& globals, int* exit_code,
                      std::ostream& out, std::ostream& err) {
  auto route = std::make_shared<RouteOptions>();
  CLI::App* command = app.add_subcommand(
      "route", "Where a call for an employee, unit, task or case goes now, and why");
  command->footer(std::string(kRouteHelp) + "\n\n" + kShortExitCodes);
  command->add_option("target", route->target.target,
                      "employee:ID | ext:NUMBER | unit:ID | task:WORD | name:\"FULL NAME\"");
  command->add_option("--at", route->at,
                      "Route for this instant: RFC 3339 (2026-01-09T14:00:00+01:00) or local "
                      "time (2026-01-09T14:00); default: the server's now");
  command->add_option("--caller", route->caller_number, "The caller's number as presented");
  command->add_option("--min-position", route->min_position,
                      "Answer only once the server has applied this log position");
  command->add_option("--task", route->target.task, "A case target: the task, e.g. kontanthjælp");
  command->add_option("--unit", route->target.unit,
                      "With --task: the unit whose distribution rules to use");
  command->add_option("--case-key", route->target.case_key,
                      "With --task: the key, e.g. cpr-day:17, cpr-digit:4, address:vestergade:12");
  command->add_option("--cpr", route->target.cpr, "With --task: a CPR number, DDMMYY-SSSS");
  command->add_option("--address", route->target.address,
                      "With --task: an address, e.g. \"Vestergade 12\"");
  command->add_option("--surname", route->target.surname, "With --task: a surname");
  command->add_flag("--json", route->json, "Print the RouteResponse as protobuf JSON");
  command->callback([&globals, exit_code, route, &out, &err] {
    Connection connection(globals);
    *exit_code = RunRoute(connection, *route, out, err);
  });

  auto check = std::make_shared<CheckOptions>();
  command = app.add_subcommand("check", "List where calls can end with nobody (TP-4.8)");
  command->footer(std::string(kCheckHelp) + "\n\n" + kShortExitCodes);
  command->add_option("--min-position", check->min_position,
                      "Check only once the server has applied this log position");
  command->add_flag("--json", check->json, "Print the CheckResponse as protobuf JSON");
  command->callback([&globals, exit_code, check, &out, &err] {
    Connection connection(globals);
    *exit_code = RunCheck(connection, *check, out, err);
  });
}

}  // namespace cti::ctictl
