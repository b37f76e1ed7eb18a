// Callback rules (TP-4.3: always call back when a colleague promised it or the citizen
// asks for it; TP-3.14: the same day where possible). Keys: internal/reception_records.h.
//
// A callback is requested (its due time fixed then, from the phone hours of the
// assignee's unit in force at occurred_at: hours changed later do not move a promise),
// may be reassigned while open (the due time stays), and is completed once.
#include "absl/strings/str_cat.h"
#include "projections/hours/callback_due.h"
#include "projections/hours/time_zone.h"
#include "projections/internal/directory_records.h"
#include "projections/internal/reception_records.h"
#include "projections/internal/rules.h"
#include "projections/internal/state.pb.h"
#include "projections/internal/status_macros.h"
#include "projections/internal/unit_hours.h"

namespace cti::projections::internal {
namespace {

// Who may be asked to call back: an active employee, an active unit or a number.
absl::Status CheckAssignee(ApplyContext& ctx, const FieldPath& path,
                           const cti::v1::CallTarget& assignee) {
  switch (assignee.target_case()) {
    case cti::v1::CallTarget::kEmployeeId:
      return CheckActiveEmployee(ctx.txn, ctx.tenant_prefix, path / "employee_id",
                                 assignee.employee_id());
    case cti::v1::CallTarget::kUnitId:
      return CheckActiveUnit(ctx.txn, ctx.tenant_prefix, path / "unit_id", assignee.unit_id());
    default:
      return CheckCallTarget(ctx.txn, ctx.tenant_prefix, path, assignee);
  }
}

// The callback `id` (NOT_FOUND when never requested), FAILED_PRECONDITION when it was
// completed already.
absl::Status LoadOpen(ApplyContext& ctx, absl::string_view id, state::Callback* callback) {
  CTI_ASSIGN_OR_RETURN(bool found,
                       ctx.txn.GetProto(Cf::kCalls, CallbackKey(ctx.tenant_prefix, id), callback));
  if (!found) return NotFound("callback_id", id);
  if (callback->completed()) {
    return absl::FailedPreconditionError(absl::StrCat("callback_id '", id,
                                                      "' was already completed (at position ",
                                                      callback->completed_position(), ")"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyCallbackRequested(ApplyContext& ctx, const FieldPath& path,
                                    const cti::v1::CallEvent& call) {
  const cti::v1::CallbackRequested& change = call.callback_requested();
  CTI_RETURN_IF_ERROR(CheckId(path / "callback_id", change.callback_id()));
  CTI_RETURN_IF_ERROR(CheckPhoneNumber(path / "callback_number", change.callback_number(),
                                       /*required=*/!ctx.personal_erased));
  if (!cti::v1::CallbackSource_IsValid(change.source())) {
    return InvalidField(path / "source",
                        absl::StrCat("unknown callback source ", change.source(), " (TP-4.3)"));
  }
  CTI_RETURN_IF_ERROR(CheckAssignee(ctx, path / "assignee", change.assignee()));
  const std::string key = CallbackKey(ctx.tenant_prefix, change.callback_id());
  std::string existing;
  CTI_ASSIGN_OR_RETURN(bool exists, ctx.txn.Get(Cf::kCalls, key, &existing));
  if (exists) {
    return absl::FailedPreconditionError(
        absl::StrCat("callback_id '", change.callback_id(), "' already exists"));
  }

  // Due: the end of the phone day of the assignee's unit (TP-3.14).
  CTI_ASSIGN_OR_RETURN(std::string unit_id,
                       UnitOfTarget(ctx.txn, ctx.tenant_prefix, change.assignee()));
  CTI_ASSIGN_OR_RETURN(ResolvedUnitHours hours,
                       ResolvePhoneHours(ctx.txn, ctx.tenant_prefix, unit_id));
  CTI_ASSIGN_OR_RETURN(cti::hours::HolidayCalendar holidays,
                       LoadHolidayCalendar(ctx.txn, ctx.tenant_prefix));
  absl::StatusOr<absl::TimeZone> zone = cti::hours::CopenhagenTimeZone();
  // Not a rule violation: the record is fine, the machine lacks tzdata.
  if (!zone.ok()) return absl::InternalError(zone.status().message());
  CTI_ASSIGN_OR_RETURN(
      cti::hours::CallbackDue due,
      cti::hours::CallbackDueAt(hours.hours, AbslTimeOf(ctx.event.occurred_at()), *zone, holidays));

  state::Callback callback;
  *callback.mutable_requested() = change;
  callback.set_call_id(call.call_id());
  *callback.mutable_requested_at() = ctx.event.occurred_at();
  callback.set_position(ctx.position);
  *callback.mutable_due_at() = ProtoTimeOf(due.due);
  callback.set_due_next_phone_day(due.next_phone_day);
  *callback.mutable_assignee() = change.assignee();
  callback.set_unit_id(unit_id);
  CTI_RETURN_IF_ERROR(ctx.txn.Put(
      Cf::kCalls,
      OpenCallbackKey(ctx.tenant_prefix, MicrosOf(callback.due_at()), change.callback_id()), ""));
  CTI_RETURN_IF_ERROR(
      ctx.txn.Put(Cf::kCalls,
                  RequestedCallbackKey(ctx.tenant_prefix, MicrosOf(callback.requested_at()),
                                       change.callback_id()),
                  ""));
  return ctx.txn.PutProto(Cf::kCalls, key, callback);
}

absl::Status ApplyCallbackAssigned(ApplyContext& ctx, const FieldPath& path,
                                   const cti::v1::CallbackAssigned& change) {
  CTI_RETURN_IF_ERROR(CheckId(path / "callback_id", change.callback_id()));
  CTI_RETURN_IF_ERROR(CheckAssignee(ctx, path / "assignee", change.assignee()));
  state::Callback callback;
  CTI_RETURN_IF_ERROR(LoadOpen(ctx, change.callback_id(), &callback));
  if (SameCallTarget(callback.assignee(), change.assignee())) {
    return absl::FailedPreconditionError(absl::StrCat("callback_id '", change.callback_id(),
                                                      "' is already assigned to that assignee"));
  }
  CTI_ASSIGN_OR_RETURN(std::string unit_id,
                       UnitOfTarget(ctx.txn, ctx.tenant_prefix, change.assignee()));
  *callback.mutable_assignee() = change.assignee();
  callback.set_unit_id(unit_id);
  callback.set_reassignments(callback.reassignments() + 1);
  callback.set_assigned_position(ctx.position);
  return ctx.txn.PutProto(Cf::kCalls, CallbackKey(ctx.tenant_prefix, change.callback_id()),
                          callback);
}

absl::Status ApplyCallbackCompleted(ApplyContext& ctx, const FieldPath& path,
                                    const cti::v1::CallbackCompleted& change) {
  CTI_RETURN_IF_ERROR(CheckId(path / "callback_id", change.callback_id()));
  state::Callback callback;
  CTI_RETURN_IF_ERROR(LoadOpen(ctx, change.callback_id(), &callback));
  callback.set_completed(true);
  *callback.mutable_completed_at() = ctx.event.occurred_at();
  callback.set_completed_position(ctx.position);
  const std::string& t = ctx.tenant_prefix;
  CTI_RETURN_IF_ERROR(ctx.txn.Delete(
      Cf::kCalls, OpenCallbackKey(t, MicrosOf(callback.due_at()), change.callback_id())));
  CTI_RETURN_IF_ERROR(ctx.txn.Put(
      Cf::kCalls, CompletedCallbackKey(t, MicrosOf(callback.completed_at()), change.callback_id()),
      ""));
  return ctx.txn.PutProto(Cf::kCalls, CallbackKey(t, change.callback_id()), callback);
}

}  // namespace cti::projections::internal
