// The outbox view: the outbox index, each message's record, and the directory records
// that give the recipient's address.
#include "projections/outbox.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "projections/internal/directory_records.h"
#include "projections/internal/keys.h"
#include "projections/internal/message_records.h"
#include "projections/internal/snapshot_read.h"
#include "projections/internal/state.pb.h"
#include "projections/internal/status_macros.h"

namespace cti::projections {
namespace {

using internal::Cf;

absl::Time ToTime(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

MessageState StateOf(state::MessageDelivery delivery) {
  switch (delivery) {
    case state::MESSAGE_DELIVERY_DELIVERED:
      return MessageState::kDelivered;
    case state::MESSAGE_DELIVERY_FAILED:
      return MessageState::kFailed;
    default:
      return MessageState::kPending;
  }
}

// Sets the address, recipient name or the reason there is none (see outbox.h).
absl::Status ResolveAddress(internal::Txn& txn, absl::string_view t, OutboxMessage* out) {
  const cti::v1::CallTarget& target = out->for_target;
  std::string unit_id;
  std::string why;
  if (target.has_employee_id()) {
    cti::v1::Employee employee;
    CTI_ASSIGN_OR_RETURN(bool found,
                         internal::LoadEmployee(txn, t, target.employee_id(), &employee));
    if (!found) {
      out->no_address_reason =
          absl::StrCat("no e-mail address: employee '", target.employee_id(), "' is unknown");
      return absl::OkStatus();
    }
    if (employee.active() && !employee.email().empty()) {
      out->address = employee.email();
      out->recipient_name = employee.full_name();
      return absl::OkStatus();
    }
    unit_id = employee.unit_id();
    why = absl::StrCat("employee '", target.employee_id(), "' ",
                       employee.active() ? "has none" : "has left");
  } else if (target.has_unit_id()) {
    unit_id = target.unit_id();
  } else {
    out->no_address_reason = "no e-mail address: the message is for a number, not a person";
    return absl::OkStatus();
  }
  cti::v1::Unit unit;
  CTI_ASSIGN_OR_RETURN(bool found, internal::LoadUnit(txn, t, unit_id, &unit));
  if (found && !unit.email().empty()) {
    out->address = unit.email();
    out->recipient_name = unit.name();
    return absl::OkStatus();
  }
  out->no_address_reason =
      absl::StrCat("no e-mail address: ", why.empty() ? "" : absl::StrCat(why, " and "), "unit '",
                   unit_id, "' ", found ? "has none" : "is unknown");
  return absl::OkStatus();
}

// Reads message `message_id` (NOT_FOUND when never taken) and resolves its address.
absl::StatusOr<OutboxMessage> Load(internal::Txn& txn, absl::string_view tenant,
                                   absl::string_view t, absl::string_view message_id) {
  state::Message message;
  CTI_ASSIGN_OR_RETURN(bool found,
                       txn.GetProto(Cf::kCalls, internal::MessageKey(t, message_id), &message));
  if (!found) return internal::NotFound("message_id", message_id);
  OutboxMessage out;
  out.tenant = std::string(tenant);
  out.message_id = message.taken().message_id();
  out.call_id = message.call_id();
  out.for_target = message.taken().for_target();
  out.caller_name = message.taken().caller_name();
  out.callback_number = message.taken().callback_number();
  out.text = message.taken().text();
  out.callback_wanted = message.taken().callback_wanted();
  out.taken_at = ToTime(message.taken_at());
  out.position = message.position();
  out.state = StateOf(message.delivery());
  out.delivery_address = message.delivery_address();
  out.delivery_detail = message.delivery_detail();
  out.delivery_attempts = message.delivery_attempts();
  out.delivery_position = message.delivery_position();
  CTI_RETURN_IF_ERROR(ResolveAddress(txn, t, &out));
  return out;
}

}  // namespace

absl::StatusOr<std::vector<OutboxMessage>> Outbox::Pending(absl::string_view tenant,
                                                           size_t limit) const {
  if (tenant.empty()) return absl::InvalidArgumentError("tenant is required");
  internal::SnapshotRead read(*store_);
  internal::Txn& txn = read.txn();
  const std::string t = internal::TenantPrefix(tenant);
  const std::string prefix = internal::OutboxKey(t, "");
  std::vector<std::string> ids;
  CTI_RETURN_IF_ERROR(txn.Scan(Cf::kCalls, prefix, [&](absl::string_view key, absl::string_view) {
    ids.emplace_back(key.substr(prefix.size()));
    return limit == 0 || ids.size() < limit;
  }));
  std::vector<OutboxMessage> pending;
  pending.reserve(ids.size());
  for (const std::string& id : ids) {
    absl::StatusOr<OutboxMessage> message = Load(txn, tenant, t, id);
    if (absl::IsNotFound(message.status())) {
      return absl::DataLossError(absl::StrCat("outbox message '", id, "' has no record"));
    }
    if (!message.ok()) return message.status();
    pending.push_back(*std::move(message));
  }
  return pending;
}

absl::StatusOr<OutboxMessage> Outbox::Get(absl::string_view tenant,
                                          absl::string_view message_id) const {
  if (tenant.empty()) return absl::InvalidArgumentError("tenant is required");
  internal::SnapshotRead read(*store_);
  return Load(read.txn(), tenant, internal::TenantPrefix(tenant), message_id);
}

absl::StatusOr<std::vector<std::string>> Outbox::TenantsWithPending() const {
  internal::SnapshotRead read(*store_);
  internal::Txn& txn = read.txn();
  std::vector<std::string> tenants;
  std::string start;
  while (true) {
    // The next tenant with call records: the first key at or after `start`.
    std::string t;
    CTI_RETURN_IF_ERROR(
        txn.ScanFrom(Cf::kCalls, "", start, [&](absl::string_view key, absl::string_view) {
          const size_t length = static_cast<unsigned char>(key[0]);
          t = std::string(key.substr(0, 1 + length));
          return false;
        }));
    if (t.empty()) break;
    bool pending = false;
    CTI_RETURN_IF_ERROR(
        txn.Scan(Cf::kCalls, internal::OutboxKey(t, ""), [&](absl::string_view, absl::string_view) {
          pending = true;
          return false;
        }));
    if (pending) tenants.push_back(t.substr(1));
    start = internal::PrefixSuccessor(t);
    if (start.empty()) break;
  }
  return tenants;
}

}  // namespace cti::projections
