// ReadCache: committed values of the hot column families (directory, calls),
// kept in memory by the projector so a record that reads an employee or a call does not
// go to RocksDB each time. It only ever holds what the store holds: filled from reads of
// committed state and updated from each batch after it was written. Transparent to the
// results: dropping it at any moment changes nothing but speed.
//
// Concurrency: used by the one projector thread only (Store allows one writer).
// Limitations: bounded; when full it is emptied and refills.
#ifndef CTI_PROJECTIONS_INTERNAL_READ_CACHE_H_
#define CTI_PROJECTIONS_INTERNAL_READ_CACHE_H_

#include <array>
#include <cstddef>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "projections/internal/keys.h"
#include "projections/internal/overlay.h"

namespace cti::projections::internal {

class ReadCache {
 public:
  explicit ReadCache(size_t max_entries = 1 << 18) : max_entries_(max_entries) {}

  // What the cache knows of `key`.
  enum class Known { kUnknown, kAbsent, kPresent };
  // On kPresent, `*value` points at the cached value (valid until the next change).
  Known Lookup(Cf cf, absl::string_view key, const std::string** value) const;

  // Records the committed value of `key` (null: absent). Ignored for uncached families.
  void Remember(Cf cf, absl::string_view key, const std::string* value);

  // Folds a batch that was just written into the cache, taking its values (the overlay
  // is left without them).
  void Absorb(Overlay& overlay);

  void Clear();

  // While `skip` (a private bulk load): the staged families (staged.h) are not cached,
  // and what was cached of them is dropped.
  void SetSkipStaged(bool skip);

 private:
  // Directory records and call state are read again and again; calendar entries, event
  // ids and the search index are mostly written once or scanned.
  bool Cached(Cf cf) const {
    return (cf == Cf::kDirectory || cf == Cf::kCalls) && !(skip_staged_ && StagedFamily(cf));
  }
  void MakeRoom();

  const size_t max_entries_;
  size_t entries_ = 0;
  bool skip_staged_ = false;
  // nullopt: known absent.
  std::array<absl::flat_hash_map<std::string, std::optional<std::string>>, kCfCount> maps_;
};

}  // namespace cti::projections::internal

#endif  // CTI_PROJECTIONS_INTERNAL_READ_CACHE_H_
