#include "server/audit_service.h"

#include <grpcpp/support/byte_buffer.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "projections/compliance.h"
#include "projections/directory.h"
#include "projections/log_index.h"
#include "projections/router.h"
#include "server/log/event_log.h"
#include "server/position_gate.h"
#include "server/record_filter.h"
#include "server/status_mapping.h"
#include "server/wire_bytes.h"

namespace cti::server {
namespace {

using cti::v1::LogRecord;
using cti::v1::ReplayRequest;
using cti::v1::ReplayResponse;

constexpr uint32_t kDefaultBatchRecords = 1000;
constexpr uint32_t kMaxBatchRecords = 10000;
// A message goes out at least every this many positions scanned (progress).
constexpr uint64_t kScanPerMessage = 65536;
// Records read from the log at a time.
constexpr size_t kReadChunk = 4096;
// Messages built ahead of the write in flight.
constexpr size_t kMaxQueued = 4;
// Empty reads of positions the projector has applied (so the log holds them) before
// the replay gives up: the log is not answering.
constexpr int kMaxEmptyReads = 100;

// A valid Timestamp between 1970 and 2200, as absl::Time; `field` names it in errors.
absl::StatusOr<absl::Time> InstantOf(const google::protobuf::Timestamp& at,
                                     const std::string& field) {
  constexpr int64_t kMaxSeconds = 7258118400;  // 2200-01-01T00:00:00Z
  if (at.seconds() < 0 || at.seconds() >= kMaxSeconds || at.nanos() < 0 || at.nanos() > 999999999) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": must be a valid instant between 1970 and 2200"));
  }
  return absl::FromUnixSeconds(at.seconds()) + absl::Nanoseconds(at.nanos());
}

class ReplayStream final : public grpc::ServerWriteReactor<grpc::ByteBuffer>,
                           public std::enable_shared_from_this<ReplayStream> {
 public:
  // `request` is what the client sent, or the reason it could not be read.
  ReplayStream(const ServiceDeps& deps, absl::StatusOr<ReplayRequest> request)
      : deps_(deps),
        request_(request.ok() ? *std::move(request) : ReplayRequest()),
        unreadable_(request.status()) {}

  void Begin();

  // grpc::ServerWriteReactor
  void OnWriteDone(bool ok) override;
  void OnCancel() override { Fail(absl::CancelledError("call cancelled")); }
  void OnDone() override { self_.reset(); }

 private:
  absl::Status ParseRequest();
  // Resolves the range, then produces (on the work pool).
  void Prepare();
  // Builds the next message (on the work pool) and queues it.
  void Produce();
  void ScheduleProduce();
  // Reads the next records of the range into pending_, with their outcomes.
  absl::Status ReadMore(const cti::projections::Store& store);
  bool InTime(const LogRecord& record) const;
  // Starts the next write, or the finish once everything is written or the stream
  // failed. Call without holding mu_.
  void Pump();
  // Ends the stream with `status` (the first failure wins) after the write in flight
  // and the producer's task.
  void Fail(absl::Status status);
  // Fail, from the producer's task, which ends with it.
  void Stop(absl::Status status);

  const ServiceDeps& deps_;
  const ReplayRequest request_;
  const absl::Status unreadable_;       // OK when the request was read
  std::shared_ptr<ReplayStream> self_;  // Released in OnDone.

  // Used by the one producer task running at a time (Prepare, then Produce).
  std::optional<RecordFilter> filter_;
  std::optional<absl::Time> from_time_;
  std::optional<absl::Time> to_time_;
  uint32_t batch_records_ = kDefaultBatchRecords;
  int partition_ = 0;
  uint64_t first_ = 0;  // the range, resolved
  uint64_t last_ = 0;
  uint64_t next_ = 0;  // the next position to scan
  std::unique_ptr<cti::log::LogReader> reader_;
  cti::log::RecordBatch pending_;  // read, not yet scanned from pending_index_ on
  size_t pending_index_ = 0;
  int empty_reads_ = 0;

  absl::Mutex mu_;
  std::deque<std::string> queue_ ABSL_GUARDED_BY(mu_);  // serialized ReplayResponses
  bool producing_ ABSL_GUARDED_BY(mu_) = false;         // a producer task is scheduled
  bool produced_all_ ABSL_GUARDED_BY(mu_) = false;
  bool write_in_flight_ ABSL_GUARDED_BY(mu_) = false;
  bool finish_started_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<absl::Status> failure_ ABSL_GUARDED_BY(mu_);
  grpc::ByteBuffer response_;  // Owned by the write in flight.
};

