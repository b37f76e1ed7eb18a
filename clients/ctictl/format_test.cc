#include "format.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include "absl/time/clock.h"
#include "call_format.h"
#include "directory_format.h"
#include "record_format.h"

namespace cti::ctictl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

google::protobuf::Timestamp At(const std::string& rfc3339) {
  google::protobuf::Timestamp timestamp;
  EXPECT_TRUE(google::protobuf::util::TimeUtil::FromString(rfc3339, &timestamp));
  return timestamp;
}

template <typename Message>
Message FromJson(const std::string& json) {
  Message message;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &message).ok()) << json;
  return message;
}

TEST(DisplayWidth, CountsDanishLettersOnce) {
  EXPECT_EQ(DisplayWidth("Åse Frøberg"), 11u);
  EXPECT_EQ(DisplayWidth("ÆØÅæøå"), 6u);
  EXPECT_EQ(DisplayWidth(""), 0u);
}

TEST(Truncate, CutsOnCharactersAndMarksTheCut) {
  EXPECT_EQ(Truncate("boligstøtte", 20), "boligstøtte");
  EXPECT_EQ(Truncate("boligstøtte", 8), "boligst…");
  EXPECT_EQ(Truncate("ææææ", 3), "ææ…");
  EXPECT_EQ(Truncate("abc", 0), "");
}

TEST(RenderTable, AlignsUtf8Columns) {
  const std::string table =
      RenderTable({"NAME", "EXT"}, {{"Åse Frøberg", "5102"}, {"Bo", "4711"}, {"X"}});
  EXPECT_EQ(table,
            "NAME         EXT\n"
            "Åse Frøberg  5102\n"
            "Bo           4711\n"
            "X\n");
}

TEST(RenderFields, PadsLabelsAndSkipsEmptyValues) {
  EXPECT_EQ(RenderFields({{"unit", "Borgerservice"}, {"mobile", ""}, {"e-mail", "a@b.dk"}}),
            "  unit    Borgerservice\n"
            "  e-mail  a@b.dk\n");
}

TEST(JsonQuote, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(JsonQuote("a\"b\\c\nø\x01"), "\"a\\\"b\\\\c\\nø\\u0001\"");
}

TEST(ToJson, UsesProtoFieldNamesAndPrintsDefaults) {
  cti::v1::GetStatusResponse status;
  status.set_state_digest("abc");
  const std::string json = ToJson(status);
  EXPECT_THAT(json, HasSubstr("\"log_end_position\":\"0\""));
  EXPECT_THAT(json, HasSubstr("\"state_digest\":\"abc\""));
  EXPECT_THAT(ToJson(status, false), Not(HasSubstr("log_end_position")));
}

TEST(FormatLocalTime, CopenhagenWinterAndSummerTime) {
  const absl::TimeZone zone = LocalZone();
  EXPECT_EQ(FormatLocalTime(At("2024-01-15T12:00:00Z"), zone), "2024-01-15 13:00:00 CET");
  EXPECT_EQ(FormatLocalTime(At("2024-07-01T12:00:00Z"), zone), "2024-07-01 14:00:00 CEST");
  // The last night of summer time: 01:30 UTC is 02:30 CET, after the clocks went back.
  EXPECT_EQ(FormatLocalTime(At("2024-10-27T01:30:00Z"), zone), "2024-10-27 02:30:00 CET");
  EXPECT_EQ(FormatLocalTime(google::protobuf::Timestamp(), zone), "-");
}

TEST(EnumLabel, StripsPrefixAndLowers) {
  EXPECT_EQ(EnumLabel("UNIT_KIND_DECENTRAL_INSTITUTION", "UNIT_KIND_"), "decentral institution");
  EXPECT_EQ(UnitKindLabel(cti::v1::UNIT_KIND_DEPARTMENT), "department");
}

