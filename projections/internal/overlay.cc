#include "projections/internal/overlay.h"

#include <algorithm>
#include <map>
#include <utility>

#include "projections/internal/history.h"
#include "projections/internal/key_order.h"
#include "projections/internal/staged.h"
#include "projections/internal/store_impl.h"

namespace cti::projections::internal {

const Overlay::Entry* Overlay::Find(Cf cf, absl::string_view key) const {
  for (auto it = record_.rbegin(); it != record_.rend(); ++it) {
    if (it->cf == cf && it->key == key) return &it->entry;
  }
  const Map& map = batch_[static_cast<int>(cf)];
  if (map.empty()) return nullptr;
  auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

Overlay::Entry& Overlay::RecordEntry(Cf cf, absl::string_view key) {
  for (RecordWrite& w : record_) {
    if (w.cf == cf && w.key == key) return w.entry;
  }
  RecordWrite& w = record_.emplace_back();
  w.cf = cf;
  w.key.assign(key.data(), key.size());
  return w.entry;
}

void Overlay::Set(Cf cf, absl::string_view key, bool deleted, absl::string_view value) {
  Entry& entry = RecordEntry(cf, key);
  entry.deleted = deleted;
  entry.value.assign(value.data(), value.size());
}

std::string* Overlay::PutInPlace(Cf cf, absl::string_view key) {
  Entry& entry = RecordEntry(cf, key);
  entry.deleted = false;
  entry.value.clear();
  return &entry.value;
}

void Overlay::Put(Cf cf, absl::string_view key, absl::string_view value) {
  Set(cf, key, false, value);
}

void Overlay::Delete(Cf cf, absl::string_view key) { Set(cf, key, true, absl::string_view()); }

void Overlay::KeepHistory() {
  for (const RecordWrite& w : record_) {
    if (!HistoryFamily(w.cf)) continue;
    std::string& value =
        history_.emplace_back(HistoryKey(w.cf, w.key, history_position_), std::string()).second;
    AppendHistoryValue(w.entry.deleted, w.entry.value, &value);
  }
}

void Overlay::CommitRecord() {
  if (history_position_ != 0) KeepHistory();
  if (staged_ == nullptr) {
    for (RecordWrite& w : record_) {
      batch_[static_cast<int>(w.cf)].insert_or_assign(std::move(w.key), std::move(w.entry));
    }
    record_.clear();
    return;
  }
  store_->WithKeyFilter([&](WrittenKeys* written) {
    for (RecordWrite& w : record_) {
      if (!StagedFamily(w.cf)) {
        batch_[static_cast<int>(w.cf)].insert_or_assign(std::move(w.key), std::move(w.entry));
        continue;
      }
      if (written != nullptr && !w.entry.deleted) written->Add(w.cf, w.key);
      staged_->Put(w.cf, std::move(w.key), std::move(w.entry.value), w.entry.deleted);
    }
  });
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
  if (!record_.empty() || !history_.empty()) return false;
  for (const Map& map : batch_) {
    if (!map.empty()) return false;
  }
  return true;
}

absl::Status Overlay::AppendTo(const StoreImpl& store, rocksdb::WriteBatch* batch) const {
  std::vector<const Map::value_type*> sorted;
  absl::Status status;
  store.WithKeyFilter([&](WrittenKeys* written) {
    for (int i = 0; i < kCfCount && status.ok(); ++i) {
      if (batch_[i].empty()) continue;
      rocksdb::ColumnFamilyHandle* cf = store.cf(static_cast<Cf>(i));
      sorted.clear();
      sorted.reserve(batch_[i].size());
      for (const auto& kv : batch_[i]) sorted.push_back(&kv);
      SortByKey(&sorted, [](const Map::value_type* kv) { return absl::string_view(kv->first); });
      for (const Map::value_type* kv : sorted) {
        const Entry& entry = kv->second;
        if (written != nullptr && !entry.deleted) written->Add(static_cast<Cf>(i), kv->first);
        rocksdb::Status s =
            entry.deleted ? batch->Delete(cf, kv->first) : batch->Put(cf, kv->first, entry.value);
        if (!s.ok()) {
          status = FromRocks(s, "building a write batch");
          break;
        }
      }
    }
  });
  if (!status.ok() || history_.empty()) return status;
  std::vector<const std::pair<std::string, std::string>*> versions;
  versions.reserve(history_.size());
  for (const auto& version : history_) versions.push_back(&version);
  SortByKey(&versions, [](const std::pair<std::string, std::string>* version) {
    return absl::string_view(version->first);
  });
  rocksdb::ColumnFamilyHandle* cf = store.cf(Cf::kHistory);
  for (const auto* version : versions) {
    rocksdb::Status s = batch->Put(cf, version->first, version->second);
    if (!s.ok()) return FromRocks(s, "building a write batch");
  }
  return absl::OkStatus();
}

}  // namespace cti::projections::internal
