#include "call_format.h"

#include <utility>
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
  const char* const voicemail = call.voicemail() ? " (voicemail)" : "";
  switch (call.target().target_case()) {
    case cti::v1::CallTarget::kEmployeeId:
      return absl::StrCat("employee ", call.target().employee_id(), voicemail);
    case cti::v1::CallTarget::kUnitId:
      return absl::StrCat("unit ", call.target().unit_id(), voicemail);
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

namespace {

// The bound of the bucket by which `share` of the timed answers came: "<=15s", ">600s".
std::string WaitQuantile(
    const google::protobuf::RepeatedPtrField<cti::v1::AnswerTimeBucket>& buckets, double share) {
  uint64_t total = 0;
  for (const cti::v1::AnswerTimeBucket& b : buckets) total += b.calls();
  if (total == 0) return "-";
  uint64_t seen = 0;
  uint32_t last_bound = 0;
  for (const cti::v1::AnswerTimeBucket& b : buckets) {
    seen += b.calls();
    if (b.up_to_seconds() > 0) last_bound = b.up_to_seconds();
    if (static_cast<double>(seen) >= share * static_cast<double>(total)) {
      return b.up_to_seconds() > 0 ? absl::StrCat("<=", b.up_to_seconds(), "s")
                                   : absl::StrCat(">", last_bound, "s");
    }
  }
  return "-";
}

std::string Rate(uint64_t part, uint64_t whole) {
  if (whole == 0) return "-";
  return absl::StrFormat("%.1f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

}  // namespace

std::string FormatCallCounts(const cti::v1::ListCallCountsResponse& response) {
  std::vector<std::vector<std::string>> rows;
  cti::v1::UnitDayCallCounts total;
  total.set_unit_id("(all)");
  for (const cti::v1::UnitDayCallCounts& day : response.days()) {
    const cti::v1::CallTally& in = day.in_phone_hours();
    rows.push_back({day.unit_id().empty() ? "(none)" : day.unit_id(), day.day(),
                    absl::StrCat(in.offered()), absl::StrCat(in.answered()),
                    absl::StrCat(in.voicemail()), absl::StrCat(in.abandoned()),
                    absl::StrCat(in.failed()), Rate(in.answered(), in.offered()),
                    WaitQuantile(day.answer_times(), 0.5), WaitQuantile(day.answer_times(), 0.9),
                    absl::StrCat(day.all().offered()), absl::StrCat(day.all().answered())});
    for (const auto& [from, to] : {std::pair(&day.all(), total.mutable_all()),
                                   std::pair(&in, total.mutable_in_phone_hours())}) {
      to->set_offered(to->offered() + from->offered());
      to->set_answered(to->answered() + from->answered());
      to->set_abandoned(to->abandoned() + from->abandoned());
      to->set_failed(to->failed() + from->failed());
      to->set_voicemail(to->voicemail() + from->voicemail());
    }
    for (int i = 0; i < day.answer_times_size(); ++i) {
      if (total.answer_times_size() <= i)
        *total.add_answer_times() = day.answer_times(i);
      else {
        total.mutable_answer_times(i)->set_calls(total.answer_times(i).calls() +
                                                 day.answer_times(i).calls());
      }
    }
  }
  if (rows.empty()) return "No calls in these days.\n";
  const cti::v1::CallTally& in = total.in_phone_hours();
  rows.push_back({"(all)", "", absl::StrCat(in.offered()), absl::StrCat(in.answered()),
                  absl::StrCat(in.voicemail()), absl::StrCat(in.abandoned()),
                  absl::StrCat(in.failed()), Rate(in.answered(), in.offered()),
                  WaitQuantile(total.answer_times(), 0.5), WaitQuantile(total.answer_times(), 0.9),
                  absl::StrCat(total.all().offered()), absl::StrCat(total.all().answered())});
  return absl::StrCat(
      "Within phone hours (TP-3.6), then the whole day:\n",
      RenderTable({"UNIT", "DAY", "OFFERED", "ANSWERED", "VOICEMAIL", "ABANDONED", "FAILED",
                   "ANSWER RATE", "WAIT 50%", "WAIT 90%", "DAY OFFERED", "DAY ANSWERED"},
                  rows));
}

}  // namespace cti::ctictl
