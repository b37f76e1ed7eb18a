// Compliance: how a period of local days measured up to the telephone policy, per unit
// and per TP rule (AuditService.ComplianceReport; TP-5.3). The contract, and what each
// figure means, is written at cti.v1.ComplianceReportResponse.
//
// Reads one snapshot of the store through a Txn whose history families read as of
// `structure_position` (hours, calendars, units, routing as the log held them at the end
// of the period) while the calls family reads as it is now (calls, callbacks and
// voicemails of the period with what became of them since). Calls come from the call
// counts (CallCounts), callbacks and voicemails from their by-creation-time indexes
// (internal/reception_records.h), reductions and unmanned periods from the units' hours
// records, sickness from the tenant's calendar entries, dead ends from Router::Check.
// Records the projector refused are the caller's to find (they are in the log): it hands
// them in as RefusedChange. Knows nothing of gRPC or the clock.
//
// Example:
//   absl::StatusOr<Compliance::Period> period = Compliance::ParsePeriod(request, zone);
//   ... resolve the structure position P from period->end ...
//   absl::StatusOr<cti::v1::ComplianceReportResponse> report =
//       Compliance(store, zone).Report(request, clock->Now(), P, refused);
#ifndef CTI_PROJECTIONS_COMPLIANCE_H_
#define CTI_PROJECTIONS_COMPLIANCE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "cti/v1/audit_service.pb.h"
#include "projections/store.h"

namespace cti::projections {

// A record the projector refused for a rule the report covers (TP-3.13 or TP-4.7): an
// unapproved reduction, one longer than 6 months, an unapproved unmanned period.
struct RefusedChange {
  std::string rule;     // "TP-3.13" or "TP-4.7"
  std::string unit_id;  // the unit the record named; may be empty
  uint64_t position = 0;
  absl::Time recorded_at;
  std::string reason;  // ApplyOutcome.reason
};

// Thread safety: safe to use from many threads at once.
class Compliance {
 public:
  // Findings listed in one report (the rule summaries count every one).
  static constexpr int kMaxFindings = 5000;
  // Days one report may span.
  static constexpr int kMaxDays = 366;

  // A period of whole local days: [start, end) in UTC.
  struct Period {
    absl::CivilDay from;
    absl::CivilDay to;  // inclusive
    absl::Time start;
    absl::Time end;
  };

  // The request's period in `zone`. INVALID_ARGUMENT naming the field for a missing
  // tenant, a day not YYYY-MM-DD, to_day before from_day or over kMaxDays days.
  static absl::StatusOr<Period> ParsePeriod(const cti::v1::ComplianceReportRequest& request,
                                            absl::TimeZone zone);

  // `store` must outlive the view; `zone` is the municipality's.
  Compliance(const Store* store, absl::TimeZone zone) : store_(store), zone_(zone) {}

  // The report (see AuditService.ComplianceReport). `now` judges open callbacks and
  // voicemails; `structure_position` (at or below the store's applied position) is the
  // state hours, calendars, units and routing are read at; `refused` are the refused
  // records of the period the report lists (those of other units are skipped when the
  // request names a unit). Sets structure_position; leaves position 0 (the caller knows
  // it). Errors: ParsePeriod's; NOT_FOUND naming unit_id when never defined; storage
  // errors.
  absl::StatusOr<cti::v1::ComplianceReportResponse> Report(
      const cti::v1::ComplianceReportRequest& request, absl::Time now, uint64_t structure_position,
      absl::Span<const RefusedChange> refused) const;

 private:
  const Store* store_;
  absl::TimeZone zone_;
};

}  // namespace cti::projections

#endif  // CTI_PROJECTIONS_COMPLIANCE_H_
