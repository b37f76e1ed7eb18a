#include "projections/distribution/case_key.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "projections/distribution/testing/printers.h"

namespace cti::distribution {
namespace {

DanishLetter L(absl::string_view text) { return DanishLetter::FromText(text).value(); }

TEST(TP_5_1_CaseKeyText, CanonicalFormOfEachKind) {
  EXPECT_EQ(FormatCaseKey(CprDayKey{17}), "cpr-day:17");
  EXPECT_EQ(FormatCaseKey(CprDigitKey{4}), "cpr-digit:4");
  EXPECT_EQ(FormatCaseKey(AddressKey{"vestergade", 12}), "address:vestergade:12");
  EXPECT_EQ(FormatCaseKey(SurnameKey{L("Å")}), "surname:Å");
}

void ExpectRoundTrip(const CaseKey& key) {
  const std::string text = FormatCaseKey(key);
  absl::StatusOr<CaseKey> parsed = ParseCaseKey(text);
  ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status();
  EXPECT_EQ(*parsed, key) << text;
  EXPECT_EQ(FormatCaseKey(*parsed), text);
  EXPECT_EQ(KindOf(*parsed), KindOf(key));
}

TEST(TP_5_1_CaseKeyText, RoundTripsEveryKeyOfEveryKind) {
  for (int day = 1; day <= 31; ++day) ExpectRoundTrip(CprDayKey{day});
  for (int digit = 0; digit <= 9; ++digit) ExpectRoundTrip(CprDigitKey{digit});
  for (int i = 0; i < DanishLetter::kCount; ++i)
    ExpectRoundTrip(SurnameKey{DanishLetter::FromIndex(i)});
  ExpectRoundTrip(AddressKey{"vestergade", 1});
  ExpectRoundTrip(AddressKey{"h.c. andersens boulevard", 9999});
  ExpectRoundTrip(AddressKey{"nørre alle", 7});
  ExpectRoundTrip(AddressKey{"a:b", 3});  // a colon in the street: the number is after the last
}

TEST(TP_5_1_CaseKeyText, ParseCanonicalisesLenientForms) {
  EXPECT_EQ(ParseCaseKey("cpr-day:07").value(), CaseKey(CprDayKey{7}));
  EXPECT_EQ(ParseCaseKey("  cpr-digit:0 ").value(), CaseKey(CprDigitKey{0}));
  EXPECT_EQ(ParseCaseKey("address:  Vester   Gade :3").value(),
            CaseKey(AddressKey{"vester gade", 3}));
  EXPECT_EQ(ParseCaseKey("address:NØRREGADE:0012").value(), CaseKey(AddressKey{"nørregade", 12}));
  EXPECT_EQ(ParseCaseKey("surname:å").value(), CaseKey(SurnameKey{L("Å")}));
  EXPECT_EQ(ParseCaseKey("surname:Aa").value(), CaseKey(SurnameKey{L("Å")}));
}

TEST(TP_5_1_CaseKeyText, KindNames) {
  for (KeyKind kind :
       {KeyKind::kCprDay, KeyKind::kCprDigit, KeyKind::kAddress, KeyKind::kSurname}) {
    EXPECT_EQ(ParseKeyKind(KeyKindName(kind)), kind);
  }
  EXPECT_EQ(KeyKindName(KeyKind::kCprDigit), "cpr-digit");
  EXPECT_FALSE(ParseKeyKind("CPR-DAY").has_value());
  EXPECT_FALSE(ParseKeyKind("cpr").has_value());
}

TEST(TP_5_1_CaseKeyText, DescribeKeyForPeople) {
  EXPECT_EQ(DescribeKey(CprDayKey{30}), "CPR day 30");
  EXPECT_EQ(DescribeKey(CprDigitKey{7}), "CPR last digit 7");
  EXPECT_EQ(DescribeKey(AddressKey{"vestergade", 12}), "vestergade 12");
  EXPECT_EQ(DescribeKey(SurnameKey{L("Ø")}), "surname Ø");
}

TEST(TP_5_1_CaseKeyText, BadKeysAreRefusedNamingTheField) {
  for (absl::string_view bad : {"",
                                "cpr-day",
                                "cpr-day:",
                                "cpr-day:0",
                                "cpr-day:32",
                                "cpr-day:123",
                                "cpr-day:-1",
                                "cpr-digit:10",
                                "cpr-digit:a",
                                "cpr-digit:",
                                "address:vestergade",
                                "address::12",
                                "address:vestergade:0",
                                "address:vestergade:10000",
                                "address:vestergade:12b",
                                "surname:",
                                "surname:AB",
                                "surname:É",
                                "postcode:8000",
                                "CPR-DAY:17",
                                ":17"}) {
    absl::StatusOr<CaseKey> key = ParseCaseKey(bad);
    ASSERT_FALSE(key.ok()) << bad;
    EXPECT_EQ(key.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(absl::StartsWith(key.status().message(), "case_key: ")) << key.status();
  }
}

TEST(TP_4_2_CaseKeyText, ParseErrorNeverRepeatsAPastedCprNumber) {
  for (absl::string_view pasted : {"cpr-day:1701901234", "cpr-digit:170190-1234", "1701901234",
                                   "surname:1701901234", "address:1701901234:1701901234",
                                   "address:1701901234:12", "address:vestergade 170190-1234:12"}) {
    absl::StatusOr<CaseKey> key = ParseCaseKey(pasted);
    ASSERT_FALSE(key.ok()) << pasted;
    const std::string message(key.status().message());
    EXPECT_EQ(message.find("170190"), std::string::npos) << message;
    EXPECT_EQ(message.find("1234"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace cti::distribution
