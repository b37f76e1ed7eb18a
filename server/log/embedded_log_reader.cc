// LogReader over one partition of an EmbeddedLog.
#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "rocksdb/perf_level.h"
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
    std::vector<cti::v1::LogRecord> records;
    absl::Status status = ReadNext(
        max_records, wait, [&](size_t n) { records.reserve(n); },
        [&] { return &records.emplace_back(); }, [&] { records.pop_back(); });
    if (!status.ok() && records.empty()) return status;
    return records;
  }

  absl::StatusOr<RecordBatch> NextBatch(size_t max_records, absl::Duration wait) override {
    // Read once (a rebuild): the blocks need not displace others in the cache.
    fill_cache_ = false;
    RecordBatch batch;
    absl::Status status = ReadNext(
        max_records, wait, [](size_t) {}, [&] { return batch.AddOnArena(); },
        [&] { batch.PopBack(); });
    if (!status.ok() && batch.empty()) return status;
    return batch;
  }

 private:
  // Waits (up to `wait`) for published records and reads up to `max_records` of them
  // into records made by `add` (after `reserve` with their number; `drop` takes back
  // the last one when it cannot be decoded). On an error after some records, those
  // stay and the error comes again on the next call.
  template <typename Reserve, typename Add, typename Drop>
  absl::Status ReadNext(size_t max_records, absl::Duration wait, Reserve reserve, Add add,
                        Drop drop) {
    if (max_records == 0) return absl::InvalidArgumentError("max_records must be positive");
    // RocksDB counts every step into a thread-local perf context by default (a TLS
    // lookup each, from the shared library); nobody here reads those counters.
    rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
    uint64_t end = 0;
    {
      absl::MutexLock lock(&shared_->mu);
      const absl::Time deadline = absl::Now() + wait;
      while (!shared_->closed && shared_->end < next_) {
        if (shared_->appended.WaitWithDeadline(&shared_->mu, deadline)) break;
      }
      if (shared_->closed) return absl::UnavailableError("log closed");
      end = shared_->end;
      if (end < next_) return absl::OkStatus();
      ++shared_->active_reads;
    }
    const uint64_t last = next_ - 1 + std::min<uint64_t>(max_records, end - next_ + 1);
    reserve(static_cast<size_t>(last - next_ + 1));
    absl::Status status = Read(last, add, drop);
    {
      absl::MutexLock lock(&shared_->mu);
      if (--shared_->active_reads == 0) shared_->reads_done.SignalAll();
    }
    return status;
  }

  // Reads positions next_..last, all published.
  template <typename Add, typename Drop>
  absl::Status Read(uint64_t last, Add add, Drop drop) {
    const std::string upper = format::RecordKey(partition_, last + 1);
    const rocksdb::Slice upper_slice(upper);
    rocksdb::ReadOptions options;
    options.iterate_upper_bound = &upper_slice;
    options.fill_cache = fill_cache_;
    std::unique_ptr<rocksdb::Iterator> it(shared_->db->NewIterator(options, shared_->records));
    it->Seek(format::RecordKey(partition_, next_));
    for (; next_ <= last; it->Next()) {
      if (!it->Valid()) {
        return it->status().ok()
                   ? absl::DataLossError(absl::StrCat("the record at position ", next_,
                                                      " of partition ", partition_, " is missing"))
                   : FromRocks(it->status(), absl::StrCat("reading position ", next_));
      }
      const auto key = format::ParseRecordKey(it->key().ToStringView());
      if (!key.has_value() || key->position != next_) {
        return absl::DataLossError(absl::StrCat("the record at position ", next_, " of partition ",
                                                partition_, " is missing"));
      }
      cti::v1::LogRecord* record = add();
      record->set_position(next_);
      if (!record->mutable_event()->ParseFromArray(it->value().data(),
                                                   static_cast<int>(it->value().size()))) {
        drop();
        return absl::DataLossError(absl::StrCat("the record at position ", next_, " of partition ",
                                                partition_, " cannot be decoded"));
      }
      ++next_;
    }
    return absl::OkStatus();
  }

  const std::shared_ptr<EmbeddedShared> shared_;
  const uint32_t partition_;
  uint64_t next_;           // The next position to answer.
  bool fill_cache_ = true;  // false once NextBatch was used
};

}  // namespace

std::unique_ptr<LogReader> NewEmbeddedReader(std::shared_ptr<EmbeddedShared> shared,
                                             uint32_t partition, uint64_t from) {
  return std::make_unique<EmbeddedReader>(std::move(shared), partition, from);
}

}  // namespace cti::log::internal
