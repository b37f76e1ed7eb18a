// The live-calls view: the index of calls in progress, each call's state, and the
// employees' units for attribution.
#include "projections/live_calls.h"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "projections/internal/directory_records.h"
#include "projections/internal/keys.h"
#include "projections/internal/live_calls_read.h"
#include "projections/internal/routing_records.h"
#include "projections/internal/snapshot_read.h"
#include "projections/internal/state.pb.h"
#include "projections/internal/status_macros.h"

namespace cti::projections {
namespace {

using internal::Cf;
using internal::SnapshotRead;

cti::v1::LiveCallState StateOf(state::CallPhase phase) {
  switch (phase) {
    case state::CALL_PHASE_RINGING:
      return cti::v1::LIVE_CALL_STATE_RINGING;
    case state::CALL_PHASE_ANSWERED:
      return cti::v1::LIVE_CALL_STATE_TALKING;
    default:  // offered, transferred: the caller waits for the next ring
      return cti::v1::LIVE_CALL_STATE_WAITING;
  }
}

void Count(cti::v1::LiveCallState state, cti::v1::LiveCount* count) {
  switch (state) {
    case cti::v1::LIVE_CALL_STATE_WAITING:
      count->set_waiting(count->waiting() + 1);
      break;
    case cti::v1::LIVE_CALL_STATE_RINGING:
      count->set_ringing(count->ringing() + 1);
      break;
    case cti::v1::LIVE_CALL_STATE_TALKING:
      count->set_talking(count->talking() + 1);
      break;
    default:
      break;
  }
}

bool Earlier(const cti::v1::LiveCall& a, const cti::v1::LiveCall& b) {
  return std::make_tuple(a.offered_at().seconds(), a.offered_at().nanos(),
                         absl::string_view(a.call_id())) <
         std::make_tuple(b.offered_at().seconds(), b.offered_at().nanos(),
                         absl::string_view(b.call_id()));
}

}  // namespace

absl::StatusOr<cti::v1::ListLiveCallsResponse> LiveCalls::List(
    const cti::v1::ListLiveCallsRequest& request) const {
  if (request.tenant().empty()) return absl::InvalidArgumentError("tenant is required");
  SnapshotRead read(*store_);
  return internal::ListLiveCallsIn(read.txn(), request);
}

namespace internal {

absl::StatusOr<cti::v1::ListLiveCallsResponse> ListLiveCallsIn(
    Txn& txn, const cti::v1::ListLiveCallsRequest& request) {
  const std::string t = internal::TenantPrefix(request.tenant());
  CTI_RETURN_IF_ERROR(internal::CheckQueryScope(txn, t, request.unit_id(), request.employee_id()));

  std::vector<std::string> ids;
  const std::string prefix = internal::LiveCallKey(t, "");
  CTI_RETURN_IF_ERROR(txn.Scan(Cf::kCalls, prefix, [&](absl::string_view key, absl::string_view) {
    ids.emplace_back(key.substr(prefix.size()));
    return true;
  }));

  cti::v1::ListLiveCallsResponse response;
  absl::flat_hash_map<std::string, std::string> unit_of_employee;
  std::map<std::string, cti::v1::LiveCount> units, employees;
  std::vector<cti::v1::LiveCall> calls;
  for (const std::string& id : ids) {
    state::Call call;
    CTI_ASSIGN_OR_RETURN(bool found, txn.GetProto(Cf::kCalls, internal::CallKey(t, id), &call));
    if (!found) return absl::DataLossError(absl::StrCat("live call '", id, "' has no state"));
    cti::v1::LiveCall live;
    live.set_call_id(call.call_id());
    live.set_state(StateOf(call.phase()));
    live.set_caller_number(call.caller_number());
    live.set_dialled_number(call.dialled_number());
    *live.mutable_offered_at() = call.offered_at();
    *live.mutable_state_since() = call.phase_at();
    if (call.has_target()) {
      *live.mutable_target() = call.target();
      live.set_voicemail(call.target_voicemail());
      if (call.target().has_unit_id()) live.set_unit_id(call.target().unit_id());
      if (call.target().has_employee_id()) {
        const std::string& employee_id = call.target().employee_id();
        live.set_employee_id(employee_id);
        auto [it, inserted] = unit_of_employee.try_emplace(employee_id);
        if (inserted) {
          cti::v1::Employee employee;
          CTI_ASSIGN_OR_RETURN(bool known, internal::LoadEmployee(txn, t, employee_id, &employee));
          if (known) it->second = employee.unit_id();
        }
        live.set_unit_id(it->second);
      }
    }
    Count(live.state(), response.mutable_total());
    const bool matches =
        (request.unit_id().empty() || live.unit_id() == request.unit_id()) &&
        (request.employee_id().empty() || live.employee_id() == request.employee_id());
    if (!matches) continue;
    if (!live.unit_id().empty()) {
      cti::v1::LiveCount& count = units[live.unit_id()];
      count.set_unit_id(live.unit_id());
      Count(live.state(), &count);
    }
    if (!live.employee_id().empty()) {
      cti::v1::LiveCount& count = employees[live.employee_id()];
      count.set_employee_id(live.employee_id());
      Count(live.state(), &count);
    }
    calls.push_back(std::move(live));
  }
  std::sort(calls.begin(), calls.end(), Earlier);
  for (cti::v1::LiveCall& call : calls) *response.add_calls() = std::move(call);
  for (auto& [id, count] : units) *response.add_units() = std::move(count);
  for (auto& [id, count] : employees) *response.add_employees() = std::move(count);
  return response;
}

}  // namespace internal

}  // namespace cti::projections
