#include "projections/hours/holidays.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cti::hours {
namespace {

using Year = absl::civil_year_t;

// Floor division and modulo, so the computus is defined for every (proleptic) year.
Year FloorDiv(Year a, Year b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); }
Year FloorMod(Year a, Year b) { return a - FloorDiv(a, b) * b; }

struct EasterHoliday {
  int offset;  // days from Easter Sunday
  const char* name_da;
  const char* name_en;
};

constexpr EasterHoliday kEasterHolidays[] = {
    {-3, "Skærtorsdag", "Maundy Thursday"},
    {-2, "Langfredag", "Good Friday"},
    {0, "Påskedag", "Easter Sunday"},
    {1, "2. påskedag", "Easter Monday"},
    {26, "Store bededag", "General Prayer Day"},  // 4th Friday after Easter; until 2023
    {39, "Kristi himmelfartsdag", "Ascension Day"},
    {49, "Pinsedag", "Whit Sunday"},
    {50, "2. pinsedag", "Whit Monday"},
};
constexpr int kStoreBededagOffset = 26;

struct FixedHoliday {
  int month;
  int day;
  const char* name_da;
  const char* name_en;
};

constexpr FixedHoliday kFixedHolidays[] = {
    {1, 1, "Nytårsdag", "New Year's Day"},
    {12, 25, "Juledag", "Christmas Day"},
    {12, 26, "2. juledag", "Boxing Day"},
};

bool IsLeapYear(Year y) {
  return FloorMod(y, 4) == 0 && (FloorMod(y, 100) != 0 || FloorMod(y, 400) == 0);
}

int DaysInMonth(Year y, int month) {
  static constexpr int kDays[] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(y) ? 29 : kDays[month];
}

Holiday MakePublic(absl::CivilDay day, const char* da, const char* en) {
  return Holiday{day, da, en, HolidayKind::kPublicHoliday};
}

}  // namespace

absl::CivilDay EasterSunday(Year year) {
  const Year a = FloorMod(year, 19);
  const Year b = FloorDiv(year, 100);
  const Year c = FloorMod(year, 100);
  const Year d = FloorDiv(b, 4);
  const Year e = FloorMod(b, 4);
  const Year f = FloorDiv(b + 8, 25);
  const Year g = FloorDiv(b - f + 1, 3);
  const Year h = FloorMod(19 * a + b - d - g + 15, 30);
  const Year i = FloorDiv(c, 4);
  const Year k = FloorMod(c, 4);
  const Year l = FloorMod(32 + 2 * e + 2 * i - h - k, 7);
  const Year m = FloorDiv(a + 11 * h + 22 * l, 451);
  const Year n = h + l - 7 * m + 114;
  return absl::CivilDay(year, static_cast<int>(n / 31), static_cast<int>(n % 31) + 1);
}

std::optional<Holiday> DanishPublicHolidayOn(absl::CivilDay day) {
  for (const FixedHoliday& f : kFixedHolidays) {
    if (day.month() == f.month && day.day() == f.day) return MakePublic(day, f.name_da, f.name_en);
  }
  // Every Easter-dependent holiday lies between 22 March - 3 and 25 April + 50 days.
  if (day.month() < 3 || day.month() > 6) return std::nullopt;
  const absl::civil_diff_t offset = day - EasterSunday(day.year());
  for (const EasterHoliday& e : kEasterHolidays) {
    if (offset != e.offset) continue;
    if (e.offset == kStoreBededagOffset && day.year() > kLastStoreBededagYear) return std::nullopt;
    return MakePublic(day, e.name_da, e.name_en);
  }
  return std::nullopt;
}

std::vector<Holiday> DanishPublicHolidays(Year year) {
  std::vector<Holiday> out;
  out.reserve(11);
  const absl::CivilDay easter = EasterSunday(year);
  for (const FixedHoliday& f : kFixedHolidays) {
    out.push_back(MakePublic(absl::CivilDay(year, f.month, f.day), f.name_da, f.name_en));
  }
  for (const EasterHoliday& e : kEasterHolidays) {
    if (e.offset == kStoreBededagOffset && year > kLastStoreBededagYear) continue;
    out.push_back(MakePublic(easter + e.offset, e.name_da, e.name_en));
  }
  std::sort(out.begin(), out.end(),
            [](const Holiday& x, const Holiday& y) { return x.day < y.day; });
  return out;
}

