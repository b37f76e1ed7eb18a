// RocksDB plumbing shared by the two RocksDB databases of ctid: the projection store
// (projections/store.cc) and the embedded event log (server/log/embedded_log.cc). Both
// must survive a full disk in-process with Debian's RocksDB 7.8, which keeps its
// assertions; projections/README.md and server/log/README.md ("A full disk") say why.
#ifndef CTI_PROJECTIONS_INTERNAL_ROCKS_SUPPORT_H_
#define CTI_PROJECTIONS_INTERNAL_ROCKS_SUPPORT_H_

#include <memory>
#include <string>

#include "rocksdb/env.h"
#include "rocksdb/listener.h"

namespace cti::rocks {

// RocksDB's info log, DIR/LOG, written line by line with plain appends whose failures
// are ignored: a line that cannot be written is lost, nothing else. (RocksDB's own file
// logger ends the process at its first message after one of its writes failed, which
// is what a full disk does.) As with RocksDB's logger, the LOG of an earlier open
// becomes LOG.old.<microseconds>, and RocksDB deletes all but the newest
// keep_log_file_num of those. Creates DIR if missing. Thread-safe.
std::shared_ptr<rocksdb::Logger> NewInfoLog(const std::string& dir);

// An EventListener that turns off RocksDB's own recovery from background errors that
// stop writes (a failed WAL write or flush: "hard" errors, e.g. a full disk), leaving it
// to the owner's DB::Resume before its next write. RocksDB's own recovery from a full
// disk waits until as much space is free as the largest write buffer, polling every
// 5 s, and answers Resume() with Busy meanwhile: on a small filesystem the database
// would never write again. Milder errors keep RocksDB's own recovery.
std::shared_ptr<rocksdb::EventListener> NewResumeByOwner();

}  // namespace cti::rocks

#endif  // CTI_PROJECTIONS_INTERNAL_ROCKS_SUPPORT_H_
