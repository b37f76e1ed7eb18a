#include "server/route_service.h"

#include <memory>
#include <utility>

#include "projections/router.h"
#include "server/position_gate.h"
#include "server/status_mapping.h"

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

}  // namespace

grpc::ServerUnaryReactor* RouteServiceImpl::Route(grpc::CallbackServerContext* context,
                                                  const cti::v1::RouteRequest* request,
                                                  cti::v1::RouteResponse* response) {
  if (auto* refused = RefuseWithoutTenant(context, request->tenant())) return refused;
  const ServiceDeps& deps = deps_;
  const int partition = deps.log->PartitionOf(request->tenant());
  // No pool: answered inline on the gRPC thread when min_position is applied already
  // (the common case), on deps.work after a wait.
  return StartPositionGated(
      context, deps, partition, request->min_position(), {}, [&deps, partition, request, response] {
        return AnswerFromRouter(deps, partition, response,
                                [request](const cti::projections::Router& router, absl::Time now) {
                                  return router.Route(*request, now);
                                });
      });
}

grpc::ServerUnaryReactor* RouteServiceImpl::Check(grpc::CallbackServerContext* context,
                                                  const cti::v1::CheckRequest* request,
                                                  cti::v1::CheckResponse* response) {
  if (auto* refused = RefuseWithoutTenant(context, request->tenant())) return refused;
  const ServiceDeps& deps = deps_;
  const int partition = deps.log->PartitionOf(request->tenant());
  GateOptions gate;
  gate.pool = deps.work;  // A scan of the tenant's routing records: off the gRPC thread.
  return StartPositionGated(
      context, deps, partition, request->min_position(), std::move(gate),
      [&deps, partition, request, response] {
        return AnswerFromRouter(deps, partition, response,
                                [request](const cti::projections::Router& router, absl::Time now) {
                                  return router.Check(*request, now);
                                });
      });
}

}  // namespace cti::server
