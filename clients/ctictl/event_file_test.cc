#include "event_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace cti::ctictl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kHire[] =
    R"({"event_id": "h1", "occurred_at": "2024-11-25T09:00:00Z", "staff": {"employee_hired": )"
    R"({"employee": {"employee_id": "e1", "full_name": "Søren Ærø", "unit_id": "u1"}}}})";
constexpr char kLeft[] =
    R"({"event_id": "l1", "tenant": "other", "occurred_at": "2024-11-26T09:00:00Z", )"
    R"("staff": {"employee_left": {"employee_id": "e1"}}})";

TEST(ParseEvents, JsonLinesSkipsBlankAndCommentLines) {
  const std::string text =
      std::string("# header\n\n") + kHire + "\n   # indented comment\n" + kLeft + "\n\n";
  absl::StatusOr<std::vector<ParsedEvent>> events = ParseEvents(text, "f.jsonl");
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].location, "f.jsonl:3");
  EXPECT_EQ((*events)[1].location, "f.jsonl:5");
  const cti::v1::Event& hire = (*events)[0].event;
  EXPECT_EQ(hire.event_id(), "h1");
  EXPECT_EQ(hire.occurred_at().seconds(), 1732525200);
  EXPECT_EQ(hire.staff().employee_hired().employee().full_name(), "Søren Ærø");
  EXPECT_EQ((*events)[1].event.tenant(), "other");
  EXPECT_TRUE((*events)[1].event.staff().has_employee_left());
}

TEST(ParseEvents, JsonLinesToleratesCrLfAndByteOrderMark) {
  const std::string text = std::string("\xEF\xBB\xBF") + kHire + "\r\n" + kLeft + "\r\n";
  absl::StatusOr<std::vector<ParsedEvent>> events = ParseEvents(text, "f.jsonl");
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_EQ(events->size(), 2u);
}

TEST(ParseEvents, AcceptsLowerCamelCaseFieldNames) {
  absl::StatusOr<std::vector<ParsedEvent>> events = ParseEvents(
      R"({"eventId": "x", "occurredAt": "2024-11-25T09:00:00Z", "staff": {"employeeLeft": )"
      R"({"employeeId": "e1"}}})",
      "f.jsonl");
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_EQ((*events)[0].event.staff().employee_left().employee_id(), "e1");
}

TEST(ParseEvents, UnknownFieldIsAnErrorNamingFileLineAndField) {
  const std::string text =
      std::string(kHire) + "\n# comment\n" +
      R"({"event_id": "x", "staff": {"employee_left": {"employee_idd": "e1"}}})" + "\n" + kLeft +
      "\n";
  absl::StatusOr<std::vector<ParsedEvent>> events = ParseEvents(text, "f.jsonl");
  ASSERT_FALSE(events.ok());
  EXPECT_EQ(events.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(events.status().message(), HasSubstr("f.jsonl:3:"));
  EXPECT_THAT(events.status().message(), HasSubstr("employee_idd"));
}

TEST(ParseEvents, MalformedJsonLineIsAnError) {
  const std::string text = std::string(kHire) + "\n" + R"({"event_id": "x",)" + "\n";
  absl::StatusOr<std::vector<ParsedEvent>> events = ParseEvents(text, "f.jsonl");
  ASSERT_FALSE(events.ok());
  EXPECT_THAT(events.status().message(), HasSubstr("f.jsonl:2:"));
}

TEST(ParseEvents, PrettyPrintedEventOutsideAnArrayGetsAHint) {
  absl::StatusOr<std::vector<ParsedEvent>> events =
      ParseEvents("{\n  \"event_id\": \"a\"\n}\n", "f.jsonl");
  ASSERT_FALSE(events.ok());
  EXPECT_THAT(events.status().message(), HasSubstr("f.jsonl:1:"));
  EXPECT_THAT(events.status().message(), HasSubstr("put multi-line events in a JSON array"));
}

TEST(ParseEvents, WrongTypeAndBadTimestampAreErrors) {
  EXPECT_FALSE(ParseEvents(R"({"event_id": 17})", "f").ok());
  EXPECT_FALSE(ParseEvents(R"({"occurred_at": "yesterday"})", "f").ok());
  EXPECT_FALSE(
      ParseEvents(R"({"staff": {"unit_defined": {"unit": {"kind": "UNIT_KIND_CASTLE"}}}})", "f")
          .ok());
}

TEST(ParseEvents, JsonArrayAcrossLinesWithComments) {
  const std::string text = std::string("# two events\n[\n  ") + kHire + ",\n# the second\n  " +
                           kLeft + "\n]\n# trailing comment\n";
  absl::StatusOr<std::vector<ParsedEvent>> events = ParseEvents(text, "f.json");
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].location, "f.json:3 (array index 0)");
  EXPECT_EQ((*events)[1].location, "f.json:5 (array index 1)");
  EXPECT_EQ((*events)[1].event.event_id(), "l1");
}

