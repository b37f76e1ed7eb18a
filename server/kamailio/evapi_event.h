// Kamailio's evapi call events (the contract in server/README.md, "Kamailio call
// events"): one JSON object per netstring, parsed and mapped to a cti.v1 call event.
//
//   {"v":1, "id":"<ack key>", "ev":"ringing", "tenant":"demo", "call_id":"<SIP Call-ID>",
//    "ts":1733000000123456, "branch":0, "uri":"sip:4239@sip.example.dk"}
//
//   absl::StatusOr<EvapiMessage> message = ParseEvapiMessage(frame);
//   absl::StatusOr<cti::v1::Event> event =
//       MapEvapiMessage(*message, target_of_uri, occurred_at);
//
// Pure functions; the target of a URI is resolved by the caller (EvapiAdapter, from the
// tenant's number plan and the RtjsonOptions templates: UriUser and MatchUriTemplate).
#ifndef CTI_SERVER_KAMAILIO_EVAPI_EVENT_H_
#define CTI_SERVER_KAMAILIO_EVAPI_EVENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cti/v1/event.pb.h"

namespace cti::server::kamailio {

// The kinds of evapi events ("ev").
enum class EvapiKind {
  kInvite,         // -> CallOffered (event_id = RouteEventId(call_id))
  kRinging,        // -> CallRinging{target}
  kAnswered,       // -> CallAnswered{by}
  kBranchFailed,   // -> CallBranchFailed{target, sip_code, reason}
  kAbandoned,      // -> CallAbandoned
  kEnded,          // -> CallEnded
  kFailed,         // -> CallFailed{sip_code, reason}
  kRoutingFailed,  // -> CallFailed{503, reason}
};

// "ringing", "branch-failed", ... as the contract spells them.
const char* EvapiKindName(EvapiKind kind);

// One event as Kamailio sent it.
struct EvapiMessage {
  std::string id;  // the ack key; never empty
  EvapiKind kind = EvapiKind::kInvite;
  std::string tenant;
  std::string call_id;
  std::optional<absl::Time> ts;   // when Kamailio saw it (its wall clock)
  std::string from;               // invite, routing-failed: the caller's user part
  std::string to;                 // invite, routing-failed: the dialled user part
  std::optional<int64_t> branch;  // ringing, answered, branch-failed
  std::string uri;                // the branch's R-URI; empty when absent
  std::optional<int64_t> code;    // branch-failed, failed, routing-failed
  std::string reason;
};

// Parses one frame. INVALID_ARGUMENT naming the key for anything malformed: not a JSON
// object, "id" missing or not a string of 1 to 256 bytes, "v" other than 1, "ev"
// unknown, "tenant" or "call_id" missing, a key of the wrong type ("branch" and "code"
// may be integers or strings of digits). `*id` (when given) receives the "id" as soon
// as it is read, also when a later key is malformed, so that the caller can
// acknowledge an event that is refused for good. "ts": an integer is Unix
// microseconds; a string "SEC.USEC" is seconds and microseconds (the part after '.' a
// count of microseconds, 0 to 999999, as Kamailio's $TV(s).$TV(u) writes it: "5.42" is
// 5 s and 42 µs); a string without '.' is seconds; a non-integer number is seconds.
absl::StatusOr<EvapiMessage> ParseEvapiMessage(std::string_view frame, std::string* id = nullptr);

// The event_id of `message`'s record: RouteEventId(call_id) for an invite (the same
// record as the routing lookup's), otherwise RouteEventId(call_id + "|" + ev [+ "|" +
// branch]) ("sip:<Call-ID>|ringing|0", a digest when too long). Deterministic, so
// retransmissions and re-sends are duplicates.
std::string EvapiEventId(const EvapiMessage& message);

// The user part of a SIP URI ("sip:4239@host;transport=udp" -> "4239"); the URI itself
// when it has no scheme and no '@' ("4239"). Empty for an empty URI.
std::string UriUser(std::string_view uri);

// When `user` matches the user part of `uri_template` (a RtjsonOptions template such as
// "sip:voicemail-{mailbox}@{domain}") with `placeholder` ("{mailbox}") standing for any
// non-empty text, that text; std::nullopt otherwise (also when the template's user part
// has no placeholder: then "" when `user` equals it exactly).
std::optional<std::string> MatchUriTemplate(std::string_view uri_template,
                                            std::string_view placeholder, std::string_view user);

// Where a branch of a call rings: an employee, a unit or a number, or the voicemail of
// an employee or unit (CallRinging.voicemail and the like).
struct EvapiDestination {
  cti::v1::CallTarget target;
  bool voicemail = false;
};

// The cti.v1 event for `message`: tenant, event_id (EvapiEventId), correlation_id (the
// Call-ID when at most 128 bytes), occurred_at and the call event. `destination` is
// where a ringing, answered or branch-failed event happened (resolved by the caller;
// required for those kinds: INVALID_ARGUMENT "uri: ..." without it). The caller's
// number is kept only when it is a phone number (2 to 20 digits, optional '+'), as is
// the dialled number; a SIP code outside 300..699 (or missing) of a branch-failed or
// failed event is INVALID_ARGUMENT; routing-failed is always 503. Reason phrases keep
// printable characters only, at most 200 of them. The actor is left for the append path.
absl::StatusOr<cti::v1::Event> MapEvapiMessage(const EvapiMessage& message,
                                               const std::optional<EvapiDestination>& destination,
                                               absl::Time occurred_at);

}  // namespace cti::server::kamailio

#endif  // CTI_SERVER_KAMAILIO_EVAPI_EVENT_H_
