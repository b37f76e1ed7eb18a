#include "server/kamailio/rtjson.h"

#include <cstdint>
#include <string_view>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "nlohmann/json.hpp"

namespace cti::server::kamailio {
namespace {

using Json = nlohmann::json;

// "STEP_KIND_HUNT_GROUP" -> "hunt_group".
std::string KindName(cti::v1::StepKind kind) {
  std::string name = cti::v1::StepKind_Name(kind);
  constexpr absl::string_view kPrefix = "STEP_KIND_";
  if (absl::StartsWith(name, kPrefix)) name.erase(0, kPrefix.size());
  absl::AsciiStrToLower(&name);
  return name;
}

std::string PhoneUri(const std::string& number, const RtjsonOptions& options) {
  return absl::StrCat("sip:", number, "@", options.sip_domain);
}

// Whether a group step's members ring at once. RING_GROUP always; HUNT_GROUP and
// PHONE_DESK never (one at a time, by the proto); a HOTLINE rings as its group does:
// Route gives a hunting step the sum of its members' ring times and a ringing-all step
// the group's, so a step shorter than that sum rings all at once.
bool RingsAtOnce(const cti::v1::RouteStep& step) {
  switch (step.kind()) {
    case cti::v1::STEP_KIND_RING_GROUP:
      return true;
    case cti::v1::STEP_KIND_HOTLINE: {
      uint64_t sum = 0;
      for (const cti::v1::RouteStep& member : step.members()) sum += member.ring_seconds();
      return step.members_size() > 1 && step.ring_seconds() < sum;
    }
    default:
      return false;
  }
}

Json Entry(std::string uri, uint32_t ring_seconds, int step_index, const cti::v1::RouteStep& step,
           const std::string& name) {
  Json entry = Json::object();
  entry["uri"] = std::move(uri);
  if (ring_seconds > 0) entry["fr_inv_timer"] = static_cast<uint64_t>(ring_seconds) * 1000;
  entry["step"] = step_index;
  entry["kind"] = KindName(step.kind());
  entry["name"] = name;
  return entry;
}

bool ValidUriTemplate(const std::string& uri) {
  return (absl::StartsWith(uri, "sip:") || absl::StartsWith(uri, "sips:")) &&
         uri.find_first_of(" \t\r\n\"") == std::string::npos;
}

}  // namespace

absl::Status CheckRtjsonOptions(const RtjsonOptions& options) {
  if (options.sip_domain.empty() ||
      options.sip_domain.find_first_of("@: \t\r\n\"") != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("sip_domain: expected a host name or address without \"sip:\" or '@', got \"",
                     options.sip_domain, "\""));
  }
  if (!ValidUriTemplate(options.voicemail_uri)) {
    return absl::InvalidArgumentError(
        absl::StrCat("voicemail_uri: expected a sip: or sips: URI without spaces, got \"",
                     options.voicemail_uri, "\""));
  }
  if (!ValidUriTemplate(options.reception_uri)) {
    return absl::InvalidArgumentError(
        absl::StrCat("reception_uri: expected a sip: or sips: URI without spaces, got \"",
                     options.reception_uri, "\""));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> BuildRtjson(const cti::v1::RouteResponse& route,
                                        const RtjsonOptions& options) {
  if (route.steps().empty()) return absl::InvalidArgumentError("route: has no steps");
  Json routes = Json::array();
  for (int i = 0; i < route.steps_size(); ++i) {
    const cti::v1::RouteStep& step = route.steps(i);
    switch (step.kind()) {
      case cti::v1::STEP_KIND_VOICEMAIL: {
        const std::string& mailbox =
            step.employee_id().empty() ? step.unit_id() : step.employee_id();
        routes.push_back(
            Entry(absl::StrReplaceAll(options.voicemail_uri,
                                      {{"{mailbox}", mailbox}, {"{domain}", options.sip_domain}}),
                  step.ring_seconds(), i, step, step.display_name()));
        break;
      }
      case cti::v1::STEP_KIND_RECEPTION_MESSAGE:
        routes.push_back(Entry(
            absl::StrReplaceAll(options.reception_uri,
                                {{"{unit}", step.unit_id()}, {"{domain}", options.sip_domain}}),
            step.ring_seconds(), i, step, step.display_name()));
        break;
      default:
        if (step.members().empty()) {
          if (!step.number().empty()) {
            routes.push_back(Entry(PhoneUri(step.number(), options), step.ring_seconds(), i, step,
                                   step.display_name()));
          }
          break;
        }
        const bool at_once = RingsAtOnce(step);
        for (const cti::v1::RouteStep& member : step.members()) {
          if (member.number().empty()) continue;
          Json entry = Entry(PhoneUri(member.number(), options),
                             at_once ? step.ring_seconds() : member.ring_seconds(), i, step,
                             member.display_name());
          if (at_once) entry["parallel"] = true;
          routes.push_back(std::move(entry));
        }
        break;
    }
  }
  Json doc = Json::object();
  doc["version"] = "1.0";
  doc["routing"] = "serial";
  doc["routes"] = std::move(routes);
  doc["ctid"] = Json{{"target", route.resolved_target()}, {"position", route.position()}};
  // Strings come from the projection (valid UTF-8); replace rather than throw anyway.
  return doc.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace cti::server::kamailio
