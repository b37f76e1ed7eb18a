#include "projections/internal/txn.h"

#include <memory>
#include <utility>
#include <vector>

namespace cti::projections::internal {

Txn::Txn(const StoreImpl& store, Overlay* overlay, ReadCache* cache,
         const rocksdb::Snapshot* snapshot)
    : store_(store), overlay_(overlay), cache_(cache) {
  read_.snapshot = snapshot;
}

absl::StatusOr<bool> Txn::Read(Cf cf, absl::string_view key, std::string* buffer,
                               const std::string** value) {
  if (const Overlay::Entry* pending = overlay_->Find(cf, key); pending != nullptr) {
    *value = &pending->value;
    return !pending->deleted;
  }
  if (const auto& prefetched = prefetched_[static_cast<int>(cf)]; !prefetched.empty()) {
    if (auto it = prefetched.find(key); it != prefetched.end()) {
      if (!it->second.has_value()) return false;
      *value = &*it->second;
      return true;
    }
  }
  if (cache_ != nullptr) {
    switch (cache_->Lookup(cf, key, value)) {
      case ReadCache::Known::kPresent:
        return true;
      case ReadCache::Known::kAbsent:
        return false;
      case ReadCache::Known::kUnknown:
        break;
    }
  }
  rocksdb::Status s = store_.db()->Get(read_, store_.cf(cf), ToSlice(key), buffer);
  if (s.IsNotFound()) {
    if (cache_ != nullptr) cache_->Remember(cf, key, nullptr);
    return false;
  }
  if (!s.ok()) return FromRocks(s, absl::StrCat("reading ", CfName(cf)));
  if (cache_ != nullptr) cache_->Remember(cf, key, buffer);
  *value = buffer;
  return true;
}

absl::Status Txn::Prefetch(Cf cf, const std::vector<std::string>& keys) {
  if (keys.empty()) return absl::OkStatus();
  std::vector<rocksdb::Slice> slices;
  slices.reserve(keys.size());
  for (const std::string& key : keys) slices.emplace_back(key);
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  store_.db()->MultiGet(read_, store_.cf(cf), keys.size(), slices.data(), values.data(),
                        statuses.data());
  auto& prefetched = prefetched_[static_cast<int>(cf)];
  for (size_t i = 0; i < keys.size(); ++i) {
    if (statuses[i].IsNotFound()) {
      prefetched.try_emplace(keys[i], std::nullopt);
    } else if (statuses[i].ok()) {
      prefetched.try_emplace(keys[i], values[i].ToString());
    } else {
      return FromRocks(statuses[i], absl::StrCat("reading ", CfName(cf)));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> Txn::Get(Cf cf, absl::string_view key, std::string* value) {
  const std::string* found = nullptr;
  absl::StatusOr<bool> present = Read(cf, key, value, &found);
  if (present.ok() && *present && found != value) value->assign(*found);
  return present;
}

absl::StatusOr<bool> Txn::GetProto(Cf cf, absl::string_view key,
                                   google::protobuf::MessageLite* msg) {
  const std::string* found = nullptr;
  absl::StatusOr<bool> present = Read(cf, key, &scratch_, &found);
  if (!present.ok() || !*present) return present;
  if (!msg->ParseFromString(*found)) {
    return absl::DataLossError(absl::StrCat("projection store: a ", msg->GetTypeName(), " in ",
                                            CfName(cf), " cannot be parsed"));
  }
  return true;
}

absl::Status Txn::Put(Cf cf, absl::string_view key, absl::string_view value) {
  overlay_->Put(cf, key, value);
  return absl::OkStatus();
}

absl::Status Txn::PutProto(Cf cf, absl::string_view key, const google::protobuf::MessageLite& msg) {
  scratch_.clear();
  if (!msg.SerializeToString(&scratch_)) {
    return absl::InternalError(absl::StrCat("cannot serialize a ", msg.GetTypeName()));
  }
  return Put(cf, key, scratch_);
}

absl::Status Txn::Delete(Cf cf, absl::string_view key) {
  overlay_->Delete(cf, key);
  return absl::OkStatus();
}

absl::Status Txn::Scan(Cf cf, absl::string_view prefix,
                       absl::FunctionRef<bool(absl::string_view, absl::string_view)> fn) {
  const std::string upper = PrefixSuccessor(prefix);
  rocksdb::ReadOptions read = read_;
  rocksdb::Slice upper_slice(upper);
  if (!upper.empty()) read.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(store_.db()->NewIterator(read, store_.cf(cf)));
  std::vector<std::pair<absl::string_view, const Overlay::Entry*>> pending;
  overlay_->ForEachInRange(cf, prefix, upper, [&](absl::string_view key, const Overlay::Entry& e) {
    pending.emplace_back(key, &e);
  });
  auto ov = pending.begin();
  it->Seek(ToSlice(prefix));
  // Merge the store's keys with the pending writes; a pending write wins on equal keys.
  while (true) {
    const bool db_valid = it->Valid();
    const bool ov_valid = ov != pending.end();
    if (!db_valid && !ov_valid) break;
    const absl::string_view db_key =
        db_valid ? absl::string_view(it->key().data(), it->key().size()) : absl::string_view();
    if (ov_valid && (!db_valid || ov->first <= db_key)) {
      if (db_valid && ov->first == db_key) it->Next();
      if (!ov->second->deleted && !fn(ov->first, ov->second->value)) break;
      ++ov;
    } else {
      if (!fn(db_key, absl::string_view(it->value().data(), it->value().size()))) break;
      it->Next();
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), absl::StrCat("scanning ", CfName(cf)));
  return absl::OkStatus();
}

}  // namespace cti::projections::internal
