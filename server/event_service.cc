#include "server/event_service.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "server/append.h"
#include "server/position_gate.h"
#include "server/status_mapping.h"
#include "server/subscribe_stream.h"

namespace cti::server {
namespace {

// One Append call (the steps of append.h). No step blocks: the first check runs in the
// method handler, the log answers through AppendAsync, and the one possible wait is an
// AppliedWait. The call finishes exactly once; after Finish nothing touches `this`.
class AppendReactor final : public grpc::ServerUnaryReactor {
 public:
  AppendReactor(const ServiceDeps& deps, cti::v1::Event event, bool client_event_id, int partition,
                uint64_t arrival_end, cti::v1::AppendResponse* response)
      : deps_(deps),
        event_(std::move(event)),
        client_event_id_(client_event_id),
        partition_(partition),
        arrival_end_(arrival_end),
        response_(response) {}

  // Runs in the method handler, before gRPC knows the reactor: OnCancel comes later.
  void Start() { Attempt(/*first=*/true); }

  void OnCancel() override {
    // Only a wait can be cut short; a record handed to the log lands anyway.
    if (wait_ != nullptr) wait_->Cancel(absl::CancelledError("call cancelled"));
  }
  void OnDone() override { delete this; }

 private:
  // Checks against the projection as it is; appends when the check passes. The first
  // attempt may wait once for the log end seen at arrival and try again.
  void Attempt(bool first) {
    const uint64_t applied = deps_.waiters->Applied(partition_);  // Before the check.
    std::shared_ptr<cti::projections::Store> store = deps_.stores->Get();
    if (store == nullptr) {
      Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "server is shutting down"));
      return;
    }
    absl::StatusOr<std::optional<cti::v1::AppendResponse>> checked =
        CheckAppend(event_, client_event_id_, *store, *deps_.log);
    store.reset();
    if (!checked.ok()) {
      if (first && applied < arrival_end_ && MayPassLater(checked.status())) {
        WaitForArrivalEnd();
      } else {
        Finish(ToGrpcStatus(checked.status()));
      }
      return;
    }
    if (checked->has_value()) {  // A repeat of an applied record.
      *response_ = **std::move(checked);
      Finish(grpc::Status::OK);
      return;
    }
    response_->set_event_id(event_.event_id());
    deps_.log->AppendAsync(std::move(event_),
                           [this](absl::StatusOr<cti::log::AppendResult> appended) {
                             if (!appended.ok()) {
                               Finish(ToGrpcStatus(appended.status()));
                               return;
                             }
                             *response_ = ResponseOf(response_->event_id(), *appended);
                             Finish(grpc::Status::OK);
                           });
  }

  // Earlier appends the client saw acknowledged may not be applied yet: wait (holding
  // no thread) until the projection has applied the log end seen at arrival, then check
  // once more on the work pool and answer that.
  void WaitForArrivalEnd() {
    std::shared_ptr<AppliedWait> wait = AppliedWait::Create(
        deps_, partition_, arrival_end_, "the log position", absl::StatusCode::kUnavailable);
    wait_ = wait;
    // The call may finish (and this reactor be deleted) on another thread from here on.
    wait->Start([this](absl::Status status) {
      if (!status.ok()) {
        Finish(ToGrpcStatus(status));
      } else if (!deps_.work->Post([this] { Attempt(/*first=*/false); })) {
        Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "server is shutting down"));
      }
    });
  }

  const ServiceDeps& deps_;
  cti::v1::Event event_;  // Moved into the log by the append.
  const bool client_event_id_;
  const int partition_;
  const uint64_t arrival_end_;
  cti::v1::AppendResponse* const response_;
  std::shared_ptr<AppliedWait> wait_;  // Set during Start only, when a wait began.
};

}  // namespace

grpc::ServerUnaryReactor* EventServiceImpl::Append(grpc::CallbackServerContext* context,
                                                   const cti::v1::AppendRequest* request,
                                                   cti::v1::AppendResponse* response) {
  auto refuse = [context](const absl::Status& status) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(ToGrpcStatus(status));
    return reactor;
  };
  absl::StatusOr<Caller> caller = Identify(deps_, *context);
  if (!caller.ok()) return refuse(caller.status());
  if (absl::Status allowed = CheckAccess(*caller, Rpc::kEventAppend, request->event().tenant());
      !allowed.ok()) {
    return refuse(allowed);
  }
  if (absl::Status serving = ServingGate(deps_); !serving.ok()) return refuse(serving);
  absl::StatusOr<cti::v1::Event> event = PrepareAppend(*request, caller->actor);
  if (!event.ok()) return refuse(event.status());
  // The log end now: what the client may have seen acknowledged before this call.
  const int partition = deps_.log->PartitionOf(event->tenant());
  absl::StatusOr<uint64_t> end = deps_.log->EndPosition(partition);
  if (!end.ok()) return refuse(end.status());
  const bool client_event_id = !request->event().event_id().empty();
  auto* reactor = new AppendReactor(deps_, *std::move(event), client_event_id, partition,
                                    std::max(*end, request->min_position()), response);
  reactor->Start();
  return reactor;
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* EventServiceImpl::Subscribe(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) {
  return StartSubscribeStream(context, deps_, *request);
}

}  // namespace cti::server
