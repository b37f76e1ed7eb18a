// The structure of an iCalendar text (RFC 5545 section 3.1 and 3.4): physical lines
// unfolded into content lines, and BEGIN/END nested into components, each with the line
// numbers it came from. libical parses the values (ical_values.h); this layer exists so
// that every error can name the line of the file it concerns.
//
// Pure functions, thread-safe.
#ifndef CTI_SERVER_CALENDAR_IMPORT_INTERNAL_CONTENT_LINES_H_
#define CTI_SERVER_CALENDAR_IMPORT_INTERNAL_CONTENT_LINES_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace cti::calendar_import::internal {

// One content line: a property such as "DTSTART;TZID=Romance Standard Time:20250310T090000".
struct ContentLine {
  // 1-based number of the physical line the content line starts on.
  int line = 0;
  // The property name, upper-cased ("DTSTART", "X-MICROSOFT-CDO-BUSYSTATUS").
  std::string name;
  // The whole unfolded line as written (name, parameters, ':' and value).
  std::string text;
};

// A component between BEGIN:NAME and END:NAME.
struct Component {
  // Upper-cased, e.g. "VCALENDAR", "VEVENT", "VTIMEZONE", "STANDARD".
  std::string name;
  // Lines of its BEGIN and END.
  int begin_line = 0;
  int end_line = 0;
  // Its own properties in file order (not those of nested components).
  std::vector<ContentLine> properties;
  // Nested components in file order.
  std::vector<Component> children;

  // The properties named `name` (upper case), in file order.
  std::vector<const ContentLine*> FindAll(absl::string_view property_name) const;
  // The first property named `name`, or nullptr.
  const ContentLine* Find(absl::string_view property_name) const;
};

// Where the text is not well-formed and why.
struct LineError {
  int line = 0;
  std::string message;
};

// Either the VCALENDAR components of the text, in order, or the first structural error.
struct ScanResult {
  std::vector<Component> calendars;
  // Set when the text is not well-formed; `calendars` is then empty.
  bool failed = false;
  LineError error;
};

// Splits `text` into content lines (CRLF or LF line ends; a line starting with a space or
// tab continues the previous one; blank lines and a leading UTF-8 byte-order mark are
// ignored), checks that each has the shape NAME *(";" PARAM "=" VALUE) ":" VALUE, and
// nests BEGIN/END. The text must consist of one or more VCALENDAR components; every
// BEGIN needs its matching END. Stops at the first error.
ScanResult ScanCalendar(absl::string_view text);

// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates).
bool IsValidUtf8(absl::string_view text);

}  // namespace cti::calendar_import::internal

#endif  // CTI_SERVER_CALENDAR_IMPORT_INTERNAL_CONTENT_LINES_H_
