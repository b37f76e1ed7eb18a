// The one place where absl::Status becomes grpc::Status, and absl::Time becomes a
// protobuf Timestamp, at the gRPC edge of the server.
//
// absl::StatusCode values are gRPC's codes, so the mapping is 1:1 and the message is
// kept unchanged (it names the field, record or rule at fault).
#ifndef CTI_SERVER_STATUS_MAPPING_H_
#define CTI_SERVER_STATUS_MAPPING_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace cti::server {

// Same code, same message.
grpc::Status ToGrpcStatus(const absl::Status& status);

// `t` as a Timestamp (UTC). Infinite times clamp to the Timestamp range.
google::protobuf::Timestamp ToProtoTimestamp(absl::Time t);

}  // namespace cti::server

#endif  // CTI_SERVER_STATUS_MAPPING_H_
