// A case distribution rule set, validated and compiled for matching (TP-5.1): which
// caseworker(s) take a case, given its case key.
//
//   absl::StatusOr<CompiledRuleSet> compiled = CompiledRuleSet::Compile(std::move(set));
//   if (!compiled.ok()) return compiled.status();          // names the bad field
//   absl::StatusOr<MatchResult> m = compiled->Match(CprDayKey{17});
//   // m->employee_ids == {"e-bo"}; Explain(*m, key, names) ==
//   //   "CPR day 11–20 → Bo Lund (rule v3 #2, TP-5.1)"
//
// Operation: Compile runs ValidateRuleSet and builds lookup tables — a 32-entry day
// table, a 10-entry digit table, a 29-entry letter table, and per street (in
// NormalizeStreet form) sorted disjoint house-number intervals for each side. Match is
// then a table lookup for CPR and surname keys, and a hash lookup plus a binary search
// over one street's intervals for addresses. Match does not allocate when a rule or the
// fallback answers; errors (NOT_FOUND, INVALID_ARGUMENT) carry an allocated message.
//
// Concurrency: immutable after Compile; every const method may be called from any
// number of threads at once. Moving a CompiledRuleSet keeps every view handed out by
// Match valid; destroying it ends them. A moved-from set may only be assigned to or
// destroyed.
//
// Limitations: a key is matched only against the rules of its own kind (KindOf); the
// fallback answers only keys of a kind the set uses. Whether employee and unit ids exist
// and are active is not known here: the caller (the projection, Route) checks that.
#ifndef CTI_PROJECTIONS_DISTRIBUTION_COMPILED_RULE_SET_H_
#define CTI_PROJECTIONS_DISTRIBUTION_COMPILED_RULE_SET_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "projections/distribution/case_key.h"
#include "projections/distribution/danish_letter.h"
#include "projections/distribution/rule_set.h"

namespace cti::distribution {

// What answered a key. Views into the CompiledRuleSet that made it: valid while that
// set lives (also after it is moved).
struct MatchResult {
  int64_t version = 0;  // the rule set's version
  // 0-based index into RuleSet::rules of the rule that covers the key ("#" + index + 1
  // in explanations); -1 when the fallback answered.
  int rule_index = -1;
  absl::string_view description;  // DescribeRange of that rule; empty for the fallback
  absl::string_view note;         // that rule's note; empty for the fallback
  // That rule's caseworkers in the order to try them; empty for the fallback.
  absl::Span<const std::string> employee_ids;
  // Set when no rule covers the key and the set's fallback answered.
  const Fallback* fallback = nullptr;
};

// Gaps of a rule set: keys no rule covers. Only kinds the set has rules for are
// examined (a set of CPR-day rules has no digit gaps). Such keys go to the fallback, or
// Match answers NOT_FOUND: `ctictl check` warns about them (TP-4.8).
struct CoverageReport {
  std::vector<CprDayRange> uncovered_days;  // runs of days 1–31, ascending
  std::vector<int> uncovered_digits;        // ascending
  // Runs of letters in Danish order (first, last), ascending.
  std::vector<std::pair<DanishLetter, DanishLetter>> uncovered_letters;
  // The set has address rules: every street it does not list, and every number outside
  // its ranges, is uncovered (the street register is not known here).
  bool addresses_open = false;
  std::optional<Fallback> fallback;  // the set's fallback, which takes the gaps

  bool HasGaps() const;
  // True when a key of a kind the set uses can match nothing: gaps and no fallback.
  bool EndsWithNobody() const { return HasGaps() && !fallback.has_value(); }
  // One line for people, e.g. "not covered by any rule: CPR days 29–31; surnames Æ–Å;
  // no fallback, so such cases end with nobody (TP-4.8)", "fully covered" when no gaps.
  std::string ToString() const;
};

class CompiledRuleSet {
 public:
  // Validates `set` (ValidateRuleSet: INVALID_ARGUMENT naming the field) and compiles it.
  static absl::StatusOr<CompiledRuleSet> Compile(RuleSet set);

  CompiledRuleSet(CompiledRuleSet&&) noexcept;
  CompiledRuleSet& operator=(CompiledRuleSet&&) noexcept;
  ~CompiledRuleSet();

  const RuleSet& rule_set() const;

  // True when the set has at least one rule of `kind`.
  bool Uses(KeyKind kind) const;
  // The key to derive from a CPR number for this set (kCprDay or kCprDigit; a set never
  // uses both), or nullopt when it has no CPR rules.
  std::optional<KeyKind> CprKeyKind() const;

  // The rule covering `key`, or else the fallback. Errors:
  // - INVALID_ARGUMENT "case_key: ..." when the key's value is out of range, or when
  //   the set has no rules of the key's kind (the message names the kinds it uses, so
  //   the caller can ask the citizen for the right thing);
  // - NOT_FOUND when no rule covers the key and there is no fallback (TP-4.8).
  // An AddressKey whose street is not in NormalizeStreet form still matches: it is then
  // normalised, which allocates.
  absl::StatusOr<MatchResult> Match(const CaseKey& key) const;

  // Keys of the kinds this set uses that no rule covers.
  CoverageReport Coverage() const;

 private:
  struct Data;
  explicit CompiledRuleSet(std::unique_ptr<const Data> data);
  std::unique_ptr<const Data> data_;
};

// Display name of an id in explanations: `kind` says whether `id` is an employee or a
// unit. An empty answer shows the id itself.
using DisplayName = absl::FunctionRef<std::string(Fallback::Kind kind, absl::string_view id)>;

// The reason Route shows for a match, citing the rule:
//   "CPR day 11–20 → Bo Lund (rule v3 #2, TP-5.1)"
//   "Vestergade 1–49 odd (team 2) → Bo Lund, then Anna Holm (rule v3 #4, TP-5.1)"
//   "no rule covers CPR day 30 → unit Ydelse (fallback of rules v3, TP-5.1)"
// `key` is the key that was matched (it is described for a fallback answer).
std::string Explain(const MatchResult& match, const CaseKey& key, DisplayName name);
// As above, showing ids.
std::string Explain(const MatchResult& match, const CaseKey& key);

}  // namespace cti::distribution

#endif  // CTI_PROJECTIONS_DISTRIBUTION_COMPILED_RULE_SET_H_
