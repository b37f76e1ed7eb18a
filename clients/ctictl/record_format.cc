#include "record_format.h"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <set>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "format.h"

namespace cti::ctictl {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// The field set in the first oneof of `message` that has one, or nullptr.
const FieldDescriptor* SetOneofField(const Message& message) {
  const auto* descriptor = message.GetDescriptor();
  for (int i = 0; i < descriptor->oneof_decl_count(); ++i) {
    const FieldDescriptor* field =
        message.GetReflection()->GetOneofFieldDescriptor(message, descriptor->oneof_decl(i));
    if (field != nullptr) return field;
  }
  return nullptr;
}

void CollectIds(const Message& message, const std::string& parent, std::set<std::string>* used,
                std::vector<std::string>* out) {
  std::vector<const FieldDescriptor*> fields;
  message.GetReflection()->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->is_repeated()) continue;
    if (field->type() == FieldDescriptor::TYPE_STRING && absl::EndsWith(field->name(), "_id")) {
      std::string label = field->name();
      if (!used->insert(label).second && !parent.empty()) label = parent + "." + label;
      out->push_back(label + "=" + message.GetReflection()->GetString(message, field));
    } else if (field->type() == FieldDescriptor::TYPE_MESSAGE &&
               field->message_type()->full_name() != "google.protobuf.Timestamp") {
      CollectIds(message.GetReflection()->GetMessage(message, field), field->name(), used, out);
    }
  }
}

}  // namespace

std::string ChangeKind(const cti::v1::Event& event) {
  const FieldDescriptor* family = SetOneofField(event);
  if (family == nullptr || family->type() != FieldDescriptor::TYPE_MESSAGE) return "(no payload)";
  const Message& payload = event.GetReflection()->GetMessage(event, family);
  const FieldDescriptor* change = SetOneofField(payload);
  if (change == nullptr) return family->name();
  return family->name() + "/" + change->name();
}

std::string KeyIds(const cti::v1::Event& event) {
  const FieldDescriptor* family = SetOneofField(event);
  if (family == nullptr || family->type() != FieldDescriptor::TYPE_MESSAGE) return "";
  std::set<std::string> used;
  std::vector<std::string> ids;
  CollectIds(event.GetReflection()->GetMessage(event, family), "", &used, &ids);
  return absl::StrJoin(ids, " ");
}

std::string FormatLogRecord(const cti::v1::LogRecord& record, const absl::TimeZone& zone) {
  const cti::v1::Event& event = record.event();
  std::string actor = event.actor().id().empty() ? "?" : event.actor().id();
  if (event.actor().role() != cti::v1::ROLE_UNSPECIFIED) {
    absl::StrAppend(&actor, " (", EnumLabel(cti::v1::Role_Name(event.actor().role()), "ROLE_"),
                    ")");
  }
  std::string line =
      absl::StrCat("#", record.position(), "  ", FormatLocalTime(event.recorded_at(), zone), "  ",
                   ChangeKind(event), "  by ", actor);
  const std::string ids = KeyIds(event);
  if (!ids.empty()) absl::StrAppend(&line, "  ", ids);
  if (event.call().has_route_decided() && !event.has_personal()) {
    // A decision trace: what Route answered, in short (--json has all of it).
    const cti::v1::RouteResponse& answer = event.call().route_decided().answer();
    absl::StrAppend(&line, "  -> ", answer.resolved_target(), " (", answer.steps_size(),
                    answer.steps_size() == 1 ? " step)" : " steps)");
  }
  // Still sealed when read: a person it is about was erased (GDPR).
  if (event.has_personal()) absl::StrAppend(&line, "  [personal data erased]");
  if (record.outcome().rejected())
    absl::StrAppend(&line, "  REJECTED: ", record.outcome().reason());
  return line;
}

