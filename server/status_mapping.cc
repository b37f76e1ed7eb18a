#include "server/status_mapping.h"

#include <cstdint>
#include <string>

namespace cti::server {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

google::protobuf::Timestamp ToProtoTimestamp(absl::Time t) {
  // The range of google.protobuf.Timestamp: 0001-01-01 to 9999-12-31.
  constexpr int64_t kMinSeconds = -62135596800;
  constexpr int64_t kMaxSeconds = 253402300799;
  google::protobuf::Timestamp out;
  if (t == absl::InfinitePast()) {
    out.set_seconds(kMinSeconds);
    return out;
  }
  if (t == absl::InfiniteFuture()) {
    out.set_seconds(kMaxSeconds);
    out.set_nanos(999999999);
    return out;
  }
  const int64_t seconds = absl::ToUnixSeconds(t);
  const absl::Duration rest = t - absl::FromUnixSeconds(seconds);
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(rest)));
  return out;
}

}  // namespace cti::server
