// RoutingCheckMonitor: runs the TP-4.8 check (projections::Router::Check) for a tenant
// whenever an applied batch changed its staff or calendar records, so that a change
// leaving some route ending with nobody (a group whose last member left, a forwarding to
// a former employee, rules naming someone who moved away) is noticed at once: the server
// log gets a warning naming each new finding, and Latest() answers the tenant's current
// findings (for GetStatus and `ctictl check`, which can also ask RouteService.Check).
//
// Operation: a HubListener on every partition. OnBatch only notes which tenants changed
// and posts one check per tenant to the work pool; while a tenant's check is queued,
// further changes ride on it (the check reads the live store when it runs, so it sees
// them). Checks read projections only.
// Concurrency: all methods are thread-safe; OnBatch never blocks.
#ifndef CTI_SERVER_ROUTING_CHECK_MONITOR_H_
#define CTI_SERVER_ROUTING_CHECK_MONITOR_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "cti/v1/route_service.pb.h"
#include "server/service_deps.h"
#include "server/subscription_hub.h"

namespace cti::server {

class RoutingCheckMonitor final : public HubListener {
 public:
  // `deps` must outlive the monitor; its store, clock, zone and work pool are used.
  explicit RoutingCheckMonitor(const ServiceDeps* deps) : deps_(*deps) {}

  void OnBatch(const std::shared_ptr<const AppliedBatch>& batch) override;
  void OnShutdown() override;

  // The findings of `tenant`'s latest check (position = the applied position it read),
  // or nullopt when no change of the tenant has been checked since the server started.
  std::optional<cti::v1::CheckResponse> Latest(const std::string& tenant) const;

  // Blocks until no check is queued or running (for tests).
  void WaitIdle() const;

 private:
  void RunCheck(const std::string& tenant);

  const ServiceDeps& deps_;
  mutable absl::Mutex mu_;
  absl::flat_hash_set<std::string> queued_ ABSL_GUARDED_BY(mu_);
  int running_ ABSL_GUARDED_BY(mu_) = 0;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_map<std::string, cti::v1::CheckResponse> latest_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cti::server

#endif  // CTI_SERVER_ROUTING_CHECK_MONITOR_H_
