#include <string>
#include <utility>

#include "gtest/gtest.h"
#include "projections/distribution/compiled_rule_set.h"
#include "projections/distribution/testing/printers.h"
#include "projections/distribution/testing/sample_rules.h"

namespace cti::distribution {
namespace {

using testing::CprDaySet;
using testing::MakeSet;

CoverageReport CoverageOf(RuleSet set) {
  absl::StatusOr<CompiledRuleSet> compiled = CompiledRuleSet::Compile(std::move(set));
  EXPECT_TRUE(compiled.ok()) << compiled.status();
  return compiled->Coverage();
}

DanishLetter L(absl::string_view text) { return DanishLetter::FromText(text).value(); }

TEST(TP_4_8_Coverage, CompleteSetsHaveNoGaps) {
  const CoverageReport days = CoverageOf(CprDaySet());
  EXPECT_FALSE(days.HasGaps());
  EXPECT_FALSE(days.EndsWithNobody());
  EXPECT_EQ(days.ToString(), "fully covered by the rules");
  EXPECT_FALSE(
      CoverageOf(MakeSet({{EvenDigits(), {"e1"}, ""}, {OddDigits(), {"e2"}, ""}})).HasGaps());
  EXPECT_FALSE(CoverageOf(MakeSet({{SurnameRange{"A", "N"}, {"e1"}, ""},
                                   {SurnameRange{"O", "Å"}, {"e2"}, ""}}))
                   .HasGaps());
}

TEST(TP_4_8_Coverage, ReportsUncoveredDaysDigitsAndLetters) {
  const CoverageReport days =
      CoverageOf(MakeSet({{CprDayRange{2, 10}, {"e1"}, ""}, {CprDayRange{12, 28}, {"e2"}, ""}}));
  ASSERT_EQ(days.uncovered_days.size(), 3u);
  EXPECT_EQ(days.uncovered_days[0].first_day, 1);
  EXPECT_EQ(days.uncovered_days[0].last_day, 1);
  EXPECT_EQ(days.uncovered_days[1].first_day, 11);
  EXPECT_EQ(days.uncovered_days[2].first_day, 29);
  EXPECT_EQ(days.uncovered_days[2].last_day, 31);
  EXPECT_TRUE(days.uncovered_digits.empty());  // no digit rules: not examined
  EXPECT_TRUE(days.EndsWithNobody());
  EXPECT_EQ(days.ToString(),
            "not covered by any rule: CPR days 1, 11, 29–31; no fallback, so such cases end with "
            "nobody (TP-4.8)");

  const CoverageReport digits =
      CoverageOf(MakeSet({{CprDigitSet{{0, 1, 2, 3, 4, 5, 6, 8}}, {"e1"}, ""}}));
  EXPECT_EQ(digits.uncovered_digits, (std::vector<int>{7, 9}));
  EXPECT_TRUE(digits.uncovered_days.empty());

  RuleSet letters =
      MakeSet({{SurnameRange{"A", "G"}, {"e1"}, ""}, {SurnameRange{"I", "Z"}, {"e2"}, ""}});
  letters.fallback = Fallback{Fallback::Kind::kEmployee, "e-chef"};
  const CoverageReport l = CoverageOf(std::move(letters));
  ASSERT_EQ(l.uncovered_letters.size(), 2u);
  EXPECT_EQ(l.uncovered_letters[0], std::make_pair(L("H"), L("H")));
  EXPECT_EQ(l.uncovered_letters[1], std::make_pair(L("Æ"), L("Å")));
  EXPECT_TRUE(l.HasGaps());
  EXPECT_FALSE(l.EndsWithNobody());
  EXPECT_EQ(l.ToString(),
            "not covered by any rule: surnames H, Æ–Å; they go to the fallback employee 'e-chef'");
}

TEST(TP_4_8_Coverage, AddressRulesAlwaysLeaveStreetsOpen) {
  RuleSet set =
      MakeSet({{AddressRange{"Torvet", 1, kMaxHouseNumber, StreetSide::kBoth}, {"e1"}, ""}});
  CoverageReport open = CoverageOf(set);
  EXPECT_TRUE(open.addresses_open);
  EXPECT_TRUE(open.EndsWithNobody());
  set.fallback = Fallback{Fallback::Kind::kUnit, "borgerservice"};
  open = CoverageOf(std::move(set));
  EXPECT_FALSE(open.EndsWithNobody());
  EXPECT_EQ(open.ToString(),
            "not covered by any rule: addresses on streets or numbers not listed; they go to the "
            "fallback unit 'borgerservice'");
}

}  // namespace
}  // namespace cti::distribution
