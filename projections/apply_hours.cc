// Hours rules (TP-3.4, TP-3.8 to TP-3.13, TP-4.7): weekly hours, dated changes and the
// municipality's closure days. Records: routing_records.h.
#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "cti/v1/hours.pb.h"
#include "projections/hours/holidays.h"
#include "projections/hours/validate.h"
#include "projections/internal/directory_records.h"
#include "projections/internal/keys.h"
#include "projections/internal/routing_convert.h"
#include "projections/internal/routing_records.h"
#include "projections/internal/rules.h"
#include "projections/internal/status_macros.h"

namespace cti::projections::internal {
namespace {

constexpr size_t kMaxClosureDays = 400;
constexpr int kMaxChangesPerUnit = 500;

absl::Status CheckKind(const FieldPath& path, cti::v1::HoursKind kind) {
  if (!cti::v1::HoursKind_IsValid(kind) || kind == cti::v1::HOURS_KIND_UNSPECIFIED) {
    return InvalidField(path, "must be HOURS_KIND_PHONE or HOURS_KIND_COUNTER");
  }
  return absl::OkStatus();
}

// The unit of an hours record: "" (the municipality) or an active unit.
absl::Status CheckHoursOwner(ApplyContext& ctx, const FieldPath& path, absl::string_view unit_id) {
  if (unit_id.empty()) return absl::OkStatus();
  return CheckActiveUnit(ctx.txn, ctx.tenant_prefix, path, unit_id);
}

absl::Status PutHours(ApplyContext& ctx, absl::string_view unit_id,
                      const state::UnitHoursRecord& record) {
  const std::string key = TaggedKey(ctx.tenant_prefix, kHoursTag, unit_id);
  if (!record.has_phone() && !record.has_counter() && record.changes().empty()) {
    return ctx.txn.Delete(Cf::kRouting, key);
  }
  return ctx.txn.PutProto(Cf::kRouting, key, record);
}

// A director's approval recorded by a director (TP-3.13, TP-4.7). Missing: FAILED_
// PRECONDITION citing `rule`, as the hours library says it.
absl::Status CheckApproval(ApplyContext& ctx, const FieldPath& path, bool present,
                           const cti::v1::DirectorApproval& approval, absl::string_view what,
                           absl::string_view rule) {
  if (!present) {
    return absl::FailedPreconditionError(
        absl::StrCat(path.ToString(), ": ", what, " needs a director's approval (", rule, ")"));
  }
  CTI_RETURN_IF_ERROR(CheckTimestamp(path / "approved_at", approval.has_approved_at(),
                                     approval.approved_at(), /*required=*/true));
  CTI_RETURN_IF_ERROR(CheckActiveEmployee(ctx.txn, ctx.tenant_prefix, path / "director_employee_id",
                                          approval.director_employee_id()));
  if (ctx.event.actor().role() != cti::v1::ROLE_DIRECTOR) {
    return absl::FailedPreconditionError(
        absl::StrCat(path.ToString(), ": ", what, " must be recorded by a director (actor role is ",
                     cti::v1::Role_Name(ctx.event.actor().role()), "; ", rule, ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckChange(ApplyContext& ctx, const FieldPath& path,
                         const cti::v1::HoursChangeSet& change) {
  using C = cti::v1::HoursChangeSet;
  if (!cti::v1::HoursScope_IsValid(change.scope())) {
    return InvalidField(path / "scope", "is not a known value");
  }
  CTI_RETURN_IF_ERROR(CheckOptionalText(path / "reason", change.reason(), kMaxReasonChars));
  CTI_RETURN_IF_ERROR(CheckNoCpr(path / "reason", change.reason()));
  cti::hours::UnitHours converted;
  converted.unit_id = change.unit_id();
  switch (change.change_case()) {
    case C::kExtension: {
      const FieldPath p = path / "extension";
      const cti::v1::HoursExtension& e = change.extension();
      CTI_ASSIGN_OR_RETURN(absl::CivilDay first,
                           CheckDate(p / "first_day", e.first_day(), e.has_first_day()));
      CTI_ASSIGN_OR_RETURN(absl::CivilDay last,
                           CheckDate(p / "last_day", e.last_day(), e.has_last_day()));
      if (last < first) return InvalidField(p / "last_day", "must not be before first_day");
      if (e.extra().empty()) {
        return InvalidField(p / "extra", "needs at least one opening (TP-3.12)");
      }
      CTI_RETURN_IF_ERROR(CheckIntervals(p / "extra", e.extra()));
      return absl::OkStatus();
    }
    case C::kClosure: {
      const FieldPath p = path / "closure";
      const cti::v1::HoursClosure& c = change.closure();
      CTI_ASSIGN_OR_RETURN(absl::CivilDay first,
                           CheckDate(p / "first_day", c.first_day(), c.has_first_day()));
      CTI_ASSIGN_OR_RETURN(absl::CivilDay last,
                           CheckDate(p / "last_day", c.last_day(), c.has_last_day()));
      if (last < first) return InvalidField(p / "last_day", "must not be before first_day");
      return absl::OkStatus();
    }
    case C::kReduction: {
      const FieldPath p = path / "reduction";
      const cti::v1::HoursReduction& r = change.reduction();
      CTI_ASSIGN_OR_RETURN(absl::CivilDay first,
                           CheckDate(p / "first_day", r.first_day(), r.has_first_day()));
      CTI_ASSIGN_OR_RETURN(absl::CivilDay last,
                           CheckDate(p / "last_day", r.last_day(), r.has_last_day()));
      if (last < first) return InvalidField(p / "last_day", "must not be before first_day");
      CTI_RETURN_IF_ERROR(CheckIntervals(p / "hours", r.hours()));
      if (!cti::v1::ReductionCoverage_IsValid(r.coverage()) ||
          r.coverage() == cti::v1::REDUCTION_COVERAGE_UNSPECIFIED) {
        return InvalidField(p / "coverage",
                            "must say who answers meanwhile: a phone desk or reception "
                            "messages (TP-3.13)");
      }
      if (r.coverage() != cti::v1::REDUCTION_COVERAGE_PHONE_DESK &&
          !r.phone_desk_employee_ids().empty()) {
        return InvalidField(p / "phone_desk_employee_ids",
                            "must be empty unless coverage is a phone desk");
      }
      for (int i = 0; i < r.phone_desk_employee_ids().size(); ++i) {
        CTI_RETURN_IF_ERROR(CheckActiveEmployee(ctx.txn, ctx.tenant_prefix,
                                                (p / "phone_desk_employee_ids").At(i),
                                                r.phone_desk_employee_ids(i)));
      }
      AddChange(change, &converted);
      // The 6-month limit and the phone desk's size (TP-3.13), in the library's words.
      cti::hours::TemporaryReduction shape = converted.reductions.front();
      if (!shape.approval.has_value()) shape.approval = cti::hours::DirectorApproval{"-", {}};
      if (absl::Status s = cti::hours::ValidateReduction(shape, ""); !s.ok()) {
        return InvalidField(p, s.message());
      }
      return CheckApproval(ctx, p / "approval", r.has_approval(), r.approval(),
                           "a temporary reduction", "TP-3.13");
    }
    case C::kUnmanned: {
      const FieldPath p = path / "unmanned";
      const cti::v1::UnmannedPeriod& u = change.unmanned();
      CTI_RETURN_IF_ERROR(CheckTimestamp(p / "start", u.has_start(), u.start(), true));
      CTI_RETURN_IF_ERROR(CheckTimestamp(p / "end", u.has_end(), u.end(), true));
      if (!Before(u.start(), u.end())) return InvalidField(p / "end", "must be after start");
      return CheckApproval(ctx, p / "approval", u.has_approval(), u.approval(),
                           "an unmanned period", "TP-4.7");
    }
    case C::CHANGE_NOT_SET:
      break;
  }
  return InvalidField(path / "change",
                      "exactly one of extension, closure, reduction, unmanned is required");
}

}  // namespace

absl::Status ApplyHoursSet(ApplyContext& ctx, const FieldPath& path,
                           const cti::v1::HoursSet& change) {
  CTI_RETURN_IF_ERROR(CheckKind(path / "kind", change.kind()));
  CTI_RETURN_IF_ERROR(CheckIntervals(path / "hours" / "intervals", change.hours().intervals()));
  CTI_RETURN_IF_ERROR(CheckHoursOwner(ctx, path / "unit_id", change.unit_id()));
  state::UnitHoursRecord record;
  CTI_RETURN_IF_ERROR(
      LoadUnitHours(ctx.txn, ctx.tenant_prefix, change.unit_id(), &record).status());
  if (change.kind() == cti::v1::HOURS_KIND_PHONE) {
    *record.mutable_phone() = change.hours();
  } else {
    *record.mutable_counter() = change.hours();
  }
  return PutHours(ctx, change.unit_id(), record);
}

absl::Status ApplyHoursCleared(ApplyContext& ctx, const FieldPath& path,
                               const cti::v1::HoursCleared& change) {
  CTI_RETURN_IF_ERROR(CheckKind(path / "kind", change.kind()));
  if (!change.unit_id().empty()) CTI_RETURN_IF_ERROR(CheckId(path / "unit_id", change.unit_id()));
  state::UnitHoursRecord record;
  CTI_RETURN_IF_ERROR(
      LoadUnitHours(ctx.txn, ctx.tenant_prefix, change.unit_id(), &record).status());
  const bool phone = change.kind() == cti::v1::HOURS_KIND_PHONE;
  if (phone ? !record.has_phone() : !record.has_counter()) {
    return absl::FailedPreconditionError(
        absl::StrCat(change.unit_id().empty() ? std::string("the municipality")
                                              : absl::StrCat("unit_id '", change.unit_id(), "'"),
                     " has no ", phone ? "phone" : "counter", " hours of its own to clear"));
  }
  if (phone) {
    record.clear_phone();
  } else {
    record.clear_counter();
  }
  return PutHours(ctx, change.unit_id(), record);
}

absl::Status ApplyHoursChangeSet(ApplyContext& ctx, const FieldPath& path,
                                 const cti::v1::HoursChangeSet& change) {
  CTI_RETURN_IF_ERROR(CheckId(path / "change_id", change.change_id()));
  CTI_RETURN_IF_ERROR(CheckId(path / "unit_id", change.unit_id()));
  CTI_RETURN_IF_ERROR(CheckChange(ctx, path, change));
  CTI_RETURN_IF_ERROR(
      CheckActiveUnit(ctx.txn, ctx.tenant_prefix, path / "unit_id", change.unit_id()));
  state::UnitHoursRecord record;
  CTI_RETURN_IF_ERROR(
      LoadUnitHours(ctx.txn, ctx.tenant_prefix, change.unit_id(), &record).status());
  auto* changes = record.mutable_changes();
  auto it = std::lower_bound(
      changes->begin(), changes->end(), change.change_id(),
      [](const cti::v1::HoursChangeSet& c, const std::string& id) { return c.change_id() < id; });
  if (it != changes->end() && it->change_id() == change.change_id()) {
    *it = change;
  } else {
    if (changes->size() >= kMaxChangesPerUnit) {
      return absl::FailedPreconditionError(
          absl::StrCat("unit_id '", change.unit_id(), "' has ", kMaxChangesPerUnit,
                       " dated hours changes already: remove past ones first"));
    }
    const int index = static_cast<int>(it - changes->begin());
    *changes->Add() = change;
    for (int i = changes->size() - 1; i > index; --i) changes->SwapElements(i, i - 1);
  }
  return PutHours(ctx, change.unit_id(), record);
}

absl::Status ApplyHoursChangeRemoved(ApplyContext& ctx, const FieldPath& path,
                                     const cti::v1::HoursChangeRemoved& change) {
  CTI_RETURN_IF_ERROR(CheckId(path / "unit_id", change.unit_id()));
  CTI_RETURN_IF_ERROR(CheckId(path / "change_id", change.change_id()));
  state::UnitHoursRecord record;
  CTI_RETURN_IF_ERROR(
      LoadUnitHours(ctx.txn, ctx.tenant_prefix, change.unit_id(), &record).status());
  auto* changes = record.mutable_changes();
  for (int i = 0; i < changes->size(); ++i) {
    if (changes->Get(i).change_id() != change.change_id()) continue;
    changes->DeleteSubrange(i, 1);
    return PutHours(ctx, change.unit_id(), record);
  }
  return absl::NotFoundError(absl::StrCat("change_id '", change.change_id(),
                                          "' not found for unit_id '", change.unit_id(), "'"));
}

absl::Status ApplyClosureDaysSet(ApplyContext& ctx, const FieldPath& path,
                                 const cti::v1::ClosureDaysSet& change) {
  if (static_cast<size_t>(change.yearly_size() + change.dated_size()) > kMaxClosureDays) {
    return InvalidField(path, absl::StrCat("at most ", kMaxClosureDays, " closure days"));
  }
  for (int i = 0; i < change.yearly_size(); ++i) {
    const cti::v1::YearlyClosureDay& d = change.yearly(i);
    const FieldPath p = (path / "yearly").At(i);
    CTI_RETURN_IF_ERROR(CheckRequiredText(p / "name", d.name(), kMaxNameChars));
    cti::v1::LocalDate leap;  // any leap year holds every month/day there is
    leap.set_year(2024);
    leap.set_month(d.month());
    leap.set_day(d.day());
    CTI_RETURN_IF_ERROR(CheckDate(p, leap, true).status());
  }
  for (int i = 0; i < change.dated_size(); ++i) {
    const cti::v1::DatedClosureDay& d = change.dated(i);
    const FieldPath p = (path / "dated").At(i);
    CTI_RETURN_IF_ERROR(CheckRequiredText(p / "name", d.name(), kMaxNameChars));
    CTI_RETURN_IF_ERROR(CheckDate(p / "date", d.date(), d.has_date()).status());
  }
  return ctx.txn.PutProto(Cf::kRouting, TaggedKey(ctx.tenant_prefix, kClosureDaysTag, ""), change);
}

}  // namespace cti::projections::internal
