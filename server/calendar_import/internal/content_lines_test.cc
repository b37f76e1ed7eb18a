#include "server/calendar_import/internal/content_lines.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cti::calendar_import::internal {
namespace {

TEST(ScanCalendarTest, UnfoldsLinesAndKeepsTheLineWhereEachStarts) {
  const ScanResult scan = ScanCalendar(
      "\xEF\xBB\xBF"
      "BEGIN:VCALENDAR\r\n"
      "VERSION:2.0\r\n"
      "begin:vevent\r\n"
      "UID:0400000082\r\n"
      " 00E00074C5\r\n"
      "\t B7101A\r\n"
      "summary;LANGUAGE=da:Team\r\n"
      " møde\r\n"
      "\r\n"
      "END:VEVENT\r\n"
      "END:VCALENDAR");
  ASSERT_FALSE(scan.failed) << scan.error.message;
  ASSERT_EQ(scan.calendars.size(), 1u);
  const Component& calendar = scan.calendars[0];
  EXPECT_EQ(calendar.name, "VCALENDAR");
  EXPECT_EQ(calendar.begin_line, 1);
  EXPECT_EQ(calendar.end_line, 11);
  ASSERT_EQ(calendar.children.size(), 1u);
  const Component& event = calendar.children[0];
  EXPECT_EQ(event.name, "VEVENT");
  EXPECT_EQ(event.begin_line, 3);
  ASSERT_EQ(event.properties.size(), 2u);
  EXPECT_EQ(event.properties[0].line, 4);
  EXPECT_EQ(event.properties[0].name, "UID");
  EXPECT_EQ(event.properties[0].text, "UID:040000008200E00074C5 B7101A");
  EXPECT_EQ(event.properties[1].line, 7);
  EXPECT_EQ(event.properties[1].name, "SUMMARY");
  EXPECT_EQ(event.properties[1].text, "summary;LANGUAGE=da:Teammøde");
  EXPECT_EQ(event.Find("SUMMARY"), &event.properties[1]);
  EXPECT_EQ(event.Find("DTSTART"), nullptr);
}

TEST(ScanCalendarTest, AcceptsQuotedParametersWithColonsAndCommas) {
  const ScanResult scan = ScanCalendar(
      "BEGIN:VCALENDAR\n"
      "ATTENDEE;CN=\"Holm, Anna: Borgerservice\";ROLE=REQ-PARTICIPANT:mailto:a@b.dk\n"
      "X-MS-OLK-WKHRSTART;TZID=\"Romance Standard Time\":080000\n"
      "DTSTART;TZID=Romance Standard Time:20250310T090000\n"
      "END:VCALENDAR\n");
  ASSERT_FALSE(scan.failed) << scan.error.message;
  EXPECT_EQ(scan.calendars[0].properties.size(), 3u);
}

TEST(ScanCalendarTest, RefusesWhatIsNotAContentLine) {
  for (const char* line : {"no colon here", ":no name", "A;B:x", "A;B=\"open:x", "Ä:x"}) {
    const ScanResult scan =
        ScanCalendar(std::string("BEGIN:VCALENDAR\n") + line + "\nEND:VCALENDAR\n");
    EXPECT_TRUE(scan.failed) << line;
    EXPECT_EQ(scan.error.line, 2) << line;
  }
}

TEST(ScanCalendarTest, OnlyVCalendarAtTheTop) {
  EXPECT_EQ(ScanCalendar("BEGIN:VEVENT\nEND:VEVENT\n").error.message,
            "expected BEGIN:VCALENDAR, found BEGIN:VEVENT");
  EXPECT_EQ(ScanCalendar("BEGIN:VCALENDAR\nBEGIN:VCALENDAR\n").error.line, 2);
  EXPECT_EQ(ScanCalendar("END:VCALENDAR\n").error.message, "END:VCALENDAR without a BEGIN");
  const ScanResult two =
      ScanCalendar("BEGIN:VCALENDAR\nEND:VCALENDAR\nBEGIN:VCALENDAR\nEND:VCALENDAR\n");
  ASSERT_FALSE(two.failed);
  EXPECT_EQ(two.calendars.size(), 2u);
}

TEST(Utf8Test, TellsValidFromInvalid) {
  EXPECT_TRUE(IsValidUtf8("Søren Ærø 😀"));
  EXPECT_FALSE(IsValidUtf8("S\xf8ren"));      // Latin-1.
  EXPECT_FALSE(IsValidUtf8("\xc3"));          // Cut short.
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));      // Overlong.
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // A surrogate.
}

}  // namespace
}  // namespace cti::calendar_import::internal
