#include "projections/internal/routing_convert.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "projections/hours/validate.h"

namespace cti::projections::internal {
namespace {

constexpr int kMinYear = 1970;
constexpr int kMaxYear = 2200;

absl::Weekday WeekdayOf(cti::v1::Weekday day) {
  switch (day) {
    case cti::v1::WEEKDAY_TUESDAY:
      return absl::Weekday::tuesday;
    case cti::v1::WEEKDAY_WEDNESDAY:
      return absl::Weekday::wednesday;
    case cti::v1::WEEKDAY_THURSDAY:
      return absl::Weekday::thursday;
    case cti::v1::WEEKDAY_FRIDAY:
      return absl::Weekday::friday;
    case cti::v1::WEEKDAY_SATURDAY:
      return absl::Weekday::saturday;
    case cti::v1::WEEKDAY_SUNDAY:
      return absl::Weekday::sunday;
    default:
      return absl::Weekday::monday;
  }
}

absl::CivilDay DayOf(const cti::v1::LocalDate& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

absl::Time TimeOf(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

cti::hours::AppliesTo AppliesOf(cti::v1::HoursScope scope) {
  switch (scope) {
    case cti::v1::HOURS_SCOPE_PHONE:
      return cti::hours::AppliesTo::kPhone;
    case cti::v1::HOURS_SCOPE_COUNTER:
      return cti::hours::AppliesTo::kCounter;
    default:
      return cti::hours::AppliesTo::kBoth;
  }
}

std::optional<cti::hours::DirectorApproval> ApprovalOf(const cti::v1::DirectorApproval& approval,
                                                       bool present) {
  if (!present) return std::nullopt;
  cti::hours::DirectorApproval out;
  out.director_id = approval.director_employee_id();
  out.approved_at = TimeOf(approval.approved_at());
  return out;
}

}  // namespace

absl::StatusOr<absl::CivilDay> CheckDate(const FieldPath& path, const cti::v1::LocalDate& date,
                                         bool present) {
  if (!present) return InvalidField(path, "is required");
  if (date.year() < kMinYear || date.year() > kMaxYear) {
    return InvalidField(path / "year", absl::StrCat(date.year(), " is outside 1970 to 2200"));
  }
  if (date.month() < 1 || date.month() > 12) {
    return InvalidField(path / "month", absl::StrCat(date.month(), " is not a month (1 to 12)"));
  }
  const absl::CivilDay day(date.year(), date.month(), date.day());
  if (date.day() < 1 || day.day() != date.day() || day.month() != date.month()) {
    return InvalidField(path / "day", absl::StrCat(date.day(), " is not a day of ", date.year(),
                                                   "-", date.month()));
  }
  return day;
}

absl::Status CheckIntervals(const FieldPath& path, const OpenIntervals& intervals) {
  for (int i = 0; i < intervals.size(); ++i) {
    const cti::v1::OpenInterval& interval = intervals.Get(i);
    const FieldPath at = path.At(i);
    if (!cti::v1::Weekday_IsValid(interval.day()) ||
        interval.day() == cti::v1::WEEKDAY_UNSPECIFIED) {
      return InvalidField(at / "day", "must be a weekday");
    }
    if (interval.open_minute() >= 1440) {
      return InvalidField(at / "open_minute", "must be 0 to 1439 (minutes after midnight)");
    }
    if (interval.close_minute() <= interval.open_minute() || interval.close_minute() > 1440) {
      return InvalidField(at / "close_minute", "must be after open_minute and at most 1440");
    }
  }
  const cti::hours::WeeklyIntervals week = IntervalsOf(intervals);
  if (absl::Status s = cti::hours::ValidateWeeklyIntervals(week, ""); !s.ok()) {
    return InvalidField(path, absl::StrCat("intervals overlap: ", s.message()));
  }
  return absl::OkStatus();
}

cti::hours::WeeklyIntervals IntervalsOf(const OpenIntervals& intervals) {
  cti::hours::WeeklyIntervals week;
  for (const cti::v1::OpenInterval& interval : intervals) {
    week.On(WeekdayOf(interval.day()))
        .push_back(
            {static_cast<int>(interval.open_minute()), static_cast<int>(interval.close_minute())});
  }
  for (std::vector<cti::hours::LocalInterval>& day : week.days) {
    std::sort(day.begin(), day.end(),
              [](const cti::hours::LocalInterval& a, const cti::hours::LocalInterval& b) {
                return a.open_minute < b.open_minute;
              });
  }
  return week;
}

cti::hours::WeeklySchedule ScheduleOf(const cti::v1::WeeklyHours& hours, std::string rule) {
  cti::hours::WeeklySchedule schedule;
  schedule.week = IntervalsOf(hours.intervals());
  schedule.open_on_holidays = hours.open_on_holidays();
  schedule.rule = std::move(rule);
  return schedule;
}

void AddChange(const cti::v1::HoursChangeSet& change, cti::hours::UnitHours* hours) {
  const cti::hours::AppliesTo applies = AppliesOf(change.scope());
  switch (change.change_case()) {
    case cti::v1::HoursChangeSet::kExtension: {
      cti::hours::DatedExtension e;
      e.id = change.change_id();
      e.applies_to = applies;
      e.first_day = DayOf(change.extension().first_day());
      e.last_day = DayOf(change.extension().last_day());
      e.extra = IntervalsOf(change.extension().extra());
      hours->extensions.push_back(std::move(e));
      break;
    }
    case cti::v1::HoursChangeSet::kClosure: {
      cti::hours::Closure c;
      c.id = change.change_id();
      c.applies_to = applies;
      c.first_day = DayOf(change.closure().first_day());
      c.last_day = DayOf(change.closure().last_day());
      c.reason = change.reason();
      hours->closures.push_back(std::move(c));
      break;
    }
    case cti::v1::HoursChangeSet::kReduction: {
      const cti::v1::HoursReduction& in = change.reduction();
      cti::hours::TemporaryReduction r;
      r.id = change.change_id();
      r.applies_to = applies;
      r.first_day = DayOf(in.first_day());
      r.last_day = DayOf(in.last_day());
      r.hours = IntervalsOf(in.hours());
      r.approval = ApprovalOf(in.approval(), in.has_approval());
      r.coverage = in.coverage() == cti::v1::REDUCTION_COVERAGE_PHONE_DESK
                       ? cti::hours::ReductionCoverage::kPhoneDesk
                   : in.coverage() == cti::v1::REDUCTION_COVERAGE_RECEPTION_MESSAGES
                       ? cti::hours::ReductionCoverage::kReceptionMessages
                       : cti::hours::ReductionCoverage::kUnspecified;
      r.phone_desk_employee_ids.assign(in.phone_desk_employee_ids().begin(),
                                       in.phone_desk_employee_ids().end());
      hours->reductions.push_back(std::move(r));
      break;
    }
    case cti::v1::HoursChangeSet::kUnmanned: {
      const cti::v1::UnmannedPeriod& in = change.unmanned();
      cti::hours::UnmannedPeriod u;
      u.id = change.change_id();
      u.applies_to = applies;
      u.start = TimeOf(in.start());
      u.end = TimeOf(in.end());
      u.approval = ApprovalOf(in.approval(), in.has_approval());
      hours->unmanned.push_back(std::move(u));
      break;
    }
    case cti::v1::HoursChangeSet::CHANGE_NOT_SET:
      break;
  }
}

cti::hours::MunicipalClosureDays ClosureDaysOf(const cti::v1::ClosureDaysSet& days) {
  cti::hours::MunicipalClosureDays out;
  for (const cti::v1::YearlyClosureDay& d : days.yearly()) {
    out.recurring.push_back({d.month(), d.day(), d.name(), d.name()});
  }
  for (const cti::v1::DatedClosureDay& d : days.dated()) {
    out.specific.push_back({DayOf(d.date()), d.name(), d.name()});
  }
  return out;
}

cti::distribution::RuleSet RuleSetOf(const cti::v1::DistributionRulesSet& set) {
  namespace d = cti::distribution;
  d::RuleSet out;
  out.unit_id = set.unit_id();
  out.task = set.task();
  out.version = set.version();
  for (const cti::v1::DistributionRule& in : set.rules()) {
    d::Rule rule;
    switch (in.range_case()) {
      case cti::v1::DistributionRule::kCprDay:
        rule.range = d::CprDayRange{in.cpr_day().first_day(), in.cpr_day().last_day()};
        break;
      case cti::v1::DistributionRule::kCprDigits:
        rule.range = d::CprDigitSet{
            std::vector<int>(in.cpr_digits().digits().begin(), in.cpr_digits().digits().end())};
        break;
      case cti::v1::DistributionRule::kAddress: {
        const cti::v1::AddressRange& a = in.address();
        rule.range =
            d::AddressRange{a.street(), a.first_number(), a.last_number(),
                            a.side() == cti::v1::STREET_SIDE_ODD    ? d::StreetSide::kOdd
                            : a.side() == cti::v1::STREET_SIDE_EVEN ? d::StreetSide::kEven
                                                                    : d::StreetSide::kBoth};
        break;
      }
      case cti::v1::DistributionRule::kSurname:
        rule.range = d::SurnameRange{in.surname().first_letter(), in.surname().last_letter()};
        break;
      case cti::v1::DistributionRule::RANGE_NOT_SET:
        break;
    }
    rule.employee_ids.assign(in.employee_ids().begin(), in.employee_ids().end());
    rule.note = in.note();
    out.rules.push_back(std::move(rule));
  }
  if (set.has_fallback_unit_id()) {
    out.fallback = d::Fallback{d::Fallback::Kind::kUnit, set.fallback_unit_id()};
  } else if (set.has_fallback_employee_id()) {
    out.fallback = d::Fallback{d::Fallback::Kind::kEmployee, set.fallback_employee_id()};
  }
  return out;
}

}  // namespace cti::projections::internal
