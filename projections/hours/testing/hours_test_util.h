// Helpers for cti_hours tests: the zone, instants written out in UTC or local time, and
// units built from the municipality's defaults.
#ifndef CTI_PROJECTIONS_HOURS_TESTING_HOURS_TEST_UTIL_H_
#define CTI_PROJECTIONS_HOURS_TESTING_HOURS_TEST_UTIL_H_

#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "projections/hours/holidays.h"
#include "projections/hours/schedule.h"
#include "projections/hours/time_zone.h"

namespace cti::hours::testing {

// Europe/Copenhagen; fails the test (and answers UTC) if tzdata is missing.
inline absl::TimeZone Copenhagen() {
  absl::StatusOr<absl::TimeZone> tz = CopenhagenTimeZone();
  if (!tz.ok()) {
    ADD_FAILURE() << tz.status();
    return absl::UTCTimeZone();
  }
  return *tz;
}

// An instant written in UTC.
inline absl::Time Utc(int y, int mo, int d, int h, int mi, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), absl::UTCTimeZone());
}

// An instant written in Copenhagen local time (absl::FromCivil rules on DST days).
inline absl::Time Local(int y, int mo, int d, int h, int mi, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), Copenhagen());
}

// A unit on the municipality's default phone (TP-3.8) and counter (TP-3.9) hours.
inline UnitHours DefaultUnit(std::string id = "borgerservice") {
  UnitHours unit;
  unit.unit_id = std::move(id);
  return unit;
}

// The same interval every day of the week.
inline WeeklySchedule EveryDay(LocalInterval interval, std::string rule) {
  WeeklySchedule schedule;
  schedule.rule = std::move(rule);
  for (auto& day : schedule.week.days) day = {interval};
  return schedule;
}

// Public holidays only, without closure days. Static: answers may point into it.
inline const HolidayCalendar& NoClosureDays() {
  static const HolidayCalendar* const calendar = new HolidayCalendar();
  return *calendar;
}

inline DirectorApproval Approved() {
  return DirectorApproval{"dir-social", absl::FromUnixSeconds(1735689600)};
}

}  // namespace cti::hours::testing

#endif  // CTI_PROJECTIONS_HOURS_TESTING_HOURS_TEST_UTIL_H_
