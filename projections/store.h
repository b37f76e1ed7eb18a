// Store: the RocksDB database that holds every projection, one column family each, plus
// the projector's checkpoint. Written only by Projector (applying log records); read by
// queries through consistent snapshots.
//
// Operation: state and checkpoint change together in one WriteBatch, so after a crash
// the store is at some applied position p with exactly the state of records 1..p.
// Concurrency: any number of readers concurrently with one writer (the Projector).
// Limitations: one process opens a store at a time (RocksDB's LOCK file).
#ifndef CTI_PROJECTIONS_STORE_H_
#define CTI_PROJECTIONS_STORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "cti/v1/event.pb.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class Snapshot;
}  // namespace rocksdb

namespace cti::projections {

// Bump when the stored layout or the apply rules change: a store with another version
// is wiped and rebuilt from the log on open.
inline constexpr uint32_t kSchemaVersion = 9;

class Store {
 public:
  // Opens (creating if missing) the store in directory `dir`. A store written with a
  // different kSchemaVersion is wiped first; was_reset() then reports true, and the
  // caller replays the log from the start.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& dir);
  virtual ~Store() = default;

  // True when Open found no store, or one of another schema version, and started empty.
  virtual bool was_reset() const = 0;

  // Last position applied in `partition`; 0 when none.
  virtual uint64_t AppliedPosition(int partition) const = 0;

  // Records applied so far over all partitions, and how many of them were rejected.
  virtual uint64_t records_applied() const = 0;
  virtual uint64_t records_rejected() const = 0;

  // The storage engine's figures, for monitoring. Counters run from the store's open.
  struct EngineStats {
    uint64_t block_cache_hits = 0;
    uint64_t block_cache_misses = 0;
    // RocksDB's estimate of the bytes compaction still has to rewrite.
    uint64_t pending_compaction_bytes = 0;
    uint64_t live_sst_bytes = 0;     // Size of the live table files.
    uint64_t memtable_bytes = 0;     // Memory of all memtables.
    uint64_t block_cache_bytes = 0;  // Memory held by the block cache.
  };
  // Safe concurrently with the projector and queries; not after Close().
  virtual EngineStats engine_stats() const { return {}; }

  // The outcome recorded when the record at (`partition`, `position`) was applied.
  // NOT_FOUND if that position has not been applied.
  virtual absl::StatusOr<cti::v1::ApplyOutcome> OutcomeAt(int partition,
                                                          uint64_t position) const = 0;

  // The position (in `tenant`'s partition) of the first applied record of `tenant`
  // with `event_id`, accepted or rejected: the eventids family. NOT_FOUND when no
  // applied record has that id (a record still waiting in the log is not seen).
  // Reads the latest committed state; safe concurrently with the projector.
  virtual absl::StatusOr<uint64_t> EventPosition(std::string_view tenant,
                                                 std::string_view event_id) const;

  // Hex SHA-256 over every key and value of every column family, in key order,
  // independent of RocksDB's file layout. Equal digests mean equal state. Consistent:
  // taken over one snapshot.
  virtual absl::StatusOr<std::string> Digest() const = 0;

  // Bulk load: for a store that is being filled from far behind the log (a new
  // generation of a rebuild, or the start-up replay of a new or reset store). Until
  // EndBulkLoad, applied batches are written without RocksDB's write-ahead log and
  // without automatic compactions. Crash safety is kept: every flush to disk persists
  // all column families together at a batch boundary (atomic flush), so after a crash
  // the store is at some applied position p with exactly the state of records 1..p,
  // as ever, only possibly further behind than the last batch written. Nothing of the
  // exactly-once contract changes. Idempotent (OK when already bulk loading).
  // REQUIRES: the caller is the one writer (the projector's thread of use).
  virtual absl::Status BeginBulkLoad() = 0;
  // Ends a bulk load: writes out what a private load staged, flushes every column
  // family to disk and waits (after this returns OK, everything applied is durable),
  // returns to logged writes, turns automatic compactions back on and compacts
  // families the load left with many files: after a shared load on a thread of its own,
  // begun before this returns (the store serves meanwhile); after a private load once
  // logged writes come and a family has as many level-0 files as start a compaction (so
  // a new generation is switched to and digested first). When writing out or the flush
  // fails the store stays in bulk mode and the call may be retried; a failed compaction
  // costs speed only. OK when not bulk loading.
  virtual absl::Status EndBulkLoad() = 0;
  // True between BeginBulkLoad (or BeginPrivateBulkLoad) and a successful flush in
  // EndBulkLoad.
  virtual bool bulk_loading() const = 0;

  // A bulk load of a store that nothing but its one writer reads until EndBulkLoad
  // returns OK: a new generation of a rebuild. As BeginBulkLoad, and besides: the
  // writes of the families that take a new key per record (outcomes, event ids, calls)
  // are held in memory and go to disk as sorted table files (bounded memory: written
  // out whenever they pass a threshold, and by EndBulkLoad), not through RocksDB's
  // memtables. The state, the outcomes and the exactly-once contract are as ever.
  // Crash safety: until EndBulkLoad has returned OK the store on disk is marked
  // incomplete (no schema version), so Open wipes it (was_reset() then). Until then,
  // Digest answers FAILED_PRECONDITION and EventPosition may miss applied records;
  // AppliedPosition, the counters and OutcomeAt are as ever (OutcomeAt from the
  // writer's thread only). FAILED_PRECONDITION when a shared bulk load (BeginBulkLoad)
  // is running; OK when a private one is. REQUIRES: the caller is the one writer.
  virtual absl::Status BeginPrivateBulkLoad() = 0;

  // Flushes and closes; further calls are undefined. Also done by the destructor. When
  // the last write failed (e.g. the disk is full), the database is left as a crash would
  // leave it, open until the process ends, and the answer is UNAVAILABLE: it reopens at
  // its last checkpoint, never at a state that is not one.
  virtual absl::Status Close() = 0;

  // For Projector and the query classes in this folder only.
  virtual rocksdb::DB* db() const = 0;
};

}  // namespace cti::projections

#endif  // CTI_PROJECTIONS_STORE_H_
