// EmbeddedLog beyond the shared contract: reopen, group commit, format checks, decoding
// errors, shutdown. Fault injection is in embedded_log_fault_test.cc, crashes in
// embedded_log_crash_test.cc.
#include "server/log/embedded_log.h"

#include <algorithm>
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "server/log/fault_injection_fs.h"
#include "server/log/log_format.h"
#include "server/log/log_test_util.h"

namespace cti::log {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;
using testing::MakeEvent;

const absl::Time kStart = absl::FromUnixSeconds(1700000000);

std::unique_ptr<EmbeddedLog> MustOpen(const std::string& dir, cti::Clock* clock,
                                      EmbeddedLogOptions options = {}) {
  auto log = EmbeddedLog::Open(dir, clock, options);
  EXPECT_TRUE(log.ok()) << log.status();
  return log.ok() ? std::move(*log) : nullptr;
}

std::vector<cti::v1::LogRecord> ReadAll(EventLog& log) {
  auto reader = *log.OpenReader(0, 1);
  std::vector<cti::v1::LogRecord> all;
  for (;;) {
    auto records = reader->Next(1000, absl::ZeroDuration());
    EXPECT_TRUE(records.ok()) << records.status();
    if (!records.ok() || records->empty()) return all;
    all.insert(all.end(), records->begin(), records->end());
  }
}

// Writes `value` under `key` of `family` straight into the log's database.
void PutRaw(const std::string& dir, const std::string& family, const std::string& key,
            const std::string& value) {
  rocksdb::DBOptions options;
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, {}}, {"event_ids", {}}, {"meta", {}}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(options, dir, families, &handles, &db).ok());
  rocksdb::ColumnFamilyHandle* handle = family == "meta" ? handles[2] : handles[0];
  EXPECT_TRUE(db->Put(rocksdb::WriteOptions(), handle, key, value).ok());
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
}

TEST(EmbeddedLogTest, ReopenPreservesRecordsPositionsAndIdempotency) {
  testing::ScopedTempDir dir;
  SimulatedClock clock(kStart);
  std::vector<cti::v1::LogRecord> before;
  {
    auto log = MustOpen(dir.path(), &clock);
    EXPECT_EQ(log->backend_name(), "embedded");
    EXPECT_EQ(log->partition_count(), 1);
    for (int i = 1; i <= 50; ++i) {
      clock.Advance(absl::Milliseconds(3));
      ASSERT_EQ(log->Append(MakeEvent("aarhus", absl::StrCat("e", i)))->position,
                static_cast<uint64_t>(i));
    }
    before = ReadAll(*log);
  }
  const absl::Time last_recorded = kStart + absl::Milliseconds(150);
  clock.Set(kStart);  // After a restart the clock is behind the log.
  auto log = MustOpen(dir.path(), &clock);
  EXPECT_EQ(*log->EndPosition(0), 50u);
  const std::vector<cti::v1::LogRecord> after = ReadAll(*log);
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_TRUE(MessageDifferencer::Equals(after[i], before[i])) << after[i].DebugString();
  }
  auto duplicate = log->Append(MakeEvent("aarhus", "e7"));
  ASSERT_TRUE(duplicate.ok());
  EXPECT_TRUE(duplicate->duplicate);
  EXPECT_EQ(duplicate->position, 7u);
  EXPECT_EQ(duplicate->recorded_at, kStart + absl::Milliseconds(21));
  auto conflict = log->Append(MakeEvent("aarhus", "e7", 1));
  EXPECT_EQ(conflict.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(conflict.status().message(), HasSubstr("already used at position 7"));
  auto next = log->Append(MakeEvent("aarhus", "e51"));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->position, 51u);
  EXPECT_EQ(next->recorded_at, last_recorded);  // Never before the last record.
}

