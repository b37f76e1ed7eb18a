#include "server/calendar_import/internal/zones.h"

#include <libical/ical.h>

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/calendar_import/internal/ical_values.h"

namespace cti::calendar_import::internal {
namespace {

class IanaZone final : public ZoneRules {
 public:
  IanaZone(absl::TimeZone zone, std::string name) : zone_(zone), name_(std::move(name)) {}
  absl::Duration OffsetAt(absl::Time instant) const override {
    return absl::Seconds(zone_.At(instant).offset);
  }
  std::string Name() const override { return name_; }

 private:
  absl::TimeZone zone_;
  std::string name_;
};

// A zone defined by a VTIMEZONE of the file, with libical's reading of its rules.
class VTimezoneZone final : public ZoneRules {
 public:
  VTimezoneZone(icaltimezone* zone, std::string tzid) : zone_(zone), tzid_(std::move(tzid)) {}
  ~VTimezoneZone() override { icaltimezone_free(zone_, 1); }
  VTimezoneZone(const VTimezoneZone&) = delete;
  VTimezoneZone& operator=(const VTimezoneZone&) = delete;

  absl::Duration OffsetAt(absl::Time instant) const override {
    const absl::CivilSecond utc = absl::ToCivilSecond(instant, absl::UTCTimeZone());
    icaltimetype t = icaltime_null_time();
    t.year = static_cast<int>(utc.year());
    t.month = utc.month();
    t.day = utc.day();
    t.hour = utc.hour();
    t.minute = utc.minute();
    t.second = utc.second();
    t.zone = icaltimezone_get_utc_timezone();
    int is_daylight = 0;
    return absl::Seconds(icaltimezone_get_utc_offset_of_utc_time(zone_, &t, &is_daylight));
  }
  std::string Name() const override { return tzid_; }

 private:
  icaltimezone* zone_;  // Owned, with its VTIMEZONE component.
  std::string tzid_;
};

// The text of a component and everything in it, properties before children.
void AppendText(const Component& component, std::string* text) {
  absl::StrAppend(text, "BEGIN:", component.name, "\r\n");
  for (const ContentLine& p : component.properties) absl::StrAppend(text, p.text, "\r\n");
  for (const Component& child : component.children) AppendText(child, text);
  absl::StrAppend(text, "END:", component.name, "\r\n");
}

// Every property line of the component and its children goes through libical first, so
// a bad value is reported with its line.
bool CheckLines(const Component& component, std::vector<LineError>* errors) {
  bool ok = true;
  for (const ContentLine& p : component.properties) {
    absl::StatusOr<ParsedLine> parsed = ParsedLine::Parse(p);
    if (!parsed.ok()) {
      errors->push_back({p.line, std::string(parsed.status().message())});
      ok = false;
    }
  }
  for (const Component& child : component.children) ok = CheckLines(child, errors) && ok;
  return ok;
}

// Reads one VTIMEZONE, or reports why not.
std::unique_ptr<ZoneRules> ReadVTimezone(const Component& vtimezone, std::vector<LineError>* errors,
                                         std::string* tzid) {
  if (!CheckLines(vtimezone, errors)) return nullptr;
  const ContentLine* tzid_line = vtimezone.Find("TZID");
  absl::StatusOr<ParsedLine> parsed =
      tzid_line != nullptr ? ParsedLine::Parse(*tzid_line) : absl::InvalidArgumentError("");
  absl::StatusOr<std::string> name = parsed.ok() ? TextOf(*parsed) : parsed.status();
  if (!name.ok() || name->empty()) {
    errors->push_back({vtimezone.begin_line, "VTIMEZONE needs a TZID"});
    return nullptr;
  }
  *tzid = *name;
  int observances = 0;
  for (const Component& child : vtimezone.children) {
    if (child.name != "STANDARD" && child.name != "DAYLIGHT") continue;
    ++observances;
    if (child.Find("DTSTART") == nullptr || child.Find("TZOFFSETFROM") == nullptr ||
        child.Find("TZOFFSETTO") == nullptr) {
      errors->push_back({child.begin_line, absl::StrCat(child.name, " of VTIMEZONE '", *tzid,
                                                        "' needs DTSTART, TZOFFSETFROM and "
                                                        "TZOFFSETTO")});
      return nullptr;
    }
  }
  if (observances == 0) {
    errors->push_back({vtimezone.begin_line,
                       absl::StrCat("VTIMEZONE '", *tzid, "' has no STANDARD or DAYLIGHT part")});
    return nullptr;
  }
  std::string text;
  AppendText(vtimezone, &text);
  icalcomponent* component = icalparser_parse_string(text.c_str());
  icaltimezone* zone = icaltimezone_new();
  if (component == nullptr || zone == nullptr || icaltimezone_set_component(zone, component) == 0) {
    if (component != nullptr &&
        (zone == nullptr || icaltimezone_get_component(zone) != component)) {
      icalcomponent_free(component);
    }
    if (zone != nullptr) icaltimezone_free(zone, 1);
    errors->push_back(
        {vtimezone.begin_line, absl::StrCat("libical cannot read VTIMEZONE '", *tzid, "'")});
    return nullptr;
  }
  return std::make_unique<VTimezoneZone>(zone, *tzid);
}

// A name that is safe to hand to the tzdata loader: a relative path of letters, digits
// and "_+-", no "..".
bool LooksLikeIanaName(absl::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '/' || absl::StrContains(name, "..")) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' ||
           c == '+';
  });
}

}  // namespace