absl::Status ReplayStream::ParseRequest() {
  if (request_.batch_records() > kMaxBatchRecords) {
    return absl::InvalidArgumentError(absl::StrCat(
        "batch_records must be at most ", kMaxBatchRecords, ", got ", request_.batch_records()));
  }
  if (request_.batch_records() > 0) batch_records_ = request_.batch_records();
  if (request_.to_position() != 0 && request_.from_position() > request_.to_position()) {
    return absl::InvalidArgumentError(absl::StrCat("from_position ", request_.from_position(),
                                                   " is after to_position ",
                                                   request_.to_position()));
  }
  if (request_.has_from_time()) {
    absl::StatusOr<absl::Time> at = InstantOf(request_.from_time(), "from_time");
    if (!at.ok()) return at.status();
    from_time_ = *at;
  }
  if (request_.has_to_time()) {
    absl::StatusOr<absl::Time> at = InstantOf(request_.to_time(), "to_time");
    if (!at.ok()) return at.status();
    to_time_ = *at;
  }
  if (from_time_.has_value() && to_time_.has_value() && *from_time_ >= *to_time_) {
    return absl::InvalidArgumentError("from_time: must be before to_time");
  }
  RecordFilter::Spec spec = RecordFilter::SpecOf(request_);
  spec.actor_id = request_.actor_id();
  spec.rejected_only = request_.rejected_only();
  absl::StatusOr<RecordFilter> filter = RecordFilter::Make(spec);
  if (!filter.ok()) return filter.status();
  filter_ = *std::move(filter);
  partition_ = deps_.log->PartitionOf(request_.tenant());
  return absl::OkStatus();
}

void ReplayStream::Begin() {
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
    absl::MutexLock lock(&mu_);
    producing_ = true;
  }
  // Store and log reads do not belong on gRPC's thread.
  std::shared_ptr<ReplayStream> self = shared_from_this();
  if (!deps_.work->Post([self] { self->Prepare(); })) {
    Stop(absl::UnavailableError("server is shutting down"));
  }
}

void ReplayStream::Prepare() {
  std::shared_ptr<cti::projections::Store> store = deps_.stores->Get();
  if (store == nullptr) return Stop(absl::UnavailableError("server is shutting down"));
  const uint64_t applied = store->AppliedPosition(partition_);
  uint64_t first = std::max<uint64_t>(1, request_.from_position());
  uint64_t last = request_.to_position() == 0 ? applied : std::min(request_.to_position(), applied);
  if (from_time_.has_value()) {
    absl::StatusOr<uint64_t> from =
        cti::projections::FirstPositionFrom(*store, partition_, *from_time_);
    if (!from.ok()) return Stop(from.status());
    first = std::max(first, *from);
  }
  if (to_time_.has_value()) {
    // Every record of to_time's second may still lie before it: checked one by one.
    absl::StatusOr<uint64_t> after =
        cti::projections::FirstPositionFrom(*store, partition_, *to_time_ + absl::Seconds(1));
    if (!after.ok()) return Stop(after.status());
    last = std::min(last, *after - 1);
  }
  if (!filter_->unit_id().empty()) {
    cti::v1::GetUnitRequest unit_request;
    unit_request.set_tenant(request_.tenant());
    unit_request.set_unit_id(filter_->unit_id());
    absl::StatusOr<cti::v1::GetUnitResponse> unit =
        cti::projections::Directory(store.get()).GetUnit(unit_request);
    if (!unit.ok()) {
      return Stop(
          absl::Status(unit.status().code(), absl::StrCat("unit_id: ", unit.status().message())));
    }
    // From the start of the log the hires pass by; from later, the members of now.
    if (first > 1) {
      for (const cti::v1::Employee& employee : unit->employees()) {
        filter_->AddMember(employee.employee_id());
      }
    }
  }
  first_ = first;
  last_ = last;
  next_ = first;
  if (first > last) {
    ReplayResponse empty;
    empty.set_scanned_through(last);
    empty.set_first_position(first);
    empty.set_last_position(last);
    {
      absl::MutexLock lock(&mu_);
      queue_.push_back(empty.SerializeAsString());
      produced_all_ = true;
      producing_ = false;
    }
    Pump();
    return;
  }
  Produce();
}

