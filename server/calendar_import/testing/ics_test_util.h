// Helpers for the calendar import tests: calendars written inline, and events printed
// in one line each so that expectations read like a table.
#ifndef CTI_SERVER_CALENDAR_IMPORT_TESTING_ICS_TEST_UTIL_H_
#define CTI_SERVER_CALENDAR_IMPORT_TESTING_ICS_TEST_UTIL_H_

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "server/calendar_import/calendar_import.h"

namespace cti::calendar_import::testing {

// The VTIMEZONE Outlook writes for Copenhagen ("Brussels, Copenhagen, Madrid, Paris").
inline constexpr char kRomanceVTimezone[] =
    "BEGIN:VTIMEZONE\n"
    "TZID:Romance Standard Time\n"
    "BEGIN:STANDARD\n"
    "DTSTART:16011028T030000\n"
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\n"
    "TZOFFSETFROM:+0200\n"
    "TZOFFSETTO:+0100\n"
    "END:STANDARD\n"
    "BEGIN:DAYLIGHT\n"
    "DTSTART:16010325T020000\n"
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\n"
    "TZOFFSETFROM:+0100\n"
    "TZOFFSETTO:+0200\n"
    "END:DAYLIGHT\n"
    "END:VTIMEZONE\n";

// A VCALENDAR holding kRomanceVTimezone and `body` (VEVENTs, '\n' line ends).
inline std::string Calendar(const std::string& body) {
  return absl::StrCat("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//ics//DA\n", kRomanceVTimezone,
                      body, "END:VCALENDAR\n");
}

// A VEVENT with UID `uid`, DTSTAMP and the given property lines.
inline std::string Event(const std::string& uid, const std::vector<std::string>& lines) {
  return absl::StrCat("BEGIN:VEVENT\nUID:", uid, "\nDTSTAMP:20250901T120000Z\n",
                      absl::StrJoin(lines, "\n"), "\nEND:VEVENT\n");
}

inline absl::Time Utc(const std::string& rfc3339) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &error)) return absl::InfinitePast();
  return t;
}

// Options for employee "e17" and the window [2025-03-01, 2026-01-01) UTC.
inline ImportOptions Options() {
  ImportOptions options;
  options.employee_id = "e17";
  options.from = Utc("2025-03-01T00:00:00Z");
  options.until = Utc("2026-01-01T00:00:00Z");
  options.imported_at = Utc("2025-09-01T08:00:00Z");
  return options;
}

inline std::string Rfc3339(const google::protobuf::Timestamp& ts) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(ts.seconds()),
                          absl::UTCTimeZone());
}

// "entry_id start..end KIND SHOW 'subject'", kind and show-as without their prefixes.
inline std::string Describe(const cti::v1::Event& event) {
  const cti::v1::CalendarEntryUpserted& e = event.calendar().entry_upserted();
  std::string kind = cti::v1::AbsenceKind_Name(e.kind());
  std::string show = cti::v1::ShowAs_Name(e.show_as());
  return absl::StrCat(e.entry_id(), " ", Rfc3339(e.start()), "..", Rfc3339(e.end()), " ",
                      absl::StrReplaceAll(kind, {{"ABSENCE_KIND_", ""}}), " ",
                      absl::StrReplaceAll(show, {{"SHOW_AS_", ""}}), " '", e.subject(), "'");
}

inline std::vector<std::string> Describe(const std::vector<cti::v1::Event>& events) {
  std::vector<std::string> lines;
  for (const cti::v1::Event& event : events) lines.push_back(Describe(event));
  return lines;
}

inline std::string ReadTestFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace cti::calendar_import::testing

#endif  // CTI_SERVER_CALENDAR_IMPORT_TESTING_ICS_TEST_UTIL_H_
