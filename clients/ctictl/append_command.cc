// `ctictl append FILE`: send a file of events, in order, through EventService.Append.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "commands.h"
#include "event_file.h"
#include "exit_codes.h"
#include "format.h"

namespace cti::ctictl {
namespace {

void PrintAppended(std::ostream& out, bool json, const ParsedEvent& parsed, size_t index,
                   const cti::v1::AppendResponse& response) {
  if (json) {
    out << "{\"location\":" << JsonQuote(parsed.location) << ",\"index\":" << index
        << ",\"response\":" << ToJson(response) << "}\n";
    return;
  }
  out << parsed.location << "  position " << response.position() << "  event_id "
      << response.event_id() << (response.duplicate() ? "  duplicate" : "") << "\n";
}

void PrintFailed(std::ostream& out, std::ostream& err, bool json, const ParsedEvent& parsed,
                 size_t index, size_t count, const grpc::Status& status) {
  err << "ctictl: append: " << parsed.location << " (event " << index + 1 << " of " << count
      << "): " << DescribeStatus(status) << "\n";
  if (json) {
    out << "{\"location\":" << JsonQuote(parsed.location) << ",\"index\":" << index
        << ",\"error\":{\"code\":" << JsonQuote(StatusCodeName(status.error_code()))
        << ",\"message\":" << JsonQuote(status.error_message()) << "}}\n";
  }
}

}  // namespace

int RunAppend(Connection& connection, const AppendOptions& options, std::istream& in,
              std::ostream& out, std::ostream& err) {
  absl::StatusOr<std::vector<ParsedEvent>> events = ReadEventFile(options.file, in);
  if (!events.ok()) {
    err << "ctictl: append: " << events.status().message() << "\n"
        << "ctictl: append: nothing was sent\n";
    return kExitBadInput;
  }
  return AppendParsedEvents(connection, options, *std::move(events), out, err);
}

int AppendParsedEvents(Connection& connection, const AppendOptions& options,
                       std::vector<ParsedEvent> events, std::ostream& out, std::ostream& err) {
  const std::string& tenant = connection.options().tenant;
  size_t appended = 0;
  size_t duplicates = 0;
  size_t failed = 0;
  int exit_code = kExitOk;
  for (size_t i = 0; i < events.size(); ++i) {
    ParsedEvent& parsed = events[i];
    cti::v1::AppendRequest request;
    *request.mutable_event() = std::move(parsed.event);
    if (request.event().tenant().empty()) request.mutable_event()->set_tenant(tenant);
    cti::v1::AppendResponse response;
    const grpc::Status status =
        connection.events().Append(connection.NewContext(true).get(), request, &response);
    if (status.ok()) {
      ++appended;
      if (response.duplicate()) ++duplicates;
      PrintAppended(out, options.json, parsed, i, response);
      continue;
    }
    ++failed;
    PrintFailed(out, err, options.json, parsed, i, events.size(), status);
    if (exit_code == kExitOk) exit_code = ExitCodeFor(status.error_code());
    if (!options.continue_on_error) {
      err << "ctictl: append: stopped; " << appended << " of " << events.size()
          << " events appended before it, none after\n";
      return exit_code;
    }
  }
  if (!options.json) {
    out << "appended " << appended << " of " << events.size() << " events";
    if (duplicates > 0) out << " (" << duplicates << " already present)";
    if (failed > 0) out << ", " << failed << " failed";
    out << "\n";
  }
  return exit_code;
}

}  // namespace cti::ctictl
