// Importing iCalendar files (RFC 5545, as Outlook and Exchange export and publish them)
// into calendar entries of one employee: CalendarEntryUpserted events, one per instance
// of each event inside a time window, recurring events expanded.
//
//   cti::calendar_import::ImportOptions options;
//   options.employee_id = "e17";
//   options.from = absl::FromCivil(absl::CivilDay(2025, 9, 1), absl::UTCTimeZone());
//   options.until = options.from + absl::Hours(24 * 365);
//   options.imported_at = clock.Now();
//   cti::calendar_import::ImportResult result = ImportCalendar(ics_text, options);
//   if (!result.status.ok()) ...  // result.errors name the lines
//
// The mapping rules (kind, show-as, subject, entry and event ids, what is skipped) are
// listed in README.md beside this file. The library knows nothing of gRPC or storage;
// it parses with libical. Thread-safe: calls share no state of ours, and Debian's libical
// keeps its buffers per thread and locks its built-in zone table.
#ifndef CTI_SERVER_CALENDAR_IMPORT_CALENDAR_IMPORT_H_
#define CTI_SERVER_CALENDAR_IMPORT_CALENDAR_IMPORT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cti/v1/event.pb.h"

namespace cti::calendar_import {

struct ImportOptions {
  // Whose calendar it is: 1 to 64 characters from [A-Za-z0-9._:-].
  std::string employee_id;
  // The window: instances that overlap [from, until) are imported. Required, from < until,
  // both within [1970-01-01, 2200-01-01].
  absl::Time from = absl::InfinitePast();
  absl::Time until = absl::InfinitePast();
  // Zone of floating times and all-day (DATE) events, unless the file's X-WR-TIMEZONE
  // names a zone we know. An IANA name or a Windows name.
  std::string default_zone = "Europe/Copenhagen";
  // occurred_at of an event that has none of LAST-MODIFIED, CREATED and DTSTAMP.
  absl::Time imported_at = absl::UnixEpoch();
  // Mixed into every event_id, e.g. who imports: the server refuses an event_id seen
  // before with another payload, and it stamps the actor into the payload.
  std::string id_context;
};

// Why an event, or one instance of it, was not imported.
enum class SkipReason {
  kCancelled,         // STATUS:CANCELLED
  kFree,              // busy status FREE, or TRANSP:TRANSPARENT: does not block the employee
  kCprNumber,         // SUMMARY holds a CPR number (TP-4.2)
  kNoDuration,        // ends when it starts
  kTooManyInstances,  // a rule gives more than 100000 instances before the window's end
  kUnsupported,       // uses something we do not read (RDATE with PERIOD values)
};

// "cancelled", "free", "cpr-number", "no-duration", "too-many-instances", "unsupported".
absl::string_view SkipReasonName(SkipReason reason);

struct SkippedItem {
  std::string uid;
  // The instance (RFC 5545 basic UTC form, e.g. "20250310T080000Z") when only one
  // instance of a recurring event is concerned (an override); empty for a whole event.
  std::string instance;
  // The line of the SUMMARY for kCprNumber, of the RDATE for kUnsupported, otherwise
  // of BEGIN:VEVENT.
  int line = 0;
  SkipReason reason = SkipReason::kCancelled;
  // For people; never holds the SUMMARY text (a CPR number must not be printed).
  std::string message;
};

struct ParseError {
  int line = 0;  // 1-based line of the file
  std::string message;
};

struct ImportResult {
  // OK; or INVALID_ARGUMENT for bad options or a broken file, the message naming the
  // line of the first error and how many more there are. When not OK, `events`,
  // `event_lines` and `skipped` are empty: nothing of a broken file is imported.
  absl::Status status;
  // The parse errors found, by line, at most 100 (the structural check stops at the first).
  std::vector<ParseError> errors;
  // One cti.v1.Event per instance, calendar.entry_upserted set, tenant empty, ordered
  // by start then entry_id.
  std::vector<cti::v1::Event> events;
  // For each of `events`, the line of the BEGIN:VEVENT it came from.
  std::vector<int> event_lines;
  // In file order.
  std::vector<SkippedItem> skipped;
  // VEVENTs read, and how many of them have no instance in the window (not listed in
  // `skipped`).
  int vevents = 0;
  int outside_window = 0;
};

// Imports the text of an .ics file. Never fails outright: see ImportResult::status.
ImportResult ImportCalendar(absl::string_view ics_text, const ImportOptions& options);

}  // namespace cti::calendar_import

#endif  // CTI_SERVER_CALENDAR_IMPORT_CALENDAR_IMPORT_H_