TEST(EmbeddedLogTest, OneGroupCommitHandlesDuplicatesInsideTheBatch) {
  testing::ScopedTempDir dir;
  testing::FaultInjectionEnv env;
  SimulatedClock clock(kStart);
  auto log = MustOpen(dir.path(), &clock, {.env = env.env.get()});

  // The first append holds the appender in its WAL sync while the others queue up.
  env.fs->HoldWalSyncs();
  std::vector<absl::StatusOr<AppendResult>> results(7);
  std::vector<cti::v1::Event> events = {MakeEvent("aarhus", "first"), MakeEvent("aarhus", "x"),
                                        MakeEvent("aarhus", "x"),     MakeEvent("aarhus", "x", 1),
                                        MakeEvent("aarhus", "y"),     MakeEvent("aarhus", "x"),
                                        MakeEvent("aarhus", "first")};
  std::vector<std::thread> threads;
  threads.emplace_back([&] { results[0] = log->Append(events[0]); });
  env.fs->AwaitHeldSync();
  for (size_t i = 1; i < events.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = log->Append(events[i]); });
    while (log->Stats().queued < i) absl::SleepFor(absl::Milliseconds(1));  // Keep the order.
  }
  clock.Advance(absl::Seconds(1));  // The second batch is stamped later.
  env.fs->ReleaseWalSyncs();
  for (std::thread& thread : threads) thread.join();

  for (size_t i : {0, 1, 2, 4, 5, 6}) ASSERT_TRUE(results[i].ok()) << i << results[i].status();
  EXPECT_EQ(results[0]->position, 1u);
  EXPECT_EQ(results[0]->recorded_at, kStart);
  EXPECT_EQ(results[1]->position, 2u);
  EXPECT_FALSE(results[1]->duplicate);
  EXPECT_EQ(results[1]->recorded_at, kStart + absl::Seconds(1));
  for (size_t i : {2, 5}) {
    EXPECT_EQ(results[i]->position, 2u);
    EXPECT_TRUE(results[i]->duplicate);
    EXPECT_EQ(results[i]->recorded_at, kStart + absl::Seconds(1));
  }
  EXPECT_EQ(results[3].status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(results[3].status().message(),
              HasSubstr("event_id 'x' already used at position 2 with a different payload"));
  EXPECT_EQ(results[4]->position, 3u);
  EXPECT_TRUE(results[6]->duplicate);  // A duplicate of a stored record in the batch.
  EXPECT_EQ(results[6]->position, 1u);
  EXPECT_EQ(results[6]->recorded_at, kStart);

  const EmbeddedLogStats stats = log->Stats();
  EXPECT_EQ(stats.batches, 2u);
  EXPECT_EQ(stats.records, 3u);
  EXPECT_EQ(stats.duplicates, 3u);
  const std::vector<cti::v1::LogRecord> records = ReadAll(*log);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].event().event_id(), "x");
  EXPECT_EQ(records[1].event().call().message_taken().text(),
            events[1].call().message_taken().text());
  EXPECT_EQ(records[2].event().event_id(), "y");
}

