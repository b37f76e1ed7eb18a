#include "projections/internal/reception_records.h"

#include "absl/strings/str_cat.h"
#include "projections/internal/keys.h"

namespace cti::projections::internal {
namespace {

std::string IndexPrefix(absl::string_view t, char tag, char sub) {
  std::string key(t);
  key.push_back(tag);
  key.push_back(sub);
  return key;
}

// `prefix` + big-endian µs + id: a key of a by-time index.
std::string TimeKey(std::string prefix, uint64_t micros, absl::string_view id) {
  AppendBigEndian64(&prefix, micros);
  absl::StrAppend(&prefix, id);
  return prefix;
}

}  // namespace

uint64_t MicrosOf(const google::protobuf::Timestamp& ts) {
  return static_cast<uint64_t>(ts.seconds()) * 1000000u + static_cast<uint64_t>(ts.nanos() / 1000);
}

absl::Time AbslTimeOf(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

google::protobuf::Timestamp ProtoTimeOf(absl::Time t) {
  google::protobuf::Timestamp ts;
  const int64_t seconds = absl::ToUnixSeconds(t);
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>((t - absl::FromUnixSeconds(seconds)) / absl::Nanoseconds(1)));
  return ts;
}

std::string CallbackKey(absl::string_view t, absl::string_view callback_id) {
  return TaggedKey(t, kCallbackRecordTag, callback_id);
}

std::string VoicemailKey(absl::string_view t, absl::string_view voicemail_id) {
  return TaggedKey(t, kVoicemailRecordTag, voicemail_id);
}

std::string OpenCallbacksPrefix(absl::string_view t) {
  return IndexPrefix(t, kCallbackIndexTag, kOpenCallbackTag);
}

std::string OpenCallbackKey(absl::string_view t, uint64_t due_micros,
                            absl::string_view callback_id) {
  return TimeKey(OpenCallbacksPrefix(t), due_micros, callback_id);
}

std::string CompletedCallbacksPrefix(absl::string_view t) {
  return IndexPrefix(t, kCallbackIndexTag, kCompletedCallbackTag);
}

std::string CompletedCallbackKey(absl::string_view t, uint64_t completed_micros,
                                 absl::string_view callback_id) {
  return TimeKey(CompletedCallbacksPrefix(t), completed_micros, callback_id);
}

std::string UnlistenedPrefix(absl::string_view t) {
  return IndexPrefix(t, kVoicemailIndexTag, kUnlistenedTag);
}

std::string UnlistenedKey(absl::string_view t, absl::string_view unit_id, uint64_t left_micros,
                          absl::string_view voicemail_id) {
  std::string key = UnlistenedPrefix(t);
  absl::StrAppend(&key, unit_id, absl::string_view("\0", 1));
  AppendBigEndian64(&key, left_micros);
  absl::StrAppend(&key, voicemail_id);
  return key;
}

std::string RequestedCallbacksPrefix(absl::string_view t) {
  return IndexPrefix(t, kCallbackIndexTag, kRequestedCallbackTag);
}

std::string RequestedCallbackKey(absl::string_view t, uint64_t requested_micros,
                                 absl::string_view callback_id) {
  return TimeKey(RequestedCallbacksPrefix(t), requested_micros, callback_id);
}

std::string LeftVoicemailsPrefix(absl::string_view t) {
  return IndexPrefix(t, kVoicemailIndexTag, kLeftVoicemailTag);
}

std::string LeftVoicemailKey(absl::string_view t, uint64_t left_micros,
                             absl::string_view voicemail_id) {
  return TimeKey(LeftVoicemailsPrefix(t), left_micros, voicemail_id);
}

std::string GreetingsPrefix(absl::string_view t) {
  return IndexPrefix(t, kVoicemailIndexTag, kGreetingTag);
}

std::string GreetingKey(absl::string_view t, const cti::v1::CallTarget& mailbox) {
  std::string key = GreetingsPrefix(t);
  if (mailbox.has_employee_id()) {
    absl::StrAppend(&key, "e", mailbox.employee_id());
  } else if (mailbox.has_unit_id()) {
    absl::StrAppend(&key, "u", mailbox.unit_id());
  }
  return key;
}

}  // namespace cti::projections::internal
