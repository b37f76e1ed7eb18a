// Time zones, recurrence and mapping rules of the import, each on a small calendar.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "server/calendar_import/calendar_import.h"
#include "server/calendar_import/testing/ics_test_util.h"

namespace cti::calendar_import {
namespace {

using testing::Calendar;
using testing::Describe;
using ::testing::ElementsAre;
using testing::Event;
using ::testing::HasSubstr;
using testing::Options;
using testing::Rfc3339;

// Start..end of every event imported from `text`, or the error.
std::vector<std::string> Spans(const std::string& text, const ImportOptions& options = Options()) {
  const ImportResult result = ImportCalendar(text, options);
  if (!result.status.ok()) return {std::string(result.status.message())};
  std::vector<std::string> spans;
  for (const cti::v1::Event& e : result.events) {
    spans.push_back(absl::StrCat(Rfc3339(e.calendar().entry_upserted().start()), "..",
                                 Rfc3339(e.calendar().entry_upserted().end())));
  }
  return spans;
}

std::string Bare(const std::string& body) {
  return absl::StrCat("BEGIN:VCALENDAR\nVERSION:2.0\n", body, "END:VCALENDAR\n");
}

TEST(ZoneRulesTest, WindowsNamesWithoutVTimezoneIanaNamesAndUtc) {
  const std::string text = Bare(absl::StrCat(
      Event("w-europe", {"DTSTART;TZID=W. Europe Standard Time:20250702T140000",
                         "DTEND;TZID=W. Europe Standard Time:20250702T150000"}),
      Event("romance", {"DTSTART;TZID=\"Romance Standard Time\":20250115T090000",
                        "DTEND;TZID=\"Romance Standard Time\":20250115T100000"}),
      Event("iana", {"DTSTART;TZID=Europe/Copenhagen:20251201T090000", "DURATION:PT1H"}),
      Event("mozilla", {"DTSTART;TZID=/mozilla.org/20050126_1/Europe/Copenhagen:20251202T090000",
                        "DURATION:PT1H"}),
      Event("display-name",
            {"DTSTART;TZID=\"(UTC+01:00) Brussels, Copenhagen, Madrid, Paris\":20251203T090000",
             "DURATION:PT1H"}),
      Event("utc", {"DTSTART:20251204T090000Z", "DTEND:20251204T100000Z"})));
  ImportOptions options = Options();
  options.from = testing::Utc("2025-01-01T00:00:00Z");
  EXPECT_THAT(Spans(text, options), ElementsAre("2025-01-15T08:00:00Z..2025-01-15T09:00:00Z",
                                                "2025-07-02T12:00:00Z..2025-07-02T13:00:00Z",
                                                "2025-12-01T08:00:00Z..2025-12-01T09:00:00Z",
                                                "2025-12-02T08:00:00Z..2025-12-02T09:00:00Z",
                                                "2025-12-03T08:00:00Z..2025-12-03T09:00:00Z",
                                                "2025-12-04T09:00:00Z..2025-12-04T10:00:00Z"));
}

TEST(ZoneRulesTest, FloatingTimesAndDatesAreInTheDefaultZoneOrXWrTimezone) {
  const std::string body =
      absl::StrCat(Event("floating", {"DTSTART:20250702T140000", "DURATION:PT1H30M"}),
                   Event("all-day", {"DTSTART;VALUE=DATE:20250703"}));
  EXPECT_THAT(Spans(Bare(body)), ElementsAre("2025-07-02T12:00:00Z..2025-07-02T13:30:00Z",
                                             "2025-07-02T22:00:00Z..2025-07-03T22:00:00Z"));
  const std::string new_york = absl::StrCat(
      "BEGIN:VCALENDAR\nVERSION:2.0\nX-WR-TIMEZONE:America/New_York\n", body, "END:VCALENDAR\n");
  EXPECT_THAT(Spans(new_york), ElementsAre("2025-07-02T18:00:00Z..2025-07-02T19:30:00Z",
                                           "2025-07-03T04:00:00Z..2025-07-04T04:00:00Z"));
  ImportOptions utc = Options();
  utc.default_zone = "UTC";
  EXPECT_THAT(Spans(Bare(body), utc), ElementsAre("2025-07-02T14:00:00Z..2025-07-02T15:30:00Z",
                                                  "2025-07-03T00:00:00Z..2025-07-04T00:00:00Z"));
}

TEST(ZoneRulesTest, DaylightSavingGapAndRepeatFollowRfc5545InBothKindsOfZone) {
  for (const std::string tzid : {"\"Romance Standard Time\"", "Europe/Copenhagen"}) {
    const std::string text = Calendar(absl::StrCat(
        // 02:30 does not exist on 30 March: read with the offset before the gap (+01).
        Event("gap", {"DTSTART;TZID=" + tzid + ":20250330T023000", "DURATION:PT30M"}),
        // 02:30 happens twice on 26 October: the first time (+02).
        Event("repeat", {"DTSTART;TZID=" + tzid + ":20251026T023000", "DURATION:PT30M"}),
        // A daily series at 08:00 keeps its wall-clock time across the change.
        Event("daily", {"DTSTART;TZID=" + tzid + ":20251025T080000", "DURATION:PT1H",
                        "RRULE:FREQ=DAILY;COUNT=2"})));
    EXPECT_THAT(Spans(text), ElementsAre("2025-03-30T01:30:00Z..2025-03-30T02:00:00Z",
                                         "2025-10-25T06:00:00Z..2025-10-25T07:00:00Z",
                                         "2025-10-26T00:30:00Z..2025-10-26T01:00:00Z",
                                         "2025-10-26T07:00:00Z..2025-10-26T08:00:00Z"))
        << tzid;
  }
}

TEST(RecurrenceTest, AllDayDurationsAndDaysAcrossTheClockChange) {
  const std::string text = Calendar(absl::StrCat(
      Event("two-days", {"DTSTART;VALUE=DATE:20251025", "DURATION:P2D"}),
      Event("same-day-end", {"DTSTART;VALUE=DATE:20250303", "DTEND;VALUE=DATE:20250303"}),
      Event("weekly-all-day", {"DTSTART;VALUE=DATE:20250324", "DTEND;VALUE=DATE:20250325",
                               "RRULE:FREQ=WEEKLY;UNTIL=20250331"})));
  EXPECT_THAT(Spans(text), ElementsAre("2025-03-02T23:00:00Z..2025-03-03T23:00:00Z",
                                       "2025-03-23T23:00:00Z..2025-03-24T23:00:00Z",
                                       "2025-03-30T22:00:00Z..2025-03-31T22:00:00Z",
                                       "2025-10-24T22:00:00Z..2025-10-26T23:00:00Z"));
}

TEST(RecurrenceTest, DtstartOutsideTheRuleCountsAsTheFirstInstance) {
  // Monday 10 March, rule on Wednesdays, COUNT=3: 10, 12 and 19 March.
  const std::string text =
      Calendar(Event("unsynced", {"DTSTART;TZID=\"Romance Standard Time\":20250310T090000",
                                  "DURATION:PT1H", "RRULE:FREQ=WEEKLY;BYDAY=WE;COUNT=3"}));
  EXPECT_THAT(Spans(text), ElementsAre("2025-03-10T08:00:00Z..2025-03-10T09:00:00Z",
                                       "2025-03-12T08:00:00Z..2025-03-12T09:00:00Z",
                                       "2025-03-19T08:00:00Z..2025-03-19T09:00:00Z"));
}

TEST(RecurrenceTest, MonthlyByDayExdateAsDateAndRdate) {
  const std::string text = Calendar(
      Event("monthly", {"DTSTART;TZID=\"Romance Standard Time\":20250304T130000", "DURATION:PT2H",
                        // First Tuesday of the month, five times; April's excluded by date.
                        "RRULE:FREQ=MONTHLY;BYDAY=1TU;COUNT=5", "EXDATE;VALUE=DATE:20250401",
                        "RDATE;TZID=\"Romance Standard Time\":20250610T130000,20250617T130000"}));
  EXPECT_THAT(Spans(text), ElementsAre("2025-03-04T12:00:00Z..2025-03-04T14:00:00Z",
                                       "2025-05-06T11:00:00Z..2025-05-06T13:00:00Z",
                                       "2025-06-03T11:00:00Z..2025-06-03T13:00:00Z",
                                       "2025-06-10T11:00:00Z..2025-06-10T13:00:00Z",
                                       "2025-06-17T11:00:00Z..2025-06-17T13:00:00Z",
                                       "2025-07-01T11:00:00Z..2025-07-01T13:00:00Z"));
}

TEST(RecurrenceTest, OverridesReplaceTheirInstanceAlsoAcrossTheWindowEdge) {
  const std::string tz = ";TZID=\"Romance Standard Time\":";
  const std::string text = Calendar(absl::StrCat(
      Event("series", {"DTSTART" + tz + "20250224T100000", "DTEND" + tz + "20250224T110000",
                       "RRULE:FREQ=WEEKLY;COUNT=3", "SUMMARY:Ugemøde"}),
      // 24 February (before the window) moved into it, to 2 March.
      Event("series", {"RECURRENCE-ID" + tz + "20250224T100000", "DTSTART" + tz + "20250302T100000",
                       "DTEND" + tz + "20250302T110000", "SUMMARY:Ugemøde (flyttet)"}),
      // 10 March cancelled.
      Event("series", {"RECURRENCE-ID" + tz + "20250310T100000", "DTSTART" + tz + "20250310T100000",
                       "DTEND" + tz + "20250310T110000", "STATUS:CANCELLED", "SUMMARY:Ugemøde"})));
  const ImportResult result = ImportCalendar(text, Options());
  ASSERT_TRUE(result.status.ok()) << result.status;
  EXPECT_THAT(Describe(result.events),
              ElementsAre("series#20250224T090000Z 2025-03-02T09:00:00Z..2025-03-02T10:00:00Z "
                          "MEETING BUSY 'Ugemøde (flyttet)'",
                          "series#20250303T090000Z 2025-03-03T09:00:00Z..2025-03-03T10:00:00Z "
                          "MEETING BUSY 'Ugemøde'"));
  ASSERT_EQ(result.skipped.size(), 1u);
  EXPECT_EQ(result.skipped[0].reason, SkipReason::kCancelled);
  EXPECT_EQ(result.skipped[0].instance, "20250310T090000Z");
}

TEST(MappingTest, KindsShowAsAndSkips) {
  const std::string d = "DTSTART:20250305T090000Z";
  const std::string e = "DTEND:20250305T100000Z";
  const std::string text = Calendar(absl::StrCat(
      Event("a-sick", {d, e, "SUMMARY:Syg"}),
      Event("b-category", {d, e, "CATEGORIES:Privat,Ferie", "SUMMARY:Kursus"}),
      Event("c-oof-keyword",
            {d, e, "SUMMARY:Barnets første sygedag", "X-MICROSOFT-CDO-BUSYSTATUS:OOF"}),
      Event("d-oof", {d, e, "SUMMARY:Ikke til stede", "X-MICROSOFT-CDO-BUSYSTATUS:OOF"}),
      Event("e-elsewhere",
            {d, e, "SUMMARY:Arbejder hjemme", "X-MICROSOFT-CDO-BUSYSTATUS:WORKINGELSEWHERE"}),
      Event("f-ude", {d, e, "SUMMARY:Ude hos borger"}),
      Event("g-tentative", {d, e, "SUMMARY:Måske ferie", "STATUS:TENTATIVE"}),
      Event("h-busy-beats-transp",
            {d, e, "SUMMARY:Møde", "TRANSP:TRANSPARENT", "X-MICROSOFT-CDO-BUSYSTATUS:BUSY"}),
      Event("i-transparent", {d, e, "SUMMARY:Fødselsdag", "TRANSP:TRANSPARENT"}),
      Event("j-no-length", {d, "SUMMARY:Påmindelse"}),
      Event("k-period", {d, e, "RDATE;VALUE=PERIOD:20250306T090000Z/PT1H"})));
  const ImportResult result = ImportCalendar(text, Options());
  ASSERT_TRUE(result.status.ok()) << result.status;
  std::vector<std::string> kinds;
  for (const cti::v1::Event& event : result.events) {
    const auto& entry = event.calendar().entry_upserted();
    kinds.push_back(absl::StrCat(entry.entry_id(), " ", cti::v1::AbsenceKind_Name(entry.kind()),
                                 " ", cti::v1::ShowAs_Name(entry.show_as())));
  }
  EXPECT_THAT(kinds, ElementsAre("a-sick ABSENCE_KIND_SICK SHOW_AS_BUSY",
                                 "b-category ABSENCE_KIND_VACATION SHOW_AS_BUSY",
                                 "c-oof-keyword ABSENCE_KIND_SICK SHOW_AS_BUSY",
                                 "d-oof ABSENCE_KIND_AWAY SHOW_AS_BUSY",
                                 "e-elsewhere ABSENCE_KIND_OFF_SITE SHOW_AS_BUSY",
                                 "f-ude ABSENCE_KIND_OFF_SITE SHOW_AS_BUSY",
                                 "g-tentative ABSENCE_KIND_VACATION SHOW_AS_TENTATIVE",
                                 "h-busy-beats-transp ABSENCE_KIND_MEETING SHOW_AS_BUSY"));
  std::vector<std::string> skipped;
  for (const SkippedItem& item : result.skipped) {
    skipped.push_back(absl::StrCat(item.uid, " ", SkipReasonName(item.reason)));
  }
  EXPECT_THAT(skipped,
              ElementsAre("i-transparent free", "j-no-length no-duration", "k-period unsupported"));
}

TEST(MappingTest, SubjectIsCleanedAndCutAt500Characters) {
  std::string long_summary;
  for (int i = 0; i < 600; ++i) long_summary += "æ";
  const std::string text = Calendar(absl::StrCat(
      Event("long", {"DTSTART:20250305T090000Z", "DURATION:PT1H", "SUMMARY:" + long_summary}),
      Event("escaped", {"DTSTART:20250306T090000Z", "DURATION:PT1H",
                        "SUMMARY:  Møde\\, kl. 10\\; lokale 2\\nTag kaffe med  "})));
  const ImportResult result = ImportCalendar(text, Options());
  ASSERT_TRUE(result.status.ok()) << result.status;
  ASSERT_EQ(result.events.size(), 2u);
  const std::string& cut = result.events[0].calendar().entry_upserted().subject();
  EXPECT_EQ(cut.size(), 1000u);  // 500 two-byte characters.
  EXPECT_EQ(cut, long_summary.substr(0, 1000));
  EXPECT_EQ(result.events[1].calendar().entry_upserted().subject(),
            "Møde, kl. 10; lokale 2\nTag kaffe med");
}

TEST(MappingTest, UidsThatAreNotOpaqueIdsAreHashed) {
  const ImportResult result = ImportCalendar(
      Calendar(Event("møde med mellemrum",
                     {"DTSTART:20250305T090000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=2"})),
      Options());
  ASSERT_TRUE(result.status.ok()) << result.status;
  ASSERT_EQ(result.events.size(), 2u);
  const std::string& id = result.events[0].calendar().entry_upserted().entry_id();
  EXPECT_TRUE(absl::StartsWith(id, "uid-sha256:")) << id;
  EXPECT_EQ(id.size(), std::string("uid-sha256:").size() + 40 + 17);
  EXPECT_TRUE(absl::EndsWith(id, "#20250305T090000Z")) << id;
}

TEST(RecurrenceTest, ARuleWithTooManyInstancesIsSkipped) {
  const ImportResult result = ImportCalendar(
      Calendar(absl::StrCat(Event("every-minute", {"DTSTART:20250301T000000Z", "DURATION:PT1M",
                                                   "RRULE:FREQ=MINUTELY"}),
                            Event("fine", {"DTSTART:20250301T090000Z", "DURATION:PT1H"}))),
      Options());
  ASSERT_TRUE(result.status.ok()) << result.status;
  ASSERT_EQ(result.events.size(), 1u);
  ASSERT_EQ(result.skipped.size(), 1u);
  EXPECT_EQ(result.skipped[0].reason, SkipReason::kTooManyInstances);
  EXPECT_THAT(result.skipped[0].message, HasSubstr("100000"));
}

TEST(CalendarImportTest, SeveralCalendarsInOneFile) {
  const std::string text = absl::StrCat(
      Calendar(Event("one", {"DTSTART:20250305T090000Z", "DURATION:PT1H"})),
      Bare(Event("two", {"DTSTART;TZID=Romance Standard Time:20250306T090000", "DURATION:PT1H"})));
  EXPECT_THAT(Spans(text), ElementsAre("2025-03-05T09:00:00Z..2025-03-05T10:00:00Z",
                                       "2025-03-06T08:00:00Z..2025-03-06T09:00:00Z"));
}

}  // namespace
}  // namespace cti::calendar_import
