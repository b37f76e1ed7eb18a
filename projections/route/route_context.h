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
#include "projections/route_cache.h"

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
  cti::v1::RouteResponse* response;
  // Parsed records shared between calls (may be null), the tenant's partition, and the
  // version this call may use (none: read the snapshot only). See route_cache.h.
  RouteCache* cache = nullptr;
  int partition = 0;
  std::optional<uint64_t> version;
  // Public holidays and the municipality's closure days (set by Router::Route).
  std::shared_ptr<const cti::hours::HolidayCalendar> holidays;
  // Employees and units already routed to in this answer (forwarding loops).
  absl::flat_hash_set<std::string> visited;
  // How long this answer holds, for the answer cache (RouteCache::FindAnswer): every
  // time-bound record the call consults reports, through ChangesAt, the instants after
  // `at` at which it may decide differently (an entry's start or end, a forwarding's
  // dates, the next hours change, a hotline's end); the answer is the same for every
  // instant in [at, valid_until) at the same routing version.
  absl::Time valid_until = absl::InfiniteFuture();
  // True when the answer read call state, which changes without a staff or calendar
  // record (the last calls of a round-robin or least-recent hunt group): it is reused
  // only while no call record has been applied since (RouteCache::CallsVersionFor).
  bool reads_calls = false;
  // True when the call asks for now (RouteRequest.at unset): only then does an employee
  // on a call count as busy; live call state has no past or future.
  bool live = false;
  // The busy state the answer read (RouteCache generation keys, see OnCallOf): it is
  // reused only while none of them changed.
  std::vector<std::string> busy_keys = {};
  // The tenant (as in the request; `t` is its key prefix).
  std::string tenant = {};
  // Set for an answer about the past (Router::RouteAsOf): the log position whose state
  // `txn` reads; queries outside `txn` (the directory's search) must read as of it too.
  std::optional<uint64_t> as_of = std::nullopt;

  // Notes that what the call read may decide differently from `when` on.
  void ChangesAt(absl::Time when) {
    if (when > at && when < valid_until) valid_until = when;
  }

  // Adds a reason citing `rule` and, when given, one deciding record.
  void Reason(absl::string_view rule, std::string text, absl::string_view record_kind = "",
              absl::string_view record_id = "", absl::string_view owner_id = "",
              int64_t record_version = 0);
  // Adds a step (unless kMaxSteps is reached: then false).
  cti::v1::RouteStep* Step(cti::v1::StepKind kind);
  // Local time for people: "mandag 1. dec. kl. 8.00" style, Danish.
  std::string LocalDa(absl::Time t) const;
  // "HH:MM" local.
  std::string Clock(absl::Time t) const;
};

// An absence kind in words: Danish for callers ("i møde", "syg"), English for reasons.
const char* AbsenceDa(cti::v1::AbsenceKind kind);
const char* AbsenceEn(cti::v1::AbsenceKind kind);

// Reads through the cache (route_cache.h): the record under `key` as `load` reads it
// from the snapshot, shared with other calls of the same version. `load` answers a null
// pointer for an absent record.
template <typename T, typename Load>
absl::StatusOr<std::shared_ptr<const T>> Cached(RouteContext& ctx, const std::string& key,
                                                Load load) {
  if (ctx.cache != nullptr && ctx.version.has_value()) {
    if (std::optional<std::shared_ptr<const T>> found =
            ctx.cache->Find<T>(ctx.partition, *ctx.version, key)) {
      return *std::move(found);
    }
  }
  absl::StatusOr<std::shared_ptr<const T>> loaded = load();
  if (loaded.ok() && ctx.cache != nullptr && ctx.version.has_value()) {
    ctx.cache->Put<T>(ctx.partition, *ctx.version, key, *loaded);
  }
  return loaded;
}

// The records Route reads, through the cache; each answers false when absent.
absl::StatusOr<bool> LoadEmployee(RouteContext& ctx, absl::string_view id,
                                  cti::v1::Employee* employee);
absl::StatusOr<bool> LoadUnit(RouteContext& ctx, absl::string_view id, cti::v1::Unit* unit);
absl::StatusOr<bool> LoadGroup(RouteContext& ctx, absl::string_view id, cti::v1::Group* group);
absl::StatusOr<bool> LoadUnitRouting(RouteContext& ctx, absl::string_view unit_id,
                                     cti::v1::UnitRoutingSet* routing);
// The employee id with `extension`; empty when none.
absl::StatusOr<std::string> EmployeeWithExtension(RouteContext& ctx, absl::string_view extension);
// The tenant's holiday calendar (public holidays and its closure days).
absl::StatusOr<std::shared_ptr<const cti::hours::HolidayCalendar>> HolidaysOf(RouteContext& ctx);

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

// The call `employee_id` is talking on now, or "" when free or when the call is not live
// (ctx.live false). Records what it read in ctx.busy_keys.
absl::StatusOr<std::string> OnCallOf(RouteContext& ctx, absl::string_view employee_id);

// The forwarding of `employee_id` with `condition` in force at ctx.at, if any.
absl::StatusOr<std::optional<cti::v1::ForwardingSet>> ForwardingOf(
    RouteContext& ctx, absl::string_view employee_id, cti::v1::ForwardingCondition condition);

// A unit's phone hours at ctx.at, its hours inherited from parents and the
// municipality when it has none of its own (TP-3.4, TP-3.8, TP-3.10).
// Answers point into `hours` (string_views, a reduction pointer): the struct stays where
// PhoneHoursOf filled it, it is neither copied nor moved.
struct ResolvedHours {
  cti::hours::UnitHours hours;
  std::string owner;  // the unit whose weekly phone hours apply; "" = municipality
};
struct UnitPhoneHours {
  UnitPhoneHours() = default;
  UnitPhoneHours(const UnitPhoneHours&) = delete;
  UnitPhoneHours& operator=(const UnitPhoneHours&) = delete;
  std::shared_ptr<const ResolvedHours> resolved;  // shared: answers point into it
  const cti::hours::UnitHours& hours() const { return resolved->hours; }
  const std::string& hours_owner() const { return resolved->owner; }
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
