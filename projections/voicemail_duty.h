// VoicemailDuty: who has voicemail to listen to, and whether the greetings are right
// (CallService.GetVoicemailDuty; TP-3.14: voicemail is listened to every day, and a
// greeting is correct and always starts with the normal hours).
//
// Reads one consistent snapshot per call: the unlistened index (calls family, T 'q' 'u'
// unit NUL left callback_id) and the greetings (T 'q' 'g'), kept by apply_voicemail.cc,
// plus the units' names and phone hours (with inheritance, as Route reads them). Its
// cost grows with the voicemails not listened to and the greetings recorded, not with
// all voicemails ever left. Knows nothing of gRPC or the clock.
//
// Example:
//   cti::v1::GetVoicemailDutyRequest request;
//   request.set_tenant("demo");
//   absl::StatusOr<cti::v1::GetVoicemailDutyResponse> duty =
//       VoicemailDuty(store, zone).Get(request, clock->Now());
#ifndef CTI_PROJECTIONS_VOICEMAIL_DUTY_H_
#define CTI_PROJECTIONS_VOICEMAIL_DUTY_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cti/v1/call_service.pb.h"
#include "projections/store.h"

namespace cti::projections {

// True when `greeting` starts with `normal_hours` in the normal form documented at
// cti.v1.GreetingStatus: leading spaces skipped; an optional "Telefontid" or
// "Telefontiden er" with an optional colon first; ASCII case, runs of white space,
// spaces around a dash, and en/em dash against hyphen ignored; and the hours not
// followed by more digits ("fre 8–14" does not match "fre 8–14.30"). Pure.
bool GreetingStartsWithHours(absl::string_view greeting, absl::string_view normal_hours);

// Thread safety: safe to use from many threads at once.
class VoicemailDuty {
 public:
  // `store` must outlive the view; `zone` is the municipality's ("today" is local).
  VoicemailDuty(const Store* store, absl::TimeZone zone) : store_(store), zone_(zone) {}

  // See CallService.GetVoicemailDuty. `now` stands in for an unset request.at. Errors:
  // INVALID_ARGUMENT naming the field (tenant, at); NOT_FOUND naming a unit never
  // defined. The position field of the answer is left 0 (the caller knows it).
  absl::StatusOr<cti::v1::GetVoicemailDutyResponse> Get(
      const cti::v1::GetVoicemailDutyRequest& request, absl::Time now) const;

 private:
  const Store* store_;
  absl::TimeZone zone_;
};

}  // namespace cti::projections

#endif  // CTI_PROJECTIONS_VOICEMAIL_DUTY_H_
