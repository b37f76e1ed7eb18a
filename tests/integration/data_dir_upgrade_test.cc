// Data directories written by earlier versions (tests/golden/data_dirs/<version>/) served
// by today's ctid: it starts on an unpacked copy and gives the answers that version
// recorded, with the same state digest. Then the upgrade path: the copy's projections
// marked as written by the previous projection schema version, so that today's ctid
// rebuilds them from the log on start (projections/store.h, kSchemaVersion), and
// answers the same again.
//
// Every version folder is a test case of its own (INSTANTIATE below): the next format
// change checks in a new folder (make_golden_data_dir) and is covered without a change
// here.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/message_differencer.h"
#include "projections/internal/keys.h"
#include "projections/store.h"
#include "rocksdb/db.h"
#include "tests/integration/golden_data_dir.h"
#include "tests/support/child_process.h"
#include "tests/support/cti_client.h"
#include "tests/support/ctid_process.h"
#include "tests/support/subprocess.h"

#ifndef CTI_GOLDEN_DIR
#error "CTI_GOLDEN_DIR must name the tests/golden folder"
#endif

namespace cti::test_support::golden {
namespace {

// What ctid logs on start when it rebuilds its projections from the log (ctid_server.cc).
constexpr char kReplaying[] = "replaying the log from position 1";

std::string DataDirsRoot() { return std::string(CTI_GOLDEN_DIR) + "/data_dirs"; }

// The checked-in version folders, sorted.
std::vector<std::string> Versions() {
  std::vector<std::string> versions;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(DataDirsRoot(), error)) {
    if (entry.is_directory()) versions.push_back(entry.path().filename().string());
  }
  std::sort(versions.begin(), versions.end());
  return versions;
}

// Marks the current projection store of `data_dir` as written by projection schema
// version `version`, as a store of an older ctid looks (RocksDB directly; ctid is not
// running).
absl::Status SetProjectionVersion(const std::string& data_dir, uint32_t version) {
  const std::string current(
      absl::StripAsciiWhitespace(ReadWholeFile(data_dir + "/CURRENT_PROJECTIONS")));
  if (current.empty()) return absl::NotFoundError("no CURRENT_PROJECTIONS in " + data_dir);
  const std::string dir = data_dir + "/" + current;
  rocksdb::Options options;
  std::vector<std::string> families;
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(options, dir, &families);
  if (!s.ok()) return absl::InternalError(absl::StrCat(dir, ": ", s.ToString()));
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : families) descriptors.emplace_back(name, options);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  s = rocksdb::DB::Open(options, dir, descriptors, &handles, &raw);
  if (!s.ok()) return absl::InternalError(absl::StrCat(dir, ": ", s.ToString()));
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::ColumnFamilyHandle* meta = nullptr;
  const std::string meta_name(projections::internal::CfName(projections::internal::Cf::kMeta));
  for (rocksdb::ColumnFamilyHandle* handle : handles) {
    if (handle->GetName() == meta_name) meta = handle;
  }
  std::string encoded;
  projections::internal::AppendBigEndian32(&encoded, version);
  rocksdb::WriteOptions sync;
  sync.sync = true;
  s = meta == nullptr
          ? rocksdb::Status::NotFound("no meta column family")
          : db->Put(sync, meta, std::string(projections::internal::kMetaSchemaVersion), encoded);
  for (rocksdb::ColumnFamilyHandle* handle : handles) db->DestroyColumnFamilyHandle(handle);
  if (!s.ok()) return absl::InternalError(absl::StrCat(dir, ": ", s.ToString()));
  s = db->Close();
  if (!s.ok()) return absl::InternalError(absl::StrCat(dir, ": ", s.ToString()));
  return absl::OkStatus();
}

class DataDirUpgradeTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::string VersionDir() const { return DataDirsRoot() + "/" + GetParam(); }

  void SetUp() override {
    absl::StatusOr<std::vector<RecordedQuestion>> questions =
        ReadQuestions(VersionDir() + "/answers");
    ASSERT_TRUE(questions.ok()) << questions.status();
    questions_ = *std::move(questions);
    ASSERT_FALSE(questions_.empty());
    for (const RecordedQuestion& q : questions_) {
      if (q.name.find("-status-all") != std::string::npos) {
        recorded_status_ = static_cast<const cti::v1::GetStatusResponse&>(*q.response);
      }
    }
    ASSERT_GT(recorded_status_.applied_position(), 0u) << "no status-all answer recorded";
    clock_start_ =
        std::string(absl::StripAsciiWhitespace(ReadWholeFile(VersionDir() + "/clock_start")));
    ASSERT_FALSE(clock_start_.empty());

    // A copy of the checked-in directory: the test never writes to the source tree.
    work_dir_ = MakeTempDir("cti-test-upgrade-");
    ASSERT_FALSE(work_dir_.empty());
    absl::StatusOr<ProcessResult> tar =
        RunProcess({"/bin/tar", "-C", work_dir_, "-xzf", VersionDir() + "/data.tar.gz"});
    ASSERT_TRUE(tar.ok()) << tar.status();
    ASSERT_EQ(tar->exit_code, 0) << tar->err;
    ASSERT_TRUE(std::filesystem::is_directory(work_dir_ + "/data/log"));
  }

  void TearDown() override {
    ctid_.reset();
    if (!work_dir_.empty() && std::getenv("CTI_KEEP_TEST_DIRS") == nullptr) {
      std::error_code ignored;
      std::filesystem::remove_all(work_dir_, ignored);
    }
  }

  // Starts today's ctid on the unpacked copy, with the recorded clock.
  void StartCtid() {
    CtidOptions options;
    options.work_dir = work_dir_;
    options.extra_args = {"--clock-start", clock_start_};
    absl::StatusOr<std::unique_ptr<CtidProcess>> started = CtidProcess::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    ctid_ = *std::move(started);
  }

  // How often ctid rebuilt its projections on start (its log lines of every run of this
  // work dir).
  int Replays() const {
    const std::string err = ReadWholeFile(ctid_->stdout_path());
    int n = 0;
    for (size_t at = err.find(kReplaying); at != std::string::npos;
         at = err.find(kReplaying, at + 1)) {
      ++n;
    }
    return n;
  }
  bool Replayed() const { return Replays() > 0; }

  // Every recorded question answered as recorded; the state digest as recorded when
  // the projection schema version is the one that recorded it (a digest is of the
  // stored layout), else as a full Rebuild of today's makes it.
  void ExpectRecordedAnswers() {
    cti::v1::GetStatusRequest wait;
    wait.set_min_position(recorded_status_.applied_position());
    absl::StatusOr<std::unique_ptr<google::protobuf::Message>> caught_up =
        Ask(*ctid_, "status", wait);
    ASSERT_TRUE(caught_up.ok()) << caught_up.status();
    const bool same_layout =
        recorded_status_.projection_schema_version() == cti::projections::kSchemaVersion;

    for (const RecordedQuestion& q : questions_) {
      SCOPED_TRACE(absl::StrCat("answers/", q.name));
      absl::StatusOr<std::unique_ptr<google::protobuf::Message>> answer =
          Ask(*ctid_, q.kind, *q.request);
      ASSERT_TRUE(answer.ok()) << answer.status();
      google::protobuf::util::MessageDifferencer differ;
      if (q.kind == "status" && !same_layout) {
        // Today's layout: its own version and digest, checked against a Rebuild below.
        differ.IgnoreField(
            cti::v1::GetStatusResponse::descriptor()->FindFieldByName("projection_schema_version"));
        differ.IgnoreField(
            cti::v1::GetStatusResponse::descriptor()->FindFieldByName("state_digest"));
      }
      std::string diff;
      differ.ReportDifferencesToString(&diff);
      EXPECT_TRUE(differ.Compare(*q.response, **answer))
          << "today's answer differs from the recorded one:\n"
          << diff;
    }
    if (!same_layout) {
      CtiClient client(ctid_->Channel(Admin()));
      absl::StatusOr<cti::v1::GetStatusResponse> before = client.Status();
      ASSERT_TRUE(before.ok()) << before.status();
      absl::StatusOr<std::vector<cti::v1::RebuildProgress>> rebuilt = client.Rebuild();
      ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
      EXPECT_EQ(rebuilt->back().state_digest(), before->state_digest());
    }
  }

  std::vector<RecordedQuestion> questions_;
  cti::v1::GetStatusResponse recorded_status_;
  std::string clock_start_;
  std::string work_dir_;
  std::unique_ptr<CtidProcess> ctid_;
};

TEST_P(DataDirUpgradeTest, TodaysCtidServesTheRecordedAnswers) {
  ASSERT_NO_FATAL_FAILURE(StartCtid());
  if (recorded_status_.projection_schema_version() == cti::projections::kSchemaVersion) {
    EXPECT_FALSE(Replayed()) << "the projections of the same schema version were rebuilt";
  } else {
    EXPECT_TRUE(Replayed()) << "projections of schema version "
                            << recorded_status_.projection_schema_version()
                            << " were not rebuilt by a ctid of version "
                            << cti::projections::kSchemaVersion;
  }
  ASSERT_NO_FATAL_FAILURE(ExpectRecordedAnswers());
  EXPECT_TRUE(ctid_->Stop().ok());
}

// The previous projection version, upgraded: the store says an older schema version,
// so today's ctid wipes it and rebuilds from the log on start, then answers the same.
// (For a folder written by an older ctid this is what the test above does as well.)
TEST_P(DataDirUpgradeTest, PreviousProjectionVersionIsRebuiltOnStart) {
  ASSERT_GT(cti::projections::kSchemaVersion, 1u);
  ASSERT_TRUE(SetProjectionVersion(work_dir_ + "/data", cti::projections::kSchemaVersion - 1).ok());
  ASSERT_NO_FATAL_FAILURE(StartCtid());
  EXPECT_TRUE(Replayed()) << "ctid did not rebuild projections of schema version "
                          << cti::projections::kSchemaVersion - 1 << "; its log:\n"
                          << ReadWholeFile(ctid_->stdout_path());
  ASSERT_NO_FATAL_FAILURE(ExpectRecordedAnswers());
  // The rebuilt store is today's: a restart keeps it and answers the same.
  ASSERT_TRUE(ctid_->Stop().ok());
  ASSERT_TRUE(ctid_->Restart().ok());
  EXPECT_EQ(Replays(), 1) << "the rebuilt store was rebuilt again on restart";
  ASSERT_NO_FATAL_FAILURE(ExpectRecordedAnswers());
  EXPECT_TRUE(ctid_->Stop().ok());
}

// "0.1.0" -> "v0_1_0": test names allow letters, digits and '_' only.
std::string TestNameOf(const ::testing::TestParamInfo<std::string>& param) {
  std::string name = "v" + param.param;
  std::replace_if(
      name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); },
      '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(CheckedIn, DataDirUpgradeTest, ::testing::ValuesIn(Versions()),
                         TestNameOf);

TEST(DataDirUpgradeSuiteTest, ThereIsACheckedInDataDirectory) {
  EXPECT_FALSE(Versions().empty()) << "no folder under " << DataDirsRoot();
}

}  // namespace
}  // namespace cti::test_support::golden
