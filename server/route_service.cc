#include "server/route_service.h"

#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/slice.h>

#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "projections/router.h"
#include "server/decision_trace.h"
#include "server/position_gate.h"
#include "server/status_mapping.h"
#include "spdlog/spdlog.h"

namespace cti::server {
namespace {

// Runs `query` with a Router over the live store and sets the applied position, read
// before the query, on its answer.
template <typename Response, typename Query>
absl::Status AnswerFromRouter(const ServiceDeps& deps, int partition, Response* response,
                              Query query) {
  std::shared_ptr<cti::projections::Store> store = deps.stores->Get();
  const uint64_t position = store->AppliedPosition(partition);
  const cti::projections::Router router(store.get(), deps.zone, deps.route_cache, partition);
  absl::StatusOr<Response> answer = query(router, deps.clock->Now());
  if (!answer.ok()) return answer.status();
  *response = *std::move(answer);
  response->set_position(position);
  return absl::OkStatus();
}

// The answer's bytes, then `at` and `position` (protobuf merges concatenated messages),
// in one slice: a copy of about 1 KB costs less than a second slice whose release must
// find the shared body again.
grpc::ByteBuffer WireResponse(const cti::projections::Router::WireAnswer& answer,
                              uint64_t position) {
  cti::v1::RouteResponse tail;
  const int64_t seconds = absl::ToUnixSeconds(answer.at);
  tail.mutable_at()->set_seconds(seconds);
  tail.mutable_at()->set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(answer.at - absl::FromUnixSeconds(seconds))));
  tail.set_position(position);
  const std::string& body = *answer.body;
  const size_t tail_size = tail.ByteSizeLong();
  grpc_slice slice = grpc_slice_malloc(body.size() + tail_size);
  uint8_t* out = GRPC_SLICE_START_PTR(slice);
  std::memcpy(out, body.data(), body.size());
  tail.SerializeWithCachedSizesToArray(out + body.size());
  grpc::Slice wrapped(slice, grpc::Slice::STEAL_REF);
  return grpc::ByteBuffer(&wrapped, 1);
}

// Hands the decision trace of `answer` to the pool: the caller does not wait for it.
void Trace(const ServiceDeps& deps, const cti::v1::Actor& asker,
           const std::shared_ptr<cti::v1::RouteRequest>& request,
           const cti::projections::Router::WireAnswer& answer, uint64_t position) {
  const bool posted = deps.work->Post(
      [tracer = deps.tracer, asker, request, body = answer.body, at = answer.at, position] {
        cti::v1::RouteResponse sent;
        if (!sent.ParseFromString(*body)) return;  // made by Router: cannot happen
        *sent.mutable_at() = ToProtoTimestamp(at);
        sent.set_position(position);
        tracer->Record(asker, *request, sent);
      });
  if (!posted) {
    spdlog::warn("route: call {} of tenant {} not traced: ctid is stopping", request->call_id(),
                 request->tenant());
  }
}

}  // namespace

grpc::ServerUnaryReactor* RouteServiceImpl::Route(grpc::CallbackServerContext* context,
                                                  const grpc::ByteBuffer* request_bytes,
                                                  grpc::ByteBuffer* response) {
  absl::StatusOr<Caller> caller = Identify(deps_, *context);
  if (!caller.ok()) return Refuse(context, caller.status());
  auto request = std::make_shared<cti::v1::RouteRequest>();
  grpc::ByteBuffer bytes(*request_bytes);  // Deserialize consumes its buffer
  if (!grpc::SerializationTraits<cti::v1::RouteRequest>::Deserialize(&bytes, request.get()).ok()) {
    return Refuse(context, absl::InvalidArgumentError("request: not a cti.v1.RouteRequest"));
  }
  if (absl::Status allowed = CheckAccess(*caller, Rpc::kRouteRoute, request->tenant());
      !allowed.ok()) {
    return Refuse(context, allowed);
  }
  if (auto* refused = RefuseWithoutTenant(context, request->tenant())) return refused;
  const ServiceDeps& deps = deps_;
  // A question for a call is traced under whoever asked (decision_trace.h).
  std::optional<cti::v1::Actor> asker;
  if (!request->call_id().empty() && deps.tracer != nullptr) asker = std::move(caller->actor);
  const int partition = deps.log->PartitionOf(request->tenant());
  // No pool: answered inline on the gRPC thread when min_position is applied already
  // (the common case), on deps.work after a wait.
  return StartPositionGated(context, deps, partition, request->min_position(), {},
                            [&deps, partition, request, response, asker]() -> absl::Status {
                              std::shared_ptr<cti::projections::Store> store = deps.stores->Get();
                              const uint64_t position = store->AppliedPosition(partition);
                              const cti::projections::Router router(store.get(), deps.zone,
                                                                    deps.route_cache, partition);
                              absl::StatusOr<cti::projections::Router::WireAnswer> answer =
                                  router.RouteWire(*request, deps.clock->Now(), position);
                              if (!answer.ok()) return answer.status();
                              grpc::ByteBuffer reply = WireResponse(*answer, position);
                              response->Swap(&reply);
                              if (asker.has_value())
                                Trace(deps, *asker, request, *answer, position);
                              return absl::OkStatus();
                            });
}

grpc::ServerUnaryReactor* RouteServiceImpl::Check(grpc::CallbackServerContext* context,
                                                  const cti::v1::CheckRequest* request,
                                                  cti::v1::CheckResponse* response) {
  const ServiceDeps& deps = deps_;
  GateOptions gate;
  gate.pool = deps.work;  // A scan of the tenant's routing records: off the gRPC thread.
  return StartTenantQuery(
      context, deps, Rpc::kRouteCheck, request->tenant(), request->min_position(), std::move(gate),
      [&deps, request, response](int partition) {
        return AnswerFromRouter(deps, partition, response,
                                [request](const cti::projections::Router& router, absl::Time now) {
                                  return router.Check(*request, now);
                                });
      });
}

}  // namespace cti::server
