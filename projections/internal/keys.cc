#include "projections/internal/keys.h"

#include <algorithm>

namespace cti::projections::internal {

absl::string_view CfName(Cf cf) {
  switch (cf) {
    case Cf::kMeta:
      return "meta";
    case Cf::kOutcomes:
      return "outcomes";
    case Cf::kEventIds:
      return "eventids";
    case Cf::kDirectory:
      return "directory";
    case Cf::kSearch:
      return "search";
    case Cf::kCalendar:
      return "calendar";
    case Cf::kCalls:
      return "calls";
    case Cf::kRouting:
      return "routing";
    case Cf::kLogIndex:
      return "logindex";
    case Cf::kHistory:
      return "history";
  }
  return "unknown";
}

std::string CheckpointKey(int partition) {
  std::string key(kMetaCheckpointPrefix);
  AppendBigEndian32(&key, static_cast<uint32_t>(partition));
  return key;
}

std::string OutcomeKey(int partition, uint64_t position) {
  std::string key;
  key.reserve(12);
  AppendBigEndian32(&key, static_cast<uint32_t>(partition));
  AppendBigEndian64(&key, position);
  return key;
}

std::string LogIndexKey(int partition, uint64_t second) {
  std::string key;
  key.reserve(12);
  AppendBigEndian32(&key, static_cast<uint32_t>(partition));
  AppendBigEndian64(&key, second);
  return key;
}

std::string TenantPrefix(absl::string_view tenant) {
  const size_t n = std::min<size_t>(tenant.size(), 255);
  std::string prefix;
  prefix.reserve(n + 1);
  prefix.push_back(static_cast<char>(n));
  prefix.append(tenant.data(), n);
  return prefix;
}

std::string TaggedKey(absl::string_view prefix, char tag, absl::string_view id) {
  std::string key;
  key.reserve(prefix.size() + 1 + id.size());
  key.append(prefix.data(), prefix.size());
  key.push_back(tag);
  key.append(id.data(), id.size());
  return key;
}

std::string TaggedKey(absl::string_view prefix, char tag, absl::string_view a,
                      absl::string_view b) {
  std::string key;
  key.reserve(prefix.size() + 2 + a.size() + b.size());
  key.append(prefix.data(), prefix.size());
  key.push_back(tag);
  key.append(a.data(), a.size());
  key.push_back('\0');
  key.append(b.data(), b.size());
  return key;
}

void AppendBigEndian32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

void AppendBigEndian64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

std::string EncodeBigEndian64(uint64_t v) {
  std::string out;
  out.reserve(8);
  AppendBigEndian64(&out, v);
  return out;
}

uint32_t DecodeBigEndian32(absl::string_view in) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return v;
}

uint64_t DecodeBigEndian64(absl::string_view in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return v;
}

std::string PrefixSuccessor(absl::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    unsigned char last = static_cast<unsigned char>(s.back());
    if (last != 0xff) {
      s.back() = static_cast<char>(last + 1);
      return s;
    }
    s.pop_back();
  }
  return s;
}

}  // namespace cti::projections::internal
