// FanOutClient: one client following many EventService.Subscribe streams on one
// completion queue and one thread, as a dashboard gateway (the web console's bridge)
// would. Used by the switchboard stream test and by fanout_bench (which runs it in a
// process of its own); knows nothing of GoogleTest.
//
// Records, per stream, the position of every record received, and for every record its
// delivery delay: the time it arrived here minus its recorded_at (the server's clock
// when it was appended; both clocks are this machine's). With `resume`, a stream the
// server ends with RESOURCE_EXHAUSTED ("subscriber fell behind") is opened again after
// the last position it received, as a dashboard would, and the resumption counted.
//
// Thread safety: Start, then ReadAll on one thread; the accessors after ReadAll returns.
#ifndef CTI_SERVER_TESTING_FAN_OUT_CLIENT_H_
#define CTI_SERVER_TESTING_FAN_OUT_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "cti/v1/event_service.grpc.pb.h"

namespace cti::server::testing {

class FanOutClient {
 public:
  // Makes a context for each stream (its deadline bounds the stream; identity headers
  // as the server wants them).
  using ContextFactory = std::function<std::unique_ptr<grpc::ClientContext>()>;

  // `streams` streams of `request`, spread over `channels` in turn. ReadAll stops once
  // every stream has received a record at or past `last`.
  FanOutClient(const std::vector<std::shared_ptr<grpc::Channel>>& channels, int streams,
               const cti::v1::SubscribeRequest& request, uint64_t last,
               const ContextFactory& new_context, bool resume = false);
  ~FanOutClient();
  FanOutClient(const FanOutClient&) = delete;
  FanOutClient& operator=(const FanOutClient&) = delete;

  // Starts every stream and waits until the server has registered each (it sends the
  // initial metadata once it has). An error names the first stream that did not start.
  absl::Status Start();
  // Reads until every stream has seen `last` or ended; then cancels them all and
  // collects how each ended.
  void ReadAll();

  int streams() const { return static_cast<int>(subs_.size()); }
  // The positions stream `i` received, in arrival order.
  const std::vector<uint64_t>& positions(int i) const { return subs_[i]->positions; }
  // How stream `i` ended: "<code> <message>".
  std::string ended(int i) const;
  // Streams that received every position after `after` through `last`, in order, once
  // each; the first one that did not, described, in *first_problem.
  int Complete(uint64_t after, std::string* first_problem) const;
  // Every record's delivery delay in microseconds (all streams; unsorted).
  const std::vector<double>& delays_us() const { return delays_us_; }
  // Times a stream was opened again after the server ended it for falling behind.
  int resumes() const { return resumes_; }

 private:
  // Where a stream's next completion-queue event belongs.
  enum class Phase { kStarting, kMetadata, kReading, kFinishing };
  struct Sub {
    std::unique_ptr<cti::v1::EventService::Stub> stub;
    std::unique_ptr<grpc::ClientContext> context;
    std::unique_ptr<grpc::ClientAsyncReader<cti::v1::SubscribeResponse>> reader;
    cti::v1::SubscribeResponse response;
    std::vector<uint64_t> positions;
    Phase phase = Phase::kStarting;
    bool complete = false;
    grpc::Status status;
  };
  // Opens `sub`'s call (again) with `request`; its events then come to the queue.
  void Open(Sub* sub, const cti::v1::SubscribeRequest& request);
  grpc::CompletionQueue cq_;
  std::vector<std::unique_ptr<Sub>> subs_;
  const uint64_t last_;
  const cti::v1::SubscribeRequest request_;
  const ContextFactory new_context_;
  const bool resume_;
  int resumes_ = 0;
  std::vector<double> delays_us_;
};

}  // namespace cti::server::testing

#endif  // CTI_SERVER_TESTING_FAN_OUT_CLIENT_H_