MunicipalClosureDays MunicipalClosureDays::Common() {
  MunicipalClosureDays days;
  days.recurring = {{6, 5, "Grundlovsdag", "Constitution Day"},
                    {12, 24, "Juleaftensdag", "Christmas Eve"},
                    {12, 31, "Nytårsaftensdag", "New Year's Eve"}};
  return days;
}

HolidayCalendar::HolidayCalendar() = default;

absl::StatusOr<HolidayCalendar> HolidayCalendar::Create(MunicipalClosureDays closure_days) {
  HolidayCalendar calendar;
  const auto& recurring = closure_days.recurring;
  if (recurring.size() > 366) {
    return absl::InvalidArgumentError("recurring: more closure days than days in a year");
  }
  for (size_t i = 0; i < recurring.size(); ++i) {
    const RecurringClosureDay& r = recurring[i];
    const std::string field = absl::StrCat("recurring[", i, "]");
    if (r.month < 1 || r.month > 12) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".month: ", r.month, " is not 1-12"));
    }
    if (r.day < 1 || r.day > DaysInMonth(2024, r.month)) {  // 2024: a leap year
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".day: ", r.day, " does not exist in month ", r.month));
    }
    if (r.name_da.empty())
      return absl::InvalidArgumentError(absl::StrCat(field, ".name_da: empty"));
    std::uint16_t& slot = calendar.recurring_index_[r.month * 32 + r.day];
    if (slot != 0) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: %02d-%02d is listed twice", field, r.month, r.day));
    }
    slot = static_cast<std::uint16_t>(i + 1);
  }
  auto& specific = closure_days.specific;
  for (size_t i = 0; i < specific.size(); ++i) {
    if (specific[i].name_da.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("specific[", i, "].name_da: empty"));
    }
  }
  std::stable_sort(
      specific.begin(), specific.end(),
      [](const SpecificClosureDay& x, const SpecificClosureDay& y) { return x.day < y.day; });
  for (size_t i = 1; i < specific.size(); ++i) {
    if (specific[i].day == specific[i - 1].day) {
      return absl::InvalidArgumentError(
          absl::StrCat("specific: ", absl::FormatCivilTime(specific[i].day), " is listed twice"));
    }
  }
  calendar.closure_days_ = std::move(closure_days);
  return calendar;
}

std::optional<Holiday> HolidayCalendar::ClosureDayOn(absl::CivilDay day) const {
  const auto& specific = closure_days_.specific;
  auto it =
      std::lower_bound(specific.begin(), specific.end(), day,
                       [](const SpecificClosureDay& s, absl::CivilDay d) { return s.day < d; });
  if (it != specific.end() && it->day == day) {
    return Holiday{day, it->name_da, it->name_en.empty() ? it->name_da : it->name_en,
                   HolidayKind::kMunicipalClosureDay};
  }
  const std::uint16_t slot = recurring_index_[day.month() * 32 + day.day()];
  if (slot == 0) return std::nullopt;
  const RecurringClosureDay& r = closure_days_.recurring[slot - 1];
  return Holiday{day, r.name_da, r.name_en.empty() ? r.name_da : r.name_en,
                 HolidayKind::kMunicipalClosureDay};
}

std::optional<Holiday> HolidayCalendar::On(absl::CivilDay day) const {
  if (std::optional<Holiday> h = DanishPublicHolidayOn(day)) return h;
  return ClosureDayOn(day);
}

std::vector<Holiday> HolidayCalendar::OfYear(Year year) const {
  std::vector<Holiday> out = DanishPublicHolidays(year);
  auto add = [&](absl::CivilDay day) {
    if (DanishPublicHolidayOn(day).has_value()) return;  // the public holiday is listed
    if (std::optional<Holiday> h = ClosureDayOn(day)) out.push_back(*h);
  };
  for (const RecurringClosureDay& r : closure_days_.recurring) {
    if (r.day > DaysInMonth(year, r.month)) continue;  // 29 February outside leap years
    add(absl::CivilDay(year, r.month, r.day));
  }
  for (const SpecificClosureDay& s : closure_days_.specific) {
    if (s.day.year() == year) add(s.day);
  }
  std::sort(out.begin(), out.end(),
            [](const Holiday& x, const Holiday& y) { return x.day < y.day; });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const Holiday& x, const Holiday& y) { return x.day == y.day; }),
            out.end());
  return out;
}

}  // namespace cti::hours
