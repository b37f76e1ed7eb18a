// EmbeddedLog under injected write failures: a failed group commit fails all its
// callers, makes nothing visible, and the log resumes (or, after a fatal error, a
// reopen recovers) with dense positions.
#include <algorithm>
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/log/embedded_log.h"
#include "server/log/fault_injection_fs.h"
#include "server/log/log_test_util.h"

namespace cti::log {
namespace {

using ::testing::HasSubstr;
using testing::MakeEvent;

const absl::Time kStart = absl::FromUnixSeconds(1700000000);

class EmbeddedLogFaultTest : public ::testing::Test {
 protected:
  std::unique_ptr<EmbeddedLog> Open() {
    auto log = EmbeddedLog::Open(dir_.path(), &clock_, {.env = env_.env.get()});
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? std::move(*log) : nullptr;
  }

  static std::vector<std::string> EventIds(EventLog& log) {
    auto reader = *log.OpenReader(0, 1);
    auto records = reader->Next(1000, absl::ZeroDuration());
    EXPECT_TRUE(records.ok()) << records.status();
    std::vector<std::string> ids;
    for (const auto& record : *records) {
      EXPECT_EQ(record.position(), ids.size() + 1);
      ids.push_back(record.event().event_id());
    }
    return ids;
  }

  testing::ScopedTempDir dir_;
  testing::FaultInjectionEnv env_;
  SimulatedClock clock_{kStart};
};

TEST_F(EmbeddedLogFaultTest, DiskFullIsResourceExhaustedAndTheLogResumes) {
  auto log = Open();
  ASSERT_TRUE(log->Append(MakeEvent("a", "a")).ok());
  // One failed sync; the next append resumes the database (DB::Resume) first.
  env_.fs->FailWalSyncs(rocksdb::IOStatus::NoSpace("injected: no space left on device"), 1);
  auto failed = log->Append(MakeEvent("a", "b"));
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kResourceExhausted) << failed.status();
  EXPECT_THAT(failed.status().message(), HasSubstr("the event log's disk is full"));
  EXPECT_THAT(failed.status().message(), HasSubstr("injected: no space left on device"));
  EXPECT_EQ(*log->EndPosition(0), 1u);
  EXPECT_THAT(EventIds(*log), ::testing::ElementsAre("a"));

  env_.fs->FailWalSyncs(rocksdb::IOStatus::OK());
  auto c = log->Append(MakeEvent("a", "c"));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->position, 2u);                 // b's position was never visible; it is reused.
  auto b = log->Append(MakeEvent("a", "b"));  // The retry is safe.
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->position, 3u);
  EXPECT_FALSE(b->duplicate);
  EXPECT_EQ(log->Stats().failed, 1u);
  log.reset();

  auto reopened = Open();  // The failed write's bytes in the old WAL do not come back.
  EXPECT_THAT(EventIds(*reopened), ::testing::ElementsAre("a", "c", "b"));
}

TEST_F(EmbeddedLogFaultTest, ALastingDiskFullKeepsFailingUntilSpaceReturns) {
  auto log = Open();
  ASSERT_TRUE(log->Append(MakeEvent("a", "a")).ok());
  env_.fs->FailWalSyncs(rocksdb::IOStatus::NoSpace("injected: disk full"));
  for (const char* id : {"b", "c"}) {
    auto failed = log->Append(MakeEvent("a", id));
    EXPECT_EQ(failed.status().code(), absl::StatusCode::kResourceExhausted) << failed.status();
  }
  EXPECT_EQ(*log->EndPosition(0), 1u);
  env_.fs->FailWalSyncs(rocksdb::IOStatus::OK());
  // The next append resumes the database (DB::Resume: not RocksDB's own recovery, which
  // would wait for a write buffer's worth of free space) and succeeds.
  absl::StatusOr<AppendResult> c = log->Append(MakeEvent("a", "c"));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->position, 2u);
  EXPECT_THAT(EventIds(*log), ::testing::ElementsAre("a", "c"));
}

TEST_F(EmbeddedLogFaultTest, ADiskFullAgainRightAfterResumingIsSurvived) {
  auto log = Open();
  ASSERT_TRUE(log->Append(MakeEvent("a", "a")).ok());
  env_.fs->FailWalSyncs(rocksdb::IOStatus::NoSpace("injected: disk full"), 1);
  auto b = log->Append(MakeEvent("a", "b"));
  EXPECT_EQ(b.status().code(), absl::StatusCode::kResourceExhausted) << b.status();
  // "c" resumes the log (the memtable flushed: empty; a new WAL file) and fails in its
  // own write to that file, so the next resume finds nothing to flush.
  env_.fs->FailSyncsOfNewWals(rocksdb::IOStatus::NoSpace("injected: disk full again"), 1);
  auto c = log->Append(MakeEvent("a", "c"));
  EXPECT_EQ(c.status().code(), absl::StatusCode::kResourceExhausted) << c.status();
  EXPECT_THAT(c.status().message(), HasSubstr("appending to the log"));
  EXPECT_THAT(c.status().message(), HasSubstr("injected: disk full again"));
  auto d = log->Append(MakeEvent("a", "d"));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->position, 2u);
  auto e = log->Append(MakeEvent("a", "e"));
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->position, 3u);
  log.reset();

  auto reopened = Open();
  EXPECT_THAT(EventIds(*reopened), ::testing::ElementsAre("a", "d", "e"));
}

