#include "server/position_gate.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "server/status_mapping.h"

namespace cti::server {
namespace {

class GatedReactor;

// Shared between the reactor and its pending waiter, timer and cancel callbacks; the
// first to claim it finishes the call, the others find it claimed and do nothing.
struct GateState {
  absl::Mutex mu;
  bool claimed ABSL_GUARDED_BY(mu) = false;
  uint64_t waiter_id ABSL_GUARDED_BY(mu) = 0;
  uint64_t timer_id ABSL_GUARDED_BY(mu) = 0;
  GatedReactor* reactor = nullptr;  // Valid until the claimant finishes the call.
  PositionWaiters* waiters = nullptr;
  Timer* timer = nullptr;
};

class GatedReactor final : public grpc::ServerUnaryReactor {
 public:
  GatedReactor(const ServiceDeps& deps, int partition, uint64_t min_position, GateOptions options,
               std::function<absl::Status()> answer)
      : deps_(deps),
        partition_(partition),
        min_position_(min_position),
        options_(std::move(options)),
        answer_(std::move(answer)),
        state_(std::make_shared<GateState>()) {
    state_->reactor = this;
    state_->waiters = deps.waiters;
    state_->timer = deps.timer;
  }

  void Begin() {
    if (min_position_ == 0 || deps_.waiters->Applied(partition_) >= min_position_) {
      if (options_.pool != nullptr) {
        AnswerOnPool();
      } else {
        Finish(ToGrpcStatus(answer_()));
      }
      return;
    }
    // Only locals from here on: once registered, the call may finish (and this reactor
    // be deleted) on another thread at any moment.
    std::shared_ptr<GateState> state = state_;
    const ServiceDeps& deps = deps_;
    const int partition = partition_;
    const uint64_t min = min_position_;
    const uint64_t waiter_id =
        deps.waiters->Add(partition, min, [state](absl::Status status) { Decide(state, status); });
    const absl::Duration cap = deps.options.max_position_wait;
    const uint64_t timer_id = deps.timer->Schedule(deps.clock->Now() + cap, [state, cap, &deps,
                                                                             partition, min] {
      Decide(state, absl::DeadlineExceededError(absl::StrCat(
                        "min_position ", min, " was not applied within ", absl::FormatDuration(cap),
                        " (the projection has applied ", deps.waiters->Applied(partition), ")")));
    });
    bool claimed = false;
    {
      absl::MutexLock lock(&state->mu);
      state->waiter_id = waiter_id;
      state->timer_id = timer_id;
      claimed = state->claimed;
    }
    if (claimed) {
      deps.waiters->Remove(waiter_id);
      deps.timer->Cancel(timer_id);
    }
  }

  void OnCancel() override { Decide(state_, absl::CancelledError("call cancelled")); }
  void OnDone() override { delete this; }

 private:
  // OK: the position is applied, answer. Otherwise finish with `status`.
  static void Decide(const std::shared_ptr<GateState>& state, absl::Status status) {
    uint64_t waiter_id = 0;
    uint64_t timer_id = 0;
    {
      absl::MutexLock lock(&state->mu);
      if (state->claimed) return;
      state->claimed = true;
      waiter_id = state->waiter_id;
      timer_id = state->timer_id;
    }
    if (waiter_id != 0) state->waiters->Remove(waiter_id);
    if (timer_id != 0) state->timer->Cancel(timer_id);
    if (status.ok()) {
      state->reactor->AnswerOnPool();
    } else {
      state->reactor->Finish(ToGrpcStatus(status));
    }
  }

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
  std::shared_ptr<GateState> state_;
};

}  // namespace

grpc::ServerUnaryReactor* StartPositionGated(grpc::CallbackServerContext* context,
                                             const ServiceDeps& deps, int partition,
                                             uint64_t position, GateOptions options,
                                             std::function<absl::Status()> answer) {
  (void)context;
  auto* reactor =
      new GatedReactor(deps, partition, position, std::move(options), std::move(answer));
  reactor->Begin();
  return reactor;
}

}  // namespace cti::server
