#include "projections/hours/validate.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cti::hours {
namespace {

std::string Clock(int minute) { return absl::StrFormat("%02d:%02d", minute / 60, minute % 60); }

std::string Day(absl::CivilDay day) { return absl::FormatCivilTime(day); }

absl::Status Invalid(absl::string_view prefix, absl::string_view field, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(prefix, field, ": ", what));
}

absl::Status CheckId(const std::string& id, absl::string_view prefix) {
  if (id.empty()) return Invalid(prefix, "id", "empty");
  return absl::OkStatus();
}

absl::Status CheckDays(absl::CivilDay first, absl::CivilDay last, absl::string_view prefix) {
  if (last < first) {
    return Invalid(prefix, "last_day",
                   absl::StrCat(Day(last), " is before first_day ", Day(first)));
  }
  return absl::OkStatus();
}

absl::Status CheckApproval(const std::optional<DirectorApproval>& approval,
                           absl::string_view prefix, absl::string_view what,
                           absl::string_view rule) {
  if (!approval.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(prefix, "approval: missing; ", what,
                                                      " needs a director's approval (", rule, ")"));
  }
  if (approval->director_id.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(prefix, "approval.director_id: empty; ", what,
                                                      " needs a director's approval (", rule, ")"));
  }
  return absl::OkStatus();
}

int CountIntervals(const WeeklyIntervals& week) {
  int n = 0;
  for (const auto& day : week.days) n += static_cast<int>(day.size());
  return n;
}

}  // namespace

