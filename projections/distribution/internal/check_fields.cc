// CheckFields: the per-field half of ValidateRuleSet (the other half, overlaps, is
// BuildTables in tables.cc).
#include <array>
#include <cstddef>
#include <string>
#include <tuple>
#include <utility>
#include <variant>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "projections/distribution/internal/tables.h"
#include "projections/distribution/street.h"
#include "projections/internal/cpr.h"
#include "projections/internal/text_fold.h"

namespace cti::distribution::internal {
namespace {

using projections::internal::CodePointCount;

absl::Status Invalid(absl::string_view field, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", what));
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

absl::Status CheckId(absl::string_view field, absl::string_view id) {
  if (IsValidId(id)) return absl::OkStatus();
  return Invalid(field, "must be 1 to 64 characters from [A-Za-z0-9._:-]");
}

bool HasControl(absl::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return true;
  }
  return false;
}

absl::Status CheckText(absl::string_view field, absl::string_view text, size_t max_chars,
                       bool required) {
  if (required && absl::StripAsciiWhitespace(text).empty()) {
    return Invalid(field, "must not be blank");
  }
  if (CodePointCount(text) > max_chars) {
    return Invalid(field, absl::StrCat("must be at most ", max_chars, " characters"));
  }
  if (HasControl(text)) return Invalid(field, "must not contain control characters");
  return absl::OkStatus();
}

// Letters are echoed only when short (a pasted paragraph is not repeated back).
std::string Quoted(absl::string_view text) {
  if (CodePointCount(text) > 4) return "the text";
  return absl::StrCat("\"", text, "\"");
}

absl::Status CheckRange(const std::string& f, const CprDayRange& days) {
  const std::pair<absl::string_view, int> bounds[] = {{"first_day", days.first_day},
                                                      {"last_day", days.last_day}};
  for (const auto& [name, day] : bounds) {
    if (day < 1 || day > 31) {
      return Invalid(absl::StrCat(f, ".cpr_day.", name), absl::StrCat(day, " is outside 1–31"));
    }
  }
  if (days.first_day > days.last_day) {
    return Invalid(absl::StrCat(f, ".cpr_day"), absl::StrCat("reversed: first_day ", days.first_day,
                                                             " is after last_day ", days.last_day));
  }
  return absl::OkStatus();
}

absl::Status CheckRange(const std::string& f, const CprDigitSet& set) {
  const std::string field = absl::StrCat(f, ".cpr_digit.digits");
  if (set.digits.empty()) return Invalid(field, "must name at least one digit");
  std::array<bool, 10> seen{};
  for (size_t k = 0; k < set.digits.size(); ++k) {
    const int d = set.digits[k];
    const std::string item = absl::StrCat(field, "[", k, "]");
    if (d < 0 || d > 9) return Invalid(item, absl::StrCat(d, " is not a digit 0–9"));
    if (seen[d]) return Invalid(item, absl::StrCat(d, " is listed twice"));
    seen[d] = true;
  }
  return absl::OkStatus();
}

absl::Status CheckRange(const std::string& f, const AddressRange& a) {
  const std::string field = absl::StrCat(f, ".address");
  if (auto s = CheckText(field + ".street", a.street, kMaxStreetChars, true); !s.ok()) return s;
  if (projections::internal::ContainsCprNumber(a.street)) {
    return Invalid(field + ".street", "must not contain a CPR number (TP-4.2)");
  }
  const std::pair<absl::string_view, int> bounds[] = {{"first_number", a.first_number},
                                                      {"last_number", a.last_number}};
  for (const auto& [name, n] : bounds) {
    if (n < 1 || n > kMaxHouseNumber) {
      return Invalid(absl::StrCat(field, ".", name),
                     absl::StrCat(n, " is outside 1–", kMaxHouseNumber));
    }
  }
  if (a.first_number > a.last_number) {
    return Invalid(field, absl::StrCat("house numbers reversed: first_number ", a.first_number,
                                       " is after last_number ", a.last_number));
  }
  if (a.side != StreetSide::kBoth && a.side != StreetSide::kOdd && a.side != StreetSide::kEven) {
    return Invalid(field + ".side", "must be both, odd or even");
  }
  int first = 0;
  int last = 0;
  ClipToSide(a.side, a.first_number, a.last_number, &first, &last);
  if (first > last) {
    return Invalid(field,
                   absl::StrCat(a.first_number, "–", a.last_number, " holds no ",
                                a.side == StreetSide::kOdd ? "odd" : "even", " house number"));
  }
  return absl::OkStatus();
}

absl::Status CheckRange(const std::string& f, const SurnameRange& r) {
  const std::string field = absl::StrCat(f, ".surname");
  const auto first = DanishLetter::FromText(r.first_letter);
  const auto last = DanishLetter::FromText(r.last_letter);
  const std::tuple<absl::string_view, absl::string_view, bool> letters[] = {
      {"first_letter", r.first_letter, first.has_value()},
      {"last_letter", r.last_letter, last.has_value()}};
  for (const auto& [name, text, valid] : letters) {
    if (!valid) {
      return Invalid(
          absl::StrCat(field, ".", name),
          absl::StrCat(Quoted(text),
                       " is not a letter of the Danish alphabet (A–Z, Æ, Ø, Å; Aa for Å)"));
    }
  }
  if (*first > *last) {
    return Invalid(field, absl::StrCat("letters reversed: first_letter ", first->ToString(),
                                       " is after last_letter ", last->ToString(),
                                       " (Danish order: A–Z, Æ, Ø, Å)"));
  }
  return absl::OkStatus();
}

absl::Status CheckRule(const Rule& rule, size_t index) {
  const std::string f = absl::StrCat("rules[", index, "]");
  if (auto s = std::visit([&](const auto& range) { return CheckRange(f, range); }, rule.range);
      !s.ok()) {
    return s;
  }
  const std::string ids = f + ".employee_ids";
  if (rule.employee_ids.empty()) {
    return Invalid(ids, "must name at least one caseworker (TP-4.8)");
  }
  if (rule.employee_ids.size() > static_cast<size_t>(kMaxCaseworkersPerRule)) {
    return Invalid(ids, absl::StrCat("at most ", kMaxCaseworkersPerRule, " caseworkers"));
  }
  absl::flat_hash_set<absl::string_view> seen;
  for (size_t k = 0; k < rule.employee_ids.size(); ++k) {
    const std::string item = absl::StrCat(ids, "[", k, "]");
    if (auto s = CheckId(item, rule.employee_ids[k]); !s.ok()) return s;
    if (!seen.insert(rule.employee_ids[k]).second) {
      return Invalid(item, absl::StrCat("'", rule.employee_ids[k], "' is listed twice"));
    }
  }
  return CheckText(f + ".note", rule.note, kMaxNoteChars, false);
}

}  // namespace

absl::Status CheckFields(const RuleSet& set) {
  if (auto s = CheckId("unit_id", set.unit_id); !s.ok()) return s;
  if (auto s = CheckText("task", set.task, kMaxTaskChars, true); !s.ok()) return s;
  if (set.version < 1) return Invalid("version", "must be 1 or more");
  if (set.rules.size() > static_cast<size_t>(kMaxRules)) {
    return Invalid("rules", absl::StrCat("at most ", kMaxRules, " rules"));
  }
  if (set.rules.empty() && !set.fallback.has_value()) {
    return Invalid("rules", "no rules and no fallback: every case would end with nobody (TP-4.8)");
  }
  for (size_t i = 0; i < set.rules.size(); ++i) {
    if (auto s = CheckRule(set.rules[i], i); !s.ok()) return s;
  }
  if (set.fallback.has_value()) {
    const Fallback& fb = *set.fallback;
    if (fb.kind != Fallback::Kind::kUnit && fb.kind != Fallback::Kind::kEmployee) {
      return Invalid("fallback.kind", "must be unit or employee");
    }
    if (auto s = CheckId("fallback.id", fb.id); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace cti::distribution::internal
