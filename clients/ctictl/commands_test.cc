// Drives ctictl's commands against an in-process fake of ctid (fake_ctid.h).
#include "commands.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

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

TEST_F(CommandsTest, BackupSendsDirectoryAndPrintsWhatTheBackupHolds) {
  Connection connection(options_);
  EXPECT_EQ(RunBackup(connection, {"/srv/backup/1", false}, out_, err_), kExitOk) << err_.str();
  EXPECT_EQ(admin_.backup_directory, "/srv/backup/1");
  EXPECT_EQ(admin_.role, "reception");
  EXPECT_EQ(out_.str(),
            "backup written to /srv/backup/1 (on the server's machine)\n"
            "log records 1..42, projections at 42\n"
            "state digest c0ffee\n"
            "12 files, 3.0 MiB, 0.25 s (projector paused 4 ms)\n"
            "restore with: ctictl restore --from /srv/backup/1 --data-dir NEW_DIR\n");
}

TEST_F(CommandsTest, BackupRefusedIsExitOneNamingTheField) {
  Connection connection(options_);
  EXPECT_EQ(RunBackup(connection, {"relative/dir", false}, out_, err_), kExitServerRefused);
  EXPECT_THAT(err_.str(), HasSubstr("ctictl: backup: INVALID_ARGUMENT: directory: must be an "
                                    "absolute path"));
  EXPECT_EQ(out_.str(), "");
}

// A backup directory as the server writes one (files only; restore reads no database).
class RestoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/ctictl-restore-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
    backup_ = root_ / "backup";
    std::filesystem::create_directories(backup_ / "log");
    std::filesystem::create_directories(backup_ / "projections-1");
    Write(backup_ / "log" / "000009.sst", "log table");
    Write(backup_ / "projections-1" / "CURRENT", "MANIFEST-000001\n");
    Write(backup_ / "CURRENT_PROJECTIONS", "projections-1\n");
    Write(backup_ / "LOG_IDENTITY", "embedded\n");
    Write(backup_ / kBackupManifest,
          "{\"directory\": \"/srv/b\", \"log_end_position\": \"42\", "
          "\"applied_position\": \"42\", \"state_digest\": \"c0ffee\", "
          "\"log_backend\": \"embedded\", \"from_a_newer_server\": 1}");
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  static void Write(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path) << text;
  }
  static std::string Read(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  std::filesystem::path root_;
  std::filesystem::path backup_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(RestoreTest, CopiesEveryFileIntoANewDataDirectory) {
  const std::string target = (root_ / "new" / "data").string();
  EXPECT_EQ(RunRestore({backup_.string(), target, false}, out_, err_), kExitOk) << err_.str();
  EXPECT_EQ(Read(root_ / "new" / "data" / "log" / "000009.sst"), "log table");
  EXPECT_EQ(Read(root_ / "new" / "data" / "CURRENT_PROJECTIONS"), "projections-1\n");
  EXPECT_EQ(Read(root_ / "new" / "data" / "projections-1" / "CURRENT"), "MANIFEST-000001\n");
  EXPECT_FALSE(std::filesystem::exists(target + ".restoring"));
  EXPECT_THAT(out_.str(), HasSubstr("restored the backup of log records 1..42 (state digest "
                                    "c0ffee) into " +
                                    target));
}

TEST_F(RestoreTest, AnEmptyTargetDirectoryIsFilled) {
  std::filesystem::create_directories(root_ / "empty");
  EXPECT_EQ(RunRestore({backup_.string(), (root_ / "empty").string(), false}, out_, err_), kExitOk)
      << err_.str();
  EXPECT_EQ(Read(root_ / "empty" / "LOG_IDENTITY"), "embedded\n");
}

TEST_F(RestoreTest, RefusesANonEmptyTarget) {
  std::filesystem::create_directories(root_ / "used");
  Write(root_ / "used" / "keep", "mine");
  EXPECT_EQ(RunRestore({backup_.string(), (root_ / "used").string(), false}, out_, err_),
            kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--data-dir " + (root_ / "used").string() +
                                    ": exists and is not an empty directory"));
  EXPECT_EQ(Read(root_ / "used" / "keep"), "mine");
  EXPECT_FALSE(std::filesystem::exists(root_ / "used" / "log"));
}

TEST_F(RestoreTest, RefusesADirectoryWithoutAManifest) {
  std::filesystem::remove(backup_ / kBackupManifest);
  EXPECT_EQ(RunRestore({backup_.string(), (root_ / "new").string(), false}, out_, err_),
            kExitBadInput);
  EXPECT_THAT(err_.str(), HasSubstr("has no BACKUP.json"));
  EXPECT_FALSE(std::filesystem::exists(root_ / "new"));
}

TEST_F(RestoreTest, RefusesABackupMissingAPart) {
  std::filesystem::remove_all(backup_ / "projections-1");
  EXPECT_EQ(RunRestore({backup_.string(), (root_ / "new").string(), false}, out_, err_),
            kExitBadInput);
  EXPECT_THAT(err_.str(), HasSubstr("has no directory \"projections-1\""));
}

}  // namespace
}  // namespace cti::ctictl
