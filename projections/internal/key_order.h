// SortByKey: sorts items into RocksDB's bytewise key order, fast for keys that share a
// long prefix (tenant, tag, the start of the ids): it compares the 8 bytes after the
// longest common prefix as one integer and the whole keys only on a tie. Bytes compare
// unsigned and a shorter key is padded with zeros, so the integer order never
// contradicts the keys' order. Pure; the items are reordered in place.
#ifndef CTI_PROJECTIONS_INTERNAL_KEY_ORDER_H_
#define CTI_PROJECTIONS_INTERNAL_KEY_ORDER_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace cti::projections::internal {

// `key_of(item)` gives the item's key (an absl::string_view, valid while sorting).
template <typename T, typename KeyOf>
void SortByKey(std::vector<T>* items, KeyOf key_of) {
  if (items->size() < 2) return;
  const absl::string_view first = key_of((*items)[0]);
  size_t common = first.size();
  for (const T& item : *items) {
    const absl::string_view key = key_of(item);
    const size_t n = std::min(common, key.size());
    size_t i = 0;
    while (i < n && key[i] == first[i]) ++i;
    common = i;
  }
  std::vector<std::pair<uint64_t, T>> keyed;
  keyed.reserve(items->size());
  for (T& item : *items) {
    const absl::string_view key = key_of(item);
    uint64_t window = 0;
    for (size_t i = 0; i < 8; ++i) {
      const size_t at = common + i;
      window = window << 8 | (at < key.size() ? static_cast<unsigned char>(key[at]) : 0u);
    }
    keyed.emplace_back(window, std::move(item));
  }
  std::sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return key_of(a.second) < key_of(b.second);
  });
  for (size_t i = 0; i < keyed.size(); ++i) (*items)[i] = std::move(keyed[i].second);
}

}  // namespace cti::projections::internal

#endif  // CTI_PROJECTIONS_INTERNAL_KEY_ORDER_H_
