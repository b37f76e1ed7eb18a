// The municipality's time zone. All local times in this library (weekly hours, dated
// changes, holidays) are wall-clock times in Europe/Copenhagen: CET (UTC+1) in winter, CEST
// (UTC+2) from the last Sunday of March 02:00 to the last Sunday of October 03:00.
#ifndef CTI_PROJECTIONS_HOURS_TIME_ZONE_H_
#define CTI_PROJECTIONS_HOURS_TIME_ZONE_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace cti::hours {

inline constexpr absl::string_view kMunicipalityTimeZone = "Europe/Copenhagen";

// Europe/Copenhagen, loaded from tzdata (/usr/share/zoneinfo, or $TZDIR) on the first call
// and remembered for the life of the process; later calls return the same zone (or the same
// error) without touching the file system. Thread safe.
// FAILED_PRECONDITION if tzdata lacks the zone (install the tzdata package; deploy/setup.sh
// does), never a silent fallback to UTC.
absl::StatusOr<absl::TimeZone> CopenhagenTimeZone();

// Loads any zone by name, with the same error. Not cached.
absl::StatusOr<absl::TimeZone> LoadZone(absl::string_view name);

}  // namespace cti::hours

#endif  // CTI_PROJECTIONS_HOURS_TIME_ZONE_H_
