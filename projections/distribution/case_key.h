// Case keys: the minimal piece of a citizen's data that a case distribution rule needs
// (TP-5.1). A key is what travels in requests, events and explanations; the CPR number,
// the full address or the full name it came from never do (see citizen_keys.h for the
// functions that reduce them at the edge).
//
// Canonical text form (FormatCaseKey / ParseCaseKey):
//   cpr-day:17               day of birth, 1-31
//   cpr-digit:4              last digit of the CPR number, 0-9
//   address:vestergade:12    normalised street (street.h) and house number, 1-9999
//   surname:Å                initial in the Danish alphabet (danish_letter.h)
//
// Plain value types and pure functions, thread-safe.
#ifndef CTI_PROJECTIONS_DISTRIBUTION_CASE_KEY_H_
#define CTI_PROJECTIONS_DISTRIBUTION_CASE_KEY_H_

#include <optional>
#include <string>
#include <variant>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "projections/distribution/danish_letter.h"

namespace cti::distribution {

// What a rule distributes by, and so which key it needs.
enum class KeyKind { kCprDay, kCprDigit, kAddress, kSurname };
inline constexpr int kKeyKindCount = 4;

// "cpr-day", "cpr-digit", "address", "surname" (the prefixes of the text form);
// "unknown" for a value outside the enum.
absl::string_view KeyKindName(KeyKind kind);
// The kind named by KeyKindName's text (exact, lower case); nullopt otherwise.
std::optional<KeyKind> ParseKeyKind(absl::string_view name);

// Day of the month of birth, from the CPR number's first two digits. Valid: 1-31.
struct CprDayKey {
  int day = 0;
  friend bool operator==(const CprDayKey&, const CprDayKey&) = default;
};

// Last digit of the CPR number. Valid: 0-9.
struct CprDigitKey {
  int digit = 0;
  friend bool operator==(const CprDigitKey&, const CprDigitKey&) = default;
};

// Street and house number of the citizen's address; letter, floor and door dropped.
// `street` must be in NormalizeStreet form (KeyFromAddress and ParseCaseKey give that);
// house_number valid: 1-kMaxHouseNumber.
struct AddressKey {
  std::string street;
  int house_number = 0;
  friend bool operator==(const AddressKey&, const AddressKey&) = default;
};

// Initial of the citizen's surname in the Danish alphabet.
struct SurnameKey {
  DanishLetter initial = DanishLetter::FromIndex(0);
  friend bool operator==(const SurnameKey&, const SurnameKey&) = default;
};

using CaseKey = std::variant<CprDayKey, CprDigitKey, AddressKey, SurnameKey>;

KeyKind KindOf(const CaseKey& key);

// The canonical text form (see the top of this file). REQUIRES: `key` is valid (values
// in range; an invalid value is written as it is and will not parse back).
std::string FormatCaseKey(const CaseKey& key);

// The key as shown to people in explanations: "CPR day 17", "CPR last digit 4",
// "vestergade 12", "surname Å".
std::string DescribeKey(const CaseKey& key);

// Parses a key's text form; surrounding whitespace is ignored. Accepts the canonical
// form and these variants, which it canonicalises: a leading zero ("cpr-day:07"), a
// street not yet normalised ("address:Vester  Gade:3"), a small or "Aa" letter
// ("surname:å", "surname:Aa"). INVALID_ARGUMENT naming the field "case_key" otherwise;
// the message never repeats the input (it may be a pasted CPR number).
absl::StatusOr<CaseKey> ParseCaseKey(absl::string_view text);

}  // namespace cti::distribution

#endif  // CTI_PROJECTIONS_DISTRIBUTION_CASE_KEY_H_
