// The compliance report (AuditService.ComplianceReport) as a table, CSV and an SVG chart,
// for `ctictl report`.
#ifndef CTI_CLIENTS_CTICTL_REPORT_FORMAT_H_
#define CTI_CLIENTS_CTICTL_REPORT_FORMAT_H_

#include <string>

#include "absl/time/time.h"
#include "cti/v1/audit_service.pb.h"

namespace cti::ctictl {

// The report for a terminal: one row per unit (calls within phone hours with answer rate
// and wait percentiles, callbacks and voicemail on time), the totals, one row per rule
// (breaches, notes), then the findings, breaches marked "!", times in `zone`.
std::string FormatComplianceReport(const cti::v1::ComplianceReportResponse& report,
                                   absl::TimeZone zone);

// One CSV row per unit then one for the totals (unit_id "*"), with a header; RFC 4180
// quoting; rates as fractions with four decimals, waits in seconds (">600" beyond the
// last bound).
std::string ComplianceCsv(const cti::v1::ComplianceReportResponse& report);

// A self-contained SVG: per unit (and the total), horizontal bars of the answer rate
// within phone hours (TP-3.6) and of the callbacks made on time (TP-4.3), 0-100 %, with
// the figures written beside them; "n/a" where nothing was judged.
std::string ComplianceSvg(const cti::v1::ComplianceReportResponse& report);

}  // namespace cti::ctictl

#endif  // CTI_CLIENTS_CTICTL_REPORT_FORMAT_H_
