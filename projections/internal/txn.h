// Txn: how the apply rules read and write. Reads see the pending writes (the Overlay)
// on top of the store, so a later record of a batch sees the earlier ones; writes go to
// the Overlay only. Apply commits the Overlay; Validate discards it.
//
// Concurrency: one thread per Txn. Errors are storage failures (UNAVAILABLE, DATA_LOSS,
// INTERNAL), never the rule codes.
#ifndef CTI_PROJECTIONS_INTERNAL_TXN_H_
#define CTI_PROJECTIONS_INTERNAL_TXN_H_

#include <array>
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

class Txn {
 public:
  // `store` and `overlay` must outlive the Txn. `cache` (may be null) holds committed
  // values and is only passed by the projector thread. `snapshot` (may be null: the live
  // DB) is the state reads see beneath the overlay.
  Txn(const StoreImpl& store, Overlay* overlay, ReadCache* cache,
      const rocksdb::Snapshot* snapshot);

  // Reads `key` into `*value`: true when present, false when absent.
  absl::StatusOr<bool> Get(Cf cf, absl::string_view key, std::string* value);
  // Reads and parses a stored message. DATA_LOSS when it does not parse.
  absl::StatusOr<bool> GetProto(Cf cf, absl::string_view key, google::protobuf::MessageLite* msg);

  absl::Status Put(Cf cf, absl::string_view key, absl::string_view value);
  absl::Status PutProto(Cf cf, absl::string_view key, const google::protobuf::MessageLite& msg);
  absl::Status Delete(Cf cf, absl::string_view key);

  // Reads `keys` of `cf` from the store in one batched lookup and keeps the answers for
  // later Gets in this Txn (pending writes still win). For keys a batch is known to ask
  // for, e.g. the event ids of its records. REQUIRES: nothing but this Txn writes the
  // store meanwhile.
  absl::Status Prefetch(Cf cf, const std::vector<std::string>& keys);

  // Calls fn(key, value) for each key starting with `prefix`, in key order, until fn
  // returns false. REQUIRES: fn does not write through this Txn.
  absl::Status Scan(Cf cf, absl::string_view prefix,
                    absl::FunctionRef<bool(absl::string_view key, absl::string_view value)> fn);

 private:
  // Points *value at the bytes of `key` (overlay, cache or `buffer`); false when absent.
  absl::StatusOr<bool> Read(Cf cf, absl::string_view key, std::string* buffer,
                            const std::string** value);

  const StoreImpl& store_;
  Overlay* overlay_;
  ReadCache* cache_;
  // Prefetched committed values; nullopt: absent.
  std::array<absl::flat_hash_map<std::string, std::optional<std::string>>, kCfCount> prefetched_;
  rocksdb::ReadOptions read_;
  std::string scratch_;
};

}  // namespace cti::projections::internal

#endif  // CTI_PROJECTIONS_INTERNAL_TXN_H_
