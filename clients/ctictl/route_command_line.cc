// `ctictl route` and `ctictl check` on the command line (CLI11): flags and --help.
#include <CLI/CLI.hpp>
#include <memory>

#include "route_commands.h"

namespace cti::ctictl {
namespace {

constexpr char kRouteHelp[] =
    "TARGET is one of:\n"
    "  employee:ID       an employee by id\n"
    "  ext:4711          an employee by extension\n"
    "  name:\"Anna Holm\"  an employee by name (all words, as prefixes; æ ø å folded)\n"
    "  unit:ID           a unit: its line, default group, phone desk or hotline\n"
    "  task:WORD         a task or keyword in citizens' words, e.g. task:boligstøtte\n"
    "or bare, tried until one names something: digits as an extension (then an\n"
    "employee id), an id like e017 as an employee (then a unit, then a task), words\n"
    "with spaces as a name (then a task), another word as a task (then a name).\n"
    "A case (TP-5.1) is TASK (or --task TASK) with exactly one of --case-key cpr-day:17 |\n"
    "--cpr DDMMYY-SSSS | --address \"Vestergade 12\" | --surname Østergaard, and optionally\n"
    "--unit ID. A CPR number is checked here, then reduced by the server to the key the\n"
    "rules need; it is never stored or logged (TP-4.2).\n"
    "\n"
    "Prints the resolved target, the numbered steps (kind, name, number, ring seconds,\n"
    "why, rules; the last is always reception taking a message, TP-6.2), what reception\n"
    "may tell the caller (direct number or \"unlisted: give the unit's number\", the\n"
    "unit's number, open now until HH:MM or closed and the next opening, the hours,\n"
    "when the employee is available again), then the reasons with rule ids and the\n"
    "records that decided. Times are in Europe/Copenhagen.\n"
    "\n"
    "Auditors (TP-5.3): --at with --known asks about the past as it was known: --known\n"
    "then (what reception would have been told at --at), --known now (what we now know\n"
    "was true then), a log position or an instant; the last line says what was known.\n"
    "Examples:\n"
    "  ctictl route e017\n"
    "  ctictl route ext:4711 --at 2026-12-01T14:00\n"
    "  ctictl route \"Anna Holm\"\n"
    "  ctictl route ydelse --json\n"
    "  ctictl route kontanthjælp --cpr 170385-1234\n"
    "  ctictl route e017 --at 2026-12-01T10:32 --known then";

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
  command->add_option(
      "target", route->target.target,
      "employee:ID | ext:NUMBER | unit:ID | task:WORD | name:\"FULL NAME\" | a bare "
      "id, extension, name or task | with a case key: the TASK");
  command->add_option("--at", route->at,
                      "Route for this instant: RFC 3339 (2026-01-09T14:00:00+01:00) or local "
                      "time (2026-01-09T14:00); default: the server's now");
  command->add_option("--known", route->known,
                      "Ask about the past (needs --at) with what the log held: then (at --at), "
                      "now, a log position, or an instant");
  command->add_option("--caller", route->caller_number, "The caller's number as presented");
  command->add_option("--min-position", route->min_position,
                      "Answer only once the server has applied this log position");
  command->add_option("--task", route->target.task,
                      "A case: the task, e.g. kontanthjælp (or give it as TARGET)");
  command->add_option("--unit", route->target.unit,
                      "A case: the unit whose distribution rules to use");
  command->add_option("--case-key", route->target.case_key,
                      "A case by its key, e.g. cpr-day:17, cpr-digit:4, address:vestergade:12");
  command->add_option("--cpr", route->target.cpr,
                      "A case by CPR number, DDMMYY-SSSS (never stored)");
  command->add_option("--address", route->target.address,
                      "A case by address, e.g. \"Vestergade 12\"");
  command->add_option("--surname", route->target.surname, "A case by surname, e.g. Østergaard");
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
