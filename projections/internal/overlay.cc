#include "projections/internal/overlay.h"

#include <map>
#include <utility>

#include "projections/internal/store_impl.h"

namespace cti::projections::internal {

const Overlay::Entry* Overlay::Find(Cf cf, absl::string_view key) const {
  for (auto it = record_.rbegin(); it != record_.rend(); ++it) {
    if (it->cf == cf && it->key == key) return &it->entry;
  }
  const Map& map = batch_[static_cast<int>(cf)];
  auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

void Overlay::Set(Cf cf, absl::string_view key, bool deleted, absl::string_view value) {
  for (RecordWrite& w : record_) {
    if (w.cf == cf && w.key == key) {
      w.entry.deleted = deleted;
      w.entry.value.assign(value.data(), value.size());
      return;
    }
  }
  record_.push_back(RecordWrite{cf, std::string(key), Entry{deleted, std::string(value)}});
}

void Overlay::Put(Cf cf, absl::string_view key, absl::string_view value) {
  Set(cf, key, false, value);
}

void Overlay::Delete(Cf cf, absl::string_view key) { Set(cf, key, true, absl::string_view()); }

void Overlay::CommitRecord() {
  for (RecordWrite& w : record_) {
    batch_[static_cast<int>(w.cf)].insert_or_assign(std::move(w.key), std::move(w.entry));
  }
  record_.clear();
}

void Overlay::DiscardRecord() { record_.clear(); }

void Overlay::ForEachInRange(Cf cf, absl::string_view lower, absl::string_view upper,
                             absl::FunctionRef<void(absl::string_view, const Entry&)> fn) const {
  const Map& batch = batch_[static_cast<int>(cf)];
  std::map<absl::string_view, const Entry*> merged;
  auto end = upper.empty() ? batch.end() : batch.lower_bound(upper);
  for (auto it = batch.lower_bound(lower); it != end; ++it) merged[it->first] = &it->second;
  for (const RecordWrite& w : record_) {  // the record's writes win
    const absl::string_view key(w.key);
    if (w.cf == cf && key >= lower && (upper.empty() || key < upper)) merged[key] = &w.entry;
  }
  for (const auto& [key, entry] : merged) fn(key, *entry);
}

bool Overlay::empty() const {
  if (!record_.empty()) return false;
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
