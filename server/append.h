// The append path: EventService.Append from request to durable log record.
//
//   PrepareAppend (on the gRPC thread, cheap):
//     unknown fields anywhere -> INVALID_ARGUMENT naming the field number and path;
//     event required; schema_version 0 -> 1, > 1 refused; actor stamped from the
//     caller's identity (any actor in the body is replaced); event_id made when empty.
//   CheckAppend (against the projection as it is, without waiting for it):
//     a client-chosen event_id the projection has applied already is a repeat, answered
//     from the log; otherwise projections::Validate (its status code and message are
//     answered as they are).
//   EventLog::AppendAsync: answered when the group commit is durable.
// EventService (event_service.cc) runs these steps holding no thread while it waits;
// when CheckAppend fails with a code that earlier appends may still change
// (MayPassLater), it waits once for the projection to apply the log end seen when the
// call arrived and checks again. Nothing is appended on any error. Validation races
// with concurrent appends; the projector's apply-time rules are the final arbiter (by
// design, DESIGN.md).
//
// Idempotency: a repeat of an event_id already in the log with the same payload answers
// the original position with duplicate = true (from the projection's event_id index
// once applied, from the log's own idempotency before); with another payload it is
// FAILED_PRECONDITION naming the original position.
#ifndef CTI_SERVER_APPEND_H_
#define CTI_SERVER_APPEND_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cti/v1/common.pb.h"
#include "cti/v1/event_service.pb.h"
#include "projections/store.h"
#include "server/log/event_log.h"

namespace cti::server {

// The schema version of Event payloads this server writes and validates.
inline constexpr uint32_t kEventSchemaVersion = 1;

// What a CPR number in a message reception takes (MessageTaken.text and caller_name) is
// replaced by before the log (TP-4.2): shorter than any CPR number.
inline constexpr char kCprMask[] = "[CPR-nr.]";

// The event to append, checked and stamped; see above.
absl::StatusOr<cti::v1::Event> PrepareAppend(const cti::v1::AppendRequest& request,
                                             const cti::v1::Actor& actor);

// PrepareAppend's checks and stamping for one event of a request; `root` names it in
// messages ("event", "events[3]").
absl::StatusOr<cti::v1::Event> PrepareEvent(const cti::v1::Event& event, const std::string& root,
                                            const cti::v1::Actor& actor);

// Checks `event` (from PrepareAppend) against `store` as it is now. `client_event_id`
// tells whether the client chose the event_id (only then can the event be a repeat).
// Returns the answer for a repeat of an applied record (duplicate = true, read from
// `log`); std::nullopt when the event should be appended; otherwise the refusal:
// FAILED_PRECONDITION for an applied event_id with another payload, the rule
// violation of projections::Validate, or a storage error. Reads storage; does not
// block on anything else. Thread-safe.
absl::StatusOr<std::optional<cti::v1::AppendResponse>> CheckAppend(
    const cti::v1::Event& event, bool client_event_id, const cti::projections::Store& store,
    cti::log::EventLog& log);

// True for refusals that appends acknowledged before the call may still turn into a
// pass once the projection has applied them (NOT_FOUND: "define the unit, then hire
// into it"; FAILED_PRECONDITION: a state not reached yet, or an event_id applied
// meanwhile).
bool MayPassLater(const absl::Status& status);

// The response to an append of the event with `event_id` that the log answered with
// `result`.
cti::v1::AppendResponse ResponseOf(const std::string& event_id,
                                   const cti::log::AppendResult& result);

// A new random 128-bit event id: 32 lowercase hex digits. Thread-safe.
std::string NewEventId();

}  // namespace cti::server

#endif  // CTI_SERVER_APPEND_H_
