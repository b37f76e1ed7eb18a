#include "server/calendar_import/internal/event_spec.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace cti::calendar_import::internal {
namespace {

// Instants the envelope accepts for occurred_at: [1970-01-01, 2200-01-01).
bool InEnvelopeRange(absl::Time t) {
  return t >= absl::UnixEpoch() && t < absl::FromUnixSeconds(7258118400);
}

class EventReader {
 public:
  EventReader(const Component& vevent, ZoneResolver& zones, std::vector<LineError>* errors)
      : vevent_(vevent), zones_(zones), errors_(errors) {}

  std::optional<EventSpec> Read() {
    EventSpec spec;
    spec.component = &vevent_;
    ReadIdentity(spec);
    ReadTimes(spec);
    ReadRecurrence(spec);
    ReadPresence(spec);
    if (!ok_) return std::nullopt;
    return spec;
  }

 private:
  void Error(int line, std::string message) {
    errors_->push_back({line, std::move(message)});
    ok_ = false;
  }

  std::optional<ParsedLine> Parse(const ContentLine& line) {
    absl::StatusOr<ParsedLine> parsed = ParsedLine::Parse(line);
    if (!parsed.ok()) {
      Error(line.line, std::string(parsed.status().message()));
      return std::nullopt;
    }
    return *std::move(parsed);
  }

  // The property that may appear at most once, or nullptr.
  const ContentLine* Single(absl::string_view name) {
    const std::vector<const ContentLine*> all = vevent_.FindAll(name);
    if (all.size() > 1) {
      Error(all[1]->line,
            absl::StrCat(name, " appears more than once in this VEVENT (first at line ",
                         all[0]->line, ")"));
    }
    return all.empty() ? nullptr : all[0];
  }

  std::optional<std::string> Text(absl::string_view name, int* line = nullptr) {
    const ContentLine* content = Single(name);
    if (content == nullptr) return std::nullopt;
    if (line != nullptr) *line = content->line;
    std::optional<ParsedLine> parsed = Parse(*content);
    if (!parsed.has_value()) return std::nullopt;
    absl::StatusOr<std::string> text = TextOf(*parsed);
    if (!text.ok()) {
      Error(content->line, std::string(text.status().message()));
      return std::nullopt;
    }
    return *std::move(text);
  }

  std::optional<ZonedTime> Zoned(int line, const IcalDateTime& value) {
    ZonedTime zoned{value, nullptr};
    if (value.is_utc) {
      zoned.zone = zones_.utc();
    } else if (!value.tzid.empty()) {
      zoned.zone = zones_.Find(value.tzid);
      if (zoned.zone == nullptr) {
        Error(line, absl::StrCat("TZID '", value.tzid,
                                 "' has no VTIMEZONE in this file and is not a known time zone "
                                 "(IANA or Windows name)"));
        return std::nullopt;
      }
    } else {
      zoned.zone = zones_.default_zone();
      if (zoned.zone == nullptr) {  // Already reported by the resolver.
        ok_ = false;
        return std::nullopt;
      }
    }
    return zoned;
  }

  std::vector<ZonedTime> AllTimes(const ContentLine& content) {
    std::vector<ZonedTime> times;
    std::optional<ParsedLine> parsed = Parse(content);
    if (!parsed.has_value()) return times;
    absl::StatusOr<std::vector<IcalDateTime>> values = DateTimesOf(*parsed);
    if (!values.ok()) {
      Error(content.line, std::string(values.status().message()));
      return times;
    }
    for (const IcalDateTime& value : *values) {
      if (std::optional<ZonedTime> zoned = Zoned(content.line, value)) times.push_back(*zoned);
    }
    return times;
  }

  std::optional<ZonedTime> OneTime(const ContentLine* content) {
    if (content == nullptr) return std::nullopt;
    std::vector<ZonedTime> times = AllTimes(*content);
    if (times.size() > 1)
      Error(content->line, absl::StrCat(content->name, ": must hold one value"));
    if (times.size() != 1) return std::nullopt;
    return times.front();
  }

  void ReadIdentity(EventSpec& spec) {
    std::optional<std::string> uid = Text("UID");
    if (uid.has_value() && !absl::StripAsciiWhitespace(*uid).empty()) {
      spec.uid = std::string(absl::StripAsciiWhitespace(*uid));
    } else if (uid.has_value() || vevent_.Find("UID") == nullptr) {
      Error(vevent_.begin_line, "VEVENT needs a UID");
    }
    spec.recurrence_id = OneTime(Single("RECURRENCE-ID"));
  }

