// Availability from Route's calendar reading and the busy index; the switchboard
// snapshot from one read view.
#include "projections/presence.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "projections/internal/directory_records.h"
#include "projections/internal/keys.h"
#include "projections/internal/live_calls_read.h"
#include "projections/internal/routing_records.h"
#include "projections/internal/snapshot_read.h"
#include "projections/internal/status_macros.h"
#include "projections/route/route_context.h"

namespace cti::projections {
namespace {

using internal::Cf;
using internal::Txn;

google::protobuf::Timestamp ToProto(absl::Time t) {
  google::protobuf::Timestamp ts;
  const int64_t seconds = absl::ToUnixSeconds(t);
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>((t - absl::FromUnixSeconds(seconds)) / absl::Nanoseconds(1)));
  return ts;
}

// "til kl. 11.00" the same local day, else "til mandag 14. dec. kl. 8.00".
std::string UntilDa(const route::RouteContext& ctx, absl::Time until) {
  if (until == absl::InfiniteFuture()) return "indtil videre";
  if (absl::ToCivilDay(until, ctx.zone) == absl::ToCivilDay(ctx.at, ctx.zone)) {
    const absl::CivilSecond local = absl::ToCivilSecond(until, ctx.zone);
    return absl::StrFormat("til kl. %d.%02d", local.hour(), local.minute());
  }
  return absl::StrCat("til ", ctx.LocalDa(until));
}

// The availability of `employee` at ctx.at.
absl::StatusOr<cti::v1::Availability> AvailabilityOf(route::RouteContext& ctx,
                                                     const cti::v1::Employee& employee) {
  cti::v1::Availability out;
  *out.mutable_at() = ToProto(ctx.at);
  if (!employee.active()) {
    out.set_state(cti::v1::AVAILABILITY_STATE_LEFT);
    out.set_text("fratrådt");
    return out;
  }
  CTI_ASSIGN_OR_RETURN(route::Presence presence, route::PresenceOf(ctx, employee.employee_id()));
  if (!presence.available) {
    out.set_state(cti::v1::AVAILABILITY_STATE_ABSENT);
    out.set_absence(presence.entry->kind());
    if (presence.available_from != absl::InfiniteFuture()) {
      *out.mutable_until() = ToProto(presence.available_from);
    }
    out.set_text(absl::StrCat(route::AbsenceDa(presence.entry->kind()), " ",
                              UntilDa(ctx, presence.available_from)));
    return out;
  }
  // Live state is read for now only; the calendar for any instant.
  ctx.live = true;
  CTI_ASSIGN_OR_RETURN(std::string call_id, route::OnCallOf(ctx, employee.employee_id()));
  if (!call_id.empty()) {
    out.set_state(cti::v1::AVAILABILITY_STATE_ON_CALL);
    out.set_call_id(call_id);
    out.set_text("taler i telefon");
    return out;
  }
  if (presence.tentative) {
    const absl::Time end = absl::FromUnixSeconds(presence.entry->end().seconds());
    out.set_state(cti::v1::AVAILABILITY_STATE_TENTATIVE);
    out.set_absence(presence.entry->kind());
    *out.mutable_until() = ToProto(end);
    out.set_text(absl::StrCat("måske ", route::AbsenceDa(presence.entry->kind()), " ",
                              UntilDa(ctx, end), " (foreløbig)"));
    return out;
  }
  out.set_state(cti::v1::AVAILABILITY_STATE_FREE);
  out.set_text("ledig");
  return out;
}

cti::v1::EmployeeAvailability Entry(const cti::v1::Employee& employee,
                                    cti::v1::Availability availability) {
  cti::v1::EmployeeAvailability entry;
  entry.set_employee_id(employee.employee_id());
  entry.set_full_name(employee.full_name());
  entry.set_unit_id(employee.unit_id());
  entry.set_extension(employee.extension());
  *entry.mutable_availability() = std::move(availability);
  return entry;
}

}  // namespace

