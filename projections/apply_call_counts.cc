// Call counts per unit and local day (TP-3.6): see internal/call_counts_records.h.
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "projections/hours/hours.h"
#include "projections/hours/time_zone.h"
#include "projections/internal/apply_memo.h"
#include "projections/internal/call_counts_records.h"
#include "projections/internal/directory_records.h"
#include "projections/internal/keys.h"
#include "projections/internal/reception_records.h"
#include "projections/internal/status_macros.h"
#include "projections/internal/unit_hours.h"

namespace cti::projections::internal {
namespace {

// The unit of the active employee whose extension `number` is, or "".
absl::StatusOr<std::string> UnitOfExtension(Txn& txn, absl::string_view t,
                                            absl::string_view number) {
  if (number.empty() || number.front() == '+') return std::string();
  std::string employee_id;
  CTI_ASSIGN_OR_RETURN(bool has,
                       txn.Get(Cf::kDirectory, TaggedKey(t, kExtensionTag, number), &employee_id));
  if (!has) return std::string();
  cti::v1::Employee employee;
  CTI_ASSIGN_OR_RETURN(bool found, LoadEmployee(txn, t, employee_id, &employee));
  return found && employee.active() ? employee.unit_id() : std::string();
}

// Reads the record of (unit, day), lets `change` update it and writes it back.
template <typename Change>
absl::Status Update(ApplyContext& ctx, absl::string_view unit, absl::string_view day,
                    Change change) {
  const std::string key = CallCountsKey(ctx.tenant_prefix, unit, day);
  state::CallDayCounts counts;  // empty when the day has no record yet
  CTI_RETURN_IF_ERROR(ctx.txn.GetProto(Cf::kCalls, key, &counts).status());
  change(counts);
  return ctx.txn.PutProto(Cf::kCalls, key, counts);
}

}  // namespace

std::string CallCountsKey(absl::string_view t, absl::string_view unit_id, absl::string_view day) {
  return TaggedKey(t, kCallCountsTag, unit_id, day);
}

absl::Status CountOffered(ApplyContext& ctx, const FieldPath& path,
                          const cti::v1::CallOffered& offered, state::Call* call) {
  std::string unit_id = offered.unit_id();
  if (!unit_id.empty()) {
    CTI_RETURN_IF_ERROR(CheckId(path / "unit_id", unit_id));
    std::string unit;
    CTI_ASSIGN_OR_RETURN(
        bool found,
        ctx.txn.Get(Cf::kDirectory, TaggedKey(ctx.tenant_prefix, kUnitTag, unit_id), &unit));
    if (!found) return NotFound("offered.unit_id", unit_id);
  } else {
    CTI_ASSIGN_OR_RETURN(unit_id,
                         UnitOfExtension(ctx.txn, ctx.tenant_prefix, offered.dialled_number()));
  }
  const absl::Time at = AbslTimeOf(call->offered_at());
  ApplyMemo local;  // without the batch's memo: this call's own
  ApplyMemo& memo = ctx.memo != nullptr ? *ctx.memo : local;
  std::unique_ptr<ApplyMemo::UnitHours>& hours =
      memo.units[absl::StrCat(ctx.tenant_prefix, std::string(1, '\0'), unit_id)];
  if (hours == nullptr) {
    hours = std::make_unique<ApplyMemo::UnitHours>();
    CTI_ASSIGN_OR_RETURN(hours->resolved, ResolvePhoneHours(ctx.txn, ctx.tenant_prefix, unit_id));
  }
  if (at < hours->from || at >= hours->until) {
    std::unique_ptr<cti::hours::HolidayCalendar>& holidays = memo.holidays[ctx.tenant_prefix];
    if (holidays == nullptr) {
      CTI_ASSIGN_OR_RETURN(cti::hours::HolidayCalendar loaded,
                           LoadHolidayCalendar(ctx.txn, ctx.tenant_prefix));
      holidays = std::make_unique<cti::hours::HolidayCalendar>(std::move(loaded));
    }
    absl::StatusOr<absl::TimeZone> zone = cti::hours::CopenhagenTimeZone();
    // Not a rule violation: the record is fine, the machine lacks tzdata.
    if (!zone.ok()) return absl::InternalError(zone.status().message());
    const cti::hours::UnitHours& unit_hours = hours->resolved.hours;
    hours->open =
        cti::hours::OpenAt(unit_hours, cti::hours::HoursKind::kPhone, at, *zone, *holidays).open;
    // The answer holds until the hours may decide otherwise, at the latest the next local
    // midnight (NextChange includes it): the day holds as long.
    hours->from = at;
    hours->until =
        cti::hours::NextChange(unit_hours, cti::hours::HoursKind::kPhone, at, *zone, *holidays);
    hours->day = absl::FormatCivilTime(absl::ToCivilDay(at, *zone));
  }
  const bool open = hours->open;
  call->set_counted_unit(unit_id);
  call->set_counted_day(hours->day);
  call->set_in_phone_hours(open);
  return Update(ctx, unit_id, call->counted_day(), [open](state::CallDayCounts& counts) {
    counts.mutable_all()->set_offered(counts.all().offered() + 1);
    if (open) counts.mutable_in_phone_hours()->set_offered(counts.in_phone_hours().offered() + 1);
  });
}

absl::Status CountOutcome(ApplyContext& ctx, const state::Call& call, CallOutcome outcome) {
  if (call.counted_day().empty()) return absl::OkStatus();  // offered before counting began
  const bool in_hours = call.in_phone_hours();
  int64_t wait_ms = 0;
  if (outcome == CallOutcome::kAnswered) {
    wait_ms =
        absl::ToInt64Milliseconds(AbslTimeOf(call.answered_at()) - AbslTimeOf(call.offered_at()));
    if (wait_ms < 0) wait_ms = 0;  // clocks of two reporters
  }
  const auto count = [outcome](state::CallTally& tally) {
    switch (outcome) {
      case CallOutcome::kAnswered:
        tally.set_answered(tally.answered() + 1);
        break;
      case CallOutcome::kVoicemail:
        tally.set_voicemail(tally.voicemail() + 1);
        break;
      case CallOutcome::kAbandoned:
        tally.set_abandoned(tally.abandoned() + 1);
        break;
      case CallOutcome::kFailed:
        tally.set_failed(tally.failed() + 1);
        break;
    }
  };
  return Update(ctx, call.counted_unit(), call.counted_day(), [&](state::CallDayCounts& counts) {
    count(*counts.mutable_all());
    if (!in_hours) return;
    count(*counts.mutable_in_phone_hours());
    if (outcome != CallOutcome::kAnswered) return;
    size_t bucket = 0;
    while (bucket < kAnswerWaitBoundsSeconds.size() &&
           wait_ms > int64_t{kAnswerWaitBoundsSeconds[bucket]} * 1000) {
      ++bucket;
    }
    while (counts.answer_time_buckets_size() <= static_cast<int>(bucket)) {
      counts.add_answer_time_buckets(0);
    }
    counts.set_answer_time_buckets(static_cast<int>(bucket),
                                   counts.answer_time_buckets(static_cast<int>(bucket)) + 1);
    counts.set_answer_wait_millis_total(counts.answer_wait_millis_total() +
                                        static_cast<uint64_t>(wait_ms));
  });
}

}  // namespace cti::projections::internal
