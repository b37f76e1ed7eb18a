#include "projections/internal/history.h"

namespace cti::projections::internal {
namespace {

constexpr char kEscape = '\xff';      // after 0x00: a 0x00 byte of the key
constexpr char kTerminator = '\x01';  // after 0x00: the end of the key
constexpr char kAfterKey = '\x02';    // after 0x00: greater than every version of the key

void AppendEscaped(absl::string_view key, std::string* out) {
  for (char c : key) {
    out->push_back(c);
    if (c == '\0') out->push_back(kEscape);
  }
}

}  // namespace

std::string HistoryKey(Cf cf, absl::string_view key, uint64_t position) {
  std::string out;
  out.reserve(key.size() + 12);
  out.push_back(static_cast<char>(cf));
  AppendEscaped(key, &out);
  out.push_back('\0');
  out.push_back(kTerminator);
  AppendBigEndian64(&out, ~position);
  return out;
}

void AppendHistoryValue(bool deleted, absl::string_view value, std::string* out) {
  out->push_back(deleted ? '\1' : '\0');
  if (!deleted) out->append(value.data(), value.size());
}

std::string HistoryPrefix(Cf cf, absl::string_view key_prefix) {
  std::string out;
  out.push_back(static_cast<char>(cf));
  AppendEscaped(key_prefix, &out);
  return out;
}

std::string HistoryKeyEnd(Cf cf, absl::string_view key) {
  std::string out = HistoryPrefix(cf, key);
  out.push_back('\0');
  out.push_back(kAfterKey);
  return out;
}

bool ParseHistoryKey(absl::string_view history_key, ParsedHistoryKey* out) {
  if (history_key.size() < 1 + 2 + 8) return false;
  out->cf = static_cast<Cf>(static_cast<unsigned char>(history_key[0]));
  out->key.clear();
  const size_t end = history_key.size() - 8;
  size_t i = 1;
  while (i < end) {
    const char c = history_key[i];
    if (c != '\0') {
      out->key.push_back(c);
      ++i;
      continue;
    }
    if (i + 1 >= end) return false;
    if (history_key[i + 1] == kEscape) {
      out->key.push_back('\0');
      i += 2;
      continue;
    }
    if (history_key[i + 1] != kTerminator || i + 2 != end) return false;
    out->position = ~DecodeBigEndian64(history_key.substr(end));
    return true;
  }
  return false;
}

bool ParseHistoryValue(absl::string_view history_value, bool* deleted, absl::string_view* value) {
  if (history_value.empty() || static_cast<unsigned char>(history_value[0]) > 1) return false;
  *deleted = history_value[0] == '\1';
  *value = history_value.substr(1);
  return !*deleted || value->empty();
}

}  // namespace cti::projections::internal
