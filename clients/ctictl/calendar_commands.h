// ctictl's calendar commands (calendar_import_command.cc), beside those of commands.h and
// with the same conventions: a Run function does the work against a Connection and the
// given streams, answers an exit code (exit_codes.h) and never throws.
#ifndef CTI_CLIENTS_CTICTL_CALENDAR_COMMANDS_H_
#define CTI_CLIENTS_CTICTL_CALENDAR_COMMANDS_H_

#include <iosfwd>
#include <string>

#include "absl/time/time.h"
#include "connection.h"

namespace cti::ctictl {

struct CalendarImportOptions {
  // Whose calendar it is (an employee_id).
  std::string employee_id;
  // The .ics file; "-" is standard input.
  std::string file;
  // The window, RFC 3339. Empty `from`: today 00:00 UTC; empty `until`: `from` + 365 days.
  std::string from;
  std::string until;
  // Print the events as JSON Lines (the format `ctictl append` reads); send nothing.
  bool dry_run = false;
  // Machine-readable output: skipped entries and each append result as JSON lines.
  bool json = false;
};

// `ctictl calendar import EMPLOYEE FILE.ics`: reads the whole file, turns it into
// CalendarEntryUpserted events for the window (server/calendar_import), reports what was
// skipped and why, and appends the events in order with AppendParsedEvents (or prints
// them with --dry-run). `now` decides "today". A file that does not parse sends nothing
// (exit 4, every error with FILE:LINE); a bad --from/--until or employee id is exit 2.
// Event ids are derived from the entries and the caller's actor and role, so importing
// the same file again appends nothing new: the server answers "duplicate".
int RunCalendarImport(Connection& connection, const CalendarImportOptions& options, absl::Time now,
                      std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace cti::ctictl

#endif  // CTI_CLIENTS_CTICTL_CALENDAR_COMMANDS_H_
