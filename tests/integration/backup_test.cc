// End-to-end: `ctictl backup` of a running ctid while appends go on, `ctictl restore`
// into a new data directory, and a second ctid on it: same log records 1..L byte for
// byte, projections at L, the same state digest. And what backup refuses.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "tests/support/ctid_fixture.h"
#include "tests/support/subprocess.h"

#ifndef CTICTL_PATH
#error "CTICTL_PATH must be defined by the build (the ctictl target's file)"
#endif

namespace cti::test_support {
namespace {

using ::testing::HasSubstr;

class BackupTest : public CtidTest {
 protected:
  void SetUp() override {
    CtidTest::SetUp();
    scratch_ = ctid().work_dir() + "/scratch";
    std::filesystem::create_directories(scratch_);
  }

  absl::StatusOr<ProcessResult> Ctictl(const std::vector<std::string>& args,
                                       const std::string& role = "admin") {
    std::vector<std::string> argv = {CTICTL_PATH, "--server", ctid().address(), "--tenant", kTenant,
                                     "--actor",   "it-drift", "--role",         role};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProcess(argv, absl::Seconds(120));
  }

  // Every record of `channel`'s log from position 1 to `until`.
  static std::vector<cti::v1::LogRecord> Records(CtiClient& client, uint64_t until) {
    absl::StatusOr<std::vector<cti::v1::LogRecord>> records =
        client.ReadRecordsResuming(SubscribeFrom(kTenant, 0), until, absl::Seconds(60));
    EXPECT_TRUE(records.ok()) << records.status();
    return records.ok() ? *std::move(records) : std::vector<cti::v1::LogRecord>();
  }

  std::string scratch_;
};

TEST_F(BackupTest, BackupWhileAppendingRestoresToTheSameStateAndRecords) {
  const uint64_t organisation = AppendAll(DemoOrganisation(factory_));
  ASSERT_GT(organisation, 0u);

  // Appends go on from another client throughout the backup.
  std::atomic<bool> stop{false};
  std::map<std::string, uint64_t> acknowledged;  // event_id -> position (writer thread)
  std::atomic<uint64_t> last_acknowledged{organisation};
  std::thread writer([&] {
    CtiClient client(ctid().Channel(Admin()));
    EventFactory calls(kTenant, "bg");
    for (int i = 0; !stop.load(); ++i) {
      cti::v1::Event event = calls.CallOffered(absl::StrCat("bg-", i, "@pbx"), "+4520304050");
      absl::StatusOr<cti::v1::AppendResponse> r = client.Append(event);
      if (!r.ok()) continue;  // not acknowledged: promises nothing
      acknowledged[event.event_id()] = r->position();
      last_acknowledged = r->position();
    }
  });
  while (last_acknowledged.load() < organisation + 200) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const std::string backup_dir = scratch_ + "/backup-1";
  const uint64_t before = last_acknowledged.load();
  absl::StatusOr<ProcessResult> backup = Ctictl({"backup", "--to", backup_dir, "--json"});
  const uint64_t after = last_acknowledged.load();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  stop = true;
  writer.join();
  ASSERT_TRUE(backup.ok()) << backup.status();
  ASSERT_EQ(backup->exit_code, 0) << backup->err;
  cti::v1::BackupResponse made;
  google::protobuf::util::JsonParseOptions parse;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(backup->out, &made, parse).ok())
      << backup->out;
  const uint64_t cut = made.log_end_position();
  std::cerr << "backup: L=" << cut << " (appends acknowledged before " << before << ", after "
            << after << "), " << made.files() << " files, " << made.bytes() << " bytes, "
            << made.duration().seconds() * 1000 + made.duration().nanos() / 1000000
            << " ms, projector paused "
            << made.projector_paused().seconds() * 1000 + made.projector_paused().nanos() / 1000000
            << " ms\n";
  EXPECT_GE(cut, before);
  EXPECT_GT(last_acknowledged.load(), cut) << "appends did not go on after the cut";
  EXPECT_EQ(made.applied_position(), cut);
  EXPECT_EQ(made.state_digest().size(), 64u);

  // Nothing acknowledged is lost from the original.
  absl::StatusOr<cti::v1::GetStatusResponse> original = client().Status(last_acknowledged.load());
  ASSERT_TRUE(original.ok()) << original.status();
  const std::vector<cti::v1::LogRecord> original_records =
      Records(client(), original->log_end_position());
  ASSERT_EQ(original_records.size(), original->log_end_position());
  std::map<std::string, uint64_t> in_log;
  for (const cti::v1::LogRecord& record : original_records) {
    in_log[record.event().event_id()] = record.position();
  }
  for (const auto& [event_id, position] : acknowledged) {
    EXPECT_EQ(in_log[event_id], position) << event_id;
  }

