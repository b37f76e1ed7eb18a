// WrittenKeys: a Bloom filter over the keys written to a store that was empty when the
// filter was started, so that the projector learns that a key is absent without asking
// RocksDB. Most keys a rebuild looks up are new (event ids, calls, messages, ...), and a
// RocksDB lookup that misses still probes the memtables and every level-0 file.
//
// Contract: no false negatives. MayContain(cf, key) is true for every key passed to Add
// (and, rarely, for others). A store's filter is only correct while every write to the
// store goes through Add: StoreImpl keeps one during a bulk load of an empty store only.
// Limitations: grows in segments up to kMaxKeys; past that it is full() and must not
// be used any more. Not thread-safe: the projector's thread only.
#ifndef CTI_PROJECTIONS_INTERNAL_WRITTEN_KEYS_H_
#define CTI_PROJECTIONS_INTERNAL_WRITTEN_KEYS_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"
#include "projections/internal/keys.h"

namespace cti::projections::internal {

class WrittenKeys {
 public:
  static constexpr size_t kMaxKeys = size_t{1} << 27;  // about 200 MiB of filter

  void Add(Cf cf, absl::string_view key);
  bool MayContain(Cf cf, absl::string_view key) const;
  // True once more than kMaxKeys were added: the filter no longer answers.
  bool full() const { return full_; }

 private:
  // A blocked Bloom filter: each key sets kProbes bits of one 512-bit block.
  struct Segment {
    std::vector<uint64_t> words;  // blocks of 8 words
    size_t capacity = 0;          // keys it was sized for
    size_t keys = 0;
  };
  static constexpr int kProbes = 6;
  static constexpr size_t kBitsPerKey = 12;
  // Every segment is probed for a key it does not have (a cache miss each): the first
  // one is large enough for most stores (1.5 MiB).
  static constexpr size_t kFirstSegmentKeys = size_t{1} << 20;
  static uint64_t HashOf(Cf cf, absl::string_view key);
  static bool SegmentMayContain(const Segment& segment, uint64_t hash);

  std::vector<Segment> segments_;  // each twice the size of the one before
  size_t total_keys_ = 0;
  bool full_ = false;
};

}  // namespace cti::projections::internal

#endif  // CTI_PROJECTIONS_INTERNAL_WRITTEN_KEYS_H_
