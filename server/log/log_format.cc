#include "server/log/log_format.h"

#include <openssl/evp.h>

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace cti::log::format {
namespace {

void PutBigEndian32(uint32_t v, std::string* out) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

void PutBigEndian64(uint64_t v, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

uint32_t GetBigEndian32(std::string_view in) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return v;
}

uint64_t GetBigEndian64(std::string_view in) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return v;
}

}  // namespace

std::string RecordKey(uint32_t partition, uint64_t position) {
  std::string key;
  key.reserve(kRecordKeySize);
  PutBigEndian32(partition, &key);
  PutBigEndian64(position, &key);
  return key;
}

std::optional<RecordKeyParts> ParseRecordKey(std::string_view key) {
  if (key.size() != kRecordKeySize) return std::nullopt;
  return RecordKeyParts{GetBigEndian32(key.substr(0, 4)), GetBigEndian64(key.substr(4))};
}

std::string EventIdKey(std::string_view tenant, std::string_view event_id) {
  std::string key;
  key.reserve(4 + tenant.size() + event_id.size());
  PutBigEndian32(static_cast<uint32_t>(tenant.size()), &key);
  key.append(tenant);
  key.append(event_id);
  return key;
}

std::string EncodeEventIdEntry(const EventIdEntry& entry) {
  std::string value;
  value.reserve(12 + entry.digest.size());
  PutBigEndian32(entry.partition, &value);
  PutBigEndian64(entry.position, &value);
  value.append(entry.digest);
  return value;
}

std::optional<EventIdEntry> DecodeEventIdEntry(std::string_view value) {
  if (value.size() != 12 + kDigestSize) return std::nullopt;
  EventIdEntry entry;
  entry.partition = GetBigEndian32(value.substr(0, 4));
  entry.position = GetBigEndian64(value.substr(4, 8));
  entry.digest = std::string(value.substr(12));
  return entry;
}

std::string SerializeDeterministic(const google::protobuf::MessageLite& message) {
  std::string out;
  message.ByteSizeLong();  // Caches the sizes SerializeWithCachedSizes relies on.
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeWithCachedSizes(&coded);
  }
  return out;
}

std::string PayloadDigest(const cti::v1::Event& event) {
  std::string bytes;
  if (event.has_recorded_at()) {
    cti::v1::Event copy = event;
    copy.clear_recorded_at();
    bytes = SerializeDeterministic(copy);
  } else {
    bytes = SerializeDeterministic(event);
  }
  // Fetched once: an implicit fetch on every digest is a measurable share of an append.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_size = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &md_size, sha256 != nullptr ? sha256 : EVP_sha256(),
             nullptr);
  return std::string(reinterpret_cast<const char*>(md), md_size);
}

absl::Status CheckAppendable(const cti::v1::Event& event) {
  if (event.tenant().empty()) {
    return absl::InvalidArgumentError("event.tenant is required to append");
  }
  if (event.event_id().empty()) {
    return absl::InvalidArgumentError("event.event_id is required to append");
  }
  return absl::OkStatus();
}

absl::Time TruncateToNanos(absl::Time t) { return absl::FromUnixNanos(absl::ToUnixNanos(t)); }

void ToTimestamp(absl::Time t, google::protobuf::Timestamp* out) {
  const int64_t nanos = absl::ToUnixNanos(t);
  int64_t seconds = nanos / 1000000000;
  int64_t rest = nanos % 1000000000;
  if (rest < 0) {
    rest += 1000000000;
    --seconds;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(rest));
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

uint64_t StableHash64(std::string_view data) {
  uint64_t hash = 14695981039346656037ull;  // FNV-1a 64-bit offset basis.
  for (char c : data) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;  // FNV-1a 64-bit prime.
  }
  return hash;
}

}  // namespace cti::log::format