bool ReplayStream::InTime(const LogRecord& record) const {
  if (!from_time_.has_value() && !to_time_.has_value()) return true;
  const google::protobuf::Timestamp& at = record.event().recorded_at();
  const absl::Time recorded = absl::FromUnixSeconds(at.seconds()) + absl::Nanoseconds(at.nanos());
  if (from_time_.has_value() && recorded < *from_time_) return false;
  if (to_time_.has_value() && recorded >= *to_time_) return false;
  return true;
}

absl::Status ReplayStream::ReadMore(const cti::projections::Store& store) {
  if (reader_ == nullptr) {
    absl::StatusOr<std::unique_ptr<cti::log::LogReader>> reader =
        deps_.log->OpenReader(partition_, next_);
    if (!reader.ok()) return reader.status();
    reader_ = *std::move(reader);
  }
  const size_t want = static_cast<size_t>(std::min<uint64_t>(kReadChunk, last_ - next_ + 1));
  absl::StatusOr<cti::log::RecordBatch> batch = reader_->NextBatch(want, absl::Milliseconds(100));
  if (!batch.ok()) return batch.status();
  pending_ = *std::move(batch);
  pending_index_ = 0;
  if (pending_.empty()) {
    if (++empty_reads_ > kMaxEmptyReads) {
      return absl::UnavailableError(
          absl::StrCat("the log did not deliver position ", next_, " of partition ", partition_));
    }
    return absl::OkStatus();
  }
  empty_reads_ = 0;
  const absl::Span<const LogRecord* const> records = pending_.records();
  const uint64_t from = records.front()->position();
  const uint64_t to = std::min(records.back()->position(), last_);
  if (from > to) return absl::OkStatus();
  absl::StatusOr<std::vector<std::pair<uint64_t, cti::v1::ApplyOutcome>>> rejected =
      cti::projections::RejectedBetween(store, partition_, from, to);
  if (!rejected.ok()) return rejected.status();
  size_t i = 0;
  for (auto& [position, outcome] : *rejected) {
    while (i < records.size() && records[i]->position() < position) ++i;
    if (i == records.size()) break;
    if (records[i]->position() == position) {
      *pending_.mutable_record(i)->mutable_outcome() = std::move(outcome);
    }
  }
  return absl::OkStatus();
}

void ReplayStream::Produce() {
  bool stopped = false;
  {
    absl::MutexLock lock(&mu_);
    stopped = failure_.has_value() || finish_started_;
    if (stopped) producing_ = false;
  }
  if (stopped) {
    Pump();  // the finish waited for this task
    return;
  }
  std::shared_ptr<cti::projections::Store> store = deps_.stores->Get();
  if (store == nullptr) return Stop(absl::UnavailableError("server is shutting down"));
  std::string message;
  uint32_t matched = 0;
  const uint64_t scan_start = next_;
  while (next_ <= last_ && matched < batch_records_ && next_ - scan_start < kScanPerMessage) {
    if (pending_index_ >= pending_.size()) {
      if (absl::Status read = ReadMore(*store); !read.ok()) {
        return Stop(absl::Status(read.code(), absl::StrCat("reading the log: ", read.message())));
      }
      if (pending_.empty()) break;  // nothing yet: try again in a later task
      continue;
    }
    LogRecord* record = pending_.mutable_record(pending_index_++);
    if (record->position() < next_) continue;
    if (record->position() > last_) {
      next_ = last_ + 1;
      break;
    }
    next_ = record->position() + 1;
    if (!filter_->InScope(*record)) continue;
    const bool matches = filter_->Matches(*record) && InTime(*record);
    filter_->Follow(*record);
    if (!matches) continue;
    const size_t size = record->ByteSizeLong();
    AppendFieldHeader(&message, ReplayResponse::kRecordsFieldNumber, size);
    const size_t at = message.size();
    message.resize(at + size);
    record->SerializeWithCachedSizesToArray(reinterpret_cast<uint8_t*>(message.data() + at));
    ++matched;
  }
  const bool done = next_ > last_;
  bool again = false;
  if (next_ > scan_start || done) {
    ReplayResponse tail;
    tail.set_scanned_through(next_ - 1);
    tail.set_first_position(first_);
    tail.set_last_position(last_);
    tail.AppendToString(&message);
    absl::MutexLock lock(&mu_);
    queue_.push_back(std::move(message));
    produced_all_ = done;
    again = !done && queue_.size() < kMaxQueued;
    if (!again) producing_ = false;
  } else {
    again = true;  // the log had nothing yet (bounded by kMaxEmptyReads)
  }
  Pump();
  if (again) ScheduleProduce();
}

