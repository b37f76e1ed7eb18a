// The import of a realistic Outlook export (testdata/outlook_export.ics): exact UTC
// instants of every entry, what is skipped and why, and ids that make a re-import
// idempotent.
#include "server/calendar_import/calendar_import.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "absl/strings/match.h"
#include "server/calendar_import/testing/ics_test_util.h"

namespace cti::calendar_import {
namespace {

using testing::Describe;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::Options;
using testing::Rfc3339;
using testing::Utc;

constexpr char kTeamUid[] =
    "040000008200E00074C5B7101A82E00800000000B0B7E6A6F18BDB01000000000000000"
    "010000000C2B36C1B2B5F8D4F9E2C3A4B5D6E7F80";
constexpr char kVacationUid[] =
    "040000008200E00074C5B7101A82E00800000000D1C2B3A4F18BDB01000000000000000"
    "0100000006A1B2C3D4E5F60718293A4B5C6D7E8F9";

std::string OutlookExport() {
  return testing::ReadTestFile(std::string(CTI_CALENDAR_IMPORT_TESTDATA) + "/outlook_export.ics");
}

TEST(OutlookExportTest, EveryInstanceAtItsExactUtcInstant) {
  const ImportResult result = ImportCalendar(OutlookExport(), Options());
  ASSERT_TRUE(result.status.ok()) << result.status;
  const std::string team = kTeamUid;
  EXPECT_THAT(
      Describe(result.events),
      ElementsAre(
          // Monthly on the 1st, private: the subject is hidden; UNTIL is inclusive.
          "private-monthly-0001@kommune.example.dk#20250301T080000Z "
          "2025-03-01T08:00:00Z..2025-03-01T09:00:00Z MEETING BUSY 'Privat aftale'",
          // Weekly MO,WE from 10 March 09:00 Copenhagen, COUNT=8: 12 March is an EXDATE.
          team + "#20250310T080000Z 2025-03-10T08:00:00Z..2025-03-10T09:00:00Z MEETING BUSY "
                 "'Teammøde Borgerservice'",
          team + "#20250317T080000Z 2025-03-17T08:00:00Z..2025-03-17T09:00:00Z MEETING BUSY "
                 "'Teammøde Borgerservice'",
          "oof-entry-0001@kommune.example.dk 2025-03-18T09:00:00Z..2025-03-18T10:30:00Z AWAY "
          "BUSY 'Tandlæge'",
          // 19 March moved by an hour (RECURRENCE-ID): keeps the entry_id of the instance.
          team + "#20250319T080000Z 2025-03-19T09:00:00Z..2025-03-19T10:00:00Z MEETING BUSY "
                 "'Teammøde Borgerservice (flyttet en time)'",
          team + "#20250324T080000Z 2025-03-24T08:00:00Z..2025-03-24T09:00:00Z MEETING BUSY "
                 "'Teammøde Borgerservice'",
          team + "#20250326T080000Z 2025-03-26T08:00:00Z..2025-03-26T09:00:00Z MEETING BUSY "
                 "'Teammøde Borgerservice'",
          // After the change to summer time on 30 March: still 09:00 in Copenhagen.
          team + "#20250331T070000Z 2025-03-31T07:00:00Z..2025-03-31T08:00:00Z MEETING BUSY "
                 "'Teammøde Borgerservice'",
          "private-monthly-0001@kommune.example.dk#20250401T070000Z "
          "2025-04-01T07:00:00Z..2025-04-01T08:00:00Z MEETING BUSY 'Privat aftale'",
          team + "#20250402T070000Z 2025-04-02T07:00:00Z..2025-04-02T08:00:00Z MEETING BUSY "
                 "'Teammøde Borgerservice'",
          "utc-entry-0001@kommune.example.dk 2025-04-02T12:00:00Z..2025-04-02T13:00:00Z "
          "MEETING BUSY 'Møde med IT'",
          // All day 7-8 April, tentative: local midnight to midnight.
          "course-entry-0001@kommune.example.dk 2025-04-06T22:00:00Z..2025-04-08T22:00:00Z "
          "COURSE TENTATIVE 'Kursus i Vejle'",
          "private-monthly-0001@kommune.example.dk#20250501T070000Z "
          "2025-05-01T07:00:00Z..2025-05-01T08:00:00Z MEETING BUSY 'Privat aftale'",
          "private-monthly-0001@kommune.example.dk#20250601T070000Z "
          "2025-06-01T07:00:00Z..2025-06-01T08:00:00Z MEETING BUSY 'Privat aftale'",
          // 24-28 October, all day, across the end of summer time on 26 October: starts
          // at midnight summer time (UTC+2), ends at midnight winter time (UTC+1).
          std::string(kVacationUid) +
              " 2025-10-23T22:00:00Z..2025-10-28T23:00:00Z VACATION BUSY 'Efterårsferie'"));
  EXPECT_EQ(result.vevents, 10);
  EXPECT_EQ(result.outside_window, 0);
  EXPECT_TRUE(result.errors.empty());
}

TEST(OutlookExportTest, FreeCancelledAndCprEntriesAreSkippedWithUidAndLine) {
  const ImportResult result = ImportCalendar(OutlookExport(), Options());
  ASSERT_TRUE(result.status.ok()) << result.status;
  ASSERT_EQ(result.skipped.size(), 3u);
  EXPECT_EQ(result.skipped[0].line, 89);
  EXPECT_EQ(result.skipped[0].reason, SkipReason::kFree);
  EXPECT_THAT(result.skipped[0].uid, HasSubstr("FREE0000"));
  EXPECT_EQ(result.skipped[1].line, 102);
  EXPECT_EQ(result.skipped[1].reason, SkipReason::kCancelled);
  // The CPR entry is reported at its SUMMARY line, citing TP-4.2, without the number.
  const SkippedItem& cpr = result.skipped[2];
  EXPECT_EQ(cpr.line, 122);
  EXPECT_EQ(cpr.reason, SkipReason::kCprNumber);
  EXPECT_EQ(cpr.uid, "cpr-entry-0001@kommune.example.dk");
  EXPECT_THAT(cpr.message, HasSubstr("TP-4.2"));
  EXPECT_THAT(cpr.message, Not(HasSubstr("010190")));
  EXPECT_THAT(cpr.message, Not(HasSubstr("1234")));
  for (const cti::v1::Event& event : result.events) {
    EXPECT_THAT(event.calendar().entry_upserted().subject(), Not(HasSubstr("010190")));
    EXPECT_NE(event.calendar().entry_upserted().entry_id(), "cpr-entry-0001@kommune.example.dk");
  }
}

TEST(OutlookExportTest, EnvelopeHasDeterministicIdsAndOccurredAtFromLastModified) {
  const ImportResult result = ImportCalendar(OutlookExport(), Options());
  ASSERT_TRUE(result.status.ok()) << result.status;
  for (const cti::v1::Event& event : result.events) {
    EXPECT_TRUE(absl::StartsWith(event.event_id(), "ics:e17:")) << event.event_id();
    EXPECT_EQ(event.event_id().size(), std::string("ics:e17:").size() + 32);
    EXPECT_TRUE(event.tenant().empty());
    EXPECT_EQ(event.calendar().entry_upserted().employee_id(), "e17");
  }
  // The override's own LAST-MODIFIED; CREATED when there is no LAST-MODIFIED.
  EXPECT_EQ(Rfc3339(result.events[4].occurred_at()), "2025-03-14T14:10:00Z");
  EXPECT_EQ(Rfc3339(result.events[1].occurred_at()), "2025-03-05T08:30:00Z");
  EXPECT_EQ(Rfc3339(result.events[10].occurred_at()), "2025-03-01T08:00:00Z");

  // Importing the same file again gives the very same events: the server answers
  // "duplicate" to each.
  const ImportResult again = ImportCalendar(OutlookExport(), Options());
  ASSERT_EQ(again.events.size(), result.events.size());
  for (size_t i = 0; i < result.events.size(); ++i) {
    EXPECT_EQ(again.events[i].SerializeAsString(), result.events[i].SerializeAsString());
  }
  // Another importer (id_context) gets other event ids for the same entries.
  ImportOptions other = Options();
  other.id_context = "someone-else";
  const ImportResult theirs = ImportCalendar(OutlookExport(), other);
  ASSERT_EQ(theirs.events.size(), result.events.size());
  EXPECT_NE(theirs.events[0].event_id(), result.events[0].event_id());
  EXPECT_EQ(theirs.events[0].calendar().entry_upserted().entry_id(),
            result.events[0].calendar().entry_upserted().entry_id());
}

TEST(OutlookExportTest, AChangedEntryKeepsItsEntryIdButGetsANewEventId) {
  std::string text = OutlookExport();
  const ImportResult before = ImportCalendar(text, Options());
  text.replace(text.find("Tandlæge"), std::string("Tandlæge").size(), "Lægebesøg");
  const ImportResult after = ImportCalendar(text, Options());
  ASSERT_TRUE(after.status.ok()) << after.status;
  ASSERT_EQ(before.events.size(), after.events.size());
  for (size_t i = 0; i < before.events.size(); ++i) {
    const bool changed = before.events[i].calendar().entry_upserted().subject() == "Tandlæge";
    EXPECT_EQ(before.events[i].calendar().entry_upserted().entry_id(),
              after.events[i].calendar().entry_upserted().entry_id());
    EXPECT_EQ(before.events[i].event_id() != after.events[i].event_id(), changed) << i;
  }
}

TEST(OutlookExportTest, OnlyInstancesOverlappingTheWindowAreImported) {
  ImportOptions options = Options();
  options.from = Utc("2025-03-24T08:30:00Z");   // Inside the 24 March meeting.
  options.until = Utc("2025-04-01T07:00:00Z");  // The 1 April instance starts here: out.
  const ImportResult result = ImportCalendar(OutlookExport(), options);
  ASSERT_TRUE(result.status.ok()) << result.status;
  std::vector<std::string> starts;
  for (const cti::v1::Event& event : result.events) {
    starts.push_back(Rfc3339(event.calendar().entry_upserted().start()));
  }
  EXPECT_THAT(starts,
              ElementsAre("2025-03-24T08:00:00Z", "2025-03-26T08:00:00Z", "2025-03-31T07:00:00Z"));
  // Nothing of these falls in the window, so they are counted, not listed.
  EXPECT_TRUE(result.skipped.empty());
  EXPECT_EQ(result.outside_window, 9);
}

TEST(OutlookExportTest, ParallelImportsGiveTheSameEvents) {
  const std::string text = OutlookExport();
  const ImportResult expected = ImportCalendar(text, Options());
  std::vector<ImportResult> results(4);
  std::vector<std::thread> threads;
  for (ImportResult& result : results) {
    threads.emplace_back([&text, &result] {
      for (int i = 0; i < 5; ++i) result = ImportCalendar(text, Options());
    });
  }
  for (std::thread& t : threads) t.join();
  for (const ImportResult& result : results) {
    ASSERT_EQ(result.events.size(), expected.events.size());
    for (size_t i = 0; i < result.events.size(); ++i) {
      EXPECT_EQ(result.events[i].SerializeAsString(), expected.events[i].SerializeAsString());
    }
  }
}

}  // namespace
}  // namespace cti::calendar_import
