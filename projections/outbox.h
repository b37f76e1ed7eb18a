// Outbox: the messages reception took (TP-6.2) that still have to be e-mailed, with
// everything the mailer needs to send them, and the delivery state of any message.
//
// A message is pending from its MessageTaken until a MessageDelivered or
// MessageDeliveryFailed is applied for it (apply_message_delivery.cc). Its recipient
// address is resolved when asked, from the directory as it is then:
//   - for an employee: their e-mail; when they have none or have left, their unit's;
//   - for a unit: the unit's e-mail;
//   - for a bare number, or when none of these has one: no address (`address` empty and
//     `no_address_reason` says why; the mailer records a final failure).
//
// Reads one consistent snapshot of the store per call: the outbox index (calls family,
// T 'o' message_id) and each message's record, so its cost grows with the pending
// messages, not with all messages ever taken. Knows nothing of SMTP or gRPC.
//
// Example:
//   Outbox outbox(store.get());
//   absl::StatusOr<std::vector<OutboxMessage>> pending = outbox.Pending("demo");
#ifndef CTI_PROJECTIONS_OUTBOX_H_
#define CTI_PROJECTIONS_OUTBOX_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cti/v1/call.pb.h"
#include "projections/store.h"

namespace cti::projections {

// Where a message's e-mail stands.
enum class MessageState {
  kPending,    // in the outbox
  kDelivered,  // MessageDelivered applied
  kFailed,     // MessageDeliveryFailed applied: no more attempts
};

// One message, as the mailer sends it.
struct OutboxMessage {
  std::string tenant;
  std::string message_id;
  // The call it was taken on; may be empty.
  std::string call_id;
  // For whom (MessageTaken.for_target).
  cti::v1::CallTarget for_target;
  // Where the mail goes (see the file comment); empty when nobody has an address.
  std::string address;
  // Whose address that is, for people: e.g. "Anna Holm" or "Byggesag" (the unit).
  std::string recipient_name;
  // When `address` is empty: why, naming the employee or unit, e.g. "no e-mail address:
  // employee 'e17' and unit 'plan' have none".
  std::string no_address_reason;
  // From MessageTaken.
  std::string caller_name;
  std::string callback_number;
  std::string text;
  bool callback_wanted = false;
  // MessageTaken's occurred_at, and its log position.
  absl::Time taken_at;
  uint64_t position = 0;
  MessageState state = MessageState::kPending;
  // Once not pending: the address used, the SMTP reply or the reason, the attempts, and
  // the delivery event's log position.
  std::string delivery_address;
  std::string delivery_detail;
  uint32_t delivery_attempts = 0;
  uint64_t delivery_position = 0;
};

// Thread safety: safe to use from many threads at once.
class Outbox {
 public:
  // `store` must outlive the view.
  explicit Outbox(const Store* store) : store_(store) {}

  // The pending messages of `tenant` in message_id order, at most `limit` of them (0:
  // all). INVALID_ARGUMENT for an empty tenant; an unknown tenant has none.
  absl::StatusOr<std::vector<OutboxMessage>> Pending(absl::string_view tenant,
                                                     size_t limit = 0) const;

  // Message `message_id` of `tenant` in whatever state; NOT_FOUND "message_id 'x' not
  // found" when never taken.
  absl::StatusOr<OutboxMessage> Get(absl::string_view tenant, absl::string_view message_id) const;

  // The tenants with at least one pending message, in key order. Costs two seeks per
  // tenant with call records, not a scan of them.
  absl::StatusOr<std::vector<std::string>> TenantsWithPending() const;

 private:
  const Store* store_;
};

}  // namespace cti::projections

#endif  // CTI_PROJECTIONS_OUTBOX_H_
