#include "server/calendar_import/internal/ical_values.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cti::calendar_import::internal {
namespace {

absl::Status Invalid(const ParsedLine& line, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(line.name(), ": ", what));
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month];
}

absl::StatusOr<IcalDateTime> Convert(const ParsedLine& line, icalproperty* property,
                                     const icaltimetype& t) {
  if (icaltime_is_null_time(t)) return Invalid(line, "has no date");
  if (t.year < 1 || t.year > 9999 || t.month < 1 || t.month > 12 || t.day < 1 ||
      t.day > DaysInMonth(t.year, t.month) || t.hour < 0 || t.hour > 23 || t.minute < 0 ||
      t.minute > 59 || t.second < 0 || t.second > 60) {
    return Invalid(line, absl::StrFormat("%04d-%02d-%02d %02d:%02d:%02d is not a real date and "
                                         "time",
                                         t.year, t.month, t.day, t.hour, t.minute, t.second));
  }
  IcalDateTime value;
  value.is_date = t.is_date != 0;
  value.civil = value.is_date ? absl::CivilSecond(t.year, t.month, t.day, 0, 0, 0)
                              : absl::CivilSecond(t.year, t.month, t.day, t.hour, t.minute,
                                                  t.second == 60 ? 59 : t.second);
  value.is_utc = !value.is_date && icaltime_is_utc(t) != 0;
  if (!value.is_utc) {
    if (icalparameter* tzid = icalproperty_get_first_parameter(property, ICAL_TZID_PARAMETER)) {
      const char* name = icalparameter_get_tzid(tzid);
      if (name != nullptr) value.tzid = name;
    }
  }
  return value;
}

}  // namespace

absl::StatusOr<ParsedLine> ParsedLine::Parse(const ContentLine& line) {
  const std::string wrapped = absl::StrCat("BEGIN:VEVENT\r\n", line.text, "\r\nEND:VEVENT\r\n");
  ParsedLine parsed;
  parsed.line_ = line.line;
  parsed.name_ = line.name;
  parsed.holder_.reset(icalparser_parse_string(wrapped.c_str()));
  icalerror_clear_errno();
  if (parsed.holder_ == nullptr) return Invalid(parsed, "libical could not parse this line");
  for (icalproperty* p = icalcomponent_get_first_property(parsed.holder_.get(), ICAL_ANY_PROPERTY);
       p != nullptr; p = icalcomponent_get_next_property(parsed.holder_.get(), ICAL_ANY_PROPERTY)) {
    if (icalproperty_isa(p) == ICAL_XLICERROR_PROPERTY) {
      const char* why = icalproperty_get_xlicerror(p);
      return Invalid(parsed, why != nullptr ? why : "libical could not parse the value");
    }
    parsed.properties_.push_back(p);
  }
  if (parsed.properties_.empty()) return Invalid(parsed, "libical found no property here");
  return parsed;
}

absl::StatusOr<std::vector<IcalDateTime>> DateTimesOf(const ParsedLine& line) {
  std::vector<IcalDateTime> values;
  for (icalproperty* p : line.properties()) {
    icaltimetype t;
    switch (icalproperty_isa(p)) {
      case ICAL_DTSTART_PROPERTY:
        t = icalproperty_get_dtstart(p);
        break;
      case ICAL_DTEND_PROPERTY:
        t = icalproperty_get_dtend(p);
        break;
      case ICAL_RECURRENCEID_PROPERTY:
        t = icalproperty_get_recurrenceid(p);
        break;
      case ICAL_EXDATE_PROPERTY:
        t = icalproperty_get_exdate(p);
        break;
      case ICAL_RDATE_PROPERTY: {
        const icaldatetimeperiodtype rdate = icalproperty_get_rdate(p);
        if (!icaltime_is_null_time(rdate.period.start)) {
          return Invalid(line, "PERIOD values are not supported");
        }
        t = rdate.time;
        break;
      }
      case ICAL_LASTMODIFIED_PROPERTY:
        t = icalproperty_get_lastmodified(p);
        break;
      case ICAL_CREATED_PROPERTY:
        t = icalproperty_get_created(p);
        break;
      case ICAL_DTSTAMP_PROPERTY:
        t = icalproperty_get_dtstamp(p);
        break;
      default:
        return Invalid(line, "is not a date property");
    }
    absl::StatusOr<IcalDateTime> value = Convert(line, p, t);
    if (!value.ok()) return value.status();
    values.push_back(*std::move(value));
  }
  return values;
}

