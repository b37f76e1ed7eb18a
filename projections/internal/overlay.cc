#include "projections/internal/overlay.h"

#include <algorithm>
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
  const auto in_range = [&](absl::string_view key) {
    return key >= lower && (upper.empty() || key < upper);
  };
  std::map<absl::string_view, const Entry*> merged;
  for (const auto& [key, entry] : batch_[static_cast<int>(cf)]) {
    if (in_range(key)) merged[key] = &entry;
  }
  for (const RecordWrite& w : record_) {  // the record's writes win
    const absl::string_view key(w.key);
    if (w.cf == cf && in_range(key)) merged[key] = &w.entry;
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
  std::vector<const Map::value_type*> sorted;
  WrittenKeys* written = store.written_keys();
  for (int i = 0; i < kCfCount; ++i) {
    rocksdb::ColumnFamilyHandle* cf = store.cf(static_cast<Cf>(i));
    sorted.clear();
    sorted.reserve(batch_[i].size());
    for (const auto& kv : batch_[i]) sorted.push_back(&kv);
    std::sort(sorted.begin(), sorted.end(), [](const Map::value_type* a, const Map::value_type* b) {
      return a->first < b->first;
    });
    for (const Map::value_type* kv : sorted) {
      const Entry& entry = kv->second;
      if (written != nullptr && !entry.deleted) written->Add(static_cast<Cf>(i), kv->first);
      rocksdb::Status s =
          entry.deleted ? batch->Delete(cf, kv->first) : batch->Put(cf, kv->first, entry.value);
      if (!s.ok()) return FromRocks(s, "building a write batch");
    }
  }
  return absl::OkStatus();
}

}  // namespace cti::projections::internal
