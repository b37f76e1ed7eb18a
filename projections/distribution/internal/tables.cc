#include "projections/distribution/internal/tables.h"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <map>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "projections/distribution/street.h"

namespace cti::distribution::internal {
namespace {

constexpr absl::string_view kFieldOfKind[kKeyKindCount] = {"cpr_day", "cpr_digit", "address",
                                                           "surname"};

// INVALID_ARGUMENT "rules[later].KIND: RANGE overlaps rules[earlier] (RANGE) on WHERE".
absl::Status Overlap(const RuleSet& set, int later, int earlier, absl::string_view where) {
  const KeyRange& range = set.rules[later].range;
  return absl::InvalidArgumentError(
      absl::StrCat("rules[", later, "].", kFieldOfKind[range.index()], ": ", DescribeRange(range),
                   " overlaps rules[", earlier, "] (", DescribeRange(set.rules[earlier].range),
                   ") on ", where, " (TP-5.1)"));
}

// Claims cells [first, last] of `table` for `rule`; the first cell already taken, if any.
template <size_t N>
std::optional<int> Claim(std::array<int32_t, N>& table, int first, int last, int rule) {
  for (int i = first; i <= last; ++i) {
    if (table[i] != kNoRule) return i;
  }
  for (int i = first; i <= last; ++i) table[i] = rule;
  return std::nullopt;
}

// One side of one street while building: first -> interval, disjoint.
using SideMap = std::map<int, StreetInterval>;

// Inserts [first, last] for `rule`; on overlap, the shared house number and the rule
// already there.
std::optional<std::pair<int, int>> Insert(SideMap& side, int first, int last, int rule) {
  auto next = side.upper_bound(first);
  if (next != side.begin()) {
    const StreetInterval& prev = std::prev(next)->second;
    if (prev.last >= first) return std::make_pair(first, static_cast<int>(prev.rule));
  }
  if (next != side.end() && next->second.first <= last) {
    return std::make_pair(static_cast<int>(next->second.first),
                          static_cast<int>(next->second.rule));
  }
  side.emplace(first, StreetInterval{first, last, rule});
  return std::nullopt;
}

std::vector<StreetInterval> ToVector(const SideMap& side) {
  std::vector<StreetInterval> out;
  out.reserve(side.size());
  for (const auto& [first, interval] : side) out.push_back(interval);
  return out;
}

}  // namespace

void ClipToSide(StreetSide side, int first, int last, int* clipped_first, int* clipped_last) {
  *clipped_first = first;
  *clipped_last = last;
  if (side == StreetSide::kBoth) return;
  const int parity = side == StreetSide::kOdd ? 1 : 0;
  if (first % 2 != parity) ++*clipped_first;
  if (last % 2 != parity) --*clipped_last;
}

int32_t FindHouseNumber(const StreetTable& table, int number) {
  const std::vector<StreetInterval>& side = number % 2 == 1 ? table.odd : table.even;
  // The last interval starting at or before `number`.
  auto it = std::upper_bound(side.begin(), side.end(), number,
                             [](int n, const StreetInterval& iv) { return n < iv.first; });
  if (it == side.begin()) return kNoRule;
  --it;
  return number <= it->last ? it->rule : kNoRule;
}

absl::Status BuildTables(const RuleSet& set, Tables* tables) {
  absl::flat_hash_map<std::string, std::array<SideMap, 2>> streets;  // [0] odd, [1] even
  int first_cpr_rule = -1;
  for (size_t r = 0; r < set.rules.size(); ++r) {
    const int rule = static_cast<int>(r);
    const KeyRange& range = set.rules[r].range;
    const auto kind = static_cast<KeyKind>(range.index());
    if (kind == KeyKind::kCprDay || kind == KeyKind::kCprDigit) {
      if (first_cpr_rule < 0) {
        first_cpr_rule = rule;
      } else if (set.rules[first_cpr_rule].range.index() != range.index()) {
        return absl::InvalidArgumentError(
            absl::StrCat("rules[", rule, "].", kFieldOfKind[range.index()],
                         ": a rule set distributes CPR numbers by day of birth or by last digit, "
                         "not both (rules[",
                         first_cpr_rule, "] is ",
                         kFieldOfKind[set.rules[first_cpr_rule].range.index()], ") (TP-5.1)"));
      }
    }
    tables->used[range.index()] = true;
    if (const auto* days = std::get_if<CprDayRange>(&range)) {
      if (auto taken = Claim(tables->day, days->first_day, days->last_day, rule)) {
        return Overlap(set, rule, tables->day[*taken], absl::StrCat("day ", *taken));
      }
    } else if (const auto* digits = std::get_if<CprDigitSet>(&range)) {
      for (int d : digits->digits) {
        if (tables->digit[d] != kNoRule) {
          return Overlap(set, rule, tables->digit[d], absl::StrCat("digit ", d));
        }
        tables->digit[d] = rule;
      }
    } else if (const auto* address = std::get_if<AddressRange>(&range)) {
      std::array<SideMap, 2>& sides = streets[NormalizeStreet(address->street)];
      for (StreetSide side : {StreetSide::kOdd, StreetSide::kEven}) {
        if (address->side != StreetSide::kBoth && address->side != side) continue;
        int first = 0;
        int last = 0;
        ClipToSide(side, address->first_number, address->last_number, &first, &last);
        if (first > last) continue;
        if (auto taken = Insert(sides[side == StreetSide::kOdd ? 0 : 1], first, last, rule)) {
          return Overlap(set, rule, taken->second, absl::StrCat("number ", taken->first));
        }
      }
    } else {
      const auto& letters = std::get<SurnameRange>(range);
      const int first = DanishLetter::FromText(letters.first_letter)->index();
      const int last = DanishLetter::FromText(letters.last_letter)->index();
      if (auto taken = Claim(tables->letter, first, last, rule)) {
        return Overlap(set, rule, tables->letter[*taken],
                       absl::StrCat("letter ", DanishLetter::FromIndex(*taken).ToString()));
      }
    }
  }
  tables->streets.reserve(streets.size());
  for (auto& [street, sides] : streets) {
    tables->streets.emplace(street, StreetTable{ToVector(sides[0]), ToVector(sides[1])});
  }
  return absl::OkStatus();
}

}  // namespace cti::distribution::internal
