// SubscribeStream: one EventService.Subscribe call (see event_service.proto).
//
// Operation: the stream registers with the SubscriptionHub first, which tells it the
// position published so far (P). Records up to P are read from the log (catch-up, on the
// work pool, outcomes from Store::OutcomeAt); live batches that arrive meanwhile only
// raise the catch-up target. When catch-up has reached every position published, the
// stream turns live and takes records from the hub's batches, dropping positions it
// has already passed: no gap, no duplicate at the handover.
// Flow control: at most one write is in flight. Catch-up pauses while the buffer is full.
// A live batch that does not fit (more than Options::subscriber_buffer records queued)
// ends this stream alone with RESOURCE_EXHAUSTED "subscriber fell behind; resume with
// after_position=N", N being the last position delivered. The projector never waits.
// Heartbeats: when no record flowed for heartbeat_seconds (on the injected clock) and
// nothing is queued, a Heartbeat carries the position up to which the stream is
// complete.
// Concurrency: callbacks come from gRPC, the projector (OnBatch), the timer and the
// work pool; one mutex guards the state and no gRPC operation is started under it.
#ifndef CTI_SERVER_SUBSCRIBE_STREAM_H_
#define CTI_SERVER_SUBSCRIBE_STREAM_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/server_callback.h>

#include "cti/v1/event_service.pb.h"
#include "server/service_deps.h"

namespace cti::server {

// Starts the stream for the serialized cti.v1.SubscribeRequest `request` (read at once).
// The stream writes serialized cti.v1.SubscribeResponse messages: a live record is
// serialized once and its bytes shared by every stream that sends it. The reactor owns
// itself and is released after gRPC calls OnDone.
grpc::ServerWriteReactor<grpc::ByteBuffer>* StartSubscribeStream(
    grpc::CallbackServerContext* context, const ServiceDeps& deps, const grpc::ByteBuffer& request);

}  // namespace cti::server

#endif  // CTI_SERVER_SUBSCRIBE_STREAM_H_
