// Calendar rules: entries (TP-3.7, TP-4.2) and forwarding (TP-4.4, TP-4.5).
//
// calendar CF, under TenantPrefix(tenant) = T:
//   T 'e' employee_id NUL entry_id       -> cti.v1.CalendarEntryUpserted
//   T 'f' employee_id NUL forwarding_id  -> cti.v1.ForwardingSet
//   T 'a' employee_id NUL end entry_id    -> the entry again, by end (routing_records.h)
#include "absl/strings/str_cat.h"
#include "cti/v1/calendar.pb.h"
#include "projections/internal/directory_records.h"
#include "projections/internal/keys.h"
#include "projections/internal/routing_records.h"
#include "projections/internal/rules.h"
#include "projections/internal/status_macros.h"

namespace cti::projections::internal {
namespace {

constexpr char kEntryTag = 'e';
constexpr char kForwardingTag = 'f';

absl::Status EntryUpserted(ApplyContext& ctx, const FieldPath& path,
                           const cti::v1::CalendarEntryUpserted& change) {
  CTI_RETURN_IF_ERROR(CheckId(path / "employee_id", change.employee_id()));
  CTI_RETURN_IF_ERROR(CheckOpaqueId(path / "entry_id", change.entry_id()));
  if (!cti::v1::AbsenceKind_IsValid(change.kind()) ||
      change.kind() == cti::v1::ABSENCE_KIND_UNSPECIFIED) {
    return InvalidField(path / "kind", "must be given");
  }
  if (!cti::v1::ShowAs_IsValid(change.show_as())) {
    return InvalidField(path / "show_as", "is not a known value");
  }
  CTI_RETURN_IF_ERROR(
      CheckTimestamp(path / "start", change.has_start(), change.start(), /*required=*/true));
  CTI_RETURN_IF_ERROR(CheckTimestamp(path / "end", change.has_end(), change.end(), true));
  if (!Before(change.start(), change.end()))
    return InvalidField(path / "end", "must be after start");
  CTI_RETURN_IF_ERROR(CheckOptionalText(path / "subject", change.subject(), kMaxSubjectChars));
  CTI_RETURN_IF_ERROR(CheckNoCpr(path / "subject", change.subject()));

  CTI_RETURN_IF_ERROR(
      CheckActiveEmployee(ctx.txn, ctx.tenant_prefix, path / "employee_id", change.employee_id()));
  const std::string key =
      TaggedKey(ctx.tenant_prefix, kEntryTag, change.employee_id(), change.entry_id());
  cti::v1::CalendarEntryUpserted earlier;
  CTI_ASSIGN_OR_RETURN(bool replaced, ctx.txn.GetProto(Cf::kCalendar, key, &earlier));
  if (replaced) {
    CTI_RETURN_IF_ERROR(ctx.txn.Delete(Cf::kCalendar, AbsenceKey(ctx.tenant_prefix, earlier)));
  }
  CTI_RETURN_IF_ERROR(
      ctx.txn.PutProto(Cf::kCalendar, AbsenceKey(ctx.tenant_prefix, change), change));
  return ctx.txn.PutProto(Cf::kCalendar, key, change);
}

absl::Status EntryRemoved(ApplyContext& ctx, const FieldPath& path,
                          const cti::v1::CalendarEntryRemoved& change) {
  CTI_RETURN_IF_ERROR(CheckId(path / "employee_id", change.employee_id()));
  CTI_RETURN_IF_ERROR(CheckOpaqueId(path / "entry_id", change.entry_id()));
  const std::string key =
      TaggedKey(ctx.tenant_prefix, kEntryTag, change.employee_id(), change.entry_id());
  cti::v1::CalendarEntryUpserted entry;
  CTI_ASSIGN_OR_RETURN(bool found, ctx.txn.GetProto(Cf::kCalendar, key, &entry));
  if (!found) {
    return absl::NotFoundError(absl::StrCat("entry_id '", change.entry_id(),
                                            "' not found for employee_id '", change.employee_id(),
                                            "'"));
  }
  CTI_RETURN_IF_ERROR(ctx.txn.Delete(Cf::kCalendar, AbsenceKey(ctx.tenant_prefix, entry)));
  return ctx.txn.Delete(Cf::kCalendar, key);
}

absl::Status CheckDestinationShape(const FieldPath& path, const cti::v1::ForwardingSet& change) {
  const cti::v1::ForwardingDestination& d = change.destination();
  switch (d.destination_case()) {
    case cti::v1::ForwardingDestination::kEmployeeId:
      CTI_RETURN_IF_ERROR(CheckId(path / "employee_id", d.employee_id()));
      if (d.employee_id() == change.employee_id()) {
        return InvalidField(path / "employee_id",
                            "must not be the employee themselves (TP-4.4: forward to a colleague)");
      }
      return absl::OkStatus();
    case cti::v1::ForwardingDestination::kUnitId:
      return CheckId(path / "unit_id", d.unit_id());
    case cti::v1::ForwardingDestination::kNumber:
      return CheckPhoneNumber(path / "number", d.number(), /*required=*/true);
    case cti::v1::ForwardingDestination::DESTINATION_NOT_SET:
      break;
  }
  return InvalidField(path, "exactly one of employee_id, unit_id, number is required");
}

absl::Status ForwardingSet(ApplyContext& ctx, const FieldPath& path,
                           const cti::v1::ForwardingSet& change) {
  CTI_RETURN_IF_ERROR(CheckId(path / "employee_id", change.employee_id()));
  CTI_RETURN_IF_ERROR(CheckOpaqueId(path / "forwarding_id", change.forwarding_id()));
  if (!cti::v1::ForwardingCondition_IsValid(change.condition()) ||
      change.condition() == cti::v1::FORWARDING_CONDITION_UNSPECIFIED) {
    return InvalidField(path / "condition", "must be given");
  }
  const FieldPath destination = path / "destination";
  CTI_RETURN_IF_ERROR(CheckDestinationShape(destination, change));
  CTI_RETURN_IF_ERROR(CheckTimestamp(path / "valid_from", change.has_valid_from(),
                                     change.valid_from(), /*required=*/false));
  CTI_RETURN_IF_ERROR(CheckTimestamp(path / "valid_until", change.has_valid_until(),
                                     change.valid_until(), /*required=*/false));
  if (change.has_valid_from() && change.has_valid_until() &&
      !Before(change.valid_from(), change.valid_until())) {
    return InvalidField(path / "valid_until", "must be after valid_from");
  }
  CTI_RETURN_IF_ERROR(CheckOptionalText(path / "reason", change.reason(), kMaxReasonChars));
  CTI_RETURN_IF_ERROR(CheckNoCpr(path / "reason", change.reason()));

  Txn& txn = ctx.txn;
  const std::string& t = ctx.tenant_prefix;
  CTI_RETURN_IF_ERROR(CheckActiveEmployee(txn, t, path / "employee_id", change.employee_id()));
  const cti::v1::ForwardingDestination& d = change.destination();
  if (d.has_employee_id()) {
    CTI_RETURN_IF_ERROR(CheckActiveEmployee(txn, t, destination / "employee_id", d.employee_id()));
  } else if (d.has_unit_id()) {
    CTI_RETURN_IF_ERROR(CheckActiveUnit(txn, t, destination / "unit_id", d.unit_id()));
  }
  return txn.PutProto(Cf::kCalendar,
                      TaggedKey(t, kForwardingTag, change.employee_id(), change.forwarding_id()),
                      change);
}

absl::Status ForwardingCleared(ApplyContext& ctx, const FieldPath& path,
                               const cti::v1::ForwardingCleared& change) {
  CTI_RETURN_IF_ERROR(CheckId(path / "employee_id", change.employee_id()));
  CTI_RETURN_IF_ERROR(CheckOpaqueId(path / "forwarding_id", change.forwarding_id()));
  const std::string key =
      TaggedKey(ctx.tenant_prefix, kForwardingTag, change.employee_id(), change.forwarding_id());
  std::string value;
  CTI_ASSIGN_OR_RETURN(bool found, ctx.txn.Get(Cf::kCalendar, key, &value));
  if (!found) {
    return absl::NotFoundError(absl::StrCat("forwarding_id '", change.forwarding_id(),
                                            "' not found for employee_id '", change.employee_id(),
                                            "'"));
  }
  return ctx.txn.Delete(Cf::kCalendar, key);
}

}  // namespace

absl::Status ApplyCalendar(ApplyContext& ctx, const FieldPath& path,
                           const cti::v1::CalendarEvent& calendar) {
  using C = cti::v1::CalendarEvent;
  switch (calendar.change_case()) {
    case C::kEntryUpserted:
      return EntryUpserted(ctx, path / "entry_upserted", calendar.entry_upserted());
    case C::kEntryRemoved:
      return EntryRemoved(ctx, path / "entry_removed", calendar.entry_removed());
    case C::kForwardingSet:
      return ForwardingSet(ctx, path / "forwarding_set", calendar.forwarding_set());
    case C::kForwardingCleared:
      return ForwardingCleared(ctx, path / "forwarding_cleared", calendar.forwarding_cleared());
    case C::CHANGE_NOT_SET:
      break;
  }
  return InvalidField(path / "change", "exactly one change is required");
}

}  // namespace cti::projections::internal
