#include "tests/bench/append_load.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cti/v1/event_service.grpc.pb.h"
#include "tests/support/cti_client.h"
#include "tests/support/danish_events.h"
#include "tests/support/grpc_clients.h"

namespace cti::bench {
namespace {

using test_support::Admin;
using test_support::IdentityChannel;
using test_support::kTenant;

int64_t MonoNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Per-sequence-number timestamps shared by the appenders and the watcher.
struct Timings {
  explicit Timings(uint64_t n) : send_ns(n), ack_ns(n), visible_ns(n) {
    for (uint64_t i = 0; i < n; ++i) {
      send_ns[i] = -1;
      ack_ns[i] = -1;
      visible_ns[i] = -1;
    }
  }
  std::vector<std::atomic<int64_t>> send_ns;     // When the append was sent.
  std::vector<std::atomic<int64_t>> ack_ns;      // Send to acknowledgement.
  std::vector<std::atomic<int64_t>> visible_ns;  // Send to seen on Subscribe.
};

// Follows the log from `after` and stamps visible_ns of records whose id is
// "<prefix><seq>". Resumes the stream after errors.
class VisibilityWatcher {
 public:
  VisibilityWatcher(const std::string& address, uint64_t after, std::string prefix,
                    Timings* timings)
      : channel_(IdentityChannel(address, Admin())),
        stub_(cti::v1::EventService::NewStub(channel_)),
        prefix_(std::move(prefix)),
        timings_(timings),
        seen_(after) {
    thread_ = std::thread([this] { Run(); });
  }

  ~VisibilityWatcher() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
      if (ctx_ != nullptr) ctx_->TryCancel();
    }
    thread_.join();
  }

  // True once a record at or past `position` was seen, false after `timeout`.
  bool WaitFor(uint64_t position, absl::Duration timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                        [&] { return seen_ >= position; });
  }

  uint64_t restarts() const { return restarts_; }

 private:
  void Run() {
    while (true) {
      auto ctx = std::make_unique<grpc::ClientContext>();
      cti::v1::SubscribeRequest request;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stop_) return;
        ctx_ = ctx.get();
        request = test_support::SubscribeFrom(kTenant, seen_);
      }
      auto reader = stub_->Subscribe(ctx.get(), request);
      cti::v1::SubscribeResponse message;
      while (reader->Read(&message)) {
        if (!message.has_record()) continue;
        const int64_t now = MonoNanos();
        const std::string& id = message.record().event().event_id();
        uint64_t seq = 0;
        if (absl::StartsWith(id, prefix_) &&
            absl::SimpleAtoi(absl::string_view(id).substr(prefix_.size()), &seq) &&
            seq < timings_->send_ns.size()) {
          const int64_t sent = timings_->send_ns[seq].load(std::memory_order_acquire);
          if (sent >= 0) timings_->visible_ns[seq].store(now - sent);
        }
        std::lock_guard<std::mutex> lock(mu_);
        seen_ = message.record().position();
        cv_.notify_all();
      }
      reader->Finish();
      std::lock_guard<std::mutex> lock(mu_);
      ctx_ = nullptr;
      if (stop_) return;
      ++restarts_;
    }
  }

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<cti::v1::EventService::Stub> stub_;
  const std::string prefix_;
  Timings* timings_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t seen_;  // Guarded by mu_.
  bool stop_ = false;
  grpc::ClientContext* ctx_ = nullptr;
  std::atomic<uint64_t> restarts_{0};
};

uint64_t CurrentEnd(const std::string& address) {
  test_support::CtiClient client(IdentityChannel(address, Admin()));
  absl::StatusOr<cti::v1::GetStatusResponse> status = client.Status();
  return status.ok() ? status->log_end_position() : 0;
}

