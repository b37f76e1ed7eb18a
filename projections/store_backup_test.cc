// CheckpointStore: a copy that opens at the same applied position with the same digest,
// on the same filesystem (hard links) and on another one (copies); bulk-load writes
// (no write-ahead log) are in it; an existing target is refused.
#include "projections/store_backup.h"

#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "projections/projector.h"
#include "projections/store.h"
#include "projections/testing/test_util.h"

namespace cti::projections {
namespace {

using testing::ProjectionTest;

class StoreBackupTest : public ProjectionTest {
 protected:
  // Opens the copy at `dir` and expects it equal to the live store.
  void ExpectSameAsLive(const std::string& dir) {
    absl::StatusOr<std::unique_ptr<Store>> copy = Store::Open(dir);
    ASSERT_TRUE(copy.ok()) << copy.status();
    EXPECT_FALSE((*copy)->was_reset());
    EXPECT_EQ((*copy)->AppliedPosition(0), store_->AppliedPosition(0));
    EXPECT_EQ((*copy)->records_applied(), store_->records_applied());
    absl::StatusOr<std::string> copied = (*copy)->Digest();
    absl::StatusOr<std::string> live = store_->Digest();
    ASSERT_TRUE(copied.ok()) << copied.status();
    ASSERT_TRUE(live.ok()) << live.status();
    EXPECT_EQ(*copied, *live);
  }
};

TEST_F(StoreBackupTest, CopyOpensAtTheSamePositionWithTheSameDigest) {
  DefineOrganisation();
  ASSERT_EQ(store_->AppliedPosition(0), 5u);
  const std::string dir = dir_.Sub("backup");
  ASSERT_TRUE(CheckpointStore(*store_, dir).ok());
  ExpectSameAsLive(dir);
  // The live store goes on; the copy stays where it was.
  ApplyAll({testing::Hire("e3", "Carl Dam", "skat", "4713")});
  absl::StatusOr<std::unique_ptr<Store>> copy = Store::Open(dir);
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_EQ((*copy)->AppliedPosition(0), 5u);
  EXPECT_EQ(store_->AppliedPosition(0), 6u);
}

TEST_F(StoreBackupTest, HoldsWritesOfABulkLoad) {
  ASSERT_TRUE(store_->BeginBulkLoad().ok());
  DefineOrganisation();  // written without the write-ahead log
  const std::string dir = dir_.Sub("backup");
  ASSERT_TRUE(CheckpointStore(*store_, dir).ok());
  ASSERT_TRUE(store_->EndBulkLoad().ok());
  ExpectSameAsLive(dir);
}

TEST_F(StoreBackupTest, CopiesToAnotherFilesystem) {
  // /dev/shm is a tmpfs on Linux: hard links from the test's directory fail there.
  struct stat shm {};
  struct stat here {};
  if (stat("/dev/shm", &shm) != 0 || stat(dir_.path().c_str(), &here) != 0 ||
      shm.st_dev == here.st_dev) {
    GTEST_SKIP() << "no second filesystem at /dev/shm";
  }
  DefineOrganisation();
  char pattern[] = "/dev/shm/cti-store-backup-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  const std::string dir = std::string(pattern) + "/backup";
  absl::Status copied = CheckpointStore(*store_, dir);
  ASSERT_TRUE(copied.ok()) << copied;
  ExpectSameAsLive(dir);
  std::filesystem::remove_all(pattern);
}

TEST_F(StoreBackupTest, RefusesAnExistingDirectoryAndLeavesItAlone) {
  DefineOrganisation();
  const std::string dir = dir_.Sub("taken");
  std::filesystem::create_directories(dir);
  absl::Status copied = CheckpointStore(*store_, dir);
  EXPECT_EQ(copied.code(), absl::StatusCode::kAlreadyExists) << copied;
  EXPECT_TRUE(std::filesystem::is_directory(dir));
}

TEST_F(StoreBackupTest, AMissingParentFailsAndLeavesNothing) {
  DefineOrganisation();
  const std::string dir = dir_.Sub("no/such/parent");
  EXPECT_FALSE(CheckpointStore(*store_, dir).ok());
  EXPECT_FALSE(std::filesystem::exists(dir));
}

}  // namespace
}  // namespace cti::projections
