// Message delivery rules (TP-6.2): a message reception took leaves the e-mail outbox
// when the mailer records it delivered (MessageDelivered) or finally failed
// (MessageDeliveryFailed). Either is accepted once per message: for a message that
// exists and is still in the outbox (NOT_FOUND naming message_id otherwise, and
// FAILED_PRECONDITION naming it when it was delivered or failed already).
//
// calls CF (internal/message_records.h): T 'm' message_id -> state.Message gets the
// delivery state; T 'o' message_id (written by MessageTaken, apply_call.cc) is removed.
#include "absl/strings/str_cat.h"
#include "projections/internal/directory_records.h"
#include "projections/internal/message_records.h"
#include "projections/internal/rules.h"
#include "projections/internal/state.pb.h"
#include "projections/internal/status_macros.h"

namespace cti::projections::internal {
namespace {

constexpr size_t kMaxSmtpReplyChars = 500;
constexpr size_t kMaxFailureReasonChars = 1000;

absl::string_view DeliveryName(state::MessageDelivery delivery) {
  return delivery == state::MESSAGE_DELIVERY_DELIVERED ? "delivered" : "finally failed";
}

// Moves message `message_id` out of the outbox into `delivery`, with what the event says.
absl::Status FinishDelivery(ApplyContext& ctx, absl::string_view message_id,
                            state::MessageDelivery delivery, absl::string_view address,
                            absl::string_view detail, uint32_t attempts) {
  const std::string key = MessageKey(ctx.tenant_prefix, message_id);
  state::Message message;
  CTI_ASSIGN_OR_RETURN(bool found, ctx.txn.GetProto(Cf::kCalls, key, &message));
  if (!found) return NotFound("message_id", message_id);
  if (message.delivery() != state::MESSAGE_DELIVERY_PENDING) {
    return absl::FailedPreconditionError(
        absl::StrCat("message_id '", message_id, "' was already ", DeliveryName(message.delivery()),
                     " (at position ", message.delivery_position(), ")"));
  }
  message.set_delivery(delivery);
  message.set_delivery_address(std::string(address));
  message.set_delivery_detail(std::string(detail));
  message.set_delivery_attempts(attempts);
  *message.mutable_delivery_at() = ctx.event.occurred_at();
  message.set_delivery_position(ctx.position);
  CTI_RETURN_IF_ERROR(ctx.txn.Delete(Cf::kCalls, OutboxKey(ctx.tenant_prefix, message_id)));
  return ctx.txn.PutProto(Cf::kCalls, key, message);
}

}  // namespace

absl::Status ApplyMessageDelivered(ApplyContext& ctx, const FieldPath& path,
                                   const cti::v1::MessageDelivered& change) {
  CTI_RETURN_IF_ERROR(CheckId(path / "message_id", change.message_id()));
  if (change.address().empty()) return InvalidField(path / "address", "must not be empty");
  CTI_RETURN_IF_ERROR(CheckEmail(path / "address", change.address()));
  CTI_RETURN_IF_ERROR(
      CheckOptionalText(path / "smtp_reply", change.smtp_reply(), kMaxSmtpReplyChars));
  if (change.attempts() == 0) return InvalidField(path / "attempts", "must be at least 1");
  return FinishDelivery(ctx, change.message_id(), state::MESSAGE_DELIVERY_DELIVERED,
                        change.address(), change.smtp_reply(), change.attempts());
}

absl::Status ApplyMessageDeliveryFailed(ApplyContext& ctx, const FieldPath& path,
                                        const cti::v1::MessageDeliveryFailed& change) {
  CTI_RETURN_IF_ERROR(CheckId(path / "message_id", change.message_id()));
  CTI_RETURN_IF_ERROR(CheckEmail(path / "address", change.address()));
  CTI_RETURN_IF_ERROR(CheckRequiredText(path / "reason", change.reason(), kMaxFailureReasonChars));
  return FinishDelivery(ctx, change.message_id(), state::MESSAGE_DELIVERY_FAILED, change.address(),
                        change.reason(), change.attempts());
}

}  // namespace cti::projections::internal
