// ErasureMonitor: carries out PersonalDataErased records on this replica (GDPR
// erasure by crypto-shredding, server/privacy/). For each one the projector applied it
// deletes the subject's keys from the key vault, then has every projection rebuilt from
// the log (Rebuilder), so the plaintext the projections held is gone from the data
// directory once the old generation is deleted; the rebuilt projections read the
// subject's records as erased, as every other replica's will.
//
// Crash safety: the vault remembers how far each partition's erasures were carried out
// (ErasedThrough) and which erasures still wait for a rebuild (Pending). Start() deletes
// the keys of erasures the store applied beyond that mark and rebuilds when any are
// pending, so a crash at any point leaves no erasure half done. A rebuild that was
// already running when a key was deleted may have read it: another one follows.
// Concurrency: OnBatch from the hub (never blocks); the work runs on the monitor's own
// thread.
#ifndef CTI_SERVER_ERASURE_MONITOR_H_
#define CTI_SERVER_ERASURE_MONITOR_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "projections/store.h"
#include "server/privacy/key_vault.h"
#include "server/subscription_hub.h"

namespace cti::server {

class ErasureMonitor final : public HubListener {
 public:
  // Starts a rebuild of every projection and calls `done` once with its result:
  // FAILED_PRECONDITION at once when one is running already (tried again later),
  // UNAVAILABLE when the server is stopping.
  using StartRebuild = std::function<absl::Status(std::function<void(absl::Status)> done)>;

  struct Options {
    // How long to wait before asking again when a rebuild was running.
    absl::Duration retry = absl::Seconds(1);
  };

  // `vault` must outlive the monitor. `partition_of` maps a tenant to its partition.
  ErasureMonitor(privacy::KeyVault* vault, std::function<int(absl::string_view)> partition_of,
                 StartRebuild start_rebuild, Options options);
  ErasureMonitor(const ErasureMonitor&) = delete;
  ErasureMonitor& operator=(const ErasureMonitor&) = delete;
  ~ErasureMonitor() override;

  // Recovery, then the monitor's thread: deletes the keys of erasures `store` applied
  // beyond the vault's marks, and asks for a rebuild when any erasure is pending.
  absl::Status Start(const cti::projections::Store& store);

  void OnBatch(const std::shared_ptr<const AppliedBatch>& batch) override;
  // Another replica erased a subject whose key this replica held (the key vault marked
  // it pending): rebuild as after an erasure of our own. Never blocks.
  void RequestRebuild();
  void OnShutdown() override { Stop(); }

  // Stops the thread (waiting for the erasure in progress, not for a rebuild). Idempotent.
  void Stop();

  // For tests and metrics: rebuilds finished after an erasure; keys erased.
  uint64_t rebuilds_done() const;
  uint64_t subjects_erased() const;
  // True while an erasure waits for its keys to be deleted or for its rebuild.
  bool busy() const;
  // Subjects of `tenant` (every tenant when empty) whose erasure `store` (the current
  // projections) has applied and this replica has not yet carried out: keys still to
  // delete, or a rebuild without them still to finish. Each subject counts once. Zero:
  // the projections hold nothing of any subject erased so far. Exact whether or not the
  // hub has delivered the erasure yet.
  absl::StatusOr<uint64_t> Outstanding(const cti::projections::Store& store,
                                       absl::string_view tenant) const;

 private:
  struct Erasure {
    int partition = 0;
    uint64_t position = 0;
    privacy::TenantSubject who;
  };
  void Run();
  absl::Status Erase(const Erasure& erasure);

  privacy::KeyVault* const vault_;
  const std::function<int(absl::string_view)> partition_of_;
  const StartRebuild start_rebuild_;
  const Options options_;

  mutable absl::Mutex mu_;
  std::vector<Erasure> queue_ ABSL_GUARDED_BY(mu_);
  bool rebuild_wanted_ ABSL_GUARDED_BY(mu_) = false;
  bool rebuild_running_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t rebuilds_done_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t subjects_erased_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

}  // namespace cti::server

#endif  // CTI_SERVER_ERASURE_MONITOR_H_
