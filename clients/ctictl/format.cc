#include "format.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"

namespace cti::ctictl {
namespace {

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

void AppendPadded(std::string* out, absl::string_view cell, size_t width) {
  out->append(cell.data(), cell.size());
  const size_t cell_width = DisplayWidth(cell);
  if (cell_width < width) out->append(width - cell_width, ' ');
}

}  // namespace

std::string ToJson(const google::protobuf::Message& message, bool print_defaults) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = print_defaults;
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    // Only reachable for messages with Any fields of unknown types; keep the output JSON.
    return "{\"error\":\"cannot print " + message.GetTypeName() + " as JSON\"}";
  }
  return json;
}

std::string JsonQuote(absl::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += absl::StrFormat("\\u%04x", static_cast<int>(c));
        } else {
          out += c;
        }
    }
  }
  out += "\"";
  return out;
}

size_t DisplayWidth(absl::string_view utf8) {
  return static_cast<size_t>(
      std::count_if(utf8.begin(), utf8.end(), [](char c) { return !IsContinuationByte(c); }));
}

std::string Truncate(absl::string_view text, size_t max_width) {
  if (DisplayWidth(text) <= max_width) return std::string(text);
  if (max_width == 0) return "";
  // Keep max_width - 1 characters, then the ellipsis.
  size_t kept = 0;
  size_t end = 0;
  while (end < text.size()) {
    if (!IsContinuationByte(text[end])) {
      if (kept == max_width - 1) break;
      ++kept;
    }
    ++end;
  }
  return std::string(text.substr(0, end)) + "…";
}

std::string RenderTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths(header.size(), 0);
  for (size_t c = 0; c < header.size(); ++c) widths[c] = DisplayWidth(header[c]);
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size() && c < widths.size(); ++c) {
      widths[c] = std::max(widths[c], DisplayWidth(row[c]));
    }
  }
  std::string out;
  auto render_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t c = 0; c < header.size(); ++c) {
      const absl::string_view cell = c < row.size() ? absl::string_view(row[c]) : "";
      if (c + 1 == header.size()) {
        line.append(cell.data(), cell.size());
      } else {
        AppendPadded(&line, cell, widths[c]);
        line.append("  ");
      }
    }
    absl::StripTrailingAsciiWhitespace(&line);
    out += line + "\n";
  };
  render_row(header);
  for (const auto& row : rows) render_row(row);
  return out;
}

std::string RenderFields(const std::vector<std::pair<std::string, std::string>>& fields) {
  size_t width = 0;
  for (const auto& [label, value] : fields) {
    if (!value.empty()) width = std::max(width, DisplayWidth(label));
  }
  std::string out;
  for (const auto& [label, value] : fields) {
    if (value.empty()) continue;
    out += "  ";
    AppendPadded(&out, label, width);
    out += "  " + value + "\n";
  }
  return out;
}

absl::TimeZone LocalZone() {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone("Europe/Copenhagen", &zone)) return absl::UTCTimeZone();
  return zone;
}

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  google::protobuf::Timestamp at;
  const int64_t seconds = absl::ToUnixSeconds(t);
  at.set_seconds(seconds);
  at.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
  return at;
}

std::string FormatLocalTime(const google::protobuf::Timestamp& timestamp,
                            const absl::TimeZone& zone) {
  if (timestamp.seconds() == 0 && timestamp.nanos() == 0) return "-";
  const absl::Time time =
      absl::FromUnixSeconds(timestamp.seconds()) + absl::Nanoseconds(timestamp.nanos());
  return absl::FormatTime("%Y-%m-%d %H:%M:%S %Z", time, zone);
}

std::string EnumLabel(absl::string_view enum_value_name, absl::string_view prefix) {
  absl::string_view name = enum_value_name;
  if (absl::StartsWith(name, prefix)) name.remove_prefix(prefix.size());
  std::string label = absl::AsciiStrToLower(name);
  absl::StrReplaceAll({{"_", " "}}, &label);
  return label;
}

}  // namespace cti::ctictl
