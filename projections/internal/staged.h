// StagedWrites: during a private bulk load (Store::BeginPrivateBulkLoad), the committed
// writes of the families that take one or more new keys per record (outcomes, event
// ids, calls) are kept here, in hash maps, instead of going through RocksDB's memtables
// (a skip-list insert per key, then a flush). Ingest() writes them as one sorted SST
// file per family and adds the files to the database with IngestExternalFiles: sorting
// once and building the table directly costs a fraction of the inserts and the flush.
//
// Contract: holds only committed writes (moved in after their batch was written), the
// newest per key; a deletion is kept as a tombstone. Lookups answer for staged keys
// only; every other key is as the database has it. Staged families are read by point
// lookups only (the rules never scan them); Txn::ScanFrom ingests a staged family
// before it scans it, so a scan is correct in any case.
// Concurrency: one thread (the store's writer). Not copyable.
#ifndef CTI_PROJECTIONS_INTERNAL_STAGED_H_
#define CTI_PROJECTIONS_INTERNAL_STAGED_H_

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "projections/internal/keys.h"
#include "projections/internal/read_cache.h"
#include "rocksdb/db.h"

namespace cti::projections::internal {

class StagedWrites {
 public:
  StagedWrites() = default;
  StagedWrites(const StagedWrites&) = delete;
  StagedWrites& operator=(const StagedWrites&) = delete;

  // What is staged for `key`: kPresent (then *value points at the bytes, valid until
  // the next change), kAbsent (a tombstone) or kUnknown (not staged).
  ReadCache::Known Lookup(Cf cf, absl::string_view key, const std::string** value) const;

  // Stages a write (deleted: a tombstone), replacing what was staged for the key.
  // REQUIRES: StagedFamily(cf) (keys.h).
  void Put(Cf cf, std::string key, std::string value, bool deleted);

  // Bytes of keys and values staged (a measure of the memory held).
  size_t bytes() const { return bytes_; }
  bool empty() const;
  bool empty(Cf cf) const { return maps_[static_cast<int>(cf)].empty(); }

  // Writes what is staged of `families` (all when empty) in key order, one SST file
  // per family, named under `dir` (which must exist), ingests the files into `db` in
  // one atomic step and drops those families from here. On error nothing is dropped
  // (the call may be repeated) and no file is left behind. `cf_of` gives the handle
  // of a family.
  absl::Status Ingest(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& cf_of,
                      const std::string& dir, const std::vector<Cf>& families);

  void Clear();

 private:
  struct Entry {
    std::string value;
    bool deleted = false;
  };
  using Map = absl::flat_hash_map<std::string, Entry>;

  std::array<Map, kCfCount> maps_;
  size_t bytes_ = 0;
  uint64_t next_file_ = 0;
};

}  // namespace cti::projections::internal

#endif  // CTI_PROJECTIONS_INTERNAL_STAGED_H_
