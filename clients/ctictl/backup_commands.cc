// `ctictl backup` (AdminService.Backup) and `ctictl restore` (a copy of a backup
// directory into a new data directory: files only, no server, no storage engine).
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "commands.h"
#include "exit_codes.h"
#include "format.h"
#include "google/protobuf/util/json_util.h"

namespace cti::ctictl {
namespace {

namespace fs = std::filesystem;

double Seconds(const google::protobuf::Duration& d) {
  return static_cast<double>(d.seconds()) + static_cast<double>(d.nanos()) / 1e9;
}

std::string Size(uint64_t bytes) {
  if (bytes < (1u << 20)) return absl::StrFormat("%.1f KiB", static_cast<double>(bytes) / 1024);
  return absl::StrFormat("%.1f MiB", static_cast<double>(bytes) / (1 << 20));
}

// The whole of `path`; false when it cannot be read.
bool ReadWhole(const fs::path& path, std::string* contents) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *contents = buffer.str();
  return !in.bad();
}

// fsync of `path` (a file or a directory); false on failure.
bool SyncPath(const fs::path& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return false;
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  return synced;
}

// Syncs every file and directory under `root` (and `root`): the copy survives a crash.
bool SyncTree(const fs::path& root) {
  std::error_code error;
  for (auto it = fs::recursive_directory_iterator(root, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (!SyncPath(it->path(), it->is_directory(error))) return false;
  }
  return !error && SyncPath(root, true);
}

// Checks that `from` is a finished backup (its manifest and the parts of a data
// directory); the manifest goes to `manifest`. An error message otherwise.
std::string CheckBackup(const fs::path& from, cti::v1::BackupResponse* manifest) {
  std::error_code error;
  if (!fs::is_directory(from, error)) return "is not a directory";
  std::string text;
  if (!ReadWhole(from / kBackupManifest, &text)) {
    return absl::StrCat("has no ", kBackupManifest,
                        ": not a backup, or one that did not finish (a backup writes it last)");
  }
  google::protobuf::util::JsonParseOptions parse;
  parse.ignore_unknown_fields = true;  // written by a newer server
  if (auto parsed = google::protobuf::util::JsonStringToMessage(text, manifest, parse);
      !parsed.ok()) {
    return absl::StrCat(kBackupManifest, " is not a backup manifest: ", parsed.ToString());
  }
  if (manifest->log_backend() != "embedded") {
    return absl::StrCat(kBackupManifest, " names log backend \"", manifest->log_backend(),
                        "\"; only backups of the embedded log can be restored");
  }
  if (manifest->applied_position() != manifest->log_end_position()) {
    return absl::StrCat(kBackupManifest, ": the projections (at ", manifest->applied_position(),
                        ") are not at the log's end (", manifest->log_end_position(), ")");
  }
  std::string current;
  if (!ReadWhole(from / "CURRENT_PROJECTIONS", &current)) return "has no CURRENT_PROJECTIONS";
  const std::string generation(absl::StripAsciiWhitespace(current));
  for (const std::string& part : {std::string("log"), generation}) {
    if (generation.empty() || !fs::is_directory(from / part, error)) {
      return absl::StrCat("has no directory \"", part, "\"");
    }
  }
  if (!fs::exists(from / "LOG_IDENTITY", error)) return "has no LOG_IDENTITY";
  return "";
}

}  // namespace

int RunBackup(Connection& connection, const BackupOptions& options, std::ostream& out,
              std::ostream& err) {
  cti::v1::BackupRequest request;
  request.set_directory(options.to);
  cti::v1::BackupResponse response;
  const grpc::Status status =
      connection.admin().Backup(connection.NewContext(false).get(), request, &response);
  if (!status.ok()) return ReportRpcError(err, "backup", status);
  if (options.json) {
    out << ToJson(response) << "\n";
    return kExitOk;
  }
  out << "backup written to " << response.directory() << " (on the server's machine)\n"
      << "log records 1.." << response.log_end_position() << ", projections at "
      << response.applied_position() << "\n"
      << "state digest " << response.state_digest() << "\n"
      << response.files() << " files, " << Size(response.bytes()) << ", "
      << absl::StrFormat("%.2f s (projector paused %.0f ms)", Seconds(response.duration()),
                         Seconds(response.projector_paused()) * 1000)
      << "\n"
      << "restore with: ctictl restore --from " << response.directory() << " --data-dir NEW_DIR\n";
  return kExitOk;
}

int RunRestore(const RestoreOptions& options, std::ostream& out, std::ostream& err) {
  const fs::path from(options.from);
  const fs::path to = fs::path(options.data_dir).lexically_normal();
  cti::v1::BackupResponse manifest;
  if (std::string problem = CheckBackup(from, &manifest); !problem.empty()) {
    err << "ctictl: restore: --from " << options.from << ": " << problem << "\n";
    return kExitBadInput;
  }
  std::error_code error;
  const bool exists = fs::exists(to, error);
  if (exists && (!fs::is_directory(to, error) || !fs::is_empty(to, error))) {
    err << "ctictl: restore: --data-dir " << options.data_dir
        << ": exists and is not an empty directory (restore into a new data directory)\n";
    return kExitUsage;
  }
  const fs::path parent = to.has_parent_path() ? to.parent_path() : fs::path(".");
  fs::create_directories(parent, error);
  if (error) {
    err << "ctictl: restore: cannot create " << parent.string() << ": " << error.message() << "\n";
    return kExitServerRefused;
  }
  // Copied beside the target first and renamed into place once synced: a data directory
  // that exists is complete.
  const fs::path staging = fs::path(to.string() + ".restoring");
  fs::remove_all(staging, error);
  fs::copy(from, staging, fs::copy_options::recursive, error);
  if (!error && !SyncTree(staging)) error = std::make_error_code(std::errc::io_error);
  if (!error) fs::rename(staging, to, error);  // replaces an empty directory
  if (!error && !SyncPath(parent, true)) error = std::make_error_code(std::errc::io_error);
  if (error) {
    std::error_code ignored;
    fs::remove_all(staging, ignored);
    err << "ctictl: restore: copying " << options.from << " to " << options.data_dir << ": "
        << error.message() << "\n";
    return kExitServerRefused;
  }
  if (options.json) {
    out << ToJson(manifest) << "\n";
    return kExitOk;
  }
  out << "restored the backup of log records 1.." << manifest.log_end_position()
      << " (state digest " << manifest.state_digest() << ") into " << options.data_dir << "\n"
      << "start the server on it: ctid --data-dir " << options.data_dir
      << " (GetStatus then answers that digest at position " << manifest.applied_position()
      << ")\n";
  return kExitOk;
}

}  // namespace cti::ctictl