TEST(FormatSearchResults, ShowsUnlistedInsteadOfNumberAndUnitRows) {
  const auto response = FromJson<cti::v1::SearchResponse>(R"({"hits": [
    {"employee": {"employee_id": "e1", "full_name": "Anna Holm", "unit_id": "bs",
      "extension": "4711", "direct_number": "+4573764711", "tasks": ["pas", "kørekort"]},
     "unit_name": "Borgerservice", "availability": {"state": "AVAILABILITY_STATE_ABSENT",
      "text": "i møde til kl. 11.00"}},
    {"employee": {"employee_id": "e3", "full_name": "Mette Løvgren", "unit_id": "jc",
      "extension": "4820", "unlisted": true}, "unit_name": "Jobcenter",
     "availability": {"state": "AVAILABILITY_STATE_FREE", "text": "ledig"}},
    {"unit": {"unit_id": "bs", "name": "Borgerservice", "kind": "UNIT_KIND_DEPARTMENT",
      "parent_unit_id": "ba", "phone_number": "+4573760100", "tasks": ["pas"]}}]})");
  EXPECT_EQ(
      FormatSearchResults(response),
      "TYPE        ID  NAME           UNIT           EXT   DIRECT NUMBER  NOW                   "
      "TASKS\n"
      "employee    e1  Anna Holm      Borgerservice  4711  +4573764711    i møde til kl. 11.00  "
      "pas, kørekort\n"
      "employee    e3  Mette Løvgren  Jobcenter      4820  (unlisted)     ledig\n"
      "department  bs  Borgerservice  ba                   +4573760100                          "
      "pas\n");
  EXPECT_EQ(FormatSearchResults(cti::v1::SearchResponse()), "No matches.\n");
}

TEST(FormatEmployee, MarksUnlistedNumberAndLeavers) {
  const auto response = FromJson<cti::v1::GetEmployeeResponse>(R"({
    "employee": {"employee_id": "e3", "full_name": "Mette Løvgren", "unit_id": "jc",
      "direct_number": "+4573764820", "unlisted": true, "tasks": ["sygedagpenge"]},
    "unit": {"unit_id": "jc", "name": "Jobcenter"}})");
  const std::string text = FormatEmployee(response);
  EXPECT_THAT(text, HasSubstr("Mette Løvgren (e3)\n"));
  EXPECT_THAT(text, HasSubstr("unit           Jobcenter (jc)\n"));
  EXPECT_THAT(text, HasSubstr("+4573764820  (unlisted: not to be given to callers)"));
  EXPECT_THAT(text, HasSubstr("status         left\n"));
}

TEST(FormatUnit, NamesPhoneResponsibleAndListsEmployeesAndChildren) {
  const auto response = FromJson<cti::v1::GetUnitResponse>(R"({
    "unit": {"unit_id": "bs", "name": "Borgerservice", "kind": "UNIT_KIND_DEPARTMENT",
      "active": true, "phone_responsible_employee_ids": ["e2", "e9"]},
    "employees": [{"employee_id": "e2", "full_name": "Søren Kjærgaard", "extension": "4712"}],
    "children": [{"unit_id": "pas", "name": "Pas og kørekort",
      "kind": "UNIT_KIND_PROFESSIONAL_GROUP"}]})");
  const std::string text = FormatUnit(response);
  EXPECT_THAT(text, HasSubstr("phone-responsible  Søren Kjærgaard (e2), e9\n"));
  EXPECT_THAT(text, HasSubstr("status             active\n"));
  EXPECT_THAT(text, HasSubstr("Employees (1):\nID  NAME             TITLE  EXT   DIRECT NUMBER"));
  EXPECT_THAT(text, HasSubstr("pas  Pas og kørekort  professional group"));
}

TEST(FormatLogRecord, OneLineWithLocalTimeActorIdsAndRejection) {
  const auto record = FromJson<cti::v1::LogRecord>(R"({"position": "17",
    "event": {"recorded_at": "2024-11-29T16:38:05Z", "actor": {"id": "anna", "role": "ROLE_ADMIN"},
      "staff": {"employee_hired": {"employee": {"employee_id": "e1", "unit_id": "bs",
        "full_name": "Anna Holm"}}}},
    "outcome": {"rejected": true, "reason": "employee_id 'e1' already hired"}})");
  EXPECT_EQ(FormatLogRecord(record, LocalZone()),
            "#17  2024-11-29 17:38:05 CET  staff/employee_hired  by anna (admin)  "
            "employee_id=e1 unit_id=bs  REJECTED: employee_id 'e1' already hired");
}

TEST(FormatLogRecord, SaysWhenARecordsPersonalDataIsErased) {
  const auto record = FromJson<cti::v1::LogRecord>(R"({"position": "18",
    "event": {"recorded_at": "2024-11-29T16:38:05Z", "actor": {"id": "anna", "role": "ROLE_ADMIN"},
      "personal": {"shares": [{"subject": "employee:e1", "key_id": "00aa"}]},
      "staff": {"employee_hired": {"employee": {"employee_id": "e1", "unit_id": "bs"}}}}})");
  EXPECT_EQ(FormatLogRecord(record, LocalZone()),
            "#18  2024-11-29 17:38:05 CET  staff/employee_hired  by anna (admin)  "
            "employee_id=e1 unit_id=bs  [personal data erased]");
}

