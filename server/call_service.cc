#include "server/call_service.h"

#include <memory>
#include <utility>

#include "projections/live_calls.h"
#include "server/position_gate.h"

namespace cti::server {

grpc::ServerUnaryReactor* CallServiceImpl::ListLiveCalls(
    grpc::CallbackServerContext* context, const cti::v1::ListLiveCallsRequest* request,
    cti::v1::ListLiveCallsResponse* response) {
  if (auto* refused = RefuseWithoutTenant(context, request->tenant())) return refused;
  const ServiceDeps& deps = deps_;
  const int partition = deps.log->PartitionOf(request->tenant());
  return StartPositionGated(context, deps, partition, request->min_position(), {},
                            [&deps, partition, request, response]() -> absl::Status {
                              std::shared_ptr<cti::projections::Store> store = deps.stores->Get();
                              const uint64_t position = store->AppliedPosition(partition);
                              absl::StatusOr<cti::v1::ListLiveCallsResponse> answer =
                                  cti::projections::LiveCalls(store.get()).List(*request);
                              if (!answer.ok()) return answer.status();
                              *response = *std::move(answer);
                              response->set_position(position);
                              return absl::OkStatus();
                            });
}

}  // namespace cti::server
