#include "server/wire_bytes.h"

#include <grpcpp/support/slice.h>

#include <utility>

namespace cti::server {

void AppendFieldHeader(std::string* out, uint32_t field, size_t size) {
  uint64_t tag = (static_cast<uint64_t>(field) << 3) | 2;  // wire type 2: length-delimited
  for (uint64_t v : {tag, static_cast<uint64_t>(size)}) {
    while (v >= 0x80) {
      out->push_back(static_cast<char>(v | 0x80));
      v >>= 7;
    }
    out->push_back(static_cast<char>(v));
  }
}

grpc::ByteBuffer OwningBuffer(std::string bytes) {
  auto* holder = new std::string(std::move(bytes));
  grpc::Slice slice(
      holder->data(), holder->size(), [](void* p) { delete static_cast<std::string*>(p); }, holder);
  return grpc::ByteBuffer(&slice, 1);
}

}  // namespace cti::server
