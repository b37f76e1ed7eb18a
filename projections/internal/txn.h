// Txn: how the apply rules read and write. Reads see the pending writes (the Overlay)
// on top of the store, so a later record of a batch sees the earlier ones; writes go to
// the Overlay only. Apply commits the Overlay; Validate discards it.
//
// Concurrency: one thread per Txn. Errors are storage failures (UNAVAILABLE, DATA_LOSS,
// INTERNAL), never the rule codes.
#ifndef CTI_PROJECTIONS_INTERNAL_TXN_H_
#define CTI_PROJECTIONS_INTERNAL_TXN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message_lite.h"
#include "projections/internal/keys.h"
#include "projections/internal/overlay.h"
#include "projections/internal/read_cache.h"
#include "projections/internal/store_impl.h"

namespace cti::projections::internal {

// Committed values of a set of keys of one family, read in one batched lookup (e.g.
// the event ids of a batch of records). Reusable: Load replaces what it holds, keeping
// its buffers. One thread.
class Prefetched {
 public:
  // Reads `keys` of `cf` from the store (as `read` sees it; store.written_keys() is
  // trusted for keys never written). The bytes of `keys` must stay valid until the next
  // Load or Clear. For the projector's thread.
  absl::Status Load(const StoreImpl& store, Cf cf, const rocksdb::ReadOptions& read,
                    const std::vector<absl::string_view>& keys);
  void Clear();

  Cf cf() const { return cf_; }
  // kPresent points *value at the committed bytes; kUnknown: not among the keys.
  ReadCache::Known Lookup(absl::string_view key, const std::string** value) const;

 private:
  Cf cf_ = Cf::kMeta;
  std::vector<rocksdb::Slice> slices_;
  std::vector<rocksdb::PinnableSlice> values_;
  std::vector<rocksdb::Status> statuses_;
  std::vector<std::string> found_;                       // values of present keys
  absl::flat_hash_map<absl::string_view, int> answers_;  // key -> index in found_, -1 absent
};

class Txn {
 public:
  // `store` and `overlay` must outlive the Txn. `cache` (may be null) holds committed
  // values and is only passed by the projector thread. `snapshot` (may be null: the live
  // DB) is the state reads see beneath the overlay.
  //
  // With `as_of`, reads of the history families (history.h) see them as they were after
  // the record at that position was applied: each key's last version at or before it.
  // The other families read as they are. For queries about the past only: REQUIRES no
  // cache, no pending writes, and `as_of` at or below the snapshot's applied position.
  Txn(const StoreImpl& store, Overlay* overlay, ReadCache* cache, const rocksdb::Snapshot* snapshot,
      std::optional<uint64_t> as_of = std::nullopt);

  // Reads `key` into `*value`: true when present, false when absent.
  absl::StatusOr<bool> Get(Cf cf, absl::string_view key, std::string* value);
  // Reads and parses a stored message. DATA_LOSS when it does not parse.
  absl::StatusOr<bool> GetProto(Cf cf, absl::string_view key, google::protobuf::MessageLite* msg);

  absl::Status Put(Cf cf, absl::string_view key, absl::string_view value);
  absl::Status PutProto(Cf cf, absl::string_view key, const google::protobuf::MessageLite& msg);
  absl::Status Delete(Cf cf, absl::string_view key);

  // Reads `key` into `*value` without a copy where it can: *value stays valid until the
  // next call on this Txn. True when present, false when absent.
  absl::StatusOr<bool> GetView(Cf cf, absl::string_view key, absl::string_view* value);

  // Answers later Gets of the keys `prefetched` holds from it (pending writes still
  // win). `prefetched` must outlive the Txn. REQUIRES: it was loaded from the same state
  // this Txn reads, and nothing but this Txn writes the store meanwhile.
  void UsePrefetched(const Prefetched* prefetched) { prefetched_ = prefetched; }

  // Calls fn(key, value) for each key starting with `prefix`, in key order, until fn
  // returns false. REQUIRES: fn does not write through this Txn.
  absl::Status Scan(Cf cf, absl::string_view prefix,
                    absl::FunctionRef<bool(absl::string_view key, absl::string_view value)> fn);
  // Scan of the keys starting with `prefix` that are >= `start`. REQUIRES: `start`
  // starts with `prefix`.
  absl::Status ScanFrom(Cf cf, absl::string_view prefix, absl::string_view start,
                        absl::FunctionRef<bool(absl::string_view key, absl::string_view value)> fn);

 private:
  // Points *value at the bytes of `key` (overlay, cache or `buffer`); false when absent.
  absl::StatusOr<bool> Read(Cf cf, absl::string_view key, std::string* buffer,
                            const std::string** value);

  // Read and ScanFrom of a history family in as-of mode.
  absl::StatusOr<bool> ReadAsOf(Cf cf, absl::string_view key, std::string* buffer);
  absl::Status ScanAsOf(Cf cf, absl::string_view prefix, absl::string_view start,
                        absl::FunctionRef<bool(absl::string_view, absl::string_view)> fn);

  const StoreImpl& store_;
  Overlay* overlay_;
  ReadCache* cache_;
  const Prefetched* prefetched_ = nullptr;
  rocksdb::ReadOptions read_;
  std::string scratch_;
  std::optional<uint64_t> as_of_;
};

}  // namespace cti::projections::internal

#endif  // CTI_PROJECTIONS_INTERNAL_TXN_H_
