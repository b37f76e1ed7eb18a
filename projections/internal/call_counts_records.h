// Calls counted per unit and local day (TP-3.6), kept by the call rules as calls move
// (apply_call_counts.cc) and read by CallCounts (call_counts.h).
//
// calls CF, under TenantPrefix(tenant) = T:
//   T 'k' unit_id NUL YYYY-MM-DD -> state.CallDayCounts ("" unit: the calls of no unit)
//
// A call counts once offered, and once more for its outcome: its first answer (by a
// person, or by a voicemail), its abandon or its failure, on the record of the unit and day of its
// offer (state.Call's counted_unit and counted_day), whenever the outcome comes.
#ifndef CTI_PROJECTIONS_INTERNAL_CALL_COUNTS_RECORDS_H_
#define CTI_PROJECTIONS_INTERNAL_CALL_COUNTS_RECORDS_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "cti/v1/call.pb.h"
#include "projections/internal/rules.h"
#include "projections/internal/state.pb.h"

namespace cti::projections::internal {

inline constexpr char kCallCountsTag = 'k';

// Upper bounds, in seconds, of the answer-wait buckets (cti.v1.AnswerTimeBucket); one
// more bucket without a bound follows.
inline constexpr std::array<uint32_t, 12> kAnswerWaitBoundsSeconds = {5,  10, 15,  20,  30,  45,
                                                                      60, 90, 120, 180, 300, 600};

std::string CallCountsKey(absl::string_view t, absl::string_view unit_id, absl::string_view day);

// At the offer of `call` (its offered_at set): checks offered.unit_id (a unit ever
// defined: NOT_FOUND naming the field otherwise), picks the unit the call counts for
// (offered.unit_id, else the unit of the active employee whose extension was dialled,
// else none), the local day of the offer and whether the unit's phone hours were open
// then, sets them on `call` and counts it offered. `path` names the CallOffered.
absl::Status CountOffered(ApplyContext& ctx, const FieldPath& path,
                          const cti::v1::CallOffered& offered, state::Call* call);

enum class CallOutcome { kAnswered, kVoicemail, kAbandoned, kFailed };

// Counts the outcome of `call` on its offer's record: call once per call, for the first
// answer (answered_at set; by a person, or by a voicemail) or the abandon or the failure.
absl::Status CountOutcome(ApplyContext& ctx, const state::Call& call, CallOutcome outcome);

}  // namespace cti::projections::internal

#endif  // CTI_PROJECTIONS_INTERNAL_CALL_COUNTS_RECORDS_H_
