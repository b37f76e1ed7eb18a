// Property values as libical parses them, one content line at a time so that a value
// libical refuses is reported with its line. Each function answers INVALID_ARGUMENT with a
// message naming the property (not the line: callers hold the ContentLine and add it).
//
// Thread-compatible: libical keeps per-thread error state only.
#ifndef CTI_SERVER_CALENDAR_IMPORT_INTERNAL_ICAL_VALUES_H_
#define CTI_SERVER_CALENDAR_IMPORT_INTERNAL_ICAL_VALUES_H_

#include <libical/ical.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "server/calendar_import/internal/content_lines.h"

namespace cti::calendar_import::internal {

// What libical made of one content line: one property, or several for a multi-valued
// line such as "EXDATE:20250312T090000,20250317T090000". Move-only; owns the properties.
class ParsedLine {
 public:
  // INVALID_ARGUMENT with libical's complaint when it cannot parse the value.
  static absl::StatusOr<ParsedLine> Parse(const ContentLine& line);

  int line() const { return line_; }
  const std::string& name() const { return name_; }
  // Never empty; valid while this object lives.
  const std::vector<icalproperty*>& properties() const { return properties_; }

 private:
  struct FreeComponent {
    void operator()(icalcomponent* c) const { icalcomponent_free(c); }
  };
  std::unique_ptr<icalcomponent, FreeComponent> holder_;
  std::vector<icalproperty*> properties_;
  int line_ = 0;
  std::string name_;
};

// A DATE or DATE-TIME value with the time zone it was written in.
struct IcalDateTime {
  // The wall-clock value (midnight for a DATE).
  absl::CivilSecond civil;
  bool is_date = false;
  // Written with a trailing 'Z'.
  bool is_utc = false;
  // The TZID parameter; empty for UTC and floating values.
  std::string tzid;
};

// The DATE or DATE-TIME values of DTSTART, DTEND, RECURRENCE-ID, EXDATE, RDATE (not
// PERIOD values), LAST-MODIFIED, CREATED or DTSTAMP. Refuses impossible dates such as
// 30 February and hours above 23.
absl::StatusOr<std::vector<IcalDateTime>> DateTimesOf(const ParsedLine& line);
// The same for a property that must hold exactly one value (DTSTART, DTEND, ...).
absl::StatusOr<IcalDateTime> DateTimeOf(const ParsedLine& line);

// A floating libical time (no zone) with the given wall-clock fields, for the recurrence
// iterator; a DATE when `is_date`.
icaltimetype FloatingIcalTime(const absl::CivilSecond& civil, bool is_date);

// True when an RDATE line holds PERIOD values.
bool HasPeriodValues(const ParsedLine& line);

// A DURATION value: a nominal part in days (weeks count 7) and an exact part in seconds.
struct NominalDuration {
  int64_t days = 0;
  int64_t seconds = 0;
};
// Refuses negative durations.
absl::StatusOr<NominalDuration> DurationOf(const ParsedLine& line);

// The recurrence rule of an RRULE line, with FREQ set. Refuses RSCALE (non-Gregorian
// calendars). `rscale` of the result is always null.
absl::StatusOr<icalrecurrencetype> RecurrenceOf(const ParsedLine& line);

// The unescaped text of each value on the line (one for SUMMARY, several for
// "CATEGORIES:Ferie,Privat"). Refuses text that is not UTF-8.
absl::StatusOr<std::vector<std::string>> TextsOf(const ParsedLine& line);
// The first value's text.
absl::StatusOr<std::string> TextOf(const ParsedLine& line);

}  // namespace cti::calendar_import::internal

#endif  // CTI_SERVER_CALENDAR_IMPORT_INTERNAL_ICAL_VALUES_H_
