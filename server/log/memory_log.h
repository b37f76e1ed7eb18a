// MemoryLog: an EventLog held in memory, for unit tests of the modules that use the log
// (projector, services, subscribe). Same contract as the durable backends: per-partition
// dense 1-based positions, recorded_at from the injected clock and never decreasing,
// idempotency on (tenant, event_id), readers that wait for appends. "Durable" means
// "stored in this object": everything is gone when it is destroyed.
//
// Partitions. Any number; a tenant's partition is a stable hash of its name (the same
// in every process and run), so tests with several partitions are deterministic.
//
// Concurrency. All methods are thread-safe. Appends are serialized by one mutex (there
// is no group commit to do); AppendAsync answers on the calling thread before it
// returns. Readers may outlive the log; they then answer UNAVAILABLE.
//
// Faults. InjectAppendError makes appends fail, so that callers' error paths can be
// tested.
//
// Example:
//   cti::SimulatedClock clock(absl::FromUnixSeconds(1700000000));
//   cti::log::MemoryLog log(&clock);
//   absl::StatusOr<cti::log::AppendResult> result = log.Append(event);
#ifndef CTI_SERVER_LOG_MEMORY_LOG_H_
#define CTI_SERVER_LOG_MEMORY_LOG_H_

#include <cstdint>
#include <memory>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/clock.h"
#include "server/log/event_log.h"

namespace cti::log {

namespace internal {
struct MemoryShared;
}  // namespace internal

class MemoryLog final : public EventLog {
 public:
  // `clock` is not owned and must outlive the log. REQUIRES: partition_count >= 1.
  explicit MemoryLog(cti::Clock* clock, int partition_count = 1);
  // Readers still open answer UNAVAILABLE "log closed" from now on.
  ~MemoryLog() override;

  MemoryLog(const MemoryLog&) = delete;
  MemoryLog& operator=(const MemoryLog&) = delete;

  std::string_view backend_name() const override { return "memory"; }
  int partition_count() const override { return partition_count_; }
  // format::StableHash64(tenant) modulo partition_count().
  int PartitionOf(std::string_view tenant) const override;
  // Appends at once and calls `done` on the calling thread before returning.
  void AppendAsync(cti::v1::Event event, AppendCallback done) override;
  absl::StatusOr<uint64_t> EndPosition(int partition) override;
  absl::StatusOr<std::unique_ptr<LogReader>> OpenReader(int partition, uint64_t from) override;

  // Until called again with absl::OkStatus(), every Append fails with `status` and
  // appends nothing (as when the disk is full: no record of the call remains).
  void InjectAppendError(absl::Status status);

 private:
  absl::StatusOr<AppendResult> AppendNow(cti::v1::Event event);

  const int partition_count_;
  cti::Clock* const clock_;
  const std::shared_ptr<internal::MemoryShared> shared_;
};

}  // namespace cti::log

#endif  // CTI_SERVER_LOG_MEMORY_LOG_H_
