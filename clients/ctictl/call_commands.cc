// ctictl calls: the calls in progress.
#include "absl/time/clock.h"
#include "call_format.h"
#include "commands.h"
#include "exit_codes.h"
#include "format.h"

namespace cti::ctictl {

int RunCalls(Connection& connection, const CallsOptions& options, std::ostream& out,
             std::ostream& err) {
  cti::v1::ListLiveCallsRequest request;
  request.set_tenant(connection.options().tenant);
  request.set_unit_id(options.unit_id);
  request.set_employee_id(options.employee_id);
  cti::v1::ListLiveCallsResponse response;
  const grpc::Status status =
      connection.calls().ListLiveCalls(connection.NewContext(true).get(), request, &response);
  if (!status.ok()) return ReportRpcError(err, "calls", status);
  out << (options.json ? ToJson(response) + "\n"
                       : FormatLiveCalls(response, absl::Now(), LocalZone()));
  return kExitOk;
}

}  // namespace cti::ctictl
