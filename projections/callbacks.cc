// The callbacks view: the open and completed indexes, each callback's state.
#include "projections/callbacks.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "projections/internal/directory_records.h"
#include "projections/internal/keys.h"
#include "projections/internal/reception_records.h"
#include "projections/internal/shape.h"
#include "projections/internal/snapshot_read.h"
#include "projections/internal/state.pb.h"
#include "projections/internal/status_macros.h"

namespace cti::projections {
namespace {

using internal::Cf;

cti::v1::PromisedCallback ToAnswer(const state::Callback& callback, absl::Time at) {
  cti::v1::PromisedCallback out;
  out.set_callback_id(callback.requested().callback_id());
  out.set_call_id(callback.call_id());
  out.set_source(callback.requested().source());
  *out.mutable_assignee() = callback.assignee();
  out.set_unit_id(callback.unit_id());
  out.set_callback_number(callback.requested().callback_number());
  *out.mutable_requested_at() = callback.requested_at();
  *out.mutable_due_at() = callback.due_at();
  out.set_due_next_phone_day(callback.due_next_phone_day());
  out.set_overdue(!callback.completed() && internal::AbslTimeOf(callback.due_at()) < at);
  out.set_completed(callback.completed());
  if (callback.completed()) *out.mutable_completed_at() = callback.completed_at();
  out.set_reassignments(callback.reassignments());
  return out;
}

// Reads the callback an index key names (its id follows the prefix and 8 time bytes).
absl::Status LoadIndexed(internal::Txn& txn, const std::string& t, absl::string_view key,
                         size_t prefix_size, state::Callback* callback) {
  const absl::string_view id = key.substr(prefix_size + 8);
  CTI_ASSIGN_OR_RETURN(bool found,
                       txn.GetProto(Cf::kCalls, internal::CallbackKey(t, id), callback));
  if (!found) return absl::DataLossError(absl::StrCat("indexed callback '", id, "' has no state"));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<cti::v1::ListCallbacksResponse> Callbacks::List(
    const cti::v1::ListCallbacksRequest& request, absl::Time now) const {
  using internal::FieldPath;
  if (request.tenant().empty()) return absl::InvalidArgumentError("tenant: is required");
  if (!request.unit_id().empty() && !request.employee_id().empty()) {
    return absl::InvalidArgumentError("unit_id, employee_id: give at most one of them");
  }
  if (!cti::v1::CallbackFilter_IsValid(request.filter())) {
    return absl::InvalidArgumentError(
        absl::StrCat("filter: unknown value ", static_cast<int>(request.filter())));
  }
  CTI_RETURN_IF_ERROR(internal::CheckTimestamp(FieldPath("at"), request.has_at(), request.at(),
                                               /*required=*/false));
  CTI_RETURN_IF_ERROR(internal::CheckTimestamp(FieldPath("completed_since"),
                                               request.has_completed_since(),
                                               request.completed_since(), /*required=*/false));
  if (request.limit() > kMaxCallbackLimit) {
    return absl::InvalidArgumentError(absl::StrCat("limit: at most ", kMaxCallbackLimit));
  }
  const absl::Time at = request.has_at() ? internal::AbslTimeOf(request.at()) : now;
  const absl::Time since =
      request.has_completed_since()
          ? internal::AbslTimeOf(request.completed_since())
          : absl::FromCivil(absl::CivilDay(absl::ToCivilDay(at, zone_)), zone_);
  if (since > at) return absl::InvalidArgumentError("completed_since: must not be after at");
  const uint32_t limit = request.limit() == 0 ? kDefaultCallbackLimit : request.limit();

  internal::SnapshotRead read(*store_);
  internal::Txn& txn = read.txn();
  const std::string t = internal::TenantPrefix(request.tenant());
  CTI_RETURN_IF_ERROR(internal::CheckQueryScope(txn, t, request.unit_id(), request.employee_id()));
  const auto matches = [&](const state::Callback& callback) {
    if (!request.unit_id().empty()) return callback.unit_id() == request.unit_id();
    if (!request.employee_id().empty()) {
      return callback.assignee().employee_id() == request.employee_id();
    }
    return true;
  };

  cti::v1::ListCallbacksResponse response;
  *response.mutable_at() = internal::ProtoTimeOf(at);
  const auto add = [&](cti::v1::PromisedCallback item) {
    if (static_cast<uint32_t>(response.callbacks_size()) >= limit) {
      response.set_truncated(true);
      return;
    }
    *response.add_callbacks() = std::move(item);
  };

  // Open callbacks, earliest due first: counted whatever the filter.
  std::vector<std::string> open_keys;
  const std::string open_prefix = internal::OpenCallbacksPrefix(t);
  CTI_RETURN_IF_ERROR(
      txn.Scan(Cf::kCalls, open_prefix, [&](absl::string_view key, absl::string_view) {
        open_keys.emplace_back(key);
        return true;
      }));
  const bool list_open = request.filter() != cti::v1::CALLBACK_FILTER_COMPLETED;
  for (const std::string& key : open_keys) {
    state::Callback callback;
    CTI_RETURN_IF_ERROR(LoadIndexed(txn, t, key, open_prefix.size(), &callback));
    if (!matches(callback)) continue;
    cti::v1::PromisedCallback item = ToAnswer(callback, at);
    response.set_open(response.open() + 1);
    if (item.overdue()) response.set_overdue(response.overdue() + 1);
    if (!list_open) continue;
    if (request.filter() == cti::v1::CALLBACK_FILTER_OVERDUE && !item.overdue()) continue;
    add(std::move(item));
  }
  if (list_open) return response;

  // Completed in [since, at], latest first.
  std::vector<std::string> done_keys;
  const std::string done_prefix = internal::CompletedCallbacksPrefix(t);
  const std::string start =
      internal::CompletedCallbackKey(t, internal::MicrosOf(internal::ProtoTimeOf(since)), "");
  const std::string end =
      internal::CompletedCallbackKey(t, internal::MicrosOf(internal::ProtoTimeOf(at)) + 1, "");
  CTI_RETURN_IF_ERROR(
      txn.ScanFrom(Cf::kCalls, done_prefix, start, [&](absl::string_view key, absl::string_view) {
        if (key >= end) return false;
        done_keys.emplace_back(key);
        return true;
      }));
  for (auto it = done_keys.rbegin(); it != done_keys.rend(); ++it) {
    state::Callback callback;
    CTI_RETURN_IF_ERROR(LoadIndexed(txn, t, *it, done_prefix.size(), &callback));
    if (matches(callback)) add(ToAnswer(callback, at));
  }
  return response;
}

}  // namespace cti::projections
