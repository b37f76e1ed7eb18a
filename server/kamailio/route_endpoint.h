// KamailioRouteEndpoint: GET /kamailio/route on ctid's HTTP listener (server/http), the
// routing lookup Kamailio makes for each INVITE (issue 9 item 1; server/README.md
// "Kamailio routing endpoint" has the kamailio.cfg snippet).
//
//   GET /kamailio/route?tenant=demo&to=%2B4573767830&from=%2B4512345678&call_id=abc@host
//
// Parameters (query, percent-encoded; a literal '+' as %2B):
//   tenant   the municipality; required.
//   to       the dialled number (the request URI's user part): a unit's phone number or
//            an employee's direct number exactly as the directory holds them, or an
//            employee's extension (2 to 8 digits); required, digits with an optional
//            leading '+'.
//   from     the caller's number; optional; anything but digits with an optional '+'
//            (e.g. "anonymous") counts as withheld.
//   call_id  the SIP Call-ID; required, 1 to 256 printable ASCII characters, no spaces.
// Answers:
//   200 application/json  Kamailio's rtjson document for Route's answer at the clock's
//                         now (rtjson.h: serial, ring timers per branch, ring groups as
//                         parallel entries, voicemail and reception URIs).
//   400 text  a parameter is missing or malformed; the message names it.
//   404 text  no unit or employee has the number (or the extension is unknown).
//   503 text  ctid is not serving yet (start-up replay) or is stopping.
//   500 text  anything else (a storage error).
// Recording: each 200 answer appends a call event CallOffered (call_id = the SIP
// Call-ID, caller and dialled number) as actor "kamailio" (ROLE_SYSTEM), after the
// answer is computed, on ServiceDeps::work: the answer never waits for the log. Its
// event_id is derived from the Call-ID ("sip:" + Call-ID, or a digest for a long one),
// so a repeated lookup of the same INVITE in the same tenant is a duplicate, never a
// second record. A failed append is logged and counted (recording_failures()), not
// retried.
// Number plan: the number -> target map (projections/number_plan.h) is read once per
// tenant and kept until a staff record of that tenant is applied (NumberPlanFeed).
// Thread safety: Handle may run on many threads at once.
#ifndef CTI_SERVER_KAMAILIO_ROUTE_ENDPOINT_H_
#define CTI_SERVER_KAMAILIO_ROUTE_ENDPOINT_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "projections/number_plan.h"
#include "server/http/http_server.h"
#include "server/kamailio/rtjson.h"
#include "server/service_deps.h"
#include "server/subscription_hub.h"

namespace cti::server::kamailio {

inline constexpr char kRoutePath[] = "/kamailio/route";

// The event_id of the CallOffered recorded for `call_id`.
std::string RouteEventId(const std::string& call_id);

class KamailioRouteEndpoint {
 public:
  // `deps` must outlive the endpoint; `serving` says whether ctid serves (health
  // SERVING). REQUIRES: CheckRtjsonOptions(options) is OK.
  KamailioRouteEndpoint(const ServiceDeps* deps, RtjsonOptions options,
                        std::function<bool()> serving);

  // Answers one lookup (see above).
  http::Response Handle(const http::Request& request);

  // Registers `feed()` for every partition of the log with the hub, so that staff
  // changes refresh the number plans. Call once, before serving.
  absl::Status Follow(SubscriptionHub* hub, int partitions);

  // `tenant`'s number plan as of the live store (kept as for lookups; shared with the
  // call-event adapter, evapi_adapter.h). UNAVAILABLE while ctid is stopping; storage
  // errors as they are. Thread-safe.
  absl::StatusOr<std::shared_ptr<const cti::projections::NumberPlan>> NumberPlanOf(
      const std::string& tenant);

  // Forgets every kept number plan: for a switch to a store generation in which the same
  // positions may read differently (a rebuild after an erasure of personal data, whose
  // direct numbers must not route on from memory). Thread-safe.
  void ForgetPlans();

  // Appends handed to the log (new or duplicate) and those that failed, since start.
  uint64_t recordings() const { return recordings_.load(std::memory_order_relaxed); }
  uint64_t recording_failures() const { return failures_.load(std::memory_order_relaxed); }

 private:
  class Feed;
  struct KeptPlan {
    std::shared_ptr<const cti::projections::NumberPlan> plan;
    uint64_t generation = 0;
  };

  // The tenant's plan as of a state at least as new as the last staff change seen.
  absl::StatusOr<std::shared_ptr<const cti::projections::NumberPlan>> PlanOf(
      const std::string& tenant, const cti::projections::Store& store);
  void StaffChanged(const std::string& tenant);
  // Appends the CallOffered of a 200 answer, off the caller's thread; `unit_id` is the
  // unit the dialled number is for (NumberPlan::UnitFor).
  void Record(const std::string& tenant, const std::string& call_id, const std::string& from,
              const std::string& to, const std::string& unit_id);

  const ServiceDeps& deps_;
  const RtjsonOptions options_;
  const std::function<bool()> serving_;
  std::atomic<uint64_t> recordings_{0};
  std::atomic<uint64_t> failures_{0};

  absl::Mutex mu_;
  absl::flat_hash_map<std::string, KeptPlan> plans_ ABSL_GUARDED_BY(mu_);
  // Per tenant: staff changes seen (a kept plan of an older generation is stale).
  absl::flat_hash_map<std::string, uint64_t> generations_ ABSL_GUARDED_BY(mu_);
  // ForgetPlans calls, added to every tenant's generation.
  uint64_t forgotten_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace cti::server::kamailio

#endif  // CTI_SERVER_KAMAILIO_ROUTE_ENDPOINT_H_
