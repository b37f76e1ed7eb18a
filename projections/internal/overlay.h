// Overlay: the pending writes of one Apply() (or one Validate()) — what a
// WriteBatchWithIndex would hold, kept in ordered maps so reads are cheap, a rejected
// record can be rolled back, and the final batch is written in key order (which keeps
// RocksDB's memtable inserts local).
//
// Concurrency: one thread.
#ifndef CTI_PROJECTIONS_INTERNAL_OVERLAY_H_
#define CTI_PROJECTIONS_INTERNAL_OVERLAY_H_

#include <array>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "projections/internal/keys.h"
#include "rocksdb/write_batch.h"

namespace cti::projections::internal {

class StoreImpl;

class Overlay {
 public:
  // A pending write: a value, or a deletion.
  struct Entry {
    bool deleted = false;
    std::string value;
  };
  using Map = absl::btree_map<std::string, Entry>;

  // The pending write of `key`, or null when there is none.
  const Entry* Find(Cf cf, absl::string_view key) const;
  void Put(Cf cf, absl::string_view key, absl::string_view value);
  void Delete(Cf cf, absl::string_view key);

  // Marks the state to return to. One level: a new save point replaces the old one.
  void SetSavePoint();
  // Undoes every write since the save point, which is then gone.
  void RollbackToSavePoint();
  // Keeps the writes and forgets the save point.
  void PopSavePoint();

  // The pending writes of `cf`, in key order.
  const Map& entries(Cf cf) const { return maps_[static_cast<int>(cf)]; }
  bool empty() const;

  // Adds every pending write to `batch`, family by family, in key order.
  absl::Status AppendTo(const StoreImpl& store, rocksdb::WriteBatch* batch) const;

 private:
  void Remember(Cf cf, const std::string& key);

  std::array<Map, kCfCount> maps_;
  struct Undo {
    Cf cf;
    std::string key;
    bool existed;
    Entry previous;
  };
  std::vector<Undo> undo_;
  bool recording_ = false;
};

}  // namespace cti::projections::internal

#endif  // CTI_PROJECTIONS_INTERNAL_OVERLAY_H_
