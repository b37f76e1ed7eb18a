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

// The length of the CPR number that starts at text[i] (a digit not preceded by a
// digit), or 0 when none does.
size_t CprLengthAt(absl::string_view text, size_t i) {
  if (!AllDigits(text, i, 6)) return 0;
  size_t j = i + 6;
  if (j < text.size() && (text[j] == '-' || text[j] == ' ')) ++j;
  if (!AllDigits(text, j, 4)) return 0;
  const size_t end = j + 4;
  if (end < text.size() && IsDigit(text[end])) return 0;
  return PlausibleDate(TwoDigits(text, i), TwoDigits(text, i + 2)) ? end - i : 0;
}

bool CprAt(absl::string_view text, size_t i) { return CprLengthAt(text, i) > 0; }

}  // namespace

bool ContainsCprNumber(absl::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (IsDigit(text[i]) && (i == 0 || !IsDigit(text[i - 1])) && CprAt(text, i)) return true;
  }
  return false;
}

std::string MaskCprNumbers(absl::string_view text, absl::string_view mask, int* masked) {
  std::string out;
  out.reserve(text.size());
  int count = 0;
  for (size_t i = 0; i < text.size();) {
    const size_t length =
        IsDigit(text[i]) && (i == 0 || !IsDigit(text[i - 1])) ? CprLengthAt(text, i) : 0;
    if (length > 0) {
      out.append(mask.data(), mask.size());
      i += length;
      ++count;
    } else {
      out.push_back(text[i]);
      ++i;
    }
  }
  if (masked != nullptr) *masked = count;
  return out;
}

}  // namespace cti::projections::internal
