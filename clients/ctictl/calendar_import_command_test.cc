// `ctictl calendar import` against in-process fakes of ctid (fake_ctid.h, and a fake that
// remembers event ids as the real server does).
#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "calendar_commands.h"
#include "event_file.h"
#include "exit_codes.h"
#include "fake_ctid.h"

namespace cti::ctictl {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;
using ::testing::Not;
using CalendarImportTest = fake::FakeCtidTest;

const std::string kOutlookExport =
    std::string(CTI_CALENDAR_IMPORT_TESTDATA) + "/outlook_export.ics";

absl::Time Utc(const char* text) {
  absl::Time t;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, text, &t, &error)) << error;
  return t;
}

// "Now" for the tests: the window starts at 2025-03-01 00:00 UTC.
const absl::Time kNow = Utc("2025-03-01T10:15:00Z");

CalendarImportOptions Import(const std::string& file) {
  CalendarImportOptions options;
  options.employee_id = "e17";
  options.file = file;
  return options;
}

TEST_F(CalendarImportTest, AppendsOneEntryPerInstanceAndTheSameEventsOnASecondRun) {
  Connection connection(options_);
  std::istringstream no_input;
  ASSERT_EQ(RunCalendarImport(connection, Import(kOutlookExport), kNow, no_input, out_, err_),
            kExitOk)
      << err_.str();
  ASSERT_EQ(events_.received.size(), 15u);
  for (const cti::v1::Event& event : events_.received) {
    EXPECT_EQ(event.tenant(), "demo");
    EXPECT_TRUE(absl::StartsWith(event.event_id(), "ics:e17:")) << event.event_id();
    EXPECT_EQ(event.calendar().entry_upserted().employee_id(), "e17");
  }
  const auto& first = events_.received[0].calendar().entry_upserted();
  EXPECT_EQ(first.entry_id(), "private-monthly-0001@kommune.example.dk#20250301T080000Z");
  EXPECT_EQ(first.start().seconds(), absl::ToUnixSeconds(Utc("2025-03-01T08:00:00Z")));
  const auto& last = events_.received[14].calendar().entry_upserted();
  EXPECT_EQ(last.kind(), cti::v1::ABSENCE_KIND_VACATION);
  EXPECT_EQ(last.start().seconds(), absl::ToUnixSeconds(Utc("2025-10-23T22:00:00Z")));
  EXPECT_EQ(last.end().seconds(), absl::ToUnixSeconds(Utc("2025-10-28T23:00:00Z")));

  const std::string report = out_.str();
  EXPECT_THAT(report, HasSubstr(kOutlookExport +
                                ": 10 events read; 15 calendar entries for e17 "
                                "in 2025-03-01T00:00:00Z..2026-03-01T00:00:00Z; 3 skipped; 0 "
                                "outside the window\n"));
  EXPECT_THAT(report, HasSubstr(kOutlookExport + ":89  skipped  "));
  EXPECT_THAT(report, HasSubstr(kOutlookExport +
                                ":122  skipped  cpr-entry-0001@kommune.example.dk  cpr-number: "));
  EXPECT_THAT(report, HasSubstr("TP-4.2"));
  EXPECT_THAT(report, Not(HasSubstr("010190")));
  EXPECT_THAT(report, HasSubstr(kOutlookExport + ":29 2025-03-10T08:00:00Z  position "));
  EXPECT_THAT(report, HasSubstr("appended 15 of 15 events\n"));

  // A second import sends exactly the same events, which the server acknowledges as
  // duplicates (see DeduplicatingServerTest for the answer itself).
  std::ostringstream again_out;
  ASSERT_EQ(RunCalendarImport(connection, Import(kOutlookExport), kNow + absl::Hours(2), no_input,
                              again_out, err_),
            kExitOk);
  ASSERT_EQ(events_.received.size(), 30u);
  for (size_t i = 0; i < 15; ++i) {
    EXPECT_TRUE(MessageDifferencer::Equals(events_.received[i], events_.received[15 + i])) << i;
  }
}

TEST_F(CalendarImportTest, DryRunPrintsJsonLinesThatAppendReadsAndSendsNothing) {
  Connection connection(options_);
  CalendarImportOptions options = Import(kOutlookExport);
  options.dry_run = true;
  std::istringstream no_input;
  ASSERT_EQ(RunCalendarImport(connection, options, kNow, no_input, out_, err_), kExitOk);
  EXPECT_TRUE(events_.received.empty());
  absl::StatusOr<std::vector<ParsedEvent>> parsed = ParseEvents(out_.str(), "dry-run");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), 15u);
  EXPECT_EQ((*parsed)[0].event.calendar().entry_upserted().subject(), "Privat aftale");
  EXPECT_THAT(err_.str(), HasSubstr("dry run: nothing was sent"));
  EXPECT_THAT(err_.str(), HasSubstr(":122  skipped  cpr-entry-0001@kommune.example.dk"));
  EXPECT_THAT(out_.str() + err_.str(), Not(HasSubstr("010190")));
}