absl::StatusOr<IcalDateTime> DateTimeOf(const ParsedLine& line) {
  absl::StatusOr<std::vector<IcalDateTime>> values = DateTimesOf(line);
  if (!values.ok()) return values.status();
  if (values->size() != 1) return Invalid(line, "must hold exactly one value");
  return values->front();
}

icaltimetype FloatingIcalTime(const absl::CivilSecond& civil, bool is_date) {
  icaltimetype t = icaltime_null_time();
  t.year = static_cast<int>(civil.year());
  t.month = civil.month();
  t.day = civil.day();
  if (!is_date) {
    t.hour = civil.hour();
    t.minute = civil.minute();
    t.second = civil.second();
  }
  t.is_date = is_date ? 1 : 0;
  return t;
}

bool HasPeriodValues(const ParsedLine& line) {
  for (icalproperty* p : line.properties()) {
    if (icalproperty_isa(p) == ICAL_RDATE_PROPERTY &&
        !icaltime_is_null_time(icalproperty_get_rdate(p).period.start)) {
      return true;
    }
  }
  return false;
}

absl::StatusOr<NominalDuration> DurationOf(const ParsedLine& line) {
  if (line.properties().size() != 1 ||
      icalproperty_isa(line.properties()[0]) != ICAL_DURATION_PROPERTY) {
    return Invalid(line, "must hold exactly one duration");
  }
  const icaldurationtype d = icalproperty_get_duration(line.properties()[0]);
  if (d.is_neg != 0) return Invalid(line, "must not be negative");
  NominalDuration duration;
  duration.days = static_cast<int64_t>(d.weeks) * 7 + d.days;
  duration.seconds =
      static_cast<int64_t>(d.hours) * 3600 + static_cast<int64_t>(d.minutes) * 60 + d.seconds;
  return duration;
}

absl::StatusOr<icalrecurrencetype> RecurrenceOf(const ParsedLine& line) {
  if (line.properties().size() != 1 ||
      icalproperty_isa(line.properties()[0]) != ICAL_RRULE_PROPERTY) {
    return Invalid(line, "must hold exactly one recurrence rule");
  }
  icalrecurrencetype rule = icalproperty_get_rrule(line.properties()[0]);
  if (rule.freq == ICAL_NO_RECURRENCE) return Invalid(line, "needs FREQ");
  if (rule.rscale != nullptr) return Invalid(line, "RSCALE (non-Gregorian rules) is not supported");
  if (rule.interval < 1) return Invalid(line, "INTERVAL must be at least 1");
  if (rule.count < 0) return Invalid(line, "COUNT must not be negative");
  if (!icaltime_is_null_time(rule.until)) {
    // Checked like any date; the result is not needed here.
    absl::StatusOr<IcalDateTime> until = Convert(line, line.properties()[0], rule.until);
    if (!until.ok()) {
      return Invalid(line, absl::StrCat("UNTIL: ", until.status().message()));
    }
  }
  return rule;
}

absl::StatusOr<std::vector<std::string>> TextsOf(const ParsedLine& line) {
  std::vector<std::string> texts;
  for (icalproperty* p : line.properties()) {
    const icalvalue* value = icalproperty_get_value(p);
    const char* text = nullptr;
    if (value != nullptr && icalvalue_isa(value) == ICAL_TEXT_VALUE) {
      text = icalvalue_get_text(value);
    } else if (value != nullptr && icalvalue_isa(value) == ICAL_X_VALUE) {
      text = icalvalue_get_x(value);
    } else {
      text = icalproperty_get_value_as_string(p);
    }
    std::string copy = text != nullptr ? std::string(text) : std::string();
    if (!IsValidUtf8(copy)) return Invalid(line, "is not valid UTF-8");
    texts.push_back(std::move(copy));
  }
  return texts;
}

absl::StatusOr<std::string> TextOf(const ParsedLine& line) {
  absl::StatusOr<std::vector<std::string>> texts = TextsOf(line);
  if (!texts.ok()) return texts.status();
  return texts->front();
}

}  // namespace cti::calendar_import::internal
