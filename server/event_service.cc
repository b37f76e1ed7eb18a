#include "server/event_service.h"

#include <memory>
#include <utility>

#include "server/append.h"
#include "server/status_mapping.h"
#include "server/subscribe_stream.h"

namespace cti::server {

grpc::ServerUnaryReactor* EventServiceImpl::Append(grpc::CallbackServerContext* context,
                                                   const cti::v1::AppendRequest* request,
                                                   cti::v1::AppendResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<cti::v1::Actor> actor = deps_.identity->Resolve(*context);
  if (!actor.ok()) {
    reactor->Finish(ToGrpcStatus(actor.status()));
    return reactor;
  }
  absl::StatusOr<cti::v1::Event> event = PrepareAppend(*request, *actor);
  if (!event.ok()) {
    reactor->Finish(ToGrpcStatus(event.status()));
    return reactor;
  }
  const bool client_event_id = !request->event().event_id().empty();
  const ServiceDeps& deps = deps_;
  auto task = [&deps, reactor, response, client_event_id,
               event = std::make_shared<cti::v1::Event>(*std::move(event))] {
    absl::StatusOr<cti::v1::AppendResponse> appended =
        CommitAppend(*event, client_event_id, *deps.stores->Get(), *deps.log);
    if (!appended.ok()) {
      reactor->Finish(ToGrpcStatus(appended.status()));
      return;
    }
    *response = *std::move(appended);
    reactor->Finish(grpc::Status::OK);
  };
  if (!deps_.appends->Post(std::move(task))) {
    reactor->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "server is shutting down"));
  }
  return reactor;
}

grpc::ServerWriteReactor<cti::v1::SubscribeResponse>* EventServiceImpl::Subscribe(
    grpc::CallbackServerContext* context, const cti::v1::SubscribeRequest* request) {
  return StartSubscribeStream(context, deps_, *request);
}

}  // namespace cti::server
