#include "server/position_gate.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/status_mapping.h"

namespace cti::server {

std::shared_ptr<AppliedWait> AppliedWait::Create(const ServiceDeps& deps, int partition,
                                                 uint64_t position, std::string what,
                                                 absl::StatusCode timeout_code) {
  return std::make_shared<AppliedWait>(deps, partition, position, std::move(what), timeout_code);
}

AppliedWait::AppliedWait(const ServiceDeps& deps, int partition, uint64_t position,
                         std::string what, absl::StatusCode timeout_code)
    : deps_(deps),
      partition_(partition),
      position_(position),
      what_(std::move(what)),
      timeout_code_(timeout_code) {}

void AppliedWait::Start(Done done) {
  absl::Status early;
  {
    absl::MutexLock lock(&mu_);
    if (decided_) {
      early = early_;
    } else {
      started_ = true;
      done_ = std::move(done);
    }
  }
  if (!early.ok()) {
    std::move(done)(std::move(early));
    return;
  }
  // The callbacks hold the wait alive until one of them decides; Decide unregisters
  // the other, which breaks the cycle.
  std::shared_ptr<AppliedWait> self = shared_from_this();
  const uint64_t waiter_id = deps_.waiters->Add(
      partition_, position_, [self](absl::Status status) { self->Decide(std::move(status)); });
  if (waiter_id == 0) return;  // Decided already (applied, or the server is stopping).
  const absl::Duration cap = deps_.options.max_position_wait;
  const uint64_t timer_id = deps_.timer->Schedule(deps_.clock->Now() + cap, [self, cap] {
    self->Decide(
        absl::Status(self->timeout_code_,
                     absl::StrCat(self->what_, " ", self->position_, " was not applied within ",
                                  absl::FormatDuration(cap), " (the projection has applied ",
                                  self->deps_.waiters->Applied(self->partition_), ")")));
  });
  bool decided = false;
  {
    absl::MutexLock lock(&mu_);
    decided = decided_;
    if (!decided) {
      waiter_id_ = waiter_id;
      timer_id_ = timer_id;
    }
  }
  if (decided) {  // Decide ran before the ids were known: unregister here.
    deps_.waiters->Remove(waiter_id);
    deps_.timer->Cancel(timer_id);
  }
}

void AppliedWait::Cancel(absl::Status status) { Decide(std::move(status)); }

void AppliedWait::Decide(absl::Status status) {
  Done done;
  uint64_t waiter_id = 0;
  uint64_t timer_id = 0;
  {
    absl::MutexLock lock(&mu_);
    if (decided_) return;
    decided_ = true;
    if (!started_) {
      early_ = std::move(status);
      return;
    }
    done = std::move(done_);
    waiter_id = waiter_id_;
    timer_id = timer_id_;
  }
  if (waiter_id != 0) deps_.waiters->Remove(waiter_id);
  if (timer_id != 0) deps_.timer->Cancel(timer_id);
  std::move(done)(std::move(status));
}

namespace {

class GatedReactor final : public grpc::ServerUnaryReactor {
 public:
  GatedReactor(const ServiceDeps& deps, int partition, uint64_t min_position, GateOptions options,
               std::function<absl::Status()> answer)
      : deps_(deps),
        partition_(partition),
        min_position_(min_position),
        options_(std::move(options)),
        answer_(std::move(answer)) {}

  // Runs in the method handler, before gRPC knows the reactor: OnCancel comes later.
  void Begin() {
    if (min_position_ == 0 || deps_.waiters->Applied(partition_) >= min_position_) {
      if (options_.pool != nullptr) {
        AnswerOnPool();
      } else {
        Finish(ToGrpcStatus(answer_()));
      }
      return;
    }
    std::shared_ptr<AppliedWait> wait =
        AppliedWait::Create(deps_, partition_, min_position_, options_.what, options_.timeout_code);
    wait_ = wait;
    // The call may finish (and this reactor be deleted) on another thread from here on.
    wait->Start([this](absl::Status status) {
      if (status.ok()) {
        AnswerOnPool();
      } else {
        Finish(ToGrpcStatus(status));
      }
    });
  }

  void OnCancel() override {
    if (wait_ != nullptr) wait_->Cancel(absl::CancelledError("call cancelled"));
  }
  void OnDone() override { delete this; }

 private:
  void AnswerOnPool() {
    ThreadPool* pool = options_.pool != nullptr ? options_.pool : deps_.work;
    if (!pool->Post([this] { Finish(ToGrpcStatus(answer_())); })) {
      Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "server is shutting down"));
    }
  }

  const ServiceDeps& deps_;
  const int partition_;
  const uint64_t min_position_;
  const GateOptions options_;
  std::function<absl::Status()> answer_;
  std::shared_ptr<AppliedWait> wait_;  // Set in Begin only; null when no wait was needed.
};

}  // namespace

grpc::ServerUnaryReactor* RefuseWithoutTenant(grpc::CallbackServerContext* context,
                                              const std::string& tenant) {
  if (!tenant.empty()) return nullptr;
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "tenant is required"));
  return reactor;
}

grpc::ServerUnaryReactor* StartPositionGated(grpc::CallbackServerContext* context,
                                             const ServiceDeps& deps, int partition,
                                             uint64_t position, GateOptions options,
                                             std::function<absl::Status()> answer) {
  if (absl::Status serving = ServingGate(deps); !serving.ok() && !options.while_building) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(ToGrpcStatus(serving));
    return reactor;
  }
  if (options.pool == nullptr && (position == 0 || deps.waiters->Applied(partition) >= position)) {
    // The common case: nothing to wait for, answered here on gRPC's default reactor.
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(ToGrpcStatus(answer()));
    return reactor;
  }
  auto* reactor =
      new GatedReactor(deps, partition, position, std::move(options), std::move(answer));
  reactor->Begin();
  return reactor;
}

}  // namespace cti::server
