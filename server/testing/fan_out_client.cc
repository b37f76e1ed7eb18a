#include "server/testing/fan_out_client.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace cti::server::testing {

FanOutClient::FanOutClient(const std::vector<std::shared_ptr<grpc::Channel>>& channels, int streams,
                           const cti::v1::SubscribeRequest& request, uint64_t last,
                           const ContextFactory& new_context, bool resume)
    : last_(last), request_(request), new_context_(new_context), resume_(resume) {
  for (int i = 0; i < streams; ++i) {
    auto sub = std::make_unique<Sub>();
    sub->stub = cti::v1::EventService::NewStub(channels[i % channels.size()]);
    subs_.push_back(std::move(sub));
  }
}

FanOutClient::~FanOutClient() {
  for (auto& sub : subs_) {
    if (sub->context != nullptr) sub->context->TryCancel();
  }
  cq_.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (cq_.Next(&tag, &ok)) {
  }
}

void FanOutClient::Open(Sub* sub, const cti::v1::SubscribeRequest& request) {
  sub->context = new_context_();
  sub->reader = sub->stub->PrepareAsyncSubscribe(sub->context.get(), request, &cq_);
  sub->phase = Phase::kStarting;
  sub->reader->StartCall(sub);
}

absl::Status FanOutClient::Start() {
  for (auto& sub : subs_) Open(sub.get(), request_);
  // Two events per stream: the call started, then its initial metadata arrived.
  for (size_t events = 0; events < 2 * subs_.size(); ++events) {
    void* tag = nullptr;
    bool ok = false;
    if (!cq_.Next(&tag, &ok)) return absl::InternalError("completion queue shut down");
    Sub* sub = static_cast<Sub*>(tag);
    if (!ok) {
      return absl::UnavailableError(
          absl::StrCat("stream ", sub - subs_.front().get(), " did not start"));
    }
    if (sub->phase == Phase::kStarting) {
      sub->phase = Phase::kMetadata;
      sub->reader->ReadInitialMetadata(sub);
    } else {
      sub->phase = Phase::kReading;
      sub->reader->Read(&sub->response, sub);
    }
  }
  return absl::OkStatus();
}

void FanOutClient::ReadAll() {
  size_t complete = 0;
  size_t open = subs_.size();
  while (open > 0) {
    void* tag = nullptr;
    bool ok = false;
    if (!cq_.Next(&tag, &ok)) break;
    Sub* sub = static_cast<Sub*>(tag);
    if (sub->phase == Phase::kFinishing) {
      if (resume_ && !sub->complete &&
          sub->status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
        // Fell behind: open again after the last position received.
        cti::v1::SubscribeRequest again = request_;
        again.clear_from_now();
        again.clear_snapshot();
        again.set_after_position(sub->positions.empty() ? request_.after_position()
                                                        : sub->positions.back());
        ++resumes_;
        Open(sub, again);
      } else {
        --open;
      }
      continue;
    }
    if (!ok) {
      sub->phase = Phase::kFinishing;
      sub->reader->Finish(&sub->status, sub);
      continue;
    }
    if (sub->phase == Phase::kStarting) {
      sub->phase = Phase::kMetadata;
      sub->reader->ReadInitialMetadata(sub);
      continue;
    }
    if (sub->phase == Phase::kReading) {
      const absl::Time now = absl::Now();
      const auto take = [&](const cti::v1::LogRecord& r) {
        sub->positions.push_back(r.position());
        const google::protobuf::Timestamp& at = r.event().recorded_at();
        const absl::Time recorded =
            absl::FromUnixSeconds(at.seconds()) + absl::Nanoseconds(at.nanos());
        delays_us_.push_back(absl::ToDoubleMicroseconds(now - recorded));
      };
      if (sub->response.has_record()) take(sub->response.record());
      for (const auto& r : sub->response.batch().records()) take(r);
      if (!sub->complete && !sub->positions.empty() && sub->positions.back() >= last_) {
        sub->complete = true;
        if (++complete == subs_.size()) {
          for (auto& s : subs_) s->context->TryCancel();
        }
      }
    }
    sub->phase = Phase::kReading;
    sub->reader->Read(&sub->response, sub);
  }
}

std::string FanOutClient::ended(int i) const {
  return absl::StrCat(subs_[i]->status.error_code(), " ", subs_[i]->status.error_message());
}

int FanOutClient::Complete(uint64_t after, std::string* first_problem) const {
  int complete = 0;
  for (size_t i = 0; i < subs_.size(); ++i) {
    const std::vector<uint64_t>& got = subs_[i]->positions;
    std::string problem;
    for (size_t j = 0; j < got.size() && problem.empty(); ++j) {
      if (got[j] != after + 1 + j) {
        problem =
            absl::StrCat("stream ", i, ": expected position ", after + 1 + j, ", got ", got[j]);
      }
    }
    if (problem.empty() && got.size() != last_ - after) {
      problem = absl::StrCat("stream ", i, ": received ", got.size(), " of ", last_ - after,
                             " records, ended: ", ended(static_cast<int>(i)));
    }
    if (problem.empty()) {
      ++complete;
    } else if (first_problem != nullptr && first_problem->empty()) {
      *first_problem = problem;
    }
  }
  return complete;
}

}  // namespace cti::server::testing
