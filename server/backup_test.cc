// AdminService.Backup in process: a consistent cut while appends go on (the backup's log
// ends at L, its projections are at L with the digest answered), who may ask, which
// directories are refused, and the in-memory log's answer.
#include "server/backup.h"

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/store.h"
#include "server/file_util.h"
#include "server/log/embedded_log.h"
#include "server/privacy/key_vault.h"
#include "server/privacy/sealer.h"
#include "server/testing/server_fixture.h"

namespace cti::server {
namespace {

using testing::Administration;
using testing::CallOffered;
using testing::FixtureOptions;
using ::testing::HasSubstr;
using testing::Hire;
using testing::IsOk;
using testing::NewContext;
using testing::ServerFixture;
using testing::TempDir;

FixtureOptions Embedded() {
  FixtureOptions options;
  options.embedded_log = true;
  return options;
}

grpc::Status Backup(ServerFixture& fixture, const std::string& directory,
                    cti::v1::BackupResponse* response, const std::string& role = "admin") {
  cti::v1::BackupRequest request;
  request.set_directory(directory);
  std::unique_ptr<grpc::ClientContext> context = NewContext(false, absl::Seconds(60));
  context->AddMetadata("x-cti-actor", "it-drift");
  context->AddMetadata("x-cti-role", role);
  return fixture.admin().Backup(context.get(), request, response);
}

TEST(Backup, IsAConsistentCutWhileAppendsGoOn) {
  ServerFixture fixture(Embedded());
  cti::v1::AppendResponse appended;
  ASSERT_TRUE(IsOk(fixture.Append(Administration("adm", "Borger og Arbejdsmarked"), &appended)));
  ASSERT_TRUE(IsOk(fixture.Append(Hire("e1", "Anna Holm", "adm"), &appended)));
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> acknowledged{0};
  std::thread writer([&] {
    for (int i = 0; !stop.load(); ++i) {
      cti::v1::AppendResponse response;
      if (fixture.Append(CallOffered(absl::StrCat("call-", i)), &response).ok()) {
        acknowledged = response.position();
      }
    }
  });
  while (acknowledged.load() < 50) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  TempDir backups;
  const std::string dir = backups.path() + "/b1";
  cti::v1::BackupResponse response;
  const uint64_t before = acknowledged.load();
  const grpc::Status status = Backup(fixture, dir, &response);
  const uint64_t during = acknowledged.load();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  stop = true;
  writer.join();
  ASSERT_TRUE(IsOk(status));
  EXPECT_EQ(response.directory(), dir);
  // The cut holds every append acknowledged before the backup was asked for.
  EXPECT_GE(response.log_end_position(), before);
  EXPECT_LE(response.log_end_position(), during + 1);
  EXPECT_EQ(response.applied_position(), response.log_end_position());
  EXPECT_EQ(response.state_digest().size(), 64u);
  EXPECT_GT(response.files(), 0u);
  EXPECT_GT(response.bytes(), 0u);
  EXPECT_EQ(response.log_backend(), "embedded");
  EXPECT_TRUE(std::filesystem::exists(dir + "/BACKUP.json"));
  EXPECT_EQ(*ReadFile(dir + "/CURRENT_PROJECTIONS"), "projections-1\n");
  EXPECT_EQ(*ReadFile(dir + "/LOG_IDENTITY"), "embedded\n");

  // The parts, opened as ctid would: the log ends at L, the projections are at L with
  // the digest answered.
  cti::SimulatedClock clock(absl::FromUnixSeconds(1709280000));
  absl::StatusOr<std::unique_ptr<cti::log::EmbeddedLog>> log =
      cti::log::EmbeddedLog::Open(dir + "/log", &clock);
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_EQ(*(*log)->EndPosition(0), response.log_end_position());
  absl::StatusOr<std::unique_ptr<cti::projections::Store>> store =
      cti::projections::Store::Open(dir + "/projections-1");
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->AppliedPosition(0), response.log_end_position());
  EXPECT_EQ(*(*store)->Digest(), response.state_digest());
  // The keys of the sealed personal data (callers' numbers) are in the backup: every
  // record of the copy opens with them.
  absl::StatusOr<std::unique_ptr<privacy::KeyVault>> vault = privacy::KeyVault::Open(dir + "/keys");
  ASSERT_TRUE(vault.ok()) << vault.status();
  absl::StatusOr<std::unique_ptr<cti::log::LogReader>> reader = (*log)->OpenReader(0, 1);
  ASSERT_TRUE(reader.ok()) << reader.status();
  absl::StatusOr<std::vector<cti::v1::LogRecord>> records =
      (*reader)->Next(response.log_end_position(), absl::ZeroDuration());
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), response.log_end_position());
  int sealed = 0;
  for (cti::v1::LogRecord& record : *records) {
    if (!record.event().has_personal()) continue;
    ++sealed;
    absl::StatusOr<privacy::OpenResult> opened = privacy::Open(**vault, record.mutable_event());
    ASSERT_TRUE(opened.ok()) << opened.status();
    EXPECT_EQ(*opened, privacy::OpenResult::kOpened) << "position " << record.position();
    if (record.event().call().has_offered()) {
      EXPECT_EQ(record.event().call().offered().caller_number(), "+4512345678");
    }
  }
  EXPECT_GT(sealed, 0) << "the calls' numbers are sealed in the log";

  // The live server went on past L and still serves.
  EXPECT_GT(fixture.Status(acknowledged.load()).applied_position(), response.log_end_position());
}

