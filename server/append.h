// The append path: EventService.Append from request to durable log record.
//
//   PrepareAppend (on the gRPC thread, cheap):
//     unknown fields anywhere -> INVALID_ARGUMENT naming the field number and path;
//     event required; schema_version 0 -> 1, > 1 refused; actor stamped from the
//     caller's identity (any actor in the body is replaced); event_id made when empty.
//   CommitAppend (on the append pool, blocks on the log's group commit; EventService
//   runs it once the projection has applied the log end seen when the call arrived, so
//   a client's earlier acknowledged appends are validated against):
//     projections::Validate against the live store (its status code and message are
//     answered as they are), then EventLog::Append.
// Nothing is appended on any error. Validation races with concurrent appends; the
// projector's apply-time rules are the final arbiter (by design, DESIGN.md).
//
// Idempotency: a repeat of an event_id already in the log with the same payload answers
// the original position with duplicate = true, also when the projector has applied the
// original already (its apply-time event_id check would otherwise refuse the repeat);
// with another payload it is FAILED_PRECONDITION naming the original position.
#ifndef CTI_SERVER_APPEND_H_
#define CTI_SERVER_APPEND_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cti/v1/common.pb.h"
#include "cti/v1/event_service.pb.h"
#include "projections/store.h"
#include "server/log/event_log.h"

namespace cti::server {

// The schema version of Event payloads this server writes and validates.
inline constexpr uint32_t kEventSchemaVersion = 1;

// The event to append, checked and stamped; see above.
absl::StatusOr<cti::v1::Event> PrepareAppend(const cti::v1::AppendRequest& request,
                                             const cti::v1::Actor& actor);

// Validates `event` (from PrepareAppend) against `store` and appends it to `log`.
// `client_event_id` tells whether the client chose the event_id (only then can the
// event be a repeat). Blocks until the record is durable.
absl::StatusOr<cti::v1::AppendResponse> CommitAppend(const cti::v1::Event& event,
                                                     bool client_event_id,
                                                     const cti::projections::Store& store,
                                                     cti::log::EventLog& log);

// A new random 128-bit event id: 32 lowercase hex digits. Thread-safe.
std::string NewEventId();

}  // namespace cti::server

#endif  // CTI_SERVER_APPEND_H_
