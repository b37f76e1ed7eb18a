// EventLog::Append: the blocking form of AppendAsync, for every backend; RecordBatch and
// the default LogReader::NextBatch.
#include "server/log/event_log.h"

#include <algorithm>
#include <utility>

#include "absl/synchronization/notification.h"

namespace cti::log {

RecordBatch::RecordBatch() = default;
RecordBatch::~RecordBatch() = default;
RecordBatch::RecordBatch(RecordBatch&&) noexcept = default;
RecordBatch& RecordBatch::operator=(RecordBatch&&) noexcept = default;

RecordBatch::RecordBatch(std::vector<cti::v1::LogRecord> records) : owned_(std::move(records)) {
  records_.reserve(owned_.size());
  for (const cti::v1::LogRecord& record : owned_) records_.push_back(&record);
}

cti::v1::LogRecord* RecordBatch::AddOnArena(size_t block_bytes) {
  if (arena_ == nullptr) {
    google::protobuf::ArenaOptions options;
    options.start_block_size = std::min<size_t>(block_bytes, 4096);
    options.max_block_size = block_bytes;
    arena_ = std::make_unique<google::protobuf::Arena>(options);
  }
  cti::v1::LogRecord* record =
      google::protobuf::Arena::CreateMessage<cti::v1::LogRecord>(arena_.get());
  records_.push_back(record);
  return record;
}

absl::StatusOr<RecordBatch> LogReader::NextBatch(size_t max_records, absl::Duration wait) {
  absl::StatusOr<std::vector<cti::v1::LogRecord>> records = Next(max_records, wait);
  if (!records.ok()) return records.status();
  return RecordBatch(*std::move(records));
}

absl::StatusOr<AppendResult> EventLog::Append(cti::v1::Event event) {
  absl::Notification done;
  absl::StatusOr<AppendResult> result;
  AppendAsync(std::move(event), [&done, &result](absl::StatusOr<AppendResult> answer) {
    result = std::move(answer);
    done.Notify();  // `done` and `result` may be gone once this returns.
  });
  done.WaitForNotification();
  return result;
}

}  // namespace cti::log
