// EventService.AppendBatch: the steps of append.h for a run of events of one tenant.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "server/append.h"
#include "server/event_service.h"
#include "server/position_gate.h"
#include "server/status_mapping.h"
#include "server/unknown_fields.h"

namespace cti::server {
namespace {

constexpr int kMaxBatchEvents = 1000;
constexpr char kNotAttempted[] = "not attempted: the batch stopped at an earlier event";

// One AppendBatch call. Events are checked in order against the projection; the passing
// run is handed to the log in order when the batch ends or an event is refused. An
// event refused with a code that earlier appends may change (MayPassLater) is checked
// once more after the projection applied everything this batch appended before it and
// the log end seen at arrival. No step blocks a thread; Check runs in the method handler
// or on the work pool, never on the log's completion thread. The call finishes exactly
// once; after Finish nothing touches `this`.
class AppendBatchReactor final : public grpc::ServerUnaryReactor {
 public:
  AppendBatchReactor(const ServiceDeps& deps, std::vector<cti::v1::Event> events,
                     std::vector<bool> client_event_ids, int partition, uint64_t arrival_end,
                     cti::v1::AppendBatchResponse* response)
      : deps_(deps),
        events_(std::move(events)),
        client_event_ids_(std::move(client_event_ids)),
        partition_(partition),
        response_(response),
        wait_target_(arrival_end) {
    for (size_t i = 0; i < events_.size(); ++i) response_->add_results();
  }

  void Start() { Check(); }

  void OnCancel() override {
    std::shared_ptr<AppliedWait> wait;
    {
      absl::MutexLock lock(&mu_);
      wait = wait_;
    }
    if (wait != nullptr) wait->Cancel(absl::CancelledError("call cancelled"));
  }
  void OnDone() override { delete this; }

 private:
  // Checks events from next_ on, collecting the passing run, until the end or a refusal.
  void Check() {
    std::shared_ptr<cti::projections::Store> store = deps_.stores->Get();
    if (store == nullptr) {
      Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "server is shutting down"));
      return;
    }
    uint64_t wait_target;
    {
      absl::MutexLock lock(&mu_);
      wait_target = wait_target_;
    }
    std::vector<size_t> run;
    for (; next_ < events_.size(); ++next_) {
      const uint64_t applied = deps_.waiters->Applied(partition_);  // Before the check.
      absl::StatusOr<std::optional<cti::v1::AppendResponse>> checked =
          CheckAppend(events_[next_], client_event_ids_[next_], *store, *deps_.log);
      if (checked.ok()) {
        if (checked->has_value()) {  // A repeat of an applied record.
          *response_->mutable_results(next_)->mutable_appended() = **std::move(checked);
          response_->set_appended_count(response_->appended_count() + 1);
        } else {
          run.push_back(next_);
        }
        continue;
      }
      if (rechecked_ != next_ && MayPassLater(checked.status()) &&
          (!run.empty() || applied < wait_target)) {
        // Earlier appends (this batch's or the client's) may make it pass: append the
        // run, wait for the projection to apply it, then check this event again.
        rechecked_ = next_;
        store.reset();
        AppendRun(std::move(run), /*then_wait=*/true);
        return;
      }
      Refuse(next_, checked.status());
      store.reset();
      AppendRun(std::move(run), /*then_wait=*/false);
      return;
    }
    store.reset();
    AppendRun(std::move(run), /*then_wait=*/false);
  }

  // Hands the events of `run` to the log in order. Once all are answered: waits and
  // checks again (then_wait, unless an append failed), or finishes.
  void AppendRun(std::vector<size_t> run, bool then_wait) {
    if (run.empty()) {
      AfterRun(then_wait);
      return;
    }
    outstanding_.store(run.size(), std::memory_order_relaxed);
    for (size_t index : run) {
      response_->mutable_results(index)->mutable_appended()->set_event_id(
          events_[index].event_id());
      deps_.log->AppendAsync(
          std::move(events_[index]),
          [this, index, then_wait](absl::StatusOr<cti::log::AppendResult> appended) {
            Answered(index, std::move(appended));
            if (outstanding_.fetch_sub(1, std::memory_order_acq_rel) == 1) AfterRun(then_wait);
          });
    }
  }

  // Records the log's answer for event `index`. Runs on the log's threads.
  void Answered(size_t index, absl::StatusOr<cti::log::AppendResult> appended) {
    cti::v1::AppendBatchResult* result = response_->mutable_results(index);
    absl::MutexLock lock(&mu_);
    if (!appended.ok()) {
      SetError(result, appended.status());
      run_failed_ = true;
      return;
    }
    *result->mutable_appended() = ResponseOf(result->appended().event_id(), *appended);
    response_->set_appended_count(response_->appended_count() + 1);
    wait_target_ = std::max(wait_target_, appended->position);
  }

