// Detection of Danish CPR numbers in free text, so calendar entries that carry one are
// refused and messages reception types have them masked (TP-4.2). Pure functions,
// thread-safe.
#ifndef CTI_PROJECTIONS_INTERNAL_CPR_H_
#define CTI_PROJECTIONS_INTERNAL_CPR_H_

#include <string>

#include "absl/strings/string_view.h"

namespace cti::projections::internal {

// True when `text` contains something that reads as a CPR number: DDMMYY then SSSS,
// written as 10 digits or with one '-' or ' ' between the two parts ("010190-1234",
// "010190 1234", "0101901234"), not directly preceded or followed by another digit, and
// whose DDMMYY is a real day of the year (29 February is allowed in any year, as the
// century is unknown).
bool ContainsCprNumber(absl::string_view text);

// `text` with every CPR number (as ContainsCprNumber reads one) replaced by `mask`;
// `*masked`, when given, counts the replacements.
std::string MaskCprNumbers(absl::string_view text, absl::string_view mask, int* masked = nullptr);

}  // namespace cti::projections::internal

#endif  // CTI_PROJECTIONS_INTERNAL_CPR_H_
