// Rule sets shared by the distribution tests and the benchmark.
#ifndef CTI_PROJECTIONS_DISTRIBUTION_TESTING_SAMPLE_RULES_H_
#define CTI_PROJECTIONS_DISTRIBUTION_TESTING_SAMPLE_RULES_H_

#include <string>
#include <utility>
#include <vector>

#include "projections/distribution/rule_set.h"

namespace cti::distribution::testing {

// A set of `unit_id` "ydelse", task "kontanthjælp", version 3, with `rules` and no
// fallback.
inline RuleSet MakeSet(std::vector<Rule> rules) {
  RuleSet set;
  set.unit_id = "ydelse";
  set.task = "kontanthjælp";
  set.version = 3;
  set.rules = std::move(rules);
  return set;
}

// Days 1–10 → e-anna, 11–20 → e-bo, 21–31 → e-carl then e-dora.
inline RuleSet CprDaySet() {
  return MakeSet({{CprDayRange{1, 10}, {"e-anna"}, ""},
                  {CprDayRange{11, 20}, {"e-bo"}, ""},
                  {CprDayRange{21, 31}, {"e-carl", "e-dora"}, ""}});
}

}  // namespace cti::distribution::testing

#endif  // CTI_PROJECTIONS_DISTRIBUTION_TESTING_SAMPLE_RULES_H_
