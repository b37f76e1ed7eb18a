// `ctictl status` and `ctictl rebuild` (AdminService), `ctictl erase` (EventService).
#include <chrono>
#include <iostream>
#include <optional>

#include "commands.h"
#include "exit_codes.h"
#include "format.h"
#include "google/protobuf/util/time_util.h"
#include "record_format.h"

namespace cti::ctictl {
namespace {

constexpr int kBarWidth = 30;
// How often progress is drawn: often enough to look live on a terminal, rarely enough
// not to flood a log file.
constexpr std::chrono::milliseconds kRedrawInterval{100};
constexpr std::chrono::milliseconds kLineInterval{1000};

}  // namespace

int RunStatus(Connection& connection, const StatusOptions& options, std::ostream& out,
              std::ostream& err) {
  cti::v1::GetStatusRequest request;
  request.set_tenant(connection.options().tenant);
  cti::v1::GetStatusResponse response;
  const grpc::Status status =
      connection.admin().GetStatus(connection.NewContext(true).get(), request, &response);
  if (!status.ok()) return ReportRpcError(err, "status", status);
  if (options.json) {
    out << ToJson(response) << "\n";
  } else {
    out << FormatStatus(response, connection.options().server, connection.options().tenant,
                        LocalZone());
  }
  return kExitOk;
}

int RunRebuild(Connection& connection, const RebuildOptions& options, std::ostream& out,
               std::ostream& progress) {
  std::unique_ptr<grpc::ClientContext> context = connection.NewContext(false);
  auto reader = connection.admin().Rebuild(context.get(), cti::v1::RebuildRequest());
  cti::v1::RebuildProgress message;
  cti::v1::RebuildProgress last;
  bool done = false;
  std::optional<std::chrono::steady_clock::time_point> last_drawn;
  const auto interval = options.interactive ? kRedrawInterval : kLineInterval;
  while (reader->Read(&message)) {
    last = message;
    done = done || message.done();
    const auto now = std::chrono::steady_clock::now();
    if (!message.done() && last_drawn.has_value() && now - *last_drawn < interval) continue;
    last_drawn = now;
    if (options.interactive) {
      progress << "\rrebuild " << RenderProgress(message, kBarWidth) << "\033[K";
    } else {
      progress << "rebuild: " << RenderProgress(message, 0) << "\n";
    }
    progress.flush();
  }
  if (options.interactive && last_drawn.has_value()) {
    progress << "\n";
  }
  const grpc::Status status = reader->Finish();
  if (!status.ok()) return ReportRpcError(progress, "rebuild", status);
  if (!done) {
    progress << "ctictl: rebuild: the server ended the stream before the rebuild was done\n";
    return kExitServerRefused;
  }
  if (options.json) {
    out << ToJson(last) << "\n";
  } else {
    out << "rebuilt " << last.applied() << " records\n"
        << "state digest " << last.state_digest() << "\n";
  }
  return kExitOk;
}

int RunErase(Connection& connection, const EraseOptions& options, std::ostream& out,
             std::ostream& err) {
  const int named = (options.employee_id.empty() ? 0 : 1) +
                    (options.caller_number.empty() ? 0 : 1) + (options.message_id.empty() ? 0 : 1);
  if (named != 1) {
    err << "ctictl: erase: name exactly one of --employee, --caller, --message\n";
    return kExitUsage;
  }
  ParsedEvent parsed;
  parsed.location = "erase";
  cti::v1::Event& event = parsed.event;
  *event.mutable_occurred_at() = google::protobuf::util::TimeUtil::GetCurrentTime();
  cti::v1::PersonalDataErased* erased = event.mutable_privacy()->mutable_personal_data_erased();
  if (!options.employee_id.empty()) erased->set_employee_id(options.employee_id);
  if (!options.caller_number.empty()) erased->set_caller_number(options.caller_number);
  if (!options.message_id.empty()) erased->set_message_id(options.message_id);
  erased->set_reason(options.reason);
  AppendOptions append;
  append.json = options.json;
  std::vector<ParsedEvent> events;
  events.push_back(std::move(parsed));
  return AppendParsedEvents(connection, append, std::move(events), out, err);
}

}  // namespace cti::ctictl
