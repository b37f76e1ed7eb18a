// Broken files and bad options: INVALID_ARGUMENT naming the line, and nothing imported.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/calendar_import/calendar_import.h"
#include "server/calendar_import/testing/ics_test_util.h"

namespace cti::calendar_import {
namespace {

using testing::Calendar;
using ::testing::ElementsAre;
using testing::Event;
using ::testing::HasSubstr;
using testing::Options;

// "line: message" of each error of importing `text`.
std::vector<std::string> Errors(const std::string& text) {
  const ImportResult result = ImportCalendar(text, Options());
  std::vector<std::string> errors;
  for (const ParseError& e : result.errors) errors.push_back(absl::StrCat(e.line, ": ", e.message));
  if (!result.errors.empty()) {
    EXPECT_EQ(result.status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(result.status.message()),
                HasSubstr(absl::StrCat("line ", result.errors[0].line, ": ")));
    EXPECT_TRUE(result.events.empty());
    EXPECT_TRUE(result.skipped.empty());
  }
  return errors;
}

constexpr char kGood[] =
    "BEGIN:VEVENT\nUID:good\nDTSTART:20250305T090000Z\nDURATION:PT1H\nEND:VEVENT\n";

TEST(BrokenFileTest, ABadValueNamesItsLineAndNothingIsImported) {
  // Lines 1-3 the calendar's header, 4-18 the VTIMEZONE, 19-23 kGood, 24 BEGIN:VEVENT, 25
  // UID, 26 DTSTAMP, 27 DTSTART.
  const std::string text = Calendar(absl::StrCat(
      kGood,
      Event("bad", {"DTSTART;TZID=\"Romance Standard Time\":2025031T0900", "DURATION:PT1H"})));
  EXPECT_THAT(Errors(text), ElementsAre(HasSubstr("27: DTSTART: Can't parse as DATE-TIME")));
  const ImportResult result = ImportCalendar(text, Options());
  EXPECT_EQ(result.status.message().substr(0, 28), "line 27: DTSTART: Can't pars");
}

TEST(BrokenFileTest, EveryBadEventIsListedByLine) {
  const std::string text = Calendar(absl::StrCat(
      Event("no-tz", {"DTSTART;TZID=Mars/Olympus:20250305T090000", "DURATION:PT1H"}),
      Event("backwards", {"DTSTART:20250305T090000Z", "DTEND:20250305T080000Z"}),
      Event("bad-rule",
            {"DTSTART:20250305T090000Z", "DURATION:PT1H", "RRULE:FREQ=WEEKLY;BYDAY=XX"}),
      Event("impossible", {"DTSTART:20250230T090000Z", "DURATION:PT1H"}),
      "BEGIN:VEVENT\nDTSTART:20250305T090000Z\nEND:VEVENT\n", Event("no-start", {"SUMMARY:Møde"}),
      kGood, Event("good", {"DTSTART:20250306T090000Z", "DURATION:PT1H"}),
      Event("latin1", {"DTSTART:20250306T090000Z", "DURATION:PT1H",
                       "SUMMARY:M\xf8"
                       "de"}),
      Event("twice", {"DTSTART:20250306T090000Z", "DTSTART:20250307T090000Z"})));
  EXPECT_THAT(
      Errors(text),
      ElementsAre(
          "22: TZID 'Mars/Olympus' has no VTIMEZONE in this file and is not a known time zone "
          "(IANA or Windows name)",
          "29: DTEND is before DTSTART", HasSubstr("36: RRULE: Can't parse as RECUR value"),
          "41: DTSTART: 2025-02-30 09:00:00 is not a real date and time", "44: VEVENT needs a UID",
          "47: VEVENT needs a DTSTART",
          "57: UID 'good' is used by a second VEVENT without RECURRENCE-ID (the first begins "
          "at line 52)",
          "68: SUMMARY: is not valid UTF-8",
          "74: DTSTART appears more than once in this VEVENT (first at line 73)"));
  EXPECT_THAT(std::string(ImportCalendar(text, Options()).status.message()),
              HasSubstr("(and 8 more errors)"));
}

TEST(BrokenFileTest, StructuralErrorsNameTheLine) {
  EXPECT_THAT(Errors("BEGIN:VCALENDAR\nVERSION:2.0\nthis is not ical\nEND:VCALENDAR\n"),
              ElementsAre(HasSubstr("3: not an iCalendar content line")));
  EXPECT_THAT(Errors("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nEND:VCALENDAR\n"),
              ElementsAre("4: END:VCALENDAR does not close BEGIN:VEVENT at line 2"));
  EXPECT_THAT(Errors("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\n"),
              ElementsAre("3: the file ends inside VEVENT (BEGIN at line 2, no END:VEVENT)"));
  EXPECT_THAT(Errors(" folded\nBEGIN:VCALENDAR\nEND:VCALENDAR\n"),
              ElementsAre("1: a folded continuation line with no line before it"));
  EXPECT_THAT(Errors("Subject: not a calendar\n"),
              ElementsAre(HasSubstr("1: property SUBJECT outside of any component")));
  EXPECT_THAT(Errors(""), ElementsAre("1: no BEGIN:VCALENDAR in the file"));
  EXPECT_THAT(Errors("BEGIN:VCALENDAR\nDTSTART;TZID=\"Romance:20250305T090000\nEND:VCALENDAR\n"),
              ElementsAre(HasSubstr("2: not an iCalendar content line (a quoted parameter")));
}

TEST(BrokenFileTest, ABrokenVTimezoneNamesItsPart) {
  const std::string text =
      "BEGIN:VCALENDAR\nBEGIN:VTIMEZONE\nTZID:Broken\nBEGIN:STANDARD\nDTSTART:16011028T030000\n"
      "TZOFFSETTO:+0100\nEND:STANDARD\nEND:VTIMEZONE\nEND:VCALENDAR\n";
  EXPECT_THAT(Errors(text), ElementsAre("4: STANDARD of VTIMEZONE 'Broken' needs DTSTART, "
                                        "TZOFFSETFROM and TZOFFSETTO"));
}

TEST(OptionsTest, BadOptionsAreRefusedBeforeReading) {
  const std::string text = Calendar(kGood);
  ImportOptions options = Options();
  options.employee_id = "anna holm";
  EXPECT_THAT(std::string(ImportCalendar(text, options).status.message()),
              HasSubstr("employee_id"));
  options = Options();
  options.until = options.from;
  EXPECT_THAT(std::string(ImportCalendar(text, options).status.message()), HasSubstr("window"));
  options = Options();
  options.until = testing::Utc("2200-01-02T00:00:00Z");
  EXPECT_EQ(ImportCalendar(text, options).status.code(), absl::StatusCode::kInvalidArgument);
  options = Options();
  options.default_zone = "Mars/Olympus";
  EXPECT_THAT(std::string(ImportCalendar(text, options).status.message()),
              HasSubstr("default_zone 'Mars/Olympus'"));
  options.default_zone = "Romance Standard Time";
  EXPECT_TRUE(ImportCalendar(text, options).status.ok());
}

}  // namespace
}  // namespace cti::calendar_import
