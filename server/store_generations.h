// StoreGenerations: the projection stores in the data directory and which one is live.
//
// Layout of the data directory DIR:
//   DIR/log                  the embedded event log (not touched here)
//   DIR/projections-N        projection store generation N (a RocksDB directory)
//   DIR/CURRENT_PROJECTIONS  "projections-N\n": the generation the server serves from;
//                            replaced atomically (write temp, sync, rename, sync dir)
//
// Operation: OpenCurrent opens the named generation (creating projections-1 when the
// file is missing) and deletes other generations an interrupted rebuild left behind.
// A rebuild creates generation N+1 with CreateNext, fills it, then MakeCurrent switches
// the file; the old generation's directory is deleted once the last reference to its
// store is released (queries in flight keep reading it until they finish).
// Concurrency: not thread-safe; one owner (startup, then the one running rebuild).
// Returned stores are shared_ptrs safe to use from any thread per Store's contract.
#ifndef CTI_SERVER_STORE_GENERATIONS_H_
#define CTI_SERVER_STORE_GENERATIONS_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "projections/store.h"

namespace cti::server {

inline constexpr char kCurrentProjectionsFile[] = "CURRENT_PROJECTIONS";

// One opened generation.
struct StoreGeneration {
  int number = 0;
  std::string path;  // DIR/projections-N
  // Closes the store when the last copy is released, and deletes `path` then if the
  // generation was retired.
  std::shared_ptr<cti::projections::Store> store;
  std::shared_ptr<std::atomic<bool>> retired;
};

class StoreGenerations {
 public:
  explicit StoreGenerations(std::string data_dir);

  // Opens the current generation, creating it (and the data directory) if needed.
  absl::StatusOr<StoreGeneration> OpenCurrent();

  // Creates and opens generation current+1, empty (wiping a leftover directory).
  absl::StatusOr<StoreGeneration> CreateNext();

  // Makes `next` the current generation durably and retires the previous one (its
  // directory goes when its store is released).
  absl::Status MakeCurrent(const StoreGeneration& next);

  // Retires `generation` without switching to it (an aborted rebuild): its directory is
  // deleted when its store is released.
  static void Discard(StoreGeneration& generation);

  int current_number() const { return current_.number; }
  const std::string& data_dir() const { return data_dir_; }

 private:
  absl::StatusOr<StoreGeneration> Open(int number);
  std::string PathOf(int number) const;

  std::string data_dir_;
  StoreGeneration current_;  // Keeps only number, path and retired flag.
};

// The store queries and the projector use now. A rebuild swaps it; holders of an older
// shared_ptr keep a valid store until they let go.
// Thread safety: all methods are safe to call concurrently.
class StoreHolder {
 public:
  explicit StoreHolder(std::shared_ptr<cti::projections::Store> store) : store_(std::move(store)) {}
  std::shared_ptr<cti::projections::Store> Get() const {
    absl::MutexLock lock(&mu_);
    return store_;
  }
  void Set(std::shared_ptr<cti::projections::Store> store) {
    std::shared_ptr<cti::projections::Store> old;  // Released outside the lock.
    absl::MutexLock lock(&mu_);
    old = std::move(store_);
    store_ = std::move(store);
  }

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<cti::projections::Store> store_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cti::server

#endif  // CTI_SERVER_STORE_GENERATIONS_H_
