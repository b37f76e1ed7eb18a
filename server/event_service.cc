#include "server/event_service.h"

#include <memory>
#include <utility>

#include "server/append.h"
#include "server/position_gate.h"
#include "server/status_mapping.h"
#include "server/subscribe_stream.h"

namespace cti::server {

grpc::ServerUnaryReactor* EventServiceImpl::Append(grpc::CallbackServerContext* context,
                                                   const cti::v1::AppendRequest* request,
                                                   cti::v1::AppendResponse* response) {
  auto refuse = [context](const absl::Status& status) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(ToGrpcStatus(status));
    return reactor;
  };
  absl::StatusOr<cti::v1::Actor> actor = deps_.identity->Resolve(*context);
  if (!actor.ok()) return refuse(actor.status());
  absl::StatusOr<cti::v1::Event> event = PrepareAppend(*request, *actor);
  if (!event.ok()) return refuse(event.status());
  // Validate against a store that has applied everything in the log now, so that a
  // client's earlier acknowledged appends count (e.g. a unit before its employees).
  const int partition = deps_.log->PartitionOf(event->tenant());
  absl::StatusOr<uint64_t> end = deps_.log->EndPosition(partition);
  if (!end.ok()) return refuse(end.status());
  GateOptions gate;
  gate.pool = deps_.appends;  // Each append blocks until its group commit is durable.
  gate.what = "the log position";
  gate.timeout_code = absl::StatusCode::kUnavailable;
  const bool client_event_id = !request->event().event_id().empty();
  const ServiceDeps& deps = deps_;
  return StartPositionGated(
      context, deps_, partition, *end, std::move(gate),
      [&deps, response, client_event_id,
       event = std::make_shared<cti::v1::Event>(*std::move(event))]() -> absl::Status {
        absl::StatusOr<cti::v1::AppendResponse> appended =
            CommitAppend(*event, client_event_id, *deps.stores->Get(), *deps.log);
        if (!appended.ok()) return appended.status();
        *response = *std::move(appended);
        return absl::OkStatus();
      });
}

grpc::ServerWriteReactor<cti::v1::SubscribeResponse>* EventServiceImpl::Subscribe(
    grpc::CallbackServerContext* context, const cti::v1::SubscribeRequest* request) {
  return StartSubscribeStream(context, deps_, *request);
}

}  // namespace cti::server
