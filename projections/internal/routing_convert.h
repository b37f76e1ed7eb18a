// Between the cti.v1 routing messages (hours.proto, routing_rules.proto) and the plain
// structs of the hours and distribution libraries: shape checks that name the event's
// field, and conversions of records already checked. Pure functions, thread-safe.
#ifndef CTI_PROJECTIONS_INTERNAL_ROUTING_CONVERT_H_
#define CTI_PROJECTIONS_INTERNAL_ROUTING_CONVERT_H_

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "cti/v1/hours.pb.h"
#include "cti/v1/routing_rules.pb.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "projections/distribution/rule_set.h"
#include "projections/hours/holidays.h"
#include "projections/hours/schedule.h"
#include "projections/internal/shape.h"
#include "projections/internal/state.pb.h"

namespace cti::projections::internal {

using OpenIntervals = google::protobuf::RepeatedPtrField<cti::v1::OpenInterval>;

// A LocalDate that is a real day of 1970..2200; INVALID_ARGUMENT naming `path` otherwise.
absl::StatusOr<absl::CivilDay> CheckDate(const FieldPath& path, const cti::v1::LocalDate& date,
                                         bool present);

// Each interval's weekday and minutes, then no overlap within a day; errors name
// `path`[i] (shape) or the day (overlap).
absl::Status CheckIntervals(const FieldPath& path, const OpenIntervals& intervals);

// REQUIRES: CheckIntervals passed.
cti::hours::WeeklyIntervals IntervalsOf(const OpenIntervals& intervals);

// The schedule of `hours` citing `rule`. REQUIRES: its intervals passed CheckIntervals.
cti::hours::WeeklySchedule ScheduleOf(const cti::v1::WeeklyHours& hours, std::string rule);

// A dated change as the hours library models it, with its id and scope. REQUIRES: the
// change passed the apply rule's checks (apply_hours.cc). Appends to `hours`.
void AddChange(const cti::v1::HoursChangeSet& change, cti::hours::UnitHours* hours);

// The municipality's closure days. REQUIRES: checked by the apply rule.
cti::hours::MunicipalClosureDays ClosureDaysOf(const cti::v1::ClosureDaysSet& days);

// The rule set as the distribution library models it (not validated here: pass it to
// distribution::ValidateRuleSet).
cti::distribution::RuleSet RuleSetOf(const cti::v1::DistributionRulesSet& set);

}  // namespace cti::projections::internal

#endif  // CTI_PROJECTIONS_INTERNAL_ROUTING_CONVERT_H_
