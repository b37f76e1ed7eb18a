// ctictl's JSON input (`ctictl append`, clients/ctictl/event_file.h): any text is parsed
// into events or refused with INVALID_ARGUMENT naming where; never a crash, never a
// partial result.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "clients/ctictl/event_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::vector<cti::ctictl::ParsedEvent>> events =
      cti::ctictl::ParseEvents(text, "fuzz.jsonl");
  if (events.ok()) {
    if (events->empty()) std::abort();  // "a text with no event at all is an error"
  } else if (events.status().code() != absl::StatusCode::kInvalidArgument) {
    std::abort();
  }
  return 0;
}
