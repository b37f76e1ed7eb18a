#include "server/call_service.h"

#include <memory>
#include <utility>

#include "projections/call_counts.h"
#include "projections/callbacks.h"
#include "projections/live_calls.h"
#include "projections/voicemail_duty.h"
#include "server/position_gate.h"

namespace cti::server {

grpc::ServerUnaryReactor* CallServiceImpl::ListLiveCalls(
    grpc::CallbackServerContext* context, const cti::v1::ListLiveCallsRequest* request,
    cti::v1::ListLiveCallsResponse* response) {
  const ServiceDeps& deps = deps_;
  return StartTenantQuery(context, deps, Rpc::kCallListLiveCalls, request->tenant(),
                          request->min_position(), {},
                          [&deps, request, response](int partition) -> absl::Status {
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

grpc::ServerUnaryReactor* CallServiceImpl::ListCallbacks(
    grpc::CallbackServerContext* context, const cti::v1::ListCallbacksRequest* request,
    cti::v1::ListCallbacksResponse* response) {
  const ServiceDeps& deps = deps_;
  return StartTenantQuery(
      context, deps, Rpc::kCallListCallbacks, request->tenant(), request->min_position(), {},
      [&deps, request, response](int partition) -> absl::Status {
        std::shared_ptr<cti::projections::Store> store = deps.stores->Get();
        const uint64_t position = store->AppliedPosition(partition);
        absl::StatusOr<cti::v1::ListCallbacksResponse> answer =
            cti::projections::Callbacks(store.get(), deps.zone).List(*request, deps.clock->Now());
        if (!answer.ok()) return answer.status();
        *response = *std::move(answer);
        response->set_position(position);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* CallServiceImpl::GetVoicemailDuty(
    grpc::CallbackServerContext* context, const cti::v1::GetVoicemailDutyRequest* request,
    cti::v1::GetVoicemailDutyResponse* response) {
  const ServiceDeps& deps = deps_;
  return StartTenantQuery(context, deps, Rpc::kCallGetVoicemailDuty, request->tenant(),
                          request->min_position(), {},
                          [&deps, request, response](int partition) -> absl::Status {
                            std::shared_ptr<cti::projections::Store> store = deps.stores->Get();
                            const uint64_t position = store->AppliedPosition(partition);
                            absl::StatusOr<cti::v1::GetVoicemailDutyResponse> answer =
                                cti::projections::VoicemailDuty(store.get(), deps.zone)
                                    .Get(*request, deps.clock->Now());
                            if (!answer.ok()) return answer.status();
                            *response = *std::move(answer);
                            response->set_position(position);
                            return absl::OkStatus();
                          });
}

grpc::ServerUnaryReactor* CallServiceImpl::ListCallCounts(
    grpc::CallbackServerContext* context, const cti::v1::ListCallCountsRequest* request,
    cti::v1::ListCallCountsResponse* response) {
  const ServiceDeps& deps = deps_;
  return StartTenantQuery(context, deps, Rpc::kCallListCallCounts, request->tenant(),
                          request->min_position(), {},
                          [&deps, request, response](int partition) -> absl::Status {
                            std::shared_ptr<cti::projections::Store> store = deps.stores->Get();
                            const uint64_t position = store->AppliedPosition(partition);
                            absl::StatusOr<cti::v1::ListCallCountsResponse> answer =
                                cti::projections::CallCounts(store.get()).List(*request);
                            if (!answer.ok()) return answer.status();
                            *response = *std::move(answer);
                            response->set_position(position);
                            return absl::OkStatus();
                          });
}

}  // namespace cti::server