void ReplayStream::ScheduleProduce() {
  std::shared_ptr<ReplayStream> self = shared_from_this();
  if (!deps_.work->Post([self] { self->Produce(); })) {
    Stop(absl::UnavailableError("server is shutting down"));
  }
}

void ReplayStream::Pump() {
  enum class Action { kNone, kWrite, kFinish } action = Action::kNone;
  grpc::Status status;
  bool produce = false;
  {
    absl::MutexLock lock(&mu_);
    if (finish_started_ || write_in_flight_) return;
    if (failure_.has_value()) {
      if (producing_) return;  // the producer's task ends first (it uses this stream)
      finish_started_ = true;
      status = ToGrpcStatus(*failure_);
      action = Action::kFinish;
    } else if (!queue_.empty()) {
      response_ = OwningBuffer(std::move(queue_.front()));
      queue_.pop_front();
      write_in_flight_ = true;
      action = Action::kWrite;
      if (!producing_ && !produced_all_ && queue_.size() < kMaxQueued) {
        producing_ = true;
        produce = true;
      }
    } else if (produced_all_ && !producing_) {
      finish_started_ = true;
      action = Action::kFinish;  // OK
    }
  }
  if (produce) ScheduleProduce();
  switch (action) {
    case Action::kWrite:
      StartWrite(&response_);
      break;
    case Action::kFinish:
      Finish(status);
      break;
    case Action::kNone:
      break;
  }
}

void ReplayStream::OnWriteDone(bool ok) {
  {
    absl::MutexLock lock(&mu_);
    write_in_flight_ = false;
    if (!ok && !failure_.has_value()) failure_ = absl::CancelledError("stream broken");
  }
  Pump();
}

void ReplayStream::Fail(absl::Status status) {
  {
    absl::MutexLock lock(&mu_);
    if (!failure_.has_value()) failure_ = std::move(status);
    queue_.clear();
  }
  Pump();
}

void ReplayStream::Stop(absl::Status status) {
  {
    absl::MutexLock lock(&mu_);
    producing_ = false;
  }
  Fail(std::move(status));
}

// The record at `position` of `partition` (it must be in the log).
absl::StatusOr<LogRecord> RecordAt(cti::log::EventLog& log, int partition, uint64_t position) {
  absl::StatusOr<std::unique_ptr<cti::log::LogReader>> reader = log.OpenReader(partition, position);
  if (!reader.ok()) return reader.status();
  absl::StatusOr<std::vector<LogRecord>> records = (*reader)->Next(1, absl::Seconds(1));
  if (!records.ok()) return records.status();
  if (records->empty() || records->front().position() != position) {
    return absl::UnavailableError(
        absl::StrCat("the log did not deliver position ", position, " of partition ", partition));
  }
  return std::move(records->front());
}

// The last position of `partition`, at most `applied`, that the log recorded at or
// before `known_at` (0 when none).
absl::StatusOr<uint64_t> LastRecordedBy(const ServiceDeps& deps,
                                        const cti::projections::Store& store, int partition,
                                        absl::Time known_at, uint64_t applied) {
  // Every record before `first` was recorded before known_at's second began.
  absl::StatusOr<uint64_t> first = cti::projections::FirstPositionFrom(store, partition, known_at);
  if (!first.ok()) return first.status();
  uint64_t last = *first - 1;
  if (*first > applied) return applied;
  absl::StatusOr<std::unique_ptr<cti::log::LogReader>> reader =
      deps.log->OpenReader(partition, *first);
  if (!reader.ok()) return reader.status();
  // The records of known_at's second (and the first after it): a bounded read.
  while (last < applied) {
    absl::StatusOr<std::vector<LogRecord>> records = (*reader)->Next(256, absl::Seconds(1));
    if (!records.ok()) return records.status();
    if (records->empty()) {
      return absl::UnavailableError(
          absl::StrCat("the log did not deliver position ", last + 1, " of partition ", partition));
    }
    for (const LogRecord& record : *records) {
      const google::protobuf::Timestamp& at = record.event().recorded_at();
      if (record.position() > applied ||
          absl::FromUnixSeconds(at.seconds()) + absl::Nanoseconds(at.nanos()) > known_at) {
        return last;
      }
      last = record.position();
    }
  }
  return last;
}

