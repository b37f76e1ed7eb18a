#include "projections/internal/read_cache.h"

#include <utility>

namespace cti::projections::internal {

ReadCache::Known ReadCache::Lookup(Cf cf, absl::string_view key, const std::string** value) const {
  if (!Cached(cf)) return Known::kUnknown;
  const auto& map = maps_[static_cast<int>(cf)];
  auto it = map.find(key);
  if (it == map.end()) return Known::kUnknown;
  if (!it->second.has_value()) return Known::kAbsent;
  *value = &*it->second;
  return Known::kPresent;
}

void ReadCache::MakeRoom() {
  if (entries_ < max_entries_) return;
  Clear();
}

void ReadCache::Remember(Cf cf, absl::string_view key, const std::string* value) {
  if (!Cached(cf)) return;
  MakeRoom();
  auto [it, inserted] = maps_[static_cast<int>(cf)].try_emplace(key);
  if (inserted) ++entries_;
  if (value == nullptr) {
    it->second.reset();
  } else {
    it->second = *value;
  }
}

void ReadCache::Absorb(Overlay& overlay) {
  for (int i = 0; i < kCfCount; ++i) {
    const Cf cf = static_cast<Cf>(i);
    if (!Cached(cf)) continue;
    auto& map = maps_[i];
    for (auto& [key, entry] : overlay.mutable_batch_entries(cf)) {
      MakeRoom();
      auto [it, inserted] = map.try_emplace(key);
      if (inserted) ++entries_;
      if (entry.deleted) {
        it->second.reset();
      } else {
        it->second = std::move(entry.value);
      }
    }
  }
}

void ReadCache::SetSkipStaged(bool skip) {
  skip_staged_ = skip;
  if (!skip) return;
  for (int i = 0; i < kCfCount; ++i) {
    if (!StagedFamily(static_cast<Cf>(i))) continue;
    entries_ -= maps_[i].size();
    decltype(maps_)::value_type().swap(maps_[i]);
  }
}

void ReadCache::Clear() {
  for (auto& map : maps_) map.clear();
  entries_ = 0;
}

}  // namespace cti::projections::internal
