#include "projections/distribution/danish_letter.h"

#include <cstddef>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "projections/distribution/internal/utf8.h"

namespace cti::distribution {
namespace {

constexpr int kAe = 26;  // Æ
constexpr int kOe = 27;  // Ø
constexpr int kAa = 28;  // Å
constexpr int kNone = -1;

constexpr absl::string_view kNames[DanishLetter::kCount] = {
    "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O",
    "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z", "Æ", "Ø", "Å"};

constexpr int Ascii(char upper) { return upper - 'A'; }

// Where a Latin-1 letter U+00C0..U+00DF (capital; small letters are 0x20 above) is
// filed in a surname index: Danish dictionary order (Ä as Æ, Ö as Ø, Ü as Y), other
// accents on their base letter.
constexpr int kLatin1Filing[32] = {
    Ascii('A'), Ascii('A'), Ascii('A'), Ascii('A'), kAe,        kAa,        kAe,        Ascii('C'),
    Ascii('E'), Ascii('E'), Ascii('E'), Ascii('E'), Ascii('I'), Ascii('I'), Ascii('I'), Ascii('I'),
    Ascii('D'), Ascii('N'), Ascii('O'), Ascii('O'), Ascii('O'), Ascii('O'), kOe,        kNone,
    kOe,        Ascii('U'), Ascii('U'), Ascii('U'), Ascii('Y'), Ascii('Y'), Ascii('T'), Ascii('S'),
};  // À..Ç, È..Ï, Ð..×, Ø..ß

// The letter of the alphabet itself that code point `cp` is (either case), or kNone.
int AlphabetLetter(uint32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return static_cast<int>(cp - 'A');
  if (cp >= 'a' && cp <= 'z') return static_cast<int>(cp - 'a');
  switch (cp) {
    case 0xc6:  // Æ
    case 0xe6:  // æ
      return kAe;
    case 0xd8:  // Ø
    case 0xf8:  // ø
      return kOe;
    case 0xc5:  // Å
    case 0xe5:  // å
      return kAa;
    default:
      return kNone;
  }
}

// Where a surname starting with `cp` is filed, or kNone when `cp` is no Latin letter.
int FilingLetter(uint32_t cp) {
  const int letter = AlphabetLetter(cp);
  if (letter != kNone) return letter;
  if (cp >= 0xc0 && cp <= 0xdf) return kLatin1Filing[cp - 0xc0];
  if (cp >= 0xe0 && cp <= 0xfe) return kLatin1Filing[cp - 0xe0];  // ÷ maps like × to kNone
  if (cp == 0xff) return Ascii('Y');                              // ÿ
  return kNone;
}

// Characters skipped before a surname's first letter: ASCII spaces and punctuation,
// Latin-1 punctuation (incl. no-break space) and General Punctuation (’ “ – ...).
bool IsLeadingFiller(uint32_t cp) {
  if (cp < 0x80) return !absl::ascii_isalnum(static_cast<unsigned char>(cp));
  return (cp >= 0x80 && cp <= 0xbf) || (cp >= 0x2000 && cp <= 0x206f);
}

bool IsA(uint32_t cp) { return cp == 'A' || cp == 'a'; }

}  // namespace

std::optional<DanishLetter> DanishLetter::FromText(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  if (text.size() == 2 && IsA(static_cast<unsigned char>(text[0])) &&
      IsA(static_cast<unsigned char>(text[1]))) {
    return FromIndex(kAa);
  }
  uint32_t cp = 0;
  const size_t len = internal::DecodeUtf8(text, 0, &cp);
  if (len == 0 || len != text.size()) return std::nullopt;
  const int letter = AlphabetLetter(cp);
  if (letter == kNone) return std::nullopt;
  return FromIndex(letter);
}

absl::string_view DanishLetter::ToString() const { return kNames[index_]; }

std::optional<DanishLetter> InitialOfSurname(absl::string_view surname) {
  size_t i = 0;
  while (i < surname.size()) {
    uint32_t cp = 0;
    const size_t len = internal::DecodeUtf8(surname, i, &cp);
    if (len == 0) return std::nullopt;
    if (!IsLeadingFiller(cp)) {
      const int letter = FilingLetter(cp);
      if (letter == kNone) return std::nullopt;
      if (IsA(cp) && i + len < surname.size() &&
          IsA(static_cast<unsigned char>(surname[i + len]))) {
        return DanishLetter::FromIndex(kAa);
      }
      return DanishLetter::FromIndex(letter);
    }
    i += len;
  }
  return std::nullopt;
}

}  // namespace cti::distribution
