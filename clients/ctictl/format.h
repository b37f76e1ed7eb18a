// Text helpers shared by ctictl's commands: protobuf JSON, aligned tables that count
// UTF-8 characters (names like "Søren Ærø" line up), and local time for people.
//
// All functions are pure and thread-compatible.
#ifndef CTI_CLIENTS_CTICTL_FORMAT_H_
#define CTI_CLIENTS_CTICTL_FORMAT_H_

#include <google/protobuf/message.h>
#include <google/protobuf/timestamp.pb.h>

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace cti::ctictl {

// The message as protobuf JSON on one line, with the .proto field names
// (preserve_proto_field_names). With `print_defaults`, scalar fields at their default
// (0, "", false) are printed too, so e.g. a log position of 0 is present.
std::string ToJson(const google::protobuf::Message& message, bool print_defaults = true);

// `text` as a JSON string literal, quotes included ("a\"b" for a"b). UTF-8 passes
// through; control characters are escaped.
std::string JsonQuote(absl::string_view text);

// Number of characters (Unicode code points) in a UTF-8 string: its width in a
// terminal for the Latin scripts the directory holds.
size_t DisplayWidth(absl::string_view utf8);

// `text` cut to at most `max_width` characters, ending in "…" when cut. Never splits a
// UTF-8 sequence.
std::string Truncate(absl::string_view text, size_t max_width);

// Renders rows under a header, columns separated by two spaces and padded to the widest
// cell (by DisplayWidth); the last column is not padded. Rows shorter than the header
// get empty cells. Every line ends in '\n'.
std::string RenderTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows);

// Label/value lines: "  label   value", labels padded to the widest. Pairs with an
// empty value are left out.
std::string RenderFields(const std::vector<std::pair<std::string, std::string>>& fields);

// The zone people read times in: Europe/Copenhagen, or UTC when the zone database
// cannot be loaded.
absl::TimeZone LocalZone();

// `t` as a protobuf Timestamp (whole seconds and nanoseconds, for a request field).
google::protobuf::Timestamp ToTimestamp(absl::Time t);

// "2024-11-29 17:38:05 CET" in `zone`; "-" for an unset (zero) timestamp.
std::string FormatLocalTime(const google::protobuf::Timestamp& timestamp,
                            const absl::TimeZone& zone);

// An enum value's name without its type prefix, lower-cased and with spaces:
// ("UNIT_KIND_DEPARTMENT", "UNIT_KIND_") -> "department". Unknown prefixes are kept.
std::string EnumLabel(absl::string_view enum_value_name, absl::string_view prefix);

}  // namespace cti::ctictl

#endif  // CTI_CLIENTS_CTICTL_FORMAT_H_
