#include "projections/internal/shape.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "projections/internal/cpr.h"
#include "projections/internal/text_fold.h"

namespace cti::projections::internal {

void FieldPath::Push(absl::string_view name, int index) {
  if (depth_ == kMaxDepth) {
    // Deeper paths are never built by the rules; keep the leaf so errors stay useful.
    names_[kMaxDepth - 1] = name;
    indexes_[kMaxDepth - 1] = index;
    return;
  }
  names_[depth_] = name;
  indexes_[depth_] = index;
  ++depth_;
}

std::string FieldPath::ToString() const {
  std::string s;
  for (int i = 0; i < depth_; ++i) {
    if (i > 0) s.push_back('.');
    absl::StrAppend(&s, names_[i]);
    if (indexes_[i] >= 0) absl::StrAppend(&s, "[", indexes_[i], "]");
  }
  return s;
}

absl::Status InvalidField(const FieldPath& path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path.ToString(), ": ", what));
}

bool IsValidId(absl::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != ':' &&
        c != '-') {
      return false;
    }
  }
  return true;
}

absl::Status CheckId(const FieldPath& path, absl::string_view id) {
  if (id.empty()) return InvalidField(path, "must not be empty");
  if (!IsValidId(id)) return InvalidField(path, "must be 1 to 64 characters from [A-Za-z0-9._:-]");
  return absl::OkStatus();
}

absl::Status CheckOpaqueId(const FieldPath& path, absl::string_view id) {
  if (id.empty()) return InvalidField(path, "must not be empty");
  if (id.size() > kMaxOpaqueIdBytes) {
    return InvalidField(path, absl::StrCat("must be at most ", kMaxOpaqueIdBytes, " characters"));
  }
  for (char c : id) {
    if (c <= ' ' || c > '~') return InvalidField(path, "must be printable ASCII without spaces");
  }
  return absl::OkStatus();
}

namespace {

absl::Status CheckLengthAndControls(const FieldPath& path, absl::string_view text, size_t max_chars,
                                    bool allow_newlines) {
  const size_t n = CodePointCount(text);
  if (n > max_chars) {
    return InvalidField(path,
                        absl::StrCat("must be at most ", max_chars, " characters (got ", n, ")"));
  }
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      if (allow_newlines && (c == '\n' || c == '\t' || c == '\r')) continue;
      return InvalidField(path, "must not contain control characters");
    }
  }
  return absl::OkStatus();
}

bool IsBlank(absl::string_view text) { return absl::StripAsciiWhitespace(text).empty(); }

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

absl::Status CheckRequiredText(const FieldPath& path, absl::string_view text, size_t max_chars) {
  if (IsBlank(text)) return InvalidField(path, "must not be empty");
  return CheckLengthAndControls(path, text, max_chars, /*allow_newlines=*/false);
}

absl::Status CheckOptionalText(const FieldPath& path, absl::string_view text, size_t max_chars) {
  return CheckLengthAndControls(path, text, max_chars, /*allow_newlines=*/true);
}

absl::Status CheckTasks(const FieldPath& path,
                        const google::protobuf::RepeatedPtrField<std::string>& tasks) {
  if (static_cast<size_t>(tasks.size()) > kMaxTasks) {
    return InvalidField(
        path, absl::StrCat("must have at most ", kMaxTasks, " tasks (got ", tasks.size(), ")"));
  }
  for (int i = 0; i < tasks.size(); ++i) {
    if (absl::Status s = CheckRequiredText(path.At(i), tasks[i], kMaxTaskChars); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status CheckExtension(const FieldPath& path, absl::string_view extension) {
  if (extension.empty()) return absl::OkStatus();
  if (extension.size() < 2 || extension.size() > 8 || !AllDigits(extension)) {
    return InvalidField(path, "must be 2 to 8 digits");
  }
  return absl::OkStatus();
}

absl::Status CheckPhoneNumber(const FieldPath& path, absl::string_view number, bool required) {
  if (number.empty()) {
    return required ? InvalidField(path, "must not be empty") : absl::OkStatus();
  }
  absl::string_view digits = number;
  if (digits.front() == '+') digits.remove_prefix(1);
  if (digits.size() < 2 || digits.size() > 20 || !AllDigits(digits)) {
    return InvalidField(path, "must be 2 to 20 digits with an optional leading '+'");
  }
  return absl::OkStatus();
}

absl::Status CheckEmail(const FieldPath& path, absl::string_view email) {
  if (email.empty()) return absl::OkStatus();
  const size_t at = email.find('@');
  if (at == absl::string_view::npos || email.find('@', at + 1) != absl::string_view::npos) {
    return InvalidField(path, "must contain exactly one '@'");
  }
  if (at == 0 || at + 1 == email.size()) {
    return InvalidField(path, "must have text before and after the '@'");
  }
  if (email.size() > 254) return InvalidField(path, "must be at most 254 characters");
  for (char c : email) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
      return InvalidField(path, "must not contain spaces or control characters");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckTimestamp(const FieldPath& path, bool present,
                            const google::protobuf::Timestamp& ts, bool required) {
  if (!present) return required ? InvalidField(path, "is required") : absl::OkStatus();
  if (ts.nanos() < 0 || ts.nanos() > 999999999) {
    return InvalidField(path, "nanos must be between 0 and 999999999");
  }
  if (ts.seconds() < kMinSeconds || ts.seconds() >= kMaxSecondsExclusive) {
    return InvalidField(path, "must be between 1970-01-01 and 2200-01-01 (UTC)");
  }
  return absl::OkStatus();
}

absl::Status CheckNoCpr(const FieldPath& path, absl::string_view text) {
  if (ContainsCprNumber(text)) {
    return InvalidField(path, "must not contain a CPR number or other confidential data (TP-4.2)");
  }
  return absl::OkStatus();
}

bool Before(const google::protobuf::Timestamp& a, const google::protobuf::Timestamp& b) {
  if (a.seconds() != b.seconds()) return a.seconds() < b.seconds();
  return a.nanos() < b.nanos();
}

}  // namespace cti::projections::internal
