// Projector: folds log records into the Store, deterministically and exactly once.
//
// Operation: Apply() runs every record through the same rules as Validate() (one set of
// rules for command time and apply time), collects the changes of a whole batch in one
// rocksdb::WriteBatch together with the new checkpoint, and writes it in one step. A
// record that breaks a rule is kept in the log, recorded as rejected with its reason,
// and changes nothing. Records at or below the checkpoint are skipped, so a batch may be
// re-applied after a crash.
// Concurrency: one thread calls Apply at a time; queries may read concurrently.
#ifndef CTI_PROJECTIONS_PROJECTOR_H_
#define CTI_PROJECTIONS_PROJECTOR_H_

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "cti/v1/event.pb.h"
#include "projections/store.h"

namespace cti::projections {

namespace internal {
struct ApplyScratch;
}  // namespace internal

class Projector {
 public:
  // `store` must outlive the projector.
  explicit Projector(Store* store);
  ~Projector();
  Projector(const Projector&) = delete;
  Projector& operator=(const Projector&) = delete;

  // Applies `records` of `partition` in order and returns one outcome per record (a
  // skipped, already-applied record gets an outcome read back from the store).
  // REQUIRES: positions strictly increasing. Errors only for storage failures (the
  // batch is then not applied at all); rule violations are outcomes, not errors.
  absl::StatusOr<std::vector<cti::v1::ApplyOutcome>> Apply(
      int partition, absl::Span<const cti::v1::LogRecord> records);
  // Apply, for records held elsewhere (e.g. on a log reader's arena).
  absl::StatusOr<std::vector<cti::v1::ApplyOutcome>> ApplyPointers(
      int partition, absl::Span<const cti::v1::LogRecord* const> records);

 private:
  template <typename At>
  absl::StatusOr<std::vector<cti::v1::ApplyOutcome>> ApplyRecords(int partition, size_t n, At at);

  Store* store_;
  // Buffers reused from batch to batch (keys, batched reads, the write batch).
  std::unique_ptr<internal::ApplyScratch> scratch_;
};

// Checks `event` against the current state of `store` with the rules Apply uses, without
// changing anything. OK means Apply would accept it now. Errors: INVALID_ARGUMENT naming
// the field (and TP rule), NOT_FOUND naming the missing record, FAILED_PRECONDITION
// naming the conflict.
absl::Status Validate(const Store& store, const cti::v1::Event& event);

}  // namespace cti::projections

#endif  // CTI_PROJECTIONS_PROJECTOR_H_
