// Callbacks: the callbacks promised to citizens (CallService.ListCallbacks; TP-4.3,
// TP-3.14): the open ones by due time, those overdue at an instant, those completed in
// a window; for the tenant, a unit or an employee.
//
// Reads one consistent snapshot per call: the open-callbacks index (calls family,
// T 'p' 'o' due callback_id) or the completed one (T 'p' 'c' completed callback_id),
// kept by apply_callback.cc, and each callback's state. Its cost grows with the open
// callbacks (or those completed in the window), not with all ever promised. Answers use
// the cti.v1 request and response messages but know nothing of gRPC or the clock.
//
// Example:
//   cti::v1::ListCallbacksRequest request;
//   request.set_tenant("demo");
//   request.set_filter(cti::v1::CALLBACK_FILTER_OVERDUE);
//   absl::StatusOr<cti::v1::ListCallbacksResponse> overdue =
//       Callbacks(store, zone).List(request, clock->Now());
#ifndef CTI_PROJECTIONS_CALLBACKS_H_
#define CTI_PROJECTIONS_CALLBACKS_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cti/v1/call_service.pb.h"
#include "projections/store.h"

namespace cti::projections {

// Most callbacks in one answer.
inline constexpr uint32_t kDefaultCallbackLimit = 500;
inline constexpr uint32_t kMaxCallbackLimit = 5000;

// Thread safety: safe to use from many threads at once.
class Callbacks {
 public:
  // `store` must outlive the view; `zone` is the municipality's (the completed window's
  // default start is local midnight there).
  Callbacks(const Store* store, absl::TimeZone zone) : store_(store), zone_(zone) {}

  // See CallService.ListCallbacks. `now` stands in for an unset request.at. Errors:
  // INVALID_ARGUMENT naming the field (tenant, unit_id/employee_id, filter, at,
  // completed_since, limit); NOT_FOUND naming a unit or employee never defined. The
  // position field of the answer is left 0 (the caller knows it).
  absl::StatusOr<cti::v1::ListCallbacksResponse> List(const cti::v1::ListCallbacksRequest& request,
                                                      absl::Time now) const;

 private:
  const Store* store_;
  absl::TimeZone zone_;
};

}  // namespace cti::projections

#endif  // CTI_PROJECTIONS_CALLBACKS_H_
