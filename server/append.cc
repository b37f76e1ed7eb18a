#include "server/append.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "projections/internal/cpr.h"
#include "projections/projector.h"
#include "server/status_mapping.h"
#include "server/unknown_fields.h"

namespace cti::server {
namespace {

// Answers a repeat of the record at `position`, or refuses a reuse of its event_id.
absl::StatusOr<cti::v1::AppendResponse> AnswerRepeat(const cti::v1::Event& event, uint64_t position,
                                                     cti::log::EventLog& log) {
  absl::StatusOr<std::unique_ptr<cti::log::LogReader>> reader =
      log.OpenReader(log.PartitionOf(event.tenant()), position);
  if (!reader.ok()) return reader.status();
  absl::StatusOr<std::vector<cti::v1::LogRecord>> records =
      (*reader)->Next(1, absl::ZeroDuration());
  if (!records.ok()) return records.status();
  if (records->empty() || records->front().position() != position ||
      records->front().event().event_id() != event.event_id() ||
      records->front().event().tenant() != event.tenant()) {
    return absl::InternalError(absl::StrCat("event_id '", event.event_id(),
                                            "' is recorded at position ", position,
                                            " but the log has no such record there"));
  }
  cti::v1::Event original = records->front().event();
  cti::v1::Event repeat = event;
  original.clear_recorded_at();
  repeat.clear_recorded_at();
  if (!google::protobuf::util::MessageDifferencer::Equals(original, repeat)) {
    // The same words as the log's own idempotency check.
    return absl::FailedPreconditionError(absl::StrCat("event_id '", event.event_id(),
                                                      "' already used at position ", position,
                                                      " with a different payload"));
  }
  cti::v1::AppendResponse response;
  response.set_position(position);
  response.set_event_id(event.event_id());
  response.set_duplicate(true);
  *response.mutable_recorded_at() = records->front().event().recorded_at();
  return response;
}

}  // namespace

std::string NewEventId() {
  thread_local absl::BitGen bitgen;
  const uint64_t high = absl::Uniform<uint64_t>(bitgen);
  const uint64_t low = absl::Uniform<uint64_t>(bitgen);
  return absl::StrFormat("%016x%016x", high, low);
}

absl::StatusOr<cti::v1::Event> PrepareAppend(const cti::v1::AppendRequest& request,
                                             const cti::v1::Actor& actor) {
  if (absl::Status s = CheckNoUnknownTopLevelFields(request, "AppendRequest"); !s.ok()) {
    return s;
  }
  if (!request.has_event()) return absl::InvalidArgumentError("event is required");
  return PrepareEvent(request.event(), "event", actor);
}

absl::StatusOr<cti::v1::Event> PrepareEvent(const cti::v1::Event& sent, const std::string& root,
                                            const cti::v1::Actor& actor) {
  if (absl::Status status = CheckNoUnknownFields(sent, root); !status.ok()) return status;
  cti::v1::Event event = sent;
  if (event.schema_version() == 0) event.set_schema_version(kEventSchemaVersion);
  if (event.schema_version() > kEventSchemaVersion) {
    return absl::InvalidArgumentError(absl::StrCat(root, ".schema_version ", event.schema_version(),
                                                   " is newer than this server speaks (",
                                                   kEventSchemaVersion, ")"));
  }
  if (event.tenant().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(root, ".tenant is required"));
  }
  if (event.has_call() && event.call().has_route_decided()) {
    return absl::InvalidArgumentError(absl::StrCat(
        root,
        ".call.route_decided: a decision trace is recorded by ctid itself when it answers "
        "Route for a call (RouteRequest.call_id); it cannot be appended"));
  }
  if (event.has_personal()) {
    return absl::InvalidArgumentError(absl::StrCat(
        root,
        ".personal: sealed personal data is made by the server from the payload's fields; "
        "send the fields themselves"));
  }
  *event.mutable_actor() = actor;
  event.clear_recorded_at();
  // TP-4.2: a CPR number typed into a message reception takes is masked here, before the
  // log, not refused: the caller is on the line and the message must not be lost. The
  // mask is shorter than any CPR number, so the text's length limit still holds.
  if (event.has_call() && event.call().has_message_taken()) {
    cti::v1::MessageTaken* taken = event.mutable_call()->mutable_message_taken();
    taken->set_text(cti::projections::internal::MaskCprNumbers(taken->text(), kCprMask));
    taken->set_caller_name(
        cti::projections::internal::MaskCprNumbers(taken->caller_name(), kCprMask));
  }
  if (event.event_id().empty()) event.set_event_id(NewEventId());
  return event;
}

absl::StatusOr<std::optional<cti::v1::AppendResponse>> CheckAppend(
    const cti::v1::Event& event, bool client_event_id, const cti::projections::Store& store,
    cti::log::EventLog& log) {
  if (client_event_id) {
    absl::StatusOr<uint64_t> original = store.EventPosition(event.tenant(), event.event_id());
    if (original.ok()) {
      absl::StatusOr<cti::v1::AppendResponse> repeat = AnswerRepeat(event, *original, log);
      if (!repeat.ok()) return repeat.status();
      return std::optional<cti::v1::AppendResponse>(*std::move(repeat));
    }
    if (!absl::IsNotFound(original.status())) return original.status();
  }
  if (absl::Status valid = cti::projections::Validate(store, event); !valid.ok()) return valid;
  return std::optional<cti::v1::AppendResponse>();
}

bool MayPassLater(const absl::Status& status) {
  return absl::IsNotFound(status) || absl::IsFailedPrecondition(status);
}

cti::v1::AppendResponse ResponseOf(const std::string& event_id,
                                   const cti::log::AppendResult& result) {
  cti::v1::AppendResponse response;
  response.set_position(result.position);
  response.set_event_id(event_id);
  response.set_duplicate(result.duplicate);
  *response.mutable_recorded_at() = ToProtoTimestamp(result.recorded_at);
  return response;
}

}  // namespace cti::server
