// Human-readable output of RouteService answers (`ctictl route`, `ctictl check`).
//
// Times are shown in `zone` (Europe/Copenhagen, see LocalZone) as e.g.
// "Mon 2024-03-04 08:00 CET". Pure functions; thread-compatible.
#ifndef CTI_CLIENTS_CTICTL_ROUTE_FORMAT_H_
#define CTI_CLIENTS_CTICTL_ROUTE_FORMAT_H_

#include <google/protobuf/timestamp.pb.h>

#include <string>

#include "absl/time/time.h"
#include "cti/v1/audit_service.pb.h"
#include "cti/v1/route_service.pb.h"

namespace cti::ctictl {

// STEP_KIND_HUNT_GROUP -> "hunt group".
std::string StepKindLabel(cti::v1::StepKind kind);

// "calendar entry sick-1 of anna", "distribution rules kontanthjælp v3 of ydelse".
std::string DecidingRecordLabel(const cti::v1::DecidingRecord& record);

// "Mon 2024-03-04 08:00 CET" in `zone`; "-" when unset (zero).
std::string FormatLocalMinute(const google::protobuf::Timestamp& timestamp,
                              const absl::TimeZone& zone);

// The whole answer: the resolved target and instant, the numbered steps (kind, name and
// id, number, ring seconds, group members, why, rules), "Tell the caller:" (direct
// number or "unlisted: give the unit's number", the unit and its number, open now until
// HH:MM or closed and the next opening, the hours, when the employee is available again,
// what to say), then the reasons trail with rule ids and deciding records.
std::string FormatRoute(const cti::v1::RouteResponse& response, const absl::TimeZone& zone);

// What an answer about the past knew (AuditService.RouteAsOf), one line:
// "Known: the log up to position 1234, recorded Mon 2024-03-04 10:58 CET" ("nothing of
// the log" for position 0).
std::string FormatKnowledge(const cti::v1::RouteAsOfResponse& response, const absl::TimeZone& zone);

// The TP-4.8 findings as a table (KIND, ID, RULE, PROBLEM) under a count, or a line
// saying there are none; both with the position checked.
std::string FormatCheck(const cti::v1::CheckResponse& response);

}  // namespace cti::ctictl

#endif  // CTI_CLIENTS_CTICTL_ROUTE_FORMAT_H_
