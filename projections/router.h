// Router: RouteService.Route and RouteService.Check over the projections (DESIGN.md
// "Route"; proto/cti/v1/route_service.proto is the contract).
//
// Route reads one consistent snapshot of the store: the target's records, its unit and
// the unit's ancestors, hours, calendar entries and forwardings of the people it may
// ring, the groups and rules that apply. It never reads the log and never scans all
// employees, so its cost does not grow with the organisation. Every answer ends with
// reception taking a message (TP-6.2); reasons cite the TP rules and deciding records.
//
// Check walks the tenant's groups, unit routings, distribution rules, hotlines and
// forwardings (a scan of those records, not a per-call path).
//
// Thread safety: safe to use from many threads at once.
#ifndef CTI_PROJECTIONS_ROUTER_H_
#define CTI_PROJECTIONS_ROUTER_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cti/v1/route_service.pb.h"
#include "projections/route_cache.h"
#include "projections/store.h"

namespace cti::projections {

struct CachedAnswer;  // a kept answer (router.cc)

class Router {
 public:
  // `store` must outlive the router. `zone` is the municipality's time zone
  // (Europe/Copenhagen): hours are local wall-clock times there. `cache` (may be null;
  // must outlive the router) shares parsed records between calls; `partition` is the
  // log partition of the tenants routed (the cache's validity is per partition).
  Router(const Store* store, absl::TimeZone zone, RouteCache* cache = nullptr, int partition = 0)
      : store_(store), zone_(zone), cache_(cache), partition_(partition) {}

  // See RouteService.Route. `now` is used when the request has no `at` (inject the
  // clock). The response's position is left 0 (the caller knows it). Errors:
  // INVALID_ARGUMENT naming the field, NOT_FOUND, FAILED_PRECONDITION (ambiguous
  // target), storage errors.
  absl::StatusOr<cti::v1::RouteResponse> Route(const cti::v1::RouteRequest& request,
                                               absl::Time now) const;

  // Route's answer as wire bytes, for a server that sends them as they are. `body` is
  // the RouteResponse serialized without `at` and `position`; appending a serialized
  // RouteResponse that holds just those two fields gives the whole answer (protobuf
  // parsers merge concatenated messages). A kept answer's bytes are shared, not copied.
  struct WireAnswer {
    std::shared_ptr<const std::string> body;
    absl::Time at;  // the instant routed for
  };
  // `applied`, when given, is the store's applied position of the partition as the
  // caller read it (saves reading it again).
  absl::StatusOr<WireAnswer> RouteWire(const cti::v1::RouteRequest& request, absl::Time now,
                                       std::optional<uint64_t> applied = std::nullopt) const;

  // AuditService.RouteAsOf: the answer for `request.at` (required: a question about an
  // instant) as the projection stood after the record at `known_position` was applied,
  // read from its history (internal/history.h). Nothing is read from or kept in the
  // cache; calls in progress are not counted (as for any question with `at`); the order
  // of least-recent and round-robin hunt groups follows the calls known now. The
  // response's position is left 0. REQUIRES: `known_position` at or below the store's
  // applied position. Errors: INVALID_ARGUMENT "at: ..." when unset, else Route's.
  absl::StatusOr<cti::v1::RouteResponse> RouteAsOf(const cti::v1::RouteRequest& request,
                                                   uint64_t known_position) const;

  // See RouteService.Check, as of `now` (hotlines and forwardings in force then). With
  // `as_of` (at or below the store's applied position), the records as the projection
  // stood after that log position (as RouteAsOf reads them).
  absl::StatusOr<cti::v1::CheckResponse> Check(const cti::v1::CheckRequest& request, absl::Time now,
                                               std::optional<uint64_t> as_of = std::nullopt) const;

 private:
  // The kept answer under `key` valid at `at` for the store's applied position
  // (`applied`, else read from the store), or null.
  std::shared_ptr<const CachedAnswer> Kept(const std::string& key, absl::Time at,
                                           std::optional<uint64_t> applied) const;
  // Builds the answer from the records; keeps it under `key` (unless empty or not
  // allowed) and then sets `*wire` (when given) to its kept serialized form.
  // With `as_of`, reads the state after that log position (RouteAsOf) and keeps nothing.
  absl::StatusOr<cti::v1::RouteResponse> Build(const cti::v1::RouteRequest& request, absl::Time at,
                                               const std::string& key,
                                               std::shared_ptr<const std::string>* wire,
                                               std::optional<uint64_t> as_of = std::nullopt) const;

  const Store* store_;
  absl::TimeZone zone_;
  RouteCache* cache_;
  int partition_;
};

}  // namespace cti::projections

#endif  // CTI_PROJECTIONS_ROUTER_H_
