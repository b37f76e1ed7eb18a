// EventLog::Append: the blocking form of AppendAsync, for every backend; RecordBatch and
// the default LogReader::NextBatch; event types (EventTypeOf, AllEventTypes).
#include "server/log/event_log.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "google/protobuf/descriptor.h"

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

std::string EventTypeOf(const cti::v1::Event& event) {
  const google::protobuf::Reflection* reflection = event.GetReflection();
  const google::protobuf::OneofDescriptor* payload =
      event.GetDescriptor()->FindOneofByName("payload");
  const google::protobuf::FieldDescriptor* family =
      payload == nullptr ? nullptr : reflection->GetOneofFieldDescriptor(event, payload);
  if (family == nullptr) return "unknown";
  const google::protobuf::Message& inner = reflection->GetMessage(event, family);
  // Every family (call, staff, calendar) says what happened in its oneof "change".
  const google::protobuf::OneofDescriptor* change =
      inner.GetDescriptor()->FindOneofByName("change");
  const google::protobuf::FieldDescriptor* kind =
      change == nullptr ? nullptr : inner.GetReflection()->GetOneofFieldDescriptor(inner, change);
  if (kind == nullptr) return std::string(family->name());
  return absl::StrCat(family->name(), ".", kind->name());
}

const absl::flat_hash_set<std::string>& AllEventTypes() {
  static const absl::flat_hash_set<std::string>* const types = [] {
    auto* all = new absl::flat_hash_set<std::string>();
    const google::protobuf::OneofDescriptor* payload =
        cti::v1::Event::descriptor()->FindOneofByName("payload");
    for (int f = 0; payload != nullptr && f < payload->field_count(); ++f) {
      const google::protobuf::FieldDescriptor* family = payload->field(f);
      const google::protobuf::OneofDescriptor* change =
          family->message_type() == nullptr ? nullptr
                                            : family->message_type()->FindOneofByName("change");
      for (int k = 0; change != nullptr && k < change->field_count(); ++k) {
        all->insert(absl::StrCat(family->name(), ".", change->field(k)->name()));
      }
    }
    return all;
  }();
  return *types;
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

absl::StatusOr<std::vector<uint64_t>> EventLog::Checkpoint(const std::string& dir) {
  (void)dir;
  const std::string_view name = backend_name();
  return absl::UnimplementedError(
      absl::StrCat("the ", absl::string_view(name.data(), name.size()),
                   " log has nothing in the data directory to back up: only the embedded "
                   "log can be backed up by ctid"));
}

}  // namespace cti::log
