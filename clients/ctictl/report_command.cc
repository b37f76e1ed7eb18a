// ctictl report: the compliance report of a period (AuditService.ComplianceReport).
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "commands.h"
#include "exit_codes.h"
#include "format.h"
#include "report_format.h"

namespace cti::ctictl {
namespace {

// Writes `text` to `path`; false (after saying why on `err`) when it cannot.
bool WriteFile(const std::string& path, const std::string& text, const char* flag,
               std::ostream& err) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) {
    err << "ctictl: report: " << flag << ": cannot write " << path << "\n";
    return false;
  }
  return true;
}

}  // namespace

int RunReport(Connection& connection, const ReportOptions& options, std::ostream& out,
              std::ostream& err) {
  cti::v1::ComplianceReportRequest request;
  request.set_tenant(connection.options().tenant);
  request.set_from_day(options.from_day);
  request.set_to_day(options.to_day.empty() ? options.from_day : options.to_day);
  request.set_unit_id(options.unit_id);
  cti::v1::ComplianceReportResponse response;
  const grpc::Status status =
      connection.audit().ComplianceReport(connection.NewContext(true).get(), request, &response);
  if (!status.ok()) return ReportRpcError(err, "report", status);
  out << (options.json ? ToJson(response) + "\n" : FormatComplianceReport(response, LocalZone()));
  bool written = true;
  if (!options.csv_path.empty()) {
    written = WriteFile(options.csv_path, ComplianceCsv(response), "--csv", err) && written;
  }
  if (!options.json_path.empty()) {
    written = WriteFile(options.json_path, ToJson(response) + "\n", "--json-file", err) && written;
  }
  if (!options.svg_path.empty()) {
    written = WriteFile(options.svg_path, ComplianceSvg(response), "--svg", err) && written;
  }
  return written ? kExitOk : kExitBadInput;
}

}  // namespace cti::ctictl
