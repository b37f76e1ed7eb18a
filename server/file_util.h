// Small file helpers for the server's data directory.
#ifndef CTI_SERVER_FILE_UTIL_H_
#define CTI_SERVER_FILE_UTIL_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace cti::server {

// Replaces `path` with `contents` atomically: readers see the old file or the new one,
// never a part. Writes `path`.tmp, syncs it, renames it over `path` and syncs the
// directory, so the new contents survive a crash once this returns OK. Errors name the
// path (INTERNAL, or the errno's nearest code).
absl::Status WriteFileAtomically(const std::string& path, const std::string& contents);

// The whole file. NOT_FOUND if it does not exist.
absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace cti::server

#endif  // CTI_SERVER_FILE_UTIL_H_
