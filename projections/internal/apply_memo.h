// ApplyMemo: what the rules may reuse between the events of one batch of the projector
// (Projector::Apply), so that a call offered need not resolve its unit's phone hours
// again: per tenant and unit, the hours and the tenant's holidays as the store holds
// them, and the last answer "open?" with the span of instants that get the same answer
// and the same local day.
//
// Valid only while nothing they derive from changes: ApplyEvent clears the memo before
// every event that is neither a call nor a calendar event (staff and routing records:
// units, hours, closure days), applied or rejected. Validate passes none.
// Thread-compatible: one batch, one thread.
#ifndef CTI_PROJECTIONS_INTERNAL_APPLY_MEMO_H_
#define CTI_PROJECTIONS_INTERNAL_APPLY_MEMO_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "projections/hours/holidays.h"
#include "projections/internal/unit_hours.h"

namespace cti::projections::internal {

struct ApplyMemo {
  // A unit's phone hours (key: tenant prefix NUL unit_id) and the last answer for it:
  // every instant in [from, until) is `open` or not alike and falls on `day`.
  struct UnitHours {
    ResolvedUnitHours resolved;
    absl::Time from = absl::InfiniteFuture();
    absl::Time until = absl::InfinitePast();
    bool open = false;
    std::string day;  // YYYY-MM-DD, local
  };

  void Clear() {
    units.clear();
    holidays.clear();
  }

  // Node-stable values: answers point into them while they live.
  absl::flat_hash_map<std::string, std::unique_ptr<UnitHours>> units;
  // The tenant's public holidays and closure days (key: tenant prefix).
  absl::flat_hash_map<std::string, std::unique_ptr<cti::hours::HolidayCalendar>> holidays;
};

}  // namespace cti::projections::internal

#endif  // CTI_PROJECTIONS_INTERNAL_APPLY_MEMO_H_