void Collect(const Timings& t, LoadResult* result) {
  for (size_t i = 0; i < t.send_ns.size(); ++i) {
    const int64_t ack = t.ack_ns[i].load();
    const int64_t visible = t.visible_ns[i].load();
    if (ack >= 0) result->ack_us.push_back(static_cast<double>(ack) / 1e3);
    if (visible >= 0) result->visible_us.push_back(static_cast<double>(visible) / 1e3);
  }
}

// The state of the asynchronous load: slots each keep one append in flight.
class AsyncLoad {
 public:
  AsyncLoad(const LoadOptions& options, Timings* timings)
      : options_(options), timings_(timings), deadline_(absl::Now() + options.max_duration) {
    for (int c = 0; c < std::max(1, options.channels); ++c) {
      grpc::ChannelArguments args;
      args.SetInt("cti.bench.channel", c);  // Distinct channels, distinct connections.
      stubs_.push_back(
          cti::v1::EventService::NewStub(IdentityChannel(options.address, Admin(), &args)));
    }
  }

  void Run(LoadResult* result) {
    slots_.resize(options_.in_flight);
    active_ = options_.in_flight;
    const int64_t start = MonoNanos();
    for (int i = 0; i < options_.in_flight; ++i) {
      slots_[i].stub = stubs_[i % stubs_.size()].get();
      StartNext(&slots_[i]);
    }
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return active_ == 0; });
    result->elapsed = absl::Nanoseconds(last_ack_ns_ - start);
    result->acked = acked_;
    result->failed = failed_;
    result->first_error = first_error_;
    result->last_position = last_position_;
    result->bytes = bytes_;
  }

 private:
  struct Slot {
    cti::v1::EventService::Stub* stub = nullptr;
    std::unique_ptr<grpc::ClientContext> ctx;
    cti::v1::AppendRequest request;
    cti::v1::AppendResponse response;
    cti::v1::AppendBatchRequest batch_request;
    cti::v1::AppendBatchResponse batch_response;
    uint64_t seq = 0;    // The first event's sequence number.
    uint64_t count = 0;  // Events in the call.
  };

  void StartNext(Slot* slot) {
    const uint64_t per_call = static_cast<uint64_t>(std::max(1, options_.per_call));
    const uint64_t seq = next_seq_.fetch_add(per_call);
    if (seq >= options_.events || absl::Now() > deadline_) {
      std::lock_guard<std::mutex> lock(mu_);
      if (--active_ == 0) cv_.notify_all();
      return;
    }
    slot->seq = seq;
    slot->count = std::min(per_call, options_.events - seq);
    const std::string& tenant = options_.tenants.empty()
                                    ? std::string(kTenant)
                                    : options_.tenants[(seq / per_call) % options_.tenants.size()];
    slot->ctx = std::make_unique<grpc::ClientContext>();
    slot->ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    if (options_.per_call <= 1) {
      *slot->request.mutable_event() = test_support::LoadCallEvent(
          tenant, absl::StrCat(options_.id_prefix, seq), seq, options_.padding);
      timings_->send_ns[seq].store(MonoNanos(), std::memory_order_release);
      slot->stub->async()->Append(slot->ctx.get(), &slot->request, &slot->response,
                                  [this, slot](grpc::Status status) { Done(slot, status); });
      return;
    }
    slot->batch_request.clear_events();
    for (uint64_t i = seq; i < seq + slot->count; ++i) {
      *slot->batch_request.add_events() = test_support::LoadCallEvent(
          tenant, absl::StrCat(options_.id_prefix, i), i, options_.padding);
    }
    const int64_t now = MonoNanos();
    for (uint64_t i = seq; i < seq + slot->count; ++i) {
      timings_->send_ns[i].store(now, std::memory_order_release);
    }
    slot->stub->async()->AppendBatch(slot->ctx.get(), &slot->batch_request, &slot->batch_response,
                                     [this, slot](grpc::Status status) { Done(slot, status); });
  }

  void Done(Slot* slot, const grpc::Status& status) {
    const int64_t now = MonoNanos();
    const bool batch = options_.per_call > 1;
    {
      std::lock_guard<std::mutex> lock(mu_);
      last_ack_ns_ = std::max(last_ack_ns_, now);
      if (!status.ok()) {
        failed_ += slot->count;
        if (first_error_.empty()) first_error_ = test_support::Describe(status);
      } else if (!batch) {
        ++acked_;
        bytes_ += slot->request.event().ByteSizeLong();
        last_position_ = std::max(last_position_, slot->response.position());
      } else {
        for (int i = 0; i < slot->batch_response.results_size(); ++i) {
          const cti::v1::AppendBatchResult& r = slot->batch_response.results(i);
          if (r.code() != 0) {
            if (failed_++ == 0) first_error_ = absl::StrCat("code ", r.code(), ": ", r.message());
            continue;
          }
          ++acked_;
          bytes_ += slot->batch_request.events(i).ByteSizeLong();
          last_position_ = std::max(last_position_, r.appended().position());
        }
      }
    }
    if (status.ok()) {
      for (uint64_t i = slot->seq; i < slot->seq + slot->count; ++i) {
        timings_->ack_ns[i].store(now - timings_->send_ns[i]);
      }
    }
    StartNext(slot);
  }

  const LoadOptions& options_;
  Timings* timings_;
  const absl::Time deadline_;
  std::vector<std::unique_ptr<cti::v1::EventService::Stub>> stubs_;
  std::vector<Slot> slots_;
  std::atomic<uint64_t> next_seq_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  int active_ = 0;
  uint64_t acked_ = 0;
  uint64_t failed_ = 0;
  uint64_t bytes_ = 0;
  uint64_t last_position_ = 0;
  int64_t last_ack_ns_ = 0;
  std::string first_error_;
};

