// Read-your-writes without blocking a thread: the min_position wait of every query
// (StartPositionGated), and the wait of an Append whose first validation failed
// (AppliedWait, used by event_service.cc).
//
// AppliedWait is a one-shot race between "the partition has applied the position"
// (PositionWaiters), "the cap passed" (a Timer on the injected clock, at
// ServiceOptions::max_position_wait), "server stopping" (PositionWaiters::FailAll) and
// Cancel (the call was cancelled: the client's deadline passed or it went away); the
// first decides, exactly once.
//
// StartPositionGated is a unary reactor built on it: it answers once the position is
// applied. The answer runs on a pool after a wait (or inline when no wait was needed
// and the answer is cheap).
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
#include <memory>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "server/access.h"
#include "server/service_deps.h"

namespace cti::server {

// Thread safety: Start once, Cancel from any thread at any time (also before Start).
class AppliedWait : public std::enable_shared_from_this<AppliedWait> {
 public:
  // Called exactly once: OK once the position is applied; otherwise the cap's status
  // (`timeout_code`, "<what> <position> was not applied within <cap> (the projection
  // has applied N)"), the FailAll status, or the status given to Cancel. Runs on the
  // thread that decided (the projector's, the timer's, the canceller's, or the caller
  // of Start when the position is applied already) and must be quick: post real work
  // to a ThreadPool.
  using Done = absl::AnyInvocable<void(absl::Status) &&>;

  // `deps` must outlive the wait.
  static std::shared_ptr<AppliedWait> Create(const ServiceDeps& deps, int partition,
                                             uint64_t position, std::string what,
                                             absl::StatusCode timeout_code);

  // Registers the wait; `done` may have run before this returns. Does nothing but call
  // `done` with the Cancel status when Cancel came first.
  void Start(Done done);

  // Decides with `status` (not OK) unless something decided already.
  void Cancel(absl::Status status);

  // Use Create.
  AppliedWait(const ServiceDeps& deps, int partition, uint64_t position, std::string what,
              absl::StatusCode timeout_code);

 private:
  void Decide(absl::Status status);

  const ServiceDeps& deps_;
  const int partition_;
  const uint64_t position_;
  const std::string what_;
  const absl::StatusCode timeout_code_;

  absl::Mutex mu_;
  bool decided_ ABSL_GUARDED_BY(mu_) = false;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status early_ ABSL_GUARDED_BY(mu_);  // A Cancel before Start.
  uint64_t waiter_id_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t timer_id_ ABSL_GUARDED_BY(mu_) = 0;
  Done done_ ABSL_GUARDED_BY(mu_);
};

struct GateOptions {
  // Where the answer runs. nullptr: on the gRPC thread when no wait was needed,
  // otherwise on deps.work. Set for answers that take long or block (a digest).
  ThreadPool* pool = nullptr;
  // Names the awaited position in the message when the cap passes.
  std::string what = "min_position";
  // The code when the cap (ServiceOptions::max_position_wait) passes.
  absl::StatusCode timeout_code = absl::StatusCode::kDeadlineExceeded;
  // Answer even while ServingGate refuses (GetStatus, which reports the build).
  bool while_building = false;
};

// For the queries of one tenant: finishes the call at once with INVALID_ARGUMENT
// "tenant is required" when `tenant` is empty and returns its reactor; nullptr when the
// call may go on.
grpc::ServerUnaryReactor* RefuseWithoutTenant(grpc::CallbackServerContext* context,
                                              const std::string& tenant);

// Returns the reactor for the call; it finishes with `answer`'s status (mapped by
// ToGrpcStatus) once `position` is applied (0: at once). `answer` fills the response;
// it runs at most once.
grpc::ServerUnaryReactor* StartPositionGated(grpc::CallbackServerContext* context,
                                             const ServiceDeps& deps, int partition,
                                             uint64_t position, GateOptions options,
                                             std::function<absl::Status()> answer);

// The whole of one tenant's query: refuses a caller the access matrix does not let
// call `rpc` on `tenant` (server/access.h) and a request without a tenant
// (RefuseWithoutTenant), then StartPositionGated on the tenant's partition with
// `answer(partition)`.
template <typename Answer>
grpc::ServerUnaryReactor* StartTenantQuery(grpc::CallbackServerContext* context,
                                           const ServiceDeps& deps, Rpc rpc,
                                           const std::string& tenant, uint64_t min_position,
                                           GateOptions options, Answer answer) {
  if (absl::StatusOr<Caller> caller = Authorize(deps, *context, rpc, tenant); !caller.ok()) {
    return Refuse(context, caller.status());
  }
  if (auto* refused = RefuseWithoutTenant(context, tenant)) return refused;
  const int partition = deps.log->PartitionOf(tenant);
  return StartPositionGated(context, deps, partition, min_position, std::move(options),
                            [partition, answer = std::move(answer)] { return answer(partition); });
}

}  // namespace cti::server

#endif  // CTI_SERVER_POSITION_GATE_H_
