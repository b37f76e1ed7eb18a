// ctictl's text for callbacks (ctictl callbacks; TP-4.3) and the voicemail duty (ctictl
// voicemail; TP-3.14): a summary line, then tables. Times in the zone passed in.
//
// Pure functions, thread-compatible.
#ifndef CTI_CLIENTS_CTICTL_CALLBACK_FORMAT_H_
#define CTI_CLIENTS_CTICTL_CALLBACK_FORMAT_H_

#include <string>

#include "absl/time/time.h"
#include "cti/v1/call_service.pb.h"

namespace cti::ctictl {

// "citizen", "colleague", "reception", "voicemail", "-" (not stated).
std::string CallbackSourceLabel(cti::v1::CallbackSource source);

// "employee e1", "unit skat", "number +4512345678", "-".
std::string CallTargetLabel(const cti::v1::CallTarget& target);

// The answer of ListCallbacks: "callbacks at <at>: N open, M overdue", then one row per
// callback (due, state, id, number to call, assignee, unit, source, requested, notes).
std::string FormatCallbacks(const cti::v1::ListCallbacksResponse& response,
                            const absl::TimeZone& zone);

// The answer of GetVoicemailDuty: "voicemail duty at <at>: N units, M flagged", the
// mailboxes not listened to, then the greetings and their check against the hours.
std::string FormatVoicemailDuty(const cti::v1::GetVoicemailDutyResponse& response,
                                const absl::TimeZone& zone);

}  // namespace cti::ctictl

#endif  // CTI_CLIENTS_CTICTL_CALLBACK_FORMAT_H_