TEST(EmbeddedLogTest, UndecodableRecordsAreDataLossNamingThePosition) {
  testing::ScopedTempDir dir;
  SimulatedClock clock(kStart);
  {
    auto log = MustOpen(dir.path(), &clock);
    for (int i = 1; i <= 3; ++i) ASSERT_TRUE(log->Append(MakeEvent("a", absl::StrCat(i))).ok());
  }
  PutRaw(dir.path(), "records", format::RecordKey(0, 2), "\xff\xff\xff garbage");
  {
    auto log = MustOpen(dir.path(), &clock);
    auto reader = *log->OpenReader(0, 1);
    auto first = reader->Next(10, absl::ZeroDuration());
    ASSERT_TRUE(first.ok());
    ASSERT_EQ(first->size(), 1u);  // What precedes the bad record is answered first.
    auto bad = reader->Next(10, absl::ZeroDuration());
    EXPECT_EQ(bad.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(bad.status().message(), HasSubstr("position 2"));
  }
  PutRaw(dir.path(), "records", format::RecordKey(0, 3), "\xff\xff\xff garbage");
  auto reopened = EmbeddedLog::Open(dir.path(), &clock);
  EXPECT_EQ(reopened.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(reopened.status().message(), HasSubstr("position 3"));
}

TEST(EmbeddedLogTest, RefusesADirectoryOfAnotherFormatOrInUse) {
  testing::ScopedTempDir dir;
  SimulatedClock clock(kStart);
  {
    auto log = MustOpen(dir.path(), &clock);
    auto second = EmbeddedLog::Open(dir.path(), &clock);  // RocksDB's lock.
    EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable) << second.status();
  }
  PutRaw(dir.path(), "meta", "format", "something-else/9");
  auto log = EmbeddedLog::Open(dir.path(), &clock);
  EXPECT_EQ(log.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(log.status().message(), HasSubstr("something-else/9"));
}

TEST(EmbeddedLogTest, ClosingFailsQueuedAppends) {
  testing::ScopedTempDir dir;
  testing::FaultInjectionEnv env;
  SimulatedClock clock(kStart);
  auto log = MustOpen(dir.path(), &clock, {.env = env.env.get()});
  env.fs->HoldWalSyncs();
  absl::StatusOr<AppendResult> in_flight, queued;
  std::thread first([&] { in_flight = log->Append(MakeEvent("a", "in-flight")); });
  env.fs->AwaitHeldSync();
  std::thread second([&] { queued = log->Append(MakeEvent("a", "queued")); });
  while (log->Stats().queued < 1) absl::SleepFor(absl::Milliseconds(1));
  std::thread closer([&] { log.reset(); });
  absl::SleepFor(absl::Milliseconds(200));  // Let the closer mark the log closing.
  env.fs->ReleaseWalSyncs();
  closer.join();
  first.join();
  second.join();
  ASSERT_TRUE(in_flight.ok()) << in_flight.status();  // Its write was under way: it lands.
  EXPECT_EQ(queued.status(), absl::UnavailableError("log closing"));
  auto reopened = MustOpen(dir.path(), &clock);
  EXPECT_EQ(*reopened->EndPosition(0), 1u);
}

// The point of AppendAsync: one thread can keep many appends in flight, and they share
// a group commit. The callbacks run on the log's completion thread.
TEST(EmbeddedLogTest, AppendAsyncFromOneThreadFillsOneGroupCommit) {
  testing::ScopedTempDir dir;
  testing::FaultInjectionEnv env;
  SimulatedClock clock(kStart);
  auto log = MustOpen(dir.path(), &clock, {.env = env.env.get()});
  constexpr int kQueued = 50;
  absl::Mutex mu;
  int answered = 0;
  bool on_caller_thread = false;
  std::vector<uint64_t> positions;
  absl::Notification all;
  const std::thread::id caller = std::this_thread::get_id();
  auto done = [&](absl::StatusOr<AppendResult> result) {
    absl::MutexLock lock(&mu);
    EXPECT_TRUE(result.ok()) << result.status();
    if (result.ok()) positions.push_back(result->position);
    on_caller_thread = on_caller_thread || std::this_thread::get_id() == caller;
    if (++answered == kQueued + 1) all.Notify();
  };

  env.fs->HoldWalSyncs();
  log->AppendAsync(MakeEvent("aarhus", "first"), done);
  env.fs->AwaitHeldSync();
  for (int i = 0; i < kQueued; ++i) log->AppendAsync(MakeEvent("aarhus", absl::StrCat(i)), done);
  EXPECT_EQ(log->Stats().queued, static_cast<uint64_t>(kQueued));  // Nothing blocked.
  env.fs->ReleaseWalSyncs();
  ASSERT_TRUE(all.WaitForNotificationWithTimeout(absl::Seconds(30)));

  absl::MutexLock lock(&mu);
  EXPECT_FALSE(on_caller_thread);
  std::sort(positions.begin(), positions.end());
  ASSERT_EQ(positions.size(), static_cast<size_t>(kQueued + 1));
  for (size_t i = 0; i < positions.size(); ++i) EXPECT_EQ(positions[i], i + 1);
  const EmbeddedLogStats stats = log->Stats();
  EXPECT_EQ(stats.batches, 2u);  // "first", then all the others in one synced write.
  EXPECT_EQ(stats.records, static_cast<uint64_t>(kQueued + 1));
}

TEST(EmbeddedLogTest, ClosingAnswersEveryAsyncAppendBeforeTheDestructorReturns) {
  testing::ScopedTempDir dir;
  testing::FaultInjectionEnv env;
  SimulatedClock clock(kStart);
  auto log = MustOpen(dir.path(), &clock, {.env = env.env.get()});
  constexpr int kAppends = 10;
  absl::Mutex mu;
  std::vector<int> calls(kAppends);
  std::vector<absl::Status> statuses(kAppends);
  env.fs->HoldWalSyncs();
  for (int i = 0; i < kAppends; ++i) {
    log->AppendAsync(MakeEvent("a", absl::StrCat(i)), [&, i](absl::StatusOr<AppendResult> result) {
      absl::MutexLock lock(&mu);
      ++calls[i];
      statuses[i] = result.status();
    });
    if (i == 0) env.fs->AwaitHeldSync();  // The first is in flight, the others queue.
  }
  std::thread closer([&] { log.reset(); });
  absl::SleepFor(absl::Milliseconds(200));  // Let the closer mark the log closing.
  env.fs->ReleaseWalSyncs();
  closer.join();

  absl::MutexLock lock(&mu);
  for (int i = 0; i < kAppends; ++i) EXPECT_EQ(calls[i], 1) << i;
  EXPECT_TRUE(statuses[0].ok()) << statuses[0];  // Its write was under way: it lands.
  for (int i = 1; i < kAppends; ++i) EXPECT_EQ(statuses[i], absl::UnavailableError("log closing"));
  auto reopened = MustOpen(dir.path(), &clock);
  EXPECT_EQ(*reopened->EndPosition(0), 1u);
}

// After a batch of N, the appender gives the next write time to gather N appends again
// (callers re-appending as soon as they are answered), instead of writing the first
// comer alone.
TEST(EmbeddedLogTest, AWriteGathersAsManyAppendsAsThePreviousOne) {
  testing::ScopedTempDir dir;
  testing::FaultInjectionEnv env;
  SimulatedClock clock(kStart);
  auto log =
      MustOpen(dir.path(), &clock, {.env = env.env.get(), .max_gather_wait = absl::Seconds(30)});
  absl::Mutex mu;
  std::vector<std::string> answered;
  auto done = [&](std::string id) {
    return [&, id](absl::StatusOr<AppendResult> result) {
      EXPECT_TRUE(result.ok()) << result.status();
      absl::MutexLock lock(&mu);
      answered.push_back(id);
    };
  };
  auto answers = [&] {
    absl::MutexLock lock(&mu);
    return answered.size();
  };
  // A batch of one (nothing to gather after it), then a batch of three.
  env.fs->HoldWalSyncs();
  log->AppendAsync(MakeEvent("a", "a"), done("a"));
  env.fs->AwaitHeldSync();
  for (const char* id : {"b", "c", "d"}) log->AppendAsync(MakeEvent("a", id), done(id));
  env.fs->ReleaseWalSyncs();
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (answers() < 4 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(1));
  ASSERT_EQ(answers(), 4u);
  EXPECT_EQ(log->Stats().batches, 2u);

  // One append alone now waits for two more before it is written.
  log->AppendAsync(MakeEvent("a", "e"), done("e"));
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_EQ(answers(), 4u);
  EXPECT_EQ(log->Stats().batches, 2u);
  log->AppendAsync(MakeEvent("a", "f"), done("f"));
  log->AppendAsync(MakeEvent("a", "g"), done("g"));
  while (answers() < 7 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(1));
  ASSERT_EQ(answers(), 7u);
  const EmbeddedLogStats stats = log->Stats();
  EXPECT_EQ(stats.batches, 3u);  // e, f and g in one write.
  EXPECT_EQ(stats.records, 7u);
}

// With gathering off, or after a batch of one, an append is written at once.
TEST(EmbeddedLogTest, AnAppendAloneIsWrittenAtOnce) {
  testing::ScopedTempDir dir;
  SimulatedClock clock(kStart);
  auto log = MustOpen(dir.path(), &clock, {.max_gather_wait = absl::Seconds(30)});
  const absl::Time start = absl::Now();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(log->Append(MakeEvent("a", absl::StrCat(i))).ok());
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  EXPECT_EQ(log->Stats().batches, 5u);
  EXPECT_EQ(EmbeddedLog::Open(dir.path() + "/x", &clock, {.max_gather_wait = -absl::Seconds(1)})
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cti::log
