#include "projections/hours/schedule.h"

#include <utility>

namespace cti::hours {
namespace {

WeeklySchedule MondayToFriday(LocalInterval mon_to_wed, LocalInterval thu, LocalInterval fri,
                              std::string rule) {
  WeeklySchedule schedule;
  schedule.rule = std::move(rule);
  for (absl::Weekday day :
       {absl::Weekday::monday, absl::Weekday::tuesday, absl::Weekday::wednesday}) {
    schedule.week.On(day) = {mon_to_wed};
  }
  schedule.week.On(absl::Weekday::thursday) = {thu};
  schedule.week.On(absl::Weekday::friday) = {fri};
  return schedule;
}

}  // namespace

const char* HoursKindName(HoursKind kind) {
  return kind == HoursKind::kPhone ? "phone" : "counter";
}

WeeklySchedule WeeklySchedule::DefaultPhoneHours() {
  return MondayToFriday(LocalInterval::Hm(8, 0, 16, 0), LocalInterval::Hm(8, 0, 17, 0),
                        LocalInterval::Hm(8, 0, 14, 0), "TP-3.8");
}

WeeklySchedule WeeklySchedule::DefaultCounterHours() {
  return MondayToFriday(LocalInterval::Hm(10, 0, 15, 0), LocalInterval::Hm(10, 0, 17, 0),
                        LocalInterval::Hm(10, 0, 14, 0), "TP-3.9");
}

WeeklySchedule WeeklySchedule::Weekdays(LocalInterval interval, std::string rule) {
  return MondayToFriday(interval, interval, interval, std::move(rule));
}

WeeklySchedule WeeklySchedule::AlwaysOpen(std::string rule) {
  WeeklySchedule schedule;
  schedule.rule = std::move(rule);
  schedule.open_on_holidays = true;
  for (auto& day : schedule.week.days) day = {LocalInterval{0, kMinutesPerDay}};
  return schedule;
}

WeeklySchedule WeeklySchedule::Closed(std::string rule) {
  WeeklySchedule schedule;
  schedule.rule = std::move(rule);
  return schedule;
}

}  // namespace cti::hours
