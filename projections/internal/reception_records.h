// Callbacks (TP-4.3) and voicemail duty (TP-3.14): the keys the apply rules
// (apply_callback.cc, apply_voicemail.cc) and the queries (callbacks.h,
// voicemail_duty.h) share.
//
// calls CF, under TenantPrefix(tenant) = T (µs: big-endian u64 microseconds since the
// Unix epoch, so byte order is time order):
//   T 'b' callback_id                      -> state.Callback
//   T 'p' 'o' due_µs callback_id           -> "" while the callback is open, by due time
//   T 'p' 'c' completed_µs callback_id     -> "" once completed, by completion time
//   T 'p' 'r' requested_µs callback_id     -> "" every callback, by request time (reports)
//   T 'v' voicemail_id                     -> state.Voicemail
//   T 'q' 'u' unit_id NUL left_µs voicemail_id -> "" while not listened to, per unit of the
//                                          mailbox when left ("" for a number)
//   T 'q' 'g' kind mailbox_id              -> state.VoicemailGreeting; kind 'e' employee,
//                                          'u' unit
//   T 'q' 'a' left_µs voicemail_id         -> "" every voicemail, by time left (reports)
#ifndef CTI_PROJECTIONS_INTERNAL_RECEPTION_RECORDS_H_
#define CTI_PROJECTIONS_INTERNAL_RECEPTION_RECORDS_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cti/v1/call.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace cti::projections::internal {

inline constexpr char kCallbackRecordTag = 'b';
inline constexpr char kCallbackIndexTag = 'p';
inline constexpr char kOpenCallbackTag = 'o';
inline constexpr char kCompletedCallbackTag = 'c';
inline constexpr char kRequestedCallbackTag = 'r';
inline constexpr char kVoicemailRecordTag = 'v';
inline constexpr char kVoicemailIndexTag = 'q';
inline constexpr char kUnlistenedTag = 'u';
inline constexpr char kGreetingTag = 'g';
inline constexpr char kLeftVoicemailTag = 'a';

// Microseconds since the epoch of an instant in [1970, 2200) (shape.h's range).
uint64_t MicrosOf(const google::protobuf::Timestamp& ts);
absl::Time AbslTimeOf(const google::protobuf::Timestamp& ts);
google::protobuf::Timestamp ProtoTimeOf(absl::Time t);

std::string CallbackKey(absl::string_view t, absl::string_view callback_id);
std::string VoicemailKey(absl::string_view t, absl::string_view voicemail_id);

// T 'p' 'o': every open callback; + due_µs + callback_id: one.
std::string OpenCallbacksPrefix(absl::string_view t);
std::string OpenCallbackKey(absl::string_view t, uint64_t due_micros,
                            absl::string_view callback_id);
// T 'p' 'c': every completed callback; + completed_µs + callback_id: one.
std::string CompletedCallbacksPrefix(absl::string_view t);
std::string CompletedCallbackKey(absl::string_view t, uint64_t completed_micros,
                                 absl::string_view callback_id);

// T 'p' 'r': every callback by request time; + requested_µs + callback_id: one.
std::string RequestedCallbacksPrefix(absl::string_view t);
std::string RequestedCallbackKey(absl::string_view t, uint64_t requested_micros,
                                 absl::string_view callback_id);

// T 'q' 'u': every unlistened voicemail; + unit_id NUL: a unit's; + left_µs +
// voicemail_id: one.
std::string UnlistenedPrefix(absl::string_view t);
std::string UnlistenedKey(absl::string_view t, absl::string_view unit_id, uint64_t left_micros,
                          absl::string_view voicemail_id);

// T 'q' 'a': every voicemail by time left; + left_µs + voicemail_id: one.
std::string LeftVoicemailsPrefix(absl::string_view t);
std::string LeftVoicemailKey(absl::string_view t, uint64_t left_micros,
                             absl::string_view voicemail_id);

// T 'q' 'g': every greeting; + kind + id: the greeting of `mailbox` (an employee or a
// unit; "" for a number, which has none).
std::string GreetingsPrefix(absl::string_view t);
std::string GreetingKey(absl::string_view t, const cti::v1::CallTarget& mailbox);

}  // namespace cti::projections::internal

#endif  // CTI_PROJECTIONS_INTERNAL_RECEPTION_RECORDS_H_
