// EventLog::Checkpoint: the embedded log's copy opens as a log holding exactly records
// 1..end, byte for byte, also while appends go on; an existing target is refused; the
// in-memory log has nothing to back up.
#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/log/embedded_log.h"
#include "server/log/log_test_util.h"
#include "server/log/memory_log.h"

namespace cti::log {
namespace {

using ::testing::HasSubstr;
using testing::MakeEvent;
using testing::ScopedTempDir;

const absl::Time kStart = absl::FromUnixSeconds(1700000000);

std::unique_ptr<EmbeddedLog> MustOpen(const std::string& dir, cti::Clock* clock) {
  auto log = EmbeddedLog::Open(dir, clock);
  EXPECT_TRUE(log.ok()) << log.status();
  return log.ok() ? std::move(*log) : nullptr;
}

// Records 1..`until` of `log`, serialized.
std::vector<std::string> Serialized(EventLog& log, uint64_t until) {
  std::vector<std::string> all;
  auto reader = log.OpenReader(0, 1);
  EXPECT_TRUE(reader.ok()) << reader.status();
  while (all.size() < until) {
    auto records = (*reader)->Next(1000, absl::Seconds(5));
    EXPECT_TRUE(records.ok()) << records.status();
    if (!records.ok() || records->empty()) break;
    for (const cti::v1::LogRecord& record : *records) {
      if (all.size() < until) all.push_back(record.SerializeAsString());
    }
  }
  return all;
}

TEST(EmbeddedLogBackup, CopyHoldsEveryRecordUpToItsEnd) {
  ScopedTempDir dir;
  SimulatedClock clock(kStart);
  auto log = MustOpen(dir.path() + "/log", &clock);
  for (int i = 1; i <= 50; ++i) {
    clock.Advance(absl::Milliseconds(7));
    ASSERT_TRUE(log->Append(MakeEvent("aarhus", absl::StrCat("e", i))).ok());
  }
  absl::StatusOr<std::vector<uint64_t>> ends = log->Checkpoint(dir.path() + "/copy");
  ASSERT_TRUE(ends.ok()) << ends.status();
  ASSERT_EQ(*ends, std::vector<uint64_t>{50});
  // The live log goes on; the copy keeps 1..50.
  ASSERT_TRUE(log->Append(MakeEvent("aarhus", "e51")).ok());
  const std::vector<std::string> original = Serialized(*log, 50);
  log.reset();

  auto copy = MustOpen(dir.path() + "/copy", &clock);
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(*copy->EndPosition(0), 50u);
  EXPECT_EQ(Serialized(*copy, 50), original);
  // Idempotency survives: the copy knows the event ids.
  absl::StatusOr<AppendResult> again = copy->Append(MakeEvent("aarhus", "e7"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->position, 7u);
}

TEST(EmbeddedLogBackup, WhileAppendsGoOnTheEndIsExactlyWhatTheCopyHolds) {
  ScopedTempDir dir;
  RealClock clock;
  auto log = MustOpen(dir.path() + "/log", &clock);
  std::atomic<bool> stop{false};
  std::atomic<int> appended{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; !stop.load(); ++i) {
        if (log->Append(MakeEvent("aarhus", absl::StrCat("w", w, "-", i))).ok()) ++appended;
      }
    });
  }
  while (appended.load() < 500) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  absl::StatusOr<std::vector<uint64_t>> ends = log->Checkpoint(dir.path() + "/copy");
  while (appended.load() < 1000) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  stop = true;
  for (std::thread& writer : writers) writer.join();
  ASSERT_TRUE(ends.ok()) << ends.status();
  const uint64_t end = (*ends)[0];
  EXPECT_GE(end, 500u);
  EXPECT_LT(end, *log->EndPosition(0));
  const std::vector<std::string> original = Serialized(*log, end);
  log.reset();
  auto copy = MustOpen(dir.path() + "/copy", &clock);
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(*copy->EndPosition(0), end);
  EXPECT_EQ(Serialized(*copy, end), original);
}

TEST(EmbeddedLogBackup, RefusesAnExistingDirectory) {
  ScopedTempDir dir;
  SimulatedClock clock(kStart);
  auto log = MustOpen(dir.path() + "/log", &clock);
  std::filesystem::create_directories(dir.path() + "/taken");
  absl::StatusOr<std::vector<uint64_t>> ends = log->Checkpoint(dir.path() + "/taken");
  EXPECT_EQ(ends.status().code(), absl::StatusCode::kAlreadyExists) << ends.status();
  EXPECT_TRUE(std::filesystem::is_empty(dir.path() + "/taken"));
}

TEST(EmbeddedLogBackup, AFailedCheckpointLeavesNothing) {
  ScopedTempDir dir;
  SimulatedClock clock(kStart);
  auto log = MustOpen(dir.path() + "/log", &clock);
  ASSERT_TRUE(log->Append(MakeEvent("aarhus", "e1")).ok());
  const std::string target = dir.path() + "/no/such/parent";
  EXPECT_FALSE(log->Checkpoint(target).ok());
  EXPECT_FALSE(std::filesystem::exists(target));
}

TEST(EmbeddedLogBackup, TheMemoryLogHasNothingToBackUp) {
  SimulatedClock clock(kStart);
  MemoryLog log(&clock);
  ScopedTempDir dir;
  absl::StatusOr<std::vector<uint64_t>> ends = log.Checkpoint(dir.path() + "/copy");
  EXPECT_EQ(ends.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(ends.status().message(), HasSubstr("nothing in the data directory to back up"));
}

}  // namespace
}  // namespace cti::log
