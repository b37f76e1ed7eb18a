#include "tests/bench/route_loop.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "cti/v1/admin_service.grpc.pb.h"
#include "cti/v1/route_service.grpc.pb.h"
#include "tests/support/grpc_clients.h"

namespace cti::bench {
namespace {

int64_t MonoNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void LoopResult::Add(const LoopResult& other) {
  latency_us.insert(latency_us.end(), other.latency_us.begin(), other.latency_us.end());
  ok += other.ok;
  failed += other.failed;
  if (first_error.empty()) first_error = other.first_error;
  elapsed += other.elapsed;
  response_bytes += other.response_bytes;
  sized += other.sized;
  server_cpu += other.server_cpu;
  client_cpu += other.client_cpu;
}

double LoopResult::ServerCpuUs() const {
  return ok > 0 ? absl::ToDoubleMicroseconds(server_cpu) / static_cast<double>(ok) : 0;
}

double LoopResult::ClientCpuUs() const {
  return ok > 0 ? absl::ToDoubleMicroseconds(client_cpu) / static_cast<double>(ok) : 0;
}

double LoopResult::Percentile(double p) {
  if (latency_us.empty()) return 0;
  std::sort(latency_us.begin(), latency_us.end());
  const double rank = p / 100.0 * static_cast<double>(latency_us.size() - 1);
  return latency_us[static_cast<size_t>(std::llround(rank))];
}

double LoopResult::Qps() const {
  const double seconds = absl::ToDoubleSeconds(elapsed);
  return seconds > 0 ? static_cast<double>(ok) / seconds : 0;
}

struct LoopClient::Stubs {
  std::unique_ptr<cti::v1::AdminService::Stub> admin;
  std::unique_ptr<cti::v1::RouteService::Stub> route;
};

LoopClient::LoopClient(const std::string& address, int channels) {
  for (int c = 0; c < std::max(1, channels); ++c) {
    grpc::ChannelArguments args;
    args.SetInt("cti.bench.channel", c);  // Distinct channels, distinct connections.
    std::shared_ptr<grpc::Channel> channel =
        test_support::IdentityChannel(address, test_support::Reception(), &args);
    auto stubs = std::make_unique<Stubs>();
    stubs->admin = cti::v1::AdminService::NewStub(channel);
    stubs->route = cti::v1::RouteService::NewStub(channel);
    stubs_.push_back(std::move(stubs));
  }
}

LoopClient::~LoopClient() = default;

namespace {

// One closed loop: `in_flight` slots, each a chain of calls, one after another.
class Loop {
 public:
  Loop(const std::vector<cti::v1::AdminService::Stub*>& admin,
       const std::vector<cti::v1::RouteService::Stub*>& route, LoopRpc rpc, int in_flight,
       absl::Duration duration, const std::vector<cti::v1::RouteRequest>& requests)
      : admin_(admin),
        route_(route),
        rpc_(rpc),
        requests_(requests),
        slots_(static_cast<size_t>(in_flight)),
        answers_(static_cast<size_t>(in_flight)),
        running_(in_flight) {
    start_ns_ = MonoNanos();
    end_ns_ = start_ns_ + absl::ToInt64Nanoseconds(duration);
  }

  LoopResult Run() {
    for (size_t s = 0; s < slots_.size(); ++s) Start(s);
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return running_ == 0; });
    LoopResult result;
    for (LoopResult& slot : slots_) {
      slot.elapsed = absl::ZeroDuration();
      result.Add(slot);
    }
    result.elapsed = absl::Nanoseconds(last_done_ns_ - start_ns_);
    return result;
  }

 private:
  struct Call {
    size_t slot = 0;
    int64_t sent_ns = 0;
    grpc::ClientContext context;
    cti::v1::PingResponse ping;
    explicit Call(cti::v1::RouteResponse* answer) : route(*answer) {}
    // The slot's answer, parsed over the previous one: as a client that routes many
    // calls would, it reuses the strings and nested messages already allocated (protobuf
    // keeps them across Clear), so an answer costs about no allocation.
    cti::v1::RouteResponse& route;
  };

  void Start(size_t slot) {
    if (MonoNanos() >= end_ns_) {
      SlotDone();
      return;
    }
    auto* call = new Call(&answers_[slot]);
    call->slot = slot;
    call->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    const size_t channel = slot % admin_.size();
    call->sent_ns = MonoNanos();
    if (rpc_ == LoopRpc::kPing) {
      admin_[channel]->async()->Ping(&call->context, &ping_request_, &call->ping,
                                     [this, call](grpc::Status status) { Done(call, status); });
    } else {
      const size_t n = next_.fetch_add(1, std::memory_order_relaxed) % requests_.size();
      route_[channel]->async()->Route(&call->context, &requests_[n], &call->route,
                                      [this, call](grpc::Status status) { Done(call, status); });
    }
  }

  // Runs on a gRPC thread; the slot's calls follow one another, so its result needs no
  // lock.
  void Done(Call* call, const grpc::Status& status) {
    const int64_t latency_ns = MonoNanos() - call->sent_ns;
    LoopResult& result = slots_[call->slot];
    if (status.ok()) {
      ++result.ok;
      result.latency_us.push_back(static_cast<double>(latency_ns) / 1000.0);
      // Answer sizes are sampled (one call in 16): walking a whole answer costs the client
      // about as much as a tenth of parsing it, which would be charged to Route's QPS.
      if (rpc_ == LoopRpc::kRoute && result.ok % 16 == 1) {
        result.response_bytes += call->route.ByteSizeLong();
        ++result.sized;
      }
    } else {
      ++result.failed;
      if (result.first_error.empty()) result.first_error = test_support::Describe(status);
    }
    const size_t slot = call->slot;
    delete call;
    Start(slot);
  }

  void SlotDone() {
    std::lock_guard<std::mutex> lock(mu_);
    last_done_ns_ = std::max(last_done_ns_, MonoNanos());
    if (--running_ == 0) cv_.notify_all();
  }

  const std::vector<cti::v1::AdminService::Stub*>& admin_;
  const std::vector<cti::v1::RouteService::Stub*>& route_;
  const LoopRpc rpc_;
  const std::vector<cti::v1::RouteRequest>& requests_;
  const cti::v1::PingRequest ping_request_;
  std::vector<LoopResult> slots_;
  // One answer per slot: a slot's calls follow one another.
  std::vector<cti::v1::RouteResponse> answers_;
  std::atomic<size_t> next_{0};
  int64_t start_ns_ = 0;
  int64_t end_ns_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  int running_;
  int64_t last_done_ns_ = 0;
};

}  // namespace

LoopResult LoopClient::Run(LoopRpc rpc, int in_flight, absl::Duration duration,
                           const std::vector<cti::v1::RouteRequest>& requests) {
  std::vector<cti::v1::AdminService::Stub*> admin;
  std::vector<cti::v1::RouteService::Stub*> route;
  for (const auto& stubs : stubs_) {
    admin.push_back(stubs->admin.get());
    route.push_back(stubs->route.get());
  }
  Loop loop(admin, route, rpc, in_flight, duration, requests);
  return loop.Run();
}

}  // namespace cti::bench
