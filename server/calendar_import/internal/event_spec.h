// One VEVENT read into what the import needs: its times with their zones, its
// recurrence, and the properties the mapping looks at. Errors name the line.
//
// Not thread-safe (it uses the import's ZoneResolver).
#ifndef CTI_SERVER_CALENDAR_IMPORT_INTERNAL_EVENT_SPEC_H_
#define CTI_SERVER_CALENDAR_IMPORT_INTERNAL_EVENT_SPEC_H_

#include <libical/ical.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/calendar_import/internal/content_lines.h"
#include "server/calendar_import/internal/ical_values.h"
#include "server/calendar_import/internal/mapping.h"
#include "server/calendar_import/internal/zones.h"

namespace cti::calendar_import::internal {

// A date or date-time with the rules of the zone it is read in (the default zone for
// floating values and DATEs without TZID, UTC for values ending in 'Z').
struct ZonedTime {
  IcalDateTime value;
  const ZoneRules* zone = nullptr;  // Owned by the ZoneResolver.

  absl::Time ToUtc() const { return zone->ToUtc(value.civil); }
};

// How the end of each instance is found.
enum class EndKind {
  kDefault,   // Neither DTEND nor DURATION: a DATE lasts one day, a DATE-TIME no time.
  kDtEnd,     // DTEND: the same exact length (DATE: the same number of days) for every instance.
  kDuration,  // DURATION: days added on the wall clock, then the exact seconds.
};

// A recurrence rule with the line it came from.
struct RuleSpec {
  icalrecurrencetype rule;
  int line = 0;
};

struct EventSpec {
  const Component* component = nullptr;  // The VEVENT; not owned.
  std::string uid;

  ZonedTime start;  // DTSTART
  EndKind end_kind = EndKind::kDefault;
  ZonedTime end;             // DTEND, for kDtEnd
  NominalDuration duration;  // DURATION, for kDuration

  std::vector<RuleSpec> rules;             // RRULE
  std::vector<ZonedTime> rdates;           // RDATE (DATE and DATE-TIME values)
  std::vector<ZonedTime> exdates;          // EXDATE
  int period_rdate_line = 0;               // Line of an RDATE with PERIOD values (unsupported)
  std::optional<ZonedTime> recurrence_id;  // RECURRENCE-ID: this VEVENT overrides one instance

  PresenceFields presence;
  int summary_line = 0;                   // 0 without SUMMARY
  bool is_private = false;                // CLASS:PRIVATE or CLASS:CONFIDENTIAL
  std::optional<absl::Time> occurred_at;  // LAST-MODIFIED, else CREATED, else DTSTAMP

  bool recurring() const { return !rules.empty() || !rdates.empty(); }
};

// Reads `vevent`. On any error appends it (with its line) to `errors` and answers
// nullopt. Properties the import does not use are not looked at.
std::optional<EventSpec> ReadEvent(const Component& vevent, ZoneResolver& zones,
                                   std::vector<LineError>* errors);

}  // namespace cti::calendar_import::internal

#endif  // CTI_SERVER_CALENDAR_IMPORT_INTERNAL_EVENT_SPEC_H_
