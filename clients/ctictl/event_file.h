// Reading files of cti.v1.Event records in protobuf JSON, for `ctictl append`.
//
// Two layouts are accepted, told apart by the first character that is not white space
// or part of a comment line:
//   - JSON Lines: one Event object per line. Blank lines and lines whose first
//     non-blank character is '#' are skipped.
//   - A JSON array of Event objects ('[' first). Lines starting with '#' may appear
//     between elements.
// Field names are those of the .proto (e.g. "occurred_at") or their lowerCamelCase JSON
// names; unknown fields are errors. A UTF-8 byte-order mark at the start is skipped.
//
// Parsing is all or nothing: on any error no event is returned, so a caller never sends
// part of a file.
#ifndef CTI_CLIENTS_CTICTL_EVENT_FILE_H_
#define CTI_CLIENTS_CTICTL_EVENT_FILE_H_

#include <istream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cti/v1/event.pb.h"

namespace cti::ctictl {

// One event read from a file, with where it was found.
struct ParsedEvent {
  cti::v1::Event event;
  // Where the event starts, for messages: "events.jsonl:3" for JSON Lines,
  // "events.json:14 (array index 2)" for an array (index counted from 0).
  std::string location;
};

// Parses `text`, named `source_name` in messages. Returns every event in file order, or
// INVALID_ARGUMENT naming the location of the first bad event (file:line, and the array
// index for arrays) and the protobuf parser's message. A text with no event at all is an
// error too.
absl::StatusOr<std::vector<ParsedEvent>> ParseEvents(absl::string_view text,
                                                     absl::string_view source_name);

// Reads the file at `path` ("-" reads `standard_input` to its end, named "<stdin>") and
// parses it with ParseEvents. An unreadable file gives NOT_FOUND or PERMISSION_DENIED
// (or UNKNOWN) naming the path.
absl::StatusOr<std::vector<ParsedEvent>> ReadEventFile(const std::string& path,
                                                       std::istream& standard_input);

}  // namespace cti::ctictl

#endif  // CTI_CLIENTS_CTICTL_EVENT_FILE_H_
