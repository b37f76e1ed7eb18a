// ctictl's commands. Each Run function does one command's work against a Connection
// and writes to the given streams, so tests can drive it; command_line.h puts them on
// the command line.
//
// Run functions answer an exit code (exit_codes.h). They print results to `out` and
// diagnostics to `err`, and never throw.
#ifndef CTI_CLIENTS_CTICTL_COMMANDS_H_
#define CTI_CLIENTS_CTICTL_COMMANDS_H_

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "connection.h"
#include "event_file.h"
#include "stop_signal.h"

namespace cti::ctictl {

// --- status, rebuild (admin_commands.cc) ---

struct StatusOptions {
  bool json = false;
};
int RunStatus(Connection& connection, const StatusOptions& options, std::ostream& out,
              std::ostream& err);

struct RebuildOptions {
  bool json = false;
  // Draw a redrawn bar (a terminal) rather than periodic lines.
  bool interactive = false;
};
// Progress goes to `progress`, the final digest to `out`.
int RunRebuild(Connection& connection, const RebuildOptions& options, std::ostream& out,
               std::ostream& progress);

// --- erase (admin_commands.cc) ---

struct EraseOptions {
  // Exactly one names whose data is erased.
  std::string employee_id;
  std::string caller_number;
  std::string message_id;
  std::string reason;  // required: e.g. the case number of the request
  bool json = false;
};
// Appends a PersonalDataErased (GDPR art. 17) and reports it as `append` does.
int RunErase(Connection& connection, const EraseOptions& options, std::ostream& out,
             std::ostream& err);

// --- backup, restore (backup_commands.cc) ---

struct BackupOptions {
  // The backup's directory on the server's machine: absolute, not existing yet.
  std::string to;
  bool json = false;
};
// Asks the server for a backup (AdminService.Backup; no deadline: it takes as long as
// copying the data takes) and prints what it holds.
int RunBackup(Connection& connection, const BackupOptions& options, std::ostream& out,
              std::ostream& err);

// The manifest a backup directory holds (BACKUP.json).
inline constexpr char kBackupManifest[] = "BACKUP.json";

struct RestoreOptions {
  std::string from;      // a backup directory (made by `ctictl backup`)
  std::string data_dir;  // the new data directory: missing or empty
  bool json = false;
};
// Copies a backup into a new data directory for ctid, on this machine, after checking
// its manifest; talks to no server. kExitBadInput when `from` is not a finished backup;
// kExitUsage when `data_dir` exists and is not an empty directory. The copy is synced to
// disk and appears under `data_dir` only once complete.
int RunRestore(const RestoreOptions& options, std::ostream& out, std::ostream& err);

// --- search, show (directory_commands.cc) ---

struct SearchOptions {
  std::vector<std::string> words;
  std::string kind;  // "", "employee" or "unit"
  uint32_t limit = 0;
  bool json = false;
};
int RunSearch(Connection& connection, const SearchOptions& options, std::ostream& out,
              std::ostream& err);

struct ShowOptions {
  bool unit = false;  // false: an employee
  std::string id;
  bool json = false;
};
int RunShow(Connection& connection, const ShowOptions& options, std::ostream& out,
            std::ostream& err);

// --- calls (call_commands.cc) ---

struct CallsOptions {
  std::string unit_id;      // only this unit's calls; empty: all
  std::string employee_id;  // only this employee's calls; empty: all
  bool json = false;
};
int RunCalls(Connection& connection, const CallsOptions& options, std::ostream& out,
             std::ostream& err);

struct CallCountsOptions {
  std::string from_day;  // YYYY-MM-DD; required
  std::string to_day;    // inclusive; empty: from_day
  std::string unit_id;   // only this unit; empty: all
  bool json = false;
};
int RunCallCounts(Connection& connection, const CallCountsOptions& options, std::ostream& out,
                  std::ostream& err);

// --- callbacks and voicemail duty (callback_commands.cc) ---

struct CallbacksOptions {
  bool overdue = false;     // only the open callbacks overdue now
  bool completed = false;   // the callbacks completed today instead of the open ones
  std::string unit_id;      // only this unit's callbacks; empty: all
  std::string employee_id;  // only this employee's callbacks; empty: all
  std::string at;           // RFC 3339 instant to judge at; empty: the server's now
  bool json = false;
};
int RunCallbacks(Connection& connection, const CallbacksOptions& options, std::ostream& out,
                 std::ostream& err);

struct VoicemailOptions {
  std::string unit_id;  // only this unit; empty: every unit with something to report
  std::string at;       // RFC 3339 instant to judge at; empty: the server's now
  bool json = false;
};
int RunVoicemail(Connection& connection, const VoicemailOptions& options, std::ostream& out,
                 std::ostream& err);

// --- append (append_command.cc) ---

struct AppendOptions {
  std::string file;  // "-" is standard input
  bool continue_on_error = false;
  bool json = false;
};
// Reads and parses the whole file from `in` when file is "-") before sending anything.
int RunAppend(Connection& connection, const AppendOptions& options, std::istream& in,
              std::ostream& out, std::ostream& err);

// Sends `events` in order (options.file is not read), filling in the connection's tenant
// where an event has none, and reports each result as RunAppend does. For commands that
// make events themselves (e.g. `calendar import`).
int AppendParsedEvents(Connection& connection, const AppendOptions& options,
                       std::vector<ParsedEvent> events, std::ostream& out, std::ostream& err);

// --- watch (watch_command.cc) ---

struct WatchOptions {
  // First position to show (inclusive); 0: from the start of the log.
  uint64_t from_position = 0;
  bool from_now = false;
  std::vector<std::string> families;  // "call", "staff", "calendar"; empty: all
  std::vector<std::string> kinds;     // event types, e.g. "call.offered"; empty: all
  std::string employee_id;            // only records naming this employee; empty: all
  bool json = false;
  // Seconds between server heartbeats; 0: the server default.
  uint32_t heartbeat_seconds = 0;
};
// Follows the log until `stop` is stopped (answers 0) or the server fails with a code
// other than UNAVAILABLE or RESOURCE_EXHAUSTED; after those it reconnects with backoff,
// resuming after the last position seen.
int RunWatch(Connection& connection, const WatchOptions& options, std::ostream& out,
             std::ostream& err, StopSignal& stop);

// --- replay (replay_command.cc) ---

struct ReplayOptions {
  // Where the range starts and ends (both inclusive for positions; a time ends before
  // itself): a position ("1200") or an instant (ParseAt: RFC 3339, or local time in
  // Europe/Copenhagen). Empty: the log's start, the projector's applied end.
  std::string from;
  std::string to;
  std::vector<std::string> families;  // "call", "staff", "calendar"; empty: all
  std::vector<std::string> kinds;     // event types, e.g. "call.route_decided"; empty: all
  std::string employee_id;            // only records naming this employee
  std::string unit_id;                // only records about this unit
  std::string actor_id;               // only records by this actor
  bool rejected_only = false;
  bool json = false;  // one LogRecord per line as JSON (JSON lines)
  // Draw a progress bar on `progress` (a terminal); otherwise one summary line at the end.
  bool interactive = false;
};
// Streams a closed range of the tenant's history (AuditService.Replay) to `out`, one
// record per line (FormatLogRecord, or JSON), with progress and a summary on
// `progress`. kExitUsage for a malformed --from/--to or an unknown family.
int RunReplay(Connection& connection, const ReplayOptions& options, std::ostream& out,
              std::ostream& progress);

// --- report (report_command.cc) ---

struct ReportOptions {
  std::string from_day;   // YYYY-MM-DD; required
  std::string to_day;     // inclusive; empty: from_day
  std::string unit_id;    // only this unit; empty: all
  std::string csv_path;   // write ComplianceCsv here; empty: none
  std::string json_path;  // write the response as protobuf JSON here; empty: none
  std::string svg_path;   // write ComplianceSvg here; empty: none
  bool json = false;      // print the response as JSON instead of the table
};
// Asks AuditService.ComplianceReport, prints the table (or JSON) and writes the files
// asked for. kExitBadInput when a file cannot be written (after saying which).
int RunReport(Connection& connection, const ReportOptions& options, std::ostream& out,
              std::ostream& err);

}  // namespace cti::ctictl

#endif  // CTI_CLIENTS_CTICTL_COMMANDS_H_
