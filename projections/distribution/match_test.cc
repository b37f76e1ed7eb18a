#include "absl/strings/match.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "projections/distribution/citizen_keys.h"
#include "projections/distribution/compiled_rule_set.h"
#include "projections/distribution/testing/sample_rules.h"

namespace cti::distribution {
namespace {

using testing::CprDaySet;
using testing::MakeSet;

CompiledRuleSet Compiled(RuleSet set) {
  absl::StatusOr<CompiledRuleSet> compiled = CompiledRuleSet::Compile(std::move(set));
  EXPECT_TRUE(compiled.ok()) << compiled.status();
  return std::move(compiled).value();
}

// The caseworkers `set` picks for `key`, or the status text.
std::vector<std::string> Pick(const CompiledRuleSet& set, const CaseKey& key) {
  absl::StatusOr<MatchResult> m = set.Match(key);
  if (!m.ok()) return {std::string(m.status().ToString())};
  if (m->fallback != nullptr) return {"fallback:" + m->fallback->id};
  return {m->employee_ids.begin(), m->employee_ids.end()};
}

using Ids = std::vector<std::string>;

TEST(TP_5_1_CaseDistribution, CprDayRangesPickCaseworker) {
  const CompiledRuleSet set = Compiled(CprDaySet());
  EXPECT_EQ(Pick(set, CprDayKey{1}), Ids{"e-anna"});
  EXPECT_EQ(Pick(set, CprDayKey{10}), Ids{"e-anna"});
  EXPECT_EQ(Pick(set, CprDayKey{11}), Ids{"e-bo"});
  EXPECT_EQ(Pick(set, CprDayKey{20}), Ids{"e-bo"});
  EXPECT_EQ(Pick(set, CprDayKey{21}), (Ids{"e-carl", "e-dora"}));
  EXPECT_EQ(Pick(set, CprDayKey{31}), (Ids{"e-carl", "e-dora"}));
  // From a CPR number reduced at the edge: 29 February 2000.
  EXPECT_EQ(Pick(set, KeyFromCpr("290200-4123", set.CprKeyKind().value()).value()),
            (Ids{"e-carl", "e-dora"}));
  absl::StatusOr<MatchResult> m = set.Match(CprDayKey{17});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->rule_index, 1);
  EXPECT_EQ(m->version, 3);
  EXPECT_EQ(m->description, "CPR day 11–20");
  EXPECT_EQ(m->fallback, nullptr);
}

TEST(TP_5_1_CaseDistribution, CprLastDigitPicksCaseworker) {
  const CompiledRuleSet set = Compiled(MakeSet({{CprDigitSet{{0, 1, 2}}, {"e-a"}, ""},
                                                {CprDigitSet{{3, 4, 5, 6}}, {"e-b"}, ""},
                                                {CprDigitSet{{7, 8, 9}}, {"e-c"}, ""}}));
  EXPECT_EQ(set.CprKeyKind(), KeyKind::kCprDigit);
  EXPECT_EQ(Pick(set, CprDigitKey{0}), Ids{"e-a"});
  EXPECT_EQ(Pick(set, CprDigitKey{2}), Ids{"e-a"});
  EXPECT_EQ(Pick(set, CprDigitKey{3}), Ids{"e-b"});
  EXPECT_EQ(Pick(set, CprDigitKey{9}), Ids{"e-c"});
  EXPECT_EQ(Pick(set, KeyFromCpr("170190-1236", KeyKind::kCprDigit).value()), Ids{"e-b"});
  const CompiledRuleSet parity =
      Compiled(MakeSet({{EvenDigits(), {"e-even"}, ""}, {OddDigits(), {"e-odd"}, ""}}));
  for (int d = 0; d <= 9; ++d) {
    EXPECT_EQ(Pick(parity, CprDigitKey{d}), Ids{d % 2 == 0 ? "e-even" : "e-odd"}) << d;
  }
}

TEST(TP_5_1_CaseDistribution, StreetAndHouseNumberRangesPickCaseworker) {
  const CompiledRuleSet set = Compiled(
      MakeSet({{AddressRange{"Vestergade", 1, 49, StreetSide::kOdd}, {"e-odd"}, ""},
               {AddressRange{"Vestergade", 2, 50, StreetSide::kEven}, {"e-even"}, ""},
               {AddressRange{"Vestergade", 51, kMaxHouseNumber, StreetSide::kBoth}, {"e-end"}, ""},
               {AddressRange{"H.C. Andersens Boulevard", 1, kMaxHouseNumber, StreetSide::kBoth},
                {"e-hca"},
                ""}}));
  EXPECT_EQ(Pick(set, AddressKey{"vestergade", 1}), Ids{"e-odd"});
  EXPECT_EQ(Pick(set, AddressKey{"vestergade", 49}), Ids{"e-odd"});
  EXPECT_EQ(Pick(set, AddressKey{"vestergade", 2}), Ids{"e-even"});
  EXPECT_EQ(Pick(set, AddressKey{"vestergade", 50}), Ids{"e-even"});
  EXPECT_EQ(Pick(set, AddressKey{"vestergade", 51}), Ids{"e-end"});
  EXPECT_EQ(Pick(set, AddressKey{"vestergade", 52}), Ids{"e-end"});
  EXPECT_EQ(Pick(set, AddressKey{"vestergade", 9999}), Ids{"e-end"});
  EXPECT_EQ(Pick(set, KeyFromAddress("VESTERGADE 12B, 2. th").value()), Ids{"e-even"});
  EXPECT_EQ(Pick(set, KeyFromAddress("H.C.  Andersens Boulevard 27, 1. tv").value()), Ids{"e-hca"});
  // A key whose street is not normalised still matches.
  EXPECT_EQ(Pick(set, AddressKey{"  VesterGADE ", 3}), Ids{"e-odd"});
  // A street with no rules is not covered.
  absl::StatusOr<MatchResult> none = set.Match(AddressKey{"nørregade", 3});
  EXPECT_EQ(none.status().code(), absl::StatusCode::kNotFound);
}

TEST(TP_5_1_CaseDistribution, GapsBetweenHouseNumberRanges) {
  const CompiledRuleSet set =
      Compiled(MakeSet({{AddressRange{"Torvet", 10, 20, StreetSide::kBoth}, {"e1"}, ""},
                        {AddressRange{"Torvet", 30, 40, StreetSide::kEven}, {"e2"}, ""},
                        {AddressRange{"Torvet", 21, 29, StreetSide::kOdd}, {"e3"}, ""}}));
  for (int n : {1, 9, 22, 31, 41, 9999}) {
    EXPECT_EQ(set.Match(AddressKey{"torvet", n}).status().code(), absl::StatusCode::kNotFound) << n;
  }
  EXPECT_EQ(Pick(set, AddressKey{"torvet", 10}), Ids{"e1"});
  EXPECT_EQ(Pick(set, AddressKey{"torvet", 20}), Ids{"e1"});
  EXPECT_EQ(Pick(set, AddressKey{"torvet", 21}), Ids{"e3"});
  EXPECT_EQ(Pick(set, AddressKey{"torvet", 29}), Ids{"e3"});
  EXPECT_EQ(Pick(set, AddressKey{"torvet", 30}), Ids{"e2"});
  EXPECT_EQ(Pick(set, AddressKey{"torvet", 40}), Ids{"e2"});
}

TEST(TP_5_1_CaseDistribution, SurnameInitialRangesInDanishOrder) {
  const CompiledRuleSet set = Compiled(MakeSet({{SurnameRange{"A", "G"}, {"e-ag"}, ""},
                                                {SurnameRange{"H", "N"}, {"e-hn"}, ""},
                                                {SurnameRange{"O", "Å"}, {"e-oaa"}, ""}}));
  const auto by_name = [&](absl::string_view surname) {
    return Pick(set, KeyFromSurname(surname).value());
  };
  EXPECT_EQ(by_name("Andersen"), Ids{"e-ag"});
  EXPECT_EQ(by_name("Gade"), Ids{"e-ag"});
  EXPECT_EQ(by_name("Holm"), Ids{"e-hn"});
  EXPECT_EQ(by_name("Nielsen"), Ids{"e-hn"});
  EXPECT_EQ(by_name("Olsen"), Ids{"e-oaa"});
  EXPECT_EQ(by_name("Zeuthen"), Ids{"e-oaa"});
  EXPECT_EQ(by_name("Ærø"), Ids{"e-oaa"});
  EXPECT_EQ(by_name("Østergaard"), Ids{"e-oaa"});
  EXPECT_EQ(by_name("Ågaard"), Ids{"e-oaa"});
  EXPECT_EQ(by_name("Aagaard"), Ids{"e-oaa"});  // Aa sorts as Å, not with A
  EXPECT_EQ(by_name("Abildgaard"), Ids{"e-ag"});
  // Å after Ø after Æ after Z: a rule for Æ–Ø leaves Å out.
  const CompiledRuleSet ae_oe = Compiled(MakeSet({{SurnameRange{"Æ", "Ø"}, {"e1"}, ""}}));
  EXPECT_EQ(Pick(ae_oe, KeyFromSurname("Ørum").value()), Ids{"e1"});
  EXPECT_EQ(ae_oe.Match(KeyFromSurname("Aabenraa").value()).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(ae_oe.Match(KeyFromSurname("Zahle").value()).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(TP_4_8_CaseDistribution, FallbackAnswersWhenNoRuleCovers) {
  RuleSet rules = MakeSet({{CprDayRange{1, 28}, {"e1"}, ""}});
  rules.fallback = Fallback{Fallback::Kind::kUnit, "ydelse-team"};
  const CompiledRuleSet set = Compiled(std::move(rules));
  EXPECT_EQ(Pick(set, CprDayKey{28}), Ids{"e1"});
  absl::StatusOr<MatchResult> m = set.Match(CprDayKey{29});
  ASSERT_TRUE(m.ok()) << m.status();
  ASSERT_NE(m->fallback, nullptr);
  EXPECT_EQ(m->fallback->kind, Fallback::Kind::kUnit);
  EXPECT_EQ(m->fallback->id, "ydelse-team");
  EXPECT_EQ(m->rule_index, -1);
  EXPECT_TRUE(m->employee_ids.empty());
}

TEST(TP_4_8_CaseDistribution, NoRuleAndNoFallbackIsNotFoundWithAClearMessage) {
  const CompiledRuleSet set = Compiled(MakeSet({{CprDayRange{1, 28}, {"e1"}, ""}}));
  absl::StatusOr<MatchResult> m = set.Match(CprDayKey{30});
  ASSERT_EQ(m.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(m.status().message(),
            "no case distribution rule of unit 'ydelse' task 'kontanthjælp' (v3) covers "
            "cpr-day:30, and the rule set has no fallback (TP-5.1, TP-4.8)");
}

TEST(TP_5_1_CaseDistribution, KeyOfAKindTheSetDoesNotUseIsRefused) {
  RuleSet rules = CprDaySet();
  rules.fallback = Fallback{Fallback::Kind::kUnit, "ydelse"};  // not used for other kinds
  const CompiledRuleSet set = Compiled(std::move(rules));
  EXPECT_TRUE(set.Uses(KeyKind::kCprDay));
  EXPECT_FALSE(set.Uses(KeyKind::kAddress));
  absl::StatusOr<MatchResult> m = set.Match(AddressKey{"vestergade", 3});
  ASSERT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(m.status().message(),
            "case_key: unit 'ydelse' distributes task 'kontanthjælp' by cpr-day, not by address "
            "(TP-5.1)");
  EXPECT_EQ(set.Match(CprDayKey{0}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(set.Match(CprDayKey{32}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(TP_5_1_CaseDistribution, MixedKindsMatchOnlyTheirOwnRules) {
  const CompiledRuleSet set =
      Compiled(MakeSet({{CprDayRange{1, 31}, {"e-day"}, ""},
                        {AddressRange{"Torvet", 1, 9, StreetSide::kBoth}, {"e-torvet"}, ""}}));
  EXPECT_EQ(Pick(set, CprDayKey{5}), Ids{"e-day"});
  EXPECT_EQ(Pick(set, AddressKey{"torvet", 5}), Ids{"e-torvet"});
  EXPECT_EQ(set.Match(SurnameKey{}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(TP_5_1_CaseDistribution, ExplanationCitesRuleVersionAndPolicy) {
  RuleSet rules = CprDaySet();
  rules.rules[2].note = "team 2";
  rules.fallback = Fallback{Fallback::Kind::kUnit, "ydelse"};
  rules.rules[0].range = CprDayRange{1, 9};
  const CompiledRuleSet set = Compiled(std::move(rules));
  const auto names = [](Fallback::Kind kind, absl::string_view id) -> std::string {
    if (kind == Fallback::Kind::kUnit) return id == "ydelse" ? "Ydelse" : "";
    if (id == "e-bo") return "Bo Lund";
    if (id == "e-carl") return "Carl Holm";
    if (id == "e-dora") return "Dora Juhl";
    return "";
  };
  const CaseKey day17 = CprDayKey{17};
  EXPECT_EQ(Explain(set.Match(day17).value(), day17, names),
            "CPR day 11–20 → Bo Lund (rule v3 #2, TP-5.1)");
  const CaseKey day25 = CprDayKey{25};
  EXPECT_EQ(Explain(set.Match(day25).value(), day25, names),
            "CPR day 21–31 (team 2) → Carl Holm, then Dora Juhl (rule v3 #3, TP-5.1)");
  const CaseKey day10 = CprDayKey{10};
  EXPECT_EQ(Explain(set.Match(day10).value(), day10, names),
            "no rule covers CPR day 10 → unit Ydelse (fallback of rules v3, TP-5.1)");
  EXPECT_EQ(Explain(set.Match(day17).value(), day17), "CPR day 11–20 → e-bo (rule v3 #2, TP-5.1)");
}

TEST(TP_5_1_CaseDistribution, MatchViewsSurviveMovingTheCompiledSet) {
  CompiledRuleSet set = Compiled(CprDaySet());
  const MatchResult m = set.Match(CprDayKey{25}).value();
  CompiledRuleSet moved = std::move(set);
  EXPECT_EQ(m.description, "CPR day 21–31");
  ASSERT_EQ(m.employee_ids.size(), 2u);
  EXPECT_EQ(m.employee_ids[1], "e-dora");
  EXPECT_EQ(moved.rule_set().rules.size(), 3u);
}

}  // namespace
}  // namespace cti::distribution