  void AfterRun(bool then_wait) {
    bool failed;
    uint64_t target;
    {
      absl::MutexLock lock(&mu_);
      failed = run_failed_;
      target = wait_target_;
    }
    if (failed) {
      // The log could not make an event durable: do not go on past it.
      for (size_t i = next_; i < events_.size(); ++i) Abort(i);
      Finish(grpc::Status::OK);
      return;
    }
    if (!then_wait) {
      for (size_t i = next_ + 1; i < events_.size(); ++i) Abort(i);
      Finish(grpc::Status::OK);
      return;
    }
    std::shared_ptr<AppliedWait> wait = AppliedWait::Create(
        deps_, partition_, target, "the log position", absl::StatusCode::kUnavailable);
    {
      absl::MutexLock lock(&mu_);
      wait_ = wait;
    }
    // The call may finish (and this reactor be deleted) on another thread from here on.
    wait->Start([this](absl::Status status) {
      if (!status.ok()) {
        Refuse(next_, status);
        for (size_t i = next_ + 1; i < events_.size(); ++i) Abort(i);
        Finish(grpc::Status::OK);
      } else if (!deps_.work->Post([this] { Check(); })) {
        Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "server is shutting down"));
      }
    });
  }

  void Refuse(size_t index, const absl::Status& status) {
    SetError(response_->mutable_results(index), status);
  }

  void Abort(size_t index) {
    cti::v1::AppendBatchResult* result = response_->mutable_results(index);
    if (result->code() != 0 || result->has_appended()) return;
    result->set_code(static_cast<int32_t>(absl::StatusCode::kAborted));
    result->set_message(kNotAttempted);
  }

  static void SetError(cti::v1::AppendBatchResult* result, const absl::Status& status) {
    const grpc::Status mapped = ToGrpcStatus(status);
    result->clear_appended();
    result->set_code(static_cast<int32_t>(mapped.error_code()));
    result->set_message(mapped.error_message());
  }

  const ServiceDeps& deps_;
  std::vector<cti::v1::Event> events_;  // Each moved into the log by its append.
  const std::vector<bool> client_event_ids_;
  const int partition_;
  cti::v1::AppendBatchResponse* const response_;

  // The next event to check. Touched by Check and AfterRun only, which never overlap.
  size_t next_ = 0;
  // The event given its second check last (each event gets at most one); SIZE_MAX: none.
  size_t rechecked_ = SIZE_MAX;
  std::atomic<size_t> outstanding_{0};

  absl::Mutex mu_;
  // Applied position to wait for before a second check: the log end at arrival, raised
  // by this batch's appends.
  uint64_t wait_target_ ABSL_GUARDED_BY(mu_);
  bool run_failed_ ABSL_GUARDED_BY(mu_) = false;
  std::shared_ptr<AppliedWait> wait_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

grpc::ServerUnaryReactor* EventServiceImpl::AppendBatch(grpc::CallbackServerContext* context,
                                                        const cti::v1::AppendBatchRequest* request,
                                                        cti::v1::AppendBatchResponse* response) {
  auto refuse = [context](const absl::Status& status) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(ToGrpcStatus(status));
    return reactor;
  };
  absl::StatusOr<Caller> caller = Identify(deps_, *context);
  if (!caller.ok()) return refuse(caller.status());
  const cti::v1::Actor& actor = caller->actor;
  if (absl::Status serving = ServingGate(deps_); !serving.ok()) return refuse(serving);
  if (absl::Status s = CheckNoUnknownTopLevelFields(*request, "AppendBatchRequest"); !s.ok()) {
    return refuse(s);
  }
  if (request->events().empty()) {
    return refuse(absl::InvalidArgumentError("events: at least one event is required"));
  }
  if (request->events_size() > kMaxBatchEvents) {
    return refuse(absl::InvalidArgumentError(absl::StrCat(
        "events: ", request->events_size(), " events; at most ", kMaxBatchEvents, " per batch")));
  }
  const std::string& tenant = request->events(0).tenant();
  for (int i = 1; i < request->events_size(); ++i) {
    if (request->events(i).tenant() != tenant) {
      return refuse(absl::InvalidArgumentError(
          absl::StrCat("events[", i, "].tenant '", request->events(i).tenant(),
                       "' differs from events[0].tenant '", tenant, "': one tenant per batch")));
    }
  }
  if (absl::Status allowed = CheckAccess(*caller, Rpc::kEventAppendBatch, tenant); !allowed.ok()) {
    return refuse(allowed);
  }
  // Shape errors are found before anything is appended: the batch stops at the first.
  std::vector<cti::v1::Event> events;
  std::vector<bool> client_event_ids;
  events.reserve(request->events_size());
  client_event_ids.reserve(request->events_size());
  std::optional<absl::Status> shape_error;
  for (int i = 0; i < request->events_size(); ++i) {
    absl::StatusOr<cti::v1::Event> event =
        PrepareEvent(request->events(i), absl::StrCat("events[", i, "]"), actor);
    if (!event.ok()) {
      shape_error = event.status();
      break;
    }
    client_event_ids.push_back(!request->events(i).event_id().empty());
    events.push_back(*std::move(event));
  }
  const int partition = deps_.log->PartitionOf(tenant);
  absl::StatusOr<uint64_t> end = deps_.log->EndPosition(partition);
  if (!end.ok()) return refuse(end.status());
  const size_t prepared = events.size();
  auto* reactor =
      new AppendBatchReactor(deps_, std::move(events), std::move(client_event_ids), partition,
                             std::max(*end, request->min_position()), response);
  if (shape_error.has_value()) {
    // The prepared prefix is still appended; the bad event and the rest are not.
    for (int i = static_cast<int>(prepared); i < request->events_size(); ++i) {
      cti::v1::AppendBatchResult* result = response->add_results();
      if (i == static_cast<int>(prepared)) {
        const grpc::Status mapped = ToGrpcStatus(*shape_error);
        result->set_code(static_cast<int32_t>(mapped.error_code()));
        result->set_message(mapped.error_message());
      } else {
        result->set_code(static_cast<int32_t>(absl::StatusCode::kAborted));
        result->set_message(kNotAttempted);
      }
    }
  }
  reactor->Start();
  return reactor;
}

}  // namespace cti::server
