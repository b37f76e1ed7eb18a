#include "projections/distribution/street.h"

#include <cstddef>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "projections/distribution/internal/utf8.h"
#include "projections/internal/text_fold.h"

namespace cti::distribution {
namespace {

// Length of the whitespace at text[i] (1 for ASCII whitespace, 2 for U+00A0 in UTF-8),
// or 0 when there is none.
size_t SpaceAt(absl::string_view text, size_t i) {
  const unsigned char c = static_cast<unsigned char>(text[i]);
  if (absl::ascii_isspace(c)) return 1;
  if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xa0) {
    return 2;
  }
  return 0;
}

}  // namespace

bool IsNormalizedStreet(absl::string_view street) {
  if (street.empty()) return true;
  if (street.front() == ' ' || street.back() == ' ') return false;
  size_t i = 0;
  while (i < street.size()) {
    const unsigned char c = static_cast<unsigned char>(street[i]);
    if (c < 0x80) {
      if (c >= 'A' && c <= 'Z') return false;
      if (c == ' ' ? street[i + 1] == ' ' : absl::ascii_isspace(c)) return false;
      ++i;
      continue;
    }
    uint32_t cp = 0;
    const size_t len = internal::DecodeUtf8(street, i, &cp);
    if (len == 0) {  // kept as it is by FoldText
      ++i;
      continue;
    }
    // Latin-1 letters fold, except å æ ø and the signs × ÷; U+00A0 is whitespace.
    if (cp == 0xa0) return false;
    if (cp >= 0xc0 && cp <= 0xff && cp != 0xe5 && cp != 0xe6 && cp != 0xf8 && cp != 0xd7 &&
        cp != 0xf7) {
      return false;
    }
    i += len;
  }
  return true;
}

std::string TidyStreet(absl::string_view street) {
  std::string out;
  out.reserve(street.size());
  bool pending_space = false;
  size_t i = 0;
  while (i < street.size()) {
    if (const size_t n = SpaceAt(street, i); n > 0) {
      pending_space = !out.empty();
      i += n;
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(street[i]);
    ++i;
  }
  return out;
}

std::string NormalizeStreet(absl::string_view street) {
  return projections::internal::FoldText(TidyStreet(street));
}

}  // namespace cti::distribution
