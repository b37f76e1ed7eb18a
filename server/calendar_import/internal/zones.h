// Time zones of an iCalendar file: the VTIMEZONE components it defines (as Outlook and
// Exchange write them, e.g. TZID "Romance Standard Time"), Windows zone names without a
// VTIMEZONE, and IANA names, all turned into UTC instants by the rules of RFC 5545
// section 3.3.5.
//
// Not thread-safe: a ZoneResolver and the ZoneRules it hands out belong to one import.
#ifndef CTI_SERVER_CALENDAR_IMPORT_INTERNAL_ZONES_H_
#define CTI_SERVER_CALENDAR_IMPORT_INTERNAL_ZONES_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/calendar_import/internal/content_lines.h"

namespace cti::calendar_import::internal {

// The rules of one time zone.
class ZoneRules {
 public:
  virtual ~ZoneRules() = default;

  // The offset from UTC in effect at `instant` (local = UTC + offset).
  virtual absl::Duration OffsetAt(absl::Time instant) const = 0;
  // For messages: the TZID or zone name.
  virtual std::string Name() const = 0;

  // The instant of a wall-clock time (RFC 5545 3.3.5): a time that occurs twice when
  // clocks go back means its first occurrence; a time skipped when clocks go forward is
  // read with the offset before the gap (02:30 on a spring-forward night is 03:30).
  absl::Time ToUtc(const absl::CivilSecond& local) const;
  // The wall-clock time at `instant`.
  absl::CivilSecond ToLocal(absl::Time instant) const;
};

// An IANA zone from the system's tzdata (absl::LoadTimeZone).
std::unique_ptr<ZoneRules> MakeIanaZone(const absl::TimeZone& zone, std::string name);

// The IANA zone for a Windows time zone name such as "Romance Standard Time" or
// "W. Europe Standard Time", or nullopt when the name is not one we know.
std::optional<std::string> IanaNameOfWindowsZone(absl::string_view windows_name);

// Finds the rules for the TZIDs of one VCALENDAR.
class ZoneResolver {
 public:
  // Reads every VTIMEZONE of `calendar`. `default_zone` (an IANA name, or a Windows name)
  // is used for floating times and DATE values; the calendar's X-WR-TIMEZONE replaces it
  // when it names a zone we know. Errors (a VTIMEZONE libical refuses, an unknown default
  // zone) are appended to `errors`; the VTIMEZONEs concerned are left out.
  ZoneResolver(const Component& calendar, absl::string_view default_zone,
               std::vector<LineError>* errors);
  ~ZoneResolver();
  ZoneResolver(const ZoneResolver&) = delete;
  ZoneResolver& operator=(const ZoneResolver&) = delete;

  // The rules for `tzid`, in this order: a VTIMEZONE of the file with that TZID, a
  // Windows zone name, a TZID that names "Copenhagen", an IANA name (also behind a
  // prefix such as "/mozilla.org/20050126_1/Europe/Copenhagen"). An empty tzid answers
  // the default zone. nullptr when none matches. Owned by the resolver.
  const ZoneRules* Find(absl::string_view tzid);

  // For floating times and DATE values; null only if the default zone failed to load
  // (an error was then reported).
  const ZoneRules* default_zone() const { return default_; }
  // UTC.
  const ZoneRules* utc() const { return utc_.get(); }

 private:
  const ZoneRules* FindKnownZone(absl::string_view tzid);

  // VTIMEZONEs of the file by TZID.
  std::map<std::string, std::unique_ptr<ZoneRules>, std::less<>> by_tzid_;
  // Zones found by name (Windows, IANA), by the TZID that asked.
  std::map<std::string, std::unique_ptr<ZoneRules>, std::less<>> known_;
  std::unique_ptr<ZoneRules> utc_;
  const ZoneRules* default_ = nullptr;
};

}  // namespace cti::calendar_import::internal

#endif  // CTI_SERVER_CALENDAR_IMPORT_INTERNAL_ZONES_H_
