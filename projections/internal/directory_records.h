// The directory and search column families: key builders, record lookups and search
// index maintenance, shared by the staff rules, the other families' rules (which check
// that employees and units exist) and Directory (the queries).
//
// directory CF, under TenantPrefix(tenant) = T:
//   T 'u' unit_id                   -> cti.v1.Unit (retired units stay, active = false)
//   T 'e' employee_id               -> cti.v1.Employee (leavers stay, active = false)
//   T 'x' extension                 -> employee_id, for active employees only
//   T 'm' unit_id NUL employee_id   -> "", the active employees of a unit
//   T 'c' parent_id NUL unit_id     -> "", the active child units of a unit
//   T 'r' employee_id NUL unit_id   -> "", the units an employee is phone-responsible for
// search CF (active employees and units only):
//   T folded_token NUL kind id      -> one byte match mask (1 name, 2 task), then the
//                                      folded name (the sort key); kind 'e' or 'u'
#ifndef CTI_PROJECTIONS_INTERNAL_DIRECTORY_RECORDS_H_
#define CTI_PROJECTIONS_INTERNAL_DIRECTORY_RECORDS_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cti/v1/call.pb.h"
#include "cti/v1/staff.pb.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "projections/internal/shape.h"
#include "projections/internal/txn.h"

namespace cti::projections::internal {

inline constexpr char kUnitTag = 'u';
inline constexpr char kEmployeeTag = 'e';
inline constexpr char kExtensionTag = 'x';
inline constexpr char kMemberTag = 'm';
inline constexpr char kChildTag = 'c';
inline constexpr char kResponsibleTag = 'r';

inline constexpr char kSearchEmployee = 'e';
inline constexpr char kSearchUnit = 'u';
inline constexpr uint8_t kMatchName = 1;
inline constexpr uint8_t kMatchTask = 2;

// Key of the last id in a two-part key: "T m unit NUL employee" -> "employee".
absl::string_view SecondId(absl::string_view key);

// NOT_FOUND "<field> '<id>' not found".
absl::Status NotFound(absl::string_view field, absl::string_view id);

// Reads a unit / employee record; false when never defined / hired.
absl::StatusOr<bool> LoadUnit(Txn& txn, absl::string_view tenant_prefix, absl::string_view id,
                              cti::v1::Unit* unit);
absl::StatusOr<bool> LoadEmployee(Txn& txn, absl::string_view tenant_prefix, absl::string_view id,
                                  cti::v1::Employee* employee);

// The unit `id` (field `path`): checks the id's shape, NOT_FOUND when never defined,
// FAILED_PRECONDITION when retired.
absl::Status LoadActiveUnit(Txn& txn, absl::string_view tenant_prefix, const FieldPath& path,
                            absl::string_view id, cti::v1::Unit* unit);
// The employee `id`: as above; FAILED_PRECONDITION when they have left.
absl::Status LoadActiveEmployee(Txn& txn, absl::string_view tenant_prefix, const FieldPath& path,
                                absl::string_view id, cti::v1::Employee* employee);

// As LoadActiveUnit / LoadActiveEmployee, for a caller that needs only the check: the
// stored record is not parsed beyond its active flag.
absl::Status CheckActiveUnit(Txn& txn, absl::string_view tenant_prefix, const FieldPath& path,
                             absl::string_view id);
absl::Status CheckActiveEmployee(Txn& txn, absl::string_view tenant_prefix, const FieldPath& path,
                                 absl::string_view id);

// The scope of a query (a unit, an employee, or neither): INVALID_ARGUMENT when both
// are given, NOT_FOUND naming "unit_id" / "employee_id" when never defined or hired.
absl::Status CheckQueryScope(Txn& txn, absl::string_view tenant_prefix, absl::string_view unit_id,
                             absl::string_view employee_id);

// Checks a call target's shape and that a named employee or unit exists (it may have
// left or been retired: calls report what happened). `path` names the target field.
absl::Status CheckCallTarget(Txn& txn, absl::string_view tenant_prefix, const FieldPath& path,
                             const cti::v1::CallTarget& target);

// Whether two call targets name the same employee, unit or number (two unset targets
// are the same).
bool SameCallTarget(const cti::v1::CallTarget& a, const cti::v1::CallTarget& b);

// Folded token -> match mask, for a name and its tasks.
using SearchTokens = std::map<std::string, uint8_t>;
SearchTokens SearchTokensOf(absl::string_view name,
                            const google::protobuf::RepeatedPtrField<std::string>& tasks);

std::string SearchKey(absl::string_view tenant_prefix, absl::string_view token, char kind,
                      absl::string_view id);

// Replaces the index entries of (kind, id): `before` the tokens indexed now (empty if
// none), `after` the tokens to index (empty to drop the item), `name` its display name.
absl::Status UpdateSearchIndex(Txn& txn, absl::string_view tenant_prefix, char kind,
                               absl::string_view id, const SearchTokens& before,
                               const SearchTokens& after, absl::string_view name);

}  // namespace cti::projections::internal

#endif  // CTI_PROJECTIONS_INTERNAL_DIRECTORY_RECORDS_H_
