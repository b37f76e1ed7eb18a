// What one Route call shares between its steps: the read view, the instant, the zone
// and holidays, and the answer being built. Internal to projections/route/.
#ifndef CTI_PROJECTIONS_ROUTE_ROUTE_CONTEXT_H_
#define CTI_PROJECTIONS_ROUTE_ROUTE_CONTEXT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cti/v1/calendar.pb.h"
#include "cti/v1/route_service.pb.h"
#include "cti/v1/staff.pb.h"
#include "projections/hours/holidays.h"
#include "projections/hours/hours.h"
#include "projections/internal/txn.h"

namespace cti::projections::route {

// Steps a route may hold before the final reception step; deeper chains of
// forwardings are cut (and said so).
inline constexpr int kMaxSteps = 12;
// Default seconds to ring an employee or a group member.
inline constexpr uint32_t kDefaultRingSeconds = 20;
// Calendar entries looked at per employee (those ending after the instant).
inline constexpr size_t kMaxEntriesPerEmployee = 64;

struct RouteContext {
  internal::Txn& txn;
  std::string t;  // TenantPrefix(tenant)
  absl::Time at;
  absl::TimeZone zone;
  cti::hours::HolidayCalendar holidays;
  cti::v1::RouteResponse* response;
  // Employees and units already routed to in this answer (forwarding loops).
  absl::flat_hash_set<std::string> visited;

  // Adds a reason citing `rule` and, when given, one deciding record.
  void Reason(absl::string_view rule, std::string text, absl::string_view record_kind = "",
              absl::string_view record_id = "", absl::string_view owner_id = "",
              int64_t version = 0);
  // Adds a step (unless kMaxSteps is reached: then false).
  cti::v1::RouteStep* Step(cti::v1::StepKind kind);
  // Local time for people: "mandag 1. dec. kl. 8.00" style, Danish.
  std::string LocalDa(absl::Time t) const;
  // "HH:MM" local.
  std::string Clock(absl::Time t) const;
};

// Whether an employee can take a call at ctx.at, from the calendar (TP-3.7).
struct Presence {
  bool available = true;
  bool tentative = false;  // a tentative entry covers the instant: ring briefly
  // The entry that makes them unavailable (or tentative).
  std::optional<cti::v1::CalendarEntryUpserted> entry;
  // When absent: the end of the run of busy entries covering the instant.
  absl::Time available_from = absl::InfinitePast();
};
absl::StatusOr<Presence> PresenceOf(RouteContext& ctx, absl::string_view employee_id);

// The forwarding of `employee_id` with `condition` in force at ctx.at, if any.
absl::StatusOr<std::optional<cti::v1::ForwardingSet>> ForwardingOf(
    RouteContext& ctx, absl::string_view employee_id, cti::v1::ForwardingCondition condition);

// A unit's phone hours at ctx.at, its hours inherited from parents and the
// municipality when it has none of its own (TP-3.4, TP-3.8, TP-3.10).
// Answers point into `hours` (string_views, a reduction pointer): the struct stays where
// PhoneHoursOf filled it, it is neither copied nor moved.
struct UnitPhoneHours {
  UnitPhoneHours() = default;
  UnitPhoneHours(const UnitPhoneHours&) = delete;
  UnitPhoneHours& operator=(const UnitPhoneHours&) = delete;
  cti::hours::UnitHours hours;
  std::string hours_owner;  // the unit whose weekly phone hours apply; "" = municipality
  cti::hours::OpenAnswer now;
  std::optional<cti::hours::Opening> next;  // when closed
};
absl::Status PhoneHoursOf(RouteContext& ctx, const cti::v1::Unit& unit, UnitPhoneHours* out);

// The reason `unit` is closed now: the deciding record (weekly hours, holiday with its
// name, closure, ...) and the next opening (TP-3.14). REQUIRES: !hours.now.open.
void ReasonClosed(RouteContext& ctx, const cti::v1::Unit& unit, const UnitPhoneHours& hours);

// Fills tell_caller's unit part and hours for `unit` (TP-6.3, TP-3.14).
void TellUnit(RouteContext& ctx, const cti::v1::Unit& unit, const UnitPhoneHours& hours);

// Routes a call for the employee / unit at ctx.at, appending steps and reasons. `depth`
// counts forwardings followed. Never adds the final reception step.
absl::Status RouteEmployee(RouteContext& ctx, const cti::v1::Employee& employee, int depth);
absl::Status RouteUnit(RouteContext& ctx, const cti::v1::Unit& unit, int depth);

// Appends the group's members available at ctx.at, in ring order, as a group step of
// `kind` (RING_GROUP / HUNT_GROUP / HOTLINE). False when no member is available.
absl::StatusOr<bool> AddGroupStep(RouteContext& ctx, const cti::v1::Group& group,
                                  cti::v1::StepKind kind, absl::string_view why,
                                  absl::string_view rule);

// The last step: reception takes a message with a callback promise (TP-6.2, TP-4.3).
void AddReceptionStep(RouteContext& ctx, absl::string_view for_whom);

}  // namespace cti::projections::route

#endif  // CTI_PROJECTIONS_ROUTE_ROUTE_CONTEXT_H_
