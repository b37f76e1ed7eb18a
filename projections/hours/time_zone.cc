#include "projections/hours/time_zone.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace cti::hours {

absl::StatusOr<absl::TimeZone> LoadZone(absl::string_view name) {
  absl::TimeZone tz;
  if (!absl::LoadTimeZone(std::string(name), &tz)) {
    return absl::FailedPreconditionError(
        absl::StrCat("time zone \"", name,
                     "\" not found in tzdata (/usr/share/zoneinfo or $TZDIR): install the "
                     "tzdata package (deploy/setup.sh does)"));
  }
  return tz;
}

absl::StatusOr<absl::TimeZone> CopenhagenTimeZone() {
  // Function-local static: initialised once, thread safe (C++11 magic statics).
  static const absl::StatusOr<absl::TimeZone>* const zone =
      new absl::StatusOr<absl::TimeZone>(LoadZone(kMunicipalityTimeZone));
  return *zone;
}

}  // namespace cti::hours
