// Staff rules for units: defined, retired, phone-responsible persons (TP-5.1, TP-5.2).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "projections/internal/directory_records.h"
#include "projections/internal/keys.h"
#include "projections/internal/rules.h"
#include "projections/internal/status_macros.h"

namespace cti::projections::internal {
namespace {

// Administrations, staff units and reception sit at the top; every other kind inside a
// parent unit.
bool IsTopLevel(cti::v1::UnitKind kind) {
  return kind == cti::v1::UNIT_KIND_ADMINISTRATION || kind == cti::v1::UNIT_KIND_STAFF_UNIT ||
         kind == cti::v1::UNIT_KIND_RECEPTION;
}

absl::Status CheckUnitShape(const FieldPath& path, const cti::v1::Unit& unit) {
  CTI_RETURN_IF_ERROR(CheckId(path / "unit_id", unit.unit_id()));
  if (!cti::v1::UnitKind_IsValid(unit.kind()) || unit.kind() == cti::v1::UNIT_KIND_UNSPECIFIED) {
    return InvalidField(path / "kind", "must be given");
  }
  CTI_RETURN_IF_ERROR(CheckRequiredText(path / "name", unit.name(), kMaxNameChars));
  const FieldPath parent = path / "parent_unit_id";
  if (IsTopLevel(unit.kind())) {
    if (!unit.parent_unit_id().empty()) {
      return InvalidField(parent, "must be empty for an administration, staff unit or reception");
    }
  } else {
    if (unit.parent_unit_id().empty()) {
      return InvalidField(parent,
                          "is required for a department, professional group or decentral "
                          "institution");
    }
    CTI_RETURN_IF_ERROR(CheckId(parent, unit.parent_unit_id()));
    if (unit.parent_unit_id() == unit.unit_id()) {
      return InvalidField(parent, "must not be the unit itself");
    }
  }
  CTI_RETURN_IF_ERROR(CheckPhoneNumber(path / "phone_number", unit.phone_number(), false));
  CTI_RETURN_IF_ERROR(CheckEmail(path / "email", unit.email()));
  CTI_RETURN_IF_ERROR(CheckTasks(path / "tasks", unit.tasks()));
  return CheckOptionalText(path / "description", unit.description(), kMaxDescriptionChars);
}

// FAILED_PRECONDITION when `unit_id` is `parent`'s ancestor (the new parent would close a
// cycle).
absl::Status CheckNoCycle(ApplyContext& ctx, absl::string_view unit_id, cti::v1::Unit parent) {
  // Every stored unit had an acyclic chain when written, so the walk ends; the bound is
  // a guard against damaged data only.
  for (int depth = 0; depth < 10000 && !parent.parent_unit_id().empty(); ++depth) {
    if (parent.parent_unit_id() == unit_id) {
      return absl::FailedPreconditionError(
          absl::StrCat("unit_id '", unit_id, "' would become its own ancestor (through '",
                       parent.unit_id(), "')"));
    }
    const std::string next = parent.parent_unit_id();
    CTI_ASSIGN_OR_RETURN(bool found, LoadUnit(ctx.txn, ctx.tenant_prefix, next, &parent));
    if (!found) break;
  }
  return absl::OkStatus();
}

// Number of keys under `prefix` in the directory family.
absl::StatusOr<int> CountKeys(Txn& txn, absl::string_view prefix) {
  int n = 0;
  CTI_RETURN_IF_ERROR(txn.Scan(Cf::kDirectory, prefix, [&](absl::string_view, absl::string_view) {
    ++n;
    return true;
  }));
  return n;
}

}  // namespace

absl::Status ApplyUnitDefined(ApplyContext& ctx, const FieldPath& path,
                              const cti::v1::UnitDefined& change) {
  const FieldPath unit_path = path / "unit";
  if (!change.has_unit()) return InvalidField(unit_path, "is required");
  const cti::v1::Unit& in = change.unit();
  CTI_RETURN_IF_ERROR(CheckUnitShape(unit_path, in));

  cti::v1::Unit old;
  CTI_ASSIGN_OR_RETURN(bool existed, LoadUnit(ctx.txn, ctx.tenant_prefix, in.unit_id(), &old));
  if (!in.parent_unit_id().empty()) {
    cti::v1::Unit parent;
    CTI_RETURN_IF_ERROR(LoadActiveUnit(ctx.txn, ctx.tenant_prefix, unit_path / "parent_unit_id",
                                       in.parent_unit_id(), &parent));
    if (existed) CTI_RETURN_IF_ERROR(CheckNoCycle(ctx, in.unit_id(), std::move(parent)));
  }

  cti::v1::Unit stored = in;
  stored.set_active(true);
  stored.clear_phone_responsible_employee_ids();
  if (existed) {
    *stored.mutable_phone_responsible_employee_ids() = old.phone_responsible_employee_ids();
  }
  Txn& txn = ctx.txn;
  const std::string& t = ctx.tenant_prefix;
  CTI_RETURN_IF_ERROR(txn.PutProto(Cf::kDirectory, TaggedKey(t, kUnitTag, in.unit_id()), stored));
  const bool was_active = existed && old.active();
  if (was_active && !old.parent_unit_id().empty() && old.parent_unit_id() != in.parent_unit_id()) {
    CTI_RETURN_IF_ERROR(
        txn.Delete(Cf::kDirectory, TaggedKey(t, kChildTag, old.parent_unit_id(), in.unit_id())));
  }
  if (!in.parent_unit_id().empty()) {
    CTI_RETURN_IF_ERROR(
        txn.Put(Cf::kDirectory, TaggedKey(t, kChildTag, in.parent_unit_id(), in.unit_id()), ""));
  }
  const SearchTokens before = was_active ? SearchTokensOf(old.name(), old.tasks()) : SearchTokens();
  return UpdateSearchIndex(txn, t, kSearchUnit, in.unit_id(), before,
                           SearchTokensOf(in.name(), in.tasks()), in.name());
}

absl::Status ApplyUnitRetired(ApplyContext& ctx, const FieldPath& path,
                              const cti::v1::UnitRetired& change) {
  Txn& txn = ctx.txn;
  const std::string& t = ctx.tenant_prefix;
  const std::string& id = change.unit_id();
  cti::v1::Unit unit;
  CTI_RETURN_IF_ERROR(LoadActiveUnit(txn, t, path / "unit_id", id, &unit));
  CTI_ASSIGN_OR_RETURN(int employees, CountKeys(txn, TaggedKey(t, kMemberTag, id, "")));
  if (employees > 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("unit_id '", id, "' still has ", employees, " active employee",
                     employees == 1 ? "" : "s", "; move them or record that they left first"));
  }
  CTI_ASSIGN_OR_RETURN(int children, CountKeys(txn, TaggedKey(t, kChildTag, id, "")));
  if (children > 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("unit_id '", id, "' still has ", children, " active child unit",
                     children == 1 ? "" : "s", "; retire or move them first"));
  }
  unit.set_active(false);
  CTI_RETURN_IF_ERROR(txn.PutProto(Cf::kDirectory, TaggedKey(t, kUnitTag, id), unit));
  if (!unit.parent_unit_id().empty()) {
    CTI_RETURN_IF_ERROR(
        txn.Delete(Cf::kDirectory, TaggedKey(t, kChildTag, unit.parent_unit_id(), id)));
  }
  return UpdateSearchIndex(txn, t, kSearchUnit, id, SearchTokensOf(unit.name(), unit.tasks()),
                           SearchTokens(), unit.name());
}

