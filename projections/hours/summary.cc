#include "projections/hours/summary.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace cti::hours {
namespace {

constexpr const char* kDaysDa[] = {"man", "tirs", "ons", "tors", "fre", "lør", "søn"};
constexpr const char* kDaysEn[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr const char* kWeekdayNames[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                         "Friday", "Saturday", "Sunday"};
constexpr const char* kEnDash = "\u2013";

std::string HourText(int minute, Language language) {
  if (minute % 60 == 0) return absl::StrCat(minute / 60);
  // One literal format each: absl checks formats at compile time (clang refuses a
  // format chosen at run time).
  return language == Language::kDanish ? absl::StrFormat("%d.%02d", minute / 60, minute % 60)
                                       : absl::StrFormat("%d:%02d", minute / 60, minute % 60);
}

std::string DayText(const std::vector<LocalInterval>& intervals, Language language) {
  std::vector<std::string> parts;
  parts.reserve(intervals.size());
  for (const LocalInterval& iv : intervals) {
    parts.push_back(absl::StrCat(HourText(iv.open_minute, language), kEnDash,
                                 HourText(iv.close_minute, language)));
  }
  return absl::StrJoin(parts, language == Language::kDanish ? " og " : " and ");
}

// "14:00" on T's local day, else "Tue 2025-04-22 08:00".
std::string When(absl::Time t, absl::CivilSecond now, absl::TimeZone tz) {
  if (absl::CivilDay(tz.At(t).cs) == absl::CivilDay(now)) return absl::FormatTime("%H:%M", t, tz);
  return absl::FormatTime("%a %Y-%m-%d %H:%M", t, tz);
}

// " (<what>, <rule>)" or " (<what>)" without a rule.
std::string Cite(absl::string_view what, absl::string_view rule) {
  if (rule.empty()) return absl::StrCat(" (", what, ")");
  return absl::StrCat(" (", what, ", ", rule, ")");
}

std::string Source(const Decision& d, HoursKind kind, absl::CivilSecond local_time) {
  switch (d.decider) {
    case Decider::kWeeklySchedule:
      return absl::StrCat(kWeekdayNames[static_cast<int>(absl::GetWeekday(local_time))], " ",
                          HoursKindName(kind), " hours");
    case Decider::kReduction:
      return absl::StrCat("reduction ", d.record_id);
    default:
      return absl::StrCat(DeciderName(d.decider), " ", d.record_id);
  }
}

}  // namespace

std::string SummarizeWeek(const WeeklyIntervals& week, Language language) {
  const auto& names = language == Language::kDanish ? kDaysDa : kDaysEn;
  std::vector<std::string> groups;
  for (int d = 0; d < 7;) {
    int last = d;
    while (last + 1 < 7 && week.days[last + 1] == week.days[d]) ++last;
    if (!week.days[d].empty()) {
      const std::string days = last == d ? names[d] : absl::StrCat(names[d], kEnDash, names[last]);
      groups.push_back(absl::StrCat(days, " ", DayText(week.days[d], language)));
    }
    d = last + 1;
  }
  if (groups.empty()) return language == Language::kDanish ? "lukket" : "closed";
  return absl::StrJoin(groups, ", ");
}

std::string Explain(const OpenAnswer& a, absl::TimeZone tz) {
  const Decision& d = a.decision;
  if (a.open) {
    const std::string until =
        a.closes_at == absl::InfiniteFuture()
            ? absl::StrCat("open for more than ", kMaxContinuousDays, " days")
            : absl::StrCat("open until ", When(a.closes_at, a.local_time, tz));
    return absl::StrCat(until, Cite(Source(d, a.kind, a.local_time), d.rule));
  }
  switch (d.decider) {
    case Decider::kPublicHoliday:
    case Decider::kMunicipalClosureDay:
      return absl::StrCat("closed: ", d.label, Cite(DeciderName(d.decider), d.rule));
    case Decider::kClosure:
      return absl::StrCat("closed", d.label.empty() ? "" : ": ", d.label,
                          Cite(absl::StrCat("closure ", d.record_id), d.rule));
    case Decider::kUnmanned:
      return absl::StrCat("closed: unmanned until ", When(a.unmanned_until, a.local_time, tz),
                          Cite(absl::StrCat("unmanned period ", d.record_id), d.rule),
                          "; calls go to reception");
    case Decider::kReduction: {
      std::string text = absl::StrCat("closed: reduced ", HoursKindName(a.kind), " hours",
                                      Cite(absl::StrCat("reduction ", d.record_id), d.rule));
      if (a.reduction != nullptr && a.within_weekly_hours) {
        if (a.reduction->coverage == ReductionCoverage::kPhoneDesk) {
          absl::StrAppend(
              &text, "; phone desk: ", absl::StrJoin(a.reduction->phone_desk_employee_ids, ", "));
        } else if (a.reduction->coverage == ReductionCoverage::kReceptionMessages) {
          absl::StrAppend(&text, "; reception takes messages");
        }
      }
      return text;
    }
    case Decider::kWeeklySchedule:
    case Decider::kExtension:
      break;
  }
  return absl::StrCat("closed",
                      Cite(absl::StrCat("outside ", Source(d, a.kind, a.local_time)), d.rule));
}

std::string ExplainOpening(const Opening& opening, HoursKind kind, absl::TimeZone tz) {
  const Decision& d = opening.decision;
  const std::string what = d.decider == Decider::kWeeklySchedule
                               ? absl::StrCat(HoursKindName(kind), " hours")
                               : absl::StrCat(DeciderName(d.decider), " ", d.record_id);
  return absl::StrCat("opens ", absl::FormatTime("%a %Y-%m-%d %H:%M", opening.at, tz),
                      Cite(what, d.rule));
}

}  // namespace cti::hours