  // Restore into a new data directory and start a second ctid on it.
  const std::string restored_work = scratch_ + "/restored";
  absl::StatusOr<ProcessResult> restore = RunProcess(
      {CTICTL_PATH, "restore", "--from", backup_dir, "--data-dir", restored_work + "/data"},
      absl::Seconds(120));
  ASSERT_TRUE(restore.ok()) << restore.status();
  ASSERT_EQ(restore->exit_code, 0) << restore->err;
  EXPECT_THAT(restore->out, HasSubstr(absl::StrCat("restored the backup of log records 1..", cut)));
  CtidOptions second_options;
  second_options.work_dir = restored_work;
  absl::StatusOr<std::unique_ptr<CtidProcess>> second = CtidProcess::Start(second_options);
  ASSERT_TRUE(second.ok()) << second.status();
  {
    CtiClient restored((*second)->Channel(Admin()));
    absl::StatusOr<cti::v1::GetStatusResponse> status = restored.Status();
    ASSERT_TRUE(status.ok()) << status.status();
    EXPECT_EQ(status->log_end_position(), cut);
    EXPECT_EQ(status->applied_position(), cut);
    EXPECT_EQ(status->state_digest(), made.state_digest());

    // Records 1..L are the original's, byte for byte (ids, positions, recorded_at).
    const std::vector<cti::v1::LogRecord> restored_records = Records(restored, cut);
    ASSERT_EQ(restored_records.size(), cut);
    for (uint64_t i = 0; i < cut; ++i) {
      ASSERT_EQ(restored_records[i].position(), original_records[i].position());
      ASSERT_EQ(restored_records[i].event().SerializeAsString(),
                original_records[i].event().SerializeAsString())
          << "position " << i + 1;
      ASSERT_EQ(restored_records[i].outcome().SerializeAsString(),
                original_records[i].outcome().SerializeAsString())
          << "position " << i + 1;
    }
    // The restored server serves and goes on from L.
    absl::StatusOr<cti::v1::AppendResponse> next =
        restored.Append(factory_.CallOffered("after-restore@pbx", "+4520304050"));
    ASSERT_TRUE(next.ok()) << next.status();
    EXPECT_EQ(next->position(), cut + 1);
  }
  EXPECT_TRUE((*second)->Stop().ok());

  // A second restore into the now used data directory is refused.
  absl::StatusOr<ProcessResult> again = RunProcess(
      {CTICTL_PATH, "restore", "--from", backup_dir, "--data-dir", restored_work + "/data"});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->exit_code, 2);
  EXPECT_THAT(again->err, HasSubstr("not an empty directory"));
}

TEST_F(BackupTest, RefusesAnExistingOrRelativeDirectoryNamingTheField) {
  AppendAll(DemoOrganisation(factory_));
  const std::string taken = scratch_ + "/taken";
  std::filesystem::create_directories(taken);
  absl::StatusOr<ProcessResult> existing = Ctictl({"backup", "--to", taken});
  ASSERT_TRUE(existing.ok()) << existing.status();
  EXPECT_EQ(existing->exit_code, 1);
  EXPECT_THAT(existing->err, HasSubstr("INVALID_ARGUMENT: directory: "));
  EXPECT_THAT(existing->err, HasSubstr("already exists"));
  EXPECT_TRUE(std::filesystem::is_empty(taken));

  absl::StatusOr<ProcessResult> relative = Ctictl({"backup", "--to", "backups/b1"});
  ASSERT_TRUE(relative.ok()) << relative.status();
  EXPECT_EQ(relative->exit_code, 1);
  EXPECT_THAT(relative->err, HasSubstr("INVALID_ARGUMENT: directory: must be an absolute path"));
}

TEST_F(BackupTest, RefusesANonAdmin) {
  const std::string dir = scratch_ + "/backup-reception";
  absl::StatusOr<ProcessResult> refused = Ctictl({"backup", "--to", dir}, "reception");
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_EQ(refused->exit_code, 1);
  EXPECT_THAT(refused->err, HasSubstr("PERMISSION_DENIED"));
  EXPECT_FALSE(std::filesystem::exists(dir));
}

}  // namespace
}  // namespace cti::test_support
