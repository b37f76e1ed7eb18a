// A RocksDB FileSystem for tests of EmbeddedLog: syncs of the write-ahead log can be
// made to fail (full disk, I/O error; all of them, or those of WAL files made from now
// on) or to block until released, so that tests can
// fail a group commit or gather appends into one batch deterministically.
#ifndef CTI_SERVER_LOG_FAULT_INJECTION_FS_H_
#define CTI_SERVER_LOG_FAULT_INJECTION_FS_H_

#include <limits>
#include <memory>
#include <string>
#include <utility>

#include "absl/synchronization/mutex.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"

namespace cti::log::testing {

// Thread-safe.
class FaultInjectionFs final : public rocksdb::FileSystemWrapper {
 public:
  FaultInjectionFs() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}

  const char* Name() const override { return "CtiFaultInjectionFs"; }

  // The next `count` WAL syncs started fail with `status` (OK: syncs work again).
  void FailWalSyncs(rocksdb::IOStatus status, int count = std::numeric_limits<int>::max()) {
    absl::MutexLock lock(&mu_);
    fail_with_ = std::move(status);
    fail_count_ = count;
  }

  // The next `count` syncs of WAL files created after this call fail with `status`
  // (syncs of older WAL files are left alone).
  void FailSyncsOfNewWals(rocksdb::IOStatus status, int count) {
    absl::MutexLock lock(&mu_);
    new_wals_fail_with_ = std::move(status);
    new_wals_fail_count_ = count;
    new_wals_from_ = files_made_;
  }

  // WAL syncs from now on block until ReleaseWalSyncs.
  void HoldWalSyncs() {
    absl::MutexLock lock(&mu_);
    hold_ = true;
  }
  void ReleaseWalSyncs() {
    absl::MutexLock lock(&mu_);
    hold_ = false;
  }
  // Blocks until a WAL sync is being held (HoldWalSyncs).
  void AwaitHeldSync() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](int* held) { return *held > 0; }, &held_));
  }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus status = target()->NewWritableFile(name, options, result, dbg);
    if (status.ok() && IsWal(name)) {
      *result = std::make_unique<WalFile>(std::move(*result), this, MadeFile());
    }
    return status;
  }

  rocksdb::IOStatus ReopenWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus status = target()->ReopenWritableFile(name, options, result, dbg);
    if (status.ok() && IsWal(name)) {
      *result = std::make_unique<WalFile>(std::move(*result), this, MadeFile());
    }
    return status;
  }

 private:
  class WalFile final : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    WalFile(std::unique_ptr<rocksdb::FSWritableFile> file, FaultInjectionFs* fs, int number)
        : FSWritableFileOwnerWrapper(std::move(file)), fs_(fs), number_(number) {}
    rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
      rocksdb::IOStatus status = fs_->BeforeSync(number_);
      return status.ok() ? target()->Sync(options, dbg) : status;
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                            rocksdb::IODebugContext* dbg) override {
      rocksdb::IOStatus status = fs_->BeforeSync(number_);
      return status.ok() ? target()->Fsync(options, dbg) : status;
    }

   private:
    FaultInjectionFs* const fs_;
    const int number_;  // WAL files made before this one
  };

  static bool IsWal(const std::string& name) {
    return name.size() > 4 && name.compare(name.size() - 4, 4, ".log") == 0;
  }

  int MadeFile() {
    absl::MutexLock lock(&mu_);
    return files_made_++;
  }

  rocksdb::IOStatus BeforeSync(int file_number) {
    absl::MutexLock lock(&mu_);
    rocksdb::IOStatus status;  // Decided when the sync starts.
    if (!fail_with_.ok() && fail_count_ > 0) {
      status = fail_with_;
      --fail_count_;
    } else if (file_number >= new_wals_from_ && new_wals_fail_count_ > 0) {
      status = new_wals_fail_with_;
      --new_wals_fail_count_;
    }
    if (hold_) {
      ++held_;
      mu_.Await(absl::Condition(
          +[](bool* hold) { return !*hold; }, &hold_));
      --held_;
    }
    return status;
  }

  absl::Mutex mu_;
  rocksdb::IOStatus fail_with_ ABSL_GUARDED_BY(mu_);
  int fail_count_ ABSL_GUARDED_BY(mu_) = 0;
  bool hold_ ABSL_GUARDED_BY(mu_) = false;
  int held_ ABSL_GUARDED_BY(mu_) = 0;
  int files_made_ ABSL_GUARDED_BY(mu_) = 0;
  rocksdb::IOStatus new_wals_fail_with_ ABSL_GUARDED_BY(mu_);
  int new_wals_fail_count_ ABSL_GUARDED_BY(mu_) = 0;
  int new_wals_from_ ABSL_GUARDED_BY(mu_) = 0;
};

// An Env over a FaultInjectionFs; keeps the file system alive.
struct FaultInjectionEnv {
  std::shared_ptr<FaultInjectionFs> fs = std::make_shared<FaultInjectionFs>();
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
};

}  // namespace cti::log::testing

#endif  // CTI_SERVER_LOG_FAULT_INJECTION_FS_H_
