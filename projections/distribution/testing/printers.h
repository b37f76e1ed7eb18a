// GoogleTest printers for the distribution library's value types (tests only).
#ifndef CTI_PROJECTIONS_DISTRIBUTION_TESTING_PRINTERS_H_
#define CTI_PROJECTIONS_DISTRIBUTION_TESTING_PRINTERS_H_

#include <ostream>

#include "projections/distribution/case_key.h"
#include "projections/distribution/danish_letter.h"

namespace cti::distribution {

inline void PrintTo(DanishLetter letter, std::ostream* os) { *os << letter.ToString(); }
inline void PrintTo(const CprDayKey& key, std::ostream* os) { *os << FormatCaseKey(key); }
inline void PrintTo(const CprDigitKey& key, std::ostream* os) { *os << FormatCaseKey(key); }
inline void PrintTo(const AddressKey& key, std::ostream* os) { *os << FormatCaseKey(key); }
inline void PrintTo(const SurnameKey& key, std::ostream* os) { *os << FormatCaseKey(key); }

}  // namespace cti::distribution

#endif  // CTI_PROJECTIONS_DISTRIBUTION_TESTING_PRINTERS_H_
