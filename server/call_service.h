// CallServiceImpl: cti.v1.CallService on the gRPC callback API (see
// proto/cti/v1/call_service.proto). Each call waits for its min_position (PositionGate),
// then answers from projections::LiveCalls, Callbacks, VoicemailDuty or CallCounts over
// the live store; the answer's position is the store's applied position of the tenant's
// partition, read before the query. "Now" (an unset request.at) is deps.clock's, local
// days are in deps.zone.
// Thread safety: gRPC calls the methods from many threads at once.
#ifndef CTI_SERVER_CALL_SERVICE_H_
#define CTI_SERVER_CALL_SERVICE_H_

#include "cti/v1/call_service.grpc.pb.h"
#include "server/service_deps.h"

namespace cti::server {

class CallServiceImpl final : public cti::v1::CallService::CallbackService {
 public:
  // The generated synchronous overload stays visible (and unimplemented).
  using cti::v1::CallService::CallbackService::GetVoicemailDuty;
  using cti::v1::CallService::CallbackService::ListCallbacks;
  using cti::v1::CallService::CallbackService::ListCallCounts;
  using cti::v1::CallService::CallbackService::ListLiveCalls;

  // `deps` must outlive the service.
  explicit CallServiceImpl(const ServiceDeps* deps) : deps_(*deps) {}

  grpc::ServerUnaryReactor* ListLiveCalls(grpc::CallbackServerContext* context,
                                          const cti::v1::ListLiveCallsRequest* request,
                                          cti::v1::ListLiveCallsResponse* response) override;
  grpc::ServerUnaryReactor* ListCallbacks(grpc::CallbackServerContext* context,
                                          const cti::v1::ListCallbacksRequest* request,
                                          cti::v1::ListCallbacksResponse* response) override;
  grpc::ServerUnaryReactor* GetVoicemailDuty(grpc::CallbackServerContext* context,
                                             const cti::v1::GetVoicemailDutyRequest* request,
                                             cti::v1::GetVoicemailDutyResponse* response) override;
  grpc::ServerUnaryReactor* ListCallCounts(grpc::CallbackServerContext* context,
                                           const cti::v1::ListCallCountsRequest* request,
                                           cti::v1::ListCallCountsResponse* response) override;

 private:
  const ServiceDeps& deps_;
};

}  // namespace cti::server

#endif  // CTI_SERVER_CALL_SERVICE_H_