absl::Time ZoneRules::ToUtc(const absl::CivilSecond& local) const {
  const absl::Time as_if_utc = absl::FromCivil(local, absl::UTCTimeZone());
  // Offsets on either side of any change near `local` (changes are months apart).
  const absl::Duration before = OffsetAt(as_if_utc - absl::Hours(36));
  const absl::Duration after = OffsetAt(as_if_utc + absl::Hours(36));
  const absl::Time first = as_if_utc - before;
  const absl::Time second = as_if_utc - after;
  const bool first_valid = OffsetAt(first) == before;
  const bool second_valid = OffsetAt(second) == after;
  if (first_valid && second_valid) return std::min(first, second);  // Repeated: the first.
  if (first_valid) return first;
  if (second_valid) return second;
  return first;  // Skipped: read with the offset before the gap.
}

absl::CivilSecond ZoneRules::ToLocal(absl::Time instant) const {
  return absl::ToCivilSecond(instant + OffsetAt(instant), absl::UTCTimeZone());
}

std::unique_ptr<ZoneRules> MakeIanaZone(const absl::TimeZone& zone, std::string name) {
  return std::make_unique<IanaZone>(zone, std::move(name));
}

std::optional<std::string> IanaNameOfWindowsZone(absl::string_view windows_name) {
  // Windows names (as Outlook and Exchange write them in TZID) and the IANA zone of their
  // main city (Unicode CLDR windowsZones.xml, territory "001"), except "Romance Standard
  // Time" ("Brussels, Copenhagen, Madrid, Paris"), which we read as Copenhagen.
  static constexpr std::pair<const char*, const char*> kZones[] = {
      {"Romance Standard Time", "Europe/Copenhagen"},
      {"W. Europe Standard Time", "Europe/Berlin"},
      {"Central Europe Standard Time", "Europe/Budapest"},
      {"Central European Standard Time", "Europe/Warsaw"},
      {"GMT Standard Time", "Europe/London"},
      {"Greenwich Standard Time", "Atlantic/Reykjavik"},
      {"UTC", "UTC"},
      {"Coordinated Universal Time", "UTC"},
      {"FLE Standard Time", "Europe/Helsinki"},
      {"GTB Standard Time", "Europe/Bucharest"},
      {"E. Europe Standard Time", "Europe/Chisinau"},
      {"Russian Standard Time", "Europe/Moscow"},
      {"Turkey Standard Time", "Europe/Istanbul"},
      {"Greenland Standard Time", "America/Nuuk"},
      {"Eastern Standard Time", "America/New_York"},
      {"Central Standard Time", "America/Chicago"},
      {"Mountain Standard Time", "America/Denver"},
      {"Pacific Standard Time", "America/Los_Angeles"},
      {"China Standard Time", "Asia/Shanghai"},
      {"Tokyo Standard Time", "Asia/Tokyo"},
      {"India Standard Time", "Asia/Kolkata"},
  };
  for (const auto& [windows, iana] : kZones) {
    if (absl::EqualsIgnoreCase(windows_name, windows)) return std::string(iana);
  }
  return std::nullopt;
}

ZoneResolver::ZoneResolver(const Component& calendar, absl::string_view default_zone,
                           std::vector<LineError>* errors)
    : utc_(MakeIanaZone(absl::UTCTimeZone(), "UTC")) {
  for (const Component& child : calendar.children) {
    if (child.name != "VTIMEZONE") continue;
    std::string tzid;
    std::unique_ptr<ZoneRules> zone = ReadVTimezone(child, errors, &tzid);
    if (zone != nullptr) by_tzid_[tzid] = std::move(zone);
  }
  if (const ContentLine* wr = calendar.Find("X-WR-TIMEZONE")) {
    absl::StatusOr<ParsedLine> parsed = ParsedLine::Parse(*wr);
    absl::StatusOr<std::string> name = parsed.ok() ? TextOf(*parsed) : parsed.status();
    if (name.ok()) default_ = FindKnownZone(*name);
  }
  if (default_ == nullptr) default_ = FindKnownZone(default_zone);
  if (default_ == nullptr) {
    errors->push_back({calendar.begin_line, absl::StrCat("the default time zone '", default_zone,
                                                         "' cannot be loaded")});
  }
}

ZoneResolver::~ZoneResolver() = default;

const ZoneRules* ZoneResolver::Find(absl::string_view tzid) {
  if (tzid.empty()) return default_;
  auto it = by_tzid_.find(tzid);
  if (it != by_tzid_.end()) return it->second.get();
  return FindKnownZone(tzid);
}

const ZoneRules* ZoneResolver::FindKnownZone(absl::string_view tzid) {
  auto it = known_.find(tzid);
  if (it != known_.end()) return it->second.get();
  std::optional<std::string> iana = IanaNameOfWindowsZone(tzid);
  if (!iana.has_value() && absl::StrContains(absl::AsciiStrToLower(tzid), "copenhagen")) {
    iana = "Europe/Copenhagen";  // E.g. "(UTC+01:00) Brussels, Copenhagen, Madrid, Paris".
  }
  if (!iana.has_value()) {
    // An IANA name, also behind a vendor prefix: try each '/'-separated suffix.
    absl::string_view candidate = tzid;
    while (!candidate.empty() && !iana.has_value()) {
      absl::TimeZone probe;
      if (LooksLikeIanaName(candidate) && absl::LoadTimeZone(std::string(candidate), &probe)) {
        iana = std::string(candidate);
        break;
      }
      const size_t slash = candidate.find('/');
      if (slash == absl::string_view::npos) break;
      candidate.remove_prefix(slash + 1);
    }
  }
  absl::TimeZone zone;
  if (!iana.has_value() || !absl::LoadTimeZone(*iana, &zone)) return nullptr;
  std::unique_ptr<ZoneRules>& slot = known_[std::string(tzid)];
  slot = MakeIanaZone(zone, *iana);
  return slot.get();
}

}  // namespace cti::calendar_import::internal
