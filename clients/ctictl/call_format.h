// ctictl's text for the calls in progress (ctictl calls): a summary line, a table of
// the calls (longest waiting first) and counts per unit and employee.
//
// Pure functions, thread-compatible.
#ifndef CTI_CLIENTS_CTICTL_CALL_FORMAT_H_
#define CTI_CLIENTS_CTICTL_CALL_FORMAT_H_

#include <string>

#include "absl/time/time.h"
#include "cti/v1/call_service.pb.h"

namespace cti::ctictl {

// "waiting", "ringing", "talking" ("?" for an unset state).
std::string LiveStateLabel(cti::v1::LiveCallState state);

// The answer of ListLiveCalls as text; times of day in `zone`, durations up to `now`.
std::string FormatLiveCalls(const cti::v1::ListLiveCallsResponse& response, absl::Time now,
                            const absl::TimeZone& zone);

// The answer of ListCallCounts as text (ctictl call-counts): one row per unit and day
// and a total row. Within phone hours: offered, answered (by a person), reached
// voicemail, abandoned, failed, the answer rate (answered / offered), and the wait below which half
// and nine in ten of the answers came (the upper bound of the bucket holding them, e.g. "<=15s");
// then the whole day's offered and answered. "(none)" is the unit of calls of no unit.
std::string FormatCallCounts(const cti::v1::ListCallCountsResponse& response);

}  // namespace cti::ctictl

#endif  // CTI_CLIENTS_CTICTL_CALL_FORMAT_H_
