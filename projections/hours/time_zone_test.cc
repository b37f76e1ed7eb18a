// CopenhagenTimeZone() without tzdata: a clear FAILED_PRECONDITION, remembered, never a
// silent UTC. Alone in its executable because the zone is loaded once per process.
#include "projections/hours/time_zone.h"

#include <cstdlib>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cti::hours {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

TEST(TimeZone, MissingTzdataIsAClearErrorAndRemembered) {
  // cctz reads zone files from $TZDIR when it is set.
  ASSERT_EQ(setenv("TZDIR", "/nonexistent/zoneinfo", 1), 0);
  absl::StatusOr<absl::TimeZone> tz = CopenhagenTimeZone();
  ASSERT_FALSE(tz.ok());
  EXPECT_EQ(tz.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(tz.status().message()),
              AllOf(HasSubstr("Europe/Copenhagen"), HasSubstr("tzdata")));
  // Loaded once: the same answer without another look at the file system.
  ASSERT_EQ(unsetenv("TZDIR"), 0);
  EXPECT_EQ(CopenhagenTimeZone().status(), tz.status());
}

}  // namespace
}  // namespace cti::hours
