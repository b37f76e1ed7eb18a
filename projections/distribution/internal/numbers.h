// Small decimal parsing for the distribution library. Pure, thread-safe.
#ifndef CTI_PROJECTIONS_DISTRIBUTION_INTERNAL_NUMBERS_H_
#define CTI_PROJECTIONS_DISTRIBUTION_INTERNAL_NUMBERS_H_

#include <cstddef>
#include <optional>

#include "absl/strings/string_view.h"

namespace cti::distribution::internal {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The value of `text` when it is 1 to `max_digits` ASCII digits (leading zeros allowed,
// no sign, no spaces); nullopt otherwise. REQUIRES: max_digits <= 9.
inline std::optional<int> ParseDecimal(absl::string_view text, int max_digits) {
  if (text.empty() || text.size() > static_cast<size_t>(max_digits)) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (!IsDigit(c)) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace cti::distribution::internal

#endif  // CTI_PROJECTIONS_DISTRIBUTION_INTERNAL_NUMBERS_H_
