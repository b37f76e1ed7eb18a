// Match micro-benchmark: what Route pays per call for case distribution. Not a test.
//   build/bin/distribution_bench [--benchmark_filter=...]
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "projections/distribution/citizen_keys.h"
#include "projections/distribution/compiled_rule_set.h"
#include "projections/distribution/testing/sample_rules.h"

namespace cti::distribution {
namespace {

CompiledRuleSet MustCompile(RuleSet set) {
  absl::StatusOr<CompiledRuleSet> compiled = CompiledRuleSet::Compile(std::move(set));
  if (!compiled.ok()) std::abort();
  return std::move(compiled).value();
}

// `streets` streets, each split odd 1–99 / even 2–100 / both 101–9999.
RuleSet AddressSet(int streets) {
  std::vector<Rule> rules;
  for (int s = 0; s < streets; ++s) {
    const std::string street = absl::StrCat("Gade nummer ", s);
    rules.push_back(
        {AddressRange{street, 1, 99, StreetSide::kOdd}, {absl::StrCat("e", s, "a")}, ""});
    rules.push_back(
        {AddressRange{street, 2, 100, StreetSide::kEven}, {absl::StrCat("e", s, "b")}, ""});
    rules.push_back({AddressRange{street, 101, kMaxHouseNumber, StreetSide::kBoth},
                     {absl::StrCat("e", s, "c")},
                     ""});
  }
  return testing::MakeSet(std::move(rules));
}

void BM_MatchCprDay(benchmark::State& state) {
  const CompiledRuleSet set = MustCompile(testing::CprDaySet());
  int day = 1;
  for (auto _ : state) {
    auto m = set.Match(CprDayKey{day});
    benchmark::DoNotOptimize(m);
    day = day == 31 ? 1 : day + 1;
  }
}
BENCHMARK(BM_MatchCprDay);

void BM_MatchSurname(benchmark::State& state) {
  const CompiledRuleSet set = MustCompile(testing::MakeSet({{SurnameRange{"A", "G"}, {"e1"}, ""},
                                                            {SurnameRange{"H", "N"}, {"e2"}, ""},
                                                            {SurnameRange{"O", "Å"}, {"e3"}, ""}}));
  int letter = 0;
  for (auto _ : state) {
    auto m = set.Match(SurnameKey{DanishLetter::FromIndex(letter)});
    benchmark::DoNotOptimize(m);
    letter = (letter + 1) % DanishLetter::kCount;
  }
}
BENCHMARK(BM_MatchSurname);

// Address keys prepared outside the loop, as Route receives them.
void BM_MatchAddress(benchmark::State& state) {
  const int streets = static_cast<int>(state.range(0));
  const CompiledRuleSet set = MustCompile(AddressSet(streets));
  std::vector<CaseKey> keys;
  for (int i = 0; i < 1024; ++i) {
    keys.push_back(
        AddressKey{absl::StrCat("gade nummer ", (i * 7919) % streets), 1 + (i * 37) % 300});
  }
  size_t i = 0;
  for (auto _ : state) {
    auto m = set.Match(keys[i]);
    benchmark::DoNotOptimize(m);
    i = (i + 1) & 1023;
  }
}
BENCHMARK(BM_MatchAddress)->Arg(10)->Arg(1000)->Arg(6000);

// The edge's reduction and the match together.
void BM_KeyFromCprThenMatch(benchmark::State& state) {
  const CompiledRuleSet set = MustCompile(testing::CprDaySet());
  for (auto _ : state) {
    auto key = KeyFromCpr("170190-1234", KeyKind::kCprDay);
    auto m = set.Match(*key);
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(BM_KeyFromCprThenMatch);

void BM_Compile(benchmark::State& state) {
  const RuleSet rules = AddressSet(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto compiled = CompiledRuleSet::Compile(rules);
    benchmark::DoNotOptimize(compiled);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rules.rules.size()));
}
BENCHMARK(BM_Compile)->Arg(1000);

}  // namespace
}  // namespace cti::distribution

BENCHMARK_MAIN();
