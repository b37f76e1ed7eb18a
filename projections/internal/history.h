// History: every version of the records Route reads, for as-of questions (AuditService
// .RouteAsOf: "what would Route have answered at T with what the log held at K?").
//
// The projector keeps, beside the current state, one `history` entry per write of the
// families Route's answers depend on (directory, search, calendar, routing): the family,
// the key, the position of the record that wrote it, and the value or a deletion. A
// reader "as of position P" sees, for each key, the value of its last write at or before
// P (a Txn in as-of mode, txn.h). Cost of a read: one seek for a key, at most two per key
// for a scan — independent of how long the history is (RocksDB's index finds the entry).
//
// Key: one byte for the family, the key escaped so that no key is a prefix of another
// (0x00 -> 0x00 0xFF, then the terminator 0x00 0x01; order is kept), then the big-endian
// complement of the position, so a key's versions run newest first. Value: one byte
// (0 = value, 1 = deleted), then the value.
//
// Pure functions; thread-safe.
#ifndef CTI_PROJECTIONS_INTERNAL_HISTORY_H_
#define CTI_PROJECTIONS_INTERNAL_HISTORY_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "projections/internal/keys.h"

namespace cti::projections::internal {

// The families whose versions are kept: what Route reads, apart from call state.
inline constexpr bool HistoryFamily(Cf cf) {
  return cf == Cf::kDirectory || cf == Cf::kSearch || cf == Cf::kCalendar || cf == Cf::kRouting;
}

// The history key of `key` of `cf` written by the record at `position`.
std::string HistoryKey(Cf cf, absl::string_view key, uint64_t position);
// Appends the history value of a write (a value, or a deletion).
void AppendHistoryValue(bool deleted, absl::string_view value, std::string* out);

// The prefix every history key of a key of `cf` starting with `key_prefix` starts with.
std::string HistoryPrefix(Cf cf, absl::string_view key_prefix);
// The smallest history key after every version of `key` of `cf` (to skip a key's older
// versions).
std::string HistoryKeyEnd(Cf cf, absl::string_view key);

// A history key, parsed. False when `history_key` is not one.
struct ParsedHistoryKey {
  Cf cf = Cf::kMeta;
  std::string key;
  uint64_t position = 0;
};
bool ParseHistoryKey(absl::string_view history_key, ParsedHistoryKey* out);

// A history value, parsed: `*value` views into `history_value`. False when malformed.
bool ParseHistoryValue(absl::string_view history_value, bool* deleted, absl::string_view* value);

}  // namespace cti::projections::internal

#endif  // CTI_PROJECTIONS_INTERNAL_HISTORY_H_
