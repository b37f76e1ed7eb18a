#include "projections/internal/text_fold.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cti::projections::internal {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(FoldText, LowerCasesAscii) { EXPECT_EQ(FoldText("Anna HOLM 42"), "anna holm 42"); }

TEST(FoldText, DanishLettersFoldToLowerCaseAndStayDistinct) {
  EXPECT_EQ(FoldText("ÆBLE ØSTER ÅEN"), "æble øster åen");
  EXPECT_EQ(FoldText("æøå"), "æøå");
  EXPECT_NE(FoldText("Ø"), FoldText("O"));
  EXPECT_NE(FoldText("Å"), FoldText("A"));
  EXPECT_NE(FoldText("Æ"), FoldText("AE"));
}

TEST(FoldText, DropsOtherLatin1Accents) {
  EXPECT_EQ(FoldText("Müller"), "muller");
  EXPECT_EQ(FoldText("José Ñúñez"), "jose nunez");
  EXPECT_EQ(FoldText("Çelik Ëmil Ïda Ýr ÿ"), "celik emil ida yr y");
  EXPECT_EQ(FoldText("Straße"), "strasse");
  EXPECT_EQ(FoldText("Þór Ðan"), "thor dan");
  EXPECT_EQ(FoldText("ÀÁÂÃÄ"), "aaaaa");
  EXPECT_EQ(FoldText("Öberg"), "oberg");
}

TEST(FoldText, KeepsOtherCodePointsAndInvalidBytes) {
  EXPECT_EQ(FoldText("Łódź"), "Łodź");  // only Latin-1 is folded
  EXPECT_EQ(FoldText("Ω"), "Ω");
  const std::string invalid =
      "a\xff"
      "b\xc3";
  EXPECT_EQ(FoldText(invalid), invalid);
}

TEST(Tokenize, SplitsOnPunctuationAndSpaces) {
  EXPECT_THAT(Tokenize("Søren Ærø-Müller"), ElementsAre("søren", "ærø", "muller"));
  EXPECT_THAT(Tokenize("  O'Brien,  ANNA.holm  "), ElementsAre("o", "brien", "anna", "holm"));
  EXPECT_THAT(Tokenize("pas/kørekort 2×3"), ElementsAre("pas", "kørekort", "2", "3"));
  EXPECT_THAT(Tokenize("Boligstøtte"), ElementsAre("boligstøtte"));
}

TEST(Tokenize, EmptyAndPunctuationOnly) {
  EXPECT_THAT(Tokenize(""), IsEmpty());
  EXPECT_THAT(Tokenize(" - ! ? « » "), IsEmpty());
}

TEST(Tokenize, KeepsNonLatinLettersInWords) {
  EXPECT_THAT(Tokenize("Łukasz Wójcik"), ElementsAre("Łukasz", "wojcik"));
}

TEST(CodePointCount, CountsCharactersNotBytes) {
  EXPECT_EQ(CodePointCount(""), 0u);
  EXPECT_EQ(CodePointCount("abc"), 3u);
  EXPECT_EQ(CodePointCount("æøå"), 3u);
  EXPECT_EQ(CodePointCount("€"), 1u);
  EXPECT_EQ(CodePointCount("😀"), 1u);
}

}  // namespace
}  // namespace cti::projections::internal