// An open-loop load: a pacing thread sends each append at its scheduled time.
class PacedLoad {
 public:
  PacedLoad(const LoadOptions& options, double rate, Timings* timings)
      : options_(options), rate_(rate), timings_(timings), calls_(options.events) {
    for (int c = 0; c < std::max(1, options.channels); ++c) {
      grpc::ChannelArguments args;
      args.SetInt("cti.bench.channel", c);  // Distinct channels, distinct connections.
      stubs_.push_back(
          cti::v1::EventService::NewStub(IdentityChannel(options.address, Admin(), &args)));
    }
  }

  void Run(LoadResult* result) {
    const int64_t start = MonoNanos();
    const double interval_ns = 1e9 / rate_;
    for (uint64_t seq = 0; seq < options_.events; ++seq) {
      const int64_t due = start + static_cast<int64_t>(interval_ns * static_cast<double>(seq));
      const int64_t wait = due - MonoNanos();
      if (wait > 0) absl::SleepFor(absl::Nanoseconds(wait));
      Call& call = calls_[seq];
      call.ctx = std::make_unique<grpc::ClientContext>();
      call.ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
      *call.request.mutable_event() = test_support::LoadCallEvent(
          kTenant, absl::StrCat(options_.id_prefix, seq), seq, options_.padding);
      timings_->send_ns[seq].store(due, std::memory_order_release);
      {
        std::lock_guard<std::mutex> lock(mu_);
        ++outstanding_;
      }
      stubs_[seq % stubs_.size()]->async()->Append(
          call.ctx.get(), &call.request, &call.response,
          [this, seq](grpc::Status status) { Done(seq, status); });
    }
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return outstanding_ == 0; });
    result->elapsed = absl::Nanoseconds(last_ack_ns_ - start);
    result->acked = acked_;
    result->failed = failed_;
    result->first_error = first_error_;
    result->last_position = last_position_;
    result->bytes = bytes_;
  }

 private:
  struct Call {
    std::unique_ptr<grpc::ClientContext> ctx;
    cti::v1::AppendRequest request;
    cti::v1::AppendResponse response;
  };

  void Done(uint64_t seq, const grpc::Status& status) {
    const int64_t now = MonoNanos();
    if (status.ok()) timings_->ack_ns[seq].store(now - timings_->send_ns[seq]);
    std::lock_guard<std::mutex> lock(mu_);
    last_ack_ns_ = std::max(last_ack_ns_, now);
    if (!status.ok()) {
      if (failed_++ == 0) first_error_ = test_support::Describe(status);
    } else {
      ++acked_;
      bytes_ += calls_[seq].request.event().ByteSizeLong();
      last_position_ = std::max(last_position_, calls_[seq].response.position());
    }
    if (--outstanding_ == 0) cv_.notify_all();
  }

  const LoadOptions& options_;
  const double rate_;
  Timings* timings_;
  std::vector<std::unique_ptr<cti::v1::EventService::Stub>> stubs_;
  std::vector<Call> calls_;
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t outstanding_ = 0;
  uint64_t acked_ = 0;
  uint64_t failed_ = 0;
  uint64_t bytes_ = 0;
  uint64_t last_position_ = 0;
  int64_t last_ack_ns_ = 0;
  std::string first_error_;
};

}  // namespace

