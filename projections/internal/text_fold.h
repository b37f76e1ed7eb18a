// Text folding and word splitting for directory search (DirectoryService.Search).
//
// Folding makes matching case- and accent-insensitive the way a Danish receptionist
// expects: ASCII and Latin-1 letters are lower-cased (Æ -> æ, Ø -> ø, Å -> å, which stay
// letters of their own), other Latin-1 accents are dropped (é -> e, ü -> u, ñ -> n,
// ß -> ss). Code points outside Latin-1 are kept unchanged; bytes that are not valid
// UTF-8 are kept as they are. Pure functions, thread-safe.
//
//   FoldText("Søren Ærø-Müller")  == "søren ærø-muller"
//   Tokenize("Søren Ærø-Müller")  == {"søren", "ærø", "muller"}
#ifndef CTI_PROJECTIONS_INTERNAL_TEXT_FOLD_H_
#define CTI_PROJECTIONS_INTERNAL_TEXT_FOLD_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace cti::projections::internal {

// `text` folded for matching (see above). Valid UTF-8 in, valid UTF-8 out.
std::string FoldText(absl::string_view text);

// The words of `text`, folded, in order of appearance (duplicates kept). A word is a
// maximal run of letters and digits: ASCII letters and digits, Latin-1 letters, and
// every code point above U+00FF. Everything else (spaces, punctuation, '-', '×') splits.
std::vector<std::string> Tokenize(absl::string_view text);

// Number of Unicode code points in `text` when it is valid UTF-8 (proto3 strings are).
size_t CodePointCount(absl::string_view text);

}  // namespace cti::projections::internal

#endif  // CTI_PROJECTIONS_INTERNAL_TEXT_FOLD_H_
