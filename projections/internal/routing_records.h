// Routing records: where the apply rules of apply_hours.cc and apply_routing.cc keep
// hours, groups, unit routing, distribution rules and hotlines, and how Route reads
// them back. All in the routing CF, under TenantPrefix(tenant) = T:
//
//   T 'h' unit_id                 -> state.UnitHoursRecord ("" = municipality defaults)
//   T 'k'                         -> cti.v1.ClosureDaysSet (the municipality's own days)
//   T 'g' group_id                -> cti.v1.Group
//   T 'R' group_id NUL user       -> "" (who uses the group: "unit:<id>", "hotline:<id>")
//   T 'r' unit_id                 -> cti.v1.UnitRoutingSet
//   T 'd' unit_id NUL folded task -> cti.v1.DistributionRulesSet
//   T 'D' folded task NUL unit_id -> "" (units with rules for a task)
//   T 'l' hotline_id              -> cti.v1.HotlineSet
//   T 'L' folded task NUL id      -> "" (hotlines of a task)
//
// And for presence, in the calendar CF beside the entries of apply_calendar.cc:
//   T 'a' employee_id NUL end(8 bytes BE, µs since 1970) entry_id -> CalendarEntryUpserted
// (entries by end, so "absent at T?" seeks to the first entry ending after T), and in
// the calls CF: T 'w' employee_id -> 8 bytes BE, µs of the employee's last call rung
// or answered (hunt groups' least-recent and round-robin order).
#ifndef CTI_PROJECTIONS_INTERNAL_ROUTING_RECORDS_H_
#define CTI_PROJECTIONS_INTERNAL_ROUTING_RECORDS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cti/v1/calendar.pb.h"
#include "cti/v1/hours.pb.h"
#include "cti/v1/routing_rules.pb.h"
#include "projections/internal/state.pb.h"
#include "projections/internal/txn.h"

namespace cti::projections::internal {

inline constexpr char kHoursTag = 'h';
inline constexpr char kClosureDaysTag = 'k';
inline constexpr char kGroupTag = 'g';
inline constexpr char kGroupUserTag = 'R';
inline constexpr char kUnitRoutingTag = 'r';
inline constexpr char kDistributionTag = 'd';
inline constexpr char kDistributionByTaskTag = 'D';
inline constexpr char kHotlineTag = 'l';
inline constexpr char kHotlineByTaskTag = 'L';
inline constexpr char kAbsenceTag = 'a';
inline constexpr char kLastCallTag = 'w';

// A task keyword as keys hold it: case-folded like search (æ ø å kept, "Aa" not
// merged), trimmed, inner white space collapsed.
std::string FoldTask(absl::string_view task);

// Readers. Each answers false when the record is absent.
absl::StatusOr<bool> LoadUnitHours(Txn& txn, absl::string_view t, absl::string_view unit_id,
                                   state::UnitHoursRecord* record);
absl::StatusOr<bool> LoadClosureDays(Txn& txn, absl::string_view t, cti::v1::ClosureDaysSet* days);
absl::StatusOr<bool> LoadGroup(Txn& txn, absl::string_view t, absl::string_view group_id,
                               cti::v1::Group* group);
absl::StatusOr<bool> LoadUnitRouting(Txn& txn, absl::string_view t, absl::string_view unit_id,
                                     cti::v1::UnitRoutingSet* routing);
absl::StatusOr<bool> LoadDistribution(Txn& txn, absl::string_view t, absl::string_view unit_id,
                                      absl::string_view task, cti::v1::DistributionRulesSet* set);

// The units with distribution rules for `task`, in unit_id order.
absl::StatusOr<std::vector<std::string>> UnitsWithDistribution(Txn& txn, absl::string_view t,
                                                               absl::string_view task);
// The hotlines of `task` (any period), in hotline_id order.
absl::StatusOr<std::vector<cti::v1::HotlineSet>> HotlinesOfTask(Txn& txn, absl::string_view t,
                                                                absl::string_view task);
// Who uses group `group_id` ("unit:<id>", "hotline:<id>"), in order.
absl::StatusOr<std::vector<std::string>> GroupUsers(Txn& txn, absl::string_view t,
                                                    absl::string_view group_id);

// Up to `limit` calendar entries of `employee_id` ending after `after`, by end.
absl::StatusOr<std::vector<cti::v1::CalendarEntryUpserted>> EntriesEndingAfter(
    Txn& txn, absl::string_view t, absl::string_view employee_id, absl::Time after, size_t limit);
// Every forwarding of `employee_id`, in forwarding_id order.
absl::StatusOr<std::vector<cti::v1::ForwardingSet>> ForwardingsOf(Txn& txn, absl::string_view t,
                                                                  absl::string_view employee_id);
// When `employee_id` was last rung or answered; InfinitePast() if never.
absl::StatusOr<absl::Time> LastCallOf(Txn& txn, absl::string_view t, absl::string_view employee_id);

// Keys, for the writers.
std::string AbsenceKey(absl::string_view t, const cti::v1::CalendarEntryUpserted& entry);
std::string LastCallKey(absl::string_view t, absl::string_view employee_id);

// Calls CF (apply_call.cc): T 'c' call_id -> state.Call; T 'n' call_id -> "" while the
// call is in progress (the live-calls index); T 't' employee_id NUL call_id -> "" while
// the employee talks on the call (answered by them, not yet transferred or ended): the
// busy index Route reads.
inline constexpr char kCallTag = 'c';
inline constexpr char kLiveCallTag = 'n';
inline constexpr char kTalkingTag = 't';
std::string CallKey(absl::string_view t, absl::string_view call_id);
std::string LiveCallKey(absl::string_view t, absl::string_view call_id);
std::string TalkingKey(absl::string_view t, absl::string_view employee_id,
                       absl::string_view call_id);
// A call `employee_id` is talking on now (the first by call id), or "" when none.
absl::StatusOr<std::string> TalkingOn(Txn& txn, absl::string_view t, absl::string_view employee_id);

}  // namespace cti::projections::internal

#endif  // CTI_PROJECTIONS_INTERNAL_ROUTING_RECORDS_H_
