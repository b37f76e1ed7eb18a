#include "projections/call_counts.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "projections/internal/call_counts_records.h"
#include "projections/internal/directory_records.h"
#include "projections/internal/keys.h"
#include "projections/internal/snapshot_read.h"
#include "projections/internal/state.pb.h"
#include "projections/internal/status_macros.h"

namespace cti::projections {
namespace {

using internal::Cf;

// `text` as a day, strictly "YYYY-MM-DD".
absl::StatusOr<absl::CivilDay> ParseDay(absl::string_view field, const std::string& text) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(text, &day) || absl::FormatCivilTime(day) != text) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": expected a day as YYYY-MM-DD, got \"", text, "\""));
  }
  return day;
}

void CopyTally(const state::CallTally& from, cti::v1::CallTally* to) {
  to->set_offered(from.offered());
  to->set_answered(from.answered());
  to->set_abandoned(from.abandoned());
  to->set_failed(from.failed());
  to->set_voicemail(from.voicemail());
}

}  // namespace

absl::StatusOr<cti::v1::ListCallCountsResponse> CallCounts::List(
    const cti::v1::ListCallCountsRequest& request) const {
  if (request.tenant().empty()) return absl::InvalidArgumentError("tenant is required");
  CTI_ASSIGN_OR_RETURN(const absl::CivilDay from, ParseDay("from_day", request.from_day()));
  absl::CivilDay to = from;
  if (!request.to_day().empty()) {
    CTI_ASSIGN_OR_RETURN(to, ParseDay("to_day", request.to_day()));
  }
  if (to < from) {
    return absl::InvalidArgumentError(
        absl::StrCat("to_day: ", request.to_day(), " is before from_day ", request.from_day()));
  }
  if (to - from >= kMaxDays) {
    return absl::InvalidArgumentError(
        absl::StrCat("to_day: at most ", kMaxDays, " days from from_day can be asked at once"));
  }
  const std::string from_day = absl::FormatCivilTime(from);
  const std::string to_day = absl::FormatCivilTime(to);

  internal::SnapshotRead read(*store_);
  internal::Txn& txn = read.txn();
  const std::string t = internal::TenantPrefix(request.tenant());
  CTI_RETURN_IF_ERROR(internal::CheckQueryScope(txn, t, request.unit_id(), ""));
  const std::string prefix = absl::StrCat(t, std::string(1, internal::kCallCountsTag));
  const bool one_unit = !request.unit_id().empty();

  cti::v1::ListCallCountsResponse response;
  bool parsed = true;
  // Each unit's days in [from_day, to_day]: seek to its first, skip past its last.
  std::string start = internal::CallCountsKey(t, request.unit_id(), from_day);
  for (bool more = true; more;) {
    more = false;
    std::string next;
    CTI_RETURN_IF_ERROR(txn.ScanFrom(
        Cf::kCalls, prefix, start, [&](absl::string_view key, absl::string_view value) {
          const absl::string_view rest = key.substr(prefix.size());
          const size_t nul = rest.find('\0');
          if (nul == absl::string_view::npos) return true;  // not a counts key
          const absl::string_view unit = rest.substr(0, nul);
          const absl::string_view day = rest.substr(nul + 1);
          if (one_unit && unit != request.unit_id()) return false;
          if (day < from_day) {
            next = internal::CallCountsKey(t, unit, from_day);
            more = true;
            return false;
          }
          if (day > to_day) {
            if (one_unit) return false;
            next = absl::StrCat(prefix, unit, std::string(1, '\x01'));  // the next unit
            more = true;
            return false;
          }
          state::CallDayCounts counts;
          if (!counts.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
            parsed = false;
            return false;
          }
          cti::v1::UnitDayCallCounts* row = response.add_days();
          row->set_unit_id(std::string(unit));
          row->set_day(std::string(day));
          CopyTally(counts.all(), row->mutable_all());
          CopyTally(counts.in_phone_hours(), row->mutable_in_phone_hours());
          for (size_t i = 0; i <= internal::kAnswerWaitBoundsSeconds.size(); ++i) {
            cti::v1::AnswerTimeBucket* bucket = row->add_answer_times();
            if (i < internal::kAnswerWaitBoundsSeconds.size()) {
              bucket->set_up_to_seconds(internal::kAnswerWaitBoundsSeconds[i]);
            }
            if (static_cast<int>(i) < counts.answer_time_buckets_size()) {
              bucket->set_calls(counts.answer_time_buckets(static_cast<int>(i)));
            }
          }
          row->set_answer_wait_millis_total(counts.answer_wait_millis_total());
          return true;
        }));
    if (!parsed) {
      return absl::DataLossError(
          absl::StrCat("a call counts record of tenant '", request.tenant(), "' does not parse"));
    }
    start = std::move(next);
  }
  return response;
}

}  // namespace cti::projections
