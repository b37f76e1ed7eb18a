// Reading the log's history through the projections: the time index (recorded_at ->
// position, kept by the Projector in the `logindex` family) and the outcomes of the
// records the projector rejected. For AuditService.Replay; the Kafka test broker cannot
// answer offsetsForTimes, and the index is the same for every backend.
//
// Both read the latest committed state: only positions at or below the store's applied
// position are answered for. Safe concurrently with the projector.
#ifndef CTI_PROJECTIONS_LOG_INDEX_H_
#define CTI_PROJECTIONS_LOG_INDEX_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cti/v1/event.pb.h"
#include "projections/store.h"

namespace cti::projections {

// The first applied position of `partition` that the log recorded in the second of `t`
// or later, by the index: the index keeps, for each second, the first position at which
// the running maximum of recorded_at reached it (so with a clock that never steps back,
// every record before the answer was recorded before that second). The caller checks
// records against `t` exactly. Answers the applied position + 1 when no applied record
// reached that second (nothing applied yet: 1).
absl::StatusOr<uint64_t> FirstPositionFrom(const Store& store, int partition, absl::Time t);

// The rejected records of `partition` among positions [from, to] with their outcomes,
// in position order (every other applied position in the range was accepted).
// REQUIRES: to <= store.AppliedPosition(partition).
absl::StatusOr<std::vector<std::pair<uint64_t, cti::v1::ApplyOutcome>>> RejectedBetween(
    const Store& store, int partition, uint64_t from, uint64_t to);

}  // namespace cti::projections

#endif  // CTI_PROJECTIONS_LOG_INDEX_H_