absl::Status ApplyPhoneResponsibleAssigned(ApplyContext& ctx, const FieldPath& path,
                                           const cti::v1::PhoneResponsibleAssigned& change) {
  Txn& txn = ctx.txn;
  const std::string& t = ctx.tenant_prefix;
  CTI_RETURN_IF_ERROR(CheckId(path / "unit_id", change.unit_id()));
  CTI_RETURN_IF_ERROR(CheckId(path / "employee_id", change.employee_id()));
  cti::v1::Unit unit;
  CTI_RETURN_IF_ERROR(LoadActiveUnit(txn, t, path / "unit_id", change.unit_id(), &unit));
  cti::v1::Employee employee;
  CTI_RETURN_IF_ERROR(
      LoadActiveEmployee(txn, t, path / "employee_id", change.employee_id(), &employee));
  const auto& ids = unit.phone_responsible_employee_ids();
  if (std::find(ids.begin(), ids.end(), change.employee_id()) != ids.end()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "employee_id '", change.employee_id(), "' is already phone-responsible for unit_id '",
        change.unit_id(), "' (TP-5.2)"));
  }
  unit.add_phone_responsible_employee_ids(change.employee_id());
  CTI_RETURN_IF_ERROR(txn.PutProto(Cf::kDirectory, TaggedKey(t, kUnitTag, change.unit_id()), unit));
  return txn.Put(Cf::kDirectory,
                 TaggedKey(t, kResponsibleTag, change.employee_id(), change.unit_id()), "");
}

absl::Status ApplyPhoneResponsibleRemoved(ApplyContext& ctx, const FieldPath& path,
                                          const cti::v1::PhoneResponsibleRemoved& change) {
  Txn& txn = ctx.txn;
  const std::string& t = ctx.tenant_prefix;
  CTI_RETURN_IF_ERROR(CheckId(path / "unit_id", change.unit_id()));
  CTI_RETURN_IF_ERROR(CheckId(path / "employee_id", change.employee_id()));
  cti::v1::Unit unit;
  CTI_ASSIGN_OR_RETURN(bool found, LoadUnit(txn, t, change.unit_id(), &unit));
  if (!found) return NotFound("unit_id", change.unit_id());
  auto* ids = unit.mutable_phone_responsible_employee_ids();
  auto it = std::find(ids->begin(), ids->end(), change.employee_id());
  if (it == ids->end()) {
    return absl::FailedPreconditionError(absl::StrCat("employee_id '", change.employee_id(),
                                                      "' is not phone-responsible for unit_id '",
                                                      change.unit_id(), "'"));
  }
  ids->erase(it);
  CTI_RETURN_IF_ERROR(txn.PutProto(Cf::kDirectory, TaggedKey(t, kUnitTag, change.unit_id()), unit));
  return txn.Delete(Cf::kDirectory,
                    TaggedKey(t, kResponsibleTag, change.employee_id(), change.unit_id()));
}

}  // namespace cti::projections::internal
