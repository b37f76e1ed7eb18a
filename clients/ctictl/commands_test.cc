// Drives ctictl's commands against an in-process fake of ctid (fake_ctid.h).
#include "commands.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "exit_codes.h"
#include "fake_ctid.h"

namespace cti::ctictl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using CommandsTest = fake::FakeCtidTest;

constexpr char kThreeEvents[] =
    "{\"event_id\": \"a\", \"staff\": {\"employee_left\": {\"employee_id\": \"e1\"}}}\n"
    "# a comment\n"
    "{\"event_id\": \"dup-b\", \"tenant\": \"other\"}\n"
    "{\"event_id\": \"c\"}\n";

TEST_F(CommandsTest, AppendSendsEveryEventInOrderWithIdentityAndTenant) {
  Connection connection(options_);
  std::istringstream in(kThreeEvents);
  EXPECT_EQ(RunAppend(connection, {"-", false, false}, in, out_, err_), kExitOk) << err_.str();
  ASSERT_EQ(events_.received.size(), 3u);
  EXPECT_EQ(events_.received[0].event_id(), "a");
  EXPECT_EQ(events_.received[0].tenant(), "demo");
  EXPECT_EQ(events_.received[1].tenant(), "other");
  EXPECT_EQ(events_.received[2].event_id(), "c");
  EXPECT_EQ(events_.actor, "tester");
  EXPECT_EQ(events_.role, "reception");
  EXPECT_EQ(out_.str(),
            "<stdin>:1  position 101  event_id a\n"
            "<stdin>:3  position 102  event_id dup-b  duplicate\n"
            "<stdin>:4  position 103  event_id c\n"
            "appended 3 of 3 events (1 already present)\n");
}

TEST_F(CommandsTest, AppendStopsAtFirstRefusal) {
  Connection connection(options_);
  std::istringstream in(
      "{\"event_id\": \"a\"}\n{\"event_id\": \"refuse\"}\n{\"event_id\": \"c\"}\n");
  EXPECT_EQ(RunAppend(connection, {"-", false, false}, in, out_, err_), kExitServerRefused);
  EXPECT_EQ(events_.received.size(), 2u);
  EXPECT_THAT(err_.str(), HasSubstr("<stdin>:2 (event 2 of 3): INVALID_ARGUMENT: "
                                    "employee.full_name: required"));
  EXPECT_THAT(out_.str(), Not(HasSubstr("event_id c")));
}

TEST_F(CommandsTest, AppendContinuesOnErrorButStillFails) {
  Connection connection(options_);
  std::istringstream in("{\"event_id\": \"refuse\"}\n{\"event_id\": \"b\"}\n");
  EXPECT_EQ(RunAppend(connection, {"-", true, true}, in, out_, err_), kExitServerRefused);
  EXPECT_EQ(events_.received.size(), 2u);
  EXPECT_THAT(out_.str(),
              HasSubstr("{\"location\":\"<stdin>:1\",\"index\":0,\"error\":{\"code\":"
                        "\"INVALID_ARGUMENT\",\"message\":\"employee.full_name: required\"}}\n"));
  EXPECT_THAT(out_.str(), HasSubstr("{\"location\":\"<stdin>:2\",\"index\":1,\"response\":{"
                                    "\"position\":\"101\",\"event_id\":\"b\""));
}

TEST_F(CommandsTest, AppendSendsNothingFromABadFile) {
  Connection connection(options_);
  std::istringstream in("{\"event_id\": \"a\"}\n{\"event_id\": \"b\", \"oops\": 1}\n");
  EXPECT_EQ(RunAppend(connection, {"-", false, false}, in, out_, err_), kExitBadInput);
  EXPECT_TRUE(events_.received.empty());
  EXPECT_THAT(err_.str(), HasSubstr("<stdin>:2"));
  EXPECT_THAT(err_.str(), HasSubstr("nothing was sent"));
}

TEST_F(CommandsTest, StatusJsonHasPositionDigestAndSendsRoleAndTenant) {
  Connection connection(options_);
  EXPECT_EQ(RunStatus(connection, {true}, out_, err_), kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr("\"log_end_position\":\"42\""));
  EXPECT_THAT(out_.str(), HasSubstr("\"state_digest\":\"c0ffee\""));
  EXPECT_EQ(admin_.role, "reception");
  EXPECT_EQ(admin_.tenant, "demo");
}

TEST_F(CommandsTest, SlowServerIsExitThree) {
  admin_.delay = std::chrono::milliseconds(1500);
  options_.timeout_seconds = 0.2;
  Connection connection(options_);
  EXPECT_EQ(RunStatus(connection, {false}, out_, err_), kExitUnreachable);
  EXPECT_THAT(err_.str(), HasSubstr("DEADLINE_EXCEEDED"));
}

TEST_F(CommandsTest, UnreachableServerIsExitThree) {
  server_->Shutdown(std::chrono::system_clock::now());
  server_->Wait();
  options_.timeout_seconds = 2;
  Connection connection(options_);
  EXPECT_EQ(RunStatus(connection, {false}, out_, err_), kExitUnreachable);
  EXPECT_THAT(err_.str(), HasSubstr("ctictl: status: UNAVAILABLE"));
}

TEST_F(CommandsTest, SearchSendsKindAndQueryAndHidesUnlistedNumber) {
  Connection connection(options_);
  SearchOptions options;
  options.words = {"mette", "løv"};
  options.kind = "employee";
  options.limit = 5;
  EXPECT_EQ(RunSearch(connection, options, out_, err_), kExitOk);
  EXPECT_EQ(directory_.last_search.query(), "mette løv");
  EXPECT_EQ(directory_.last_search.kind(), cti::v1::SEARCH_KIND_EMPLOYEE);
  EXPECT_EQ(directory_.last_search.limit(), 5u);
  EXPECT_THAT(out_.str(), HasSubstr("Mette Løvgren"));
  EXPECT_THAT(out_.str(), HasSubstr("(unlisted)"));
}

TEST_F(CommandsTest, ShowNotFoundIsExitOneWithCodeAndMessage) {
  Connection connection(options_);
  EXPECT_EQ(RunShow(connection, {false, "e17", false}, out_, err_), kExitServerRefused);
  EXPECT_EQ(err_.str(), "ctictl: show employee e17: NOT_FOUND: employee_id 'e17' not found\n");
}

TEST_F(CommandsTest, RebuildPrintsProgressAndDigest) {
  Connection connection(options_);
  std::ostringstream progress;
  EXPECT_EQ(RunRebuild(connection, {false, false}, out_, progress), kExitOk);
  EXPECT_EQ(out_.str(), "rebuilt 300 records\nstate digest beef42\n");
  EXPECT_THAT(progress.str(), HasSubstr("rebuild: 100/300"));
  EXPECT_THAT(progress.str(), HasSubstr("rebuild: 300/300  100.0%  5000 rec/s\n"));
}

TEST_F(CommandsTest, RebuildRefusedOrUnfinishedIsExitOne) {
  Connection connection(options_);
  admin_.finish_rebuild = false;
  EXPECT_EQ(RunRebuild(connection, {false, false}, out_, err_), kExitServerRefused);
  EXPECT_THAT(err_.str(), HasSubstr("before the rebuild was done"));
  admin_.refuse_rebuild = true;
  EXPECT_EQ(RunRebuild(connection, {false, false}, out_, err_), kExitServerRefused);
  EXPECT_THAT(err_.str(), HasSubstr("FAILED_PRECONDITION: a rebuild is running"));
  EXPECT_EQ(out_.str(), "");
}

}  // namespace
}  // namespace cti::ctictl
