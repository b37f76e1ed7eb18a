#include "call_format.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "format.h"

namespace cti::ctictl {
namespace {

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

// "0:42", "12:05", "1:02:03": how long, to the second.
std::string Elapsed(absl::Duration d) {
  const int64_t s = std::max<int64_t>(0, absl::ToInt64Seconds(d));
  if (s >= 3600) return absl::StrFormat("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  return absl::StrFormat("%d:%02d", s / 60, s % 60);
}

std::string TargetText(const cti::v1::LiveCall& call) {
  if (!call.has_target()) return "(reception)";  // TP-6.1: offered calls start there
  switch (call.target().target_case()) {
    case cti::v1::CallTarget::kEmployeeId:
      return absl::StrCat("employee ", call.target().employee_id());
    case cti::v1::CallTarget::kUnitId:
      return absl::StrCat("unit ", call.target().unit_id());
    case cti::v1::CallTarget::kNumber:
      return absl::StrCat("number ", call.target().number());
    default:
      return "-";
  }
}

std::string Counts(const cti::v1::LiveCount& count) {
  return absl::StrCat(count.waiting(), " waiting, ", count.ringing(), " ringing, ", count.talking(),
                      " talking");
}

}  // namespace

std::string LiveStateLabel(cti::v1::LiveCallState state) {
  switch (state) {
    case cti::v1::LIVE_CALL_STATE_WAITING:
      return "waiting";
    case cti::v1::LIVE_CALL_STATE_RINGING:
      return "ringing";
    case cti::v1::LIVE_CALL_STATE_TALKING:
      return "talking";
    default:
      return "?";
  }
}

std::string FormatLiveCalls(const cti::v1::ListLiveCallsResponse& response, absl::Time now,
                            const absl::TimeZone& zone) {
  std::string out = absl::StrCat("calls in progress: ", Counts(response.total()), "\n");
  if (response.calls_size() == 0) return out;
  std::vector<std::vector<std::string>> rows;
  for (const cti::v1::LiveCall& call : response.calls()) {
    rows.push_back({LiveStateLabel(call.state()), Elapsed(now - TimeOf(call.state_since())),
                    absl::FormatTime("%H:%M:%S", TimeOf(call.offered_at()), zone),
                    Elapsed(now - TimeOf(call.offered_at())), call.call_id(),
                    call.caller_number().empty() ? "(withheld)" : call.caller_number(),
                    TargetText(call), call.unit_id().empty() ? "-" : call.unit_id()});
  }
  absl::StrAppend(
      &out, "\n",
      RenderTable({"STATE", "FOR", "OFFERED", "IN ALL", "CALL", "CALLER", "TARGET", "UNIT"}, rows));
  std::vector<std::vector<std::string>> counts;
  for (const cti::v1::LiveCount& unit : response.units()) {
    counts.push_back({"unit", unit.unit_id(), absl::StrCat(unit.waiting()),
                      absl::StrCat(unit.ringing()), absl::StrCat(unit.talking())});
  }
  for (const cti::v1::LiveCount& employee : response.employees()) {
    counts.push_back({"employee", employee.employee_id(), absl::StrCat(employee.waiting()),
                      absl::StrCat(employee.ringing()), absl::StrCat(employee.talking())});
  }
  if (!counts.empty()) {
    absl::StrAppend(&out, "\n",
                    RenderTable({"PER", "ID", "WAITING", "RINGING", "TALKING"}, counts));
  }
  return out;
}

}  // namespace cti::ctictl