absl::Status AnswerAsOf(const ServiceDeps& deps, int partition,
                        const cti::v1::RouteAsOfRequest& request,
                        cti::v1::RouteAsOfResponse* response) {
  const int bounds = (request.has_known_at() ? 1 : 0) + (request.known_now() ? 1 : 0) +
                     (request.known_position() != 0 ? 1 : 0);
  if (bounds > 1) {
    return absl::InvalidArgumentError(
        "known_at, known_now, known_position: give at most one of them");
  }
  if (!request.route().has_at()) {
    return absl::InvalidArgumentError(
        "route.at: is required: a question about the past names the instant it asks about");
  }
  std::shared_ptr<cti::projections::Store> store = deps.stores->Get();
  if (store == nullptr) return absl::UnavailableError("server is shutting down");
  const uint64_t applied = store->AppliedPosition(partition);
  uint64_t known = applied;
  if (request.known_position() != 0) {
    known = std::min(request.known_position(), applied);
  } else if (!request.known_now()) {
    const bool given = request.has_known_at();
    absl::StatusOr<absl::Time> known_at = InstantOf(
        given ? request.known_at() : request.route().at(), given ? "known_at" : "route.at");
    if (!known_at.ok()) return known_at.status();
    absl::StatusOr<uint64_t> last = LastRecordedBy(deps, *store, partition, *known_at, applied);
    if (!last.ok()) return last.status();
    known = *last;
  }
  const cti::projections::Router router(store.get(), deps.zone, /*cache=*/nullptr, partition);
  absl::StatusOr<cti::v1::RouteResponse> answer = router.RouteAsOf(request.route(), known);
  if (!answer.ok()) {
    // Route's refusals name a field of the RouteRequest, here request.route.
    const absl::Status& refused = answer.status();
    if (absl::IsInvalidArgument(refused) || absl::IsNotFound(refused) ||
        absl::IsFailedPrecondition(refused)) {
      return absl::Status(refused.code(), absl::StrCat("route.", refused.message()));
    }
    return refused;
  }
  *response->mutable_answer() = *std::move(answer);
  response->mutable_answer()->set_position(known);
  response->set_known_position(known);
  if (known > 0) {
    absl::StatusOr<LogRecord> record = RecordAt(*deps.log, partition, known);
    if (!record.ok()) return record.status();
    *response->mutable_known_recorded_at() = record->event().recorded_at();
  }
  return absl::OkStatus();
}

// The records of the period that the projector refused citing a rule the report covers.
absl::StatusOr<std::vector<cti::projections::RefusedChange>> RefusedInPeriod(
    const ServiceDeps& deps, const cti::projections::Store& store, int partition,
    const cti::v1::ComplianceReportRequest& request,
    const cti::projections::Compliance::Period& period, uint64_t last) {
  std::vector<cti::projections::RefusedChange> refused;
  absl::StatusOr<uint64_t> first =
      cti::projections::FirstPositionFrom(store, partition, period.start);
  if (!first.ok()) return first.status();
  if (*first > last) return refused;
  absl::StatusOr<std::vector<std::pair<uint64_t, cti::v1::ApplyOutcome>>> rejected =
      cti::projections::RejectedBetween(store, partition, *first, last);
  if (!rejected.ok()) return rejected.status();
  for (const auto& [position, outcome] : *rejected) {
    const char* rule = absl::StrContains(outcome.reason(), "TP-3.13")  ? "TP-3.13"
                       : absl::StrContains(outcome.reason(), "TP-4.7") ? "TP-4.7"
                                                                       : nullptr;
    if (rule == nullptr) continue;
    absl::StatusOr<LogRecord> record = RecordAt(*deps.log, partition, position);
    if (!record.ok()) return record.status();
    const cti::v1::Event& event = record->event();
    const google::protobuf::Timestamp& at = event.recorded_at();
    const absl::Time recorded = absl::FromUnixSeconds(at.seconds()) + absl::Nanoseconds(at.nanos());
    if (event.tenant() != request.tenant() || recorded < period.start || recorded >= period.end) {
      continue;
    }
    cti::projections::RefusedChange change;
    change.rule = rule;
    change.unit_id = event.staff().hours_change_set().unit_id();
    change.position = position;
    change.recorded_at = recorded;
    change.reason = outcome.reason();
    refused.push_back(std::move(change));
  }
  return refused;
}

