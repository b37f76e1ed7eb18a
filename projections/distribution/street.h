// Street names as distribution rules compare them (TP-5.1: cases distributed by address).
//
//   NormalizeStreet("  H.C. Andersens   Boulevard ")  == "h.c. andersens boulevard"
//   NormalizeStreet("VESTERGADE")                      == "vestergade"
//   NormalizeStreet("Bülowsvej")                       == "bulowsvej"
//   TidyStreet("  Vester   Voldgade ")                 == "Vester Voldgade"
//
// Only case, accents and spacing are normalised: the words stay as written, so
// "Vestergade", "Vester Gade" and "Vestergd." are three different streets (a rule set
// must spell its streets as the addresses in the municipality's register do).
// Pure functions, thread-safe.
#ifndef CTI_PROJECTIONS_DISTRIBUTION_STREET_H_
#define CTI_PROJECTIONS_DISTRIBUTION_STREET_H_

#include <string>

#include "absl/strings/string_view.h"

namespace cti::distribution {

// House numbers are 1 to kMaxHouseNumber; a rule for "the whole street" is 1..9999.
inline constexpr int kMaxHouseNumber = 9999;
// A street name has at most this many code points (after tidying).
inline constexpr int kMaxStreetChars = 100;

// `street` trimmed, with every run of whitespace (ASCII whitespace and the no-break
// space) turned into one space, then case-folded the way directory search folds
// (projections/internal/text_fold.h: Æ Ø Å stay letters of their own, é -> e, ü -> u).
// The form used for comparison and in case keys. Idempotent.
std::string NormalizeStreet(absl::string_view street);

// True when NormalizeStreet(street) == street. Does not allocate.
bool IsNormalizedStreet(absl::string_view street);

// `street` trimmed and with whitespace runs collapsed, case kept: the form shown in
// explanations ("Vestergade 1–49 odd").
std::string TidyStreet(absl::string_view street);

}  // namespace cti::distribution

#endif  // CTI_PROJECTIONS_DISTRIBUTION_STREET_H_
