// The state behind a CompiledRuleSet (compiled_rule_set.cc and coverage.cc).
#ifndef CTI_PROJECTIONS_DISTRIBUTION_INTERNAL_COMPILED_DATA_H_
#define CTI_PROJECTIONS_DISTRIBUTION_INTERNAL_COMPILED_DATA_H_

#include <string>
#include <vector>

#include "projections/distribution/compiled_rule_set.h"
#include "projections/distribution/internal/tables.h"

namespace cti::distribution {

struct CompiledRuleSet::Data {
  RuleSet set;
  internal::Tables tables;
  std::vector<std::string> descriptions;  // DescribeRange of set.rules[i]
};

}  // namespace cti::distribution

#endif  // CTI_PROJECTIONS_DISTRIBUTION_INTERNAL_COMPILED_DATA_H_
