// SnapshotRead: one consistent snapshot of a store, read through the rules' Txn with
// nothing pending: what a query (directory, live calls) reads from.
#ifndef CTI_PROJECTIONS_INTERNAL_SNAPSHOT_READ_H_
#define CTI_PROJECTIONS_INTERNAL_SNAPSHOT_READ_H_

#include "projections/internal/overlay.h"
#include "projections/internal/store_impl.h"
#include "projections/internal/txn.h"
#include "projections/store.h"

namespace cti::projections::internal {

// Not thread-safe: one per query. The store must outlive it.
class SnapshotRead {
 public:
  // With `as_of`, the history families read as of that position (Txn).
  explicit SnapshotRead(const Store& store, std::optional<uint64_t> as_of = std::nullopt)
      : store_(ImplOf(store)),
        snapshot_(store_.db()->GetSnapshot()),
        txn_(store_, &empty_, /*cache=*/nullptr, snapshot_, as_of) {}
  ~SnapshotRead() { store_.db()->ReleaseSnapshot(snapshot_); }
  SnapshotRead(const SnapshotRead&) = delete;
  SnapshotRead& operator=(const SnapshotRead&) = delete;
  Txn& txn() { return txn_; }

 private:
  const StoreImpl& store_;
  const rocksdb::Snapshot* snapshot_;
  Overlay empty_;
  Txn txn_;
};

}  // namespace cti::projections::internal

#endif  // CTI_PROJECTIONS_INTERNAL_SNAPSHOT_READ_H_
