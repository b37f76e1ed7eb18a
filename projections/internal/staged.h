// Staging: during a private bulk load (Store::BeginPrivateBulkLoad), the committed
// writes of the families that take one or more new keys per record (StagedFamily in
// keys.h: outcomes, event ids, calls) are kept in memory, in hash maps, instead of going
// through RocksDB's memtables (a skip-list insert per key, then a flush). They reach
// the database as one sorted SST file per family, added with IngestExternalFiles:
// sorting once and building the table directly costs a fraction of the inserts and the
// flush.
//
// Operation: writes go to the active chunk. When it passes a size, it is sealed and a
// background thread writes and ingests it while the active chunk fills again (at most
// one sealed chunk: the next seal waits for it). IngestAll() writes out everything, the
// families' files built in parallel.
// Contract: holds only committed writes (moved in after their batch was written), the
// newest per key; a deletion is a tombstone. Lookup answers for staged keys only (the
// active chunk, then the sealed one); every other key is as the database has it, which
// takes a chunk only when its ingestion has completed. Chunks are ingested in the order
// they were sealed. Staged families are read by point lookups only (the rules never
// scan them); Txn::ScanFrom writes everything out before it scans one.
// Concurrency: one thread (the store's writer) calls everything; the background thread
// only reads the sealed chunk. The destructor waits for it. Not copyable.
#ifndef CTI_PROJECTIONS_INTERNAL_STAGED_H_
#define CTI_PROJECTIONS_INTERNAL_STAGED_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "projections/internal/keys.h"
#include "projections/internal/read_cache.h"
#include "rocksdb/db.h"

namespace cti::projections::internal {

class Staging {
 public:
  // `db` and the handles (handles[cf] for every family) must outlive this; files are
  // written under `dir` (the database's directory) and moved into the database.
  // A chunk is sealed once it holds more than `chunk_bytes` of keys and values.
  Staging(rocksdb::DB* db, std::vector<rocksdb::ColumnFamilyHandle*> handles, std::string dir,
          size_t chunk_bytes);
  ~Staging();
  Staging(const Staging&) = delete;
  Staging& operator=(const Staging&) = delete;

  // What is staged for `key`: kPresent (then *value points at the bytes, valid until
  // the next Put or seal), kAbsent (a tombstone) or kUnknown (not staged).
  ReadCache::Known Lookup(Cf cf, absl::string_view key, const std::string** value) const;

  // Stages a write (deleted: a tombstone), replacing what was staged for the key.
  // REQUIRES: StagedFamily(cf).
  void Put(Cf cf, std::string key, std::string value, bool deleted);

  bool empty() const;

  // After a batch: collects a finished background ingestion and seals the active chunk
  // when it is full. A failed background ingestion is not an error here: its chunk
  // stays sealed (and readable) and is tried again; IngestAll reports it.
  void AfterBatch();

  // Writes out everything staged (the sealed chunk, then the active one) and waits
  // until it is in the database. On error what is not ingested stays staged (the call
  // may be repeated).
  absl::Status IngestAll();

 private:
  struct Entry {
    std::string value;
    bool deleted = false;
  };
  using Map = absl::flat_hash_map<std::string, Entry>;
  struct Chunk {
    std::array<Map, kCfCount> maps;
    size_t bytes = 0;  // of keys and values
    bool empty() const;
  };
  // Writes `map` (of `cf`) to the SST file `path`.
  absl::Status WriteFile(Cf cf, const Map& map, const std::string& path) const;
  // Writes every family of `chunk` to a file (each on its own thread when `parallel`)
  // and ingests the files in one atomic step. No file is left behind.
  absl::Status Ingest(const Chunk& chunk, bool parallel);
  // Waits for the background ingestion, if any; drops its chunk when it succeeded.
  void JoinBackground();

  rocksdb::DB* const db_;
  const std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  const std::string dir_;
  const size_t chunk_bytes_;
  std::atomic<uint64_t> next_file_{0};

  std::unique_ptr<Chunk> active_;
  std::unique_ptr<Chunk> sealed_;  // being (or to be) ingested
  std::thread background_;
  std::atomic<bool> background_done_{false};
  absl::Status background_status_;  // written by the background thread before done
};

}  // namespace cti::projections::internal

#endif  // CTI_PROJECTIONS_INTERNAL_STAGED_H_