absl::StatusOr<std::vector<cti::v1::EmployeeAvailability>> PresenceView::Of(
    const std::string& tenant, absl::Span<const std::string> employee_ids, absl::Time at) const {
  if (tenant.empty()) return absl::InvalidArgumentError("tenant is required");
  internal::SnapshotRead read(*store_);
  const std::string t = internal::TenantPrefix(tenant);
  cti::v1::RouteResponse unused;
  route::RouteContext ctx{read.txn(), t, at, zone_, &unused, nullptr, 0, std::nullopt, nullptr, {}};
  ctx.tenant = tenant;
  std::vector<cti::v1::EmployeeAvailability> out;
  out.reserve(employee_ids.size());
  for (size_t i = 0; i < employee_ids.size(); ++i) {
    cti::v1::Employee employee;
    CTI_ASSIGN_OR_RETURN(bool found,
                         internal::LoadEmployee(read.txn(), t, employee_ids[i], &employee));
    if (!found) return internal::NotFound(absl::StrCat("employee_ids[", i, "]"), employee_ids[i]);
    CTI_ASSIGN_OR_RETURN(cti::v1::Availability availability, AvailabilityOf(ctx, employee));
    out.push_back(Entry(employee, std::move(availability)));
  }
  return out;
}

absl::StatusOr<cti::v1::SwitchboardSnapshot> PresenceView::Switchboard(const Scope& scope,
                                                                       int partition,
                                                                       absl::Time at) const {
  if (scope.tenant.empty()) return absl::InvalidArgumentError("tenant is required");
  internal::SnapshotRead read(*store_);
  Txn& txn = read.txn();
  cti::v1::SwitchboardSnapshot snapshot;
  std::string checkpoint;
  CTI_ASSIGN_OR_RETURN(bool has_checkpoint,
                       txn.Get(Cf::kMeta, internal::CheckpointKey(partition), &checkpoint));
  if (has_checkpoint && checkpoint.size() == 8) {
    snapshot.set_position(internal::DecodeBigEndian64(checkpoint));
  }
  *snapshot.mutable_at() = ToProto(at);

  cti::v1::ListLiveCallsRequest calls_request;
  calls_request.set_tenant(scope.tenant);
  calls_request.set_unit_id(scope.unit_id);
  calls_request.set_employee_id(scope.employee_id);
  CTI_ASSIGN_OR_RETURN(cti::v1::ListLiveCallsResponse calls,
                       internal::ListLiveCallsIn(txn, calls_request));
  for (cti::v1::LiveCall& call : *calls.mutable_calls()) {
    *snapshot.add_calls() = std::move(call);
  }

  const std::string t = internal::TenantPrefix(scope.tenant);
  std::vector<cti::v1::Employee> employees;
  if (!scope.employee_id.empty()) {
    cti::v1::Employee employee;
    CTI_ASSIGN_OR_RETURN(bool found, internal::LoadEmployee(txn, t, scope.employee_id, &employee));
    if (!found) return internal::NotFound("employee_id", scope.employee_id);  // checked above
    if (employee.active()) employees.push_back(std::move(employee));
  } else if (!scope.unit_id.empty()) {
    std::vector<std::string> ids;
    const std::string prefix = internal::TaggedKey(t, internal::kMemberTag, scope.unit_id, "");
    CTI_RETURN_IF_ERROR(
        txn.Scan(Cf::kDirectory, prefix, [&](absl::string_view key, absl::string_view) {
          ids.emplace_back(key.substr(prefix.size()));
          return true;
        }));
    for (const std::string& id : ids) {
      cti::v1::Employee employee;
      CTI_ASSIGN_OR_RETURN(bool found, internal::LoadEmployee(txn, t, id, &employee));
      if (found && employee.active()) employees.push_back(std::move(employee));
    }
  } else {
    const std::string prefix = internal::TaggedKey(t, internal::kEmployeeTag, "");
    absl::Status parsed = absl::OkStatus();
    CTI_RETURN_IF_ERROR(
        txn.Scan(Cf::kDirectory, prefix, [&](absl::string_view, absl::string_view value) {
          cti::v1::Employee employee;
          if (!employee.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
            parsed = absl::DataLossError("an employee record does not parse");
            return false;
          }
          if (employee.active()) employees.push_back(std::move(employee));
          return true;
        }));
    CTI_RETURN_IF_ERROR(parsed);
  }
  std::sort(employees.begin(), employees.end(),
            [](const cti::v1::Employee& a, const cti::v1::Employee& b) {
              return a.employee_id() < b.employee_id();
            });
  cti::v1::RouteResponse unused;
  route::RouteContext ctx{txn, t, at, zone_, &unused, nullptr, 0, std::nullopt, nullptr, {}};
  ctx.tenant = scope.tenant;
  for (const cti::v1::Employee& employee : employees) {
    CTI_ASSIGN_OR_RETURN(cti::v1::Availability availability, AvailabilityOf(ctx, employee));
    *snapshot.add_employees() = Entry(employee, std::move(availability));
  }
  return snapshot;
}

}  // namespace cti::projections
