#include "projections/distribution/rule_set.h"

#include <algorithm>
#include <cstddef>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "projections/distribution/internal/tables.h"
#include "projections/distribution/street.h"

namespace cti::distribution {
namespace {

std::string NumberSpan(int first, int last) {
  return first == last ? absl::StrCat(first) : absl::StrCat(first, "–", last);
}

std::string DescribeDigits(std::vector<int> digits) {
  std::sort(digits.begin(), digits.end());
  if (digits == std::vector<int>{0, 2, 4, 6, 8}) return "CPR last digit even";
  if (digits == std::vector<int>{1, 3, 5, 7, 9}) return "CPR last digit odd";
  std::vector<std::string> runs;
  for (size_t i = 0; i < digits.size();) {
    size_t j = i;
    while (j + 1 < digits.size() && digits[j + 1] == digits[j] + 1) ++j;
    if (j - i >= 2) {
      runs.push_back(NumberSpan(digits[i], digits[j]));
    } else {
      for (size_t k = i; k <= j; ++k) runs.push_back(absl::StrCat(digits[k]));
    }
    i = j + 1;
  }
  return absl::StrCat("CPR last digit ", absl::StrJoin(runs, ", "));
}

std::string DescribeAddress(const AddressRange& a) {
  const std::string street = TidyStreet(a.street);
  const absl::string_view side = a.side == StreetSide::kOdd    ? "odd"
                                 : a.side == StreetSide::kEven ? "even"
                                                               : "";
  if (a.first_number == 1 && a.last_number == kMaxHouseNumber) {
    if (side.empty()) return absl::StrCat(street, " (whole street)");
    return absl::StrCat(street, ", ", side, " numbers");
  }
  std::string out = absl::StrCat(street, " ", NumberSpan(a.first_number, a.last_number));
  if (!side.empty()) absl::StrAppend(&out, " ", side);
  return out;
}

absl::string_view LetterText(const std::string& text) {
  const std::optional<DanishLetter> letter = DanishLetter::FromText(text);
  return letter.has_value() ? letter->ToString() : absl::string_view(text);
}

}  // namespace

CprDigitSet EvenDigits() { return CprDigitSet{{0, 2, 4, 6, 8}}; }
CprDigitSet OddDigits() { return CprDigitSet{{1, 3, 5, 7, 9}}; }

std::string DescribeRange(const KeyRange& range) {
  if (const auto* days = std::get_if<CprDayRange>(&range)) {
    return absl::StrCat("CPR day ", NumberSpan(days->first_day, days->last_day));
  }
  if (const auto* digits = std::get_if<CprDigitSet>(&range)) return DescribeDigits(digits->digits);
  if (const auto* address = std::get_if<AddressRange>(&range)) return DescribeAddress(*address);
  const auto& letters = std::get<SurnameRange>(range);
  const absl::string_view first = LetterText(letters.first_letter);
  const absl::string_view last = LetterText(letters.last_letter);
  if (first == last) return absl::StrCat("surname ", first);
  return absl::StrCat("surname ", first, "–", last);
}

absl::Status ValidateRuleSet(const RuleSet& set) {
  if (absl::Status s = internal::CheckFields(set); !s.ok()) return s;
  internal::Tables tables;
  return internal::BuildTables(set, &tables);
}

}  // namespace cti::distribution
