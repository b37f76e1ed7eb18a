// PositionGate: the read-your-writes wait of every query (min_position), and of Append's
// validation (the log end when the call arrived).
//
// A unary reactor that answers once the projection has applied a position in the
// caller's partition, without blocking a gRPC thread: it registers a PositionWaiters
// callback and a Timer cap, and the first of "reached", "cap passed" (GateOptions::
// timeout_code), "call cancelled" (the client's deadline passed or it went away) or
// "server stopping" (UNAVAILABLE) decides. The answer runs on a pool after a wait (or
// inline when no wait was needed and the answer is cheap).
//
// Example (inside a CallbackService method):
//   return StartPositionGated(context, deps_, partition, request->min_position(), {},
//                             [=] { return Answer(request, response); });
#ifndef CTI_SERVER_POSITION_GATE_H_
#define CTI_SERVER_POSITION_GATE_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "server/service_deps.h"

namespace cti::server {

struct GateOptions {
  // Where the answer runs. nullptr: on the gRPC thread when no wait was needed,
  // otherwise on deps.work. Set for answers that take long or block (a digest, an
  // append).
  ThreadPool* pool = nullptr;
  // Names the awaited position in the message when the cap passes.
  std::string what = "min_position";
  // The code when the cap (ServiceOptions::max_position_wait) passes.
  absl::StatusCode timeout_code = absl::StatusCode::kDeadlineExceeded;
};

// Returns the reactor for the call; it finishes with `answer`'s status (mapped by
// ToGrpcStatus) once `position` is applied (0: at once). `answer` fills the response;
// it runs at most once.
grpc::ServerUnaryReactor* StartPositionGated(grpc::CallbackServerContext* context,
                                             const ServiceDeps& deps, int partition,
                                             uint64_t position, GateOptions options,
                                             std::function<absl::Status()> answer);

}  // namespace cti::server

#endif  // CTI_SERVER_POSITION_GATE_H_
