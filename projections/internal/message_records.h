// Messages reception took (TP-6.2) and their e-mail outbox: the keys apply_call.cc
// (MessageTaken), apply_message_delivery.cc (MessageDelivered, MessageDeliveryFailed)
// and the Outbox query (outbox.h) share.
//
// calls CF, under TenantPrefix(tenant) = T:
//   T 'm' message_id -> state.Message (taken; delivery state once delivered or failed)
//   T 'o' message_id -> "" while the message is in the outbox: taken, neither delivered
//                       nor finally failed
#ifndef CTI_PROJECTIONS_INTERNAL_MESSAGE_RECORDS_H_
#define CTI_PROJECTIONS_INTERNAL_MESSAGE_RECORDS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "projections/internal/keys.h"

namespace cti::projections::internal {

inline constexpr char kMessageRecordTag = 'm';
inline constexpr char kOutboxTag = 'o';

inline std::string MessageKey(absl::string_view t, absl::string_view message_id) {
  return TaggedKey(t, kMessageRecordTag, message_id);
}
inline std::string OutboxKey(absl::string_view t, absl::string_view message_id) {
  return TaggedKey(t, kOutboxTag, message_id);
}

}  // namespace cti::projections::internal

#endif  // CTI_PROJECTIONS_INTERNAL_MESSAGE_RECORDS_H_
