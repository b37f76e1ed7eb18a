#include "command_line.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "calendar_commands.h"
#include "commands.h"
#include "connection.h"
#include "console_commands.h"
#include "exit_codes.h"
#include "route_commands.h"
#include "server/token.h"

namespace cti::ctictl {
namespace {

constexpr char kShortExitCodes[] =
    "Exit codes: 0 success, 1 refused by the server, 2 usage error, 3 server unreachable or "
    "too slow, 4 bad input file (see ctictl --help).";

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

// Accepts a role as "admin" or "ROLE_ADMIN", in any case, and turns it into the short
// lower-case name the server reads.
const CLI::Validator& RoleValidator() {
  static const CLI::Validator validator(
      [](std::string& role) -> std::string {
        std::string name = absl::AsciiStrToLower(role);
        if (absl::StartsWith(name, "role_")) name = name.substr(5);
        for (const char* known :
             {"softphone", "reception", "admin", "director", "auditor", "system"}) {
          if (name == known) {
            role = name;
            return "";
          }
        }
        return "unknown role '" + role +
               "' (softphone, reception, admin, director, auditor or system)";
      },
      "ROLE");
  return validator;
}

// Reads the file an option names into `*into` while the command line is parsed; an
// unreadable or empty file is a usage error naming it. `trim` drops surrounding
// whitespace (a token file's newline).
CLI::Validator ReadInto(std::string* into, bool trim) {
  return CLI::Validator(
      [into, trim](std::string& path) -> std::string {
        std::ifstream in(path);
        if (!in) return "cannot read " + path;
        std::stringstream text;
        text << in.rdbuf();
        *into = text.str();
        if (trim) *into = std::string(absl::StripAsciiWhitespace(*into));
        if (into->empty()) return path + " is empty";
        return "";
      },
      "FILE");
}

// A command with a one-line summary (listed in `ctictl --help`) and details that end its
// own --help, above the exit codes.
CLI::App* AddCommand(CLI::App& app, const std::string& name, const std::string& summary,
                     const std::string& details) {
  CLI::App* command = app.add_subcommand(name, summary);
  command->footer(details.empty() ? std::string(kShortExitCodes)
                                  : details + "\n\n" + kShortExitCodes);
  return command;
}

// Runs `run` on a fresh connection when `command` is chosen.
template <typename Run>
void OnChosen(CLI::App* command, const GlobalOptions& globals, int* exit_code, Run run) {
  command->callback([&globals, exit_code, run] {
    Connection connection(globals);
    *exit_code = run(connection);
  });
}

// ctictl token new: a fresh token and the identities-file line that lets it in.
void AddToken(CLI::App& app, int* exit_code) {
  CLI::App* token = AddCommand(app, "token", "Make bearer tokens for ctid's --identities file", "");
  token->require_subcommand(1);
  struct Options {
    std::string actor;
    std::string role;
    std::string tenants;
  };
  auto options = std::make_shared<Options>();
  CLI::App* make = token->add_subcommand(
      "new", "Print a new random token and its line for ctid's identities file");
  make->footer(
      "Prints two lines: the secret token (give it to the caller, e.g. as CTI_TOKEN; it is not\n"
      "shown again and not stored) and the line to add to ctid's --identities file, which\n"
      "holds only the token's SHA-256. ctid reads the file at start.\n\n" +
      std::string(kShortExitCodes));
  make->add_option("--for", options->actor, "The actor id the token stands for, e.g. e314")
      ->required();
  make->add_option("--as", options->role, "Its role")->required()->transform(RoleValidator());
  make->add_option("--tenants", options->tenants,
                   "Comma-separated tenant ids it may use, or * for every tenant")
      ->required();
  make->callback([options, exit_code] {
    absl::StatusOr<std::string> secret = cti::server::NewToken();
    if (!secret.ok()) {
      std::cerr << "ctictl: token new: " << secret.status().message() << "\n";
      *exit_code = kExitUsage;
      return;
    }
    std::cout << "token: " << *secret << "\n"
              << "identities line: token " << cti::server::TokenHash(*secret) << " "
              << options->actor << " " << options->role << " " << options->tenants << "\n";
    *exit_code = kExitOk;
  });
}

void AddStatus(CLI::App& app, const GlobalOptions& globals, int* exit_code) {
  auto options = std::make_shared<StatusOptions>();
  CLI::App* command = AddCommand(
      app, "status", "Show the server's log position, applied position and state digest",
      "Shows, for --tenant: log backend, log end, applied position and lag, state digest,\n"
      "projection schema version, record counters and start time (Europe/Copenhagen).");
  command->add_flag("--json", options->json,
                    "Print the GetStatus response as protobuf JSON (proto field names, "
                    "defaults included)");
  OnChosen(command, globals, exit_code,
           [options](Connection& c) { return RunStatus(c, *options, std::cout, std::cerr); });
}

void AddRebuild(CLI::App& app, const GlobalOptions& globals, int* exit_code) {
  auto options = std::make_shared<RebuildOptions>();
  CLI::App* command =
      AddCommand(app, "rebuild", "Rebuild every projection from the log",
                 "Shows progress on stderr (a bar on a terminal, a line a second otherwise):\n"
                 "records applied/total, percentage, records per second. Prints the new state\n"
                 "digest at the end. Needs the admin role.");
  command->add_flag("--json", options->json, "Print the final RebuildProgress as JSON");
  OnChosen(command, globals, exit_code, [options](Connection& c) {
    options->interactive = isatty(STDERR_FILENO) != 0;
    return RunRebuild(c, *options, std::cout, std::cerr);
  });
}

void AddErase(CLI::App& app, const GlobalOptions& globals, int* exit_code) {
  auto options = std::make_shared<EraseOptions>();
  CLI::App* command = AddCommand(
      app, "erase", "Erase a person's data (GDPR art. 17): an employee, a caller, a message",
      "Appends a PersonalDataErased record. Names, numbers, e-mail and message texts are\n"
      "sealed in the log with a key per person; the server deletes that person's key and\n"
      "rebuilds its projections, after which their data reads as \"[slettet]\" everywhere\n"
      "and is gone from the data directory. The records stay in the log, so history and\n"
      "routing stay as they were. A caller is named by a number they called from or gave\n"
      "(+45 12345678, 0045 12345678 and 12345678 are the same caller); the number itself\n"
      "is not logged. Cannot be undone. Needs the admin or director role.");
  command->add_option("--employee", options->employee_id, "An employee's id");
  command->add_option("--caller", options->caller_number, "A caller's phone number");
  command->add_option("--message", options->message_id,
                      "A message taken without a callback number");
  command->add_option("--reason", options->reason, "Why, e.g. the case number of the request")
      ->required();
  command->add_flag("--json", options->json, "Print the result as JSON (as `append --json`)");
  OnChosen(command, globals, exit_code,
           [options](Connection& c) { return RunErase(c, *options, std::cout, std::cerr); });
}

void AddBackup(CLI::App& app, const GlobalOptions& globals, int* exit_code) {
  auto options = std::make_shared<BackupOptions>();
  CLI::App* command = AddCommand(
      app, "backup", "Back up the log and the projections while the server runs",
      "The server writes a consistent copy of its embedded log (records 1..L) and its\n"
      "projections (at exactly L) into DIR on the server's machine, while appends and\n"
      "queries go on; DIR is then a data directory for ctid, with a BACKUP.json manifest.\n"
      "DIR must be an absolute path that does not exist yet; its parent must. Files are\n"
      "hard-linked when DIR is on the data directory's filesystem, copied otherwise.\n"
      "Prints L, the state digest at L, the size and how long the projector paused.\n"
      "Needs the admin role. With the Kafka log there is nothing to back up: a replica's\n"
      "data directory is disposable and rebuilt from the cluster.");
  command->add_option("--to", options->to, "The backup's directory (absolute, new)")->required();
  command->add_flag("--json", options->json, "Print the BackupResponse as protobuf JSON");
  OnChosen(command, globals, exit_code,
           [options](Connection& c) { return RunBackup(c, *options, std::cout, std::cerr); });
}

void AddRestore(CLI::App& app, int* exit_code) {
  auto options = std::make_shared<RestoreOptions>();
  CLI::App* command = AddCommand(
      app, "restore", "Restore a backup into a new data directory (on this machine)",
      "Checks the backup's BACKUP.json manifest and parts, then copies it into the new\n"
      "data directory (missing or empty), synced to disk. Talks to no server: run it on\n"
      "the machine of the backup, then start ctid with --data-dir NEW; its GetStatus then\n"
      "shows the backup's position and state digest. Exit 4 when --from is not a finished\n"
      "backup, 2 when --data-dir is not empty.");
  command->add_option("--from", options->from, "A backup directory made by `ctictl backup`")
      ->required();
  command->add_option("--data-dir", options->data_dir, "The new data directory")->required();
  command->add_flag("--json", options->json, "Print the backup's manifest as JSON");
  command->callback(
      [options, exit_code] { *exit_code = RunRestore(*options, std::cout, std::cerr); });
}

void AddSearch(CLI::App& app, const GlobalOptions& globals, int* exit_code) {
  auto options = std::make_shared<SearchOptions>();
  CLI::App* command = AddCommand(
      app, "search", "Search employees and units by name or task",
      "Every word must match the start of a word of a name or task, case-insensitive\n"
      "(æ, ø, å included); best matches first. Columns: type, id, name, unit, extension,\n"
      "direct number, tasks. An unlisted employee's direct number shows as \"(unlisted)\"\n"
      "(TP-3.5).");
  command->add_option("query", options->words, "Words to find, e.g. anna hol")->required();
  command->add_option("--kind", options->kind, "Only employees or only units")
      ->check(CLI::IsMember({"employee", "unit"}));
  command->add_option("--limit", options->limit, "Most hits to show (server default 20)")
      ->check(CLI::Range(0u, 500u));
  command->add_flag("--json", options->json, "Print the SearchResponse as protobuf JSON");
  OnChosen(command, globals, exit_code,
           [options](Connection& c) { return RunSearch(c, *options, std::cout, std::cerr); });
}

void AddConsole(CLI::App& app, const GlobalOptions& globals, int* exit_code) {
  auto options = std::make_shared<ConsoleOptions>();
  CLI::App* command = AddCommand(
      app, "console", "The reception console: live calls, search, messages, callbacks",
      "Type to search by name or task; each hit shows what the person is doing now.\n"
      "Up/Down choose a hit. Enter: where a call for it goes and why (TP-6.3). F2: the\n"
      "number to give (never an unlisted one, TP-3.5). F3: take a message (TP-6.2).\n"
      "F4: request a callback (TP-4.3). Esc clears or leaves a form. F10 or Ctrl-C quits.\n"
      "The calls in progress are read again every second.");
  OnChosen(command, globals, exit_code,
           [options](Connection& c) { return RunConsole(c, *options, std::cerr); });
}

void AddCalls(CLI::App& app, const GlobalOptions& globals, int* exit_code) {
  auto options = std::make_shared<CallsOptions>();
  CLI::App* command = AddCommand(
      app, "calls", "Show the calls in progress: waiting, ringing, talking",
      "Longest waiting first. Columns: state, time in that state, when offered (local\n"
      "time), time in all, call id, caller, target (\"(reception)\" until a call first\n"
      "rings, TP-6.1), the target's unit; then counts per unit and employee. The summary\n"
      "line counts every call of the tenant.");
  command->add_option("--unit", options->unit_id, "Only calls for this unit or its employees");
  command->add_option("--employee", options->employee_id, "Only calls for this employee");
  command->add_flag("--json", options->json, "Print the ListLiveCallsResponse as protobuf JSON");
  OnChosen(command, globals, exit_code,
           [options](Connection& c) { return RunCalls(c, *options, std::cout, std::cerr); });
}

void AddCallCounts(CLI::App& app, const GlobalOptions& globals, int* exit_code) {
  auto options = std::make_shared<CallCountsOptions>();
  CLI::App* command = AddCommand(
      app, "call-counts", "Show the calls counted per unit and day (TP-3.6)",
      "Per unit and local day, the calls offered within its phone hours (as ctid knew\n"
      "them when each call came in): answered, abandoned by the caller, failed; the\n"
      "answer rate; the wait by which half and nine in ten of the answers came; then the\n"
      "whole day's calls offered and answered. A call counts for the unit whose number\n"
      "was dialled, on the day it came in.");
  command->add_option("--from", options->from_day, "The first day, YYYY-MM-DD")->required();
  command->add_option("--to", options->to_day, "The last day, YYYY-MM-DD (default: --from)");
  command->add_option("--unit", options->unit_id, "Only this unit's calls");
  command->add_flag("--json", options->json, "Print the ListCallCountsResponse as protobuf JSON");
  OnChosen(command, globals, exit_code,
           [options](Connection& c) { return RunCallCounts(c, *options, std::cout, std::cerr); });
}

void AddCallbacks(CLI::App& app, const GlobalOptions& globals, int* exit_code) {
  auto options = std::make_shared<CallbacksOptions>();
  CLI::App* command = AddCommand(
      app, "callbacks", "Show the callbacks promised to citizens: open, overdue, completed",
      "Always call back when a colleague promised it or the citizen asks for it (TP-4.3).\n"
      "Earliest due first. Columns: due (local time: the end of the phone day of the\n"
      "assignee's unit, fixed when promised; \"next phone day\" when promised after hours,\n"
      "TP-3.14), state (open, OVERDUE, done), callback id, the number to call, assignee,\n"
      "unit, who asked (citizen, colleague, reception, voicemail), when requested. The\n"
      "summary line counts the open and overdue callbacks of the tenant, unit or employee.");
  command->add_flag("--overdue", options->overdue, "Only open callbacks past their due time");
  command->add_flag("--completed", options->completed,
                    "The callbacks completed today instead (latest first)");
  command->add_option("--unit", options->unit_id, "Only callbacks for this unit or its employees");
  command->add_option("--employee", options->employee_id, "Only callbacks for this employee");
  command->add_option("--at", options->at,
                      "Judge at this instant: RFC 3339 or local time (default: now)");
  command->add_flag("--json", options->json, "Print the ListCallbacksResponse as protobuf JSON");
  OnChosen(command, globals, exit_code,
           [options](Connection& c) { return RunCallbacks(c, *options, std::cout, std::cerr); });
}

void AddVoicemail(CLI::App& app, const GlobalOptions& globals, int* exit_code) {
  auto options = std::make_shared<VoicemailOptions>();
  CLI::App* command = AddCommand(
      app, "voicemail", "Show the voicemail duty: mailboxes not listened to, greetings",
      "Voicemail is listened to every day; a greeting always starts with the normal hours\n"
      "(TP-3.14). Per unit: the mailboxes with voicemails not listened to (\"!\" when one\n"
      "was left before today), then each greeting recorded and whether it starts with the\n"
      "unit's normal phone hours (e.g. \"man–ons 8–16, tors 8–17, fre 8–14\", optionally\n"
      "after \"Telefontid:\"); \"!\" when it does not.");
  command->add_option("--unit", options->unit_id, "Only this unit");
  command->add_option("--at", options->at,
                      "Judge at this instant: RFC 3339 or local time (default: now)");
  command->add_flag("--json", options->json, "Print the GetVoicemailDutyResponse as protobuf JSON");
  OnChosen(command, globals, exit_code,
           [options](Connection& c) { return RunVoicemail(c, *options, std::cout, std::cerr); });
}

void AddShow(CLI::App& app, const GlobalOptions& globals, int* exit_code) {
  CLI::App* show = AddCommand(app, "show", "Show one employee or one unit",
                              "ctictl show employee ID | ctictl show unit ID");
  show->require_subcommand(1);
  show->fallthrough();
  for (const bool unit : {false, true}) {
    auto options = std::make_shared<ShowOptions>();
    options->unit = unit;
    CLI::App* command =
        unit ? AddCommand(*show, "unit", "Show a unit",
                          "The unit's record, its phone-responsible persons, its active\n"
                          "employees and its child units.")
             : AddCommand(*show, "employee", "Show an employee",
                          "Also one who has left. An unlisted direct number is shown, marked\n"
                          "as not to be given to callers (TP-3.5).");
    command->add_option("id", options->id, unit ? "The unit_id" : "The employee_id")->required();
    command->add_flag("--json", options->json, "Print the response as protobuf JSON");
    OnChosen(command, globals, exit_code,
             [options](Connection& c) { return RunShow(c, *options, std::cout, std::cerr); });
  }
}

void AddAppend(CLI::App& app, const GlobalOptions& globals, int* exit_code) {
  auto options = std::make_shared<AppendOptions>();
  CLI::App* command = AddCommand(
      app, "append", "Append the events of a file to the log",
      "FILE holds cti.v1.Event objects in protobuf JSON: one per line (blank lines and\n"
      "lines starting with # are skipped), or one JSON array; '-' reads stdin. Unknown\n"
      "fields are errors. The whole file is parsed first: on a parse error nothing is\n"
      "sent (exit 4). Events without a tenant get --tenant. Events are appended in order\n"
      "and each one's position is printed (\"duplicate\" when its event_id was appended\n"
      "before). The first refused event stops the run unless --continue-on-error.");
  command->add_option("file", options->file, "Event file, or - for stdin")->required();
  command->add_flag("--continue-on-error", options->continue_on_error,
                    "Keep going after an event the server refuses (exit code is still "
                    "non-zero)");
  command->add_flag("--json", options->json,
                    "Print one JSON object per event: location, index, and the "
                    "AppendResponse or the error");
  OnChosen(command, globals, exit_code, [options](Connection& c) {
    return RunAppend(c, *options, std::cin, std::cout, std::cerr);
  });
}

void AddWatch(CLI::App& app, const GlobalOptions& globals, int* exit_code) {
  auto options = std::make_shared<WatchOptions>();
  CLI::App* command = AddCommand(
      app, "watch", "Follow the log live",
      "One line per record: position, recorded_at (Europe/Copenhagen), family/change,\n"
      "actor and role, the ids it concerns, and \"REJECTED: reason\" when the projector\n"
      "rejected it. After UNAVAILABLE or RESOURCE_EXHAUSTED it reconnects with backoff and\n"
      "resumes after the last position shown: no gap, no repeat. Ctrl-C ends it (exit 0).");
  CLI::Option* from = command->add_option("--from", options->from_position,
                                          "First position to show (default: the log's start)");
  command->add_flag("--from-now", options->from_now, "Show only records appended from now on")
      ->excludes(from);
  command->add_option("--family", options->families, "Only this family; repeatable")
      ->check(CLI::IsMember({"call", "staff", "calendar"}));
  command->add_option("--kind", options->kinds,
                      "Only this event type, e.g. call.offered or calendar.entry_added; "
                      "repeatable");
  command->add_option("--employee", options->employee_id,
                      "Only records naming this employee (their staff changes, calendar, "
                      "calls)");
  command
      ->add_option("--heartbeat", options->heartbeat_seconds,
                   "Seconds between server heartbeats on a quiet stream (0: server "
                   "default, 5)")
      ->check(CLI::Range(0u, 300u));
  command->add_flag("--json", options->json, "Print each LogRecord as one line of JSON");
  command->callback([&globals, exit_code, options] {
    // Signals are redirected before the channel (and its threads) exist.
    StopSignal stop;
    InterruptWatcher watcher(stop);
    Connection connection(globals);
    *exit_code = RunWatch(connection, *options, std::cout, std::cerr, stop);
  });
}

void AddReplay(CLI::App& app, const GlobalOptions& globals, int* exit_code) {
  auto options = std::make_shared<ReplayOptions>();
  CLI::App* command = AddCommand(
      app, "replay", "Stream a range of the log's history (auditors)",
      "Prints the tenant's records of a closed range, in log order, one per line as `watch`\n"
      "does (or JSON lines with --json), then ends. --from and --to take a position\n"
      "(inclusive) or an instant (records the log recorded from --from and before --to;\n"
      "RFC 3339, or local time in Europe/Copenhagen: 2024-11-29T10:30). Without --to it\n"
      "ends at the position the server had applied when asked. A progress bar on stderr\n"
      "when it is a terminal; a summary line at the end. Decision traces of Route are\n"
      "--kind call.route_decided.");
  command->add_option("--from", options->from, "First position, or the instant to start at");
  command->add_option("--to", options->to, "Last position, or the instant to end before");
  command->add_option("--family", options->families, "Only this family; repeatable")
      ->check(CLI::IsMember({"call", "staff", "calendar"}));
  command->add_option("--kind", options->kinds,
                      "Only this event type, e.g. call.route_decided; repeatable");
  CLI::Option* employee =
      command->add_option("--employee", options->employee_id, "Only records naming this employee");
  command->add_option("--unit", options->unit_id, "Only records about this unit")
      ->excludes(employee);
  command->add_option("--actor", options->actor_id,
                      "Only records by this actor (who appended them)");
  command->add_flag("--rejected", options->rejected_only,
                    "Only records the projector rejected, with the reason");
  command->add_flag("--json", options->json, "Print each LogRecord as one line of JSON");
  OnChosen(command, globals, exit_code, [options](Connection& c) {
    options->interactive = isatty(STDERR_FILENO) != 0;
    return RunReplay(c, *options, std::cout, std::cerr);
  });
}

void AddReport(CLI::App& app, const GlobalOptions& globals, int* exit_code) {
  auto options = std::make_shared<ReportOptions>();
  CLI::App* command = AddCommand(
      app, "report", "Report how a period measured up to the telephone policy (auditors)",
      "Per unit and per TP rule, for the local days --from to --to: calls within phone\n"
      "hours answered, lost and the waits (TP-3.6); callbacks made by their due time\n"
      "(TP-4.3); voicemail listened to within its phone day (TP-3.14); reductions and\n"
      "unmanned periods in force, chains of reductions over 6 months and refused ones\n"
      "(TP-3.13, TP-4.7); units without a phone-responsible person (TP-5.2); sickness\n"
      "without a forwarding (TP-4.5); dead-end routes (TP-4.8). Then every finding, a\n"
      "breach marked \"!\". Hours, calendars and units are read as the log held them at\n"
      "the end of the period. --csv, --json-file and --svg write the figures to files\n"
      "(the SVG charts answer rate and callbacks on time per unit).");
  command->add_option("--from", options->from_day, "The first day, YYYY-MM-DD")->required();
  command->add_option("--to", options->to_day, "The last day, YYYY-MM-DD (default: --from)");
  command->add_option("--unit", options->unit_id, "Only this unit");
  command->add_option("--csv", options->csv_path, "Write one CSV row per unit to this file");
  command->add_option("--json-file", options->json_path,
                      "Write the ComplianceReportResponse as JSON to this file");
  command->add_option("--svg", options->svg_path,
                      "Write a chart of answer rate and callbacks on time per unit (SVG)");
  command->add_flag("--json", options->json,
                    "Print the ComplianceReportResponse as protobuf JSON instead of the table");
  OnChosen(command, globals, exit_code,
           [options](Connection& c) { return RunReport(c, *options, std::cout, std::cerr); });
}

void AddCalendar(CLI::App& app, const GlobalOptions& globals, int* exit_code) {
  CLI::App* calendar = AddCommand(app, "calendar", "Employees' calendars",
                                  "ctictl calendar import EMPLOYEE FILE.ics");
  calendar->require_subcommand(1);
  calendar->fallthrough();
  auto options = std::make_shared<CalendarImportOptions>();
  CLI::App* command = AddCommand(
      *calendar, "import", "Import an iCalendar (.ics) file as calendar entries",
      "Reads an RFC 5545 file as Outlook and Exchange export and publish it and appends\n"
      "one calendar entry per event instance that overlaps the window: recurring events\n"
      "are expanded (RRULE, RDATE, EXDATE, moved instances), times are converted to UTC\n"
      "with the file's VTIMEZONEs, Windows zone names or IANA names, all-day events run\n"
      "midnight to midnight in Europe/Copenhagen. Free, transparent and cancelled events\n"
      "are skipped, and so are events whose subject holds a CPR number (TP-4.2); each\n"
      "skip is listed with its line. A file that does not parse sends nothing (exit 4).\n"
      "Importing the same file again is idempotent: the server answers \"duplicate\".\n"
      "The mapping rules are in server/calendar_import/README.md.");
  command->add_option("employee", options->employee_id, "The employee_id whose calendar it is")
      ->required();
  command->add_option("file", options->file, "The .ics file, or - for stdin")->required();
  command->add_option("--from", options->from,
                      "Start of the window, RFC 3339 (default: today 00:00 UTC)");
  command->add_option("--until", options->until,
                      "End of the window (exclusive), RFC 3339 (default: --from + 365 days)");
  command->add_flag("--dry-run", options->dry_run,
                    "Print the events as JSON Lines (as `ctictl append` reads them) and send "
                    "nothing");
  command->add_flag("--json", options->json,
                    "Print skipped entries and each append result as JSON lines");
  OnChosen(command, globals, exit_code, [options](Connection& c) {
    return RunCalendarImport(c, *options, absl::Now(), std::cin, std::cout, std::cerr);
  });
}

}  // namespace

int RunCommandLine(int argc, char** argv) {
  GlobalOptions globals;
  globals.server = EnvOr("CTI_SERVER", globals.server);
  globals.tenant = EnvOr("CTI_TENANT", globals.tenant);
  globals.actor = EnvOr("USER", globals.actor);
  int exit_code = kExitOk;

  CLI::App app("ctictl: command-line client of ctid, the CTI server (gRPC API cti.v1).");
  app.footer(kExitCodeHelp);
  app.require_subcommand(1);
  app.fallthrough();
  app.add_option("--server", globals.server, "ctid address host:port (env CTI_SERVER)")
      ->capture_default_str();
  app.add_option("--tenant", globals.tenant, "Tenant (municipality) id (env CTI_TENANT)")
      ->capture_default_str();
  app.add_option("--actor", globals.actor,
                 "Your actor id, sent as x-cti-actor without --token ($USER)")
      ->capture_default_str();
  app.add_option("--role", globals.role,
                 "Your role, sent as x-cti-role without --token: softphone, reception, admin, "
                 "director, auditor or system")
      ->capture_default_str()
      ->transform(RoleValidator());
  app.add_option("--timeout", globals.timeout_seconds,
                 "Deadline of each request in seconds (not for watch, rebuild and backup)")
      ->capture_default_str()
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            double seconds = 0;
            if (!absl::SimpleAtod(text, &seconds) || !(seconds > 0) || seconds > 86400) {
              return "must be a number of seconds above 0, at most 86400";
            }
            return "";
          },
          "SECONDS"));

  app.add_option("--token", globals.token,
                 "Bearer token for a ctid with --identities (env CTI_TOKEN); prefer "
                 "--token-file, which keeps it out of the process list")
      ->envname("CTI_TOKEN");
  std::string unused_path;
  app.add_option("--token-file", unused_path, "A file holding the bearer token")
      ->check(ReadInto(&globals.token, /*trim=*/true));
  app.add_flag("--tls", globals.tls, "Connect with TLS, trusting the system's CAs");
  app.add_option("--tls-ca", unused_path,
                 "Connect with TLS, trusting the CAs in this PEM file (env CTI_TLS_CA)")
      ->envname("CTI_TLS_CA")
      ->check(ReadInto(&globals.tls_ca_pem, /*trim=*/false));
  app.add_option("--tls-cert", unused_path, "A client certificate (PEM) for mutual TLS")
      ->check(ReadInto(&globals.tls_cert_pem, /*trim=*/false));
  app.add_option("--tls-key", unused_path, "The client certificate's private key (PEM)")
      ->check(ReadInto(&globals.tls_key_pem, /*trim=*/false));
  app.add_option("--tls-server-name", globals.tls_server_name,
                 "The name the server's certificate must hold, when not the --server host");

  AddStatus(app, globals, &exit_code);
  AddToken(app, &exit_code);
  AddSearch(app, globals, &exit_code);
  AddCalls(app, globals, &exit_code);
  AddCallCounts(app, globals, &exit_code);
  AddConsole(app, globals, &exit_code);
  AddCallbacks(app, globals, &exit_code);
  AddVoicemail(app, globals, &exit_code);
  AddShow(app, globals, &exit_code);
  AddAppend(app, globals, &exit_code);
  AddCalendar(app, globals, &exit_code);
  AddWatch(app, globals, &exit_code);
  AddReplay(app, globals, &exit_code);
  AddReport(app, globals, &exit_code);
  AddRebuild(app, globals, &exit_code);
  AddErase(app, globals, &exit_code);
  AddBackup(app, globals, &exit_code);
  AddRestore(app, &exit_code);
  AddRouteCommands(app, globals, &exit_code, std::cout, std::cerr);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int cli_code = app.exit(e);
    return cli_code == 0 ? kExitOk : kExitUsage;
  }
  return exit_code;
}

}  // namespace cti::ctictl
