#include "server/calendar_import/internal/expand.h"

#include <libical/ical.h>

#include <cstdint>
#include <limits>
#include <map>
#include <optional>

namespace cti::calendar_import::internal {
namespace {

// `local` moved by whole days on the wall clock, time of day kept.
absl::CivilSecond AddDays(const absl::CivilSecond& local, int64_t days) {
  const absl::CivilDay day = absl::CivilDay(local) + days;
  return absl::CivilSecond(day.year(), day.month(), day.day(), local.hour(), local.minute(),
                           local.second());
}

// The end of the instance that starts at `local` (wall clock of DTSTART's zone) = `utc`.
absl::Time EndOf(const EventSpec& event, const absl::CivilSecond& local, absl::Time utc) {
  const ZoneRules& zone = *event.start.zone;
  const bool is_date = event.start.value.is_date;
  switch (event.end_kind) {
    case EndKind::kDefault:
      return is_date ? zone.ToUtc(AddDays(local, 1)) : utc;
    case EndKind::kDtEnd: {
      if (!is_date) return utc + (event.end.ToUtc() - event.start.ToUtc());
      int64_t days =
          absl::CivilDay(event.end.value.civil) - absl::CivilDay(event.start.value.civil);
      if (days == 0) days = 1;  // DTEND = DTSTART on an all-day event: read as one day.
      return zone.ToUtc(AddDays(local, days));
    }
    case EndKind::kDuration:
      return zone.ToUtc(AddDays(local, event.duration.days)) +
             absl::Seconds(event.duration.seconds);
  }
  return utc;
}

absl::CivilSecond CivilOf(const icaltimetype& t) {
  return t.is_date != 0 ? absl::CivilSecond(t.year, t.month, t.day, 0, 0, 0)
                        : absl::CivilSecond(t.year, t.month, t.day, t.hour, t.minute, t.second);
}

// Whether an instance is within the rule's UNTIL (inclusive).
class UntilBound {
 public:
  UntilBound(const icaltimetype& until, const ZoneRules& zone) {
    if (icaltime_is_null_time(until)) return;
    if (until.is_date != 0) {
      day_ = absl::CivilDay(until.year, until.month, until.day);
    } else if (icaltime_is_utc(until) != 0) {
      instant_ = absl::FromCivil(CivilOf(until), absl::UTCTimeZone());
    } else {
      instant_ = zone.ToUtc(CivilOf(until));  // Floating: DTSTART's zone.
    }
  }
  bool Allows(const absl::CivilSecond& local, absl::Time utc) const {
    if (day_.has_value()) return absl::CivilDay(local) <= *day_;
    if (instant_.has_value()) return utc <= *instant_;
    return true;
  }

 private:
  std::optional<absl::CivilDay> day_;
  std::optional<absl::Time> instant_;
};

// Adds the instances of one rule that start before `until` to `candidates`. False when
// the rule gives too many.
bool ExpandRule(const EventSpec& event, const RuleSpec& spec, absl::Time until,
                std::map<absl::Time, absl::CivilSecond>* candidates) {
  const ZoneRules& zone = *event.start.zone;
  icalrecurrencetype rule = spec.rule;
  const UntilBound bound(rule.until, zone);
  rule.until = icaltime_null_time();  // UNTIL is applied here, in UTC where it is UTC.
  icalrecur_iterator* it = icalrecur_iterator_new(
      rule, FloatingIcalTime(event.start.value.civil, event.start.value.is_date));
  if (it == nullptr) return true;  // ReadEvent checked that this does not happen.
  int64_t limit = rule.count > 0 ? rule.count : std::numeric_limits<int64_t>::max();
  int64_t produced = 0;
  bool first = true;
  bool within_bounds = true;
  while (true) {
    const icaltimetype t = icalrecur_iterator_next(it);
    if (icaltime_is_null_time(t)) break;
    const absl::CivilSecond local = CivilOf(t);
    if (first) {
      first = false;
      // DTSTART counts as the first instance even when the rule would not produce it.
      if (rule.count > 0 && local != event.start.value.civil) limit = rule.count - 1;
    }
    if (produced >= limit) break;
    if (produced >= kMaxInstancesPerRule) {
      within_bounds = false;
      break;
    }
    const absl::Time utc = zone.ToUtc(local);
    if (!bound.Allows(local, utc) || utc >= until) break;
    candidates->emplace(utc, local);
    ++produced;
  }
  icalrecur_iterator_free(it);
  return within_bounds;
}

bool Excluded(const EventSpec& event, const absl::CivilSecond& local, absl::Time utc) {
  for (const ZonedTime& ex : event.exdates) {
    if (ex.value.is_date ? absl::CivilDay(ex.value.civil) == absl::CivilDay(local)
                         : ex.ToUtc() == utc) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool Overlaps(const Occurrence& o, absl::Time from, absl::Time until) {
  if (o.start >= until) return false;
  return o.end == o.start ? o.start >= from : o.end > from;
}

Occurrence SingleOccurrence(const EventSpec& event) {
  const absl::Time start = event.start.ToUtc();
  Occurrence o{start, EndOf(event, event.start.value.civil, start), start};
  if (event.recurrence_id.has_value()) o.original_start = event.recurrence_id->ToUtc();
  return o;
}

Expansion Expand(const EventSpec& event, absl::Time from, absl::Time until) {
  Expansion expansion;
  const ZoneRules& zone = *event.start.zone;
  std::map<absl::Time, absl::CivilSecond> candidates;  // By UTC start: no instance twice.
  const absl::Time first = event.start.ToUtc();
  if (first < until) candidates.emplace(first, event.start.value.civil);
  for (const RuleSpec& rule : event.rules) {
    if (!ExpandRule(event, rule, until, &candidates)) expansion.too_many = true;
  }
  for (const ZonedTime& rdate : event.rdates) {
    // A DATE means that day at DTSTART's time of day (midnight for an all-day event).
    const absl::CivilSecond local =
        rdate.value.is_date ? absl::CivilSecond(absl::CivilDay(rdate.value.civil)) +
                                  (event.start.value.civil -
                                   absl::CivilSecond(absl::CivilDay(event.start.value.civil)))
                            : zone.ToLocal(rdate.ToUtc());
    const absl::Time utc = rdate.value.is_date ? zone.ToUtc(local) : rdate.ToUtc();
    if (utc < until) candidates.emplace(utc, local);
  }
  for (const auto& [utc, local] : candidates) {
    if (Excluded(event, local, utc)) continue;
    const Occurrence o{utc, EndOf(event, local, utc), utc};
    if (Overlaps(o, from, until)) expansion.occurrences.push_back(o);
  }
  return expansion;
}

}  // namespace cti::calendar_import::internal
