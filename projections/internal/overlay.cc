#include "projections/internal/overlay.h"

#include "projections/internal/store_impl.h"

namespace cti::projections::internal {

const Overlay::Entry* Overlay::Find(Cf cf, absl::string_view key) const {
  const Map& map = maps_[static_cast<int>(cf)];
  auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

void Overlay::Remember(Cf cf, const std::string& key) {
  if (!recording_) return;
  const Map& map = maps_[static_cast<int>(cf)];
  auto it = map.find(key);
  if (it == map.end()) {
    undo_.push_back(Undo{cf, key, false, Entry()});
  } else {
    undo_.push_back(Undo{cf, key, true, it->second});
  }
}

void Overlay::Put(Cf cf, absl::string_view key, absl::string_view value) {
  std::string k(key);
  Remember(cf, k);
  Entry& e = maps_[static_cast<int>(cf)][std::move(k)];
  e.deleted = false;
  e.value.assign(value.data(), value.size());
}

void Overlay::Delete(Cf cf, absl::string_view key) {
  std::string k(key);
  Remember(cf, k);
  Entry& e = maps_[static_cast<int>(cf)][std::move(k)];
  e.deleted = true;
  e.value.clear();
}

void Overlay::SetSavePoint() {
  undo_.clear();
  recording_ = true;
}

void Overlay::RollbackToSavePoint() {
  for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) {
    Map& map = maps_[static_cast<int>(it->cf)];
    if (it->existed) {
      map[it->key] = std::move(it->previous);
    } else {
      map.erase(it->key);
    }
  }
  undo_.clear();
  recording_ = false;
}

void Overlay::PopSavePoint() {
  undo_.clear();
  recording_ = false;
}

bool Overlay::empty() const {
  for (const Map& map : maps_) {
    if (!map.empty()) return false;
  }
  return true;
}

absl::Status Overlay::AppendTo(const StoreImpl& store, rocksdb::WriteBatch* batch) const {
  for (int i = 0; i < kCfCount; ++i) {
    rocksdb::ColumnFamilyHandle* cf = store.cf(static_cast<Cf>(i));
    for (const auto& [key, entry] : maps_[i]) {
      rocksdb::Status s = entry.deleted ? batch->Delete(cf, key) : batch->Put(cf, key, entry.value);
      if (!s.ok()) return FromRocks(s, "building a write batch");
    }
  }
  return absl::OkStatus();
}

}  // namespace cti::projections::internal
