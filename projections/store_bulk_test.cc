// Store bulk load (store.h BeginBulkLoad/EndBulkLoad): same state as logged writes, and
// crash-safe: a process that dies mid-load leaves a consistent prefix of the log.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "gtest/gtest.h"
#include "projections/bench_workload.h"
#include "projections/projector.h"
#include "projections/store.h"
#include "projections/testing/test_util.h"

namespace cti::projections {
namespace {

using testing::TempDir;

std::unique_ptr<Store> OpenOrDie(const std::string& dir) {
  auto store = Store::Open(dir);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? std::move(*store) : nullptr;
}

// Applies records[0, n) to `store` in batches of `batch`.
void ApplyAll(Store& store, const std::vector<cti::v1::LogRecord>& records, size_t n,
              size_t batch) {
  Projector projector(&store);
  const auto all = absl::MakeConstSpan(records).subspan(0, n);
  for (size_t i = 0; i < n; i += batch) {
    auto applied = projector.Apply(0, all.subspan(i, std::min(batch, n - i)));
    ASSERT_TRUE(applied.ok()) << applied.status();
  }
}

std::string DigestOf(const Store& store) {
  absl::StatusOr<std::string> digest = store.Digest();
  EXPECT_TRUE(digest.ok()) << digest.status();
  return digest.ok() ? *digest : "";
}

TEST(StoreBulk, BulkLoadGivesTheStateOfLoggedWritesAndIsDurable) {
  TempDir dir;
  const std::vector<cti::v1::LogRecord> records =
      bench::MakeWorkload(bench::Mix::kCallHeavy, 20000);
  std::string live_digest;
  {
    auto live = OpenOrDie(dir.Sub("live"));
    ASSERT_NE(live, nullptr);
    ApplyAll(*live, records, records.size(), 1000);
    live_digest = DigestOf(*live);
  }
  {
    auto bulk = OpenOrDie(dir.Sub("bulk"));
    ASSERT_NE(bulk, nullptr);
    EXPECT_FALSE(bulk->bulk_loading());
    ASSERT_TRUE(bulk->BeginBulkLoad().ok());
    ASSERT_TRUE(bulk->BeginBulkLoad().ok());  // idempotent
    EXPECT_TRUE(bulk->bulk_loading());
    ApplyAll(*bulk, records, 15000, 4096);  // other batch boundaries: same state
    ASSERT_TRUE(bulk->EndBulkLoad().ok());
    EXPECT_FALSE(bulk->bulk_loading());
    ASSERT_TRUE(bulk->EndBulkLoad().ok());  // no-op
    // The live path goes on from the same store, with the WAL.
    Projector projector(bulk.get());
    auto rest = projector.Apply(0, absl::MakeConstSpan(records).subspan(15000));
    ASSERT_TRUE(rest.ok()) << rest.status();
    EXPECT_EQ(bulk->records_rejected(), 0u);
    EXPECT_EQ(DigestOf(*bulk), live_digest);
    // Killed here, nothing is lost: the bulk part was flushed, the rest is in the WAL.
  }
  auto reopened = OpenOrDie(dir.Sub("bulk"));
  ASSERT_NE(reopened, nullptr);
  EXPECT_FALSE(reopened->was_reset());
  EXPECT_EQ(reopened->AppliedPosition(0), records.size());
  EXPECT_EQ(DigestOf(*reopened), live_digest);
}

TEST(StoreBulk, ABulkLoadCutShortLeavesAConsistentPrefix) {
  TempDir dir;
  constexpr size_t kRecords = 100000;  // half of it fills a memtable: flushed
  const std::string store_dir = dir.Sub("crashed");
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // A fresh process image: RocksDB's background threads are its own.
    execl(BULK_LOAD_CHILD_PATH, BULK_LOAD_CHILD_PATH, store_dir.c_str(),
          std::to_string(kRecords).c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int wait_status = 0;
  ASSERT_EQ(waitpid(child, &wait_status, 0), child);
  ASSERT_TRUE(WIFEXITED(wait_status));
  ASSERT_EQ(WEXITSTATUS(wait_status), 0);

  auto crashed = OpenOrDie(store_dir);
  ASSERT_NE(crashed, nullptr);
  EXPECT_FALSE(crashed->was_reset());
  EXPECT_FALSE(crashed->bulk_loading());
  const uint64_t reached = crashed->AppliedPosition(0);
  // Some flushes happened, the memtables of the last batches were lost, and the
  // checkpoint is at a batch boundary with exactly that state.
  EXPECT_GT(reached, 0u);
  EXPECT_LT(reached, kRecords);
  EXPECT_EQ(reached % 1000, 0u);
  EXPECT_EQ(crashed->records_applied(), reached);
  const std::vector<cti::v1::LogRecord> records =
      bench::MakeWorkload(bench::Mix::kCallHeavy, kRecords);
  auto reference = OpenOrDie(dir.Sub("reference"));
  ASSERT_NE(reference, nullptr);
  ApplyAll(*reference, records, reached, 1000);
  EXPECT_EQ(DigestOf(*crashed), DigestOf(*reference));

  // The replay resumes after the checkpoint and ends where a full load ends.
  ApplyAll(*reference, records, kRecords, 1000);
  Projector projector(crashed.get());
  auto rest = projector.Apply(0, absl::MakeConstSpan(records).subspan(reached));
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_EQ(crashed->AppliedPosition(0), kRecords);
  EXPECT_EQ(DigestOf(*crashed), DigestOf(*reference));
}

}  // namespace
}  // namespace cti::projections