TEST(KeyIds, QualifiesARepeatedNameAndIncludesCallId) {
  const auto forwarding = FromJson<cti::v1::Event>(R"({"calendar": {"forwarding_set": {
    "employee_id": "e6", "forwarding_id": "syg", "destination": {"employee_id": "e5"},
    "valid_from": "2024-11-27T06:45:00Z"}}})");
  EXPECT_EQ(ChangeKind(forwarding), "calendar/forwarding_set");
  EXPECT_EQ(KeyIds(forwarding), "employee_id=e6 forwarding_id=syg destination.employee_id=e5");
  const auto ringing = FromJson<cti::v1::Event>(
      R"({"call": {"call_id": "c1", "ringing": {"target": {"unit_id": "bs"}}}})");
  EXPECT_EQ(ChangeKind(ringing), "call/ringing");
  EXPECT_EQ(KeyIds(ringing), "call_id=c1 unit_id=bs");
  EXPECT_EQ(ChangeKind(cti::v1::Event()), "(no payload)");
  EXPECT_EQ(KeyIds(cti::v1::Event()), "");
}

TEST(FormatStatus, ShowsLagDigestAndCounters) {
  const auto status = FromJson<cti::v1::GetStatusResponse>(R"({"log_backend": "embedded",
    "log_end_position": "120", "applied_position": "117", "state_digest": "9f86d0",
    "projection_schema_version": 1, "records_applied": "117", "records_rejected": "2",
    "started_at": "2024-07-01T06:00:00Z", "server_version": "0.1.0"})");
  const std::string text = FormatStatus(status, "127.0.0.1:7878", "demo", LocalZone());
  EXPECT_THAT(text, ::testing::StartsWith("ctid 0.1.0 at 127.0.0.1:7878\n"));
  EXPECT_THAT(text, HasSubstr("tenant          demo\n"));
  EXPECT_THAT(text, HasSubstr("backend         embedded\n"));
  EXPECT_THAT(text, HasSubstr("log end         120\n"));
  EXPECT_THAT(text, HasSubstr("applied         117 (lag 3)\n"));
  EXPECT_THAT(text, HasSubstr("state digest    9f86d0\n"));
  EXPECT_THAT(text, HasSubstr("schema version  1\n"));
  EXPECT_THAT(text, HasSubstr("records         117 applied, 2 rejected\n"));
  EXPECT_THAT(text, HasSubstr("started at      2024-07-01 08:00:00 CEST\n"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("building")));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("projector error")));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("erasures")));
}

TEST(FormatStatus, ShowsErasuresNotYetComplete) {
  const auto status = FromJson<cti::v1::GetStatusResponse>(R"({"log_backend": "embedded",
    "log_end_position": "12", "applied_position": "12", "erasures_pending": 2})");
  const std::string text = FormatStatus(status, "127.0.0.1:7878", "aabenraa", LocalZone());
  EXPECT_THAT(text, ::testing::ContainsRegex(
                        "\n  erasures +2 not yet complete \\(keys to delete or projections to "
                        "rebuild\\)\n"));
}

TEST(FormatStatus, ShowsABuildAndWhyTheProjectorIsStuck) {
  const auto status = FromJson<cti::v1::GetStatusResponse>(R"({"log_backend": "kafka",
    "log_end_position": "400000", "applied_position": "0", "records_applied": "0",
    "building": true, "projector_error": "DATA_LOSS: position 1 is no longer in the topic"})");
  const std::string text = FormatStatus(status, "127.0.0.1:7878", "", LocalZone());
  EXPECT_THAT(text, ::testing::ContainsRegex(
                        "\n  state +building the projections from the log \\(other calls are "
                        "refused until it serves\\)\n"));
  EXPECT_THAT(text, ::testing::ContainsRegex("\n  state digest +-\n"));
  EXPECT_THAT(text, ::testing::ContainsRegex(
                        "\n  projector error +DATA_LOSS: position 1 is no longer in the topic\n"));
}

