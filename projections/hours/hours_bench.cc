// Micro-benchmark of OpenAt and NextOpening, the hours queries Route makes on every call.
// Prints ns/op and heap allocations per op ("allocs"). Not a test.
//   build-hours/bin/hours_bench [--benchmark_filter=OpenAt]
#include <random>
#include <vector>

#include "absl/time/civil_time.h"
#include "benchmark/benchmark.h"
#include "projections/hours/hours.h"
#include "projections/hours/testing/allocation_counter.h"
#include "projections/hours/time_zone.h"

namespace cti::hours {
namespace {

absl::TimeZone Tz() {
  static const absl::TimeZone tz = *CopenhagenTimeZone();
  return tz;
}

const HolidayCalendar& Holidays() {
  static const HolidayCalendar* calendar =
      new HolidayCalendar(*HolidayCalendar::Create(MunicipalClosureDays::Common()));
  return *calendar;
}

absl::Time Local(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0), Tz());
}

// 4096 instants spread over 2025 (fixed seed).
const std::vector<absl::Time>& Instants() {
  static const std::vector<absl::Time>* instants = [] {
    auto* v = new std::vector<absl::Time>;
    std::mt19937_64 rng(42);
    const absl::Time start = Local(2025, 1, 1, 0, 0);
    std::uniform_int_distribution<int64_t> second(0, 365LL * 24 * 3600 - 1);
    for (int i = 0; i < 4096; ++i) v->push_back(start + absl::Seconds(second(rng)));
    return v;
  }();
  return *instants;
}

UnitHours DefaultUnit() {
  UnitHours unit;
  unit.unit_id = "borgerservice";
  return unit;
}

// A unit with several years of dated history: 20 extensions, 20 closures, 10 reductions,
// 20 unmanned periods.
UnitHours BusyUnit() {
  UnitHours unit = DefaultUnit();
  for (int i = 0; i < 20; ++i) {
    const absl::CivilDay first = absl::CivilDay(2021, 1, 4) + 73 * i;
    DatedExtension e;
    e.id = "ext-" + std::to_string(i);
    e.first_day = first;
    e.last_day = first + 30;
    e.extra.On(absl::Weekday::thursday) = {LocalInterval::Hm(17, 0, 18, 0)};
    unit.extensions.push_back(e);
    unit.closures.push_back(Closure{"clo-" + std::to_string(i), "", AppliesTo::kBoth, first + 40,
                                    first + 40, "Lukket"});
    const absl::Time t = absl::FromCivil(absl::CivilSecond(first + 50) + 10 * 3600, Tz());
    unit.unmanned.push_back(UnmannedPeriod{"unm-" + std::to_string(i), "TP-4.7", AppliesTo::kBoth,
                                           t, t + absl::Hours(2), DirectorApproval{"dir", t}});
    if (i % 2 == 0) {
      TemporaryReduction r;
      r.id = "red-" + std::to_string(i);
      r.first_day = first + 55;
      r.last_day = first + 70;
      r.hours = WeeklySchedule::Weekdays(LocalInterval::Hm(9, 0, 12, 0), "").week;
      unit.reductions.push_back(r);
    }
  }
  return unit;
}

void ReportAllocations(benchmark::State& state, long before) {
  state.counters["allocs"] = benchmark::Counter(
      static_cast<double>(testing::AllocationCount() - before), benchmark::Counter::kAvgIterations);
}

void RunOpenAt(benchmark::State& state, const UnitHours& unit,
               const std::vector<absl::Time>& instants) {
  const absl::TimeZone tz = Tz();
  size_t i = 0;
  const long before = testing::AllocationCount();
  for (auto _ : state) {
    OpenAnswer a =
        OpenAt(unit, HoursKind::kPhone, instants[i++ & (instants.size() - 1)], tz, Holidays());
    benchmark::DoNotOptimize(a);
  }
  ReportAllocations(state, before);
}

