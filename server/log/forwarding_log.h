// ForwardingLog: an EventLog that passes every call to another one, for tests that wrap
// a backend to change one thing (hold its readers back, own a mock cluster beside it).
// A subclass overrides what it changes.
#ifndef CTI_SERVER_LOG_FORWARDING_LOG_H_
#define CTI_SERVER_LOG_FORWARDING_LOG_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "server/log/event_log.h"

namespace cti::log {

// Thread-safe as the wrapped log is.
class ForwardingLog : public EventLog {
 public:
  // `inner` may be set later (set_inner) but before any other call.
  explicit ForwardingLog(std::unique_ptr<EventLog> inner = nullptr) : inner_(std::move(inner)) {}

  std::string_view backend_name() const override { return inner_->backend_name(); }
  std::string identity() const override { return inner_->identity(); }
  int partition_count() const override { return inner_->partition_count(); }
  int PartitionOf(std::string_view tenant) const override { return inner_->PartitionOf(tenant); }
  void AppendAsync(cti::v1::Event event, AppendCallback done) override {
    inner_->AppendAsync(std::move(event), std::move(done));
  }
  absl::StatusOr<uint64_t> EndPosition(int partition) override {
    return inner_->EndPosition(partition);
  }
  absl::StatusOr<std::unique_ptr<LogReader>> OpenReader(int partition, uint64_t from) override {
    return inner_->OpenReader(partition, from);
  }
  absl::StatusOr<std::vector<uint64_t>> Checkpoint(const std::string& dir) override {
    return inner_->Checkpoint(dir);
  }

 protected:
  void set_inner(std::unique_ptr<EventLog> inner) { inner_ = std::move(inner); }
  // Destroys the wrapped log now (e.g. before what it connects to goes away).
  void reset_inner() { inner_.reset(); }

 private:
  std::unique_ptr<EventLog> inner_;
};

}  // namespace cti::log

#endif  // CTI_SERVER_LOG_FORWARDING_LOG_H_
