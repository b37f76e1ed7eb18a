// Text for people: a week's hours as reception may tell a caller (TP-3.14, TP-6.3), and a
// one-line explanation of an answer for Route's reasons trail.
//
// Example:
//   SummarizeWeek(WeeklySchedule::DefaultPhoneHours().week, Language::kDanish)
//     == "man–ons 8–16, tors 8–17, fre 8–14"
//   Explain(OpenAt(...), tz) == "open until 14:00 (Friday phone hours, TP-3.8)"
#ifndef CTI_PROJECTIONS_HOURS_SUMMARY_H_
#define CTI_PROJECTIONS_HOURS_SUMMARY_H_

#include <string>

#include "absl/time/time.h"
#include "projections/hours/hours.h"
#include "projections/hours/schedule.h"

namespace cti::hours {

enum class Language { kDanish, kEnglish };

// Consecutive weekdays with the same intervals are grouped ("man–ons"); days without hours
// are left out; whole hours print as "8", others as "8.30" (Danish) or "8:30" (English);
// several intervals of a day are joined by " og " / " and ". A week without hours is
// "lukket" / "closed". Ranges use an en dash (U+2013).
std::string SummarizeWeek(const WeeklyIntervals& week, Language language);

// One English line saying what the answer means and why, e.g.
//   "open until 14:00 (Friday phone hours, TP-3.8)"
//   "open until 18:00 (extension pas-2025, TP-3.12)"
//   "closed: Langfredag (public holiday)"
//   "closed: Flytning til rådhuset (closure flyt-2025)"
//   "closed: reduced phone hours (reduction r1, TP-3.13); phone desk: e1, e2"
//   "closed: unmanned until 12:00 (unmanned period u1, TP-4.7); calls go to reception"
//   "closed (outside Saturday phone hours, TP-3.8)"
// closes_at and unmanned_until on another local day than T print with their date.
std::string Explain(const OpenAnswer& answer, absl::TimeZone tz);

// E.g. "opens Tue 2025-04-22 08:00 (phone hours, TP-3.8)", in `tz`.
std::string ExplainOpening(const Opening& opening, HoursKind kind, absl::TimeZone tz);

}  // namespace cti::hours

#endif  // CTI_PROJECTIONS_HOURS_SUMMARY_H_
