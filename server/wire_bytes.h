// Building serialized protobuf responses by hand, for streams that send records
// serialized once (Subscribe's live records, shared by every stream) or appended one by
// one as they are read (Replay): the bytes of a message whose repeated field holds them
// are the field's header, then each record's bytes.
#ifndef CTI_SERVER_WIRE_BYTES_H_
#define CTI_SERVER_WIRE_BYTES_H_

#include <grpcpp/support/byte_buffer.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace cti::server {

// Appends the header of protobuf's length-delimited field `field` holding `size` bytes
// (its tag, then its length); the caller appends the `size` bytes.
void AppendFieldHeader(std::string* out, uint32_t field, size_t size);

// A ByteBuffer that owns `bytes` (no copy).
grpc::ByteBuffer OwningBuffer(std::string bytes);

}  // namespace cti::server

#endif  // CTI_SERVER_WIRE_BYTES_H_
