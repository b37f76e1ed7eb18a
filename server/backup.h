// BackupMaker: AdminService.Backup's engine. Writes a consistent online backup of the
// embedded log and the projections into a new directory that is itself a data
// directory for ctid (--data-dir), while appends and queries go on.
//
// Layout of a backup directory B (that of a data directory, see store_generations.h):
//   B/log                  a checkpoint of the embedded log: records 1..L
//   B/keys                 a checkpoint of the key vault (when personal data is sealed)
//   B/projections-1        a checkpoint of the live projection store, at exactly L
//   B/CURRENT_PROJECTIONS  "projections-1\n"
//   B/LOG_IDENTITY         the log's identity, as ctid writes it
//   B/BACKUP.json          the manifest: the BackupResponse as protobuf JSON (proto
//                          field names): L, the digest at L, when, server version, backend
//
// Operation (the consistent cut): pauses the ProjectorRunner (at some applied A); takes
// the log's checkpoint (EventLog::Checkpoint), whose end L >= A is read from the copy
// itself; lets the runner apply up to exactly L and hold (ProjectorRunner::ApplyUntil);
// checkpoints the live store (CheckpointStore); resumes the runner. Appends never wait;
// queries keep answering from the live store; only min_position waits past A see the
// pause. Then, with the projector running again, it opens the backup's store to take
// its digest (equal to the live store's digest at L) and writes the manifest last: a
// directory without BACKUP.json is not a finished backup. Table files are hard-linked
// when B is on the data directory's filesystem and copied otherwise.
// Failures: anything that fails removes B and is answered (a full disk:
// RESOURCE_EXHAUSTED); the runner is always resumed.
// Concurrency: one backup at a time, on a thread of its own; Start never blocks and may
// be called from any thread; Stop by the owner. A backup and a rebuild exclude each
// other (Start refuses during a rebuild; a rebuild's switch waits for the backup's
// pause to end).
#ifndef CTI_SERVER_BACKUP_H_
#define CTI_SERVER_BACKUP_H_

#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cti/v1/admin_service.pb.h"
#include "server/clock.h"
#include "server/log/event_log.h"
#include "server/privacy/key_vault.h"
#include "server/projector_runner.h"
#include "server/rebuilder.h"
#include "server/store_generations.h"

namespace cti::server {

inline constexpr char kBackupManifestFile[] = "BACKUP.json";

class BackupMaker {
 public:
  struct Options {
    // Longest the projector may take to apply from where it paused up to the log's end
    // in the backup (DEADLINE_EXCEEDED, and no backup, after that).
    absl::Duration apply_timeout = absl::Seconds(30);
    // Written to the manifest.
    std::string server_version;
    // The key vault of sealed personal data (server/privacy/key_vault.h), when personal
    // data is sealed: copied into B/keys right after the log's copy, so the backup holds
    // every key its records need (and none erased before the copy).
    privacy::KeyVault* vault = nullptr;
  };
  // Called once, from the backup's thread, with what was made or why not.
  using DoneCallback = absl::AnyInvocable<void(absl::StatusOr<cti::v1::BackupResponse>) &&>;

  // All pointers must outlive the maker; `rebuilder` may be null.
  BackupMaker(cti::log::EventLog* log, StoreHolder* stores, ProjectorRunner* runner,
              const Rebuilder* rebuilder, cti::Clock* clock, Options options);
  ~BackupMaker();
  BackupMaker(const BackupMaker&) = delete;
  BackupMaker& operator=(const BackupMaker&) = delete;

  // Checks `directory` and starts a backup into it; `done` is called once it ends, only
  // when this answers OK. Errors: INVALID_ARGUMENT naming `directory` (empty, relative,
  // existing, or its parent missing); FAILED_PRECONDITION while a backup or a rebuild
  // runs, or while the projections are not caught up with the log since the start;
  // UNAVAILABLE after Stop.
  absl::Status Start(const std::string& directory, DoneCallback done);

  // Waits for a running backup (it gives up at its next step, UNAVAILABLE, and removes
  // what it wrote) and refuses new ones. Idempotent; owner only.
  void Stop();

 private:
  absl::StatusOr<cti::v1::BackupResponse> Run(const std::string& directory);
  // The consistent cut (see above) into `directory`: fills the positions and the
  // pause's length into `response`.
  absl::Status TakeCut(const std::string& directory, cti::v1::BackupResponse* response);
  bool stopping() const;

  cti::log::EventLog* const log_;
  StoreHolder* const stores_;
  ProjectorRunner* const runner_;
  const Rebuilder* const rebuilder_;
  cti::Clock* const clock_;
  const Options options_;

  mutable absl::Mutex mu_;
  bool running_ ABSL_GUARDED_BY(mu_) = false;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_ ABSL_GUARDED_BY(mu_);
};

// Checks a backup target: an absolute path that does not exist, whose parent directory
// does. INVALID_ARGUMENT naming `field` otherwise.
absl::Status CheckBackupDirectory(const std::string& directory, const std::string& field);

}  // namespace cti::server

#endif  // CTI_SERVER_BACKUP_H_
