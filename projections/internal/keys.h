// Key layout of the projection store: column family names and the encodings every key
// is built from. The full layout is written down in projections/README.md.
//
// Tenant data is keyed by TenantPrefix(tenant) (one length byte, then the tenant), so
// "ab"+"c..." and "a"+"bc..." never collide. Identifiers never contain NUL (their
// alphabet is [A-Za-z0-9._:-]), so NUL separates two identifiers inside a key.
#ifndef CTI_PROJECTIONS_INTERNAL_KEYS_H_
#define CTI_PROJECTIONS_INTERNAL_KEYS_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace cti::projections::internal {

// The column families, in the order Digest() hashes them.
enum class Cf : int {
  kMeta = 0,   // schema version, checkpoints, counters
  kOutcomes,   // (partition, position) -> ApplyOutcome of rejected records
  kEventIds,   // (tenant, event_id) -> position: apply-time dedupe
  kDirectory,  // units, employees and their indexes
  kSearch,     // (tenant, folded token, kind, id) -> match mask + sort name
  kCalendar,   // calendar entries and forwardings
  kCalls,      // calls, voicemails, messages, callbacks
  kRouting,    // hours, groups, unit routing, distribution rules, hotlines
  kLogIndex,   // (partition, recorded_at second) -> first position: replay by time
  kHistory,    // every version of the families Route reads (history.h): as-of answers
};
inline constexpr int kCfCount = 10;

// RocksDB name of `cf`.
absl::string_view CfName(Cf cf);

// The families a private bulk load stages in memory (staged.h): those that take a new
// key per record and are read by point lookups only.
inline constexpr bool StagedFamily(Cf cf) {
  return cf == Cf::kOutcomes || cf == Cf::kEventIds || cf == Cf::kCalls;
}

// Meta keys.
inline constexpr absl::string_view kMetaSchemaVersion = "schema_version";
inline constexpr absl::string_view kMetaRecordsApplied = "records_applied";
inline constexpr absl::string_view kMetaRecordsRejected = "records_rejected";
inline constexpr absl::string_view kMetaCheckpointPrefix = "checkpoint/";
std::string CheckpointKey(int partition);
// "erased/" T subject -> big-endian position of the subject's latest PersonalDataErased.
inline constexpr absl::string_view kMetaErasedPrefix = "erased/";

// Outcomes key: big-endian partition then big-endian position.
std::string OutcomeKey(int partition, uint64_t position);

// Log index key: big-endian partition then the big-endian second (since 1970) of the
// running maximum of recorded_at; the value is the big-endian first position whose
// running maximum reached that second.
std::string LogIndexKey(int partition, uint64_t second);

// One length byte, then `tenant` (at most 64 bytes once validated; longer is cut at 255).
std::string TenantPrefix(absl::string_view tenant);

// `prefix` + `tag` + `id`, and `prefix` + `tag` + `a` + NUL + `b`.
std::string TaggedKey(absl::string_view prefix, char tag, absl::string_view id);
std::string TaggedKey(absl::string_view prefix, char tag, absl::string_view a, absl::string_view b);

// Big-endian fixed-width integers (so byte order is numeric order).
void AppendBigEndian32(std::string* out, uint32_t v);
void AppendBigEndian64(std::string* out, uint64_t v);
std::string EncodeBigEndian64(uint64_t v);
// REQUIRES: `in` holds at least 4 (8) bytes.
uint32_t DecodeBigEndian32(absl::string_view in);
uint64_t DecodeBigEndian64(absl::string_view in);

// The smallest key greater than every key starting with `prefix` (for upper bounds).
// Empty when there is none (prefix of all 0xff bytes).
std::string PrefixSuccessor(absl::string_view prefix);

}  // namespace cti::projections::internal

#endif  // CTI_PROJECTIONS_INTERNAL_KEYS_H_
