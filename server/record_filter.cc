#include "server/record_filter.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "server/log/event_log.h"

namespace cti::server {
namespace {

using cti::v1::LogRecord;

cti::v1::Family FamilyOf(const cti::v1::Event& event) {
  switch (event.payload_case()) {
    case cti::v1::Event::kCall:
      return cti::v1::FAMILY_CALL;
    case cti::v1::Event::kStaff:
      return cti::v1::FAMILY_STAFF;
    case cti::v1::Event::kCalendar:
      return cti::v1::FAMILY_CALENDAR;
    case cti::v1::Event::kPrivacy:
      return cti::v1::FAMILY_PRIVACY;
    case cti::v1::Event::PAYLOAD_NOT_SET:
      break;
  }
  return cti::v1::FAMILY_UNSPECIFIED;
}

// True when a string field of `message` (nested messages and repeated ones included)
// whose name `wanted` accepts holds a value `accept` accepts.
template <typename NameFn, typename ValueFn>
bool AnyIdIn(const google::protobuf::Message& message, const NameFn& wanted,
             const ValueFn& accept) {
  const google::protobuf::Reflection* reflection = message.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const google::protobuf::FieldDescriptor* field : fields) {
    if (field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_STRING &&
        !field->is_repeated() && wanted(field->name())) {
      if (accept(reflection->GetString(message, field))) return true;
    } else if (field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
          if (AnyIdIn(reflection->GetRepeatedMessage(message, field, i), wanted, accept)) {
            return true;
          }
        }
      } else if (AnyIdIn(reflection->GetMessage(message, field), wanted, accept)) {
        return true;
      }
    }
  }
  return false;
}

// The payload of `event` (not the envelope's actor), or nullptr.
const google::protobuf::Message* PayloadOf(const cti::v1::Event& event) {
  switch (event.payload_case()) {
    case cti::v1::Event::kCall:
      return &event.call();
    case cti::v1::Event::kStaff:
      return &event.staff();
    case cti::v1::Event::kCalendar:
      return &event.calendar();
    case cti::v1::Event::kPrivacy:
      return &event.privacy();
    case cti::v1::Event::PAYLOAD_NOT_SET:
      break;
  }
  return nullptr;
}

bool IsEmployeeField(const std::string& name) { return name == "employee_id"; }
// unit_id, to_unit_id, parent_unit_id, ...
bool IsUnitField(const std::string& name) { return absl::EndsWith(name, "unit_id"); }

// The employee filter: the payload names the employee in an employee_id field.
bool NamesEmployee(const cti::v1::Event& event, const std::string& employee_id) {
  const google::protobuf::Message* payload = PayloadOf(event);
  return payload != nullptr && AnyIdIn(*payload, IsEmployeeField, [&](const std::string& value) {
           return value == employee_id;
         });
}

// The unit filter: the payload names the unit, or one of `members` as employee_id.
bool NamesUnit(const cti::v1::Event& event, const std::string& unit_id,
               const absl::flat_hash_set<std::string>& members) {
  const google::protobuf::Message* payload = PayloadOf(event);
  if (payload == nullptr) return false;
  return AnyIdIn(*payload, IsUnitField,
                 [&](const std::string& value) { return value == unit_id; }) ||
         AnyIdIn(*payload, IsEmployeeField,
                 [&](const std::string& value) { return members.contains(value); });
}

// Follows the unit's membership through a staff record (applied or not: a rejected
// record changes nothing).
void FollowMembership(const LogRecord& record, const std::string& unit_id,
                      absl::flat_hash_set<std::string>* members) {
  if (record.outcome().rejected() || !record.event().has_staff()) return;
  const cti::v1::StaffEvent& staff = record.event().staff();
  if (staff.has_employee_hired() && staff.employee_hired().employee().unit_id() == unit_id) {
    members->insert(staff.employee_hired().employee().employee_id());
  } else if (staff.has_employee_moved()) {
    const cti::v1::EmployeeMoved& moved = staff.employee_moved();
    if (moved.to_unit_id() == unit_id) {
      members->insert(moved.employee_id());
    } else {
      members->erase(moved.employee_id());
    }
  } else if (staff.has_employee_left()) {
    members->erase(staff.employee_left().employee_id());
  }
}

}  // namespace

absl::StatusOr<RecordFilter> RecordFilter::Make(const Spec& spec) {
  if (spec.tenant.empty()) return absl::InvalidArgumentError("tenant is required");
  RecordFilter filter;
  filter.tenant_ = spec.tenant;
  if (spec.families != nullptr) {
    bool all = false;
    for (int i = 0; i < spec.families->size(); ++i) {
      const int family = spec.families->Get(i);
      if (!cti::v1::Family_IsValid(family)) {
        return absl::InvalidArgumentError(
            absl::StrCat("families[", i, "]: unknown family ", family));
      }
      if (family == cti::v1::FAMILY_UNSPECIFIED) all = true;
      filter.families_.insert(family);
    }
    if (all) filter.families_.clear();
  }
  if (spec.kinds != nullptr) {
    for (int i = 0; i < spec.kinds->size(); ++i) {
      const std::string& kind = spec.kinds->Get(i);
      if (!cti::log::AllEventTypes().contains(kind)) {
        return absl::InvalidArgumentError(
            absl::StrCat("kinds[", i, "]: unknown event type '", kind,
                         "' (a family and a change, e.g. call.offered or staff.employee_hired)"));
      }
      filter.kinds_.insert(kind);
    }
  }
  if (!spec.unit_id.empty() && !spec.employee_id.empty()) {
    return absl::InvalidArgumentError("unit_id, employee_id: give at most one of them");
  }
  filter.employee_id_ = spec.employee_id;
  filter.unit_id_ = spec.unit_id;
  filter.actor_id_ = spec.actor_id;
  filter.rejected_only_ = spec.rejected_only;
  return filter;
}

bool RecordFilter::InScope(const LogRecord& record) const {
  if (record.event().tenant() != tenant_) return false;
  if (!follows_people()) return true;
  if (record.event().has_call() && calls_.contains(record.event().call().call_id())) return true;
  if (!employee_id_.empty()) return NamesEmployee(record.event(), employee_id_);
  return NamesUnit(record.event(), unit_id_, members_);
}

bool RecordFilter::Matches(const LogRecord& record) const {
  if (!families_.empty() && !families_.contains(FamilyOf(record.event()))) return false;
  if (!kinds_.empty() && !kinds_.contains(cti::log::EventTypeOf(record.event()))) return false;
  if (!actor_id_.empty() && record.event().actor().id() != actor_id_) return false;
  if (rejected_only_ && !record.outcome().rejected()) return false;
  return InScope(record);
}

void RecordFilter::Follow(const LogRecord& record) {
  if (!follows_people()) return;
  if (!unit_id_.empty()) FollowMembership(record, unit_id_, &members_);
  const cti::v1::Event& event = record.event();
  if (!event.has_call() || event.call().call_id().empty() || record.outcome().rejected()) return;
  const cti::v1::CallEvent& call = event.call();
  if (call.has_ended() || call.has_abandoned() || call.has_failed()) {
    calls_.erase(call.call_id());
  } else if (call.has_offered() || call.has_ringing() || call.has_answered() ||
             call.has_transferred() || call.has_branch_failed()) {
    calls_.insert(call.call_id());
  }
}

}  // namespace cti::server
