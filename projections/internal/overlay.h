// Overlay: the pending writes of one Apply() (or one Validate()) — what a
// WriteBatchWithIndex would hold, in two layers: the writes of the record being applied
// on top of the writes of the records accepted so far (hash maps: the rules look keys up
// far more often than they scan). A rejected record's layer is dropped whole; an
// accepted one is folded into the batch layer. The batch is written in key order (sorted
// once, in AppendTo), which keeps RocksDB's memtable inserts local.
//
// Concurrency: one thread.
#ifndef CTI_PROJECTIONS_INTERNAL_OVERLAY_H_
#define CTI_PROJECTIONS_INTERNAL_OVERLAY_H_

#include <array>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "projections/internal/keys.h"
#include "rocksdb/write_batch.h"

namespace cti::projections::internal {

class Staging;
class StoreImpl;
class WrittenKeys;

class Overlay {
 public:
  // A pending write: a value, or a deletion.
  struct Entry {
    bool deleted = false;
    std::string value;
  };
  using Map = absl::flat_hash_map<std::string, Entry>;

  // The pending write of `key` (the record's, else the batch's), or null when none.
  const Entry* Find(Cf cf, absl::string_view key) const;
  // Writes go to the record layer.
  void Put(Cf cf, absl::string_view key, absl::string_view value);
  // Put, with the value written in place: the returned string (empty) becomes the
  // value; valid until the next change of the overlay.
  std::string* PutInPlace(Cf cf, absl::string_view key);
  void Delete(Cf cf, absl::string_view key);

  // Folds the record layer into the batch layer (the record was accepted). After
  // StageTo, the writes of the staged families go to the staging area instead. With a
  // history position set, every write of a history family (history.h) is also kept as
  // a version of that position in the history family.
  void CommitRecord();

  // The log position of the record being applied, for the history its writes leave
  // (0: none, e.g. a validation whose writes are discarded).
  void set_history_position(uint64_t position) { history_position_ = position; }

  // During a private bulk load: accepted writes of the staged families (keys.h) go
  // straight to `staged` (and their keys to the store's key filter), not to the batch
  // layer. The caller answers for what is staged when the batch is not written (see
  // Store::BeginPrivateBulkLoad). Both must outlive the Overlay.
  void StageTo(Staging* staged, const StoreImpl* store) {
    staged_ = staged;
    store_ = store;
  }
  // Drops the record layer (the record was rejected).
  void DiscardRecord();

  // Calls fn(key, entry) for the pending writes of `cf` in [lower, upper) (upper empty:
  // no bound), in key order, the record's write winning over the batch's.
  void ForEachInRange(Cf cf, absl::string_view lower, absl::string_view upper,
                      absl::FunctionRef<void(absl::string_view, const Entry&)> fn) const;

  // The batch layer of `cf`, in no particular order.
  const Map& batch_entries(Cf cf) const { return batch_[static_cast<int>(cf)]; }
  Map& mutable_batch_entries(Cf cf) { return batch_[static_cast<int>(cf)]; }
  // True when nothing is pending in either layer.
  bool empty() const;

  // Adds every write of the batch layer to `batch`, family by family, in key order, and
  // the written keys to the store's key filter (StoreImpl::WithKeyFilter).
  // REQUIRES: the record layer is empty (committed or discarded).
  absl::Status AppendTo(const StoreImpl& store, rocksdb::WriteBatch* batch) const;

 private:
  // The record layer's entry for `key` (made when there is none).
  Entry& RecordEntry(Cf cf, absl::string_view key);
  void Set(Cf cf, absl::string_view key, bool deleted, absl::string_view value);
  // Adds the versions the record layer's writes of history families leave.
  void KeepHistory();

  std::array<Map, kCfCount> batch_;
  // A record writes a handful of keys: a small vector searched from the back.
  struct RecordWrite {
    Cf cf;
    std::string key;
    Entry entry;
  };
  std::vector<RecordWrite> record_;
  uint64_t history_position_ = 0;
  // The versions kept for the history family (history.h): each key is new and never
  // read back before the batch is written, so a list, sorted once in AppendTo.
  std::vector<std::pair<std::string, std::string>> history_;
  Staging* staged_ = nullptr;
  const StoreImpl* store_ = nullptr;
};

}  // namespace cti::projections::internal

#endif  // CTI_PROJECTIONS_INTERNAL_OVERLAY_H_
