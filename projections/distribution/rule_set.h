// Case distribution rules (TP-5.1, TP-5.2): how a unit shares the cases of one task
// among its caseworkers, as the unit reports it to reception. Plain structs: the
// projection maps its events onto them; this library never sees protobuf.
//
// A RuleSet belongs to (unit_id, task) and carries a version. Each Rule maps one range
// of one key kind to caseworkers in order (the first is the caseworker, the others
// stand in, in that order). A set may mix kinds (e.g. CPR days for most cases, but two
// streets to a specialist); a key is matched only against the rules of its own kind.
// When no rule covers a key, the optional fallback (a unit or an employee) answers.
//
//   RuleSet set;
//   set.unit_id = "ydelse"; set.task = "kontanthjælp"; set.version = 3;
//   set.rules = {{CprDayRange{1, 10}, {"e-anna"}},
//                {CprDayRange{11, 20}, {"e-bo"}},
//                {CprDayRange{21, 31}, {"e-carl", "e-dora"}, "team 2"}};
//   set.fallback = Fallback{Fallback::Kind::kUnit, "ydelse"};
//
// ValidateRuleSet states what a valid set is; CompiledRuleSet (compiled_rule_set.h)
// validates, precompiles and matches.
#ifndef CTI_PROJECTIONS_DISTRIBUTION_RULE_SET_H_
#define CTI_PROJECTIONS_DISTRIBUTION_RULE_SET_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "projections/distribution/case_key.h"
#include "projections/distribution/street.h"

namespace cti::distribution {

// Days of birth first_day..last_day (inclusive), from the CPR number's DD.
// Valid: 1 <= first_day <= last_day <= 31.
struct CprDayRange {
  int first_day = 0;
  int last_day = 0;
};

// A set of last digits of the CPR number, e.g. {0, 2, 4, 6, 8} (EvenDigits()).
// Valid: 1 to 10 distinct digits, each 0-9.
struct CprDigitSet {
  std::vector<int> digits;
};
CprDigitSet EvenDigits();
CprDigitSet OddDigits();

// Which house numbers of a range count: all, or one side of the street.
enum class StreetSide { kBoth, kOdd, kEven };

// House numbers first_number..last_number (inclusive) of one street, on `side`:
// "Vestergade 1–49 odd" is {"Vestergade", 1, 49, kOdd}; the whole street is
// {"Vestergade", 1, kMaxHouseNumber, kBoth}. `street` as written; compared in
// NormalizeStreet form (street.h). Valid: street not blank and at most kMaxStreetChars,
// 1 <= first_number <= last_number <= kMaxHouseNumber, and the range holds at least one
// number of its side.
struct AddressRange {
  std::string street;
  int first_number = 0;
  int last_number = 0;
  StreetSide side = StreetSide::kBoth;
};

// Surname initials first_letter..last_letter (inclusive) in Danish order, each one
// letter "A".."Z", "Æ", "Ø", "Å" in either case, or "Aa" for Å (DanishLetter::FromText).
// "A"–"G", "H"–"N", "O"–"Å" cover the alphabet. Valid: both letters, first <= last.
struct SurnameRange {
  std::string first_letter;
  std::string last_letter;
};

// The key range of a rule; the alternative's index is the KeyKind it needs.
using KeyRange = std::variant<CprDayRange, CprDigitSet, AddressRange, SurnameRange>;
static_assert(std::variant_size_v<KeyRange> == kKeyKindCount);

// Limits.
inline constexpr int kMaxRules = 20000;
inline constexpr int kMaxCaseworkersPerRule = 20;
inline constexpr int kMaxNoteChars = 200;
inline constexpr int kMaxTaskChars = 100;

struct Rule {
  Rule() = default;
  Rule(KeyRange range_in, std::vector<std::string> employee_ids_in, std::string note_in = "")
      : range(std::move(range_in)),
        employee_ids(std::move(employee_ids_in)),
        note(std::move(note_in)) {}

  KeyRange range;
  // Employee ids ([A-Za-z0-9._:-]{1,64}), in the order to try them; at least one, at
  // most kMaxCaseworkersPerRule, no repeats. Whether they are active employees of the
  // unit is the projection's check, not this library's.
  std::vector<std::string> employee_ids;
  // Optional note shown in explanations, e.g. "team 2" (at most kMaxNoteChars).
  std::string note;
};

// Who answers when no rule covers a key.
struct Fallback {
  enum class Kind { kUnit, kEmployee };
  Kind kind = Kind::kUnit;
  std::string id;  // a unit_id or employee_id, [A-Za-z0-9._:-]{1,64}
};

struct RuleSet {
  std::string unit_id;  // [A-Za-z0-9._:-]{1,64}
  std::string task;     // the task keyword as the unit names it, 1 to kMaxTaskChars
  int64_t version = 0;  // >= 1; shown as "v3" in explanations
  // Rule order is the rules' numbering (#1 is rules[0]) in explanations; it does not
  // decide matches, as ranges of one kind may not overlap.
  std::vector<Rule> rules;
  std::optional<Fallback> fallback;
};

// OK when `set` is valid; otherwise INVALID_ARGUMENT whose message starts with the field
// path (0-based indexes, as in the request): "rules[3].cpr_day.last_day: 32 is outside
// 1–31", "rules[2].employee_ids: must name at least one caseworker (TP-4.8)",
// "rules[4].cpr_day: days 9–12 overlap rules[1] (days 1–10) (TP-5.1)". Checks: ids,
// task, version, limits, every range's bounds and letters, no repeated employee or
// digit in a rule, no two rules of one kind sharing a key, at least one rule or a
// fallback. Gaps are allowed: see CompiledRuleSet::Coverage().
absl::Status ValidateRuleSet(const RuleSet& set);

// The range as shown to people: "CPR day 11–20", "CPR last digit even",
// "CPR last digit 0–2, 5", "Vestergade 1–49 odd", "Vestergade (whole street)",
// "surname A–G", "surname Å". REQUIRES: a valid range.
std::string DescribeRange(const KeyRange& range);

}  // namespace cti::distribution

#endif  // CTI_PROJECTIONS_DISTRIBUTION_RULE_SET_H_
