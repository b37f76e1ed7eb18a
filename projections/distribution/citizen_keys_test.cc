#include "projections/distribution/citizen_keys.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "projections/distribution/street.h"
#include "projections/distribution/testing/printers.h"

namespace cti::distribution {
namespace {

int DayOf(absl::string_view cpr) {
  return std::get<CprDayKey>(KeyFromCpr(cpr, KeyKind::kCprDay).value()).day;
}
int DigitOf(absl::string_view cpr) {
  return std::get<CprDigitKey>(KeyFromCpr(cpr, KeyKind::kCprDigit).value()).digit;
}
bool Accepted(absl::string_view cpr) { return KeyFromCpr(cpr, KeyKind::kCprDay).ok(); }

bool HasDigit(absl::string_view text) {
  for (char c : text) {
    if (c >= '0' && c <= '9') return true;
  }
  return false;
}

TEST(TP_5_1_KeyFromCpr, GivesOnlyTheDayOrTheLastDigit) {
  EXPECT_EQ(KeyFromCpr("170190-1234", KeyKind::kCprDay).value(), CaseKey(CprDayKey{17}));
  EXPECT_EQ(KeyFromCpr("170190-1234", KeyKind::kCprDigit).value(), CaseKey(CprDigitKey{4}));
  for (absl::string_view written : {"170190-1234", "1701901234", "170190 1234", " 170190 - 1234 ",
                                    "17 01 90 12 34", "\t170190-1234\n"}) {
    EXPECT_EQ(DayOf(written), 17) << written;
    EXPECT_EQ(DigitOf(written), 4) << written;
  }
  EXPECT_EQ(DayOf("010190-1230"), 1);
  EXPECT_EQ(DigitOf("010190-1230"), 0);
}

TEST(TP_5_1_KeyFromCpr, DayBoundaries) {
  EXPECT_EQ(DayOf("100190-1234"), 10);
  EXPECT_EQ(DayOf("110190-1234"), 11);
  EXPECT_EQ(DayOf("310190-1234"), 31);  // 31 January
  EXPECT_EQ(DayOf("301290-1234"), 30);
  EXPECT_FALSE(Accepted("310490-1234"));  // 30 days in April
  EXPECT_FALSE(Accepted("320190-1234"));
  EXPECT_FALSE(Accepted("000190-1234"));
  EXPECT_FALSE(Accepted("010090-1234"));  // month 0
  EXPECT_FALSE(Accepted("011390-1234"));  // month 13
  EXPECT_FALSE(Accepted("000000-0000"));
}

TEST(TP_5_1_KeyFromCpr, TwentyNinthOfFebruaryOnlyInLeapYearsByTheCenturyDigit) {
  // The seventh digit and YY give the year of birth (CPR office's table).
  EXPECT_EQ(DayOf("290200-4123"), 29);    // 2000: leap
  EXPECT_EQ(DayOf("290200-5123"), 29);    // 2000
  EXPECT_EQ(DayOf("290200-9123"), 29);    // 2000
  EXPECT_FALSE(Accepted("290200-1123"));  // 1900: not leap
  EXPECT_FALSE(Accepted("290200-3123"));  // 1900
  EXPECT_EQ(DayOf("290204-1123"), 29);    // 1904
  EXPECT_FALSE(Accepted("290201-1123"));  // 1901
  EXPECT_FALSE(Accepted("290258-5123"));  // 1858: not leap
  EXPECT_EQ(DayOf("290256-6123"), 29);    // 2056
  EXPECT_EQ(DayOf("290296-7123"), 29);    // 1896
  EXPECT_EQ(DayOf("290240-4123"), 29);    // 1940 (digit 4, YY > 36)
  EXPECT_EQ(DayOf("280201-1123"), 28);
}

int Modulus11Remainder(absl::string_view ten_digits) {
  static constexpr int kWeights[10] = {4, 3, 2, 7, 6, 5, 4, 3, 2, 1};
  int sum = 0;
  for (int i = 0; i < 10; ++i) sum += (ten_digits[i] - '0') * kWeights[i];
  return sum % 11;
}

TEST(TP_5_1_KeyFromCpr, NumbersThatFailModulus11AreAccepted) {
  ASSERT_NE(Modulus11Remainder("0101901234"), 0);
  EXPECT_EQ(DayOf("010190-1234"), 1);
}

TEST(TP_5_1_KeyFromCpr, NotACprNumberIsRefusedWithoutEchoingTheDigits) {
  for (absl::string_view bad :
       {"", "   ", "12345", "170190123", "17019012345", "170190--1234", "17019-01234",
        "1701901-234", "170190-123a", "abc", "CPR 170190-1234", "170190_1234", "170190-1234-",
        "١٧٠١٩٠١٢٣٤" /* Arabic-Indic digits */, "310490-1234", "320190-1234", "290200-1123",
        "991399-9999"}) {
    absl::StatusOr<CaseKey> key = KeyFromCpr(bad, KeyKind::kCprDay);
    ASSERT_FALSE(key.ok()) << bad;
    EXPECT_EQ(key.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StartsWith(key.status().message(), "cpr: ")) << key.status();
    // Not one digit, so no part of the input can be in it.
    EXPECT_FALSE(HasDigit(key.status().message())) << key.status();
    absl::StatusOr<CaseKey> digit = KeyFromCpr(bad, KeyKind::kCprDigit);
    ASSERT_FALSE(digit.ok());
    EXPECT_FALSE(HasDigit(digit.status().message())) << digit.status();
  }
}

TEST(TP_5_1_KeyFromCpr, OnlyCprKindsCanBeAskedFor) {
  for (KeyKind kind : {KeyKind::kAddress, KeyKind::kSurname, static_cast<KeyKind>(9)}) {
    absl::StatusOr<CaseKey> key = KeyFromCpr("170190-1234", kind);
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StartsWith(key.status().message(), "needed_kind: ")) << key.status();
    EXPECT_FALSE(HasDigit(key.status().message())) << key.status();
  }
}

AddressKey AddressOf(absl::string_view text) {
  absl::StatusOr<CaseKey> key = KeyFromAddress(text);
  EXPECT_TRUE(key.ok()) << text << ": " << key.status();
  return key.ok() ? std::get<AddressKey>(*key) : AddressKey{};
}

TEST(TP_5_1_KeyFromAddress, StreetAndNumberWithLetterFloorAndDoorDropped) {
  EXPECT_EQ(AddressOf("Vestergade 12B, 2. th"), (AddressKey{"vestergade", 12}));
  EXPECT_EQ(AddressOf("Vestergade 12 B"), (AddressKey{"vestergade", 12}));
  EXPECT_EQ(AddressOf("Vestergade 12B 2. th"), (AddressKey{"vestergade", 12}));
  EXPECT_EQ(AddressOf("Vestergade 12 2 th"), (AddressKey{"vestergade", 12}));
  EXPECT_EQ(AddressOf("Vestergade 12"), (AddressKey{"vestergade", 12}));
  EXPECT_EQ(AddressOf("Vester Voldgade 3-5"), (AddressKey{"vester voldgade", 3}));
  EXPECT_EQ(AddressOf("Vestergade nr. 12"), (AddressKey{"vestergade", 12}));
  EXPECT_EQ(AddressOf("H.C. Andersens Boulevard 27, 1. tv, 1553 København V"),
            (AddressKey{"h.c. andersens boulevard", 27}));
  EXPECT_EQ(AddressOf("Christian 9.s Gade 4, st."), (AddressKey{"christian 9.s gade", 4}));
  EXPECT_EQ(AddressOf("Nørre Allé 9999"), (AddressKey{"nørre alle", 9999}));
}

TEST(TP_5_1_KeyFromAddress, StreetIsNormalisedButWordsStayAsWritten) {
  EXPECT_EQ(AddressOf("  VESTERGADE   12,  st."), (AddressKey{"vestergade", 12}));
  EXPECT_EQ(AddressOf("Bülowsvej 3"), (AddressKey{"bulowsvej", 3}));
  EXPECT_EQ(AddressOf("Vester\xc2\xa0Gade 1"), (AddressKey{"vester gade", 1}));
  EXPECT_NE(AddressOf("Vester Gade 1").street, AddressOf("Vestergade 1").street);
  EXPECT_NE(AddressOf("Vestergd. 1").street, AddressOf("Vestergade 1").street);
  EXPECT_EQ(AddressOf("Åboulevarden 70").street, "åboulevarden");
}

TEST(TP_5_1_KeyFromAddress, NoStreetOrNumberIsRefusedNamingAddress) {
  for (absl::string_view bad :
       {"", "Vestergade", "12 Vestergade", "Vestergade 0", "Vestergade 10000", "Vestergade, 12",
        "Vestergade 2.", "1701901234 Vestergade 12"}) {
    absl::StatusOr<CaseKey> key = KeyFromAddress(bad);
    ASSERT_FALSE(key.ok()) << bad;
    EXPECT_EQ(key.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StartsWith(key.status().message(), "address: ")) << key.status();
    EXPECT_FALSE(absl::StrContains(key.status().message(), "170190")) << key.status();
  }
}

TEST(TP_5_1_KeyFromSurname, InitialInTheDanishAlphabet) {
  EXPECT_EQ(KeyFromSurname("Ågaard").value(), CaseKey(SurnameKey{DanishLetter::FromIndex(28)}));
  EXPECT_EQ(KeyFromSurname("Aagaard").value(), CaseKey(SurnameKey{DanishLetter::FromIndex(28)}));
  EXPECT_EQ(KeyFromSurname("hansen").value(), CaseKey(SurnameKey{DanishLetter::FromIndex(7)}));
  EXPECT_EQ(FormatCaseKey(KeyFromSurname("Ørsted").value()), "surname:Ø");
  absl::StatusOr<CaseKey> bad = KeyFromSurname("42");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(bad.status().message(), "surname: ")) << bad.status();
}

