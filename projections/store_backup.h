// Backup of a projection store: a consistent copy of its state on disk, for
// AdminService.Backup (the server pauses the projector around it, so that the copy is
// the state at one known applied position).
//
// Example:
//   absl::Status copied = CheckpointStore(*store, "/backup/projections-1");
//   // /backup/projections-1 now opens with Store::Open, at store->AppliedPosition(p).
#ifndef CTI_PROJECTIONS_STORE_BACKUP_H_
#define CTI_PROJECTIONS_STORE_BACKUP_H_

#include <string>

#include "absl/status/status.h"
#include "projections/store.h"

namespace cti::projections {

// Writes a copy of `store` as it is now into directory `dir`, which must not exist yet
// (its parent must): a store that Store::Open opens at the same applied positions with
// the same Digest. Memtables are flushed first (also the writes of a bulk load, which
// have no write-ahead log); table files are hard-linked when `dir` is on the store's
// filesystem, copied otherwise. Consistent with respect to concurrent readers; the
// caller keeps the writer (the projector) still for the copy to be of one applied
// position. REQUIRES: no private bulk load runs (the store would be incomplete).
// Errors: ALREADY_EXISTS for an existing `dir`; RESOURCE_EXHAUSTED when the disk is
// full; UNAVAILABLE, DATA_LOSS or INTERNAL for other storage failures. On failure
// nothing is left at `dir`.
absl::Status CheckpointStore(const Store& store, const std::string& dir);

}  // namespace cti::projections

#endif  // CTI_PROJECTIONS_STORE_BACKUP_H_
