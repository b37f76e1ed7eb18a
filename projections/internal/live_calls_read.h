// The live-calls query on a given read view, for queries that combine it with other
// reads of the same snapshot (LiveCalls, PresenceView::Switchboard).
#ifndef CTI_PROJECTIONS_INTERNAL_LIVE_CALLS_READ_H_
#define CTI_PROJECTIONS_INTERNAL_LIVE_CALLS_READ_H_

#include "absl/status/statusor.h"
#include "cti/v1/call_service.pb.h"
#include "projections/internal/txn.h"

namespace cti::projections::internal {

// LiveCalls::List (live_calls.h) read through `txn`. REQUIRES: request.tenant() is set.
absl::StatusOr<cti::v1::ListLiveCallsResponse> ListLiveCallsIn(
    Txn& txn, const cti::v1::ListLiveCallsRequest& request);

}  // namespace cti::projections::internal

#endif  // CTI_PROJECTIONS_INTERNAL_LIVE_CALLS_READ_H_
