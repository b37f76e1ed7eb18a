// Match allocates nothing when a rule or the fallback answers (Route calls it per call).
// Counts global operator new calls around Match.
#include <atomic>
#include <cstdlib>
#include <new>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "projections/distribution/compiled_rule_set.h"
#include "projections/distribution/testing/sample_rules.h"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

// GCC with -fsanitize=address sees free() on what it takes for operator new's memory;
// here operator new is malloc, so the pair matches.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

namespace cti::distribution {
namespace {

TEST(TP_5_1_MatchCost, NoAllocationWhenARuleOrTheFallbackAnswers) {
  RuleSet rules =
      testing::MakeSet({{CprDayRange{1, 28}, {"e1", "e2"}, "team"},
                        {AddressRange{"Vestergade", 1, 49, StreetSide::kOdd}, {"e3"}, ""},
                        {SurnameRange{"A", "G"}, {"e4"}, ""}});
  rules.fallback = Fallback{Fallback::Kind::kUnit, "ydelse"};
  absl::StatusOr<CompiledRuleSet> set = CompiledRuleSet::Compile(std::move(rules));
  ASSERT_TRUE(set.ok()) << set.status();
  // Keys built before counting; the street is long enough to live on the heap.
  const std::vector<CaseKey> keys = {CprDayKey{5},
                                     CprDayKey{30},  // the fallback
                                     AddressKey{"vestergade", 7},
                                     AddressKey{"vestergade", 8},  // the fallback
                                     AddressKey{"a street name longer than sso buffers", 8},
                                     SurnameKey{DanishLetter::FromIndex(3)}};
  long answered = 0;
  const long before = g_allocations.load();
  for (int round = 0; round < 100; ++round) {
    for (const CaseKey& key : keys) answered += set->Match(key).ok() ? 1 : 0;
  }
  const long after = g_allocations.load();
  EXPECT_EQ(answered, 600);
  EXPECT_EQ(after - before, 0);
}

}  // namespace
}  // namespace cti::distribution
