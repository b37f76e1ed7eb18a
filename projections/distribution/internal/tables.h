// Lookup tables of a rule set: what CompiledRuleSet matches against, and what
// ValidateRuleSet builds to find overlapping rules. Not thread-safe while being built;
// read-only afterwards.
#ifndef CTI_PROJECTIONS_DISTRIBUTION_INTERNAL_TABLES_H_
#define CTI_PROJECTIONS_DISTRIBUTION_INTERNAL_TABLES_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "projections/distribution/danish_letter.h"
#include "projections/distribution/rule_set.h"

namespace cti::distribution::internal {

inline constexpr int32_t kNoRule = -1;

// House numbers first..last of one side of a street, both of that side's parity, and
// the rule that covers them. A side's intervals are disjoint and sorted by `first`.
struct StreetInterval {
  int32_t first;
  int32_t last;
  int32_t rule;
};

struct StreetTable {
  std::vector<StreetInterval> odd;
  std::vector<StreetInterval> even;
};

struct Tables {
  Tables() {
    day.fill(kNoRule);
    digit.fill(kNoRule);
    letter.fill(kNoRule);
  }
  std::array<int32_t, 32> day;  // [1..31]; [0] unused
  std::array<int32_t, 10> digit;
  std::array<int32_t, DanishLetter::kCount> letter;
  absl::flat_hash_map<std::string, StreetTable> streets;  // by NormalizeStreet(street)
  std::array<bool, kKeyKindCount> used{};                 // by KeyKind: has a rule
};

// The rule index covering `number` on `table`'s street, or kNoRule.
int32_t FindHouseNumber(const StreetTable& table, int number);

// Fills `tables` from `set`. REQUIRES: every field of `set` passed CheckFields.
// INVALID_ARGUMENT naming the first rule (in rule order) that shares a key with an
// earlier rule of its kind, and that rule: "rules[4].cpr_day: CPR day 9–12 overlaps
// rules[1] (CPR day 1–10) on day 9 (TP-5.1)"; or, for a set with both cpr_day and
// cpr_digit rules, the first rule of the second of those kinds.
absl::Status BuildTables(const RuleSet& set, Tables* tables);

// OK when every field of `set` has a valid value (everything ValidateRuleSet checks but
// overlaps); INVALID_ARGUMENT naming the first bad field otherwise.
absl::Status CheckFields(const RuleSet& set);

// The first and last house numbers of `side` parity in first..last (kBoth: first, last);
// first > last when there is none.
void ClipToSide(StreetSide side, int first, int last, int* clipped_first, int* clipped_last);

}  // namespace cti::distribution::internal

#endif  // CTI_PROJECTIONS_DISTRIBUTION_INTERNAL_TABLES_H_
