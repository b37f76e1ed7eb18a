// PositionGate: the read-your-writes wait of every query (min_position).
//
// A unary reactor that answers once the projection has applied `min_position` in the
// caller's partition, without blocking a gRPC thread: it registers a PositionWaiters
// callback and a Timer cap, and the first of "reached", "cap passed" (DEADLINE_EXCEEDED),
// "call cancelled" (the client's deadline passed or it went away) or "server stopping"
// (UNAVAILABLE) decides. The answer runs on the work pool (or inline when the position
// is already applied and the answer is cheap).
//
// Example (inside a CallbackService method):
//   return StartPositionGated(context, deps_, partition, request->min_position(),
//                             /*offload=*/false, [=] { return Answer(request, response); });
#ifndef CTI_SERVER_POSITION_GATE_H_
#define CTI_SERVER_POSITION_GATE_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <cstdint>
#include <functional>

#include "absl/status/status.h"
#include "server/service_deps.h"

namespace cti::server {

// Returns the reactor for the call; it finishes with `answer`'s status (mapped by
// ToGrpcStatus) once the position is applied. `answer` fills the response; it runs at
// most once. `offload` runs it on deps.work even when no wait was needed (for answers
// that take long, e.g. a digest).
grpc::ServerUnaryReactor* StartPositionGated(grpc::CallbackServerContext* context,
                                             const ServiceDeps& deps, int partition,
                                             uint64_t min_position, bool offload,
                                             std::function<absl::Status()> answer);

}  // namespace cti::server

#endif  // CTI_SERVER_POSITION_GATE_H_