TEST_F(EmbeddedLogFaultTest, ClosingRightAfterADiskFullKeepsEveryAcknowledgedRecord) {
  auto log = Open();
  ASSERT_TRUE(log->Append(MakeEvent("a", "a")).ok());
  env_.fs->FailWalSyncs(rocksdb::IOStatus::NoSpace("injected: disk full"));
  auto b = log->Append(MakeEvent("a", "b"));
  EXPECT_EQ(b.status().code(), absl::StatusCode::kResourceExhausted) << b.status();
  log.reset();  // closed with the disk still full and nothing appended since
  env_.fs->FailWalSyncs(rocksdb::IOStatus::OK());

  auto reopened = Open();
  const std::vector<std::string> ids = EventIds(*reopened);
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(ids.front(), "a");
  EXPECT_LE(ids.size(), 2u);  // "b" only if its failed sync had reached the WAL in full
}

TEST_F(EmbeddedLogFaultTest, AFailedWriteFailsEveryCallerOfItsBatch) {
  auto log = Open();
  env_.fs->HoldWalSyncs();
  absl::StatusOr<AppendResult> first;
  std::vector<absl::StatusOr<AppendResult>> batch(4);
  std::vector<std::thread> threads;
  threads.emplace_back([&] { first = log->Append(MakeEvent("a", "first")); });
  env_.fs->AwaitHeldSync();
  for (size_t i = 0; i < batch.size(); ++i) {
    // Two of them share an event_id: a duplicate inside the failing batch fails too.
    threads.emplace_back([&, i] { batch[i] = log->Append(MakeEvent("a", absl::StrCat(i % 3))); });
    while (log->Stats().queued < i + 1) absl::SleepFor(absl::Milliseconds(1));
  }
  env_.fs->FailWalSyncs(rocksdb::IOStatus::NoSpace("injected: disk full"), 1);
  env_.fs->ReleaseWalSyncs();
  for (std::thread& thread : threads) thread.join();

  ASSERT_TRUE(first.ok()) << first.status();  // Its sync started before the fault.
  for (const auto& result : batch) {
    EXPECT_EQ(result.status().code(), absl::StatusCode::kResourceExhausted) << result.status();
  }
  EXPECT_EQ(*log->EndPosition(0), 1u);
  EXPECT_THAT(EventIds(*log), ::testing::ElementsAre("first"));

  env_.fs->FailWalSyncs(rocksdb::IOStatus::OK());
  for (int i = 0; i < 3; ++i) {
    auto retry = log->Append(MakeEvent("a", absl::StrCat(i)));
    ASSERT_TRUE(retry.ok()) << retry.status();
    EXPECT_EQ(retry->position, static_cast<uint64_t>(i + 2));
  }
}

TEST_F(EmbeddedLogFaultTest, IoErrorIsUnavailableAndAReopenRecovers) {
  auto log = Open();
  ASSERT_TRUE(log->Append(MakeEvent("a", "a")).ok());
  env_.fs->FailWalSyncs(rocksdb::IOStatus::IOError("injected: EIO"));
  auto failed = log->Append(MakeEvent("a", "b"));
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable) << failed.status();
  EXPECT_THAT(failed.status().message(), HasSubstr("injected: EIO"));
  EXPECT_EQ(*log->EndPosition(0), 1u);
  env_.fs->FailWalSyncs(rocksdb::IOStatus::OK());
  // RocksDB may or may not resume from this error in-process; either way the answer is
  // an error or a dense position.
  auto next = log->Append(MakeEvent("a", "c"));
  if (next.ok()) {
    EXPECT_EQ(next->position, 2u);
  } else {
    EXPECT_EQ(next.status().code(), absl::StatusCode::kUnavailable) << next.status();
  }
  log.reset();

  auto reopened = Open();
  // A write that failed in its sync may still be in the WAL, complete: a retry then
  // answers it as a duplicate. Either way "b" ends up exactly once, positions dense.
  auto b = reopened->Append(MakeEvent("a", "b"));
  ASSERT_TRUE(b.ok()) << b.status();
  auto c = reopened->Append(MakeEvent("a", "c"));
  ASSERT_TRUE(c.ok()) << c.status();
  const std::vector<std::string> ids = EventIds(*reopened);
  EXPECT_EQ(ids.front(), "a");
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "b"), 1);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "c"), 1);
  EXPECT_EQ(ids.size(), 3u);
}

}  // namespace
}  // namespace cti::log
