// Danish public holidays 2024-2030 against the calendar, Store bededag until 2023, the
// Gregorian computus, and the municipality's own closure days.
#include "projections/hours/holidays.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cti::hours {
namespace {

using ::testing::HasSubstr;

struct Expected {
  absl::CivilDay day;
  const char* name_da;
};

// The public holidays of each year, written out from the official calendar.
std::vector<Expected> HolidaysOf(int year) {
  using D = absl::CivilDay;
  switch (year) {
    case 2024:
      return {{D(2024, 1, 1), "Nytårsdag"},   {D(2024, 3, 28), "Skærtorsdag"},
              {D(2024, 3, 29), "Langfredag"}, {D(2024, 3, 31), "Påskedag"},
              {D(2024, 4, 1), "2. påskedag"}, {D(2024, 5, 9), "Kristi himmelfartsdag"},
              {D(2024, 5, 19), "Pinsedag"},   {D(2024, 5, 20), "2. pinsedag"},
              {D(2024, 12, 25), "Juledag"},   {D(2024, 12, 26), "2. juledag"}};
    case 2025:
      return {{D(2025, 1, 1), "Nytårsdag"},    {D(2025, 4, 17), "Skærtorsdag"},
              {D(2025, 4, 18), "Langfredag"},  {D(2025, 4, 20), "Påskedag"},
              {D(2025, 4, 21), "2. påskedag"}, {D(2025, 5, 29), "Kristi himmelfartsdag"},
              {D(2025, 6, 8), "Pinsedag"},     {D(2025, 6, 9), "2. pinsedag"},
              {D(2025, 12, 25), "Juledag"},    {D(2025, 12, 26), "2. juledag"}};
    case 2026:
      return {{D(2026, 1, 1), "Nytårsdag"},   {D(2026, 4, 2), "Skærtorsdag"},
              {D(2026, 4, 3), "Langfredag"},  {D(2026, 4, 5), "Påskedag"},
              {D(2026, 4, 6), "2. påskedag"}, {D(2026, 5, 14), "Kristi himmelfartsdag"},
              {D(2026, 5, 24), "Pinsedag"},   {D(2026, 5, 25), "2. pinsedag"},
              {D(2026, 12, 25), "Juledag"},   {D(2026, 12, 26), "2. juledag"}};
    case 2027:
      return {{D(2027, 1, 1), "Nytårsdag"},    {D(2027, 3, 25), "Skærtorsdag"},
              {D(2027, 3, 26), "Langfredag"},  {D(2027, 3, 28), "Påskedag"},
              {D(2027, 3, 29), "2. påskedag"}, {D(2027, 5, 6), "Kristi himmelfartsdag"},
              {D(2027, 5, 16), "Pinsedag"},    {D(2027, 5, 17), "2. pinsedag"},
              {D(2027, 12, 25), "Juledag"},    {D(2027, 12, 26), "2. juledag"}};
    case 2028:
      return {{D(2028, 1, 1), "Nytårsdag"},    {D(2028, 4, 13), "Skærtorsdag"},
              {D(2028, 4, 14), "Langfredag"},  {D(2028, 4, 16), "Påskedag"},
              {D(2028, 4, 17), "2. påskedag"}, {D(2028, 5, 25), "Kristi himmelfartsdag"},
              {D(2028, 6, 4), "Pinsedag"},     {D(2028, 6, 5), "2. pinsedag"},
              {D(2028, 12, 25), "Juledag"},    {D(2028, 12, 26), "2. juledag"}};
    case 2029:
      return {{D(2029, 1, 1), "Nytårsdag"},   {D(2029, 3, 29), "Skærtorsdag"},
              {D(2029, 3, 30), "Langfredag"}, {D(2029, 4, 1), "Påskedag"},
              {D(2029, 4, 2), "2. påskedag"}, {D(2029, 5, 10), "Kristi himmelfartsdag"},
              {D(2029, 5, 20), "Pinsedag"},   {D(2029, 5, 21), "2. pinsedag"},
              {D(2029, 12, 25), "Juledag"},   {D(2029, 12, 26), "2. juledag"}};
    case 2030:
      return {{D(2030, 1, 1), "Nytårsdag"},    {D(2030, 4, 18), "Skærtorsdag"},
              {D(2030, 4, 19), "Langfredag"},  {D(2030, 4, 21), "Påskedag"},
              {D(2030, 4, 22), "2. påskedag"}, {D(2030, 5, 30), "Kristi himmelfartsdag"},
              {D(2030, 6, 9), "Pinsedag"},     {D(2030, 6, 10), "2. pinsedag"},
              {D(2030, 12, 25), "Juledag"},    {D(2030, 12, 26), "2. juledag"}};
  }
  ADD_FAILURE() << "no table for " << year;
  return {};
}

TEST(DanishHolidays, EasterSundays2024To2030) {
  EXPECT_EQ(EasterSunday(2024), absl::CivilDay(2024, 3, 31));
  EXPECT_EQ(EasterSunday(2025), absl::CivilDay(2025, 4, 20));
  EXPECT_EQ(EasterSunday(2026), absl::CivilDay(2026, 4, 5));
  EXPECT_EQ(EasterSunday(2027), absl::CivilDay(2027, 3, 28));
  EXPECT_EQ(EasterSunday(2028), absl::CivilDay(2028, 4, 16));
  EXPECT_EQ(EasterSunday(2029), absl::CivilDay(2029, 4, 1));
  EXPECT_EQ(EasterSunday(2030), absl::CivilDay(2030, 4, 21));
}

TEST(DanishHolidays, GregorianComputusAtItsExtremes) {
  EXPECT_EQ(EasterSunday(1818), absl::CivilDay(1818, 3, 22));  // earliest possible
  EXPECT_EQ(EasterSunday(2285), absl::CivilDay(2285, 3, 22));
  EXPECT_EQ(EasterSunday(1943), absl::CivilDay(1943, 4, 25));  // latest possible
  EXPECT_EQ(EasterSunday(2038), absl::CivilDay(2038, 4, 25));
  EXPECT_EQ(EasterSunday(1583), absl::CivilDay(1583, 4, 10));  // first Gregorian Easter
  EXPECT_EQ(EasterSunday(2000), absl::CivilDay(2000, 4, 23));
  for (int year = 1583; year <= 4099; ++year) {
    const absl::CivilDay easter = EasterSunday(year);
    ASSERT_EQ(absl::GetWeekday(easter), absl::Weekday::sunday) << year;
    ASSERT_GE(easter, absl::CivilDay(year, 3, 22)) << year;
    ASSERT_LE(easter, absl::CivilDay(year, 4, 25)) << year;
  }
}

TEST(DanishHolidays, EveryHolidayOf2024To2030) {
  for (int year = 2024; year <= 2030; ++year) {
    const std::vector<Holiday> got = DanishPublicHolidays(year);
    const std::vector<Expected> want = HolidaysOf(year);
    ASSERT_EQ(got.size(), want.size()) << year;
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(got[i].day, want[i].day) << year << " #" << i;
      EXPECT_EQ(got[i].name_da, want[i].name_da) << year << " #" << i;
      EXPECT_EQ(got[i].kind, HolidayKind::kPublicHoliday);
      EXPECT_FALSE(got[i].name_en.empty());
      std::optional<Holiday> on = DanishPublicHolidayOn(want[i].day);
      ASSERT_TRUE(on.has_value()) << want[i].day;
      EXPECT_EQ(on->name_da, want[i].name_da);
    }
  }
}

