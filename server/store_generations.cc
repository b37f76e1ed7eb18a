#include "server/store_generations.h"

#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/file_util.h"
#include "spdlog/spdlog.h"

namespace cti::server {
namespace {

constexpr char kPrefix[] = "projections-";

// The generation number in a directory name "projections-N", or 0.
int GenerationOf(absl::string_view name) {
  if (!absl::StartsWith(name, kPrefix)) return 0;
  int number = 0;
  if (!absl::SimpleAtoi(name.substr(sizeof(kPrefix) - 1), &number) || number < 1) return 0;
  return number;
}

void RemoveDirectory(const std::string& path) {
  std::error_code error;
  std::filesystem::remove_all(path, error);
  if (error) {
    spdlog::warn("could not delete retired projection store {}: {}", path, error.message());
  } else {
    spdlog::info("deleted retired projection store {}", path);
  }
}

}  // namespace

StoreGenerations::StoreGenerations(std::string data_dir) : data_dir_(std::move(data_dir)) {}

std::string StoreGenerations::PathOf(int number) const {
  return (std::filesystem::path(data_dir_) / absl::StrCat(kPrefix, number)).string();
}

absl::StatusOr<StoreGeneration> StoreGenerations::Open(int number) {
  StoreGeneration generation;
  generation.number = number;
  generation.path = PathOf(number);
  generation.retired = std::make_shared<std::atomic<bool>>(false);
  absl::StatusOr<std::unique_ptr<cti::projections::Store>> store =
      cti::projections::Store::Open(generation.path);
  if (!store.ok()) return store.status();
  generation.store = std::shared_ptr<cti::projections::Store>(
      store->release(),
      [path = generation.path, retired = generation.retired](cti::projections::Store* released) {
        delete released;
        if (retired->load()) RemoveDirectory(path);
      });
  return generation;
}

absl::StatusOr<StoreGeneration> StoreGenerations::OpenCurrent() {
  std::error_code error;
  std::filesystem::create_directories(data_dir_, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot create data directory ", data_dir_, ": ", error.message()));
  }
  const std::string current_file =
      (std::filesystem::path(data_dir_) / kCurrentProjectionsFile).string();
  int number = 0;
  absl::StatusOr<std::string> contents = ReadFile(current_file);
  if (contents.ok()) {
    number = GenerationOf(absl::StripAsciiWhitespace(*contents));
    if (number == 0) {
      return absl::DataLossError(absl::StrCat(current_file,
                                              " does not name a generation "
                                              "(expected \"projections-N\"), found \"",
                                              absl::StripAsciiWhitespace(*contents), "\""));
    }
  } else if (absl::IsNotFound(contents.status())) {
    number = 1;
    absl::Status written = WriteFileAtomically(current_file, absl::StrCat(kPrefix, 1, "\n"));
    if (!written.ok()) return written;
  } else {
    return contents.status();
  }
  // Generations other than the current one are left over from an interrupted rebuild.
  for (const auto& entry : std::filesystem::directory_iterator(data_dir_, error)) {
    const int other = GenerationOf(entry.path().filename().string());
    if (other != 0 && other != number) {
      spdlog::info("removing projection store {} left by an interrupted rebuild",
                   entry.path().string());
      RemoveDirectory(entry.path().string());
    }
  }
  absl::StatusOr<StoreGeneration> opened = Open(number);
  if (!opened.ok()) return opened.status();
  current_ = *opened;
  current_.store = nullptr;
  return opened;
}

absl::StatusOr<StoreGeneration> StoreGenerations::CreateNext() {
  const int number = current_.number + 1;
  std::error_code error;
  std::filesystem::remove_all(PathOf(number), error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot clear ", PathOf(number), ": ", error.message()));
  }
  return Open(number);
}

absl::Status StoreGenerations::MakeCurrent(const StoreGeneration& next) {
  const std::string current_file =
      (std::filesystem::path(data_dir_) / kCurrentProjectionsFile).string();
  absl::Status written =
      WriteFileAtomically(current_file, absl::StrCat(kPrefix, next.number, "\n"));
  if (!written.ok()) return written;
  if (current_.retired != nullptr) current_.retired->store(true);
  current_ = next;
  current_.store = nullptr;
  return absl::OkStatus();
}

void StoreGenerations::Discard(StoreGeneration& generation) {
  if (generation.retired != nullptr) generation.retired->store(true);
  generation.store = nullptr;
}

}  // namespace cti::server
