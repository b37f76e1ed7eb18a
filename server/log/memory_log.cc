#include "server/log/memory_log.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "server/log/log_format.h"

namespace cti::log {
namespace internal {

// State shared by a MemoryLog and its readers.
struct MemoryShared {
  explicit MemoryShared(int partitions) : records(static_cast<size_t>(partitions)) {}

  absl::Mutex mu;
  absl::CondVar appended;  // Signalled on every append and on close.
  // records[p][i] is the record at position i + 1 of partition p.
  std::vector<std::vector<cti::v1::LogRecord>> records ABSL_GUARDED_BY(mu);
  // format::EventIdKey(tenant, event_id) -> where it is and its digest.
  absl::flat_hash_map<std::string, format::EventIdEntry> event_ids ABSL_GUARDED_BY(mu);
  absl::Time last_recorded_at ABSL_GUARDED_BY(mu) = absl::UnixEpoch();
  absl::Status injected_error ABSL_GUARDED_BY(mu);
  bool closed ABSL_GUARDED_BY(mu) = false;
};

}  // namespace internal

namespace {

class MemoryReader final : public LogReader {
 public:
  MemoryReader(std::shared_ptr<internal::MemoryShared> shared, int partition, uint64_t from)
      : shared_(std::move(shared)), partition_(static_cast<size_t>(partition)), next_(from) {}

  absl::StatusOr<std::vector<cti::v1::LogRecord>> Next(size_t max_records,
                                                       absl::Duration wait) override {
    if (max_records == 0) return absl::InvalidArgumentError("max_records must be positive");
    absl::MutexLock lock(&shared_->mu);
    const absl::Time deadline = absl::Now() + wait;
    while (!shared_->closed && shared_->records[partition_].size() < next_) {
      if (shared_->appended.WaitWithDeadline(&shared_->mu, deadline)) break;
    }
    if (shared_->closed) return absl::UnavailableError("log closed");
    const std::vector<cti::v1::LogRecord>& partition = shared_->records[partition_];
    std::vector<cti::v1::LogRecord> out;
    while (out.size() < max_records && next_ <= partition.size()) {
      out.push_back(partition[next_ - 1]);
      ++next_;
    }
    return out;
  }

 private:
  const std::shared_ptr<internal::MemoryShared> shared_;
  const size_t partition_;
  uint64_t next_;
};

absl::Status UnknownPartition(int partition, int count) {
  return absl::InvalidArgumentError(
      absl::StrCat("partition ", partition, " does not exist (the log has ", count, ")"));
}

}  // namespace

MemoryLog::MemoryLog(cti::Clock* clock, int partition_count)
    : partition_count_(std::max(partition_count, 1)),
      clock_(clock),
      shared_(std::make_shared<internal::MemoryShared>(partition_count_)) {}

MemoryLog::~MemoryLog() {
  absl::MutexLock lock(&shared_->mu);
  shared_->closed = true;
  shared_->appended.SignalAll();
}

int MemoryLog::PartitionOf(std::string_view tenant) const {
  return static_cast<int>(format::StableHash64(tenant) % static_cast<uint64_t>(partition_count_));
}

void MemoryLog::AppendAsync(cti::v1::Event event, AppendCallback done) {
  // Answered before returning, outside the lock: `done` may append again.
  std::move(done)(AppendNow(std::move(event)));
}

absl::StatusOr<AppendResult> MemoryLog::AppendNow(cti::v1::Event event) {
  if (absl::Status s = format::CheckAppendable(event); !s.ok()) return s;
  event.clear_recorded_at();
  std::string key = format::EventIdKey(event.tenant(), event.event_id());
  std::string digest = format::PayloadDigest(event);
  const int partition = PartitionOf(event.tenant());
  const absl::Time now = format::TruncateToNanos(clock_->Now());

  absl::MutexLock lock(&shared_->mu);
  if (shared_->closed) return absl::UnavailableError("log closing");
  if (!shared_->injected_error.ok()) return shared_->injected_error;
  if (auto it = shared_->event_ids.find(key); it != shared_->event_ids.end()) {
    const format::EventIdEntry& entry = it->second;
    if (entry.digest != digest) {
      return absl::FailedPreconditionError(
          absl::StrCat("event_id '", event.event_id(), "' already used at position ",
                       entry.position, " with a different payload"));
    }
    const cti::v1::LogRecord& original = shared_->records[entry.partition][entry.position - 1];
    return AppendResult{entry.position, true,
                        format::FromTimestamp(original.event().recorded_at())};
  }
  std::vector<cti::v1::LogRecord>& records = shared_->records[static_cast<size_t>(partition)];
  const absl::Time recorded_at = std::max(now, shared_->last_recorded_at);
  shared_->last_recorded_at = recorded_at;
  const uint64_t position = records.size() + 1;
  format::ToTimestamp(recorded_at, event.mutable_recorded_at());
  cti::v1::LogRecord& record = records.emplace_back();
  record.set_position(position);
  *record.mutable_event() = std::move(event);
  shared_->event_ids.emplace(std::move(key), format::EventIdEntry{static_cast<uint32_t>(partition),
                                                                  position, std::move(digest)});
  shared_->appended.SignalAll();
  return AppendResult{position, false, recorded_at};
}

absl::StatusOr<uint64_t> MemoryLog::EndPosition(int partition) {
  if (partition < 0 || partition >= partition_count_) {
    return UnknownPartition(partition, partition_count_);
  }
  absl::MutexLock lock(&shared_->mu);
  return shared_->records[static_cast<size_t>(partition)].size();
}

absl::StatusOr<std::unique_ptr<LogReader>> MemoryLog::OpenReader(int partition, uint64_t from) {
  if (partition < 0 || partition >= partition_count_) {
    return UnknownPartition(partition, partition_count_);
  }
  return std::make_unique<MemoryReader>(shared_, partition, from == 0 ? 1 : from);
}

void MemoryLog::InjectAppendError(absl::Status status) {
  absl::MutexLock lock(&shared_->mu);
  shared_->injected_error = std::move(status);
}

}  // namespace cti::log
