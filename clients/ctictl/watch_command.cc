// `ctictl watch`: follow a tenant's log live, reconnecting after breaks.
#include <chrono>
#include <iostream>

#include "commands.h"
#include "exit_codes.h"
#include "format.h"
#include "record_format.h"
#include "watch_cursor.h"

namespace cti::ctictl {
namespace {

constexpr std::chrono::milliseconds kFirstRetryDelay{200};
constexpr std::chrono::milliseconds kMaxRetryDelay{10000};

bool IsRetryable(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::RESOURCE_EXHAUSTED;
}

}  // namespace

int RunWatch(Connection& connection, const WatchOptions& options, std::ostream& out,
             std::ostream& err, StopSignal& stop) {
  std::vector<cti::v1::Family> families;
  for (const std::string& name : options.families) {
    cti::v1::Family family;
    if (!ParseFamily(name, &family)) {
      err << "ctictl: watch: unknown family '" << name << "' (call, staff or calendar)\n";
      return kExitUsage;
    }
    families.push_back(family);
  }
  const absl::TimeZone zone = LocalZone();
  ResumeCursor cursor(options.from_position > 0 ? options.from_position - 1 : 0, options.from_now);
  Backoff backoff(kFirstRetryDelay, kMaxRetryDelay);
  while (!stop.stopped()) {
    std::unique_ptr<grpc::ClientContext> context = connection.NewContext(false);
    stop.SetActiveCall(context.get());
    cti::v1::SubscribeRequest request =
        cursor.Request(connection.options().tenant, families, options.heartbeat_seconds);
    for (const std::string& kind : options.kinds) request.add_kinds(kind);
    request.set_employee_id(options.employee_id);
    auto reader = connection.events().Subscribe(context.get(), request);
    cti::v1::SubscribeResponse response;
    while (reader->Read(&response)) {
      backoff.Reset();
      if (response.has_heartbeat()) {
        cursor.OnHeartbeat(response.heartbeat().applied_position());
        continue;
      }
      if (!response.has_record() || !cursor.Accept(response.record().position())) continue;
      if (options.json) {
        out << ToJson(response.record(), /*print_defaults=*/false) << "\n";
      } else {
        out << FormatLogRecord(response.record(), zone) << "\n";
      }
      out.flush();
    }
    const grpc::Status status = reader->Finish();
    stop.SetActiveCall(nullptr);
    if (stop.stopped()) break;
    if (!status.ok() && !IsRetryable(status.error_code())) {
      return ReportRpcError(err, "watch", status);
    }
    const std::chrono::milliseconds delay = backoff.Next();
    err << "ctictl: watch: "
        << (status.ok() ? std::string("the server closed the stream") : DescribeStatus(status))
        << "; reconnecting in " << delay.count() << " ms, resuming "
        << (!cursor.position_known() ? std::string("from now")
            : cursor.last_position() == 0
                ? std::string("from the start of the log")
                : "after position " + std::to_string(cursor.last_position()))
        << "\n";
    if (!stop.SleepFor(delay)) break;
  }
  return kExitOk;
}

}  // namespace cti::ctictl