  void ReadTimes(EventSpec& spec) {
    const ContentLine* dtstart = Single("DTSTART");
    if (dtstart == nullptr) {
      Error(vevent_.begin_line, "VEVENT needs a DTSTART");
      return;
    }
    std::optional<ZonedTime> start = OneTime(dtstart);
    if (!start.has_value()) return;
    spec.start = *start;
    const ContentLine* dtend = Single("DTEND");
    const ContentLine* duration = Single("DURATION");
    if (dtend != nullptr && duration != nullptr) {
      Error(duration->line, "VEVENT has both DTEND and DURATION");
      return;
    }
    if (dtend != nullptr) {
      std::optional<ZonedTime> end = OneTime(dtend);
      if (!end.has_value()) return;
      if (end->value.is_date != start->value.is_date) {
        Error(dtend->line, start->value.is_date ? "DTEND must be a DATE, like DTSTART"
                                                : "DTEND must be a DATE-TIME, like DTSTART");
        return;
      }
      const bool before = start->value.is_date ? end->value.civil < start->value.civil
                                               : end->ToUtc() < start->ToUtc();
      if (before) {
        Error(dtend->line, "DTEND is before DTSTART");
        return;
      }
      spec.end_kind = EndKind::kDtEnd;
      spec.end = *end;
    } else if (duration != nullptr) {
      std::optional<ParsedLine> parsed = Parse(*duration);
      if (!parsed.has_value()) return;
      absl::StatusOr<NominalDuration> value = DurationOf(*parsed);
      if (!value.ok()) {
        Error(duration->line, std::string(value.status().message()));
        return;
      }
      spec.end_kind = EndKind::kDuration;
      spec.duration = *value;
    }
  }

  void ReadRecurrence(EventSpec& spec) {
    for (const ContentLine* content : vevent_.FindAll("RRULE")) {
      std::optional<ParsedLine> parsed = Parse(*content);
      if (!parsed.has_value()) continue;
      absl::StatusOr<icalrecurrencetype> rule = RecurrenceOf(*parsed);
      if (!rule.ok()) {
        Error(content->line, std::string(rule.status().message()));
        continue;
      }
      if (spec.start.zone != nullptr) {  // DTSTART was read: check libical can expand it.
        icalrecur_iterator* it = icalrecur_iterator_new(
            *rule, FloatingIcalTime(spec.start.value.civil, spec.start.value.is_date));
        if (it == nullptr) {
          Error(content->line, "RRULE: libical cannot expand this rule");
          continue;
        }
        icalrecur_iterator_free(it);
      }
      spec.rules.push_back(RuleSpec{*rule, content->line});
    }
    for (const ContentLine* content : vevent_.FindAll("RDATE")) {
      std::optional<ParsedLine> parsed = Parse(*content);
      if (!parsed.has_value()) continue;
      if (HasPeriodValues(*parsed)) {
        spec.period_rdate_line = content->line;
        continue;
      }
      for (const ZonedTime& t : AllTimes(*content)) spec.rdates.push_back(t);
    }
    for (const ContentLine* content : vevent_.FindAll("EXDATE")) {
      for (const ZonedTime& t : AllTimes(*content)) spec.exdates.push_back(t);
    }
  }

  void ReadPresence(EventSpec& spec) {
    PresenceFields& fields = spec.presence;
    fields.summary = Text("SUMMARY", &spec.summary_line).value_or("");
    for (const ContentLine* content : vevent_.FindAll("CATEGORIES")) {
      std::optional<ParsedLine> parsed = Parse(*content);
      if (!parsed.has_value()) continue;
      absl::StatusOr<std::vector<std::string>> texts = TextsOf(*parsed);
      if (!texts.ok()) {
        Error(content->line, std::string(texts.status().message()));
        continue;
      }
      for (std::string& text : *texts) fields.categories.push_back(std::move(text));
    }
    fields.busy_status = Text("X-MICROSOFT-CDO-BUSYSTATUS").value_or("");
    fields.transp = Text("TRANSP").value_or("");
    fields.status = Text("STATUS").value_or("");
    const std::string klass = absl::AsciiStrToUpper(Text("CLASS").value_or(""));
    spec.is_private = klass == "PRIVATE" || klass == "CONFIDENTIAL";
    for (absl::string_view name : {"LAST-MODIFIED", "CREATED", "DTSTAMP"}) {
      std::optional<ZonedTime> t = OneTime(Single(name));
      if (t.has_value() && !spec.occurred_at.has_value() && InEnvelopeRange(t->ToUtc())) {
        spec.occurred_at = t->ToUtc();
      }
    }
  }

  const Component& vevent_;
  ZoneResolver& zones_;
  std::vector<LineError>* errors_;
  bool ok_ = true;
};

}  // namespace

std::optional<EventSpec> ReadEvent(const Component& vevent, ZoneResolver& zones,
                                   std::vector<LineError>* errors) {
  return EventReader(vevent, zones, errors).Read();
}

}  // namespace cti::calendar_import::internal
