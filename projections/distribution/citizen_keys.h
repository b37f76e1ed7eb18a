// Reduction of a citizen's data to the case key a distribution rule needs (TP-5.1), at
// the edge (ctictl, the gRPC handler), before anything is logged or stored.
//
// Privacy contract (DESIGN.md "Privacy and security", issue 3 item 4): a CPR number
// never enters the log, a projection, a log line or an error message. KeyFromCpr reads
// the text in place and returns only the day of birth or the last digit; it keeps no
// copy (its digits live in a local buffer that it zeroes before returning) and its
// error messages contain no digits at all. The CALLER must wipe its own copy of the CPR
// text (the request field, the command-line argument buffer) as soon as the call
// returns, and log nothing of it but the key.
//
//   KeyFromCpr("170190-1234", KeyKind::kCprDay)   -> CprDayKey{17}
//   KeyFromCpr("1701901234", KeyKind::kCprDigit)  -> CprDigitKey{4}
//   KeyFromAddress("Vestergade 12B, 2. th")       -> AddressKey{"vestergade", 12}
//   KeyFromSurname("Aagaard")                     -> SurnameKey{Å}
//
// Pure functions, thread-safe.
#ifndef CTI_PROJECTIONS_DISTRIBUTION_CITIZEN_KEYS_H_
#define CTI_PROJECTIONS_DISTRIBUTION_CITIZEN_KEYS_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "projections/distribution/case_key.h"

namespace cti::distribution {

// The `needed` key (kCprDay or kCprDigit) of the CPR number in `cpr_text`: DDMMYY then
// SSSS, ten digits, with ASCII whitespace anywhere and at most one '-' right after the
// sixth digit ("170190-1234", "170190 1234", "1701901234", " 170190 - 1234 ").
// The date must be real: DD a day of month MM in the year of birth, whose century
// follows from the seventh digit as the CPR office defines it (so 29 February is
// accepted only in leap years: 290200-4xxx is 2000, 290200-1xxx is 1900). The
// modulus-11 check is NOT made (numbers issued since 2007 may fail it).
// INVALID_ARGUMENT naming "cpr" (text that is not such a number, an impossible date) or
// "needed_kind" (not a CPR kind); the message never contains a digit of the input.
absl::StatusOr<CaseKey> KeyFromCpr(absl::string_view cpr_text, KeyKind needed);

// The address key of a Danish address line "STREET NUMBER[LETTER][, FLOOR DOOR][, ...]":
// only the part before the first comma is read; the house number is the first word
// after the street that is 1-4 digits, optionally followed by one letter ("12B") or a
// range ("12-14": 12); what follows it (letter, floor, door: "12B 2. th") is ignored; a
// trailing "nr." is dropped from the street. The street comes out in NormalizeStreet
// form. INVALID_ARGUMENT naming "address" when no street or house number is found, the
// number is 0 or above kMaxHouseNumber, or the street is longer than kMaxStreetChars.
absl::StatusOr<CaseKey> KeyFromAddress(absl::string_view address);

// The surname key of `surname` (InitialOfSurname in danish_letter.h: "Aa" counts as Å,
// Ä as Æ, Ö as Ø, Ü as Y). INVALID_ARGUMENT naming "surname" when it does not start
// with a Latin letter.
absl::StatusOr<CaseKey> KeyFromSurname(absl::string_view surname);

}  // namespace cti::distribution

#endif  // CTI_PROJECTIONS_DISTRIBUTION_CITIZEN_KEYS_H_
