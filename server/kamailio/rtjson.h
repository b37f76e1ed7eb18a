// Rtjson: Route's answer as the routing document of Kamailio's rtjson module
// (rtjson_init_routes / rtjson_push_routes / rtjson_next_route; server/README.md
// "Kamailio routing endpoint" has the kamailio.cfg side).
//
//   absl::StatusOr<std::string> doc = BuildRtjson(route_response, options);
//
// The document is always "routing": "serial": one entry of "routes" per SIP branch, in
// the order Route gives its steps, so Kamailio rings the first and moves to the next
// on a failure (busy, no answer) with rtjson_next_route. rtjson has no parallel
// routing inside a serial document, so a step that rings several phones at once (a
// ring group, or a hotline whose group rings all) becomes one entry per member with
// the same "step" and "parallel": true; kamailio.cfg forks the consecutive entries of
// one such step at once (or, if it ignores the flag, rings them one by one).
// Per entry:
//   uri           where the branch goes: sip:<number>@<domain> for a phone (extension,
//                 forwarding or external number), the voicemail and reception URIs of
//                 RtjsonOptions for those steps;
//   fr_inv_timer  how long it rings, in ms (Route's ring_seconds; for a parallel entry
//                 the step's, for a hunt member its own); left out when Route gives 0
//                 (the last step rings until the caller gives up);
//   step, kind, name  Route's step index (0-based), its kind in lower case without
//                 the prefix ("ring_employee", "hunt_group", ...) and display name, for
//                 logs and the call events of kamailio.cfg; rtjson ignores them.
// The document also holds "ctid": {"target", "position"}: Route's resolved target and
// the projection position it answered at.
// Steps without a destination (a group step without members and without a number) are
// left out; the reception step always ends the document.
#ifndef CTI_SERVER_KAMAILIO_RTJSON_H_
#define CTI_SERVER_KAMAILIO_RTJSON_H_

#include <string>

#include "absl/status/statusor.h"
#include "cti/v1/route_service.pb.h"

namespace cti::server::kamailio {

struct RtjsonOptions {
  // The SIP domain of phone numbers: a step dialling "4239" goes to sip:4239@<domain>.
  // Required: a host name or address, no "sip:", no '@'.
  std::string sip_domain;
  // The voicemail step's URI. "{mailbox}" is replaced by the employee id (the
  // employee's voicemail) or else the unit id, "{domain}" by sip_domain.
  std::string voicemail_uri = "sip:voicemail-{mailbox}@{domain}";
  // The reception step's URI (reception takes a message, TP-6.2). "{unit}" is replaced
  // by the step's unit_id, empty when it names none (today's Route names none: one
  // reception serves the municipality, TP-6.1), "{domain}" by sip_domain. Call events
  // at this destination are the tenant's reception unit's (NumberPlan::reception_unit).
  std::string reception_uri = "sip:reception@{domain}";
};

// INVALID_ARGUMENT naming the option when sip_domain is empty or has a '@', ':' or
// whitespace, or a template is not a sip: or sips: URI.
absl::Status CheckRtjsonOptions(const RtjsonOptions& options);

// The document for `route` (see above). REQUIRES: CheckRtjsonOptions(options) is OK.
// INVALID_ARGUMENT when `route` has no steps. Thread-safe (a pure function).
absl::StatusOr<std::string> BuildRtjson(const cti::v1::RouteResponse& route,
                                        const RtjsonOptions& options);

}  // namespace cti::server::kamailio

#endif  // CTI_SERVER_KAMAILIO_RTJSON_H_
