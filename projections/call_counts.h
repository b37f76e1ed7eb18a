// CallCounts: calls counted per unit and local day (CallService.ListCallCounts; TP-3.6):
// offered, answered, abandoned and failed, all day and within phone hours, and the
// answer waits, as the call rules keep them (internal/call_counts_records.h).
//
// Reads one consistent snapshot of the store; cost grows with the units and days asked
// for, not with the calls. Answers use the cti.v1 messages but know nothing of gRPC.
#ifndef CTI_PROJECTIONS_CALL_COUNTS_H_
#define CTI_PROJECTIONS_CALL_COUNTS_H_

#include "absl/status/statusor.h"
#include "cti/v1/call_service.pb.h"
#include "projections/store.h"

namespace cti::projections {

// Thread safety: safe to use from many threads at once.
class CallCounts {
 public:
  // Days one request may span.
  static constexpr int kMaxDays = 366;

  // `store` must outlive the view.
  explicit CallCounts(const Store* store) : store_(store) {}

  // See CallService.ListCallCounts. INVALID_ARGUMENT naming the field for a missing
  // tenant, a day not YYYY-MM-DD, to_day before from_day or more than kMaxDays days;
  // NOT_FOUND naming unit_id when never defined. The answer's position is left 0.
  absl::StatusOr<cti::v1::ListCallCountsResponse> List(
      const cti::v1::ListCallCountsRequest& request) const;

 private:
  const Store* store_;
};

}  // namespace cti::projections

#endif  // CTI_PROJECTIONS_CALL_COUNTS_H_
