// CompiledRuleSet::Coverage and CoverageReport (compiled_rule_set.h).
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "projections/distribution/compiled_rule_set.h"
#include "projections/distribution/internal/compiled_data.h"

namespace cti::distribution {
namespace {

using internal::kNoRule;

// Runs [first, last] of indexes in [begin, end) whose table entry is kNoRule.
template <size_t N>
std::vector<std::pair<int, int>> Gaps(const std::array<int32_t, N>& table, int begin) {
  std::vector<std::pair<int, int>> runs;
  for (int i = begin; i < static_cast<int>(N); ++i) {
    if (table[i] != kNoRule) continue;
    if (!runs.empty() && runs.back().second == i - 1) {
      runs.back().second = i;
    } else {
      runs.emplace_back(i, i);
    }
  }
  return runs;
}

std::string Run(absl::string_view first, absl::string_view last) {
  return first == last ? std::string(first) : absl::StrCat(first, "–", last);
}

}  // namespace

CoverageReport CompiledRuleSet::Coverage() const {
  const internal::Tables& t = data_->tables;
  CoverageReport report;
  if (t.used[static_cast<int>(KeyKind::kCprDay)]) {
    for (auto [first, last] : Gaps(t.day, 1)) report.uncovered_days.push_back({first, last});
  }
  if (t.used[static_cast<int>(KeyKind::kCprDigit)]) {
    for (int d = 0; d < 10; ++d) {
      if (t.digit[d] == kNoRule) report.uncovered_digits.push_back(d);
    }
  }
  if (t.used[static_cast<int>(KeyKind::kSurname)]) {
    for (auto [first, last] : Gaps(t.letter, 0)) {
      report.uncovered_letters.emplace_back(DanishLetter::FromIndex(first),
                                            DanishLetter::FromIndex(last));
    }
  }
  report.addresses_open = t.used[static_cast<int>(KeyKind::kAddress)];
  report.fallback = data_->set.fallback;
  return report;
}

bool CoverageReport::HasGaps() const {
  return !uncovered_days.empty() || !uncovered_digits.empty() || !uncovered_letters.empty() ||
         addresses_open;
}

std::string CoverageReport::ToString() const {
  if (!HasGaps()) return "fully covered by the rules";
  std::vector<std::string> parts;
  if (!uncovered_days.empty()) {
    std::vector<std::string> runs;
    for (const CprDayRange& r : uncovered_days) {
      runs.push_back(Run(absl::StrCat(r.first_day), absl::StrCat(r.last_day)));
    }
    parts.push_back(absl::StrCat(
        runs.size() == 1 && uncovered_days[0].first_day == uncovered_days[0].last_day ? "CPR day "
                                                                                      : "CPR days ",
        absl::StrJoin(runs, ", ")));
  }
  if (!uncovered_digits.empty()) {
    parts.push_back(
        absl::StrCat(uncovered_digits.size() == 1 ? "CPR last digit " : "CPR last digits ",
                     absl::StrJoin(uncovered_digits, ", ")));
  }
  if (!uncovered_letters.empty()) {
    std::vector<std::string> runs;
    for (const auto& [first, last] : uncovered_letters) {
      runs.push_back(Run(first.ToString(), last.ToString()));
    }
    parts.push_back(absl::StrCat("surnames ", absl::StrJoin(runs, ", ")));
  }
  if (addresses_open) parts.push_back("addresses on streets or numbers not listed");
  std::string out = absl::StrCat("not covered by any rule: ", absl::StrJoin(parts, "; "));
  if (fallback.has_value()) {
    absl::StrAppend(&out, "; they go to the fallback ",
                    fallback->kind == Fallback::Kind::kUnit ? "unit '" : "employee '", fallback->id,
                    "'");
  } else {
    absl::StrAppend(&out, "; no fallback, so such cases end with nobody (TP-4.8)");
  }
  return out;
}

}  // namespace cti::distribution