TEST(FormatLiveCalls, SummaryTableAndCounts) {
  const auto response = FromJson<cti::v1::ListLiveCallsResponse>(R"({"calls": [
    {"call_id": "sip-1", "state": "LIVE_CALL_STATE_TALKING", "caller_number": "+4520304050",
     "target": {"employee_id": "e273"}, "employee_id": "e273", "unit_id": "ydelseskontor",
     "offered_at": "2026-11-30T09:58:00Z", "state_since": "2026-11-30T09:58:12Z"},
    {"call_id": "sip-2", "state": "LIVE_CALL_STATE_WAITING",
     "offered_at": "2026-11-30T09:59:30Z", "state_since": "2026-11-30T09:59:30Z"}],
    "total": {"waiting": 1, "talking": 1},
    "units": [{"unit_id": "ydelseskontor", "talking": 1}],
    "employees": [{"employee_id": "e273", "talking": 1}]})");
  const std::string text = FormatLiveCalls(
      response, absl::FromUnixSeconds(1796032800) /* 2026-11-30T10:00:00Z */, LocalZone());
  EXPECT_THAT(text, ::testing::StartsWith("calls in progress: 1 waiting, 0 ringing, 1 talking\n"));
  // State, time in it, offered (local time), time in all, call, caller, target, unit.
  EXPECT_THAT(text, ::testing::ContainsRegex(
                        "\ntalking +1:48 +10:58:00 +2:00 +sip-1 +\\+4520304050 +employee e273 "
                        "+ydelseskontor\n"));
  EXPECT_THAT(text,
              ::testing::ContainsRegex(
                  "\nwaiting +0:30 +10:59:30 +0:30 +sip-2 +\\(withheld\\) +\\(reception\\) +-\n"));
  EXPECT_THAT(text, ::testing::ContainsRegex("\nunit +ydelseskontor +0 +0 +1\n"));
  EXPECT_THAT(text, ::testing::ContainsRegex("\nemployee +e273 +0 +0 +1\n"));
  EXPECT_EQ(FormatLiveCalls(cti::v1::ListLiveCallsResponse(), absl::Now(), LocalZone()),
            "calls in progress: 0 waiting, 0 ringing, 0 talking\n");
}

TEST(FormatCallCounts, RowsPerUnitAndDayRateWaitsAndTotal) {
  const auto response = FromJson<cti::v1::ListCallCountsResponse>(R"({"days": [
    {"unit_id": "", "day": "2026-12-01", "all": {"offered": 1, "failed": 1},
     "in_phone_hours": {"offered": 1, "failed": 1}},
    {"unit_id": "ydelse", "day": "2026-12-01",
     "all": {"offered": 6, "answered": 4, "abandoned": 1, "voicemail": 1},
     "in_phone_hours": {"offered": 5, "answered": 3, "abandoned": 1, "voicemail": 1},
     "answer_times": [{"up_to_seconds": 5, "calls": 1}, {"up_to_seconds": 10, "calls": 1},
                      {"up_to_seconds": 15}, {"calls": 1}]}]})");
  const std::string text = FormatCallCounts(response);
  // Unit, day, in hours: offered, answered, voicemail, abandoned, failed, rate, waits;
  // then the whole day's offered and answered.
  EXPECT_THAT(text, ::testing::ContainsRegex(
                        "\n\\(none\\) +2026-12-01 +1 +0 +0 +0 +1 +0.0% +- +- +1 +0\n"));
  EXPECT_THAT(text, ::testing::ContainsRegex(
                        "\nydelse +2026-12-01 +5 +3 +1 +1 +0 +60.0% +<=10s +>15s +6 +4\n"));
  EXPECT_THAT(text,
              ::testing::ContainsRegex("\n\\(all\\) +6 +3 +1 +1 +1 +50.0% +<=10s +>15s +7 +4\n"));
  EXPECT_EQ(FormatCallCounts(cti::v1::ListCallCountsResponse()), "No calls in these days.\n");
}

TEST(RenderProgress, BarPercentageAndRate) {
  cti::v1::RebuildProgress progress;
  progress.set_applied(250);
  progress.set_total(1000);
  progress.set_records_per_second(12345.6);
  EXPECT_EQ(RenderProgress(progress, 10), "[##--------]  250/1000   25.0%  12346 rec/s");
  EXPECT_EQ(RenderProgress(progress, 0), "250/1000   25.0%  12346 rec/s");
  progress.set_applied(1200);  // records arrived during the rebuild
  EXPECT_DOUBLE_EQ(RebuildFraction(progress), 1.0);
  EXPECT_EQ(RenderProgress(progress, 4), "[####]  1200/1200  100.0%  12346 rec/s");
  cti::v1::RebuildProgress empty;
  EXPECT_DOUBLE_EQ(RebuildFraction(empty), 0.0);
  empty.set_done(true);
  EXPECT_DOUBLE_EQ(RebuildFraction(empty), 1.0);
}

}  // namespace
}  // namespace cti::ctictl
