#include "server/calendar_import/internal/zones.h"

#include <gtest/gtest.h>

#include "server/calendar_import/internal/content_lines.h"
#include "server/calendar_import/testing/ics_test_util.h"

namespace cti::calendar_import::internal {
namespace {

absl::Time Utc(const char* text) { return cti::calendar_import::testing::Utc(text); }

// The resolver of a calendar with Outlook's "Romance Standard Time" VTIMEZONE.
class ZoneResolverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    scan_ = ScanCalendar(cti::calendar_import::testing::Calendar(""));
    ASSERT_FALSE(scan_.failed) << scan_.error.message;
    resolver_ = std::make_unique<ZoneResolver>(scan_.calendars[0], "Europe/Copenhagen", &errors_);
    ASSERT_TRUE(errors_.empty());
  }
  ScanResult scan_;
  std::vector<LineError> errors_;
  std::unique_ptr<ZoneResolver> resolver_;
};

TEST_F(ZoneResolverTest, VTimezoneAndTzdataAgreeEveryHourOf2025And2030) {
  const ZoneRules* outlook = resolver_->Find("Romance Standard Time");
  const ZoneRules* tzdata = resolver_->Find("Europe/Copenhagen");
  ASSERT_NE(outlook, nullptr);
  ASSERT_NE(tzdata, nullptr);
  EXPECT_EQ(outlook->Name(), "Romance Standard Time");
  for (int year : {2025, 2030}) {
    for (absl::CivilHour h(year, 1, 1, 0); h < absl::CivilHour(year + 1, 1, 1, 0); ++h) {
      const absl::CivilSecond local(h);
      const absl::CivilSecond half = local + 1800;
      ASSERT_EQ(outlook->ToUtc(local), tzdata->ToUtc(local)) << local;
      ASSERT_EQ(outlook->ToUtc(half), tzdata->ToUtc(half)) << half;
    }
  }
}

TEST_F(ZoneResolverTest, GapsAndRepeatsFollowRfc5545) {
  const ZoneRules* zone = resolver_->Find("Romance Standard Time");
  ASSERT_NE(zone, nullptr);
  EXPECT_EQ(zone->ToUtc(absl::CivilSecond(2025, 3, 30, 1, 59, 59)), Utc("2025-03-30T00:59:59Z"));
  EXPECT_EQ(zone->ToUtc(absl::CivilSecond(2025, 3, 30, 2, 0, 0)), Utc("2025-03-30T01:00:00Z"));
  EXPECT_EQ(zone->ToUtc(absl::CivilSecond(2025, 3, 30, 3, 0, 0)), Utc("2025-03-30T01:00:00Z"));
  EXPECT_EQ(zone->ToUtc(absl::CivilSecond(2025, 10, 26, 2, 0, 0)), Utc("2025-10-26T00:00:00Z"));
  EXPECT_EQ(zone->ToUtc(absl::CivilSecond(2025, 10, 26, 3, 0, 0)), Utc("2025-10-26T02:00:00Z"));
  EXPECT_EQ(zone->ToLocal(Utc("2025-10-26T01:30:00Z")), absl::CivilSecond(2025, 10, 26, 2, 30, 0));
}

TEST_F(ZoneResolverTest, FindsWindowsNamesIanaNamesAndPrefixedNames) {
  EXPECT_EQ(resolver_->Find("W. Europe Standard Time")->Name(), "Europe/Berlin");
  EXPECT_EQ(resolver_->Find("GMT Standard Time")->Name(), "Europe/London");
  EXPECT_EQ(resolver_->Find("/mozilla.org/20050126_1/Europe/Copenhagen")->Name(),
            "Europe/Copenhagen");
  EXPECT_EQ(resolver_->Find("(GMT+01.00) Brussels / Copenhagen / Madrid / Paris")->Name(),
            "Europe/Copenhagen");
  EXPECT_EQ(resolver_->Find("")->Name(), "Europe/Copenhagen");
  EXPECT_EQ(resolver_->Find("Mars/Olympus"), nullptr);
  EXPECT_EQ(resolver_->Find("../../etc/passwd"), nullptr);
  EXPECT_EQ(resolver_->Find("Europe/København"), nullptr);
}

TEST(WindowsZoneTest, MapsTheCopenhagenNamesCaseInsensitively) {
  EXPECT_EQ(IanaNameOfWindowsZone("Romance Standard Time"), "Europe/Copenhagen");
  EXPECT_EQ(IanaNameOfWindowsZone("romance standard time"), "Europe/Copenhagen");
  EXPECT_EQ(IanaNameOfWindowsZone("W. Europe Standard Time"), "Europe/Berlin");
  EXPECT_EQ(IanaNameOfWindowsZone("Europe/Copenhagen"), std::nullopt);
}

}  // namespace
}  // namespace cti::calendar_import::internal