TEST_F(CalendarImportTest, TheDefaultWindowStartsTodayAndFlagsOverrideIt) {
  Connection connection(options_);
  std::istringstream no_input;
  // From 1 October 2025 for a year: only the autumn holiday is left.
  ASSERT_EQ(RunCalendarImport(connection, Import(kOutlookExport), Utc("2025-10-01T23:59:00Z"),
                              no_input, out_, err_),
            kExitOk);
  ASSERT_EQ(events_.received.size(), 1u);
  EXPECT_EQ(events_.received[0].calendar().entry_upserted().kind(), cti::v1::ABSENCE_KIND_VACATION);
  EXPECT_THAT(out_.str(), HasSubstr("in 2025-10-01T00:00:00Z..2026-10-01T00:00:00Z"));

  CalendarImportOptions options = Import(kOutlookExport);
  options.from = "2025-03-17T00:00:00+01:00";
  options.until = "2025-03-18T00:00:00+01:00";
  ASSERT_EQ(RunCalendarImport(connection, options, kNow, no_input, out_, err_), kExitOk);
  ASSERT_EQ(events_.received.size(), 2u);
  EXPECT_EQ(events_.received[1].calendar().entry_upserted().start().seconds(),
            absl::ToUnixSeconds(Utc("2025-03-17T08:00:00Z")));
}

TEST_F(CalendarImportTest, ABrokenFileSendsNothingAndNamesTheLine) {
  Connection connection(options_);
  std::istringstream in(
      "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nDTSTART:2025031T0900\nEND:VEVENT\nEND:VCALENDAR\n");
  EXPECT_EQ(RunCalendarImport(connection, Import("-"), kNow, in, out_, err_), kExitBadInput);
  EXPECT_TRUE(events_.received.empty());
  EXPECT_THAT(err_.str(), HasSubstr("ctictl: calendar import: <stdin>:4: DTSTART: "));
  EXPECT_THAT(err_.str(), HasSubstr("nothing was sent"));
}

TEST_F(CalendarImportTest, UsageAndFileErrors) {
  Connection connection(options_);
  std::istringstream no_input;
  CalendarImportOptions options = Import(kOutlookExport);
  options.from = "yesterday";
  EXPECT_EQ(RunCalendarImport(connection, options, kNow, no_input, out_, err_), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--from 'yesterday' is not an RFC 3339 instant"));
  options = Import(kOutlookExport);
  options.until = "2025-01-01T00:00:00Z";  // Before today: an empty window.
  EXPECT_EQ(RunCalendarImport(connection, options, kNow, no_input, out_, err_), kExitUsage);
  options = Import(kOutlookExport);
  options.employee_id = "anna holm";
  EXPECT_EQ(RunCalendarImport(connection, options, kNow, no_input, out_, err_), kExitUsage);
  EXPECT_EQ(
      RunCalendarImport(connection, Import("/nonexistent/anna.ics"), kNow, no_input, out_, err_),
      kExitBadInput);
  EXPECT_THAT(err_.str(), HasSubstr("cannot open /nonexistent/anna.ics"));
  EXPECT_TRUE(events_.received.empty());
}

TEST_F(CalendarImportTest, JsonReportsSkippedEntriesAndEachAppend) {
  Connection connection(options_);
  CalendarImportOptions options = Import(kOutlookExport);
  options.json = true;
  std::istringstream no_input;
  ASSERT_EQ(RunCalendarImport(connection, options, kNow, no_input, out_, err_), kExitOk);
  const std::vector<std::string> lines = absl::StrSplit(out_.str(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u + 15u);
  EXPECT_THAT(lines[2], HasSubstr("{\"skipped\":{\"location\":\"" + kOutlookExport +
                                  ":122\",\"uid\":\"cpr-entry-0001@kommune.example.dk\","
                                  "\"instance\":\"\",\"reason\":\"cpr-number\""));
  EXPECT_THAT(lines[3], HasSubstr("\"response\":{\"position\":\"101\""));
}

// Answers as ctid does: an event_id seen before with the same payload is a duplicate,
// with another payload it is refused.
class DeduplicatingEvents final : public cti::v1::EventService::Service {
 public:
  grpc::Status Append(grpc::ServerContext*, const cti::v1::AppendRequest* request,
                      cti::v1::AppendResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    const cti::v1::Event& event = request->event();
    auto it = by_id_.find(event.event_id());
    if (it != by_id_.end()) {
      if (!MessageDifferencer::Equals(log_[it->second - 1], event)) {
        return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "different payload");
      }
      response->set_position(it->second);
      response->set_duplicate(true);
    } else {
      log_.push_back(event);
      by_id_[event.event_id()] = log_.size();
      response->set_position(log_.size());
    }
    response->set_event_id(event.event_id());
    return grpc::Status::OK;
  }
  size_t log_size() {
    std::lock_guard<std::mutex> lock(mu_);
    return log_.size();
  }

 private:
  std::mutex mu_;
  std::vector<cti::v1::Event> log_;
  std::map<std::string, uint64_t> by_id_;
};

TEST(DeduplicatingServerTest, ASecondImportIsAllDuplicates) {
  DeduplicatingEvents events;
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&events);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  GlobalOptions options;
  options.server = "127.0.0.1:" + std::to_string(port);
  options.timeout_seconds = 5;
  Connection connection(options);
  std::istringstream no_input;
  std::ostringstream out, err;
  ASSERT_EQ(RunCalendarImport(connection, Import(kOutlookExport), kNow, no_input, out, err),
            kExitOk)
      << err.str();
  EXPECT_THAT(out.str(), HasSubstr("appended 15 of 15 events\n"));
  std::ostringstream again;
  ASSERT_EQ(RunCalendarImport(connection, Import(kOutlookExport), kNow + absl::Hours(1), no_input,
                              again, err),
            kExitOk)
      << err.str();
  EXPECT_THAT(again.str(), HasSubstr("appended 15 of 15 events (15 already present)\n"));
  EXPECT_EQ(events.log_size(), 15u);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
}

}  // namespace
}  // namespace cti::ctictl
