// Letters of the Danish alphabet, in Danish order, for surname-initial distribution
// rules (TP-5.1): A B C ... X Y Z Æ Ø Å (29 letters).
//
//   DanishLetter::FromText("å")        -> Å (index 28)
//   DanishLetter::FromText("Aa")       -> Å ("Aa" is the old spelling of Å)
//   InitialOfSurname("Aagaard")        -> Å
//   InitialOfSurname("Østergård")      -> Ø
//   InitialOfSurname("Müller")         -> M; InitialOfSurname("Über") -> Y
//
// Pure value type and functions, thread-safe.
#ifndef CTI_PROJECTIONS_DISTRIBUTION_DANISH_LETTER_H_
#define CTI_PROJECTIONS_DISTRIBUTION_DANISH_LETTER_H_

#include <compare>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace cti::distribution {

// One of the 29 letters; ordered as in the Danish alphabet (Z < Æ < Ø < Å).
class DanishLetter {
 public:
  static constexpr int kCount = 29;

  // The letter at `index` in Danish order: 0 = A ... 25 = Z, 26 = Æ, 27 = Ø, 28 = Å.
  // REQUIRES: 0 <= index < kCount.
  static constexpr DanishLetter FromIndex(int index) {
    return DanishLetter(static_cast<uint8_t>(index));
  }

  // The letter written as `text`: exactly one of A-Z, Æ, Ø, Å in either case, or "Aa"
  // (any case) for Å; surrounding spaces are ignored. nullopt for anything else
  // ("É", "Ü", "AB", "", "1"): rules must name letters of the alphabet itself.
  static std::optional<DanishLetter> FromText(absl::string_view text);

  constexpr int index() const { return index_; }

  // The capital letter as UTF-8: "A", ..., "Z", "Æ", "Ø", "Å".
  absl::string_view ToString() const;

  friend constexpr bool operator==(DanishLetter a, DanishLetter b) = default;
  friend constexpr auto operator<=>(DanishLetter a, DanishLetter b) = default;

 private:
  explicit constexpr DanishLetter(uint8_t index) : index_(index) {}
  uint8_t index_;
};

// The letter a surname is filed under: its first letter after leading spaces and
// punctuation (apostrophes, quotes, '-'), with Danish dictionary conventions:
// "Aa" at the start counts as Å (Aagaard, AABY); Ä sorts as Æ, Ö as Ø, Ü as Y; other
// accented Latin letters as their base letter (É -> E); Þ as T. nullopt when the first
// such character is not a Latin letter (a digit, a Greek or Cyrillic letter, or no
// letter at all). Only the leading characters are read; `surname` is not kept.
std::optional<DanishLetter> InitialOfSurname(absl::string_view surname);

}  // namespace cti::distribution

#endif  // CTI_PROJECTIONS_DISTRIBUTION_DANISH_LETTER_H_
