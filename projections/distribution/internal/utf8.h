// Minimal UTF-8 decoding for the distribution library. Pure, thread-safe.
#ifndef CTI_PROJECTIONS_DISTRIBUTION_INTERNAL_UTF8_H_
#define CTI_PROJECTIONS_DISTRIBUTION_INTERNAL_UTF8_H_

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace cti::distribution::internal {

// Decodes the code point starting at text[i] into *cp. Returns its length in bytes, or
// 0 when the bytes there are not valid UTF-8 (or i is at the end).
inline size_t DecodeUtf8(absl::string_view text, size_t i, uint32_t* cp) {
  if (i >= text.size()) return 0;
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  size_t len;
  uint32_t value;
  if (c < 0x80) {
    *cp = c;
    return 1;
  } else if ((c & 0xe0) == 0xc0) {
    len = 2;
    value = c & 0x1f;
  } else if ((c & 0xf0) == 0xe0) {
    len = 3;
    value = c & 0x0f;
  } else if ((c & 0xf8) == 0xf0) {
    len = 4;
    value = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    value = (value << 6) | (byte(i + k) & 0x3f);
  }
  static constexpr uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (value < kMin[len] || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return 0;
  *cp = value;
  return len;
}

}  // namespace cti::distribution::internal

#endif  // CTI_PROJECTIONS_DISTRIBUTION_INTERNAL_UTF8_H_
