#include "projections/distribution/compiled_rule_set.h"

#include <cstddef>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "projections/distribution/internal/compiled_data.h"
#include "projections/distribution/street.h"

namespace cti::distribution {
namespace {

using internal::kNoRule;

absl::Status BadKeyValue(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("case_key: ", what));
}

}  // namespace

CompiledRuleSet::CompiledRuleSet(std::unique_ptr<const Data> data) : data_(std::move(data)) {}
CompiledRuleSet::CompiledRuleSet(CompiledRuleSet&&) noexcept = default;
CompiledRuleSet& CompiledRuleSet::operator=(CompiledRuleSet&&) noexcept = default;
CompiledRuleSet::~CompiledRuleSet() = default;

absl::StatusOr<CompiledRuleSet> CompiledRuleSet::Compile(RuleSet set) {
  if (absl::Status s = internal::CheckFields(set); !s.ok()) return s;
  auto data = std::make_unique<Data>();
  if (absl::Status s = internal::BuildTables(set, &data->tables); !s.ok()) return s;
  data->descriptions.reserve(set.rules.size());
  for (const Rule& rule : set.rules) data->descriptions.push_back(DescribeRange(rule.range));
  data->set = std::move(set);
  return CompiledRuleSet(std::move(data));
}

const RuleSet& CompiledRuleSet::rule_set() const { return data_->set; }

bool CompiledRuleSet::Uses(KeyKind kind) const {
  return data_->tables.used[static_cast<int>(kind)];
}

std::optional<KeyKind> CompiledRuleSet::CprKeyKind() const {
  if (Uses(KeyKind::kCprDay)) return KeyKind::kCprDay;
  if (Uses(KeyKind::kCprDigit)) return KeyKind::kCprDigit;
  return std::nullopt;
}

absl::StatusOr<MatchResult> CompiledRuleSet::Match(const CaseKey& key) const {
  const internal::Tables& tables = data_->tables;
  const KeyKind kind = KindOf(key);
  if (!tables.used[static_cast<int>(kind)]) {
    std::vector<absl::string_view> used;
    for (int k = 0; k < kKeyKindCount; ++k) {
      if (tables.used[k]) used.push_back(KeyKindName(static_cast<KeyKind>(k)));
    }
    return BadKeyValue(
        absl::StrCat("unit '", data_->set.unit_id, "' distributes task '", data_->set.task, "' by ",
                     used.empty() ? "no key (fallback only)" : absl::StrJoin(used, " or "),
                     ", not by ", KeyKindName(kind), " (TP-5.1)"));
  }
  int32_t rule = kNoRule;
  switch (kind) {
    case KeyKind::kCprDay: {
      const int day = std::get<CprDayKey>(key).day;
      if (day < 1 || day > 31) return BadKeyValue("cpr-day must be 1 to 31");
      rule = tables.day[day];
      break;
    }
    case KeyKind::kCprDigit: {
      const int digit = std::get<CprDigitKey>(key).digit;
      if (digit < 0 || digit > 9) return BadKeyValue("cpr-digit must be 0 to 9");
      rule = tables.digit[digit];
      break;
    }
    case KeyKind::kAddress: {
      const AddressKey& address = std::get<AddressKey>(key);
      if (address.house_number < 1 || address.house_number > kMaxHouseNumber) {
        return BadKeyValue(absl::StrCat("house number must be 1 to ", kMaxHouseNumber));
      }
      auto it = tables.streets.find(absl::string_view(address.street));
      if (it == tables.streets.end() && !IsNormalizedStreet(address.street)) {
        it = tables.streets.find(NormalizeStreet(address.street));
      }
      if (it != tables.streets.end())
        rule = internal::FindHouseNumber(it->second, address.house_number);
      break;
    }
    case KeyKind::kSurname:
      rule = tables.letter[std::get<SurnameKey>(key).initial.index()];
      break;
  }
  MatchResult result;
  result.version = data_->set.version;
  if (rule != kNoRule) {
    const Rule& r = data_->set.rules[rule];
    result.rule_index = rule;
    result.description = data_->descriptions[rule];
    result.note = r.note;
    result.employee_ids = r.employee_ids;
    return result;
  }
  if (data_->set.fallback.has_value()) {
    result.fallback = &*data_->set.fallback;
    return result;
  }
  return absl::NotFoundError(absl::StrCat("no case distribution rule of unit '", data_->set.unit_id,
                                          "' task '", data_->set.task, "' (v", data_->set.version,
                                          ") covers ", FormatCaseKey(key),
                                          ", and the rule set has no fallback (TP-5.1, TP-4.8)"));
}

std::string Explain(const MatchResult& match, const CaseKey& key, DisplayName name) {
  const auto shown = [&](Fallback::Kind kind, absl::string_view id) {
    std::string text = name(kind, id);
    return text.empty() ? std::string(id) : text;
  };
  if (match.fallback != nullptr) {
    const Fallback& fb = *match.fallback;
    return absl::StrCat("no rule covers ", DescribeKey(key), " → ",
                        fb.kind == Fallback::Kind::kUnit ? "unit " : "", shown(fb.kind, fb.id),
                        " (fallback of rules v", match.version, ", TP-5.1)");
  }
  std::string out(match.description);
  if (!match.note.empty()) absl::StrAppend(&out, " (", match.note, ")");
  absl::StrAppend(&out, " → ");
  for (size_t i = 0; i < match.employee_ids.size(); ++i) {
    if (i > 0) absl::StrAppend(&out, ", then ");
    absl::StrAppend(&out, shown(Fallback::Kind::kEmployee, match.employee_ids[i]));
  }
  absl::StrAppend(&out, " (rule v", match.version, " #", match.rule_index + 1, ", TP-5.1)");
  return out;
}

std::string Explain(const MatchResult& match, const CaseKey& key) {
  return Explain(match, key, [](Fallback::Kind, absl::string_view id) { return std::string(id); });
}

}  // namespace cti::distribution