TEST(DanishHolidays, EnglishNames) {
  std::optional<Holiday> h = DanishPublicHolidayOn(absl::CivilDay(2025, 4, 18));
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->name_en, "Good Friday");
  EXPECT_EQ(DanishPublicHolidayOn(absl::CivilDay(2025, 5, 29))->name_en, "Ascension Day");
}

TEST(DanishHolidays, StoreBededagIn2023AbsentFrom2024) {
  const std::vector<Holiday> y2023 = DanishPublicHolidays(2023);
  ASSERT_EQ(y2023.size(), 11u);
  std::optional<Holiday> bededag = DanishPublicHolidayOn(absl::CivilDay(2023, 5, 5));
  ASSERT_TRUE(bededag.has_value());
  EXPECT_EQ(bededag->name_da, "Store bededag");
  EXPECT_EQ(absl::GetWeekday(absl::CivilDay(2023, 5, 5)), absl::Weekday::friday);
  EXPECT_EQ(y2023[5].day, absl::CivilDay(2023, 5, 5));

  // 2024: the 4th Friday after Easter (26 April) is a working day.
  EXPECT_EQ(DanishPublicHolidays(2024).size(), 10u);
  EXPECT_FALSE(DanishPublicHolidayOn(absl::CivilDay(2024, 4, 26)).has_value());
  EXPECT_FALSE(DanishPublicHolidayOn(absl::CivilDay(2025, 5, 16)).has_value());
  for (const Holiday& h : DanishPublicHolidays(2024)) EXPECT_NE(h.name_da, "Store bededag");
}

TEST(DanishHolidays, LookupAgreesWithYearListFor1900To2200) {
  for (int year = 1900; year <= 2200; ++year) {
    const std::vector<Holiday> list = DanishPublicHolidays(year);
    size_t next = 0;
    for (absl::CivilDay d(year, 1, 1); d.year() == year; ++d) {
      const std::optional<Holiday> on = DanishPublicHolidayOn(d);
      const bool listed = next < list.size() && list[next].day == d;
      ASSERT_EQ(on.has_value(), listed) << d;
      if (listed) {
        ASSERT_EQ(on->name_da, list[next].name_da) << d;
        ++next;
      }
    }
    ASSERT_EQ(next, list.size()) << year;
  }
}

