#include "projections/distribution/danish_letter.h"

#include "gtest/gtest.h"
#include "projections/distribution/testing/printers.h"

namespace cti::distribution {
namespace {

DanishLetter L(absl::string_view text) { return DanishLetter::FromText(text).value(); }

TEST(TP_5_1_DanishAlphabet, LettersRunAToZThenAeOeAa) {
  EXPECT_EQ(L("A").index(), 0);
  EXPECT_EQ(L("Z").index(), 25);
  EXPECT_EQ(L("Æ").index(), 26);
  EXPECT_EQ(L("Ø").index(), 27);
  EXPECT_EQ(L("Å").index(), 28);
  EXPECT_LT(L("X"), L("Y"));
  EXPECT_LT(L("Z"), L("Æ"));
  EXPECT_LT(L("Æ"), L("Ø"));
  EXPECT_LT(L("Ø"), L("Å"));
  EXPECT_LT(L("A"), L("Å"));
  for (int i = 0; i < DanishLetter::kCount; ++i) {
    const DanishLetter letter = DanishLetter::FromIndex(i);
    EXPECT_EQ(L(letter.ToString()), letter) << i;
  }
}

TEST(TP_5_1_DanishAlphabet, FromTextAcceptsEitherCaseAndAaForAa) {
  EXPECT_EQ(L("g"), L("G"));
  EXPECT_EQ(L("æ"), L("Æ"));
  EXPECT_EQ(L("ø"), L("Ø"));
  EXPECT_EQ(L("å"), L("Å"));
  EXPECT_EQ(L("Aa"), L("Å"));
  EXPECT_EQ(L("AA"), L("Å"));
  EXPECT_EQ(L("aa"), L("Å"));
  EXPECT_EQ(L(" H "), L("H"));
  EXPECT_EQ(L("Å").ToString(), "Å");
}

TEST(TP_5_1_DanishAlphabet, FromTextRefusesWhatIsNotALetterOfTheAlphabet) {
  for (absl::string_view bad : {"", " ", "AB", "Ab", "1", "É", "Ü", "ä", "ß", "-", "Ω", "\xff"}) {
    EXPECT_FALSE(DanishLetter::FromText(bad).has_value()) << bad;
  }
}

TEST(TP_5_1_SurnameInitial, AaAtTheStartFilesUnderAa) {
  EXPECT_EQ(InitialOfSurname("Aagaard"), L("Å"));
  EXPECT_EQ(InitialOfSurname("AABY"), L("Å"));
  EXPECT_EQ(InitialOfSurname("aakjær"), L("Å"));
  EXPECT_EQ(InitialOfSurname("Ågaard"), L("Å"));
  EXPECT_EQ(InitialOfSurname("Andersen"), L("A"));
  EXPECT_EQ(InitialOfSurname("A"), L("A"));
  EXPECT_EQ(InitialOfSurname("Haagensen"), L("H"));  // only at the start
}

TEST(TP_5_1_SurnameInitial, DanishDictionaryConventionsForForeignLetters) {
  EXPECT_EQ(InitialOfSurname("Ærø"), L("Æ"));
  EXPECT_EQ(InitialOfSurname("østergård"), L("Ø"));
  EXPECT_EQ(InitialOfSurname("Ärlig"), L("Æ"));
  EXPECT_EQ(InitialOfSurname("Öberg"), L("Ø"));
  EXPECT_EQ(InitialOfSurname("Über"), L("Y"));
  EXPECT_EQ(InitialOfSurname("Émile"), L("E"));
  EXPECT_EQ(InitialOfSurname("Çelik"), L("C"));
  EXPECT_EQ(InitialOfSurname("Þórsson"), L("T"));
  EXPECT_EQ(InitialOfSurname("Müller"), L("M"));
}

TEST(TP_5_1_SurnameInitial, SkipsLeadingSpacesAndPunctuation) {
  EXPECT_EQ(InitialOfSurname("  Lund"), L("L"));
  EXPECT_EQ(InitialOfSurname("'t Hooft"), L("T"));
  EXPECT_EQ(InitialOfSurname("\xe2\x80\x9cNielsen\xe2\x80\x9d"), L("N"));  // “Nielsen”
  EXPECT_EQ(InitialOfSurname("\xc2\xa0Holm"), L("H"));                     // no-break space
}

TEST(TP_5_1_SurnameInitial, NoLatinLetterFirstIsRefused) {
  for (absl::string_view bad : {"", "   ", "1Lund", "Ωmega", "Иванов",
                                "\xff"
                                "abc",
                                "-"}) {
    EXPECT_FALSE(InitialOfSurname(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace cti::distribution
