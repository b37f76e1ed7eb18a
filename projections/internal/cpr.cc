#include "projections/internal/cpr.h"

#include <cstddef>

namespace cti::projections::internal {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int TwoDigits(absl::string_view text, size_t i) {
  return (text[i] - '0') * 10 + (text[i + 1] - '0');
}

bool AllDigits(absl::string_view text, size_t i, size_t n) {
  if (i + n > text.size()) return false;
  for (size_t k = i; k < i + n; ++k) {
    if (!IsDigit(text[k])) return false;
  }
  return true;
}

bool PlausibleDate(int day, int month) {
  static constexpr int kDaysInMonth[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month >= 1 && month <= 12 && day >= 1 && day <= kDaysInMonth[month];
}

// True when a CPR number starts at text[i] (a digit not preceded by a digit).
bool CprAt(absl::string_view text, size_t i) {
  if (!AllDigits(text, i, 6)) return false;
  size_t j = i + 6;
  if (j < text.size() && (text[j] == '-' || text[j] == ' ')) ++j;
  if (!AllDigits(text, j, 4)) return false;
  const size_t end = j + 4;
  if (end < text.size() && IsDigit(text[end])) return false;
  return PlausibleDate(TwoDigits(text, i), TwoDigits(text, i + 2));
}

}  // namespace

bool ContainsCprNumber(absl::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (IsDigit(text[i]) && (i == 0 || !IsDigit(text[i - 1])) && CprAt(text, i)) return true;
  }
  return false;
}

}  // namespace cti::projections::internal
