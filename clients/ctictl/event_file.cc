#include "event_file.h"

#include <google/protobuf/util/json_util.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace cti::ctictl {
namespace {

constexpr absl::string_view kByteOrderMark = "\xEF\xBB\xBF";

// Parses one JSON object into an Event; unknown fields are errors.
absl::Status ParseOne(absl::string_view json, const std::string& location, cti::v1::Event* event) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), event, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(location, ": not a valid cti.v1.Event: ", std::string(status.message())));
  }
  return absl::OkStatus();
}

bool IsCommentOrBlank(absl::string_view line) {
  const absl::string_view stripped = absl::StripAsciiWhitespace(line);
  return stripped.empty() || stripped.front() == '#';
}

absl::StatusOr<std::vector<ParsedEvent>> ParseJsonLines(absl::string_view text,
                                                        absl::string_view source) {
  std::vector<ParsedEvent> events;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    if (IsCommentOrBlank(line)) continue;
    ParsedEvent parsed;
    parsed.location = absl::StrCat(source, ":", line_number);
    const absl::string_view json = absl::StripAsciiWhitespace(line);
    if (absl::Status s = ParseOne(json, parsed.location, &parsed.event); !s.ok()) {
      if (json.back() != '}') {
        // Most likely a pretty-printed event spread over several lines.
        return absl::InvalidArgumentError(
            absl::StrCat(s.message(),
                         " (JSON Lines need each event on one line; put "
                         "multi-line events in a JSON array)"));
      }
      return s;
    }
    events.push_back(std::move(parsed));
  }
  return events;
}

// Walks a JSON array, cutting it into element texts without interpreting them (the
// protobuf parser does that). Tracks strings, nesting and line numbers.
class ArraySplitter {
 public:
  ArraySplitter(absl::string_view text, absl::string_view source) : text_(text), source_(source) {}

  absl::StatusOr<std::vector<ParsedEvent>> Run() {
    SkipSpaceAndComments();
    // The caller checked that the first significant character is '['.
    const int open_line = line_;
    ++pos_;
    std::vector<ParsedEvent> events;
    bool expect_element = false;  // true right after a ','
    while (true) {
      SkipSpaceAndComments();
      if (pos_ >= text_.size()) {
        return Error(open_line, "unterminated array (no closing ']')");
      }
      if (text_[pos_] == ']') {
        if (expect_element) return Error(line_, "expected an array element after ','");
        ++pos_;
        break;
      }
      const int element_line = line_;
      const size_t start = pos_;
      absl::StatusOr<char> end = ScanElement();
      if (!end.ok()) return end.status();
      const absl::string_view element =
          absl::StripAsciiWhitespace(text_.substr(start, pos_ - start));
      ParsedEvent parsed;
      parsed.location =
          absl::StrCat(source_, ":", element_line, " (array index ", events.size(), ")");
      if (element.empty()) return Error(element_line, "empty array element");
      if (absl::Status s = ParseOne(element, parsed.location, &parsed.event); !s.ok()) return s;
      events.push_back(std::move(parsed));
      ++pos_;  // past ',' or ']'
      if (*end == ']') break;
      expect_element = true;
    }
    SkipSpaceAndComments();
    if (pos_ < text_.size()) return Error(line_, "unexpected text after the closing ']'");
    return events;
  }

 private:
  // Advances to the ',' or ']' that ends the current element and answers which it was.
  absl::StatusOr<char> ScanElement() {
    int depth = 0;
    bool in_string = false;
    const int start_line = line_;
    for (; pos_ < text_.size(); ++pos_) {
      const char c = text_[pos_];
      if (c == '\n') ++line_;
      if (in_string) {
        if (c == '\\') {
          ++pos_;
        } else if (c == '"') {
          in_string = false;
        }
        continue;
      }
      if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (depth == 0) {
          if (c == '}') return Error(line_, "unbalanced '}'");
          return c;
        }
        --depth;
      } else if (c == ',' && depth == 0) {
        return c;
      }
    }
    return Error(start_line, in_string ? "unterminated string" : "unterminated array element");
  }

  void SkipSpaceAndComments() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '\n') {
        ++line_;
        ++pos_;
      } else if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
        ++pos_;
      } else if (c == '#') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else {
        return;
      }
    }
  }

  absl::Status Error(int line, absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat(source_, ":", line, ": ", what));
  }

  absl::string_view text_;
  absl::string_view source_;
  size_t pos_ = 0;
  int line_ = 1;
};

// The first character that is neither white space nor inside a comment line.
char FirstSignificantChar(absl::string_view text) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (IsCommentOrBlank(line)) continue;
    return absl::StripLeadingAsciiWhitespace(line).front();
  }
  return '\0';
}

}  // namespace

absl::StatusOr<std::vector<ParsedEvent>> ParseEvents(absl::string_view text,
                                                     absl::string_view source_name) {
  if (absl::StartsWith(text, kByteOrderMark)) text.remove_prefix(kByteOrderMark.size());
  absl::StatusOr<std::vector<ParsedEvent>> events = FirstSignificantChar(text) == '['
                                                        ? ArraySplitter(text, source_name).Run()
                                                        : ParseJsonLines(text, source_name);
  if (events.ok() && events->empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source_name, ": no events (the file is empty or only comments)"));
  }
  return events;
}

absl::StatusOr<std::vector<ParsedEvent>> ReadEventFile(const std::string& path,
                                                       std::istream& standard_input) {
  std::ostringstream contents;
  if (path == "-") {
    contents << standard_input.rdbuf();
    if (standard_input.bad()) return absl::UnknownError("cannot read <stdin>");
    return ParseEvents(contents.str(), "<stdin>");
  }
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) {
    return absl::InvalidArgumentError(absl::StrCat("cannot read ", path, ": is a directory"));
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    const int error = errno;
    const std::string message = absl::StrCat("cannot open ", path, ": ", std::strerror(error));
    if (error == ENOENT) return absl::NotFoundError(message);
    if (error == EACCES) return absl::PermissionDeniedError(message);
    return absl::UnknownError(message);
  }
  contents << file.rdbuf();
  if (file.bad()) return absl::UnknownError(absl::StrCat("cannot read ", path));
  return ParseEvents(contents.str(), path);
}

}  // namespace cti::ctictl
