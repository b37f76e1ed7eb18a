// Directory queries: search over the search index, one employee, one unit.
#include "projections/directory.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "projections/internal/directory_records.h"
#include "projections/internal/keys.h"
#include "projections/internal/overlay.h"
#include "projections/internal/shape.h"
#include "projections/internal/snapshot_read.h"
#include "projections/internal/status_macros.h"
#include "projections/internal/store_impl.h"
#include "projections/internal/text_fold.h"
#include "projections/internal/txn.h"

namespace cti::projections {
namespace {

using internal::Cf;
using internal::FieldPath;
using internal::SnapshotRead;

constexpr uint32_t kDefaultLimit = 20;
constexpr uint32_t kMaxLimit = 500;
constexpr size_t kMaxQueryChars = 200;

// One item found by every query word so far.
struct Candidate {
  double score = 0;
  bool all_in_name = true;
  std::string sort_name;
};
using ItemKey = std::pair<char, std::string>;  // (kind, id)

// How well one index entry matches one query word: whole words before prefixes, names
// before tasks.
double WordScore(bool whole, uint8_t mask) {
  const bool name = (mask & internal::kMatchName) != 0;
  if (whole) return name ? 4 : 3;
  return name ? 2 : 1;
}

// Best match of every item for `word`, restricted to `kind` (0: any).
absl::StatusOr<std::map<ItemKey, Candidate>> MatchWord(internal::Txn& txn,
                                                       absl::string_view tenant_prefix,
                                                       absl::string_view word, char kind) {
  std::map<ItemKey, Candidate> found;
  const std::string prefix = absl::StrCat(tenant_prefix, word);
  CTI_RETURN_IF_ERROR(
      txn.Scan(Cf::kSearch, prefix, [&](absl::string_view key, absl::string_view value) {
        key.remove_prefix(tenant_prefix.size());
        const size_t nul = key.find('\0');
        if (nul == absl::string_view::npos || nul + 1 >= key.size() || value.empty()) return true;
        const char item_kind = key[nul + 1];
        if (kind != 0 && item_kind != kind) return true;
        const uint8_t mask = static_cast<uint8_t>(value[0]);
        const bool whole = nul == word.size();
        // A token may match in both the name and a task: score the name (the better one).
        const double score = WordScore(whole, mask);
        Candidate& c = found[ItemKey(item_kind, std::string(key.substr(nul + 2)))];
        if (score > c.score) {
          c.score = score;
          c.all_in_name = (mask & internal::kMatchName) != 0;
          c.sort_name = std::string(value.substr(1));
        }
        return true;
      }));
  return found;
}

absl::Status CheckTenant(const std::string& tenant) {
  return internal::CheckId(FieldPath("tenant"), tenant);
}

}  // namespace

absl::StatusOr<cti::v1::SearchResponse> Directory::Search(
    const cti::v1::SearchRequest& request) const {
  CTI_RETURN_IF_ERROR(CheckTenant(request.tenant()));
  CTI_RETURN_IF_ERROR(
      internal::CheckRequiredText(FieldPath("query"), request.query(), kMaxQueryChars));
  std::vector<std::string> words = internal::Tokenize(request.query());
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  if (words.empty()) {
    return absl::InvalidArgumentError("query: must contain at least one letter or digit");
  }
  char kind = 0;
  switch (request.kind()) {
    case cti::v1::SEARCH_KIND_UNSPECIFIED:
      break;
    case cti::v1::SEARCH_KIND_EMPLOYEE:
      kind = internal::kSearchEmployee;
      break;
    case cti::v1::SEARCH_KIND_UNIT:
      kind = internal::kSearchUnit;
      break;
    default:
      return absl::InvalidArgumentError("kind: is not a known value");
  }
  const uint32_t limit =
      request.limit() == 0 ? kDefaultLimit : std::min(request.limit(), kMaxLimit);

  SnapshotRead read(*store_, as_of_);
  const std::string t = internal::TenantPrefix(request.tenant());
  std::map<ItemKey, Candidate> matches;
  for (size_t w = 0; w < words.size(); ++w) {
    CTI_ASSIGN_OR_RETURN(auto word_matches, MatchWord(read.txn(), t, words[w], kind));
    if (w == 0) {
      matches = std::move(word_matches);
      continue;
    }
    for (auto it = matches.begin(); it != matches.end();) {  // every word must match
      auto other = word_matches.find(it->first);
      if (other == word_matches.end()) {
        it = matches.erase(it);
        continue;
      }
      it->second.score += other->second.score;
      it->second.all_in_name = it->second.all_in_name && other->second.all_in_name;
      ++it;
    }
    if (matches.empty()) break;
  }

  std::vector<std::pair<const ItemKey*, const Candidate*>> ranked;
  ranked.reserve(matches.size());
  for (const auto& [key, candidate] : matches) ranked.emplace_back(&key, &candidate);
  const auto better = [](const auto& a, const auto& b) {
    if (a.second->score != b.second->score) return a.second->score > b.second->score;
    if (a.second->sort_name != b.second->sort_name)
      return a.second->sort_name < b.second->sort_name;
    return *a.first < *b.first;
  };
  const size_t keep = std::min<size_t>(limit, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + keep, ranked.end(), better);

  cti::v1::SearchResponse response;
  std::map<std::string, std::string> unit_names;  // unit_id -> name, for employee hits
  for (size_t i = 0; i < keep; ++i) {
    const auto& [item, candidate] = ranked[i];
    cti::v1::SearchHit hit;
    if (item->first == internal::kSearchEmployee) {
      cti::v1::Employee* employee = hit.mutable_employee();
      CTI_ASSIGN_OR_RETURN(bool found,
                           internal::LoadEmployee(read.txn(), t, item->second, employee));
      if (!found || !employee->active()) continue;
      if (employee->unlisted()) {  // TP-3.5
        employee->clear_direct_number();
        employee->clear_email();
      }
      auto [name, inserted] = unit_names.try_emplace(employee->unit_id());
      if (inserted) {
        cti::v1::Unit unit;
        CTI_ASSIGN_OR_RETURN(bool unit_found,
                             internal::LoadUnit(read.txn(), t, employee->unit_id(), &unit));
        if (unit_found) name->second = unit.name();
      }
      hit.set_unit_name(name->second);
    } else {
      CTI_ASSIGN_OR_RETURN(bool found,
                           internal::LoadUnit(read.txn(), t, item->second, hit.mutable_unit()));
      if (!found || !hit.unit().active()) continue;
    }
    hit.set_score(candidate->score);
    hit.set_matched(candidate->all_in_name ? "name" : "task");
    *response.add_hits() = std::move(hit);
  }
  return response;
}

absl::StatusOr<cti::v1::GetEmployeeResponse> Directory::GetEmployee(
    const cti::v1::GetEmployeeRequest& request) const {
  CTI_RETURN_IF_ERROR(CheckTenant(request.tenant()));
  CTI_RETURN_IF_ERROR(internal::CheckId(FieldPath("employee_id"), request.employee_id()));
  SnapshotRead read(*store_, as_of_);
  const std::string t = internal::TenantPrefix(request.tenant());
  cti::v1::GetEmployeeResponse response;
  CTI_ASSIGN_OR_RETURN(bool found, internal::LoadEmployee(read.txn(), t, request.employee_id(),
                                                          response.mutable_employee()));
  if (!found) return internal::NotFound("employee_id", request.employee_id());
  cti::v1::Unit unit;
  CTI_ASSIGN_OR_RETURN(bool unit_found,
                       internal::LoadUnit(read.txn(), t, response.employee().unit_id(), &unit));
  if (unit_found) *response.mutable_unit() = std::move(unit);
  return response;
}

absl::StatusOr<cti::v1::GetUnitResponse> Directory::GetUnit(
    const cti::v1::GetUnitRequest& request) const {
  CTI_RETURN_IF_ERROR(CheckTenant(request.tenant()));
  CTI_RETURN_IF_ERROR(internal::CheckId(FieldPath("unit_id"), request.unit_id()));
  SnapshotRead read(*store_, as_of_);
  internal::Txn& txn = read.txn();
  const std::string t = internal::TenantPrefix(request.tenant());
  cti::v1::GetUnitResponse response;
  CTI_ASSIGN_OR_RETURN(bool found,
                       internal::LoadUnit(txn, t, request.unit_id(), response.mutable_unit()));
  if (!found) return internal::NotFound("unit_id", request.unit_id());

  const auto ids_under = [&](char tag) -> absl::StatusOr<std::vector<std::string>> {
    std::vector<std::string> ids;
    CTI_RETURN_IF_ERROR(txn.Scan(Cf::kDirectory, internal::TaggedKey(t, tag, request.unit_id(), ""),
                                 [&](absl::string_view key, absl::string_view) {
                                   ids.emplace_back(internal::SecondId(key));
                                   return true;
                                 }));
    return ids;
  };
  // Ordered by folded name, then id, so equal names keep a stable order.
  std::vector<std::pair<std::string, cti::v1::Employee>> employees;
  CTI_ASSIGN_OR_RETURN(std::vector<std::string> employee_ids, ids_under(internal::kMemberTag));
  for (const std::string& id : employee_ids) {
    cti::v1::Employee employee;
    CTI_ASSIGN_OR_RETURN(bool present, internal::LoadEmployee(txn, t, id, &employee));
    if (!present || !employee.active()) continue;
    std::string sort_key =
        absl::StrCat(internal::FoldText(employee.full_name()), absl::string_view("\0", 1), id);
    employees.emplace_back(std::move(sort_key), std::move(employee));
  }
  std::vector<std::pair<std::string, cti::v1::Unit>> children;
  CTI_ASSIGN_OR_RETURN(std::vector<std::string> child_ids, ids_under(internal::kChildTag));
  for (const std::string& id : child_ids) {
    cti::v1::Unit child;
    CTI_ASSIGN_OR_RETURN(bool present, internal::LoadUnit(txn, t, id, &child));
    if (!present || !child.active()) continue;
    std::string sort_key =
        absl::StrCat(internal::FoldText(child.name()), absl::string_view("\0", 1), id);
    children.emplace_back(std::move(sort_key), std::move(child));
  }
  const auto by_key = [](const auto& a, const auto& b) { return a.first < b.first; };
  std::sort(employees.begin(), employees.end(), by_key);
  std::sort(children.begin(), children.end(), by_key);
  for (auto& [key, employee] : employees) *response.add_employees() = std::move(employee);
  for (auto& [key, child] : children) *response.add_children() = std::move(child);
  return response;
}

}  // namespace cti::projections
