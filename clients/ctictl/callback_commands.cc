// ctictl callbacks and ctictl voicemail: the callbacks promised (TP-4.3) and the
// voicemail duty (TP-3.14).
#include "callback_format.h"
#include "commands.h"
#include "exit_codes.h"
#include "format.h"
#include "route_commands.h"

namespace cti::ctictl {
namespace {

// Sets `*at` from --at; false (after saying why on `err`) when it does not parse.
bool SetAt(const std::string& text, const char* command, google::protobuf::Timestamp* at,
           std::ostream& err) {
  if (text.empty()) return true;
  absl::StatusOr<absl::Time> parsed = ParseAt(text, LocalZone());
  if (!parsed.ok()) {
    err << "ctictl: " << command << ": --at: " << parsed.status().message() << "\n";
    return false;
  }
  *at = ToTimestamp(*parsed);
  return true;
}

}  // namespace

int RunCallbacks(Connection& connection, const CallbacksOptions& options, std::ostream& out,
                 std::ostream& err) {
  if (options.overdue && options.completed) {
    err << "ctictl: callbacks: --overdue and --completed exclude each other\n";
    return kExitUsage;
  }
  cti::v1::ListCallbacksRequest request;
  request.set_tenant(connection.options().tenant);
  request.set_filter(options.overdue     ? cti::v1::CALLBACK_FILTER_OVERDUE
                     : options.completed ? cti::v1::CALLBACK_FILTER_COMPLETED
                                         : cti::v1::CALLBACK_FILTER_OPEN);
  request.set_unit_id(options.unit_id);
  request.set_employee_id(options.employee_id);
  if (!SetAt(options.at, "callbacks", request.mutable_at(), err)) return kExitUsage;
  if (options.at.empty()) request.clear_at();
  cti::v1::ListCallbacksResponse response;
  const grpc::Status status =
      connection.calls().ListCallbacks(connection.NewContext(true).get(), request, &response);
  if (!status.ok()) return ReportRpcError(err, "callbacks", status);
  out << (options.json ? ToJson(response) + "\n" : FormatCallbacks(response, LocalZone()));
  return kExitOk;
}

int RunVoicemail(Connection& connection, const VoicemailOptions& options, std::ostream& out,
                 std::ostream& err) {
  cti::v1::GetVoicemailDutyRequest request;
  request.set_tenant(connection.options().tenant);
  request.set_unit_id(options.unit_id);
  if (!SetAt(options.at, "voicemail", request.mutable_at(), err)) return kExitUsage;
  if (options.at.empty()) request.clear_at();
  cti::v1::GetVoicemailDutyResponse response;
  const grpc::Status status =
      connection.calls().GetVoicemailDuty(connection.NewContext(true).get(), request, &response);
  if (!status.ok()) return ReportRpcError(err, "voicemail", status);
  out << (options.json ? ToJson(response) + "\n" : FormatVoicemailDuty(response, LocalZone()));
  return kExitOk;
}

}  // namespace cti::ctictl