TEST(HolidayCalendar, CommonClosureDaysCloseLikeHolidays) {
  absl::StatusOr<HolidayCalendar> calendar =
      HolidayCalendar::Create(MunicipalClosureDays::Common());
  ASSERT_TRUE(calendar.ok()) << calendar.status();
  std::optional<Holiday> eve = calendar->On(absl::CivilDay(2025, 12, 24));
  ASSERT_TRUE(eve.has_value());
  EXPECT_EQ(eve->name_da, "Juleaftensdag");
  EXPECT_EQ(eve->kind, HolidayKind::kMunicipalClosureDay);
  EXPECT_EQ(calendar->On(absl::CivilDay(2025, 12, 31))->name_da, "Nytårsaftensdag");
  EXPECT_EQ(calendar->On(absl::CivilDay(2025, 6, 5))->name_da, "Grundlovsdag");
  EXPECT_EQ(calendar->On(absl::CivilDay(2025, 12, 25))->kind, HolidayKind::kPublicHoliday);
  EXPECT_FALSE(calendar->On(absl::CivilDay(2025, 12, 23)).has_value());
  // Without closure days only public holidays count.
  EXPECT_FALSE(HolidayCalendar().On(absl::CivilDay(2025, 12, 24)).has_value());

  const std::vector<Holiday> year = calendar->OfYear(2025);
  ASSERT_EQ(year.size(), 13u);
  EXPECT_EQ(year[6].day, absl::CivilDay(2025, 6, 5));  // in date order
  EXPECT_EQ(year[6].name_da, "Grundlovsdag");
  EXPECT_EQ(year[12].name_da, "Nytårsaftensdag");
}

TEST(HolidayCalendar, SpecificDaysAndLeapDay) {
  MunicipalClosureDays days;
  days.recurring = {{2, 29, "Skuddag", ""}};
  days.specific = {{absl::CivilDay(2025, 5, 30), "Broafdag", "Bridge day"},
                   {absl::CivilDay(2025, 4, 18), "Dobbelt", ""}};
  absl::StatusOr<HolidayCalendar> calendar = HolidayCalendar::Create(days);
  ASSERT_TRUE(calendar.ok()) << calendar.status();
  EXPECT_EQ(calendar->On(absl::CivilDay(2025, 5, 30))->name_en, "Bridge day");
  EXPECT_EQ(calendar->On(absl::CivilDay(2024, 2, 29))->name_en, "Skuddag");  // falls back
  EXPECT_FALSE(calendar->On(absl::CivilDay(2025, 5, 30 - 7)).has_value());
  // A public holiday wins over a closure day on the same date.
  EXPECT_EQ(calendar->On(absl::CivilDay(2025, 4, 18))->name_da, "Langfredag");
  EXPECT_EQ(calendar->OfYear(2024).size(), 11u);  // 10 public + 29 February
  EXPECT_EQ(calendar->OfYear(2025).size(), 11u);  // 10 public + bridge day (no 29 Feb)
}

TEST(HolidayCalendar, RefusesImpossibleOrDuplicateDays) {
  auto create = [](MunicipalClosureDays d) {
    return HolidayCalendar::Create(std::move(d)).status();
  };
  MunicipalClosureDays bad_day;
  bad_day.recurring = {{12, 24, "Juleaftensdag", ""}, {2, 30, "Nej", ""}};
  absl::Status s = create(bad_day);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("recurring[1].day"));

  MunicipalClosureDays bad_month;
  bad_month.recurring = {{13, 1, "Nej", ""}};
  EXPECT_THAT(create(bad_month).message(), HasSubstr("recurring[0].month"));

  MunicipalClosureDays twice;
  twice.recurring = {{12, 24, "A", ""}, {12, 24, "B", ""}};
  EXPECT_THAT(create(twice).message(), HasSubstr("listed twice"));

  MunicipalClosureDays unnamed;
  unnamed.specific = {{absl::CivilDay(2025, 5, 30), "", ""}};
  EXPECT_THAT(create(unnamed).message(), HasSubstr("specific[0].name_da"));

  MunicipalClosureDays same_date;
  same_date.specific = {{absl::CivilDay(2025, 5, 30), "A", ""},
                        {absl::CivilDay(2025, 5, 30), "B", ""}};
  EXPECT_THAT(create(same_date).message(), HasSubstr("2025-05-30 is listed twice"));
}

}  // namespace
}  // namespace cti::hours