absl::Status ValidateWeeklyIntervals(const WeeklyIntervals& week, absl::string_view field_prefix) {
  for (int d = 0; d < 7; ++d) {
    const std::vector<LocalInterval>& day = week.days[d];
    for (size_t i = 0; i < day.size(); ++i) {
      const LocalInterval& iv = day[i];
      const std::string field = absl::StrCat("days[", d, "][", i, "]");
      if (iv.open_minute < 0 || iv.open_minute >= kMinutesPerDay) {
        return Invalid(field_prefix, field,
                       absl::StrCat("open_minute ", iv.open_minute, " is not in 0-1439"));
      }
      if (iv.close_minute <= iv.open_minute || iv.close_minute > kMinutesPerDay) {
        return Invalid(field_prefix, field,
                       absl::StrCat("close_minute ", iv.close_minute, " is not after open ",
                                    Clock(iv.open_minute), " and at most 24:00"));
      }
      if (i > 0 && iv.open_minute < day[i - 1].close_minute) {
        return Invalid(field_prefix, field,
                       absl::StrCat("opens at ", Clock(iv.open_minute),
                                    ", before the previous interval closes at ",
                                    Clock(day[i - 1].close_minute),
                                    " (intervals must be in order and not overlap)"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateWeeklySchedule(const WeeklySchedule& schedule,
                                    absl::string_view field_prefix) {
  return ValidateWeeklyIntervals(schedule.week, absl::StrCat(field_prefix, "week."));
}

absl::Status ValidateExtension(const DatedExtension& extension, absl::string_view field_prefix) {
  if (absl::Status s = CheckId(extension.id, field_prefix); !s.ok()) return s;
  if (absl::Status s = CheckDays(extension.first_day, extension.last_day, field_prefix); !s.ok()) {
    return s;
  }
  if (CountIntervals(extension.extra) == 0) {
    return Invalid(field_prefix, "extra", "no intervals (TP-3.12)");
  }
  return ValidateWeeklyIntervals(extension.extra, absl::StrCat(field_prefix, "extra."));
}

absl::Status ValidateClosure(const Closure& closure, absl::string_view field_prefix) {
  if (absl::Status s = CheckId(closure.id, field_prefix); !s.ok()) return s;
  return CheckDays(closure.first_day, closure.last_day, field_prefix);
}

absl::CivilDay LatestReductionLastDay(absl::CivilDay first_day) {
  const absl::CivilMonth month = absl::CivilMonth(first_day) + kMaxReductionMonths;
  const absl::CivilDay month_end = absl::CivilDay(month + 1) - 1;
  const absl::CivilDay end =
      std::min(absl::CivilDay(month.year(), month.month(), first_day.day()), month_end);
  return end - 1;  // `end` is the first day back on normal hours
}

absl::Status ValidateReduction(const TemporaryReduction& reduction,
                               absl::string_view field_prefix) {
  if (absl::Status s = CheckId(reduction.id, field_prefix); !s.ok()) return s;
  if (absl::Status s = CheckDays(reduction.first_day, reduction.last_day, field_prefix); !s.ok()) {
    return s;
  }
  const absl::CivilDay latest = LatestReductionLastDay(reduction.first_day);
  if (reduction.last_day > latest) {
    return Invalid(field_prefix, "last_day",
                   absl::StrCat(Day(reduction.last_day), " is more than ", kMaxReductionMonths,
                                " months after first_day ", Day(reduction.first_day),
                                " (latest allowed last_day: ", Day(latest),
                                "); a temporary reduction lasts at most 6 months (TP-3.13)"));
  }
  if (absl::Status s =
          ValidateWeeklyIntervals(reduction.hours, absl::StrCat(field_prefix, "hours."));
      !s.ok()) {
    return s;
  }
  switch (reduction.coverage) {
    case ReductionCoverage::kUnspecified:
      return Invalid(field_prefix, "coverage",
                     "not given: a phone desk or reception messages must cover a reduction "
                     "(TP-3.13)");
    case ReductionCoverage::kPhoneDesk:
      if (reduction.phone_desk_employee_ids.empty()) {
        return Invalid(field_prefix, "phone_desk_employee_ids",
                       "empty: a phone desk needs at least one employee (TP-3.13)");
      }
      for (size_t i = 0; i < reduction.phone_desk_employee_ids.size(); ++i) {
        if (reduction.phone_desk_employee_ids[i].empty()) {
          return Invalid(field_prefix, absl::StrCat("phone_desk_employee_ids[", i, "]"), "empty");
        }
      }
      break;
    case ReductionCoverage::kReceptionMessages:
      break;
  }
  return CheckApproval(reduction.approval, field_prefix, "a temporary reduction", "TP-3.13");
}

absl::Status ValidateUnmannedPeriod(const UnmannedPeriod& period, absl::string_view field_prefix) {
  if (absl::Status s = CheckId(period.id, field_prefix); !s.ok()) return s;
  if (period.start == absl::InfinitePast() || period.start == absl::InfiniteFuture()) {
    return Invalid(field_prefix, "start", "not a finite instant (TP-4.7)");
  }
  if (period.end <= period.start || period.end == absl::InfiniteFuture()) {
    return Invalid(field_prefix, "end", "must be a finite instant after start (TP-4.7)");
  }
  return CheckApproval(period.approval, field_prefix, "an unmanned period", "TP-4.7");
}

absl::Status ValidateUnitHours(const UnitHours& hours) {
  if (hours.unit_id.empty()) return absl::InvalidArgumentError("unit_id: empty");
  if (absl::Status s = ValidateWeeklySchedule(hours.phone, "phone."); !s.ok()) return s;
  if (absl::Status s = ValidateWeeklySchedule(hours.counter, "counter."); !s.ok()) return s;
  absl::flat_hash_map<absl::string_view, std::string> ids;  // id -> the record that has it
  auto check = [&](absl::string_view list, size_t i, const std::string& id,
                   auto validate) -> absl::Status {
    const std::string prefix = absl::StrCat(list, "[", i, "].");
    if (absl::Status s = validate(prefix); !s.ok()) return s;
    auto [it, inserted] = ids.try_emplace(id, absl::StrCat(list, "[", i, "]"));
    if (!inserted) {
      return Invalid(prefix, "id", absl::StrCat("\"", id, "\" is also the id of ", it->second));
    }
    return absl::OkStatus();
  };
  for (size_t i = 0; i < hours.extensions.size(); ++i) {
    const auto& r = hours.extensions[i];
    if (absl::Status s = check("extensions", i, r.id,
                               [&](absl::string_view p) { return ValidateExtension(r, p); });
        !s.ok()) {
      return s;
    }
  }
  for (size_t i = 0; i < hours.closures.size(); ++i) {
    const auto& r = hours.closures[i];
    if (absl::Status s =
            check("closures", i, r.id, [&](absl::string_view p) { return ValidateClosure(r, p); });
        !s.ok()) {
      return s;
    }
  }
  for (size_t i = 0; i < hours.reductions.size(); ++i) {
    const auto& r = hours.reductions[i];
    if (absl::Status s = check("reductions", i, r.id,
                               [&](absl::string_view p) { return ValidateReduction(r, p); });
        !s.ok()) {
      return s;
    }
  }
  for (size_t i = 0; i < hours.unmanned.size(); ++i) {
    const auto& r = hours.unmanned[i];
    if (absl::Status s = check("unmanned", i, r.id,
                               [&](absl::string_view p) { return ValidateUnmannedPeriod(r, p); });
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace cti::hours
