#include "projections/internal/text_fold.h"

#include <cstdint>

namespace cti::projections::internal {
namespace {

// Folded form of U+00C0..U+00FF, as UTF-8.
constexpr const char* kLatin1Fold[64] = {
    "a", "a", "a", "a", "a", "å", "æ",  "c",   // À Á Â Ã Ä Å Æ Ç
    "e", "e", "e", "e", "i", "i", "i",  "i",   // È É Ê Ë Ì Í Î Ï
    "d", "n", "o", "o", "o", "o", "o",  "×",   // Ð Ñ Ò Ó Ô Õ Ö ×
    "ø", "u", "u", "u", "u", "y", "th", "ss",  // Ø Ù Ú Û Ü Ý Þ ß
    "a", "a", "a", "a", "a", "å", "æ",  "c",   // à á â ã ä å æ ç
    "e", "e", "e", "e", "i", "i", "i",  "i",   // è é ê ë ì í î ï
    "d", "n", "o", "o", "o", "o", "o",  "÷",   // ð ñ ò ó ô õ ö ÷
    "ø", "u", "u", "u", "u", "y", "th", "y",   // ø ù ú û ü ý þ ÿ
};

// Decodes the code point starting at text[i]. Returns its length in bytes, or 0 when
// the bytes there are not valid UTF-8.
size_t DecodeUtf8(absl::string_view text, size_t i, uint32_t* cp) {
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
  if (value < kMin[len] || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) {
    return 0;
  }
  *cp = value;
  return len;
}

bool IsWordCodePoint(uint32_t cp) {
  if (cp < 0x80) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
  }
  if (cp < 0xc0) return false;      // C1 controls and Latin-1 punctuation
  return cp != 0xd7 && cp != 0xf7;  // × and ÷
}

}  // namespace

std::string FoldText(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c));
      ++i;
      continue;
    }
    uint32_t cp = 0;
    const size_t len = DecodeUtf8(text, i, &cp);
    if (len == 0) {
      out.push_back(static_cast<char>(c));
      ++i;
    } else {
      if (cp >= 0xc0 && cp <= 0xff) {
        out.append(kLatin1Fold[cp - 0xc0]);
      } else {
        out.append(text.data() + i, len);
      }
      i += len;
    }
  }
  return out;
}

std::vector<std::string> Tokenize(absl::string_view text) {
  const std::string folded = FoldText(text);
  const absl::string_view f(folded);
  std::vector<std::string> words;
  size_t start = std::string::npos;
  size_t i = 0;
  while (i < f.size()) {
    uint32_t cp = 0;
    size_t len = DecodeUtf8(f, i, &cp);
    // An invalid byte is kept as part of a word, so matching stays byte-exact.
    const bool word = len == 0 || IsWordCodePoint(cp);
    if (len == 0) len = 1;
    if (word && start == std::string::npos) {
      start = i;
    } else if (!word && start != std::string::npos) {
      words.emplace_back(f.substr(start, i - start));
      start = std::string::npos;
    }
    i += len;
  }
  if (start != std::string::npos) words.emplace_back(f.substr(start));
  return words;
}

size_t CodePointCount(absl::string_view text) {
  size_t n = 0;
  for (char ch : text) {
    if ((static_cast<unsigned char>(ch) & 0xc0) != 0x80) ++n;
  }
  return n;
}

}  // namespace cti::projections::internal
