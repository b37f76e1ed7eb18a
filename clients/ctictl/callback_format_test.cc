// ctictl callbacks and ctictl voicemail as text (TP-4.3, TP-3.14): summary lines, the
// tables, overdue marks and the greeting check, in Copenhagen time.
#include "callback_format.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include "format.h"

namespace cti::ctictl {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

template <typename Message>
Message FromJson(const std::string& json) {
  Message message;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &message).ok()) << json;
  return message;
}

absl::TimeZone Copenhagen() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/Copenhagen", &zone));
  return zone;
}

TEST(FormatCallbacks, TP_4_3_OpenAndOverdueCallbacksWithTheNumberToCall) {
  const auto response = FromJson<cti::v1::ListCallbacksResponse>(R"({"callbacks": [
    {"callback_id": "cb-1", "source": "CALLBACK_SOURCE_CITIZEN_REQUESTED",
     "assignee": {"employee_id": "e1"}, "unit_id": "borgerservice",
     "callback_number": "+4520304050", "requested_at": "2025-12-01T09:00:00Z",
     "due_at": "2025-12-01T15:00:00Z", "overdue": true},
    {"callback_id": "cb-2", "source": "CALLBACK_SOURCE_COLLEAGUE_PROMISED",
     "assignee": {"unit_id": "skat"}, "unit_id": "skat", "callback_number": "+4511223344",
     "requested_at": "2025-12-01T16:30:00Z", "due_at": "2025-12-02T15:00:00Z",
     "due_next_phone_day": true, "reassignments": 1}],
    "open": 2, "overdue": 1, "at": "2025-12-02T09:00:00Z"})");
  const std::string text = FormatCallbacks(response, Copenhagen());
  EXPECT_THAT(text, StartsWith("callbacks at 2025-12-02 10:00: 2 open, 1 overdue\n"));
  EXPECT_THAT(text, ContainsRegex("DUE +STATE +CALLBACK +NUMBER +ASSIGNEE +UNIT +SOURCE"));
  EXPECT_THAT(text, ContainsRegex("Mon 01 Dec 16:00 +OVERDUE +cb-1 +\\+4520304050 +employee e1 +"
                                  "borgerservice +citizen +Mon 01 Dec 10:00"));
  EXPECT_THAT(text, ContainsRegex("Tue 02 Dec 16:00 +open +cb-2 +\\+4511223344 +unit skat +skat +"
                                  "colleague +Mon 01 Dec 17:30 +next phone day, reassigned 1"));
  EXPECT_THAT(text, Not(HasSubstr("cut")));
}

TEST(FormatCallbacks, TP_4_3_CompletedAndEmptyAndCut) {
  EXPECT_EQ(
      FormatCallbacks(FromJson<cti::v1::ListCallbacksResponse>(R"({"at": "2025-12-02T09:00:00Z"})"),
                      Copenhagen()),
      "callbacks at 2025-12-02 10:00: 0 open, 0 overdue\n");
  const auto done = FromJson<cti::v1::ListCallbacksResponse>(R"({"callbacks": [
    {"callback_id": "cb-3", "callback_number": "+4520304050", "assignee": {"number": "+4577"},
     "due_at": "2025-12-02T15:00:00Z", "completed": true,
     "completed_at": "2025-12-02T08:15:00Z"}], "truncated": true,
    "at": "2025-12-02T09:00:00Z"})");
  const std::string text = FormatCallbacks(done, Copenhagen());
  EXPECT_THAT(text,
              ContainsRegex("done Tue 02 Dec 09:15 +cb-3 +\\+4520304050 +number \\+4577 +- +-"));
  EXPECT_THAT(text, HasSubstr("(more callbacks matched: the list is cut at 1)\n"));
}

TEST(FormatVoicemailDuty, TP_3_14_UnlistenedMailboxesAndGreetingChecks) {
  const auto response = FromJson<cti::v1::GetVoicemailDutyResponse>(R"({"units": [
    {"unit_id": "borgerservice", "unit_name": "Borgerservice", "flagged": true,
     "mailboxes": [{"mailbox": {"employee_id": "e1"}, "unlistened": 2,
                    "oldest_left_at": "2025-12-01T14:00:00Z", "overdue": true}],
     "greeting": {"mailbox": {"unit_id": "borgerservice"},
                  "check": "GREETING_CHECK_MISSING_HOURS",
                  "text": "Du har ringet til Borgerservice.",
                  "normal_hours": "man–ons 8–16, tors 8–17, fre 8–14"},
     "employee_greetings": [{"mailbox": {"employee_id": "e1"},
                  "check": "GREETING_CHECK_STARTS_WITH_HOURS",
                  "text": "man–ons 8–16, tors 8–17, fre 8–14. Anna Holm.",
                  "normal_hours": "man–ons 8–16, tors 8–17, fre 8–14"}]},
    {"unit_id": "skat", "mailboxes": [{"mailbox": {"unit_id": "skat"}, "unlistened": 1,
                    "oldest_left_at": "2025-12-02T08:00:00Z"}],
     "greeting": {"mailbox": {"unit_id": "skat"}, "check": "GREETING_CHECK_NOT_RECORDED",
                  "normal_hours": "man–fre 8–9.30"}}],
    "flagged_units": 1, "at": "2025-12-02T09:00:00Z"})");
  const std::string text = FormatVoicemailDuty(response, Copenhagen());
  EXPECT_THAT(text, StartsWith("voicemail duty at 2025-12-02 10:00: 2 units, 1 flagged\n"));
  EXPECT_THAT(text, ContainsRegex("! +borgerservice +employee e1 +2 +Mon 01 Dec 15:00 +not "
                                  "listened to the day it came \\(TP-3.14\\)"));
  EXPECT_THAT(text, ContainsRegex("\n +skat +unit skat +1 +Tue 02 Dec 09:00"));
  EXPECT_THAT(text, ContainsRegex("! +borgerservice +unit borgerservice +MISSING HOURS +man–ons "
                                  "8–16, tors 8–17, fre 8–14 +Du har ringet til Borgerservice."));
  EXPECT_THAT(text, ContainsRegex("\n +borgerservice +employee e1 +ok +"));
  EXPECT_THAT(text, ContainsRegex("\n +skat +unit skat +not recorded +man–fre 8–9.30 +-\n"));
}

TEST(FormatVoicemailDuty, TP_3_14_NothingToReport) {
  EXPECT_EQ(FormatVoicemailDuty(
                FromJson<cti::v1::GetVoicemailDutyResponse>(R"({"at": "2025-12-02T09:00:00Z"})"),
                Copenhagen()),
            "voicemail duty at 2025-12-02 10:00: 0 units, 0 flagged\n");
}

}  // namespace
}  // namespace cti::ctictl
