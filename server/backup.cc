#include "server/backup.h"

#include <pthread.h>

#include <filesystem>
#include <memory>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "projections/store.h"
#include "projections/store_backup.h"
#include "server/file_util.h"
#include "server/status_mapping.h"
#include "spdlog/spdlog.h"

namespace cti::server {
namespace {

namespace fs = std::filesystem;

constexpr char kGeneration[] = "projections-1";

google::protobuf::Duration ToProtoDuration(absl::Duration d) {
  const int64_t nanos = absl::ToInt64Nanoseconds(d);
  google::protobuf::Duration out;
  out.set_seconds(nanos / 1000000000);
  out.set_nanos(static_cast<int32_t>(nanos % 1000000000));
  return out;
}

absl::Status FileError(const std::error_code& error, const std::string& what) {
  const std::string message = absl::StrCat(what, ": ", error.message());
  if (error == std::errc::no_space_on_device) return absl::ResourceExhaustedError(message);
  if (error == std::errc::permission_denied || error == std::errc::read_only_file_system) {
    return absl::PermissionDeniedError(message);
  }
  return absl::InternalError(message);
}

// The digest and applied positions of the store copied to `dir` (opened, read, closed).
absl::Status DigestOfCopy(const std::string& dir, int partitions,
                          cti::v1::BackupResponse* response) {
  absl::StatusOr<std::unique_ptr<cti::projections::Store>> store =
      cti::projections::Store::Open(dir);
  if (!store.ok()) return store.status();
  uint64_t applied = 0;
  for (int p = 0; p < partitions; ++p) applied += (*store)->AppliedPosition(p);
  absl::StatusOr<std::string> digest = (*store)->Digest();
  absl::Status closed = (*store)->Close();
  if (!digest.ok()) return digest.status();
  if (!closed.ok()) return closed;
  if (applied != response->applied_position()) {
    return absl::InternalError(absl::StrCat("the copied projections are at ", applied, ", not at ",
                                            response->applied_position()));
  }
  response->set_state_digest(*std::move(digest));
  return absl::OkStatus();
}

// Files and bytes under `dir`.
absl::Status CountFiles(const std::string& dir, cti::v1::BackupResponse* response) {
  std::error_code error;
  uint64_t files = 0;
  uint64_t bytes = 0;
  for (auto it = fs::recursive_directory_iterator(dir, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (!it->is_regular_file(error)) continue;
    ++files;
    bytes += it->file_size(error);
  }
  if (error) return FileError(error, absl::StrCat("listing ", dir));
  response->set_files(files);
  response->set_bytes(bytes);
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckBackupDirectory(const std::string& directory, const std::string& field) {
  if (directory.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": required: a new directory on the server's machine"));
  }
  const fs::path path(directory);
  if (!path.is_absolute()) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": must be an absolute path on the server's machine, got \"", directory, "\""));
  }
  std::error_code error;
  if (fs::exists(path, error)) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": \"", directory, "\" already exists (a backup goes into a new directory)"));
  }
  const fs::path parent = path.lexically_normal().parent_path();
  if (!fs::is_directory(parent, error)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": the parent directory \"", parent.string(), "\" does not exist"));
  }
  return absl::OkStatus();
}

BackupMaker::BackupMaker(cti::log::EventLog* log, StoreHolder* stores, ProjectorRunner* runner,
                         const Rebuilder* rebuilder, cti::Clock* clock, Options options)
    : log_(log),
      stores_(stores),
      runner_(runner),
      rebuilder_(rebuilder),
      clock_(clock),
      options_(std::move(options)) {}

BackupMaker::~BackupMaker() { Stop(); }

absl::Status BackupMaker::Start(const std::string& directory, DoneCallback done) {
  if (absl::Status checked = CheckBackupDirectory(directory, "directory"); !checked.ok()) {
    return checked;
  }
  if (runner_->building() || !runner_->caught_up()) {
    return absl::FailedPreconditionError(
        "the projections are still catching up with the log since the start: back up once "
        "the server serves");
  }
  if (rebuilder_ != nullptr && rebuilder_->running()) {
    return absl::FailedPreconditionError("a rebuild is running: back up after it has finished");
  }
  absl::MutexLock lock(&mu_);
  if (stopped_) return absl::UnavailableError("server is shutting down");
  if (running_) return absl::FailedPreconditionError("a backup is already running");
  if (thread_.joinable()) thread_.join();  // the previous one has ended (running_ false)
  running_ = true;
  thread_ = std::thread([this, directory, done = std::move(done)]() mutable {
    pthread_setname_np(pthread_self(), "cti-backup");
    absl::StatusOr<cti::v1::BackupResponse> result = Run(directory);
    {
      absl::MutexLock ended(&mu_);
      running_ = false;
    }
    std::move(done)(std::move(result));
  });
  return absl::OkStatus();
}

