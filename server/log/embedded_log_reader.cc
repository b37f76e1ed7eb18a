// LogReader over one partition of an EmbeddedLog.
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/log/embedded_log_internal.h"
#include "server/log/log_format.h"

namespace cti::log::internal {
namespace {

class EmbeddedReader final : public LogReader {
 public:
  EmbeddedReader(std::shared_ptr<EmbeddedShared> shared, uint32_t partition, uint64_t from)
      : shared_(std::move(shared)), partition_(partition), next_(from) {}

  absl::StatusOr<std::vector<cti::v1::LogRecord>> Next(size_t max_records,
                                                       absl::Duration wait) override {
    if (max_records == 0) return absl::InvalidArgumentError("max_records must be positive");
    uint64_t end = 0;
    {
      absl::MutexLock lock(&shared_->mu);
      const absl::Time deadline = absl::Now() + wait;
      while (!shared_->closed && shared_->end < next_) {
        if (shared_->appended.WaitWithDeadline(&shared_->mu, deadline)) break;
      }
      if (shared_->closed) return absl::UnavailableError("log closed");
      end = shared_->end;
      if (end < next_) return std::vector<cti::v1::LogRecord>();
      ++shared_->active_reads;
    }
    const uint64_t last = next_ - 1 + std::min<uint64_t>(max_records, end - next_ + 1);
    absl::StatusOr<std::vector<cti::v1::LogRecord>> records = Read(last);
    {
      absl::MutexLock lock(&shared_->mu);
      if (--shared_->active_reads == 0) shared_->reads_done.SignalAll();
    }
    return records;
  }

 private:
  // Reads positions next_..last, all published. On an error after some records, answers
  // those; the error comes again on the next call.
  absl::StatusOr<std::vector<cti::v1::LogRecord>> Read(uint64_t last) {
    const std::string upper = format::RecordKey(partition_, last + 1);
    const rocksdb::Slice upper_slice(upper);
    rocksdb::ReadOptions options;
    options.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(shared_->db->NewIterator(options, shared_->records));
    std::vector<cti::v1::LogRecord> records;
    records.reserve(last - next_ + 1);
    absl::Status error;
    it->Seek(format::RecordKey(partition_, next_));
    for (; next_ <= last; it->Next()) {
      if (!it->Valid()) {
        error = it->status().ok()
                    ? absl::DataLossError(absl::StrCat("the record at position ", next_,
                                                       " of partition ", partition_, " is missing"))
                    : FromRocks(it->status(), absl::StrCat("reading position ", next_));
        break;
      }
      const auto key = format::ParseRecordKey(it->key().ToStringView());
      if (!key.has_value() || key->position != next_) {
        error = absl::DataLossError(absl::StrCat("the record at position ", next_, " of partition ",
                                                 partition_, " is missing"));
        break;
      }
      cti::v1::LogRecord record;
      record.set_position(next_);
      if (!record.mutable_event()->ParseFromArray(it->value().data(),
                                                  static_cast<int>(it->value().size()))) {
        error = absl::DataLossError(absl::StrCat("the record at position ", next_, " of partition ",
                                                 partition_, " cannot be decoded"));
        break;
      }
      records.push_back(std::move(record));
      ++next_;
    }
    if (!error.ok() && records.empty()) return error;
    return records;
  }

  const std::shared_ptr<EmbeddedShared> shared_;
  const uint32_t partition_;
  uint64_t next_;  // The next position to answer.
};

}  // namespace

std::unique_ptr<LogReader> NewEmbeddedReader(std::shared_ptr<EmbeddedShared> shared,
                                             uint32_t partition, uint64_t from) {
  return std::make_unique<EmbeddedReader>(std::move(shared), partition, from);
}

}  // namespace cti::log::internal