void BM_OpenAt_DefaultUnit_InstantsOver2025(benchmark::State& state) {
  RunOpenAt(state, DefaultUnit(), Instants());
}
BENCHMARK(BM_OpenAt_DefaultUnit_InstantsOver2025);

void BM_OpenAt_DefaultUnit_OpenTuesday10(benchmark::State& state) {
  std::vector<absl::Time> tuesdays;
  for (int w = 0; w < 32; ++w)
    tuesdays.push_back(Local(2025, 2, 4, 10, 0) + absl::Hours(24 * 7 * w));
  RunOpenAt(state, DefaultUnit(), tuesdays);
}
BENCHMARK(BM_OpenAt_DefaultUnit_OpenTuesday10);

void BM_OpenAt_DefaultUnit_Holiday(benchmark::State& state) {
  RunOpenAt(state, DefaultUnit(), std::vector<absl::Time>{Local(2025, 4, 18, 10, 0)});
}
BENCHMARK(BM_OpenAt_DefaultUnit_Holiday);

void BM_OpenAt_BusyUnit_InstantsOver2025(benchmark::State& state) {
  RunOpenAt(state, BusyUnit(), Instants());
}
BENCHMARK(BM_OpenAt_BusyUnit_InstantsOver2025);

// Worst case: open around the clock, closes_at follows 7 days.
void BM_OpenAt_AlwaysOpen(benchmark::State& state) {
  UnitHours unit = DefaultUnit();
  unit.phone = WeeklySchedule::AlwaysOpen("TP-3.1");
  RunOpenAt(state, unit, Instants());
}
BENCHMARK(BM_OpenAt_AlwaysOpen);

void RunNextOpening(benchmark::State& state, const UnitHours& unit,
                    const std::vector<absl::Time>& instants, int horizon_days) {
  const absl::TimeZone tz = Tz();
  size_t i = 0;
  const long before = testing::AllocationCount();
  for (auto _ : state) {
    absl::StatusOr<Opening> next =
        NextOpening(unit, HoursKind::kPhone, instants[i++ & (instants.size() - 1)], tz, Holidays(),
                    horizon_days);
    benchmark::DoNotOptimize(next);
  }
  ReportAllocations(state, before);
}

void BM_NextOpening_DefaultUnit_InstantsOver2025(benchmark::State& state) {
  RunNextOpening(state, DefaultUnit(), Instants(), kDefaultHorizonDays);
}
BENCHMARK(BM_NextOpening_DefaultUnit_InstantsOver2025);

void BM_NextOpening_BusyUnit_InstantsOver2025(benchmark::State& state) {
  RunNextOpening(state, BusyUnit(), Instants(), kDefaultHorizonDays);
}
BENCHMARK(BM_NextOpening_BusyUnit_InstantsOver2025);

void BM_NextOpening_MaundyThursdayEvening(benchmark::State& state) {
  RunNextOpening(state, DefaultUnit(), std::vector<absl::Time>{Local(2025, 4, 17, 19, 0)},
                 kDefaultHorizonDays);
}
BENCHMARK(BM_NextOpening_MaundyThursdayEvening);

// Worst case: a unit that never opens searches the whole horizon and answers NOT_FOUND
// (the error message allocates).
void BM_NextOpening_NeverOpens400Days(benchmark::State& state) {
  UnitHours unit = DefaultUnit();
  unit.phone = WeeklySchedule::Closed("");
  RunNextOpening(state, unit, std::vector<absl::Time>{Local(2025, 2, 4, 10, 0)},
                 kDefaultHorizonDays);
}
BENCHMARK(BM_NextOpening_NeverOpens400Days);

void BM_HolidayCalendar_On(benchmark::State& state) {
  absl::CivilDay day(2025, 1, 1);
  for (auto _ : state) {
    benchmark::DoNotOptimize(Holidays().On(day));
    day = day.day() == 31 && day.month() == 12 ? absl::CivilDay(2025, 1, 1) : day + 1;
  }
}
BENCHMARK(BM_HolidayCalendar_On);

}  // namespace
}  // namespace cti::hours

BENCHMARK_MAIN();
