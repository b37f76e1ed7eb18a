// Voicemail rules (TP-3.14: voicemail is listened to every day; a greeting always
// starts with the normal hours). Keys: internal/reception_records.h.
//
// A voicemail is left in a mailbox and listened to once; while it is not, it sits in
// the unlistened index under the unit the mailbox belonged to when it was left. A
// mailbox's greeting is kept as text; the check against the hours is the query's
// (voicemail_duty.h), since the hours may change after the greeting was recorded.
#include "absl/strings/str_cat.h"
#include "projections/internal/directory_records.h"
#include "projections/internal/reception_records.h"
#include "projections/internal/rules.h"
#include "projections/internal/state.pb.h"
#include "projections/internal/status_macros.h"
#include "projections/internal/unit_hours.h"

namespace cti::projections::internal {
namespace {

// Longest greeting text, in characters (call.proto).
constexpr size_t kMaxGreetingChars = 1000;

}  // namespace

absl::Status ApplyVoicemailLeft(ApplyContext& ctx, const FieldPath& path,
                                const cti::v1::CallEvent& call) {
  const cti::v1::VoicemailLeft& change = call.voicemail_left();
  CTI_RETURN_IF_ERROR(CheckId(path / "voicemail_id", change.voicemail_id()));
  CTI_RETURN_IF_ERROR(
      CheckCallTarget(ctx.txn, ctx.tenant_prefix, path / "mailbox", change.mailbox()));
  const std::string key = VoicemailKey(ctx.tenant_prefix, change.voicemail_id());
  std::string existing;
  CTI_ASSIGN_OR_RETURN(bool exists, ctx.txn.Get(Cf::kCalls, key, &existing));
  if (exists) {
    return absl::FailedPreconditionError(
        absl::StrCat("voicemail_id '", change.voicemail_id(), "' already exists"));
  }
  CTI_ASSIGN_OR_RETURN(std::string unit_id,
                       UnitOfTarget(ctx.txn, ctx.tenant_prefix, change.mailbox()));
  state::Voicemail voicemail;
  *voicemail.mutable_left() = change;
  voicemail.set_call_id(call.call_id());
  *voicemail.mutable_left_at() = ctx.event.occurred_at();
  voicemail.set_position(ctx.position);
  voicemail.set_unit_id(unit_id);
  CTI_RETURN_IF_ERROR(
      ctx.txn.Put(Cf::kCalls,
                  UnlistenedKey(ctx.tenant_prefix, unit_id, MicrosOf(voicemail.left_at()),
                                change.voicemail_id()),
                  ""));
  CTI_RETURN_IF_ERROR(ctx.txn.Put(
      Cf::kCalls,
      LeftVoicemailKey(ctx.tenant_prefix, MicrosOf(voicemail.left_at()), change.voicemail_id()),
      ""));
  return ctx.txn.PutProto(Cf::kCalls, key, voicemail);
}

absl::Status ApplyVoicemailListened(ApplyContext& ctx, const FieldPath& path,
                                    const cti::v1::VoicemailListened& change) {
  CTI_RETURN_IF_ERROR(CheckId(path / "voicemail_id", change.voicemail_id()));
  const std::string key = VoicemailKey(ctx.tenant_prefix, change.voicemail_id());
  state::Voicemail voicemail;
  CTI_ASSIGN_OR_RETURN(bool found, ctx.txn.GetProto(Cf::kCalls, key, &voicemail));
  if (!found) return NotFound("voicemail_id", change.voicemail_id());
  if (voicemail.listened()) {
    return absl::FailedPreconditionError(
        absl::StrCat("voicemail_id '", change.voicemail_id(), "' was already listened to"));
  }
  voicemail.set_listened(true);
  *voicemail.mutable_listened_at() = ctx.event.occurred_at();
  voicemail.set_listened_position(ctx.position);
  CTI_RETURN_IF_ERROR(ctx.txn.Delete(
      Cf::kCalls, UnlistenedKey(ctx.tenant_prefix, voicemail.unit_id(),
                                MicrosOf(voicemail.left_at()), change.voicemail_id())));
  return ctx.txn.PutProto(Cf::kCalls, key, voicemail);
}

absl::Status ApplyVoicemailGreetingSet(ApplyContext& ctx, const FieldPath& path,
                                       const cti::v1::VoicemailGreetingSet& change) {
  const FieldPath mailbox = path / "mailbox";
  switch (change.mailbox().target_case()) {
    case cti::v1::CallTarget::kEmployeeId:
      CTI_RETURN_IF_ERROR(CheckActiveEmployee(ctx.txn, ctx.tenant_prefix, mailbox / "employee_id",
                                              change.mailbox().employee_id()));
      break;
    case cti::v1::CallTarget::kUnitId:
      CTI_RETURN_IF_ERROR(CheckActiveUnit(ctx.txn, ctx.tenant_prefix, mailbox / "unit_id",
                                          change.mailbox().unit_id()));
      break;
    default:
      return InvalidField(mailbox, "an employee's or a unit's mailbox is required (TP-3.14)");
  }
  CTI_RETURN_IF_ERROR(CheckRequiredText(path / "text", change.text(), kMaxGreetingChars));
  CTI_RETURN_IF_ERROR(CheckNoCpr(path / "text", change.text()));
  state::VoicemailGreeting greeting;
  *greeting.mutable_mailbox() = change.mailbox();
  greeting.set_text(change.text());
  *greeting.mutable_set_at() = ctx.event.occurred_at();
  greeting.set_position(ctx.position);
  return ctx.txn.PutProto(Cf::kCalls, GreetingKey(ctx.tenant_prefix, change.mailbox()), greeting);
}

}  // namespace cti::projections::internal
