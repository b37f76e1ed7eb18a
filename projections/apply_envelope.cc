// The envelope rules every record meets, apply-time event_id dedupe, and dispatch to the
// family rules.
#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "cti/v1/common.pb.h"
#include "projections/internal/apply_memo.h"
#include "projections/internal/keys.h"
#include "projections/internal/rules.h"
#include "projections/internal/shape.h"
#include "projections/personal_data.h"
#include "projections/store.h"

namespace cti::projections::internal {
namespace {

// The payload schema version this projector understands.
constexpr uint32_t kPayloadSchemaVersion = 1;

absl::Status CheckEnvelope(const cti::v1::Event& event) {
  if (!event.event_id().empty()) {
    if (absl::Status s = CheckOpaqueId(FieldPath("event_id"), event.event_id()); !s.ok()) return s;
  }
  if (absl::Status s = CheckId(FieldPath("tenant"), event.tenant()); !s.ok()) return s;
  if (absl::Status s = CheckTimestamp(FieldPath("occurred_at"), event.has_occurred_at(),
                                      event.occurred_at(), /*required=*/true);
      !s.ok()) {
    return s;
  }
  if (!cti::v1::Role_IsValid(event.actor().role()) ||
      event.actor().role() == cti::v1::ROLE_UNSPECIFIED) {
    return InvalidField(FieldPath("actor") / "role", "must be given");
  }
  if (absl::Status s =
          CheckOptionalText(FieldPath("actor") / "id", event.actor().id(), kMaxNameChars);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckOptionalText(FieldPath("correlation_id"), event.correlation_id(),
                                         kMaxCorrelationIdChars);
      !s.ok()) {
    return s;
  }
  if (event.schema_version() > kPayloadSchemaVersion) {
    return InvalidField(
        FieldPath("schema_version"),
        absl::StrCat("version ", event.schema_version(), " is newer than this server understands (",
                     kPayloadSchemaVersion, ")"));
  }
  return absl::OkStatus();
}

absl::Status ApplyStaff(ApplyContext& ctx, const cti::v1::StaffEvent& staff) {
  const FieldPath path("staff");
  using S = cti::v1::StaffEvent;
  switch (staff.change_case()) {
    case S::kUnitDefined:
      return ApplyUnitDefined(ctx, path / "unit_defined", staff.unit_defined());
    case S::kUnitRetired:
      return ApplyUnitRetired(ctx, path / "unit_retired", staff.unit_retired());
    case S::kEmployeeHired:
      return ApplyEmployeeHired(ctx, path / "employee_hired", staff.employee_hired());
    case S::kEmployeeMoved:
      return ApplyEmployeeMoved(ctx, path / "employee_moved", staff.employee_moved());
    case S::kEmployeeContactChanged:
      return ApplyEmployeeContactChanged(ctx, path / "employee_contact_changed",
                                         staff.employee_contact_changed());
    case S::kEmployeeTasksChanged:
      return ApplyEmployeeTasksChanged(ctx, path / "employee_tasks_changed",
                                       staff.employee_tasks_changed());
    case S::kEmployeeListingChanged:
      return ApplyEmployeeListingChanged(ctx, path / "employee_listing_changed",
                                         staff.employee_listing_changed());
    case S::kEmployeeLeft:
      return ApplyEmployeeLeft(ctx, path / "employee_left", staff.employee_left());
    case S::kPhoneResponsibleAssigned:
      return ApplyPhoneResponsibleAssigned(ctx, path / "phone_responsible_assigned",
                                           staff.phone_responsible_assigned());
    case S::kPhoneResponsibleRemoved:
      return ApplyPhoneResponsibleRemoved(ctx, path / "phone_responsible_removed",
                                          staff.phone_responsible_removed());
    case S::kHoursSet:
      return ApplyHoursSet(ctx, path / "hours_set", staff.hours_set());
    case S::kHoursCleared:
      return ApplyHoursCleared(ctx, path / "hours_cleared", staff.hours_cleared());
    case S::kHoursChangeSet:
      return ApplyHoursChangeSet(ctx, path / "hours_change_set", staff.hours_change_set());
    case S::kHoursChangeRemoved:
      return ApplyHoursChangeRemoved(ctx, path / "hours_change_removed",
                                     staff.hours_change_removed());
    case S::kClosureDaysSet:
      return ApplyClosureDaysSet(ctx, path / "closure_days_set", staff.closure_days_set());
    case S::kGroupDefined:
      return ApplyGroupDefined(ctx, path / "group_defined", staff.group_defined());
    case S::kGroupRetired:
      return ApplyGroupRetired(ctx, path / "group_retired", staff.group_retired());
    case S::kUnitRoutingSet:
      return ApplyUnitRoutingSet(ctx, path / "unit_routing_set", staff.unit_routing_set());
    case S::kDistributionRulesSet:
      return ApplyDistributionRulesSet(ctx, path / "distribution_rules_set",
                                       staff.distribution_rules_set());
    case S::kDistributionRulesRemoved:
      return ApplyDistributionRulesRemoved(ctx, path / "distribution_rules_removed",
                                           staff.distribution_rules_removed());
    case S::kHotlineSet:
      return ApplyHotlineSet(ctx, path / "hotline_set", staff.hotline_set());
    case S::kHotlineEnded:
      return ApplyHotlineEnded(ctx, path / "hotline_ended", staff.hotline_ended());
    case S::CHANGE_NOT_SET:
      break;
  }
  return InvalidField(path / "change", "exactly one change is required");
}

}  // namespace

std::string EventIdKey(const cti::v1::Event& event) {
  std::string key;
  AppendEventIdKey(event, &key);
  return key;
}

bool AppendEventIdKey(const cti::v1::Event& event, std::string* out) {
  if (event.event_id().empty() || !IsValidId(event.tenant())) return false;
  const size_t length = std::min<size_t>(event.tenant().size(), 255);
  out->push_back(static_cast<char>(length));
  out->append(event.tenant().data(), length);
  out->append(event.event_id());
  return true;
}

bool IsRuleViolation(const absl::Status& status) {
  return status.code() == absl::StatusCode::kInvalidArgument ||
         status.code() == absl::StatusCode::kNotFound ||
         status.code() == absl::StatusCode::kFailedPrecondition;
}

absl::Status ApplyEvent(Txn& txn, const cti::v1::Event& sent, uint64_t position, ApplyMemo* memo) {
  // Staff and routing records may change what the memo holds (apply_memo.h).
  if (memo != nullptr && sent.payload_case() != cti::v1::Event::kCall &&
      sent.payload_case() != cti::v1::Event::kCalendar) {
    memo->Clear();
  }
  if (absl::Status s = CheckEnvelope(sent); !s.ok()) return s;
  // Still sealed: a key of one of its subjects is erased (personal_data.h).
  std::optional<cti::v1::Event> erased;
  if (sent.has_personal()) {
    erased.emplace(sent);
    erased->clear_personal();
    FillErasedPersonalData(&*erased);
  }
  const cti::v1::Event& event = erased.has_value() ? *erased : sent;
  ApplyContext ctx{txn, event, position, TenantPrefix(event.tenant()), memo, erased.has_value()};

  // The Kafka backend cannot promise unique event_ids; the first record wins.
  std::string event_key;
  if (!event.event_id().empty()) {
    event_key = ctx.tenant_prefix + event.event_id();
    std::string earlier;
    absl::StatusOr<bool> seen = txn.Get(Cf::kEventIds, event_key, &earlier);
    if (!seen.ok()) return seen.status();
    if (*seen) {
      return absl::FailedPreconditionError(
          absl::StrCat("event_id '", event.event_id(), "' is a duplicate of position ",
                       earlier.size() == 8 ? DecodeBigEndian64(earlier) : 0));
    }
  }

  absl::Status applied;
  switch (event.payload_case()) {
    case cti::v1::Event::kStaff:
      applied = ApplyStaff(ctx, event.staff());
      break;
    case cti::v1::Event::kCalendar:
      applied = ApplyCalendar(ctx, FieldPath("calendar"), event.calendar());
      break;
    case cti::v1::Event::kCall:
      applied = ApplyCall(ctx, FieldPath("call"), event.call());
      break;
    case cti::v1::Event::kPrivacy:
      applied = ApplyPrivacy(ctx, FieldPath("privacy"), event.privacy());
      break;
    case cti::v1::Event::PAYLOAD_NOT_SET:
      applied = InvalidField(FieldPath("payload"),
                             "exactly one of call, staff, calendar, privacy is required");
      break;
  }
  if (!applied.ok() || event_key.empty()) return applied;
  return txn.Put(Cf::kEventIds, event_key, EncodeBigEndian64(position));
}

absl::Status RememberRejectedEventId(Txn& txn, const cti::v1::Event& event, uint64_t position) {
  if (!CheckOpaqueId(FieldPath("event_id"), event.event_id()).ok()) return absl::OkStatus();
  const std::string key = EventIdKey(event);
  if (key.empty()) return absl::OkStatus();
  std::string earlier;
  absl::StatusOr<bool> seen = txn.Get(Cf::kEventIds, key, &earlier);
  if (!seen.ok()) return seen.status();
  if (*seen) return absl::OkStatus();  // the first record keeps the id
  return txn.Put(Cf::kEventIds, key, EncodeBigEndian64(position));
}

}  // namespace cti::projections::internal
