// Recurrence expansion (RFC 5545 3.8.5): the instances of a VEVENT from DTSTART, RRULE,
// RDATE and EXDATE, on the wall clock of DTSTART's zone, as UTC instants.
//
// Not thread-safe (ZoneRules of one import).
#ifndef CTI_SERVER_CALENDAR_IMPORT_INTERNAL_EXPAND_H_
#define CTI_SERVER_CALENDAR_IMPORT_INTERNAL_EXPAND_H_

#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/calendar_import/internal/event_spec.h"

namespace cti::calendar_import::internal {

// Most instances one RRULE may produce before the end of the window.
inline constexpr int kMaxInstancesPerRule = 100000;

struct Occurrence {
  absl::Time start;  // UTC, inclusive
  absl::Time end;    // UTC, exclusive; equal to start for an event without length
  // Where the recurrence put it (its RECURRENCE-ID); equal to start unless overridden.
  absl::Time original_start;
};

struct Expansion {
  // The instances that overlap [from, until), by start. An instance without length
  // counts when from <= start < until.
  std::vector<Occurrence> occurrences;
  // True when a rule gave more than kMaxInstancesPerRule instances before `until`;
  // `occurrences` is then incomplete.
  bool too_many = false;
};

// Every instance of `event` that overlaps [from, until). DTSTART is always the first
// instance, also when it does not match the rule (then it counts towards COUNT). An
// EXDATE that is a DATE removes every instance starting on that local day; a DATE-TIME
// one the instance at that instant. RECURRENCE-ID, if any, is ignored here.
Expansion Expand(const EventSpec& event, absl::Time from, absl::Time until);

// The one instance of a VEVENT read as it stands (its DTSTART and length), e.g. an
// override; original_start is its RECURRENCE-ID when it has one.
Occurrence SingleOccurrence(const EventSpec& event);

// True when `o` overlaps [from, until) as Expansion::occurrences defines it.
bool Overlaps(const Occurrence& o, absl::Time from, absl::Time until);

}  // namespace cti::calendar_import::internal

#endif  // CTI_SERVER_CALENDAR_IMPORT_INTERNAL_EXPAND_H_
