// `ctictl search` and `ctictl show` (DirectoryService).
#include <iostream>

#include "absl/strings/str_join.h"
#include "commands.h"
#include "directory_format.h"
#include "exit_codes.h"
#include "format.h"

namespace cti::ctictl {

int RunSearch(Connection& connection, const SearchOptions& options, std::ostream& out,
              std::ostream& err) {
  cti::v1::SearchRequest request;
  request.set_tenant(connection.options().tenant);
  request.set_query(absl::StrJoin(options.words, " "));
  if (options.kind == "employee") {
    request.set_kind(cti::v1::SEARCH_KIND_EMPLOYEE);
  } else if (options.kind == "unit") {
    request.set_kind(cti::v1::SEARCH_KIND_UNIT);
  } else if (!options.kind.empty()) {
    err << "ctictl: search: --kind must be employee or unit, not '" << options.kind << "'\n";
    return kExitUsage;
  }
  request.set_limit(options.limit);
  cti::v1::SearchResponse response;
  const grpc::Status status =
      connection.directory().Search(connection.NewContext(true).get(), request, &response);
  if (!status.ok()) return ReportRpcError(err, "search", status);
  out << (options.json ? ToJson(response) + "\n" : FormatSearchResults(response));
  return kExitOk;
}

int RunShow(Connection& connection, const ShowOptions& options, std::ostream& out,
            std::ostream& err) {
  const std::unique_ptr<grpc::ClientContext> context = connection.NewContext(true);
  if (options.unit) {
    cti::v1::GetUnitRequest request;
    request.set_tenant(connection.options().tenant);
    request.set_unit_id(options.id);
    cti::v1::GetUnitResponse response;
    const grpc::Status status = connection.directory().GetUnit(context.get(), request, &response);
    if (!status.ok()) return ReportRpcError(err, "show unit " + options.id, status);
    out << (options.json ? ToJson(response) + "\n" : FormatUnit(response));
    return kExitOk;
  }
  cti::v1::GetEmployeeRequest request;
  request.set_tenant(connection.options().tenant);
  request.set_employee_id(options.id);
  cti::v1::GetEmployeeResponse response;
  const grpc::Status status = connection.directory().GetEmployee(context.get(), request, &response);
  if (!status.ok()) return ReportRpcError(err, "show employee " + options.id, status);
  out << (options.json ? ToJson(response) + "\n" : FormatEmployee(response));
  return kExitOk;
}

}  // namespace cti::ctictl
