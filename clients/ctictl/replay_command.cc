// `ctictl replay`: a closed range of a tenant's history (AuditService.Replay).
#include <chrono>
#include <iostream>
#include <optional>

#include "absl/strings/numbers.h"
#include "commands.h"
#include "exit_codes.h"
#include "format.h"
#include "record_format.h"
#include "route_commands.h"
#include "watch_cursor.h"

namespace cti::ctictl {
namespace {

constexpr int kBarWidth = 30;
constexpr std::chrono::milliseconds kRedrawInterval{100};

// Sets the request's position or time bound from --from or --to (`flag`); false (after
// saying why on `err`) when `text` is neither a position nor an instant.
bool SetBound(const std::string& text, const char* flag, bool is_from,
              cti::v1::ReplayRequest* request, std::ostream& err) {
  if (text.empty()) return true;
  uint64_t position = 0;
  if (absl::SimpleAtoi(text, &position)) {
    if (is_from) {
      request->set_from_position(position);
    } else {
      request->set_to_position(position);
    }
    return true;
  }
  absl::StatusOr<absl::Time> at = ParseAt(text, LocalZone());
  if (!at.ok()) {
    err << "ctictl: replay: " << flag << ": a position or an instant, e.g. 1200 or "
        << "2024-11-29T10:30 (" << at.status().message() << ")\n";
    return false;
  }
  *(is_from ? request->mutable_from_time() : request->mutable_to_time()) = ToTimestamp(*at);
  return true;
}

}  // namespace

int RunReplay(Connection& connection, const ReplayOptions& options, std::ostream& out,
              std::ostream& progress) {
  cti::v1::ReplayRequest request;
  request.set_tenant(connection.options().tenant);
  if (!SetBound(options.from, "--from", true, &request, progress) ||
      !SetBound(options.to, "--to", false, &request, progress)) {
    return kExitUsage;
  }
  for (const std::string& name : options.families) {
    cti::v1::Family family;
    if (!ParseFamily(name, &family)) {
      progress << "ctictl: replay: unknown family '" << name << "' (call, staff or calendar)\n";
      return kExitUsage;
    }
    request.add_families(family);
  }
  for (const std::string& kind : options.kinds) request.add_kinds(kind);
  request.set_employee_id(options.employee_id);
  request.set_unit_id(options.unit_id);
  request.set_actor_id(options.actor_id);
  request.set_rejected_only(options.rejected_only);

  const absl::TimeZone zone = LocalZone();
  const auto started = std::chrono::steady_clock::now();
  std::unique_ptr<grpc::ClientContext> context = connection.NewContext(false);
  auto reader = connection.audit().Replay(context.get(), request);
  cti::v1::ReplayResponse response;
  cti::v1::ReplayResponse last;
  uint64_t records = 0;
  std::optional<std::chrono::steady_clock::time_point> last_drawn;
  const auto seconds_since = [&started](std::chrono::steady_clock::time_point now) {
    return std::chrono::duration<double>(now - started).count();
  };
  while (reader->Read(&response)) {
    for (const cti::v1::LogRecord& record : response.records()) {
      if (options.json) {
        out << ToJson(record, /*print_defaults=*/false) << "\n";
      } else {
        out << FormatLogRecord(record, zone) << "\n";
      }
    }
    records += static_cast<uint64_t>(response.records_size());
    response.clear_records();
    last = response;
    if (!options.interactive) continue;
    const auto now = std::chrono::steady_clock::now();
    if (last_drawn.has_value() && now - *last_drawn < kRedrawInterval) continue;
    last_drawn = now;
    out.flush();
    progress << "\rreplay " << RenderReplayProgress(last, records, seconds_since(now), kBarWidth)
             << "\033[K";
    progress.flush();
  }
  out.flush();
  const grpc::Status status = reader->Finish();
  if (options.interactive && last_drawn.has_value()) progress << "\r\033[K";
  if (!status.ok()) return ReportRpcError(progress, "replay", status);
  progress << "replay: "
           << RenderReplayProgress(last, records, seconds_since(std::chrono::steady_clock::now()),
                                   0)
           << "\n";
  return kExitOk;
}

}  // namespace cti::ctictl
