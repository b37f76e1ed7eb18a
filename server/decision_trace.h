// DecisionTracer: the decision traces of Route (issue 6 item 3, TP-5.3). Every Route
// answered for a real call (RouteRequest.call_id set: a softphone or PBX adapter asking
// for a call, the Kamailio routing lookup) is appended to the tenant's log as a
// call.route_decided record (cti.v1.CallRouteDecided): the target as asked (a citizen's
// CPR number, address or surname left out, TP-4.2), the whole answer with its reasons,
// and who asked. Auditors replay them (AuditService.Replay, kinds
// "call.route_decided") to see what was actually answered, not what would be answered
// today.
//
// Operation: Record is called after the answer has been handed to gRPC (or HTTP), so the
// caller never waits for the log. The append is asynchronous and not retried: a trace
// the log refuses (a full disk, a broker outage) is counted as lost and logged, never
// turned into an error of the Route call that caused it. The event_id is made by the
// server; the occurred_at is the clock's now; correlation_id is the call id.
// Thread safety: Record may be called from any thread.
#ifndef CTI_SERVER_DECISION_TRACE_H_
#define CTI_SERVER_DECISION_TRACE_H_

#include <atomic>
#include <cstdint>
#include <memory>

#include "cti/v1/common.pb.h"
#include "cti/v1/event.pb.h"
#include "cti/v1/route_service.pb.h"
#include "server/clock.h"
#include "server/log/event_log.h"

namespace cti::server {

// The record that traces `answer` to `request` (REQUIRES: request.call_id() set), asked
// by `actor` at `now`.
cti::v1::Event DecisionTraceEvent(const cti::v1::Actor& actor, const cti::v1::RouteRequest& request,
                                  const cti::v1::RouteResponse& answer, absl::Time now);

class DecisionTracer {
 public:
  // `log` and `clock` must outlive the tracer.
  DecisionTracer(cti::log::EventLog* log, cti::Clock* clock);

  // Appends the trace of `answer` when `request` names a call; does nothing otherwise.
  void Record(const cti::v1::Actor& actor, const cti::v1::RouteRequest& request,
              const cti::v1::RouteResponse& answer);

  struct Counters {
    uint64_t appended = 0;  // traces the log acknowledged
    uint64_t lost = 0;      // traces the log refused
  };
  Counters counters() const;

 private:
  struct Shared {
    std::atomic<uint64_t> appended{0};
    std::atomic<uint64_t> lost{0};
  };
  cti::log::EventLog* log_;
  cti::Clock* clock_;
  // Shared with the appends in flight, which may be answered after the tracer is gone.
  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
};

}  // namespace cti::server

#endif  // CTI_SERVER_DECISION_TRACE_H_