TEST(ParseEvents, ArrayElementsMayHoldBracketsCommasAndEscapesInStrings) {
  const std::string text =
      R"([{"event_id": "a,]}[\"x\\", "occurred_at": "2024-11-25T09:00:00Z", )"
      R"("calendar": {"entry_upserted": {"subject": "Møde [intern], {lokale 2}"}}}, )"
      R"({"event_id": "b"}])";
  absl::StatusOr<std::vector<ParsedEvent>> events = ParseEvents(text, "f.json");
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].event.event_id(), "a,]}[\"x\\");
  EXPECT_EQ((*events)[0].event.calendar().entry_upserted().subject(), "Møde [intern], {lokale 2}");
  EXPECT_EQ((*events)[1].event.event_id(), "b");
}

TEST(ParseEvents, ArrayErrorNamesIndexAndLine) {
  const std::string text = std::string("[\n") + kHire + ",\n" + kLeft + ",\n" +
                           R"({"event_id": "c", "bogus": true})" + "\n]\n";
  absl::StatusOr<std::vector<ParsedEvent>> events = ParseEvents(text, "f.json");
  ASSERT_FALSE(events.ok());
  EXPECT_THAT(events.status().message(), HasSubstr("f.json:4 (array index 2)"));
  EXPECT_THAT(events.status().message(), HasSubstr("bogus"));
}

TEST(ParseEvents, BrokenArraysAreErrors) {
  EXPECT_THAT(ParseEvents(std::string("[\n") + kHire + ",\n", "f").status().message(),
              HasSubstr("unterminated"));
  EXPECT_THAT(ParseEvents(std::string("[") + kHire + ",]", "f").status().message(),
              HasSubstr("after ','"));
  EXPECT_THAT(ParseEvents(std::string("[") + kHire + "] x", "f").status().message(),
              HasSubstr("after the closing"));
  EXPECT_THAT(ParseEvents(R"([{"event_id": "a}])", "f").status().message(),
              HasSubstr("unterminated string"));
  EXPECT_THAT(ParseEvents("[1, 2]", "f").status().message(), HasSubstr("array index 0"));
  EXPECT_FALSE(ParseEvents("[{}}]", "f").ok());
}

TEST(ParseEvents, NoEventsIsAnError) {
  for (const char* text : {"", "\n\n", "# only a comment\n", "[]", "[\n# nothing\n]"}) {
    absl::StatusOr<std::vector<ParsedEvent>> events = ParseEvents(text, "f");
    ASSERT_FALSE(events.ok()) << text;
    EXPECT_THAT(events.status().message(), HasSubstr("no events")) << text;
  }
}

TEST(ReadEventFile, DashReadsStandardInput) {
  std::istringstream in(std::string(kHire) + "\n");
  absl::StatusOr<std::vector<ParsedEvent>> events = ReadEventFile("-", in);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].location, "<stdin>:1");
}

TEST(ReadEventFile, ReadsAFileAndNamesItInErrors) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir());
  const std::string path = (dir / "ctictl_event_file_test.jsonl").string();
  {
    std::ofstream file(path);
    file << kHire << "\n"
         << R"({"nope": 1})"
         << "\n";
  }
  std::istringstream unused;
  absl::StatusOr<std::vector<ParsedEvent>> events = ReadEventFile(path, unused);
  ASSERT_FALSE(events.ok());
  EXPECT_THAT(events.status().message(), HasSubstr(path + ":2:"));
  std::remove(path.c_str());

  events = ReadEventFile((dir / "does-not-exist.jsonl").string(), unused);
  ASSERT_FALSE(events.ok());
  EXPECT_EQ(events.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(ReadEventFile(dir.string(), unused).status().message(), HasSubstr("directory"));
}

// The sample files in clients/examples must stay valid against the .proto.
TEST(Examples, GoodFilesParse) {
  std::istringstream unused;
  for (const char* name : {"municipality.jsonl", "calls.json", "bad-events.jsonl"}) {
    absl::StatusOr<std::vector<ParsedEvent>> events =
        ReadEventFile(std::string(CTICTL_EXAMPLES_DIR) + "/" + name, unused);
    ASSERT_TRUE(events.ok()) << name << ": " << events.status();
    EXPECT_GE(events->size(), 6u) << name;
    for (const ParsedEvent& parsed : *events) {
      EXPECT_THAT(parsed.event.event_id(), Not(HasSubstr(" "))) << parsed.location;
    }
  }
}

TEST(Examples, MalformedFileFailsAtLineSeven) {
  std::istringstream unused;
  const std::string path = std::string(CTICTL_EXAMPLES_DIR) + "/malformed.jsonl";
  absl::StatusOr<std::vector<ParsedEvent>> events = ReadEventFile(path, unused);
  ASSERT_FALSE(events.ok());
  EXPECT_THAT(events.status().message(), HasSubstr("malformed.jsonl:7:"));
  EXPECT_THAT(events.status().message(), HasSubstr("first_name"));
}

}  // namespace
}  // namespace cti::ctictl