void BackupMaker::Stop() {
  std::thread thread;
  {
    absl::MutexLock lock(&mu_);
    stopped_ = true;
    thread = std::move(thread_);
  }
  if (thread.joinable()) thread.join();
}

bool BackupMaker::stopping() const {
  absl::MutexLock lock(&mu_);
  return stopped_;
}

absl::StatusOr<cti::v1::BackupResponse> BackupMaker::Run(const std::string& directory) {
  const absl::Time started = absl::Now();
  cti::v1::BackupResponse response;
  response.set_directory(directory);
  response.set_log_backend(std::string(log_->backend_name()));
  response.set_server_version(options_.server_version);
  std::error_code error;
  if (!fs::create_directory(directory, error) || error) {
    if (!error) error = std::make_error_code(std::errc::file_exists);
    return FileError(error, absl::StrCat("creating ", directory));
  }
  absl::Status status = TakeCut(directory, &response);
  const fs::path dir(directory);
  if (status.ok() && stopping()) status = absl::UnavailableError("server is shutting down");
  if (status.ok()) {
    status = WriteFileAtomically((dir / kCurrentProjectionsFile).string(),
                                 absl::StrCat(kGeneration, "\n"));
  }
  if (status.ok()) {
    status = WriteFileAtomically((dir / "LOG_IDENTITY").string(), log_->identity() + "\n");
  }
  if (status.ok()) {
    status = DigestOfCopy((dir / kGeneration).string(), log_->partition_count(), &response);
  }
  if (status.ok()) status = CountFiles(directory, &response);
  if (status.ok()) {
    *response.mutable_duration() = ToProtoDuration(absl::Now() - started);
    google::protobuf::util::JsonPrintOptions json;
    json.add_whitespace = true;
    json.preserve_proto_field_names = true;
    json.always_print_primitive_fields = true;
    std::string manifest;
    if (auto printed = google::protobuf::util::MessageToJsonString(response, &manifest, json);
        !printed.ok()) {
      status = absl::InternalError(absl::StrCat("writing the manifest: ", printed.ToString()));
    } else {
      status = WriteFileAtomically((dir / kBackupManifestFile).string(), manifest);
    }
  }
  if (!status.ok()) {
    fs::remove_all(directory, error);
    spdlog::error("backup into {} failed (removed): {}", directory, status.ToString());
    return status;
  }
  spdlog::info(
      "backup into {}: log records 1..{}, projections at {} (digest {}), {} files, {} "
      "bytes, {} ms (projector paused {} ms)",
      directory, response.log_end_position(), response.applied_position(), response.state_digest(),
      response.files(), response.bytes(), absl::ToInt64Milliseconds(absl::Now() - started),
      response.projector_paused().seconds() * 1000 + response.projector_paused().nanos() / 1000000);
  return response;
}

absl::Status BackupMaker::TakeCut(const std::string& directory, cti::v1::BackupResponse* response) {
  const fs::path dir(directory);
  runner_->ExpectPause(true);
  runner_->Pause();
  const absl::Time paused = absl::Now();
  *response->mutable_taken_at() = ToProtoTimestamp(clock_->Now());
  absl::Status status;
  absl::StatusOr<std::vector<uint64_t>> ends = log_->Checkpoint((dir / "log").string());
  if (!ends.ok()) {
    status = ends.status();
  } else if (stopping()) {
    status = absl::UnavailableError("server is shutting down");
  } else {
    if (options_.vault != nullptr) status = options_.vault->Checkpoint((dir / "keys").string());
    if (status.ok()) status = runner_->ApplyUntil(*ends, options_.apply_timeout);
  }
  std::shared_ptr<cti::projections::Store> store;
  if (status.ok()) {
    store = stores_->Get();
    uint64_t end = 0;
    uint64_t applied = 0;
    for (size_t p = 0; p < ends->size(); ++p) {
      end += (*ends)[p];
      applied += store->AppliedPosition(static_cast<int>(p));
      if (store->AppliedPosition(static_cast<int>(p)) != (*ends)[p]) {
        status =
            absl::InternalError(absl::StrCat("the projector holds partition ", p, " at ",
                                             store->AppliedPosition(static_cast<int>(p)),
                                             ", not at the log's end in the backup, ", (*ends)[p]));
      }
    }
    response->set_log_end_position(end);
    response->set_applied_position(applied);
  }
  if (status.ok()) {
    status = cti::projections::CheckpointStore(*store, (dir / kGeneration).string());
  }
  runner_->Resume();
  *response->mutable_projector_paused() = ToProtoDuration(absl::Now() - paused);
  return status;
}

}  // namespace cti::server
