// RouteServiceImpl: cti.v1.RouteService on the gRPC callback API (see
// proto/cti/v1/route_service.proto; DESIGN.md "Route").
//
// Route: refuses a request without a tenant (INVALID_ARGUMENT "tenant is required"),
// waits for its min_position without holding a thread (PositionGate), then answers
// projections::Router over the live store in ServiceDeps::zone, with the injected clock's
// now when the request has no `at`. The answer's position is the applied position of the
// tenant's partition, read before the route is computed (so it is >= min_position).
// When no wait is needed the answer is computed inline on the gRPC thread: Route reads a
// handful of records from one snapshot and never blocks on anything but RocksDB reads.
// Route is a raw method: it parses the request itself and sends Router::RouteWire's bytes
// (a kept answer is shared, not copied or serialized again) followed by the call's `at`
// and position; clients see an ordinary RouteResponse. A request that is not a
// RouteRequest is INVALID_ARGUMENT.
// Check: the same gate, then Router::Check, always on ServiceDeps::work (it scans the
// tenant's groups, routings, rules, hotlines and forwardings).
//
// Errors are the Router's, mapped 1:1 (ToGrpcStatus), plus the gate's
// DEADLINE_EXCEEDED / UNAVAILABLE when min_position is not reached.
// Thread safety: gRPC calls the methods from many threads at once.
#ifndef CTI_SERVER_ROUTE_SERVICE_H_
#define CTI_SERVER_ROUTE_SERVICE_H_

#include "cti/v1/route_service.grpc.pb.h"
#include "server/service_deps.h"

namespace cti::server {

class RouteServiceImpl final
    : public cti::v1::RouteService::WithRawCallbackMethod_Route<
          cti::v1::RouteService::WithCallbackMethod_Check<cti::v1::RouteService::Service>> {
 public:
  // The generated synchronous overloads stay visible (and unimplemented).
  using WithCallbackMethod_Check::Check;
  using WithRawCallbackMethod_Route::Route;

  // `deps` must outlive the service.
  explicit RouteServiceImpl(const ServiceDeps* deps) : deps_(*deps) {}

  grpc::ServerUnaryReactor* Route(grpc::CallbackServerContext* context,
                                  const grpc::ByteBuffer* request,
                                  grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context,
                                  const cti::v1::CheckRequest* request,
                                  cti::v1::CheckResponse* response) override;

 private:
  const ServiceDeps& deps_;
};

}  // namespace cti::server

#endif  // CTI_SERVER_ROUTE_SERVICE_H_
