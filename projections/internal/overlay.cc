#include "projections/internal/overlay.h"

#include <map>
#include <utility>

#include "projections/internal/store_impl.h"

namespace cti::projections::internal {

const Overlay::Entry* Overlay::Find(Cf cf, absl::string_view key) const {
  const int i = static_cast<int>(cf);
  if (record_dirty_) {
    auto it = record_[i].find(key);
    if (it != record_[i].end()) return &it->second;
  }
  auto it = batch_[i].find(key);
  return it == batch_[i].end() ? nullptr : &it->second;
}

void Overlay::Set(Map& map, absl::string_view key, bool deleted, absl::string_view value) {
  auto it = map.find(key);
  if (it == map.end()) it = map.emplace(std::string(key), Entry()).first;
  it->second.deleted = deleted;
  it->second.value.assign(value.data(), value.size());
}

void Overlay::Put(Cf cf, absl::string_view key, absl::string_view value) {
  record_dirty_ = true;
  Set(record_[static_cast<int>(cf)], key, false, value);
}

void Overlay::Delete(Cf cf, absl::string_view key) {
  record_dirty_ = true;
  Set(record_[static_cast<int>(cf)], key, true, absl::string_view());
}

void Overlay::CommitRecord() {
  if (!record_dirty_) return;
  for (int i = 0; i < kCfCount; ++i) {
    Map& from = record_[i];
    Map& to = batch_[i];
    while (!from.empty()) {
      auto node = from.extract(from.begin());
      auto it = to.find(node.key());
      if (it != to.end()) {
        it->second = std::move(node.mapped());
      } else {
        to.insert(std::move(node));
      }
    }
  }
  record_dirty_ = false;
}

void Overlay::DiscardRecord() {
  if (!record_dirty_) return;
  for (Map& map : record_) map.clear();
  record_dirty_ = false;
}

void Overlay::ForEachInRange(Cf cf, absl::string_view lower, absl::string_view upper,
                             absl::FunctionRef<void(absl::string_view, const Entry&)> fn) const {
  const int i = static_cast<int>(cf);
  std::map<absl::string_view, const Entry*> merged;
  for (const Map* map : {&batch_[i], &record_[i]}) {
    auto end = upper.empty() ? map->end() : map->lower_bound(upper);
    for (auto it = map->lower_bound(lower); it != end; ++it) merged[it->first] = &it->second;
  }
  for (const auto& [key, entry] : merged) fn(key, *entry);
}

bool Overlay::empty() const {
  if (record_dirty_) return false;
  for (const Map& map : batch_) {
    if (!map.empty()) return false;
  }
  return true;
}

absl::Status Overlay::AppendTo(const StoreImpl& store, rocksdb::WriteBatch* batch) const {
  for (int i = 0; i < kCfCount; ++i) {
    rocksdb::ColumnFamilyHandle* cf = store.cf(static_cast<Cf>(i));
    for (const auto& [key, entry] : batch_[i]) {
      rocksdb::Status s = entry.deleted ? batch->Delete(cf, key) : batch->Put(cf, key, entry.value);
      if (!s.ok()) return FromRocks(s, "building a write batch");
    }
  }
  return absl::OkStatus();
}

}  // namespace cti::projections::internal