TEST(Backup, NeedsTheAdminRole) {
  ServerFixture fixture(Embedded());
  TempDir backups;
  const std::string dir = backups.path() + "/b1";
  cti::v1::BackupResponse response;
  const grpc::Status status = Backup(fixture, dir, &response, "reception");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(), HasSubstr("ROLE_RECEPTION"));
  EXPECT_THAT(status.error_message(), HasSubstr("it is for ROLE_ADMIN, ROLE_SYSTEM"));
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST(Backup, RefusesDirectoriesNamingTheField) {
  ServerFixture fixture(Embedded());
  TempDir backups;
  cti::v1::BackupResponse response;
  for (const std::string& dir :
       {std::string(), std::string("relative/b1"), backups.path(), backups.path() + "/no/parent"}) {
    const grpc::Status status = Backup(fixture, dir, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << dir;
    EXPECT_THAT(status.error_message(), HasSubstr("directory: ")) << dir;
  }
  EXPECT_TRUE(std::filesystem::is_empty(backups.path()));
}

TEST(Backup, OneAfterAnotherBothSucceed) {
  ServerFixture fixture(Embedded());
  cti::v1::AppendResponse appended;
  ASSERT_TRUE(IsOk(fixture.Append(Administration("adm", "Borger og Arbejdsmarked"), &appended)));
  TempDir backups;
  cti::v1::BackupResponse first;
  cti::v1::BackupResponse second;
  ASSERT_TRUE(IsOk(Backup(fixture, backups.path() + "/b1", &first)));
  ASSERT_TRUE(IsOk(Backup(fixture, backups.path() + "/b2", &second)));
  EXPECT_EQ(first.log_end_position(), 1u);
  EXPECT_EQ(second.state_digest(), first.state_digest());
  EXPECT_EQ(fixture.Status().state_digest(), first.state_digest());
}

TEST(Backup, TheMemoryLogHasNothingToBackUpAndLeavesNothing) {
  ServerFixture fixture;  // a MemoryLog
  TempDir backups;
  const std::string dir = backups.path() + "/b1";
  cti::v1::BackupResponse response;
  const grpc::Status status = Backup(fixture, dir, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_THAT(status.error_message(), HasSubstr("only the embedded log can be backed up"));
  EXPECT_FALSE(std::filesystem::exists(dir));
  // The projector was resumed.
  cti::v1::AppendResponse appended;
  ASSERT_TRUE(IsOk(fixture.Append(Administration("adm", "Borger og Arbejdsmarked"), &appended)));
  EXPECT_EQ(fixture.Status(appended.position()).applied_position(), appended.position());
}

}  // namespace
}  // namespace cti::server
