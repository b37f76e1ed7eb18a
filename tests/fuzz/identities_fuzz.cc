// ctid's identities file parser (server/credentials.h): any text is parsed or refused
// with INVALID_ARGUMENT naming a line; never a crash. A parsed file knows no more
// identities than it has lines.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/str_split.h"
#include "server/credentials.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<cti::server::Identities> parsed = cti::server::Identities::Parse(text, "f");
  if (parsed.ok()) {
    const size_t lines =
        static_cast<std::vector<absl::string_view>>(absl::StrSplit(text, '\n')).size();
    if (parsed->size() > lines) std::abort();
  } else if (parsed.status().code() != absl::StatusCode::kInvalidArgument ||
             parsed.status().message().rfind("f:", 0) != 0) {
    std::abort();
  }
  return 0;
}
