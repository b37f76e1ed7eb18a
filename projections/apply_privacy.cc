// The privacy family: PersonalDataErased (GDPR art. 17). The key deletion itself is the
// server's (server/privacy/); the projection keeps which subjects were erased, at which
// position, so every replica knows it has keys to delete and projections to rebuild.
#include "absl/strings/str_cat.h"
#include "projections/internal/directory_records.h"
#include "projections/internal/keys.h"
#include "projections/internal/message_records.h"
#include "projections/internal/rules.h"
#include "projections/internal/status_macros.h"
#include "projections/personal_data.h"

namespace cti::projections::internal {
namespace {

absl::Status ApplyPersonalDataErased(ApplyContext& ctx, const FieldPath& path,
                                     const cti::v1::PersonalDataErased& change) {
  using E = cti::v1::PersonalDataErased;
  const cti::v1::Role role = ctx.event.actor().role();
  if (role != cti::v1::ROLE_ADMIN && role != cti::v1::ROLE_DIRECTOR) {
    return InvalidField(FieldPath("actor") / "role",
                        "erasing a person's data takes the admin or director role");
  }
  CTI_RETURN_IF_ERROR(CheckRequiredText(path / "reason", change.reason(), kMaxNameChars));
  CTI_RETURN_IF_ERROR(CheckNoCpr(path / "reason", change.reason()));
  std::string subject;
  switch (change.subject_case()) {
    case E::kEmployeeId: {
      CTI_RETURN_IF_ERROR(CheckId(path / "employee_id", change.employee_id()));
      cti::v1::Employee employee;
      CTI_ASSIGN_OR_RETURN(
          bool found, LoadEmployee(ctx.txn, ctx.tenant_prefix, change.employee_id(), &employee));
      if (!found) {
        return absl::NotFoundError(
            absl::StrCat((path / "employee_id").ToString(), ": no employee '", change.employee_id(),
                         "' was ever hired in tenant '", ctx.event.tenant(), "'"));
      }
      subject = EmployeeSubject(change.employee_id());
      break;
    }
    case E::kCallerNumber:
      // Validating a command (position 0): the server's edge replaces the number.
      if (ctx.position == 0) {
        return CheckPhoneNumber(path / "caller_number", change.caller_number(), true);
      }
      return InvalidField(path / "caller_number",
                          "a caller's number is never logged: the server replaces it with "
                          "caller_subject at its edge");
    case E::kCallerSubject:
      if (ctx.position == 0) {
        return InvalidField(path / "caller_subject",
                            "is set by the server from caller_number; send the number");
      }
      if (!IsCallerSubject(change.caller_subject())) {
        return InvalidField(path / "caller_subject",
                            "must be \"caller:\" and 32 lowercase hex digits");
      }
      subject = change.caller_subject();
      break;
    case E::kMessageId: {
      CTI_RETURN_IF_ERROR(CheckOpaqueId(path / "message_id", change.message_id()));
      std::string value;
      CTI_ASSIGN_OR_RETURN(bool found, ctx.txn.Get(Cf::kCalls,
                                                   TaggedKey(ctx.tenant_prefix, kMessageRecordTag,
                                                             change.message_id()),
                                                   &value));
      if (!found) {
        return absl::NotFoundError(absl::StrCat((path / "message_id").ToString(), ": no message '",
                                                change.message_id(), "' was taken"));
      }
      subject = MessageSubject(change.message_id());
      break;
    }
    case E::SUBJECT_NOT_SET:
      return InvalidField(path / "subject",
                          "exactly one of employee_id, caller_number, message_id is required");
  }
  return ctx.txn.Put(Cf::kMeta, absl::StrCat(kMetaErasedPrefix, ctx.tenant_prefix, subject),
                     EncodeBigEndian64(ctx.position));
}

}  // namespace

absl::Status ApplyPrivacy(ApplyContext& ctx, const FieldPath& path,
                          const cti::v1::PrivacyEvent& privacy) {
  switch (privacy.change_case()) {
    case cti::v1::PrivacyEvent::kPersonalDataErased:
      return ApplyPersonalDataErased(ctx, path / "personal_data_erased",
                                     privacy.personal_data_erased());
    case cti::v1::PrivacyEvent::CHANGE_NOT_SET:
      break;
  }
  return InvalidField(path / "change", "exactly one change is required");
}

}  // namespace cti::projections::internal
