#include "tests/bench/route_loop.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/client_callback.h>
#include <grpcpp/support/proto_buffer_reader.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "cti/v1/admin_service.pb.h"
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
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<cti::v1::RouteService::Stub> route;
  // The methods as the generated stubs register them on the channel, for calls with
  // byte-buffer messages.
  std::unique_ptr<grpc::internal::RpcMethod> raw_ping;
  std::unique_ptr<grpc::internal::RpcMethod> raw_route;
};

LoopClient::LoopClient(const std::string& address, int channels) {
  for (int c = 0; c < std::max(1, channels); ++c) {
    grpc::ChannelArguments args;
    args.SetInt("cti.bench.channel", c);  // Distinct channels, distinct connections.
    auto stubs = std::make_unique<Stubs>();
    stubs->channel = test_support::IdentityChannel(address, test_support::Reception(), &args);
    stubs->route = cti::v1::RouteService::NewStub(stubs->channel);
    stubs->raw_ping = std::make_unique<grpc::internal::RpcMethod>(
        "/cti.v1.AdminService/Ping", grpc::internal::RpcMethod::NORMAL_RPC, stubs->channel);
    stubs->raw_route = std::make_unique<grpc::internal::RpcMethod>(
        "/cti.v1.RouteService/Route", grpc::internal::RpcMethod::NORMAL_RPC, stubs->channel);
    stubs_.push_back(std::move(stubs));
  }
}

LoopClient::~LoopClient() = default;

namespace {

grpc::ByteBuffer Serialized(const google::protobuf::MessageLite& message) {
  const std::string bytes = message.SerializeAsString();
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

// One closed loop: `in_flight` slots, each a chain of calls, one after another.
class Loop {
 public:
  Loop(const std::vector<std::unique_ptr<LoopClient::Stubs>>& stubs, LoopRpc rpc, int in_flight,
       absl::Duration duration, const std::vector<cti::v1::RouteRequest>& requests)
      : stubs_(stubs),
        rpc_(rpc),
        requests_(requests),
        slots_(static_cast<size_t>(in_flight)),
        answers_(static_cast<size_t>(in_flight)),
        running_(in_flight) {
    if (rpc_ == LoopRpc::kPing) {
      raw_requests_.push_back(Serialized(cti::v1::PingRequest()));
    } else if (rpc_ == LoopRpc::kRoute) {
      for (const cti::v1::RouteRequest& request : requests_) {
        raw_requests_.push_back(Serialized(request));
      }
    }
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
    grpc::ByteBuffer raw_answer;  // kPing, kRoute
    explicit Call(cti::v1::RouteResponse* answer) : route(*answer) {}
    // kRouteParsed: the slot's answer, parsed over the previous one: as a client that
    // routes many calls would, it reuses the strings and nested messages already
    // allocated (protobuf keeps them across Clear), so an answer costs about no
    // allocation.
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
    const LoopClient::Stubs& stubs = *stubs_[slot % stubs_.size()];
    const size_t n = rpc_ == LoopRpc::kPing
                         ? 0
                         : next_.fetch_add(1, std::memory_order_relaxed) % requests_.size();
    call->sent_ns = MonoNanos();
    auto done = [this, call](grpc::Status status) { Done(call, status); };
    if (rpc_ == LoopRpc::kRouteParsed) {
      stubs.route->async()->Route(&call->context, &requests_[n], &call->route, std::move(done));
    } else {
      grpc::internal::CallbackUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
          stubs.channel.get(), rpc_ == LoopRpc::kPing ? *stubs.raw_ping : *stubs.raw_route,
          &call->context, &raw_requests_[n], &call->raw_answer, std::move(done));
    }
  }

  // Runs on a gRPC thread; the slot's calls follow one another, so its result needs no
  // lock.
  void Done(Call* call, grpc::Status status) {
    const int64_t latency_ns = MonoNanos() - call->sent_ns;
    LoopResult& result = slots_[call->slot];
    // One Route answer in 16 is sized and, from the load generator, parsed and checked.
    if (status.ok() && rpc_ != LoopRpc::kPing && (result.ok + result.failed) % 16 == 0) {
      if (rpc_ == LoopRpc::kRoute) {
        result.response_bytes += call->raw_answer.Length();
        grpc::ProtoBufferReader reader(&call->raw_answer);
        if (!call->route.ParseFromZeroCopyStream(&reader) || call->route.steps().empty()) {
          status = grpc::Status(grpc::StatusCode::DATA_LOSS,
                                "the answer does not parse or has no steps");
        }
      } else {
        result.response_bytes += call->route.ByteSizeLong();
      }
      ++result.sized;
    }
    if (status.ok()) {
      ++result.ok;
      result.latency_us.push_back(static_cast<double>(latency_ns) / 1000.0);
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

  const std::vector<std::unique_ptr<LoopClient::Stubs>>& stubs_;
  const LoopRpc rpc_;
  const std::vector<cti::v1::RouteRequest>& requests_;
  // kPing and kRoute: the requests serialized once.
  std::vector<grpc::ByteBuffer> raw_requests_;
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
  Loop loop(stubs_, rpc, in_flight, duration, requests);
  return loop.Run();
}

}  // namespace cti::bench
