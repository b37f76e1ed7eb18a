// ctictl calls: the calls in progress; ctictl call-counts: the calls counted per unit and
// day (TP-3.6).
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

int RunCallCounts(Connection& connection, const CallCountsOptions& options, std::ostream& out,
                  std::ostream& err) {
  cti::v1::ListCallCountsRequest request;
  request.set_tenant(connection.options().tenant);
  request.set_from_day(options.from_day);
  request.set_to_day(options.to_day);
  request.set_unit_id(options.unit_id);
  cti::v1::ListCallCountsResponse response;
  const grpc::Status status =
      connection.calls().ListCallCounts(connection.NewContext(true).get(), request, &response);
  if (!status.ok()) return ReportRpcError(err, "call-counts", status);
  out << (options.json ? ToJson(response) + "\n" : FormatCallCounts(response));
  return kExitOk;
}

}  // namespace cti::ctictl
