#include "server/decision_trace.h"

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "server/append.h"
#include "server/logging.h"
#include "server/status_mapping.h"

namespace cti::server {

cti::v1::Event DecisionTraceEvent(const cti::v1::Actor& actor, const cti::v1::RouteRequest& request,
                                  const cti::v1::RouteResponse& answer, absl::Time now) {
  cti::v1::Event event;
  event.set_event_id(NewEventId());
  event.set_tenant(request.tenant());
  *event.mutable_occurred_at() = ToProtoTimestamp(now);
  *event.mutable_actor() = actor;
  // Event.correlation_id holds at most 128 characters; a longer call id is in call_id.
  if (request.call_id().size() <= 128) event.set_correlation_id(request.call_id());
  event.set_schema_version(kEventSchemaVersion);
  cti::v1::CallEvent& call = *event.mutable_call();
  call.set_call_id(request.call_id());
  cti::v1::CallRouteDecided& decided = *call.mutable_route_decided();
  cti::v1::RouteTarget& target = *decided.mutable_target();
  target = request.target();
  if (target.has_case_target()) {
    cti::v1::CaseTarget& by_case = *target.mutable_case_target();
    // The citizen's own key never reaches the log (TP-4.2); the answer's
    // resolved_target names the case key derived from it.
    if (by_case.has_cpr() || by_case.has_address() || by_case.has_surname()) by_case.clear_key();
  }
  *decided.mutable_answer() = answer;
  decided.set_at_requested(request.has_at());
  return event;
}

DecisionTracer::DecisionTracer(cti::log::EventLog* log, cti::Clock* clock)
    : log_(log), clock_(clock) {}

void DecisionTracer::Record(const cti::v1::Actor& actor, const cti::v1::RouteRequest& request,
                            const cti::v1::RouteResponse& answer) {
  if (request.call_id().empty()) return;
  cti::v1::Event event = DecisionTraceEvent(actor, request, answer, clock_->Now());
  log_->AppendAsync(std::move(event),
                    [shared = shared_, tenant = request.tenant(),
                     call_id = request.call_id()](absl::StatusOr<cti::log::AppendResult> appended) {
                      if (appended.ok()) {
                        shared->appended.fetch_add(1, std::memory_order_relaxed);
                        return;
                      }
                      shared->lost.fetch_add(1, std::memory_order_relaxed);
                      LogWithFields(spdlog::level::warn, "decision trace lost",
                                    {{"tenant", tenant},
                                     {"call_id", call_id},
                                     {"error", std::string(appended.status().message())}});
                    });
}

DecisionTracer::Counters DecisionTracer::counters() const {
  return {shared_->appended.load(std::memory_order_relaxed),
          shared_->lost.load(std::memory_order_relaxed)};
}

}  // namespace cti::server
