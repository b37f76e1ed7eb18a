// Schedules: a unit's weekly phone and counter hours and the dated changes layered on them
// (TP-3.4, TP-3.8 to TP-3.13, TP-4.7). Plain value types; the queries are in hours.h, the
// validation in validate.h.
//
// Times of day are local wall-clock times in the municipality's zone (Europe/Copenhagen).
// An interval [open, close) of day D means: open from the instant the local clock first
// shows D open until the instant it first shows D close, both converted with
// absl::FromCivil. README.md ("Daylight saving") says what that means on change days.
//
// Example:
//   UnitHours borgerservice;
//   borgerservice.unit_id = "borgerservice";
//   borgerservice.phone = WeeklySchedule::DefaultPhoneHours();  // TP-3.8
//   DatedExtension longer;
//   longer.id = "pas-2025";
//   longer.first_day = absl::CivilDay(2025, 3, 1);
//   longer.last_day = absl::CivilDay(2025, 5, 31);
//   longer.extra.On(absl::Weekday::thursday) = {LocalInterval::Hm(17, 0, 18, 0)};
//   borgerservice.extensions.push_back(longer);
#ifndef CTI_PROJECTIONS_HOURS_SCHEDULE_H_
#define CTI_PROJECTIONS_HOURS_SCHEDULE_H_

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace cti::hours {

// Which hours a question is about.
enum class HoursKind {
  kPhone,    // telefontid
  kCounter,  // ekspeditionstid
};

// "phone" or "counter".
const char* HoursKindName(HoursKind kind);

// Which hours a dated change applies to.
enum class AppliesTo { kPhone, kCounter, kBoth };

// True if a change with `applies_to` changes the hours of `kind`.
constexpr bool Applies(AppliesTo applies_to, HoursKind kind) {
  return applies_to == AppliesTo::kBoth ||
         (applies_to == AppliesTo::kPhone) == (kind == HoursKind::kPhone);
}

inline constexpr int kMinutesPerDay = 24 * 60;

// A local wall-clock interval [open_minute, close_minute) of one day, in minutes since local
// midnight. Valid: 0 <= open_minute < close_minute <= 1440 (1440 is 24:00, the next day's
// midnight). An interval never crosses midnight: split it into ...-24:00 and 00:00-...;
// adjacent intervals that touch at midnight count as one continuous opening.
struct LocalInterval {
  int open_minute = 0;
  int close_minute = 0;

  // From hours and minutes, e.g. Hm(8, 0, 16, 0) is 08:00-16:00.
  static constexpr LocalInterval Hm(int open_hour, int open_min, int close_hour, int close_min) {
    return LocalInterval{open_hour * 60 + open_min, close_hour * 60 + close_min};
  }
  friend bool operator==(const LocalInterval&, const LocalInterval&) = default;
};

// Intervals for each weekday of a week. Within one day: valid, in ascending order and not
// overlapping (ValidateWeeklyIntervals).
struct WeeklyIntervals {
  // Indexed by static_cast<int>(absl::Weekday): [0] Monday ... [6] Sunday.
  std::array<std::vector<LocalInterval>, 7> days;

  const std::vector<LocalInterval>& On(absl::Weekday day) const {
    return days[static_cast<int>(day)];
  }
  std::vector<LocalInterval>& On(absl::Weekday day) { return days[static_cast<int>(day)]; }
  friend bool operator==(const WeeklyIntervals&, const WeeklyIntervals&) = default;
};

// A unit's weekly phone or counter hours.
struct WeeklySchedule {
  WeeklyIntervals week;
  // False (the norm): public holidays and the municipality's closure days close the unit.
  // True: they do not (e.g. a 24/7 emergency line). Dated closures close it either way.
  bool open_on_holidays = false;
  // The policy rule these hours come from, cited in answers, e.g. "TP-3.8"; may be empty.
  std::string rule;

  // The municipality's phone hours (TP-3.8): Mon-Wed 08-16, Thu 08-17, Fri 08-14.
  static WeeklySchedule DefaultPhoneHours();
  // The municipality's counter hours (TP-3.9): Mon-Wed 10-15, Thu 10-17, Fri 10-14.
  static WeeklySchedule DefaultCounterHours();
  // The same interval Monday to Friday, e.g. health visitors' phone hours 08:00-09:30
  // (TP-3.4).
  static WeeklySchedule Weekdays(LocalInterval interval, std::string rule);
  // Open around the clock every day, holidays included.
  static WeeklySchedule AlwaysOpen(std::string rule);
  // Never open.
  static WeeklySchedule Closed(std::string rule);
};

// A director's approval (TP-3.13, TP-4.7). Whether `director_id` really holds the director
// role is checked by the caller (the server knows actors); this library only requires that
// an approval is present and names someone.
struct DirectorApproval {
  std::string director_id;
  absl::Time approved_at = absl::InfinitePast();
};

// Extra opening on the days [first_day, last_day] (TP-3.12), e.g. Thursdays until 18:00 in
// March to May. The extra intervals are added to the hours in force that day (weekly or
// reduced); holidays and closures still close the unit.
struct DatedExtension {
  std::string id;
  std::string rule = "TP-3.12";
  AppliesTo applies_to = AppliesTo::kBoth;
  absl::CivilDay first_day;
  absl::CivilDay last_day;  // inclusive
  WeeklyIntervals extra;
};

// The unit is closed all day on [first_day, last_day], e.g. a moving day. Beats the weekly
// hours, reductions, extensions and open_on_holidays.
struct Closure {
  std::string id;
  std::string rule;  // optional
  AppliesTo applies_to = AppliesTo::kBoth;
  absl::CivilDay first_day;
  absl::CivilDay last_day;  // inclusive
  std::string reason;       // for people, e.g. "Flytning til rådhuset"
};

// Who answers the unit's calls during a reduction outside the reduced hours (TP-3.13).
enum class ReductionCoverage {
  kUnspecified,        // refused by ValidateReduction
  kPhoneDesk,          // the employees in phone_desk_employee_ids run a phone desk
  kReceptionMessages,  // reception takes messages (TP-6.2)
};

// A temporary reduction (TP-3.13): on [first_day, last_day] `hours` replace the unit's
// weekly hours. Needs a director's approval and may last at most 6 calendar months
// (ValidateReduction). When reductions overlap, the one with the latest first_day wins
// (ties: the later one in UnitHours::reductions).
struct TemporaryReduction {
  std::string id;
  std::string rule = "TP-3.13";
  AppliesTo applies_to = AppliesTo::kBoth;
  absl::CivilDay first_day;
  absl::CivilDay last_day;  // inclusive
  WeeklyIntervals hours;
  std::optional<DirectorApproval> approval;
  ReductionCoverage coverage = ReductionCoverage::kUnspecified;
  std::vector<std::string> phone_desk_employee_ids;  // kPhoneDesk only
};

// Nobody staffs the unit during [start, end) (TP-4.7), though its hours may say open: its
// calls go to reception. Needs a director's approval (ValidateUnmannedPeriod).
struct UnmannedPeriod {
  std::string id;
  std::string rule = "TP-4.7";
  AppliesTo applies_to = AppliesTo::kBoth;
  absl::Time start;
  absl::Time end;  // exclusive
  std::optional<DirectorApproval> approval;
};

// Everything that decides when one unit is open. Records in any order; ids unique within
// the unit (ValidateUnitHours).
struct UnitHours {
  std::string unit_id;
  WeeklySchedule phone = WeeklySchedule::DefaultPhoneHours();
  WeeklySchedule counter = WeeklySchedule::DefaultCounterHours();
  std::vector<DatedExtension> extensions;
  std::vector<Closure> closures;
  std::vector<TemporaryReduction> reductions;
  std::vector<UnmannedPeriod> unmanned;

  const WeeklySchedule& Schedule(HoursKind kind) const {
    return kind == HoursKind::kPhone ? phone : counter;
  }
};

}  // namespace cti::hours

#endif  // CTI_PROJECTIONS_HOURS_SCHEDULE_H_