absl::Status AnswerReport(const ServiceDeps& deps, int partition,
                          const cti::v1::ComplianceReportRequest& request,
                          cti::v1::ComplianceReportResponse* response) {
  absl::StatusOr<cti::projections::Compliance::Period> period =
      cti::projections::Compliance::ParsePeriod(request, deps.zone);
  if (!period.ok()) return period.status();
  std::shared_ptr<cti::projections::Store> store = deps.stores->Get();
  if (store == nullptr) return absl::UnavailableError("server is shutting down");
  const uint64_t applied = store->AppliedPosition(partition);
  const absl::Time now = deps.clock->Now();
  uint64_t structure = applied;
  if (period->end <= now) {
    absl::StatusOr<uint64_t> last =
        LastRecordedBy(deps, *store, partition, period->end - absl::Nanoseconds(1), applied);
    if (!last.ok()) return last.status();
    structure = *last;
  }
  absl::StatusOr<std::vector<cti::projections::RefusedChange>> refused =
      RefusedInPeriod(deps, *store, partition, request, *period, structure);
  if (!refused.ok()) return refused.status();
  absl::StatusOr<cti::v1::ComplianceReportResponse> report =
      cti::projections::Compliance(store.get(), deps.zone)
          .Report(request, now, structure, *refused);
  if (!report.ok()) return report.status();
  *response = *std::move(report);
  response->set_position(applied);
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* AuditServiceImpl::ComplianceReport(
    grpc::CallbackServerContext* context, const cti::v1::ComplianceReportRequest* request,
    cti::v1::ComplianceReportResponse* response) {
  const ServiceDeps& deps = deps_;
  GateOptions gate;
  gate.pool = deps.work;  // scans the period's records: off the gRPC thread
  return StartTenantQuery(context, deps, Rpc::kAuditComplianceReport, request->tenant(),
                          request->min_position(), std::move(gate),
                          [&deps, request, response](int partition) {
                            return AnswerReport(deps, partition, *request, response);
                          });
}

grpc::ServerUnaryReactor* AuditServiceImpl::RouteAsOf(grpc::CallbackServerContext* context,
                                                      const cti::v1::RouteAsOfRequest* request,
                                                      cti::v1::RouteAsOfResponse* response) {
  const ServiceDeps& deps = deps_;
  GateOptions gate;
  gate.pool = deps.work;  // reads history and a few log records: off the gRPC thread
  return StartTenantQuery(context, deps, Rpc::kAuditRouteAsOf, request->route().tenant(),
                          request->route().min_position(), std::move(gate),
                          [&deps, request, response](int partition) {
                            return AnswerAsOf(deps, partition, *request, response);
                          });
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* AuditServiceImpl::Replay(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request_bytes) {
  absl::StatusOr<Caller> caller = Identify(deps_, *context);
  if (!caller.ok()) return RefuseStream<grpc::ByteBuffer>(caller.status());
  absl::StatusOr<ReplayRequest> request = ReplayRequest();
  grpc::ByteBuffer bytes(*request_bytes);  // Deserialize consumes its buffer
  if (!grpc::SerializationTraits<ReplayRequest>::Deserialize(&bytes, &*request).ok()) {
    request = absl::InvalidArgumentError("request: not a cti.v1.ReplayRequest");
  } else if (absl::Status allowed = CheckAccess(*caller, Rpc::kAuditReplay, request->tenant());
             !allowed.ok()) {
    return RefuseStream<grpc::ByteBuffer>(allowed);
  }
  auto stream = std::make_shared<ReplayStream>(deps_, std::move(request));
  stream->Begin();
  return stream.get();
}

}  // namespace cti::server
