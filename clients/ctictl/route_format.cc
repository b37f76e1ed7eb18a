#include "route_format.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "format.h"

namespace cti::ctictl {
namespace {

absl::Time ToTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

bool IsSet(const google::protobuf::Timestamp& t) { return t.seconds() != 0 || t.nanos() != 0; }

// "Bo Lund (bo)": the display name and the id the step is about.
std::string StepSubject(const cti::v1::RouteStep& step) {
  std::string id = step.employee_id();
  if (step.kind() == cti::v1::STEP_KIND_RING_GROUP ||
      step.kind() == cti::v1::STEP_KIND_HUNT_GROUP || step.kind() == cti::v1::STEP_KIND_HOTLINE) {
    id = step.group_id().empty() ? step.unit_id() : step.group_id();
  } else if (id.empty()) {
    id = step.unit_id();
  }
  if (step.display_name().empty()) return id;
  if (id.empty() || id == step.display_name()) return step.display_name();
  if (step.kind() == cti::v1::STEP_KIND_RECEPTION_MESSAGE) {
    return absl::StrCat(step.display_name(), " (a message for ", id, ")");
  }
  return absl::StrCat(step.display_name(), " (", id, ")");
}

// "Bo Lund (bo)  4712  ring 20 s": subject, number and ring time, as present.
std::string StepLine(const cti::v1::RouteStep& step) {
  std::vector<std::string> parts = {StepSubject(step)};
  if (!step.number().empty()) parts.push_back(step.number());
  if (step.ring_seconds() > 0) parts.push_back(absl::StrCat("ring ", step.ring_seconds(), " s"));
  return absl::StrJoin(parts, "  ");
}

std::string FormatSteps(const cti::v1::RouteResponse& response) {
  std::string out = "Steps:\n";
  int n = 0;
  for (const cti::v1::RouteStep& step : response.steps()) {
    const std::string number = absl::StrCat(++n, ". ");
    const std::string indent(2 + number.size(), ' ');
    absl::StrAppend(&out, "  ", number, StepKindLabel(step.kind()), "  ", StepLine(step), "\n");
    for (const cti::v1::RouteStep& member : step.members()) {
      absl::StrAppend(&out, indent, "- ", StepLine(member), "\n");
    }
    if (!step.why().empty()) absl::StrAppend(&out, indent, "why: ", step.why(), "\n");
    if (!step.rules().empty()) {
      absl::StrAppend(&out, indent, "rules: ", absl::StrJoin(step.rules(), ", "), "\n");
    }
  }
  return out;
}

// "yes, until 14:00" (the date too when it closes on another day than `at`).
std::string OpenUntil(const cti::v1::CallerInfo& tell, absl::Time at, const absl::TimeZone& zone) {
  if (!IsSet(tell.closes_at())) return "yes";
  const absl::Time closes = ToTime(tell.closes_at());
  const bool same_day = absl::ToCivilDay(closes, zone) == absl::ToCivilDay(at, zone) ||
                        (absl::FormatTime("%H:%M", closes, zone) == "00:00" &&
                         absl::ToCivilDay(closes, zone) == absl::ToCivilDay(at, zone) + 1);
  if (same_day) {
    const std::string hhmm = absl::FormatTime("%H:%M", closes, zone);
    return absl::StrCat("yes, until ", hhmm == "00:00" ? "24:00" : hhmm);
  }
  return absl::StrCat("yes, until ", FormatLocalMinute(tell.closes_at(), zone));
}

std::string FormatTellCaller(const cti::v1::RouteResponse& response, const absl::TimeZone& zone) {
  const cti::v1::CallerInfo& tell = response.tell_caller();
  std::string direct = tell.direct_number();
  if (tell.unlisted()) direct = "unlisted: give the unit's number";
  std::string unit = tell.unit_name();
  if (!tell.unit_id().empty()) {
    unit = unit.empty() ? tell.unit_id() : absl::StrCat(unit, " (", tell.unit_id(), ")");
  }
  std::string open_now;
  std::string next_opening;
  if (!tell.unit_id().empty()) {
    if (tell.open_now()) {
      open_now = OpenUntil(tell, ToTime(response.at()), zone);
    } else {
      open_now = "no: closed";
      next_opening = IsSet(tell.next_opening()) ? FormatLocalMinute(tell.next_opening(), zone)
                                                : "none within a year";
    }
  }
  return "Tell the caller:\n" +
         RenderFields({
             {"direct number", direct},
             {"unit", unit},
             {"unit number", tell.unit_number()},
             {"open now", open_now},
             {"next opening", next_opening},
             {"hours", tell.hours_summary()},
             {"available again",
              IsSet(tell.available_from()) ? FormatLocalMinute(tell.available_from(), zone) : ""},
             {"say", tell.say()},
         });
}

std::string FormatReasons(const cti::v1::RouteResponse& response) {
  if (response.reasons().empty()) return "";
  size_t width = 0;
  for (const cti::v1::RouteReason& reason : response.reasons()) {
    width = std::max(width, DisplayWidth(reason.rule()));
  }
  std::string out = "Reasons:\n";
  for (const cti::v1::RouteReason& reason : response.reasons()) {
    std::string rule = reason.rule().empty() ? "-" : reason.rule();
    rule.append(width - std::min(width, DisplayWidth(rule)), ' ');
    absl::StrAppend(&out, "  ", rule, "  ", reason.text(), "\n");
    for (const cti::v1::DecidingRecord& record : reason.records()) {
      absl::StrAppend(&out, std::string(4 + width, ' '), DecidingRecordLabel(record), "\n");
    }
  }
  return out;
}

}  // namespace

std::string StepKindLabel(cti::v1::StepKind kind) {
  return EnumLabel(cti::v1::StepKind_Name(kind), "STEP_KIND_");
}

std::string DecidingRecordLabel(const cti::v1::DecidingRecord& record) {
  std::string out = record.kind().empty() ? "record" : record.kind();
  if (!record.id().empty()) absl::StrAppend(&out, " ", record.id());
  if (record.version() != 0) absl::StrAppend(&out, " v", record.version());
  if (!record.owner_id().empty()) absl::StrAppend(&out, " of ", record.owner_id());
  return out;
}

std::string FormatLocalMinute(const google::protobuf::Timestamp& timestamp,
                              const absl::TimeZone& zone) {
  if (!IsSet(timestamp)) return "-";
  return absl::FormatTime("%a %Y-%m-%d %H:%M %Z", ToTime(timestamp), zone);
}

std::string FormatRoute(const cti::v1::RouteResponse& response, const absl::TimeZone& zone) {
  std::string out = absl::StrCat("Route to ", response.resolved_target(), "\n");
  absl::StrAppend(&out, "at ", FormatLocalMinute(response.at(), zone), " (position ",
                  response.position(), ")\n\n");
  out += FormatSteps(response);
  out += "\n" + FormatTellCaller(response, zone);
  const std::string reasons = FormatReasons(response);
  if (!reasons.empty()) out += "\n" + reasons;
  return out;
}

std::string FormatKnowledge(const cti::v1::RouteAsOfResponse& response,
                            const absl::TimeZone& zone) {
  if (response.known_position() == 0) return "Known: nothing of the log yet\n";
  return absl::StrCat("Known: the log up to position ", response.known_position(), ", recorded ",
                      FormatLocalMinute(response.known_recorded_at(), zone), "\n");
}

std::string FormatCheck(const cti::v1::CheckResponse& response) {
  if (response.findings().empty()) {
    return absl::StrCat("No findings: every call reaches someone before reception (TP-4.8). ",
                        "Checked at position ", response.position(), ".\n");
  }
  std::vector<std::vector<std::string>> rows;
  for (const cti::v1::CheckFinding& finding : response.findings()) {
    rows.push_back(
        {finding.subject_kind(), finding.subject_id(), finding.rule(), finding.problem()});
  }
  return absl::StrCat(response.findings_size(),
                      response.findings_size() == 1 ? " finding" : " findings",
                      " where a call can end with nobody (checked at position ",
                      response.position(), "):\n") +
         RenderTable({"KIND", "ID", "RULE", "PROBLEM"}, rows);
}

}  // namespace cti::ctictl
