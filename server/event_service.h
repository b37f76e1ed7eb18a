// EventServiceImpl: cti.v1.EventService on the gRPC callback API (see
// proto/cti/v1/event_service.proto for the contract).
//
// Append runs the append path of append.h without blocking any thread: it checks the
// event against the projection as it is (in the method handler), hands it to
// EventLog::AppendAsync and finishes from the log's callback once the record is
// durable. Only when the check fails with NOT_FOUND or FAILED_PRECONDITION and the
// projection has not yet applied the log end seen when the call arrived does it wait
// for that (an AppliedWait, no thread held) and check once more on the work pool,
// answering that second result; so a client's earlier acknowledged appends count ("define
// the unit, then hire into it"). If the projection does not get there within
// ServiceOptions::max_position_wait the call fails UNAVAILABLE (retry: appends are
// idempotent). Subscribe is a SubscribeStream.
//
// AppendBatch runs the same steps for up to 1,000 events of one tenant in order
// (append_batch.cc): the passing run goes to the log together, and an event that may
// depend on an earlier one of the batch is checked again once that one is applied.
//
// Identity: Append and AppendBatch require the caller's identity (IdentityResolver; UNAUTHENTICATED
// naming the header otherwise) and stamps it on the record. Subscribe does not yet (the
// security issue adds roles and tenants to every call).
// Thread safety: gRPC calls the methods from many threads at once.
#ifndef CTI_SERVER_EVENT_SERVICE_H_
#define CTI_SERVER_EVENT_SERVICE_H_

#include "cti/v1/event_service.grpc.pb.h"
#include "server/service_deps.h"

namespace cti::server {

// Subscribe is a raw method: its stream writes serialized responses it puts together
// from records serialized once (subscribe_stream.h).
class EventServiceImpl final : public cti::v1::EventService::WithCallbackMethod_Append<
                                   cti::v1::EventService::WithCallbackMethod_AppendBatch<
                                       cti::v1::EventService::WithRawCallbackMethod_Subscribe<
                                           cti::v1::EventService::Service>>> {
 public:
  // The generated synchronous overloads stay visible (and unimplemented).
  using WithCallbackMethod_Append::Append;
  using WithCallbackMethod_AppendBatch::AppendBatch;
  using WithRawCallbackMethod_Subscribe::Subscribe;

  // `deps` must outlive the service.
  explicit EventServiceImpl(const ServiceDeps* deps) : deps_(*deps) {}

  grpc::ServerUnaryReactor* Append(grpc::CallbackServerContext* context,
                                   const cti::v1::AppendRequest* request,
                                   cti::v1::AppendResponse* response) override;

  // Defined in append_batch.cc.
  grpc::ServerUnaryReactor* AppendBatch(grpc::CallbackServerContext* context,
                                        const cti::v1::AppendBatchRequest* request,
                                        cti::v1::AppendBatchResponse* response) override;

  grpc::ServerWriteReactor<grpc::ByteBuffer>* Subscribe(grpc::CallbackServerContext* context,
                                                        const grpc::ByteBuffer* request) override;

 private:
  const ServiceDeps& deps_;
};

}  // namespace cti::server

#endif  // CTI_SERVER_EVENT_SERVICE_H_
