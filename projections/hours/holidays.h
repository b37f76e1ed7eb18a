// Danish public holidays (helligdage) for any year, and the closure days a municipality
// chooses on top of them (e.g. 24 and 31 December, Grundlovsdag).
//
// Public holidays: Nytårsdag (1 Jan), Skærtorsdag, Langfredag, Påskedag, 2. påskedag,
// Store bededag (the 4th Friday after Easter; only in years before 2024, abolished by
// law from 2024), Kristi himmelfartsdag, Pinsedag, 2. pinsedag, Juledag (25 Dec) and
// 2. juledag (26 Dec). Easter Sunday follows the Gregorian computus, applied
// proleptically to every year. Today's rules are used for every year except Store bededag.
//
// Example:
//   absl::StatusOr<HolidayCalendar> calendar =
//       HolidayCalendar::Create(MunicipalClosureDays::Common());
//   std::optional<Holiday> h = calendar->On(absl::CivilDay(2025, 4, 18));
//   // h->name_da == "Langfredag", h->kind == HolidayKind::kPublicHoliday
#ifndef CTI_PROJECTIONS_HOURS_HOLIDAYS_H_
#define CTI_PROJECTIONS_HOURS_HOLIDAYS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace cti::hours {

// The last year with Store bededag as a public holiday.
inline constexpr absl::civil_year_t kLastStoreBededagYear = 2023;

enum class HolidayKind {
  kPublicHoliday,        // a Danish public holiday (helligdag)
  kMunicipalClosureDay,  // a day the municipality chose to close (MunicipalClosureDays)
};

// One holiday. The names are static for public holidays; for municipal closure days they
// point into the HolidayCalendar that returned them (valid while it lives).
struct Holiday {
  absl::CivilDay day;
  absl::string_view name_da;  // e.g. "Langfredag"
  absl::string_view name_en;  // e.g. "Good Friday"
  HolidayKind kind = HolidayKind::kPublicHoliday;
};

// Easter Sunday of `year` in the Gregorian calendar (anonymous Gregorian algorithm).
absl::CivilDay EasterSunday(absl::civil_year_t year);

// The public holiday on `day`, or nullopt. Allocates nothing.
std::optional<Holiday> DanishPublicHolidayOn(absl::CivilDay day);

// All public holidays of `year`, in date order (10 from 2024 on, 11 before).
std::vector<Holiday> DanishPublicHolidays(absl::civil_year_t year);

// A closure day recurring every year on month/day (29 February: leap years only).
struct RecurringClosureDay {
  int month = 1;
  int day = 1;
  std::string name_da;
  std::string name_en;
};

// A closure day on one date only, e.g. a bridge day (inclusive single day).
struct SpecificClosureDay {
  absl::CivilDay day;
  std::string name_da;
  std::string name_en;
};

// The municipality's own closure days; they close units like public holidays do.
struct MunicipalClosureDays {
  std::vector<RecurringClosureDay> recurring;
  std::vector<SpecificClosureDay> specific;

  // Juleaftensdag (24 Dec), Nytårsaftensdag (31 Dec) and Grundlovsdag (5 Jun).
  static MunicipalClosureDays Common();
};

// Answers "is this day a holiday?" for public holidays plus municipal closure days.
// Immutable once created; thread safe. Lookups allocate nothing and cost O(log n) in the
// number of specific closure days (Easter is recomputed per lookup: a few integer ops).
class HolidayCalendar {
 public:
  // Public holidays only.
  HolidayCalendar();

  // INVALID_ARGUMENT naming the field (e.g. "recurring[1].day") for an impossible month or
  // day, an empty name_da, or a date listed twice.
  static absl::StatusOr<HolidayCalendar> Create(MunicipalClosureDays closure_days);

  // The holiday on `day`, or nullopt. A public holiday wins over a closure day on the same
  // date.
  std::optional<Holiday> On(absl::CivilDay day) const;

  // Public holidays and closure days of `year`, in date order.
  std::vector<Holiday> OfYear(absl::civil_year_t year) const;

  const MunicipalClosureDays& closure_days() const { return closure_days_; }

 private:
  std::optional<Holiday> ClosureDayOn(absl::CivilDay day) const;

  MunicipalClosureDays closure_days_;  // specific: sorted by day
  // recurring_index_[month * 32 + day] = 1 + index into closure_days_.recurring, or 0.
  std::array<std::uint16_t, 13 * 32> recurring_index_{};
};

}  // namespace cti::hours

#endif  // CTI_PROJECTIONS_HOURS_HOLIDAYS_H_
