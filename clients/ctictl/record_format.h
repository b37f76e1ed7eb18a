// Human-readable output of log records, server status and rebuild progress
// (`ctictl watch`, `ctictl status`, `ctictl rebuild`).
//
// Pure functions; thread-compatible.
#ifndef CTI_CLIENTS_CTICTL_RECORD_FORMAT_H_
#define CTI_CLIENTS_CTICTL_RECORD_FORMAT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cti/v1/admin_service.pb.h"
#include "cti/v1/audit_service.pb.h"
#include "cti/v1/event.pb.h"

namespace cti::ctictl {

// "staff/employee_hired": the payload family and the kind of change, as the .proto
// names them. "(no payload)" when the event has none.
std::string ChangeKind(const cti::v1::Event& event);

// The identifiers a record is about, "employee_id=e1 unit_id=borgerservice", from every
// set string field of the payload whose name ends in "_id" (nested ones too, e.g. a
// call's target). A name seen twice is qualified by its parent field
// ("destination.employee_id=e2").
std::string KeyIds(const cti::v1::Event& event);

// One line (without '\n') for a log record: position, recorded_at in `zone`, change
// kind, actor and role, key ids, and "REJECTED: <reason>" when the projector rejected
// it. E.g.
//   #17  2024-11-29 17:38:05 CET  staff/employee_hired  by anna (admin)  employee_id=e1
std::string FormatLogRecord(const cti::v1::LogRecord& record, const absl::TimeZone& zone);

// GetStatus as a heading ("ctid 0.1.0 at 127.0.0.1:7878") and label/value lines:
// tenant, backend, log end, applied and lag, digest, schema version, record counters,
// start time in `zone`.
std::string FormatStatus(const cti::v1::GetStatusResponse& status, absl::string_view server,
                         absl::string_view tenant, const absl::TimeZone& zone);

// The share of a rebuild done, in [0, 1]. `total` may be passed by `applied` (records
// arriving during the rebuild); the share is then 1. With total 0 it is 1 when done.
double RebuildFraction(const cti::v1::RebuildProgress& progress);

// "[#########-----------]  1234/5000   24.7%  12345 rec/s" with a bar of `bar_width`
// characters (no bar when 0).
std::string RenderProgress(const cti::v1::RebuildProgress& progress, int bar_width);

// Replay progress: "[#####---------]  positions 1200/5000   24.0%  37 records
// 250000 pos/s" with a bar of `bar_width` characters (no bar when 0). `response` is the
// latest ReplayResponse (its range and scanned_through); `records` the records
// received so far; `seconds` the time since the replay began.
std::string RenderReplayProgress(const cti::v1::ReplayResponse& response, uint64_t records,
                                 double seconds, int bar_width);

}  // namespace cti::ctictl

#endif  // CTI_CLIENTS_CTICTL_RECORD_FORMAT_H_
