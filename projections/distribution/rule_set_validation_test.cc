#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "projections/distribution/compiled_rule_set.h"
#include "projections/distribution/rule_set.h"
#include "projections/distribution/street.h"
#include "projections/distribution/testing/sample_rules.h"

namespace cti::distribution {
namespace {

using testing::CprDaySet;
using testing::MakeSet;

// The INVALID_ARGUMENT message of validating `set`, checked to agree with Compile.
std::string ErrorOf(const RuleSet& set) {
  const absl::Status status = ValidateRuleSet(set);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  const absl::StatusOr<CompiledRuleSet> compiled = CompiledRuleSet::Compile(set);
  EXPECT_EQ(compiled.status(), status);
  return std::string(status.message());
}

Rule R(KeyRange range, std::vector<std::string> ids = {"e1"}) {
  return Rule{std::move(range), std::move(ids), ""};
}

TEST(TP_5_1_RuleValidation, ValidSetsOfEveryKindPass) {
  EXPECT_TRUE(ValidateRuleSet(CprDaySet()).ok());
  EXPECT_TRUE(ValidateRuleSet(MakeSet({R(EvenDigits()), R(OddDigits(), {"e2"})})).ok());
  EXPECT_TRUE(ValidateRuleSet(MakeSet({R(AddressRange{"Vestergade", 1, 49, StreetSide::kOdd}),
                                       R(AddressRange{"Vestergade", 2, 50, StreetSide::kEven}),
                                       R(AddressRange{"vestergade", 51, 9999, StreetSide::kBoth})}))
                  .ok());
  EXPECT_TRUE(ValidateRuleSet(MakeSet({R(SurnameRange{"A", "G"}), R(SurnameRange{"H", "N"}),
                                       R(SurnameRange{"O", "Å"})}))
                  .ok());
  // Kinds mix (CPR day with addresses and surnames); gaps are allowed.
  EXPECT_TRUE(ValidateRuleSet(MakeSet({R(CprDayRange{1, 15}),
                                       R(AddressRange{"Torvet", 1, 9, StreetSide::kBoth}),
                                       R(SurnameRange{"Æ", "Æ"})}))
                  .ok());
  RuleSet fallback_only = MakeSet({});
  fallback_only.fallback = Fallback{Fallback::Kind::kUnit, "ydelse"};
  EXPECT_TRUE(ValidateRuleSet(fallback_only).ok());
}

TEST(TP_5_1_RuleValidation, OverlappingDaysNameBothRules) {
  RuleSet set = CprDaySet();
  set.rules.push_back(R(CprDayRange{9, 12}));
  EXPECT_EQ(ErrorOf(set),
            "rules[3].cpr_day: CPR day 9–12 overlaps rules[0] (CPR day 1–10) on day 9 (TP-5.1)");
  set = CprDaySet();
  set.rules[1].range = CprDayRange{10, 20};  // 1–10 and 10–20 share day 10
  EXPECT_EQ(ErrorOf(set),
            "rules[1].cpr_day: CPR day 10–20 overlaps rules[0] (CPR day 1–10) on day 10 (TP-5.1)");
}

TEST(TP_5_1_RuleValidation, OverlappingDigitsNameBothRules) {
  EXPECT_EQ(ErrorOf(MakeSet({R(CprDigitSet{{0, 1, 2}}), R(EvenDigits())})),
            "rules[1].cpr_digit: CPR last digit even overlaps rules[0] (CPR last digit 0–2) on "
            "digit 0 (TP-5.1)");
}

TEST(TP_5_1_RuleValidation, OverlappingHouseNumbersOnTheSameSide) {
  // Odd 1–49 and even 2–50 share nothing; both sides 41–60 shares 41 with odd 1–49.
  EXPECT_EQ(ErrorOf(MakeSet({R(AddressRange{"Vestergade", 1, 49, StreetSide::kOdd}),
                             R(AddressRange{"Vestergade", 2, 50, StreetSide::kEven}),
                             R(AddressRange{"VESTERGADE ", 41, 60, StreetSide::kBoth})})),
            "rules[2].address: VESTERGADE 41–60 overlaps rules[0] (Vestergade 1–49 odd) on number "
            "41 (TP-5.1)");
  EXPECT_EQ(ErrorOf(MakeSet({R(AddressRange{"Torvet", 10, 20, StreetSide::kBoth}),
                             R(AddressRange{"Torvet", 2, 10, StreetSide::kEven})})),
            "rules[1].address: Torvet 2–10 even overlaps rules[0] (Torvet 10–20) on number 10 "
            "(TP-5.1)");
  // The same numbers on different streets, and odd 2–10 beside even-only 10: no overlap.
  EXPECT_TRUE(ValidateRuleSet(MakeSet({R(AddressRange{"Torvet", 1, 9, StreetSide::kBoth}),
                                       R(AddressRange{"Torvegade", 1, 9, StreetSide::kBoth}),
                                       R(AddressRange{"Havnen", 2, 10, StreetSide::kOdd}),
                                       R(AddressRange{"Havnen", 10, 10, StreetSide::kBoth})}))
                  .ok());
}

TEST(TP_5_1_RuleValidation, OverlappingLettersNameBothRules) {
  EXPECT_EQ(ErrorOf(MakeSet(
                {R(SurnameRange{"A", "G"}), R(SurnameRange{"X", "Å"}), R(SurnameRange{"Ø", "Ø"})})),
            "rules[2].surname: surname Ø overlaps rules[1] (surname X–Å) on letter Ø (TP-5.1)");
  // Aa is Å.
  EXPECT_EQ(ErrorOf(MakeSet({R(SurnameRange{"Å", "Å"}), R(SurnameRange{"Aa", "aa"})})),
            "rules[1].surname: surname Å overlaps rules[0] (surname Å) on letter Å (TP-5.1)");
}

TEST(TP_5_1_RuleValidation, CprDayAndCprDigitRulesDoNotMix) {
  EXPECT_EQ(ErrorOf(MakeSet({R(CprDayRange{1, 31}), R(SurnameRange{"A", "B"}), R(EvenDigits())})),
            "rules[2].cpr_digit: a rule set distributes CPR numbers by day of birth or by last "
            "digit, not both (rules[0] is cpr_day) (TP-5.1)");
}

TEST(TP_5_1_RuleValidation, BadBoundsNameTheField) {
  EXPECT_EQ(ErrorOf(MakeSet({R(CprDayRange{0, 10})})),
            "rules[0].cpr_day.first_day: 0 is outside 1–31");
  EXPECT_EQ(ErrorOf(MakeSet({R(CprDayRange{1, 10}), R(CprDayRange{11, 32})})),
            "rules[1].cpr_day.last_day: 32 is outside 1–31");
  EXPECT_EQ(ErrorOf(MakeSet({R(CprDayRange{20, 11})})),
            "rules[0].cpr_day: reversed: first_day 20 is after last_day 11");
  EXPECT_EQ(ErrorOf(MakeSet({R(CprDigitSet{{1, 10}})})),
            "rules[0].cpr_digit.digits[1]: 10 is not a digit 0–9");
  EXPECT_EQ(ErrorOf(MakeSet({R(CprDigitSet{{-1}})})),
            "rules[0].cpr_digit.digits[0]: -1 is not a digit 0–9");
  EXPECT_EQ(ErrorOf(MakeSet({R(CprDigitSet{{3, 3}})})),
            "rules[0].cpr_digit.digits[1]: 3 is listed twice");
  EXPECT_EQ(ErrorOf(MakeSet({R(CprDigitSet{})})),
            "rules[0].cpr_digit.digits: must name at least one digit");
}

TEST(TP_5_1_RuleValidation, BadAddressRangesNameTheField) {
  EXPECT_EQ(ErrorOf(MakeSet({R(AddressRange{"Vestergade", 49, 1, StreetSide::kOdd})})),
            "rules[0].address: house numbers reversed: first_number 49 is after last_number 1");
  EXPECT_EQ(ErrorOf(MakeSet({R(AddressRange{"Vestergade", 0, 10, StreetSide::kBoth})})),
            "rules[0].address.first_number: 0 is outside 1–9999");
  EXPECT_EQ(ErrorOf(MakeSet({R(AddressRange{"Vestergade", 1, 10000, StreetSide::kBoth})})),
            "rules[0].address.last_number: 10000 is outside 1–9999");
  EXPECT_EQ(ErrorOf(MakeSet({R(AddressRange{"  ", 1, 10, StreetSide::kBoth})})),
            "rules[0].address.street: must not be blank");
  EXPECT_EQ(ErrorOf(MakeSet({R(AddressRange{"Havnen", 2, 2, StreetSide::kOdd})})),
            "rules[0].address: 2–2 holds no odd house number");
  EXPECT_EQ(ErrorOf(MakeSet({R(AddressRange{"Havnen", 1, 10, static_cast<StreetSide>(7)})})),
            "rules[0].address.side: must be both, odd or even");
  EXPECT_EQ(ErrorOf(MakeSet({R(AddressRange{"Vej 170190-1234", 1, 10, StreetSide::kBoth})})),
            "rules[0].address.street: must not contain a CPR number (TP-4.2)");
}

TEST(TP_5_1_RuleValidation, InvalidLettersNameTheField) {
  EXPECT_EQ(ErrorOf(MakeSet({R(SurnameRange{"É", "G"})})),
            "rules[0].surname.first_letter: \"É\" is not a letter of the Danish alphabet (A–Z, Æ, "
            "Ø, Å; Aa for Å)");
  EXPECT_EQ(ErrorOf(MakeSet({R(SurnameRange{"A", ""})})),
            "rules[0].surname.last_letter: \"\" is not a letter of the Danish alphabet (A–Z, Æ, Ø, "
            "Å; Aa for Å)");
  EXPECT_EQ(ErrorOf(MakeSet({R(SurnameRange{"A", "Andersen"})})),
            "rules[0].surname.last_letter: the text is not a letter of the Danish alphabet (A–Z, "
            "Æ, Ø, Å; Aa for Å)");
  EXPECT_EQ(ErrorOf(MakeSet({R(SurnameRange{"Å", "A"})})),
            "rules[0].surname: letters reversed: first_letter Å is after last_letter A (Danish "
            "order: A–Z, Æ, Ø, Å)");
}

TEST(TP_4_8_RuleValidation, EveryRuleNamesACaseworker) {
  RuleSet set = CprDaySet();
  set.rules[1].employee_ids.clear();
  EXPECT_EQ(ErrorOf(set), "rules[1].employee_ids: must name at least one caseworker (TP-4.8)");
  set = CprDaySet();
  set.rules[2].employee_ids = {"e-carl", "e carl"};
  EXPECT_EQ(ErrorOf(set),
            "rules[2].employee_ids[1]: must be 1 to 64 characters from [A-Za-z0-9._:-]");
  set.rules[2].employee_ids = {"e-carl", "e-dora", "e-carl"};
  EXPECT_EQ(ErrorOf(set), "rules[2].employee_ids[2]: 'e-carl' is listed twice");
  set = MakeSet({});
  EXPECT_EQ(ErrorOf(set),
            "rules: no rules and no fallback: every case would end with nobody (TP-4.8)");
}

TEST(TP_5_2_RuleValidation, SetFieldsNameTheField) {
  RuleSet set = CprDaySet();
  set.unit_id = "";
  EXPECT_EQ(ErrorOf(set), "unit_id: must be 1 to 64 characters from [A-Za-z0-9._:-]");
  set = CprDaySet();
  set.task = " ";
  EXPECT_EQ(ErrorOf(set), "task: must not be blank");
  set = CprDaySet();
  set.version = 0;
  EXPECT_EQ(ErrorOf(set), "version: must be 1 or more");
  set = CprDaySet();
  set.fallback = Fallback{Fallback::Kind::kEmployee, "bad id!"};
  EXPECT_EQ(ErrorOf(set), "fallback.id: must be 1 to 64 characters from [A-Za-z0-9._:-]");
  set = CprDaySet();
  set.rules[0].note = std::string(201, 'x');
  EXPECT_EQ(ErrorOf(set), "rules[0].note: must be at most 200 characters");
}

TEST(TP_5_1_RuleValidation, DescribeRangeForPeople) {
  EXPECT_EQ(DescribeRange(CprDayRange{11, 20}), "CPR day 11–20");
  EXPECT_EQ(DescribeRange(CprDayRange{5, 5}), "CPR day 5");
  EXPECT_EQ(DescribeRange(EvenDigits()), "CPR last digit even");
  EXPECT_EQ(DescribeRange(OddDigits()), "CPR last digit odd");
  EXPECT_EQ(DescribeRange(CprDigitSet{{2, 0, 1, 5, 7, 8}}), "CPR last digit 0–2, 5, 7, 8");
  EXPECT_EQ(DescribeRange(AddressRange{" Vestergade ", 1, 49, StreetSide::kOdd}),
            "Vestergade 1–49 odd");
  EXPECT_EQ(DescribeRange(AddressRange{"Torvet", 1, kMaxHouseNumber, StreetSide::kBoth}),
            "Torvet (whole street)");
  EXPECT_EQ(DescribeRange(AddressRange{"Torvet", 1, kMaxHouseNumber, StreetSide::kEven}),
            "Torvet, even numbers");
  EXPECT_EQ(DescribeRange(AddressRange{"Torvet", 7, 7, StreetSide::kBoth}), "Torvet 7");
  EXPECT_EQ(DescribeRange(SurnameRange{"a", "g"}), "surname A–G");
  EXPECT_EQ(DescribeRange(SurnameRange{"Aa", "Å"}), "surname Å");
}

}  // namespace
}  // namespace cti::distribution