std::string FormatStatus(const cti::v1::GetStatusResponse& status, absl::string_view server,
                         absl::string_view tenant, const absl::TimeZone& zone) {
  const uint64_t lag = status.log_end_position() > status.applied_position()
                           ? status.log_end_position() - status.applied_position()
                           : 0;
  std::string heading = "ctid";
  if (!status.server_version().empty()) absl::StrAppend(&heading, " ", status.server_version());
  absl::StrAppend(&heading, " at ", server, "\n");
  auto fields = std::vector<std::pair<std::string, std::string>>{
      {"tenant", tenant.empty() ? std::string("(all)") : std::string(tenant)},
      {"backend", status.log_backend()},
      {"log end", status.log_unreachable().empty()
                      ? absl::StrCat(status.log_end_position())
                      : absl::StrCat("unreachable: ", status.log_unreachable())},
      {"applied", status.log_unreachable().empty()
                      ? absl::StrCat(status.applied_position(), " (lag ", lag, ")")
                      : absl::StrCat(status.applied_position(), " (lag unknown)")},
      {"state digest", status.state_digest().empty() ? "-" : status.state_digest()},
      {"schema version", absl::StrCat(status.projection_schema_version())},
      {"records", absl::StrCat(status.records_applied(), " applied, ", status.records_rejected(),
                               " rejected")},
      {"started at", FormatLocalTime(status.started_at(), zone)},
  };
  if (status.building()) {
    fields.insert(fields.begin() + 2,
                  {"state",
                   "building the projections from the log (other calls are refused until "
                   "it serves)"});
  }
  if (!status.projector_error().empty()) {
    fields.push_back({"projector error", status.projector_error()});
  }
  if (status.erasures_pending() > 0) {
    fields.push_back(
        {"erasures", absl::StrCat(status.erasures_pending(),
                                  " not yet complete (keys to delete or projections to rebuild)")});
  }
  return heading + RenderFields(fields);
}

double RebuildFraction(const cti::v1::RebuildProgress& progress) {
  if (progress.total() == 0) return progress.done() ? 1.0 : 0.0;
  return std::min(1.0,
                  static_cast<double>(progress.applied()) / static_cast<double>(progress.total()));
}

std::string RenderProgress(const cti::v1::RebuildProgress& progress, int bar_width) {
  const double fraction = progress.done() ? 1.0 : RebuildFraction(progress);
  std::string out;
  if (bar_width > 0) {
    const int filled = static_cast<int>(fraction * bar_width);
    out = absl::StrCat("[", std::string(filled, '#'), std::string(bar_width - filled, '-'), "]  ");
  }
  const uint64_t total = std::max(progress.total(), progress.applied());
  absl::StrAppend(&out, progress.applied(), "/", total, "  ",
                  absl::StrFormat("%5.1f%%", fraction * 100.0), "  ",
                  absl::StrFormat("%.0f rec/s", progress.records_per_second()));
  return out;
}

std::string RenderReplayProgress(const cti::v1::ReplayResponse& response, uint64_t records,
                                 double seconds, int bar_width) {
  const uint64_t first = response.first_position();
  const uint64_t last = response.last_position();
  const uint64_t span = last >= first ? last - first + 1 : 0;
  const uint64_t done = response.scanned_through() >= first
                            ? std::min(span, response.scanned_through() - first + 1)
                            : 0;
  const double fraction = span == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(span);
  std::string out;
  if (bar_width > 0) {
    const int filled = static_cast<int>(fraction * bar_width);
    out = absl::StrCat("[", std::string(filled, '#'), std::string(bar_width - filled, '-'), "]  ");
  }
  absl::StrAppend(&out, "positions ", response.scanned_through(), "/", last, "  ",
                  absl::StrFormat("%5.1f%%", fraction * 100.0), "  ", records,
                  records == 1 ? " record" : " records");
  if (seconds > 0) {
    absl::StrAppend(&out, "  ", absl::StrFormat("%.0f pos/s", static_cast<double>(done) / seconds));
  }
  return out;
}

}  // namespace cti::ctictl
