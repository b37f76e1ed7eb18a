#include "projections/distribution/citizen_keys.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "projections/distribution/internal/numbers.h"
#include "projections/distribution/street.h"
#include "projections/internal/cpr.h"
#include "projections/internal/text_fold.h"

namespace cti::distribution {
namespace {

using internal::IsDigit;

constexpr int kCprDigits = 10;

// The CPR digits of one call, zeroed when the call ends whatever the path.
class CprDigits {
 public:
  CprDigits() = default;
  CprDigits(const CprDigits&) = delete;
  CprDigits& operator=(const CprDigits&) = delete;
  ~CprDigits() {
    volatile uint8_t* p = digits_.data();
    for (size_t i = 0; i < digits_.size(); ++i) p[i] = 0;
  }
  // False when the text has more than ten digits.
  bool Push(char c) {
    if (count_ == kCprDigits) return false;
    digits_[count_++] = static_cast<uint8_t>(c - '0');
    return true;
  }
  int count() const { return count_; }
  int At(int i) const { return digits_[i]; }
  int TwoAt(int i) const { return digits_[i] * 10 + digits_[i + 1]; }

 private:
  std::array<uint8_t, kCprDigits> digits_{};
  int count_ = 0;
};

// Never include the input or any digit in these: see citizen_keys.h.
absl::Status NotACpr() {
  return absl::InvalidArgumentError(
      "cpr: not a CPR number; expected DDMMYY-SSSS: ten digits, optionally with a dash "
      "after the sixth");
}
absl::Status NotADate() {
  return absl::InvalidArgumentError(
      "cpr: not a CPR number; its first six digits (DDMMYY) are not a real date of birth");
}

// Year of birth from the two-digit year and the seventh digit (CPR office's table).
int YearOfBirth(int yy, int seventh) {
  if (seventh <= 3) return 1900 + yy;
  if (seventh == 4 || seventh == 9) return (yy <= 36 ? 2000 : 1900) + yy;
  return (yy <= 57 ? 2000 : 1800) + yy;  // 5-8
}

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

bool IsRealDate(int day, int month, int year) {
  static constexpr int kDaysInMonth[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  const int days = kDaysInMonth[month] + (month == 2 && IsLeapYear(year) ? 1 : 0);
  return day <= days;
}

// Whitespace words of `text` (ASCII whitespace and the no-break space split).
std::vector<absl::string_view> Words(absl::string_view text) {
  std::vector<absl::string_view> words;
  size_t start = 0;
  bool in_word = false;
  size_t i = 0;
  while (i <= text.size()) {
    size_t space = 0;
    if (i == text.size()) {
      space = 1;
    } else if (absl::ascii_isspace(static_cast<unsigned char>(text[i]))) {
      space = 1;
    } else if (static_cast<unsigned char>(text[i]) == 0xc2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) == 0xa0) {
      space = 2;
    }
    if (space > 0) {
      if (in_word) words.push_back(text.substr(start, i - start));
      in_word = false;
      i += space;
    } else {
      if (!in_word) start = i;
      in_word = true;
      ++i;
    }
  }
  return words;
}

// The house number `word` starts with when it reads as one: digits, then nothing, one
// letter, or a range dash. nullopt otherwise ("2." is a floor, "9.s" part of a name).
std::optional<absl::string_view> HouseNumberDigits(absl::string_view word) {
  size_t n = 0;
  while (n < word.size() && IsDigit(word[n])) ++n;
  if (n == 0) return std::nullopt;
  const absl::string_view rest = word.substr(n);
  const bool one_letter =
      rest.size() == 1 && absl::ascii_isalpha(static_cast<unsigned char>(rest[0]));
  const bool range = !rest.empty() && (rest[0] == '-' || rest[0] == '/' ||
                                       absl::StartsWith(rest, "\xe2\x80\x93"));  // en dash
  if (!rest.empty() && !one_letter && !range) return std::nullopt;
  return word.substr(0, n);
}

}  // namespace

absl::StatusOr<CaseKey> KeyFromCpr(absl::string_view cpr_text, KeyKind needed) {
  if (needed != KeyKind::kCprDay && needed != KeyKind::kCprDigit) {
    return absl::InvalidArgumentError(absl::StrCat(
        "needed_kind: a CPR number gives a cpr-day or cpr-digit key, not ", KeyKindName(needed)));
  }
  CprDigits digits;
  bool dash_seen = false;
  for (char c : cpr_text) {
    if (IsDigit(c)) {
      if (!digits.Push(c)) return NotACpr();
    } else if (c == '-' && !dash_seen && digits.count() == 6) {
      dash_seen = true;
    } else if (!absl::ascii_isspace(static_cast<unsigned char>(c))) {
      return NotACpr();
    }
  }
  if (digits.count() != kCprDigits) return NotACpr();
  const int day = digits.TwoAt(0);
  if (!IsRealDate(day, digits.TwoAt(2), YearOfBirth(digits.TwoAt(4), digits.At(6)))) {
    return NotADate();
  }
  if (needed == KeyKind::kCprDay) return CprDayKey{day};
  return CprDigitKey{digits.At(kCprDigits - 1)};
}

absl::StatusOr<CaseKey> KeyFromAddress(absl::string_view address) {
  const absl::string_view line = address.substr(0, address.find(','));
  const std::vector<absl::string_view> words = Words(line);
  for (size_t k = 1; k < words.size(); ++k) {
    const std::optional<absl::string_view> digits = HouseNumberDigits(words[k]);
    if (!digits.has_value()) continue;
    size_t street_words = k;
    const std::string last = projections::internal::FoldText(words[k - 1]);
    if (street_words > 1 && (last == "nr." || last == "nr")) --street_words;
    std::string street =
        NormalizeStreet(absl::StrJoin(words.begin(), words.begin() + street_words, " "));
    if (projections::internal::CodePointCount(street) > kMaxStreetChars) {
      return absl::InvalidArgumentError(
          absl::StrCat("address: the street name has more than ", kMaxStreetChars, " characters"));
    }
    if (projections::internal::ContainsCprNumber(street)) {
      return absl::InvalidArgumentError(
          "address: the street must not contain a CPR number (TP-4.2)");
    }
    const std::optional<int> number = internal::ParseDecimal(*digits, 4);
    if (!number.has_value() || *number < 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("address: the house number must be 1 to ", kMaxHouseNumber));
    }
    return AddressKey{std::move(street), *number};
  }
  return absl::InvalidArgumentError(
      "address: expected a street and a house number, e.g. \"Vestergade 12B, 2. th\"");
}

absl::StatusOr<CaseKey> KeyFromSurname(absl::string_view surname) {
  const std::optional<DanishLetter> initial = InitialOfSurname(surname);
  if (!initial.has_value()) {
    return absl::InvalidArgumentError(
        "surname: must start with a letter filed under A to Å in the Danish alphabet");
  }
  return SurnameKey{*initial};
}

}  // namespace cti::distribution
