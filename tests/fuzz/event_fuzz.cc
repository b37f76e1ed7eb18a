// Event decoding at the server's edge: any bytes either fail to parse as a cti.v1.Event
// or go through PrepareEvent (unknown fields, schema version, stamping, CPR masking in
// messages) without a crash; what PrepareEvent accepts carries the caller's actor and no
// CPR number in a message's text or caller name.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "cti/v1/event.pb.h"
#include "projections/internal/cpr.h"
#include "server/append.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cti::v1::Event event;
  if (!event.ParseFromArray(data, static_cast<int>(size))) return 0;
  cti::v1::Actor actor;
  actor.set_id("fuzz");
  actor.set_role(cti::v1::ROLE_RECEPTION);
  absl::StatusOr<cti::v1::Event> prepared = cti::server::PrepareEvent(event, "event", actor);
  if (!prepared.ok()) return 0;
  if (prepared->actor().id() != "fuzz") std::abort();
  if (prepared->has_call() && prepared->call().has_message_taken()) {
    const cti::v1::MessageTaken& taken = prepared->call().message_taken();
    using cti::projections::internal::ContainsCprNumber;
    if (ContainsCprNumber(taken.text()) || ContainsCprNumber(taken.caller_name())) std::abort();
  }
  return 0;
}
