#include "projections/internal/rocks_support.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace cti::rocks {
namespace {

class InfoLog final : public rocksdb::Logger {
 public:
  explicit InfoLog(const std::string& dir) {
    const std::string path = dir + "/LOG";
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (std::filesystem::exists(path, error)) {
      std::filesystem::rename(path, absl::StrCat(path, ".old.", absl::ToUnixMicros(absl::Now())),
                              error);
    }
    fd_ = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  }
  ~InfoLog() override {
    if (fd_ >= 0) close(fd_);
  }

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    if (fd_ < 0) return;
    std::string line = absl::FormatTime("%Y/%m/%d-%H:%M:%E6S ", absl::Now(), absl::LocalTimeZone());
    va_list measure;
    va_copy(measure, ap);
    const int length = std::vsnprintf(nullptr, 0, format, measure);
    va_end(measure);
    if (length < 0) return;
    const size_t start = line.size();
    line.resize(start + static_cast<size_t>(length) + 1);
    std::vsnprintf(line.data() + start, static_cast<size_t>(length) + 1, format, ap);
    line.back() = '\n';  // in place of vsnprintf's terminating NUL
    if (line.size() >= 2 && line[line.size() - 2] == '\n') line.pop_back();
    // One write(2) per line: lines of concurrent callers do not interleave.
    [[maybe_unused]] const ssize_t written = write(fd_, line.data(), line.size());
  }

 private:
  int fd_ = -1;
};

class ResumeByOwner final : public rocksdb::EventListener {
 public:
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason /*reason*/, rocksdb::Status bg_error,
                            bool* auto_recovery) override {
    if (bg_error.severity() >= rocksdb::Status::Severity::kHardError) *auto_recovery = false;
  }
};

}  // namespace

std::shared_ptr<rocksdb::Logger> NewInfoLog(const std::string& dir) {
  return std::make_shared<InfoLog>(dir);
}

std::shared_ptr<rocksdb::EventListener> NewResumeByOwner() {
  return std::make_shared<ResumeByOwner>();
}

}  // namespace cti::rocks
