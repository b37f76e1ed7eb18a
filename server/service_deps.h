// ServiceDeps: what the gRPC services of ctid share. Built and owned by CtidServer;
// every pointer outlives the services.
#ifndef CTI_SERVER_SERVICE_DEPS_H_
#define CTI_SERVER_SERVICE_DEPS_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/clock.h"
#include "server/identity.h"
#include "server/log/event_log.h"
#include "server/position_waiters.h"
#include "server/store_generations.h"
#include "server/subscription_hub.h"
#include "server/thread_pool.h"
#include "server/timer.h"

namespace cti::projections {
class RouteCache;
}  // namespace cti::projections

namespace cti::server {

class BackupMaker;
class DecisionTracer;
class ErasureMonitor;
class ProjectorRunner;
class RateLimiter;
class Rebuilder;
class RoutingCheckMonitor;

struct ServiceOptions {
  // Subscribe heartbeat interval when the request says 0.
  absl::Duration default_heartbeat = absl::Seconds(5);
  // Records a subscriber may have queued before it is cut off.
  size_t subscriber_buffer = 10000;
  // Longest min_position wait of a call without a (shorter) deadline.
  absl::Duration max_position_wait = absl::Seconds(30);
  // Reported by GetStatus.
  std::string server_version;
};

struct ServiceDeps {
  cti::Clock* clock = nullptr;
  cti::log::EventLog* log = nullptr;
  StoreHolder* stores = nullptr;
  PositionWaiters* waiters = nullptr;
  SubscriptionHub* hub = nullptr;
  Timer* timer = nullptr;
  // Short storage work after a wait: queries, Subscribe catch-up reads, digests.
  ThreadPool* work = nullptr;
  const IdentityResolver* identity = nullptr;
  // Per-caller rate limits (rate_limit.h); nullptr: none.
  RateLimiter* limiter = nullptr;
  Rebuilder* rebuilder = nullptr;
  // AdminService.Backup's engine; nullptr: backups are refused (UNIMPLEMENTED).
  BackupMaker* backups = nullptr;
  // Says whether the projections may be read yet (ServingGate); nullptr: always.
  const ProjectorRunner* runner = nullptr;
  // Parsed routing records shared by Route calls (projections/route_cache.h).
  cti::projections::RouteCache* route_cache = nullptr;
  // Appends the decision trace of every Route answered for a call (decision_trace.h);
  // nullptr: answers are not traced.
  DecisionTracer* tracer = nullptr;
  // The latest TP-4.8 findings per tenant (routing_check_monitor.h).
  const RoutingCheckMonitor* routing_check = nullptr;
  // Carries out GDPR erasures (erasure_monitor.h); nullptr when personal data is not
  // sealed. GetStatus and /metrics report the erasures not yet complete.
  const ErasureMonitor* erasure = nullptr;
  // The municipality's time zone (Europe/Copenhagen), loaded once at start: hours are
  // local wall-clock times there (RouteService).
  absl::TimeZone zone;
  absl::Time started_at;
  ServiceOptions options;
};

// OK when the services may answer from the projections. While a new replica builds
// them from the log at start-up (ProjectorRunner::building) they are not readable, and
// this is UNAVAILABLE saying how far the build is: every RPC but GetStatus and Ping
// starts with it (the health service says NOT_SERVING meanwhile).
absl::Status ServingGate(const ServiceDeps& deps);

}  // namespace cti::server

#endif  // CTI_SERVER_SERVICE_DEPS_H_
