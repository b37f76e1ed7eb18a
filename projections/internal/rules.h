// The apply rules: one function per change, shared by Projector::Apply and Validate.
//
// Each rule checks the change's shape, then its preconditions against the state read
// through the Txn, and only then writes. Result: OK (applied) or a rule violation —
// INVALID_ARGUMENT naming the field (and TP rule), NOT_FOUND naming the missing record,
// FAILED_PRECONDITION naming the conflict — after which the caller discards what the
// rule wrote. Any other code is a storage failure. Rules read nothing but the event, its
// position and the stored state: no clock, no unordered iteration.
#ifndef CTI_PROJECTIONS_INTERNAL_RULES_H_
#define CTI_PROJECTIONS_INTERNAL_RULES_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "cti/v1/event.pb.h"
#include "projections/internal/shape.h"
#include "projections/internal/txn.h"

namespace cti::projections::internal {

struct ApplyMemo;

// Applies `event` at log `position` (0 when validating a command). `memo`, when given,
// carries what the rules may reuse within one batch (apply_memo.h).
absl::Status ApplyEvent(Txn& txn, const cti::v1::Event& event, uint64_t position,
                        ApplyMemo* memo = nullptr);

// The key under which `event`'s event_id is remembered (eventids family), or "" when
// the event has none or its tenant is malformed.
std::string EventIdKey(const cti::v1::Event& event);
// Appends EventIdKey(event) to `*out`; false (nothing appended) when it is "".
bool AppendEventIdKey(const cti::v1::Event& event, std::string* out);

// After `event` at `position` was rejected (and its writes discarded): remembers its
// event_id, when well-formed and new, so a later record with the same id is rejected as
// a duplicate whatever the state is by then.
absl::Status RememberRejectedEventId(Txn& txn, const cti::v1::Event& event, uint64_t position);

// True for the codes a rule answers with (the record is then rejected, not an error).
bool IsRuleViolation(const absl::Status& status);

// What every rule gets: the Txn, the event and where it stands in the log.
struct ApplyContext {
  Txn& txn;
  const cti::v1::Event& event;
  uint64_t position;
  std::string tenant_prefix;  // TenantPrefix(event.tenant())
  ApplyMemo* memo = nullptr;  // within a batch of the projector; else null
  // True when the record's personal data is erased (personal_data.h): the rules then
  // do not check the personal fields, which hold FillErasedPersonalData's values.
  bool personal_erased = false;
};

// Staff family: units (apply_unit.cc) and employees (apply_employee.cc).
absl::Status ApplyUnitDefined(ApplyContext& ctx, const FieldPath& path,
                              const cti::v1::UnitDefined& change);
absl::Status ApplyUnitRetired(ApplyContext& ctx, const FieldPath& path,
                              const cti::v1::UnitRetired& change);
absl::Status ApplyPhoneResponsibleAssigned(ApplyContext& ctx, const FieldPath& path,
                                           const cti::v1::PhoneResponsibleAssigned& change);
absl::Status ApplyPhoneResponsibleRemoved(ApplyContext& ctx, const FieldPath& path,
                                          const cti::v1::PhoneResponsibleRemoved& change);
absl::Status ApplyEmployeeHired(ApplyContext& ctx, const FieldPath& path,
                                const cti::v1::EmployeeHired& change);
absl::Status ApplyEmployeeMoved(ApplyContext& ctx, const FieldPath& path,
                                const cti::v1::EmployeeMoved& change);
absl::Status ApplyEmployeeContactChanged(ApplyContext& ctx, const FieldPath& path,
                                         const cti::v1::EmployeeContactChanged& change);
absl::Status ApplyEmployeeTasksChanged(ApplyContext& ctx, const FieldPath& path,
                                       const cti::v1::EmployeeTasksChanged& change);
absl::Status ApplyEmployeeListingChanged(ApplyContext& ctx, const FieldPath& path,
                                         const cti::v1::EmployeeListingChanged& change);
absl::Status ApplyEmployeeLeft(ApplyContext& ctx, const FieldPath& path,
                               const cti::v1::EmployeeLeft& change);

// Staff family: hours (apply_hours.cc).
absl::Status ApplyHoursSet(ApplyContext& ctx, const FieldPath& path,
                           const cti::v1::HoursSet& change);
absl::Status ApplyHoursCleared(ApplyContext& ctx, const FieldPath& path,
                               const cti::v1::HoursCleared& change);
absl::Status ApplyHoursChangeSet(ApplyContext& ctx, const FieldPath& path,
                                 const cti::v1::HoursChangeSet& change);
absl::Status ApplyHoursChangeRemoved(ApplyContext& ctx, const FieldPath& path,
                                     const cti::v1::HoursChangeRemoved& change);
absl::Status ApplyClosureDaysSet(ApplyContext& ctx, const FieldPath& path,
                                 const cti::v1::ClosureDaysSet& change);

// Staff family: routing rules (apply_routing.cc).
absl::Status ApplyGroupDefined(ApplyContext& ctx, const FieldPath& path,
                               const cti::v1::GroupDefined& change);
absl::Status ApplyGroupRetired(ApplyContext& ctx, const FieldPath& path,
                               const cti::v1::GroupRetired& change);
absl::Status ApplyUnitRoutingSet(ApplyContext& ctx, const FieldPath& path,
                                 const cti::v1::UnitRoutingSet& change);
absl::Status ApplyDistributionRulesSet(ApplyContext& ctx, const FieldPath& path,
                                       const cti::v1::DistributionRulesSet& change);
absl::Status ApplyDistributionRulesRemoved(ApplyContext& ctx, const FieldPath& path,
                                           const cti::v1::DistributionRulesRemoved& change);
absl::Status ApplyHotlineSet(ApplyContext& ctx, const FieldPath& path,
                             const cti::v1::HotlineSet& change);
absl::Status ApplyHotlineEnded(ApplyContext& ctx, const FieldPath& path,
                               const cti::v1::HotlineEnded& change);

// Calendar family (apply_calendar.cc). `path` is "calendar".
absl::Status ApplyCalendar(ApplyContext& ctx, const FieldPath& path,
                           const cti::v1::CalendarEvent& calendar);

// Privacy family (apply_privacy.cc). `path` is "privacy".
absl::Status ApplyPrivacy(ApplyContext& ctx, const FieldPath& path,
                          const cti::v1::PrivacyEvent& privacy);

// Call family (apply_call.cc). `path` is "call".
absl::Status ApplyCall(ApplyContext& ctx, const FieldPath& path, const cti::v1::CallEvent& call);

// Call family: callbacks (apply_callback.cc; TP-4.3, TP-3.14), dispatched by ApplyCall.
// `path` names the change, e.g. "call.callback_requested".
absl::Status ApplyCallbackRequested(ApplyContext& ctx, const FieldPath& path,
                                    const cti::v1::CallEvent& call);
absl::Status ApplyCallbackAssigned(ApplyContext& ctx, const FieldPath& path,
                                   const cti::v1::CallbackAssigned& change);
absl::Status ApplyCallbackCompleted(ApplyContext& ctx, const FieldPath& path,
                                    const cti::v1::CallbackCompleted& change);

// Call family: voicemail and greetings (apply_voicemail.cc; TP-3.14), dispatched by
// ApplyCall.
absl::Status ApplyVoicemailLeft(ApplyContext& ctx, const FieldPath& path,
                                const cti::v1::CallEvent& call);
absl::Status ApplyVoicemailListened(ApplyContext& ctx, const FieldPath& path,
                                    const cti::v1::VoicemailListened& change);
absl::Status ApplyVoicemailGreetingSet(ApplyContext& ctx, const FieldPath& path,
                                       const cti::v1::VoicemailGreetingSet& change);

// Call family: a message's e-mail delivered or finally failed (apply_message_delivery.cc,
// dispatched by ApplyCall). `path` is "call.message_delivered" /
// "call.message_delivery_failed".
absl::Status ApplyMessageDelivered(ApplyContext& ctx, const FieldPath& path,
                                   const cti::v1::MessageDelivered& change);
absl::Status ApplyMessageDeliveryFailed(ApplyContext& ctx, const FieldPath& path,
                                        const cti::v1::MessageDeliveryFailed& change);

}  // namespace cti::projections::internal

#endif  // CTI_PROJECTIONS_INTERNAL_RULES_H_
