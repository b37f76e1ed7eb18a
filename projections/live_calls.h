// LiveCalls: the switchboard's view of the calls in progress (CallService.ListLiveCalls;
// TP-3.6, TP-6.1, TP-6.3): every call offered and not yet ended, abandoned or failed, where it
// stands (waiting, ringing, talking) and where, with counts per unit and employee.
//
// Reads one consistent snapshot of the store per call: the live-calls index (calls
// family, T 'n' call_id, kept by apply_call.cc) and each call's state, so its cost grows
// with the calls in progress, not with the calls ever made. Answers use the cti.v1
// request and response messages but know nothing of gRPC.
#ifndef CTI_PROJECTIONS_LIVE_CALLS_H_
#define CTI_PROJECTIONS_LIVE_CALLS_H_

#include "absl/status/statusor.h"
#include "cti/v1/call_service.pb.h"
#include "projections/store.h"

namespace cti::projections {

// Thread safety: safe to use from many threads at once.
class LiveCalls {
 public:
  // `store` must outlive the view.
  explicit LiveCalls(const Store* store) : store_(store) {}

  // See CallService.ListLiveCalls. INVALID_ARGUMENT for a missing tenant or both
  // unit_id and employee_id; NOT_FOUND naming the unit or employee when never defined.
  // The position field of the answer is left 0 (the caller knows it).
  absl::StatusOr<cti::v1::ListLiveCallsResponse> List(
      const cti::v1::ListLiveCallsRequest& request) const;

 private:
  const Store* store_;
};

}  // namespace cti::projections

#endif  // CTI_PROJECTIONS_LIVE_CALLS_H_
