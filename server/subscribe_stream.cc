#include "server/subscribe_stream.h"

#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/slice.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "cti/v1/event_service.grpc.pb.h"
#include "projections/directory.h"
#include "projections/presence.h"
#include "server/access.h"
#include "server/log/event_log.h"
#include "server/record_filter.h"
#include "server/status_mapping.h"
#include "server/wire_bytes.h"

namespace cti::server {
namespace {

using cti::v1::LogRecord;
using cti::v1::SubscribeRequest;
using cti::v1::SubscribeResponse;

constexpr uint32_t kMaxHeartbeatSeconds = 300;
constexpr uint32_t kMaxBatchRecords = 1000;
constexpr uint32_t kMaxDelayMs = 1000;
// Records read from the log per catch-up step.
constexpr size_t kCatchUpChunk = 512;

// Why the stream is to end; the resume position is added when it does.
struct Ending {
  absl::StatusCode code;
  std::string message;
  bool resume_hint;
};

// A matching record queued for the stream: its position and its serialized bytes
// (shared with every stream that sends the same live record).
struct Queued {
  uint64_t position = 0;
  std::shared_ptr<const std::string> bytes;
};

grpc::ByteBuffer SerializedResponse(const SubscribeResponse& response) {
  return OwningBuffer(response.SerializeAsString());
}

class SubscribeStream final : public grpc::ServerWriteReactor<grpc::ByteBuffer>,
                              public HubListener,
                              public std::enable_shared_from_this<SubscribeStream> {
 public:
  // `request` is what the client sent, or the reason it could not be read.
  SubscribeStream(const ServiceDeps& deps, absl::StatusOr<SubscribeRequest> request)
      : deps_(deps),
        request_(request.ok() ? *std::move(request) : SubscribeRequest()),
        unreadable_(request.status()) {}

  void Begin();

  // grpc::ServerWriteReactor
  void OnSendInitialMetadataDone(bool ok) override { WriteDone(ok); }
  void OnWriteDone(bool ok) override { WriteDone(ok); }
  void OnCancel() override { End({absl::StatusCode::kCancelled, "call cancelled", false}); }
  void OnDone() override;

  // HubListener
  void OnBatch(const std::shared_ptr<const AppliedBatch>& batch) override;
  void OnShutdown() override {
    End({absl::StatusCode::kUnavailable, "server is shutting down", true});
  }
  bool is_subscriber() const override { return true; }

 private:
  absl::Status ParseRequest();
  // Reads what the stream starts from (the unit's members, the snapshot) on the work
  // pool, then starts catch-up or goes live.
  void Prepare(uint64_t published);
  // Starts from `start` with `published` known: live at once or after a catch-up.
  void StartAt(uint64_t start, uint64_t published);
  // Where a from_now stream starts: past every record applied before the call.
  uint64_t EndOfLog(uint64_t published) const;
  // Starts the next write or the finish if one is due. Call without holding mu_.
  void Pump();
  void WriteDone(bool ok);
  // Ends the stream (once), after the write in flight.
  void End(Ending ending);
  void CatchUp();
  void ScheduleCatchUp();
  void ScheduleHeartbeat(absl::Time at) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void OnHeartbeatTimer();
  // True when the queued live records are to wait for more (max_delay_); schedules the
  // flush timer for when they have waited long enough.
  bool HoldQueued() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const ServiceDeps& deps_;
  const SubscribeRequest request_;
  const absl::Status unreadable_;  // OK when the request was read
  int partition_ = 0;
  // What the stream delivers; its unit members and calls are used by one thread at a
  // time: Prepare, then catch-up, then OnBatch (handed over under mu_).
  std::optional<RecordFilter> filter_;
  absl::Duration heartbeat_;
  size_t capacity_ = 1;
  uint32_t batch_records_ = 1;             // SubscribeRequest.batch_records, at least 1
  absl::Duration max_delay_;               // SubscribeRequest.max_delay_ms
  std::shared_ptr<SubscribeStream> self_;  // Released in OnDone.

  absl::Mutex mu_;
  bool live_ ABSL_GUARDED_BY(mu_) = false;
  // Every position <= cursor_ has been queued or filtered out.
  uint64_t cursor_ ABSL_GUARDED_BY(mu_) = 0;
  // Catch-up reads the log up to here: the highest position published to this stream.
  uint64_t target_ ABSL_GUARDED_BY(mu_) = 0;
  // Every matching record <= delivered_ has been handed to gRPC.
  uint64_t delivered_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<Queued> buffer_ ABSL_GUARDED_BY(mu_);
  bool write_in_flight_ ABSL_GUARDED_BY(mu_) = false;
  bool last_write_was_record_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t writing_position_ ABSL_GUARDED_BY(mu_) = 0;
  bool heartbeat_due_ ABSL_GUARDED_BY(mu_) = false;
  // The snapshot to write before any record (SubscribeRequest.snapshot).
  std::optional<cti::v1::SwitchboardSnapshot> snapshot_ ABSL_GUARDED_BY(mu_);
  // True until Prepare has run: nothing (not even a heartbeat) may go before the snapshot.
  bool preparing_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time last_flow_ ABSL_GUARDED_BY(mu_);
  uint64_t heartbeat_timer_ ABSL_GUARDED_BY(mu_) = 0;
  // With max_delay_: when the live records now queued began to wait (the buffer was
  // empty before), and the timer that sends them once they have waited max_delay_.
  absl::Time held_since_ ABSL_GUARDED_BY(mu_);
  uint64_t flush_timer_ ABSL_GUARDED_BY(mu_) = 0;
  bool catch_up_running_ ABSL_GUARDED_BY(mu_) = false;
  bool catch_up_blocked_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<Ending> ending_ ABSL_GUARDED_BY(mu_);
  bool finish_started_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ByteBuffer response_;  // Owned by the write in flight: a serialized SubscribeResponse

  // Catch-up state, used by the one catch-up task running at a time.
  std::unique_ptr<cti::log::LogReader> reader_;
  std::deque<LogRecord> read_ahead_;
};

absl::Status SubscribeStream::ParseRequest() {
  if (request_.heartbeat_seconds() > kMaxHeartbeatSeconds) {
    return absl::InvalidArgumentError(absl::StrCat("heartbeat_seconds must be at most ",
                                                   kMaxHeartbeatSeconds, ", got ",
                                                   request_.heartbeat_seconds()));
  }
  heartbeat_ = request_.heartbeat_seconds() == 0 ? deps_.options.default_heartbeat
                                                 : absl::Seconds(request_.heartbeat_seconds());
  RecordFilter::Spec spec = RecordFilter::SpecOf(request_);
  absl::StatusOr<RecordFilter> filter = RecordFilter::Make(spec);
  if (!filter.ok()) return filter.status();
  filter_ = *std::move(filter);
  if (request_.snapshot() && (request_.after_position() != 0 || request_.from_now())) {
    return absl::InvalidArgumentError(
        "snapshot: starts at the snapshot's position; after_position and from_now must not be "
        "set (resume with after_position and without snapshot)");
  }
  if (request_.batch_records() > kMaxBatchRecords) {
    return absl::InvalidArgumentError(absl::StrCat(
        "batch_records must be at most ", kMaxBatchRecords, ", got ", request_.batch_records()));
  }
  batch_records_ = std::max<uint32_t>(1, request_.batch_records());
  if (request_.max_delay_ms() > kMaxDelayMs) {
    return absl::InvalidArgumentError(absl::StrCat("max_delay_ms must be at most ", kMaxDelayMs,
                                                   ", got ", request_.max_delay_ms()));
  }
  if (request_.max_delay_ms() > 0 && batch_records_ <= 1) {
    return absl::InvalidArgumentError(
        "max_delay_ms: needs batch_records > 1 (held records go out together in one batch)");
  }
  max_delay_ = absl::Milliseconds(request_.max_delay_ms());
  partition_ = deps_.log->PartitionOf(request_.tenant());
  capacity_ = std::max<size_t>(1, deps_.options.subscriber_buffer);
  return absl::OkStatus();
}

void SubscribeStream::Begin() {
  self_ = shared_from_this();
  absl::Status parsed = unreadable_;
  if (parsed.ok()) parsed = ServingGate(deps_);
  if (parsed.ok()) parsed = ParseRequest();
  if (!parsed.ok()) {
    {
      absl::MutexLock lock(&mu_);
      finish_started_ = true;
    }
    Finish(ToGrpcStatus(parsed));
    return;
  }
  {
    // The initial metadata counts as the first write: batches that arrive before it is
    // sent are only queued.
    absl::MutexLock lock(&mu_);
    write_in_flight_ = true;
    last_flow_ = deps_.clock->Now();
  }
  absl::StatusOr<uint64_t> published = deps_.hub->Add(partition_, shared_from_this());
  if (!published.ok()) {
    {
      absl::MutexLock lock(&mu_);
      write_in_flight_ = false;
      finish_started_ = true;
    }
    Finish(ToGrpcStatus(published.status()));
    return;
  }
  {
    absl::MutexLock lock(&mu_);
    ScheduleHeartbeat(last_flow_ + heartbeat_);
    preparing_ = request_.snapshot() || !request_.unit_id().empty();
  }
  if (request_.snapshot() || !request_.unit_id().empty()) {
    // Store reads do not belong on gRPC's thread: the stream starts from the work pool.
    std::shared_ptr<SubscribeStream> self = shared_from_this();
    const uint64_t at = *published;
    if (!deps_.work->Post([self, at] { self->Prepare(at); })) {
      End({absl::StatusCode::kUnavailable, "server is shutting down", false});
    }
  } else {
    StartAt(request_.from_now() ? EndOfLog(*published) : request_.after_position(), *published);
  }
  StartSendInitialMetadata();
}

uint64_t SubscribeStream::EndOfLog(uint64_t published) const {
  // The store applies before the hub publishes: a record a client has already seen applied
  // (GetStatus, a query's min_position) may not be published yet, and from_now promises only
  // records applied after the call. Records up to the store's position are skipped when the
  // hub delivers them.
  return std::max(published, deps_.stores->Get()->AppliedPosition(partition_));
}

void SubscribeStream::StartAt(uint64_t start, uint64_t published) {
  bool catch_up = false;
  {
    absl::MutexLock lock(&mu_);
    if (ending_.has_value() || finish_started_ || done_) return;
    preparing_ = false;
    cursor_ = std::max(cursor_, start);
    delivered_ = cursor_;
    target_ = std::max(target_, published);
    if (cursor_ >= target_) {
      live_ = true;
    } else {
      catch_up = true;
      catch_up_running_ = true;
    }
  }
  if (catch_up) ScheduleCatchUp();
  Pump();
}

void SubscribeStream::Prepare(uint64_t published) {
  std::shared_ptr<cti::projections::Store> store = deps_.stores->Get();
  // The unit's members where the stream starts: at the snapshot's position (from the
  // snapshot), none at the start of the log (the hires stream by), else as now.
  const bool members_now =
      !request_.snapshot() && (request_.from_now() || request_.after_position() > 0);
  if (!request_.unit_id().empty()) {
    cti::v1::GetUnitRequest unit_request;
    unit_request.set_tenant(request_.tenant());
    unit_request.set_unit_id(request_.unit_id());
    absl::StatusOr<cti::v1::GetUnitResponse> unit =
        cti::projections::Directory(store.get()).GetUnit(unit_request);
    if (!unit.ok()) {
      End({unit.status().code(), absl::StrCat("unit_id: ", unit.status().message()), false});
      return;
    }
    if (members_now) {
      for (const cti::v1::Employee& employee : unit->employees()) {
        filter_->AddMember(employee.employee_id());
      }
    }
  }
  uint64_t start = request_.from_now() ? EndOfLog(published) : request_.after_position();
  if (request_.snapshot()) {
    cti::projections::PresenceView::Scope scope{request_.tenant(), request_.unit_id(),
                                                request_.employee_id()};
    absl::StatusOr<cti::v1::SwitchboardSnapshot> snapshot =
        cti::projections::PresenceView(store.get(), deps_.zone)
            .Switchboard(scope, partition_, deps_.clock->Now());
    if (!snapshot.ok()) {
      End({snapshot.status().code(), std::string(snapshot.status().message()), false});
      return;
    }
    // The store applies before it publishes: the snapshot is at or after `published`.
    start = std::max(snapshot->position(), published);
    if (!request_.unit_id().empty() || !request_.employee_id().empty()) {
      for (const cti::v1::LiveCall& call : snapshot->calls()) filter_->AddCall(call.call_id());
    }
    if (!request_.unit_id().empty()) {
      for (const cti::v1::EmployeeAvailability& e : snapshot->employees()) {
        filter_->AddMember(e.employee_id());
      }
    }
    absl::MutexLock lock(&mu_);
    snapshot_ = *std::move(snapshot);
  }
  StartAt(start, published);
}

void SubscribeStream::OnDone() {
  std::shared_ptr<SubscribeStream> keep = std::move(self_);  // Released on return.
  uint64_t timer = 0;
  uint64_t flush = 0;
  {
    absl::MutexLock lock(&mu_);
    done_ = true;
    timer = heartbeat_timer_;
    heartbeat_timer_ = 0;
    flush = flush_timer_;
    flush_timer_ = 0;
  }
  if (timer != 0) deps_.timer->Cancel(timer);
  if (flush != 0) deps_.timer->Cancel(flush);
  deps_.hub->Remove(this);
}

void SubscribeStream::OnBatch(const std::shared_ptr<const AppliedBatch>& batch) {
  bool overflow = false;
  {
    absl::MutexLock lock(&mu_);
    if (ending_.has_value() || done_) return;
    target_ = std::max(target_, batch->applied_position);
    if (!live_) return;  // Catch-up reads these positions from the log.
    const absl::Span<const LogRecord* const> records = batch->records.records();
    if (buffer_.empty()) held_since_ = deps_.clock->Now();
    for (size_t i = 0; i < records.size(); ++i) {
      const LogRecord* record = records[i];
      if (record->position() <= cursor_ || !filter_->InScope(*record)) continue;
      if (!filter_->Matches(*record)) {
        filter_->Follow(*record);
        continue;
      }
      if (buffer_.size() >= capacity_) {
        overflow = true;
        break;
      }
      filter_->Follow(*record);
      // Serialized once per batch, shared by every stream (no copy, no parse).
      buffer_.push_back(Queued{record->position(),
                               std::shared_ptr<const std::string>(batch, &batch->Serialized(i))});
    }
    if (!overflow) cursor_ = std::max(cursor_, batch->applied_position);
  }
  if (overflow) {
    End({absl::StatusCode::kResourceExhausted, "subscriber fell behind", true});
    deps_.hub->Remove(this);
    return;
  }
  Pump();
}

void SubscribeStream::End(Ending ending) {
  {
    absl::MutexLock lock(&mu_);
    if (ending_.has_value() || finish_started_) return;
    ending_ = std::move(ending);
    buffer_.clear();
  }
  Pump();
}

void SubscribeStream::Pump() {
  enum class Action { kNone, kWrite, kFinish } action = Action::kNone;
  grpc::Status finish_status;
  bool resume_catch_up = false;
  {
    absl::MutexLock lock(&mu_);
    if (write_in_flight_ || finish_started_ || done_) return;
    if (ending_.has_value()) {
      finish_started_ = true;
      std::string message = ending_->message;
      if (ending_->resume_hint) {
        absl::StrAppend(&message, "; resume with after_position=", delivered_);
      }
      finish_status =
          grpc::Status(static_cast<grpc::StatusCode>(ending_->code), std::move(message));
      action = Action::kFinish;
    } else if (snapshot_.has_value()) {
      SubscribeResponse message;
      *message.mutable_snapshot() = *std::move(snapshot_);
      snapshot_.reset();
      response_ = SerializedResponse(message);
      write_in_flight_ = true;
      last_write_was_record_ = false;
      last_flow_ = deps_.clock->Now();
      action = Action::kWrite;
    } else if (!buffer_.empty() && HoldQueued()) {
      // Held for more records to join them (max_delay_ms); the flush timer sends them.
    } else if (!buffer_.empty()) {
      // The SubscribeResponse is put together from the records' serialized bytes.
      std::string message;
      if (batch_records_ <= 1) {
        const Queued queued = std::move(buffer_.front());
        buffer_.pop_front();
        AppendFieldHeader(&message, SubscribeResponse::kRecordFieldNumber, queued.bytes->size());
        message.append(*queued.bytes);
        writing_position_ = queued.position;
      } else {
        // Whatever is queued, up to batch_records_, in one RecordBatch.
        const size_t n = std::min<size_t>(buffer_.size(), batch_records_);
        std::string records;
        for (size_t i = 0; i < n; ++i) {
          const Queued& queued = buffer_[i];
          AppendFieldHeader(&records, cti::v1::RecordBatch::kRecordsFieldNumber,
                            queued.bytes->size());
          records.append(*queued.bytes);
        }
        writing_position_ = buffer_[n - 1].position;
        buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<ptrdiff_t>(n));
        AppendFieldHeader(&message, SubscribeResponse::kBatchFieldNumber, records.size());
        message.append(records);
      }
      response_ = OwningBuffer(std::move(message));
      write_in_flight_ = true;
      last_write_was_record_ = true;
      last_flow_ = deps_.clock->Now();
      action = Action::kWrite;
      if (catch_up_blocked_ && buffer_.size() <= capacity_ / 2) {
        catch_up_blocked_ = false;
        catch_up_running_ = true;
        resume_catch_up = true;
      }
    } else {
      // Nothing queued: every matching record up to the cursor has been handed over.
      delivered_ = std::max(delivered_, cursor_);
      if (heartbeat_due_ && !preparing_) {
        heartbeat_due_ = false;
        SubscribeResponse message;
        cti::v1::Heartbeat* heartbeat = message.mutable_heartbeat();
        heartbeat->set_applied_position(delivered_);
        *heartbeat->mutable_at() = ToProtoTimestamp(deps_.clock->Now());
        response_ = SerializedResponse(message);
        write_in_flight_ = true;
        last_write_was_record_ = false;
        action = Action::kWrite;
      }
    }
  }
  if (resume_catch_up) ScheduleCatchUp();
  switch (action) {
    case Action::kWrite:
      StartWrite(&response_);
      break;
    case Action::kFinish:
      Finish(finish_status);
      break;
    case Action::kNone:
      break;
  }
}

void SubscribeStream::WriteDone(bool ok) {
  {
    absl::MutexLock lock(&mu_);
    write_in_flight_ = false;
    if (ok && last_write_was_record_) delivered_ = std::max(delivered_, writing_position_);
    if (!ok && !ending_.has_value()) {
      ending_ = Ending{absl::StatusCode::kCancelled, "stream broken", false};
      buffer_.clear();
    }
  }
  Pump();
}

void SubscribeStream::ScheduleCatchUp() {
  std::shared_ptr<SubscribeStream> self = shared_from_this();
  if (!deps_.work->Post([self] { self->CatchUp(); })) {
    End({absl::StatusCode::kUnavailable, "server is shutting down", true});
  }
}

void SubscribeStream::CatchUp() {
  uint64_t from = 0;
  uint64_t target = 0;
  size_t room = 0;
  {
    absl::MutexLock lock(&mu_);
    if (ending_.has_value() || finish_started_ || done_) {
      catch_up_running_ = false;
      return;
    }
    if (cursor_ >= target_) {
      // Caught up with everything published to this stream: live from here on.
      live_ = true;
      catch_up_running_ = false;
      read_ahead_.clear();
      reader_.reset();
    } else if (buffer_.size() >= capacity_) {
      catch_up_blocked_ = true;
      catch_up_running_ = false;
    } else {
      from = cursor_ + 1;
      target = target_;
      room = std::min(capacity_ - buffer_.size(), kCatchUpChunk);
    }
  }
  if (room == 0) {
    Pump();
    return;
  }
  absl::Status failure;
  if (reader_ == nullptr) {
    absl::StatusOr<std::unique_ptr<cti::log::LogReader>> reader =
        deps_.log->OpenReader(partition_, from);
    if (reader.ok()) {
      reader_ = *std::move(reader);
    } else {
      failure = reader.status();
    }
  }
  std::vector<LogRecord> records;
  if (failure.ok() && read_ahead_.empty()) {
    absl::StatusOr<std::vector<LogRecord>> next = reader_->Next(room, absl::Milliseconds(10));
    if (next.ok()) {
      for (LogRecord& record : *next) read_ahead_.push_back(std::move(record));
    } else {
      failure = next.status();
    }
  }
  // Take what is at or below the target; the rest waits in read_ahead_.
  std::vector<Queued> matched;
  uint64_t reached = from - 1;
  std::shared_ptr<cti::projections::Store> store = deps_.stores->Get();
  while (failure.ok() && !read_ahead_.empty() && read_ahead_.front().position() <= target &&
         matched.size() < room) {
    LogRecord record = std::move(read_ahead_.front());
    read_ahead_.pop_front();
    if (record.position() < from) continue;  // Already passed (cannot happen, but safe).
    reached = record.position();
    if (!filter_->InScope(record)) continue;
    absl::StatusOr<cti::v1::ApplyOutcome> outcome = store->OutcomeAt(partition_, record.position());
    if (!outcome.ok()) {
      failure = outcome.status();
      break;
    }
    *record.mutable_outcome() = *std::move(outcome);
    const bool matches = filter_->Matches(record);
    filter_->Follow(record);
    if (matches) {
      matched.push_back(Queued{record.position(),
                               std::make_shared<const std::string>(record.SerializeAsString())});
    }
  }
  // Records beyond the target were read ahead: every position up to it has been seen
  // (positions need not be dense).
  if (failure.ok() && !read_ahead_.empty() && read_ahead_.front().position() > target) {
    reached = target;
  }
  if (!failure.ok()) {
    {
      absl::MutexLock lock(&mu_);
      catch_up_running_ = false;
    }
    End({failure.code(), absl::StrCat("reading the log: ", failure.message()), true});
    return;
  }
  {
    absl::MutexLock lock(&mu_);
    for (auto& record : matched) buffer_.push_back(std::move(record));
    cursor_ = std::max(cursor_, reached);
  }
  Pump();
  // Next step: queued behind other work so that one stream cannot hog the pool.
  ScheduleCatchUp();
}

void SubscribeStream::ScheduleHeartbeat(absl::Time at) {
  std::weak_ptr<SubscribeStream> weak = weak_from_this();
  heartbeat_timer_ = deps_.timer->Schedule(at, [weak] {
    if (std::shared_ptr<SubscribeStream> self = weak.lock()) self->OnHeartbeatTimer();
  });
}

bool SubscribeStream::HoldQueued() {
  if (max_delay_ <= absl::ZeroDuration() || !live_ || catch_up_running_ ||
      buffer_.size() >= batch_records_) {
    return false;
  }
  const absl::Time due = held_since_ + max_delay_;
  if (deps_.clock->Now() >= due) return false;
  if (flush_timer_ == 0) {
    std::weak_ptr<SubscribeStream> weak = weak_from_this();
    flush_timer_ = deps_.timer->Schedule(due, [weak] {
      std::shared_ptr<SubscribeStream> self = weak.lock();
      if (self == nullptr) return;
      {
        absl::MutexLock lock(&self->mu_);
        self->flush_timer_ = 0;
      }
      self->Pump();
    });
  }
  return true;
}

void SubscribeStream::OnHeartbeatTimer() {
  {
    absl::MutexLock lock(&mu_);
    heartbeat_timer_ = 0;
    if (done_ || finish_started_ || ending_.has_value()) return;
    const absl::Time now = deps_.clock->Now();
    const bool idle = buffer_.empty() && !write_in_flight_;
    if (idle && now - last_flow_ >= heartbeat_) {
      heartbeat_due_ = true;
      last_flow_ = now;
    }
    // While records flow, look again one interval after the last one.
    absl::Time next = last_flow_ + heartbeat_;
    if (next <= now) next = now + heartbeat_;
    ScheduleHeartbeat(next);
  }
  Pump();
}

}  // namespace

grpc::ServerWriteReactor<grpc::ByteBuffer>* StartSubscribeStream(
    grpc::CallbackServerContext* context, const ServiceDeps& deps,
    const grpc::ByteBuffer& request_bytes) {
  absl::StatusOr<Caller> caller = Identify(deps, *context);
  if (!caller.ok()) return RefuseStream<grpc::ByteBuffer>(caller.status());
  absl::StatusOr<SubscribeRequest> request = SubscribeRequest();
  grpc::ByteBuffer bytes(request_bytes);  // Deserialize consumes its buffer
  if (!grpc::SerializationTraits<SubscribeRequest>::Deserialize(&bytes, &*request).ok()) {
    request = absl::InvalidArgumentError("request: not a cti.v1.SubscribeRequest");
  } else if (absl::Status allowed = CheckAccess(*caller, Rpc::kEventSubscribe, request->tenant());
             !allowed.ok()) {
    return RefuseStream<grpc::ByteBuffer>(allowed);
  }
  auto stream = std::make_shared<SubscribeStream>(deps, std::move(request));
  stream->Begin();
  return stream.get();
}

}  // namespace cti::server
