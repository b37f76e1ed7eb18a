#include "projections/internal/txn.h"

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "projections/internal/history.h"
#include "projections/internal/status_macros.h"

namespace cti::projections::internal {
namespace {

// What a cache's answer decides: present (true), absent (false), or nothing (read on).
std::optional<bool> Decided(ReadCache::Known known) {
  switch (known) {
    case ReadCache::Known::kPresent:
      return true;
    case ReadCache::Known::kAbsent:
      return false;
    case ReadCache::Known::kUnknown:
      break;
  }
  return std::nullopt;
}

// The version of a key of `cf` that `it` is on (a history value, history.h).
absl::Status ParseVersion(Cf cf, const rocksdb::Iterator& it, bool* deleted,
                          absl::string_view* value) {
  if (!ParseHistoryValue(absl::string_view(it.value().data(), it.value().size()), deleted, value)) {
    return absl::DataLossError(
        absl::StrCat("projection store: a ", CfName(cf), " version in history cannot be parsed"));
  }
  return absl::OkStatus();
}

}  // namespace

Txn::Txn(const StoreImpl& store, Overlay* overlay, ReadCache* cache,
         const rocksdb::Snapshot* snapshot, std::optional<uint64_t> as_of)
    : store_(store), overlay_(overlay), cache_(cache), as_of_(as_of) {
  read_.snapshot = snapshot;
}

absl::StatusOr<bool> Txn::ReadAsOf(Cf cf, absl::string_view key, std::string* buffer) {
  const std::string upper = HistoryKeyEnd(cf, key);
  rocksdb::ReadOptions read = read_;
  const rocksdb::Slice upper_slice(upper);
  read.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(store_.db()->NewIterator(read, store_.cf(Cf::kHistory)));
  // The key's versions run newest first: the first at or after this is the last one
  // written at or before the position.
  it->Seek(ToSlice(HistoryKey(cf, key, *as_of_)));
  if (!it->status().ok()) return FromRocks(it->status(), "reading history");
  if (!it->Valid()) return false;
  bool deleted = false;
  absl::string_view value;
  CTI_RETURN_IF_ERROR(ParseVersion(cf, *it, &deleted, &value));
  if (deleted) return false;
  buffer->assign(value.data(), value.size());
  return true;
}

absl::Status Txn::ScanAsOf(Cf cf, absl::string_view prefix, absl::string_view start,
                           absl::FunctionRef<bool(absl::string_view, absl::string_view)> fn) {
  const std::string upper = PrefixSuccessor(HistoryPrefix(cf, prefix));
  rocksdb::ReadOptions read = read_;
  const rocksdb::Slice upper_slice(upper);
  if (!upper.empty()) read.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(store_.db()->NewIterator(read, store_.cf(Cf::kHistory)));
  ParsedHistoryKey parsed;
  it->Seek(ToSlice(HistoryPrefix(cf, start)));
  while (it->Valid()) {
    if (!ParseHistoryKey(absl::string_view(it->key().data(), it->key().size()), &parsed) ||
        parsed.cf != cf) {
      return absl::DataLossError(
          absl::StrCat("projection store: a history key of ", CfName(cf), " is malformed"));
    }
    if (parsed.position > *as_of_) {
      // Written after the position: on to the key's version at or before it, if any.
      it->Seek(ToSlice(HistoryKey(cf, parsed.key, *as_of_)));
      continue;
    }
    bool deleted = false;
    absl::string_view value;
    CTI_RETURN_IF_ERROR(ParseVersion(cf, *it, &deleted, &value));
    if (!deleted && !fn(parsed.key, value)) break;
    it->Seek(ToSlice(HistoryKeyEnd(cf, parsed.key)));  // past the key's older versions
  }
  if (!it->status().ok()) return FromRocks(it->status(), "scanning history");
  return absl::OkStatus();
}

absl::StatusOr<bool> Txn::Read(Cf cf, absl::string_view key, std::string* buffer,
                               const std::string** value) {
  if (as_of_.has_value() && HistoryFamily(cf)) {
    absl::StatusOr<bool> found = ReadAsOf(cf, key, buffer);
    if (found.ok() && *found) *value = buffer;
    return found;
  }
  if (const Overlay::Entry* pending = overlay_->Find(cf, key); pending != nullptr) {
    *value = &pending->value;
    return !pending->deleted;
  }
  // The projector's own Txn (the one with the cache) may know the key was never written
  // (then nothing below has it: the filter holds every key the store ever had).
  if (const WrittenKeys* written = cache_ != nullptr ? store_.written_keys() : nullptr;
      written != nullptr && cf != Cf::kMeta && !written->MayContain(cf, key)) {
    return false;
  }
  // It reads what a private bulk load staged before anything else.
  if (const Staging* staged = cache_ != nullptr ? store_.staged() : nullptr;
      staged != nullptr && StagedFamily(cf)) {
    if (std::optional<bool> found = Decided(staged->Lookup(cf, key, value))) return *found;
  }
  if (prefetched_ != nullptr && prefetched_->cf() == cf) {
    if (std::optional<bool> found = Decided(prefetched_->Lookup(key, value))) return *found;
  }
  if (cache_ != nullptr) {
    if (std::optional<bool> found = Decided(cache_->Lookup(cf, key, value))) return *found;
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

absl::Status Prefetched::Load(const StoreImpl& store, Cf cf, const rocksdb::ReadOptions& read,
                              const std::vector<absl::string_view>& keys) {
  Clear();
  cf_ = cf;
  answers_.reserve(keys.size());
  // Keys the store never had are answered without a lookup (see written_keys.h); staged
  // keys are read from the staging area by Txn::Read, before it asks here.
  const WrittenKeys* written = store.written_keys();
  const Staging* staged = StagedFamily(cf) ? store.staged() : nullptr;
  for (absl::string_view key : keys) {
    const std::string* unused = nullptr;
    if (written != nullptr && !written->MayContain(cf, key)) {
      continue;  // Txn::Read asks the filter first: nothing to remember
    } else if (staged != nullptr &&
               staged->Lookup(cf, key, &unused) != ReadCache::Known::kUnknown) {
      continue;
    } else {
      slices_.push_back(ToSlice(key));
    }
  }
  if (slices_.empty()) return absl::OkStatus();
  values_.resize(slices_.size());
  statuses_.resize(slices_.size());
  store.db()->MultiGet(read, store.cf(cf), slices_.size(), slices_.data(), values_.data(),
                       statuses_.data());
  for (size_t i = 0; i < slices_.size(); ++i) {
    const absl::string_view key(slices_[i].data(), slices_[i].size());
    if (statuses_[i].IsNotFound()) {
      answers_.try_emplace(key, -1);
    } else if (statuses_[i].ok()) {
      if (answers_.try_emplace(key, static_cast<int>(found_.size())).second) {
        found_.push_back(values_[i].ToString());
      }
    } else {
      const absl::Status error = FromRocks(statuses_[i], absl::StrCat("reading ", CfName(cf)));
      Clear();
      return error;
    }
  }
  for (rocksdb::PinnableSlice& value : values_) value.Reset();  // unpin before reuse
  return absl::OkStatus();
}

void Prefetched::Clear() {
  slices_.clear();
  for (rocksdb::PinnableSlice& value : values_) value.Reset();
  found_.clear();
  answers_.clear();
}

ReadCache::Known Prefetched::Lookup(absl::string_view key, const std::string** value) const {
  auto it = answers_.find(key);
  if (it == answers_.end()) return ReadCache::Known::kUnknown;
  if (it->second < 0) return ReadCache::Known::kAbsent;
  *value = &found_[static_cast<size_t>(it->second)];
  return ReadCache::Known::kPresent;
}

absl::StatusOr<bool> Txn::GetView(Cf cf, absl::string_view key, absl::string_view* value) {
  const std::string* found = nullptr;
  absl::StatusOr<bool> present = Read(cf, key, &scratch_, &found);
  if (present.ok() && *present) *value = *found;
  return present;
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
  // Serialized straight into the pending write (a failure is a storage failure: the
  // caller discards the batch).
  if (!msg.AppendToString(overlay_->PutInPlace(cf, key))) {
    return absl::InternalError(absl::StrCat("cannot serialize a ", msg.GetTypeName()));
  }
  return absl::OkStatus();
}

absl::Status Txn::Delete(Cf cf, absl::string_view key) {
  overlay_->Delete(cf, key);
  return absl::OkStatus();
}

absl::Status Txn::Scan(Cf cf, absl::string_view prefix,
                       absl::FunctionRef<bool(absl::string_view, absl::string_view)> fn) {
  return ScanFrom(cf, prefix, prefix, fn);
}

absl::Status Txn::ScanFrom(Cf cf, absl::string_view prefix, absl::string_view start,
                           absl::FunctionRef<bool(absl::string_view, absl::string_view)> fn) {
  if (as_of_.has_value() && HistoryFamily(cf)) return ScanAsOf(cf, prefix, start, fn);
  // Staged writes are not in the database: a staged family is written out before it
  // is scanned (the rules do not scan them; this keeps any scan correct).
  if (cache_ != nullptr && StagedFamily(cf) && store_.staged() != nullptr &&
      !store_.staged()->empty()) {
    CTI_RETURN_IF_ERROR(store_.staged()->IngestAll());
  }
  const std::string upper = PrefixSuccessor(prefix);
  rocksdb::ReadOptions read = read_;
  rocksdb::Slice upper_slice(upper);
  if (!upper.empty()) read.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(store_.db()->NewIterator(read, store_.cf(cf)));
  std::vector<std::pair<absl::string_view, const Overlay::Entry*>> pending;
  overlay_->ForEachInRange(cf, start, upper, [&](absl::string_view key, const Overlay::Entry& e) {
    pending.emplace_back(key, &e);
  });
  auto ov = pending.begin();
  it->Seek(ToSlice(start));
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
