#include "projections/internal/written_keys.h"

#include <utility>

#include "absl/hash/hash.h"

namespace cti::projections::internal {

uint64_t WrittenKeys::HashOf(Cf cf, absl::string_view key) {
  return absl::Hash<std::pair<int, absl::string_view>>()({static_cast<int>(cf), key});
}

bool WrittenKeys::SegmentMayContain(const Segment& segment, uint64_t hash) {
  const size_t blocks = segment.words.size() / 8;
  const uint64_t* block = &segment.words[(hash % blocks) * 8];
  uint64_t h = hash >> 20 | hash << 44;
  for (int i = 0; i < kProbes; ++i, h >>= 9) {
    const uint32_t bit = static_cast<uint32_t>(h & 511);
    if ((block[bit >> 6] & (uint64_t{1} << (bit & 63))) == 0) return false;
  }
  return true;
}

void WrittenKeys::Add(Cf cf, absl::string_view key) {
  if (full_) return;
  if (++total_keys_ > kMaxKeys) {
    full_ = true;
    segments_.clear();
    segments_.shrink_to_fit();
    return;
  }
  if (segments_.empty() || segments_.back().keys == segments_.back().capacity) {
    Segment next;
    next.capacity = segments_.empty() ? kFirstSegmentKeys : 2 * segments_.back().capacity;
    next.words.assign((next.capacity * kBitsPerKey / 512 + 1) * 8, 0);
    segments_.push_back(std::move(next));
  }
  Segment& segment = segments_.back();
  ++segment.keys;
  const uint64_t hash = HashOf(cf, key);
  const size_t blocks = segment.words.size() / 8;
  uint64_t* block = &segment.words[(hash % blocks) * 8];
  uint64_t h = hash >> 20 | hash << 44;
  for (int i = 0; i < kProbes; ++i, h >>= 9) {
    const uint32_t bit = static_cast<uint32_t>(h & 511);
    block[bit >> 6] |= uint64_t{1} << (bit & 63);
  }
}

bool WrittenKeys::MayContain(Cf cf, absl::string_view key) const {
  if (full_) return true;
  const uint64_t hash = HashOf(cf, key);
  for (auto it = segments_.rbegin(); it != segments_.rend(); ++it) {
    if (SegmentMayContain(*it, hash)) return true;
  }
  return false;
}

}  // namespace cti::projections::internal
