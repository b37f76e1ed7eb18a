// `ctictl calendar import EMPLOYEE FILE.ics`: an iCalendar file into calendar entries,
// appended through EventService.Append like `ctictl append` does.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "calendar_commands.h"
#include "commands.h"
#include "exit_codes.h"
#include "format.h"
#include "server/calendar_import/calendar_import.h"

namespace cti::ctictl {
namespace {

constexpr char kPrefix[] = "ctictl: calendar import: ";
constexpr absl::Duration kDefaultWindow = absl::Hours(24 * 365);

absl::StatusOr<std::string> ReadText(const std::string& path, std::istream& standard_input) {
  std::ostringstream contents;
  if (path == "-") {
    contents << standard_input.rdbuf();
    if (standard_input.bad()) return absl::UnknownError("cannot read <stdin>");
    return contents.str();
  }
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) {
    return absl::InvalidArgumentError(absl::StrCat("cannot read ", path, ": is a directory"));
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return absl::NotFoundError(absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  contents << file.rdbuf();
  if (file.bad()) return absl::UnknownError(absl::StrCat("cannot read ", path));
  return contents.str();
}

// Parses an RFC 3339 flag value, or explains why not.
bool ParseInstant(const std::string& flag, const std::string& text, absl::Time* t,
                  std::ostream& err) {
  std::string why;
  if (absl::ParseTime(absl::RFC3339_full, text, t, &why)) return true;
  err << kPrefix << flag << " '" << text
      << "' is not an RFC 3339 instant, e.g. 2025-09-01T00:00:00Z or "
         "2025-09-01T00:00:00+02:00 ("
      << why << ")\n";
  return false;
}

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

void PrintSkipped(std::ostream& out, bool json, const std::string& source,
                  const calendar_import::SkippedItem& item) {
  const absl::string_view reason = calendar_import::SkipReasonName(item.reason);
  if (json) {
    out << "{\"skipped\":{\"location\":" << JsonQuote(absl::StrCat(source, ":", item.line))
        << ",\"uid\":" << JsonQuote(item.uid) << ",\"instance\":" << JsonQuote(item.instance)
        << ",\"reason\":" << JsonQuote(reason) << ",\"message\":" << JsonQuote(item.message)
        << "}}\n";
    return;
  }
  out << source << ":" << item.line << "  skipped  " << item.uid
      << (item.instance.empty() ? "" : absl::StrCat(" (instance ", item.instance, ")")) << "  "
      << reason << ": " << item.message << "\n";
}

}  // namespace

int RunCalendarImport(Connection& connection, const CalendarImportOptions& options, absl::Time now,
                      std::istream& in, std::ostream& out, std::ostream& err) {
  calendar_import::ImportOptions import;
  import.employee_id = options.employee_id;
  import.from = absl::FromCivil(absl::ToCivilDay(now, absl::UTCTimeZone()), absl::UTCTimeZone());
  if (!options.from.empty() && !ParseInstant("--from", options.from, &import.from, err)) {
    return kExitUsage;
  }
  import.until = import.from + kDefaultWindow;
  if (!options.until.empty() && !ParseInstant("--until", options.until, &import.until, err)) {
    return kExitUsage;
  }
  import.imported_at = now;
  // The server stamps the actor into each event: ids differ per actor and role, so an
  // import by someone else is appended rather than refused as a reused event_id.
  import.id_context = absl::StrCat(connection.options().actor, "/", connection.options().role);

  const std::string source = options.file == "-" ? "<stdin>" : options.file;
  absl::StatusOr<std::string> text = ReadText(options.file, in);
  if (!text.ok()) {
    err << kPrefix << text.status().message() << "\n" << kPrefix << "nothing was sent\n";
    return kExitBadInput;
  }
  calendar_import::ImportResult result = calendar_import::ImportCalendar(*text, import);
  if (!result.status.ok()) {
    if (result.errors.empty()) {  // The options, not the file.
      err << kPrefix << result.status.message() << "\n";
      return kExitUsage;
    }
    for (const calendar_import::ParseError& e : result.errors) {
      err << kPrefix << source << ":" << e.line << ": " << e.message << "\n";
    }
    err << kPrefix << "the file is not valid iCalendar; nothing was sent\n";
    return kExitBadInput;
  }

  const std::string summary =
      absl::StrCat(source, ": ", result.vevents, " events read; ", result.events.size(),
                   " calendar entries for ", options.employee_id, " in ", Rfc3339(import.from),
                   "..", Rfc3339(import.until), "; ", result.skipped.size(), " skipped; ",
                   result.outside_window, " outside the window");
  if (options.dry_run) {
    for (const calendar_import::SkippedItem& item : result.skipped) {
      PrintSkipped(err, /*json=*/false, source, item);
    }
    for (const cti::v1::Event& event : result.events) out << ToJson(event, false) << "\n";
    err << summary << "\n"
        << "dry run: nothing was sent\n";
    return kExitOk;
  }
  if (!options.json) out << summary << "\n";
  for (const calendar_import::SkippedItem& item : result.skipped) {
    PrintSkipped(out, options.json, source, item);
  }
  std::vector<ParsedEvent> events;
  events.reserve(result.events.size());
  for (size_t i = 0; i < result.events.size(); ++i) {
    ParsedEvent parsed;
    parsed.location = absl::StrCat(
        source, ":", result.event_lines[i], " ",
        Rfc3339(
            absl::FromUnixSeconds(result.events[i].calendar().entry_upserted().start().seconds())));
    parsed.event = std::move(result.events[i]);
    events.push_back(std::move(parsed));
  }
  AppendOptions append;
  append.file = source;
  append.json = options.json;
  return AppendParsedEvents(connection, append, std::move(events), out, err);
}

}  // namespace cti::ctictl
