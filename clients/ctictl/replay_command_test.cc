// `ctictl replay` against an in-process fake of ctid (fake_ctid.h): the request made of
// the flags, the lines and JSON lines printed, the summary, refusals.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "absl/strings/str_split.h"
#include "commands.h"
#include "exit_codes.h"
#include "fake_ctid.h"

namespace cti::ctictl {
namespace {

using ::testing::HasSubstr;
using ReplayTest = fake::FakeCtidTest;

TEST_F(ReplayTest, PrintsEveryRecordAndASummary) {
  Connection connection(options_);
  ReplayOptions options;
  options.from = "2";
  options.to = "6";
  options.kinds = {"staff.employee_left"};
  options.unit_id = "ydelse";
  options.actor_id = "anna";
  options.rejected_only = true;
  audit_.first = 2;
  audit_.last = 6;
  ASSERT_EQ(RunReplay(connection, options, out_, err_), kExitOk) << err_.str();
  ASSERT_EQ(audit_.requests.size(), 1u);
  const cti::v1::ReplayRequest& sent = audit_.requests[0];
  EXPECT_EQ(sent.tenant(), "demo");
  EXPECT_EQ(sent.from_position(), 2u);
  EXPECT_EQ(sent.to_position(), 6u);
  EXPECT_FALSE(sent.has_from_time());
  EXPECT_THAT(sent.kinds(), ::testing::ElementsAre("staff.employee_left"));
  EXPECT_EQ(sent.unit_id(), "ydelse");
  EXPECT_EQ(sent.actor_id(), "anna");
  EXPECT_TRUE(sent.rejected_only());

  const std::vector<std::string> lines = absl::StrSplit(out_.str(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 5u) << out_.str();
  EXPECT_THAT(lines[0], HasSubstr("#2 "));
  EXPECT_THAT(lines[0], HasSubstr("staff/employee_left"));
  EXPECT_THAT(lines[0], HasSubstr("employee_id=e2"));
  EXPECT_THAT(lines[4], HasSubstr("#6 "));
  // Not a terminal: one summary line, the whole range scanned.
  EXPECT_THAT(err_.str(), HasSubstr("replay: positions 6/6  100.0%  5 records"));
}

TEST_F(ReplayTest, TimesGoAsInstantsAndJsonIsOneRecordPerLine) {
  Connection connection(options_);
  ReplayOptions options;
  options.from = "2024-03-01T10:00";  // local (Copenhagen, UTC+1)
  options.to = "2024-03-01T10:00:30Z";
  options.json = true;
  audit_.last = 3;
  ASSERT_EQ(RunReplay(connection, options, out_, err_), kExitOk) << err_.str();
  const cti::v1::ReplayRequest& sent = audit_.requests[0];
  EXPECT_EQ(sent.from_time().seconds(), 1709283600);  // 09:00 UTC
  EXPECT_EQ(sent.to_time().seconds(), 1709287230);
  EXPECT_EQ(sent.from_position(), 0u);
  const std::vector<std::string> lines = absl::StrSplit(out_.str(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u) << out_.str();
  EXPECT_THAT(lines[0], HasSubstr("\"position\":\"1\""));
  EXPECT_THAT(lines[2], HasSubstr("\"employee_id\":\"e3\""));
}

TEST_F(ReplayTest, RefusalsSayWhat) {
  Connection connection(options_);
  ReplayOptions options;
  options.from = "yesterday-ish";
  EXPECT_EQ(RunReplay(connection, options, out_, err_), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--from"));
  EXPECT_TRUE(audit_.requests.empty());

  err_.str("");
  options.from.clear();
  options.families = {"weather"};
  EXPECT_EQ(RunReplay(connection, options, out_, err_), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("unknown family 'weather'"));

  err_.str("");
  options.families.clear();
  audit_.refuse = true;
  EXPECT_NE(RunReplay(connection, options, out_, err_), kExitOk);
  EXPECT_THAT(err_.str(), HasSubstr("INVALID_ARGUMENT"));
  EXPECT_THAT(err_.str(), HasSubstr("kinds[0]"));
}

}  // namespace
}  // namespace cti::ctictl
