// The storage format shared by the log backends: record keys, the idempotency index,
// the payload digest, timestamps and the tenant -> partition hash. README.md ("The log
// format") describes the bytes; this header is the one place that encodes them.
//
// Every function here is pure and thread-safe.
#ifndef CTI_SERVER_LOG_LOG_FORMAT_H_
#define CTI_SERVER_LOG_LOG_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "cti/v1/event.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace cti::log::format {

// Size of a record key: 4-byte big-endian partition, 8-byte big-endian position.
inline constexpr size_t kRecordKeySize = 12;
// Size of a payload digest (SHA-256).
inline constexpr size_t kDigestSize = 32;

// The key of the record at (partition, position). Keys sort in (partition, position)
// order under bytewise comparison.
std::string RecordKey(uint32_t partition, uint64_t position);

// A decoded record key.
struct RecordKeyParts {
  uint32_t partition = 0;
  uint64_t position = 0;
};

// Decodes a record key; nullopt when `key` is not kRecordKeySize bytes long.
std::optional<RecordKeyParts> ParseRecordKey(std::string_view key);

// The idempotency index key of (tenant, event_id): 4-byte big-endian length of the
// tenant, the tenant, the event_id. Distinct pairs give distinct keys.
std::string EventIdKey(std::string_view tenant, std::string_view event_id);

// What the idempotency index holds for an event_id: where the record is, and the digest
// of its payload (see PayloadDigest).
struct EventIdEntry {
  uint32_t partition = 0;
  uint64_t position = 0;
  std::string digest;  // kDigestSize bytes.
};

// 4-byte big-endian partition, 8-byte big-endian position, the digest.
std::string EncodeEventIdEntry(const EventIdEntry& entry);

// Decodes an index value; nullopt when it is malformed.
std::optional<EventIdEntry> DecodeEventIdEntry(std::string_view value);

// `message` serialized deterministically (map entries sorted; same bytes for equal
// messages within one build).
std::string SerializeDeterministic(const google::protobuf::MessageLite& message);

// SHA-256 of the deterministic serialization of `event` with recorded_at cleared: two
// events with the same digest are "equal in everything but recorded_at".
std::string PayloadDigest(const cti::v1::Event& event);

// Checks the REQUIRES of EventLog::Append: INVALID_ARGUMENT naming
// event.tenant or event.event_id when one is empty.
absl::Status CheckAppendable(const cti::v1::Event& event);

// `t` rounded down to a whole nanosecond (the resolution of google.protobuf.Timestamp),
// so that a time written to a record reads back equal.
absl::Time TruncateToNanos(absl::Time t);

// Converts between absl::Time and google.protobuf.Timestamp (nanosecond resolution).
void ToTimestamp(absl::Time t, google::protobuf::Timestamp* out);
absl::Time FromTimestamp(const google::protobuf::Timestamp& ts);

// A hash of `data` that is the same in every process, build and machine (64-bit
// FNV-1a). Used to map tenants to partitions.
uint64_t StableHash64(std::string_view data);

}  // namespace cti::log::format

#endif  // CTI_SERVER_LOG_LOG_FORMAT_H_
