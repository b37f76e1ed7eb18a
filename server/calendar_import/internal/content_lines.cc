#include "server/calendar_import/internal/content_lines.h"

#include <cstddef>
#include <cstdint>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace cti::calendar_import::internal {
namespace {

bool IsNameChar(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-'; }

bool IsControl(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  return (u < 0x20 && c != '\t') || u == 0x7f;
}

// Length of the name starting at text[i] (0 when there is none).
size_t NameLength(absl::string_view text, size_t i) {
  size_t n = 0;
  while (i + n < text.size() && IsNameChar(text[i + n])) ++n;
  return n;
}

// Checks NAME *(";" PARAM "=" VALUE *("," VALUE)) ":" and answers the position of the
// ':' that starts the value, or npos with `why` set.
size_t ValueColon(absl::string_view text, std::string* why) {
  size_t i = NameLength(text, 0);
  if (i == 0) {
    *why = "expected a property name (letters, digits, '-')";
    return absl::string_view::npos;
  }
  while (i < text.size() && text[i] == ';') {
    const size_t name = NameLength(text, i + 1);
    if (name == 0 || i + 1 + name >= text.size() || text[i + 1 + name] != '=') {
      *why = "expected PARAMETER=VALUE after ';'";
      return absl::string_view::npos;
    }
    i += 1 + name + 1;
    while (true) {  // One or more comma-separated parameter values.
      if (i < text.size() && text[i] == '"') {
        const size_t close = text.find('"', i + 1);
        if (close == absl::string_view::npos) {
          *why = "a quoted parameter value is not closed";
          return absl::string_view::npos;
        }
        i = close + 1;
      } else {
        while (i < text.size() && text[i] != ';' && text[i] != ':' && text[i] != ',' &&
               text[i] != '"' && !IsControl(text[i])) {
          ++i;
        }
      }
      if (i < text.size() && text[i] == ',') {
        ++i;
        continue;
      }
      break;
    }
  }
  if (i >= text.size() || text[i] != ':') {
    *why = "expected ':' before the value";
    return absl::string_view::npos;
  }
  return i;
}

// Builds the component tree from content lines.
class TreeBuilder {
 public:
  // Answers false (with error_ set) when the line breaks the structure.
  bool Add(int line, absl::string_view text) {
    std::string why;
    const size_t colon = ValueColon(text, &why);
    if (colon == absl::string_view::npos) {
      return Fail(line, absl::StrCat("not an iCalendar content line (", why,
                                     "; expected NAME[;PARAM=VALUE]:VALUE)"));
    }
    const std::string name = absl::AsciiStrToUpper(text.substr(0, NameLength(text, 0)));
    const std::string value =
        absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text.substr(colon + 1)));
    if (name == "BEGIN") return Begin(line, value);
    if (name == "END") return End(line, value);
    if (open_.empty()) {
      return Fail(line, absl::StrCat("property ", name, " outside of any component (expected ",
                                     "BEGIN:VCALENDAR)"));
    }
    open_.back().properties.push_back(ContentLine{line, name, std::string(text)});
    return true;
  }

  bool Finish(int last_line) {
    if (!open_.empty()) {
      return Fail(last_line,
                  absl::StrCat("the file ends inside ", open_.back().name, " (BEGIN at line ",
                               open_.back().begin_line, ", no END:", open_.back().name, ")"));
    }
    if (calendars_.empty()) return Fail(last_line, "no BEGIN:VCALENDAR in the file");
    return true;
  }

  std::vector<Component> TakeCalendars() { return std::move(calendars_); }
  const LineError& error() const { return error_; }

 private:
  bool Begin(int line, const std::string& name) {
    if (name.empty() || NameLength(name, 0) != name.size()) {
      return Fail(line, "BEGIN needs a component name, e.g. BEGIN:VEVENT");
    }
    if (open_.empty() && name != "VCALENDAR") {
      return Fail(line, absl::StrCat("expected BEGIN:VCALENDAR, found BEGIN:", name));
    }
    if (!open_.empty() && name == "VCALENDAR") {
      return Fail(line, absl::StrCat("BEGIN:VCALENDAR inside ", open_.back().name,
                                     " (BEGIN at line ", open_.back().begin_line, ")"));
    }
    Component component;
    component.name = name;
    component.begin_line = line;
    open_.push_back(std::move(component));
    return true;
  }

  bool End(int line, const std::string& name) {
    if (open_.empty()) return Fail(line, absl::StrCat("END:", name, " without a BEGIN"));
    if (open_.back().name != name) {
      return Fail(line, absl::StrCat("END:", name, " does not close BEGIN:", open_.back().name,
                                     " at line ", open_.back().begin_line));
    }
    Component done = std::move(open_.back());
    open_.pop_back();
    done.end_line = line;
    if (open_.empty()) {
      calendars_.push_back(std::move(done));
    } else {
      open_.back().children.push_back(std::move(done));
    }
    return true;
  }

  bool Fail(int line, std::string message) {
    error_ = LineError{line, std::move(message)};
    return false;
  }

  std::vector<Component> open_;
  std::vector<Component> calendars_;
  LineError error_;
};

}  // namespace

std::vector<const ContentLine*> Component::FindAll(absl::string_view property_name) const {
  std::vector<const ContentLine*> found;
  for (const ContentLine& p : properties) {
    if (p.name == property_name) found.push_back(&p);
  }
  return found;
}

const ContentLine* Component::Find(absl::string_view property_name) const {
  for (const ContentLine& p : properties) {
    if (p.name == property_name) return &p;
  }
  return nullptr;
}

ScanResult ScanCalendar(absl::string_view text) {
  ScanResult result;
  if (absl::StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);
  TreeBuilder builder;
  std::string pending;  // The content line being unfolded.
  int pending_line = 0;
  int line = 0;
  auto flush = [&]() {
    if (pending_line == 0) return true;
    const bool ok = builder.Add(pending_line, pending);
    pending.clear();
    pending_line = 0;
    return ok;
  };
  size_t pos = 0;
  bool ok = true;
  while (ok && pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == absl::string_view::npos) end = text.size();
    absl::string_view physical = text.substr(pos, end - pos);
    pos = end + 1;
    ++line;
    if (!physical.empty() && physical.back() == '\r') physical.remove_suffix(1);
    if (!physical.empty() && (physical.front() == ' ' || physical.front() == '\t')) {
      if (pending_line == 0) {
        if (absl::StripAsciiWhitespace(physical).empty()) continue;  // A blank line.
        result.failed = true;
        result.error = LineError{line, "a folded continuation line with no line before it"};
        return result;
      }
      absl::StrAppend(&pending, physical.substr(1));
      continue;
    }
    ok = flush();
    if (!ok || physical.empty()) continue;
    pending = std::string(physical);
    pending_line = line;
  }
  if (ok) ok = flush();
  if (ok) ok = builder.Finish(line == 0 ? 1 : line);
  if (!ok) {
    result.failed = true;
    result.error = builder.error();
    return result;
  }
  result.calendars = builder.TakeCalendars();
  return result;
}

bool IsValidUtf8(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    size_t n = 0;
    uint32_t code = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      code = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= text.size()) return false;  // Truncated sequence.
    for (size_t k = 1; k <= n; ++k) {
      const unsigned char cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      code = (code << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMin[4] = {0, 0x80, 0x800, 0x10000};
    if (code < kMin[n] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

}  // namespace cti::calendar_import::internal