TEST(TP_5_1_Street, NormaliseAndTidy) {
  EXPECT_EQ(NormalizeStreet("  H.C. Andersens   Boulevard "), "h.c. andersens boulevard");
  EXPECT_EQ(NormalizeStreet("VESTERGADE"), "vestergade");
  EXPECT_EQ(NormalizeStreet("Ærøvej"), "ærøvej");
  EXPECT_EQ(NormalizeStreet("\tNørre\n Allé "), "nørre alle");  // é folds to e
  EXPECT_EQ(NormalizeStreet(NormalizeStreet(" Vester  Gade ")), NormalizeStreet(" Vester  Gade "));
  EXPECT_EQ(TidyStreet("  Vester   Voldgade "), "Vester Voldgade");
  EXPECT_EQ(NormalizeStreet("   "), "");
}

TEST(TP_5_1_Street, IsNormalizedAgreesWithNormalize) {
  for (absl::string_view street : {"",
                                   "vestergade",
                                   "Vestergade",
                                   " vestergade",
                                   "vestergade ",
                                   "vester  gade",
                                   "vester gade",
                                   "vester\tgade",
                                   "vester\xc2\xa0gade",
                                   "ærøvej",
                                   "Ærøvej",
                                   "nørre allé",
                                   "nørre alle",
                                   "åboulevarden",
                                   "straße",
                                   "a×b",
                                   "ωmega",
                                   "\xff\xfe",
                                   "h.c. andersens boulevard",
                                   "9.s gade"}) {
    EXPECT_EQ(IsNormalizedStreet(street), NormalizeStreet(street) == street) << street;
    EXPECT_TRUE(IsNormalizedStreet(NormalizeStreet(street))) << street;
  }
}

}  // namespace
}  // namespace cti::distribution
