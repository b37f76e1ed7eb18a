// PresenceView: what reception is told about employees at an instant (presence.proto;
// TP-3.7 calendars say who is available, TP-6.3 reception tells the caller): free, on a
// call, tentative, absent until when, or left — and the switchboard snapshot (calls in
// progress plus availability) a dashboard starts from.
//
// Availability follows Route's reading of the calendar (route_context.h: PresenceOf)
// and the busy index of calls in progress (apply_call.cc), so the console and Route
// never disagree. Each call reads one consistent snapshot of the store. Knows nothing of
// gRPC; uses the cti.v1 messages.
//
// Thread safety: safe to use from many threads at once.
#ifndef CTI_PROJECTIONS_PRESENCE_H_
#define CTI_PROJECTIONS_PRESENCE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "cti/v1/presence.pb.h"
#include "projections/store.h"

namespace cti::projections {

class PresenceView {
 public:
  // `store` must outlive the view; `zone` is the municipality's (Europe/Copenhagen).
  PresenceView(const Store* store, absl::TimeZone zone) : store_(store), zone_(zone) {}

  // The availability at `at` of each of `employee_ids` of `tenant`, in the order given.
  // INVALID_ARGUMENT for a missing tenant; NOT_FOUND naming employee_ids[i] when never
  // hired (someone who left answers LEFT).
  absl::StatusOr<std::vector<cti::v1::EmployeeAvailability>> Of(
      const std::string& tenant, absl::Span<const std::string> employee_ids, absl::Time at) const;

  // Scope of a switchboard snapshot: at most one of unit_id and employee_id.
  struct Scope {
    std::string tenant;
    std::string unit_id;
    std::string employee_id;
  };
  // The calls in progress and the availability at `at` of the employees in `scope`, read
  // at the applied position of `partition` (the tenant's log partition), which the
  // answer's position field names. INVALID_ARGUMENT for a missing tenant or both ids;
  // NOT_FOUND naming unit_id or employee_id when never defined.
  absl::StatusOr<cti::v1::SwitchboardSnapshot> Switchboard(const Scope& scope, int partition,
                                                           absl::Time at) const;

 private:
  const Store* store_;
  absl::TimeZone zone_;
};

}  // namespace cti::projections

#endif  // CTI_PROJECTIONS_PRESENCE_H_