LoadResult RunAppendLoad(const LoadOptions& options) {
  Timings timings(options.events);
  LoadResult result;
  std::optional<VisibilityWatcher> watcher;
  if (options.tenants.empty()) {
    watcher.emplace(options.address, CurrentEnd(options.address), options.id_prefix, &timings);
  }
  AsyncLoad load(options, &timings);
  load.Run(&result);
  if (watcher.has_value()) {
    watcher->WaitFor(result.last_position, absl::Seconds(60));
    result.subscriber_restarts = watcher->restarts();
  }
  Collect(timings, &result);
  return result;
}

LoadResult RunPacedLoad(const LoadOptions& options, double rate) {
  Timings timings(options.events);
  LoadResult result;
  VisibilityWatcher watcher(options.address, CurrentEnd(options.address), options.id_prefix,
                            &timings);
  PacedLoad load(options, rate, &timings);
  load.Run(&result);
  watcher.WaitFor(result.last_position, absl::Seconds(60));
  result.subscriber_restarts = watcher.restarts();
  Collect(timings, &result);
  return result;
}

LoadResult RunSerialLatency(const std::string& address, int samples, const std::string& prefix) {
  Timings timings(static_cast<uint64_t>(samples));
  LoadResult result;
  VisibilityWatcher watcher(address, CurrentEnd(address), prefix, &timings);
  test_support::CtiClient client(IdentityChannel(address, Admin()));
  const int64_t start = MonoNanos();
  for (int i = 0; i < samples; ++i) {
    const uint64_t seq = static_cast<uint64_t>(i);
    const cti::v1::Event event =
        test_support::LoadCallEvent(kTenant, absl::StrCat(prefix, seq), 900000000 + seq);
    timings.send_ns[seq].store(MonoNanos(), std::memory_order_release);
    absl::StatusOr<cti::v1::AppendResponse> r = client.Append(event);
    if (!r.ok()) {
      if (result.failed++ == 0) result.first_error = r.status().ToString();
      continue;
    }
    timings.ack_ns[seq].store(MonoNanos() - timings.send_ns[seq].load());
    ++result.acked;
    result.last_position = r->position();
    if (!watcher.WaitFor(r->position(), absl::Seconds(10))) {
      if (result.failed++ == 0) result.first_error = "record not visible within 10 s";
    }
  }
  result.elapsed = absl::Nanoseconds(MonoNanos() - start);
  result.subscriber_restarts = watcher.restarts();
  Collect(timings, &result);
  return result;
}

double Percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double rank = p / 100.0 * static_cast<double>(values.size() - 1);
  return values[static_cast<size_t>(std::llround(rank))];
}

}  // namespace cti::bench
