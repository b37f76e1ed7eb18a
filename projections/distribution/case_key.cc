#include "projections/distribution/case_key.h"

#include <cstddef>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "projections/distribution/internal/numbers.h"
#include "projections/distribution/street.h"
#include "projections/internal/cpr.h"
#include "projections/internal/text_fold.h"

namespace cti::distribution {
namespace {

constexpr absl::string_view kKindNames[kKeyKindCount] = {"cpr-day", "cpr-digit", "address",
                                                         "surname"};

absl::Status BadKey(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("case_key: ", what));
}

}  // namespace

absl::string_view KeyKindName(KeyKind kind) {
  const int k = static_cast<int>(kind);
  return k >= 0 && k < kKeyKindCount ? kKindNames[k] : "unknown";
}

std::optional<KeyKind> ParseKeyKind(absl::string_view name) {
  for (int k = 0; k < kKeyKindCount; ++k) {
    if (name == kKindNames[k]) return static_cast<KeyKind>(k);
  }
  return std::nullopt;
}

KeyKind KindOf(const CaseKey& key) { return static_cast<KeyKind>(key.index()); }

std::string FormatCaseKey(const CaseKey& key) {
  return std::visit(
      [](const auto& k) -> std::string {
        using K = std::decay_t<decltype(k)>;
        if constexpr (std::is_same_v<K, CprDayKey>) {
          return absl::StrCat("cpr-day:", k.day);
        } else if constexpr (std::is_same_v<K, CprDigitKey>) {
          return absl::StrCat("cpr-digit:", k.digit);
        } else if constexpr (std::is_same_v<K, AddressKey>) {
          return absl::StrCat("address:", k.street, ":", k.house_number);
        } else {
          return absl::StrCat("surname:", k.initial.ToString());
        }
      },
      key);
}

std::string DescribeKey(const CaseKey& key) {
  return std::visit(
      [](const auto& k) -> std::string {
        using K = std::decay_t<decltype(k)>;
        if constexpr (std::is_same_v<K, CprDayKey>) {
          return absl::StrCat("CPR day ", k.day);
        } else if constexpr (std::is_same_v<K, CprDigitKey>) {
          return absl::StrCat("CPR last digit ", k.digit);
        } else if constexpr (std::is_same_v<K, AddressKey>) {
          return absl::StrCat(k.street, " ", k.house_number);
        } else {
          return absl::StrCat("surname ", k.initial.ToString());
        }
      },
      key);
}

absl::StatusOr<CaseKey> ParseCaseKey(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  const size_t colon = text.find(':');
  if (colon == absl::string_view::npos) {
    return BadKey("expected KIND:VALUE with KIND cpr-day, cpr-digit, address or surname");
  }
  const std::optional<KeyKind> kind = ParseKeyKind(text.substr(0, colon));
  if (!kind.has_value()) {
    return BadKey("unknown kind; expected cpr-day, cpr-digit, address or surname");
  }
  const absl::string_view value = text.substr(colon + 1);
  switch (*kind) {
    case KeyKind::kCprDay: {
      const std::optional<int> day = internal::ParseDecimal(value, 2);
      if (!day.has_value() || *day < 1 || *day > 31) {
        return BadKey("a cpr-day key needs a day of the month from 1 to 31");
      }
      return CprDayKey{*day};
    }
    case KeyKind::kCprDigit: {
      const std::optional<int> digit = internal::ParseDecimal(value, 1);
      if (!digit.has_value()) return BadKey("a cpr-digit key needs one digit, 0 to 9");
      return CprDigitKey{*digit};
    }
    case KeyKind::kAddress: {
      const size_t last = value.rfind(':');
      if (last == absl::string_view::npos) {
        return BadKey("an address key is address:STREET:HOUSE_NUMBER");
      }
      std::string street = NormalizeStreet(value.substr(0, last));
      if (street.empty()) return BadKey("an address key needs a street name");
      if (projections::internal::ContainsCprNumber(street)) {
        return BadKey("an address key's street must not contain a CPR number (TP-4.2)");
      }
      if (projections::internal::CodePointCount(street) > kMaxStreetChars) {
        return BadKey(
            absl::StrCat("an address key's street has at most ", kMaxStreetChars, " characters"));
      }
      const std::optional<int> number = internal::ParseDecimal(value.substr(last + 1), 4);
      if (!number.has_value() || *number < 1) {
        return BadKey(
            absl::StrCat("an address key needs a house number from 1 to ", kMaxHouseNumber));
      }
      return AddressKey{std::move(street), *number};
    }
    case KeyKind::kSurname: {
      const std::optional<DanishLetter> letter = DanishLetter::FromText(value);
      if (!letter.has_value()) {
        return BadKey("a surname key needs one letter of the Danish alphabet, A to Å");
      }
      return SurnameKey{*letter};
    }
  }
  return BadKey("unknown kind");
}

}  // namespace cti::distribution
