// The EventLog contract (event_log.h), run against every backend in this folder. The
// Kafka backend runs on librdkafka's mock cluster (three brokers, in this process); it
// keeps no event_id index (kafka_log.h), so where the contract lets a backend leave
// idempotency to the projector the tests check that it appends the repeat as a new
// record (kDeduplicates = false).
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "server/clock.h"
#include "server/log/embedded_log.h"
#include "server/log/forwarding_log.h"
#include "server/log/kafka_log.h"
#include "server/log/log_test_util.h"
#include "server/log/memory_log.h"

namespace cti::log {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;
using testing::MakeEvent;
using testing::WithoutRecordedAt;

const absl::Time kStart = absl::FromUnixSeconds(1700000000);

struct EmbeddedBackend {
  static constexpr bool kDeduplicates = true;
  static std::unique_ptr<EventLog> Open(const std::string& dir, cti::Clock* clock) {
    auto log = EmbeddedLog::Open(dir, clock);
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? std::move(*log) : nullptr;
  }
};

struct MemoryBackend {
  static constexpr bool kDeduplicates = true;
  static std::unique_ptr<EventLog> Open(const std::string&, cti::Clock* clock) {
    return std::make_unique<MemoryLog>(clock);
  }
};

// A KafkaLog on a mock cluster of its own (one topic, one partition), destroyed with it.
class MockKafkaLog final : public ForwardingLog {
 public:
  static std::unique_ptr<EventLog> Open(cti::Clock* clock) {
    auto self = std::unique_ptr<MockKafkaLog>(new MockKafkaLog());
    char error[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    // The handle only hosts the cluster: quiet about its missing bootstrap.servers.
    EXPECT_EQ(rd_kafka_conf_set(conf, "log_level", "3", error, sizeof error), RD_KAFKA_CONF_OK);
    self->handle_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    EXPECT_NE(self->handle_, nullptr) << error;
    if (self->handle_ == nullptr) return nullptr;
    self->cluster_ = rd_kafka_mock_cluster_new(self->handle_, 3);
    EXPECT_NE(self->cluster_, nullptr);
    if (self->cluster_ == nullptr) return nullptr;
    EXPECT_EQ(rd_kafka_mock_topic_create(self->cluster_, "cti-events", 1, 3),
              RD_KAFKA_RESP_ERR_NO_ERROR);
    KafkaLogOptions options;
    options.brokers = rd_kafka_mock_cluster_bootstraps(self->cluster_);
    options.topic = "cti-events";
    auto log = KafkaLog::Open(options, clock);
    EXPECT_TRUE(log.ok()) << log.status();
    if (!log.ok()) return nullptr;
    self->set_inner(*std::move(log));
    return self;
  }
  ~MockKafkaLog() override {
    reset_inner();  // before the cluster it talks to
    if (cluster_ != nullptr) rd_kafka_mock_cluster_destroy(cluster_);
    if (handle_ != nullptr) rd_kafka_destroy(handle_);
  }

 private:
  MockKafkaLog() = default;
  rd_kafka_t* handle_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
};

struct KafkaBackend {
  static constexpr bool kDeduplicates = false;
  static std::unique_ptr<EventLog> Open(const std::string&, cti::Clock* clock) {
    return MockKafkaLog::Open(clock);
  }
};

template <typename Backend>
class EventLogContractTest : public ::testing::Test {
 protected:
  EventLogContractTest() : clock_(kStart), log_(Backend::Open(dir_.path(), &clock_)) {}

  AppendResult MustAppend(const cti::v1::Event& event) {
    absl::StatusOr<AppendResult> result = log_->Append(event);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : AppendResult{};
  }

  std::vector<cti::v1::LogRecord> ReadAll(uint64_t from) {
    auto reader = log_->OpenReader(0, from);
    EXPECT_TRUE(reader.ok()) << reader.status();
    std::vector<cti::v1::LogRecord> all;
    for (;;) {
      auto records = (*reader)->Next(7, absl::ZeroDuration());
      EXPECT_TRUE(records.ok()) << records.status();
      if (!records.ok() || records->empty()) return all;
      all.insert(all.end(), records->begin(), records->end());
    }
  }

  testing::ScopedTempDir dir_;
  SimulatedClock clock_;
  std::unique_ptr<EventLog> log_;
};

using Backends = ::testing::Types<EmbeddedBackend, MemoryBackend, KafkaBackend>;
TYPED_TEST_SUITE(EventLogContractTest, Backends);

TYPED_TEST(EventLogContractTest, AppendsGetDensePositionsAndReadBackInOrder) {
  std::vector<cti::v1::Event> events;
  for (int i = 0; i < 20; ++i) {
    events.push_back(MakeEvent(i % 2 == 0 ? "aarhus" : "odense", absl::StrCat("e", i)));
    const AppendResult result = this->MustAppend(events.back());
    EXPECT_EQ(result.position, static_cast<uint64_t>(i + 1));
    EXPECT_FALSE(result.duplicate);
  }
  EXPECT_EQ(*this->log_->EndPosition(0), 20u);
  const std::vector<cti::v1::LogRecord> records = this->ReadAll(1);
  ASSERT_EQ(records.size(), 20u);
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].position(), i + 1);
    EXPECT_TRUE(MessageDifferencer::Equals(WithoutRecordedAt(records[i].event()), events[i]))
        << records[i].DebugString();
    EXPECT_FALSE(records[i].has_outcome());
  }
}

TYPED_TEST(EventLogContractTest, RecordedAtComesFromTheClockAndNeverDecreases) {
  cti::v1::Event first = MakeEvent("aarhus", "a");
  format::ToTimestamp(kStart - absl::Hours(24), first.mutable_recorded_at());  // Replaced.
  this->clock_.Set(kStart + absl::Seconds(10) + absl::Nanoseconds(7));
  EXPECT_EQ(this->MustAppend(first).recorded_at, kStart + absl::Seconds(10) + absl::Nanoseconds(7));
  this->clock_.Set(kStart);  // The clock steps back.
  EXPECT_EQ(this->MustAppend(MakeEvent("aarhus", "b")).recorded_at,
            kStart + absl::Seconds(10) + absl::Nanoseconds(7));
  this->clock_.Set(kStart + absl::Seconds(20));
  EXPECT_EQ(this->MustAppend(MakeEvent("aarhus", "c")).recorded_at, kStart + absl::Seconds(20));

  const std::vector<cti::v1::LogRecord> records = this->ReadAll(1);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(format::FromTimestamp(records[0].event().recorded_at()),
            kStart + absl::Seconds(10) + absl::Nanoseconds(7));
  EXPECT_EQ(format::FromTimestamp(records[1].event().recorded_at()),
            kStart + absl::Seconds(10) + absl::Nanoseconds(7));
  EXPECT_EQ(format::FromTimestamp(records[2].event().recorded_at()), kStart + absl::Seconds(20));
}

TYPED_TEST(EventLogContractTest, SameEventIdAndPayloadAnswersTheOriginal) {
  this->MustAppend(MakeEvent("aarhus", "x"));
  const AppendResult original = this->MustAppend(MakeEvent("aarhus", "dup"));
  this->clock_.Advance(absl::Minutes(5));
  cti::v1::Event again = MakeEvent("aarhus", "dup");
  format::ToTimestamp(kStart + absl::Hours(1), again.mutable_recorded_at());  // Ignored.
  const AppendResult repeat = this->MustAppend(again);
  if constexpr (!TypeParam::kDeduplicates) {
    // Appended again; the projector rejects the second copy at apply time.
    EXPECT_FALSE(repeat.duplicate);
    EXPECT_EQ(repeat.position, 3u);
    EXPECT_EQ(this->ReadAll(1).size(), 3u);
    return;
  }
  EXPECT_TRUE(repeat.duplicate);
  EXPECT_EQ(repeat.position, 2u);
  EXPECT_EQ(repeat.recorded_at, original.recorded_at);
  EXPECT_EQ(*this->log_->EndPosition(0), 2u);
  EXPECT_EQ(this->ReadAll(1).size(), 2u);
}

TYPED_TEST(EventLogContractTest, SameEventIdWithAnotherPayloadIsRefused) {
  this->MustAppend(MakeEvent("aarhus", "x"));
  this->MustAppend(MakeEvent("aarhus", "id-1", /*variant=*/1));
  const absl::StatusOr<AppendResult> result =
      this->log_->Append(MakeEvent("aarhus", "id-1", /*variant=*/2));
  if constexpr (!TypeParam::kDeduplicates) {
    ASSERT_TRUE(result.ok()) << result.status();  // the projector refuses it at apply time
    EXPECT_EQ(result->position, 3u);
    return;
  }
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(result.status().message(),
              HasSubstr("event_id 'id-1' already used at position 2 with a different payload"));
  EXPECT_EQ(*this->log_->EndPosition(0), 2u);
}

TYPED_TEST(EventLogContractTest, EventIdsAreScopedToTheTenant) {
  const AppendResult aarhus = this->MustAppend(MakeEvent("aarhus", "same-id"));
  const AppendResult odense = this->MustAppend(MakeEvent("odense", "same-id", 1));
  EXPECT_FALSE(odense.duplicate);
  EXPECT_NE(aarhus.position, odense.position);
  // (tenant "ab", id "c") and (tenant "a", id "bc") are different keys.
  EXPECT_FALSE(this->MustAppend(MakeEvent("ab", "c")).duplicate);
  EXPECT_FALSE(this->MustAppend(MakeEvent("a", "bc", 1)).duplicate);
}

TYPED_TEST(EventLogContractTest, RequiresTenantAndEventId) {
  EXPECT_EQ(this->log_->Append(MakeEvent("", "x")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(this->log_->Append(MakeEvent("aarhus", "")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(*this->log_->EndPosition(0), 0u);
}

TYPED_TEST(EventLogContractTest, ReadersStartAnywhereAndContinue) {
  for (int i = 1; i <= 10; ++i) this->MustAppend(MakeEvent("aarhus", absl::StrCat("e", i)));
  auto reader = *this->log_->OpenReader(0, 4);
  auto first = *reader->Next(3, absl::ZeroDuration());
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first[0].position(), 4u);
  EXPECT_EQ(first[0].event().event_id(), "e4");
  EXPECT_EQ(first[2].position(), 6u);
  auto rest = *reader->Next(100, absl::ZeroDuration());
  ASSERT_EQ(rest.size(), 4u);
  EXPECT_EQ(rest.back().position(), 10u);
  EXPECT_TRUE(reader->Next(100, absl::ZeroDuration())->empty());

  EXPECT_EQ(this->ReadAll(0).size(), 10u);  // 0 reads from the beginning.
  EXPECT_EQ(this->ReadAll(10).size(), 1u);

  auto beyond = *this->log_->OpenReader(0, 12);  // Past the end: waits for 12.
  EXPECT_TRUE(beyond->Next(10, absl::ZeroDuration())->empty());
  this->MustAppend(MakeEvent("aarhus", "e11"));
  EXPECT_TRUE(beyond->Next(10, absl::ZeroDuration())->empty());
  this->MustAppend(MakeEvent("aarhus", "e12"));
  auto twelve = *beyond->Next(10, absl::ZeroDuration());
  ASSERT_EQ(twelve.size(), 1u);
  EXPECT_EQ(twelve[0].event().event_id(), "e12");
}

TYPED_TEST(EventLogContractTest, NextBatchReadsWhatNextReads) {
  for (int i = 0; i < 25; ++i) this->MustAppend(MakeEvent("aarhus", absl::StrCat("e", i)));
  const std::vector<cti::v1::LogRecord> expected = this->ReadAll(3);
  auto reader = this->log_->OpenReader(0, 3);
  ASSERT_TRUE(reader.ok()) << reader.status();
  std::vector<RecordBatch> batches;  // records stay valid as long as their batch
  std::vector<const cti::v1::LogRecord*> got;
  for (;;) {
    absl::StatusOr<RecordBatch> batch = (*reader)->NextBatch(4, absl::ZeroDuration());
    ASSERT_TRUE(batch.ok()) << batch.status();
    if (batch->empty()) break;
    EXPECT_LE(batch->size(), 4u);
    for (const cti::v1::LogRecord* record : batch->records()) got.push_back(record);
    batches.push_back(*std::move(batch));  // moving keeps the records where they are
  }
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_TRUE(MessageDifferencer::Equals(*got[i], expected[i])) << got[i]->DebugString();
  }
  // The reader goes on where the batches stopped, with either call.
  this->MustAppend(MakeEvent("aarhus", "late"));
  auto next = (*reader)->Next(10, absl::ZeroDuration());
  ASSERT_TRUE(next.ok()) << next.status();
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ((*next)[0].position(), 26u);
}

TYPED_TEST(EventLogContractTest, ReaderWaitsForAnAppendAndWakesUp) {
  auto reader = *this->log_->OpenReader(0, 1);
  absl::Notification started;
  absl::StatusOr<std::vector<cti::v1::LogRecord>> got;
  absl::Duration waited;
  std::thread waiter([&] {
    started.Notify();
    const absl::Time before = absl::Now();
    got = reader->Next(10, absl::Seconds(30));
    waited = absl::Now() - before;
  });
  started.WaitForNotification();
  absl::SleepFor(absl::Milliseconds(50));
  this->MustAppend(MakeEvent("aarhus", "wake"));
  waiter.join();
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].event().event_id(), "wake");
  EXPECT_LT(waited, absl::Seconds(10));
}

TYPED_TEST(EventLogContractTest, ReaderWaitEndsEmptyWhenNothingArrives) {
  auto reader = *this->log_->OpenReader(0, 1);
  const absl::Time before = absl::Now();
  auto records = reader->Next(10, absl::Milliseconds(100));
  ASSERT_TRUE(records.ok());
  EXPECT_TRUE(records->empty());
  EXPECT_GE(absl::Now() - before, absl::Milliseconds(99));
  EXPECT_EQ(reader->Next(0, absl::ZeroDuration()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TYPED_TEST(EventLogContractTest, UnknownPartitionsAreInvalidArguments) {
  const int count = this->log_->partition_count();
  EXPECT_GE(count, 1);
  EXPECT_EQ(this->log_->OpenReader(count, 1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(this->log_->OpenReader(-1, 1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(this->log_->EndPosition(count).status().code(), absl::StatusCode::kInvalidArgument);
  const int partition = this->log_->PartitionOf("aarhus");
  EXPECT_GE(partition, 0);
  EXPECT_LT(partition, count);
  EXPECT_EQ(this->log_->PartitionOf("aarhus"), partition);
}

TYPED_TEST(EventLogContractTest, ReadersOutlivingTheLogAnswerUnavailable) {
  this->MustAppend(MakeEvent("aarhus", "a"));
  auto reader = *this->log_->OpenReader(0, 1);
  this->log_.reset();
  EXPECT_EQ(reader->Next(10, absl::Seconds(1)).status().code(), absl::StatusCode::kUnavailable);
}

TYPED_TEST(EventLogContractTest, ConcurrentAppendersGetDistinctDensePositions) {
  constexpr int kThreads = 16;
  constexpr int kPerThread = 100;
  std::vector<std::vector<AppendResult>> results(kThreads);
  std::vector<AppendResult> shared_results(kThreads);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto result = this->log_->Append(MakeEvent("aarhus", absl::StrCat("t", t, "-", i)));
        if (!result.ok()) ++failures;
        if (result.ok()) results[t].push_back(*result);
        if (i == kPerThread / 2) {  // Every thread also appends one shared event_id.
          auto shared = this->log_->Append(MakeEvent("aarhus", "shared"));
          if (!shared.ok()) ++failures;
          if (shared.ok()) shared_results[t] = *shared;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_EQ(failures.load(), 0);

  std::set<uint64_t> positions;
  for (const std::vector<AppendResult>& mine : results) {
    ASSERT_EQ(mine.size(), static_cast<size_t>(kPerThread));
    for (size_t i = 0; i < mine.size(); ++i) {
      EXPECT_FALSE(mine[i].duplicate);
      EXPECT_TRUE(positions.insert(mine[i].position).second) << mine[i].position;
      if (i > 0) {
        EXPECT_GT(mine[i].position, mine[i - 1].position);  // A thread's own order.
      }
    }
  }
  const int originals = std::count_if(shared_results.begin(), shared_results.end(),
                                      [](const AppendResult& r) { return !r.duplicate; });
  EXPECT_EQ(originals, TypeParam::kDeduplicates ? 1 : kThreads);
  for (const AppendResult& r : shared_results) {
    if constexpr (TypeParam::kDeduplicates) {
      EXPECT_EQ(r.position, shared_results[0].position);
      EXPECT_EQ(r.recorded_at, shared_results[0].recorded_at);
    } else {
      EXPECT_TRUE(positions.insert(r.position).second) << r.position;
    }
  }
  positions.insert(shared_results[0].position);
  const uint64_t total = kThreads * kPerThread + (TypeParam::kDeduplicates ? 1 : kThreads);
  ASSERT_EQ(positions.size(), total);
  EXPECT_EQ(*positions.begin(), 1u);
  EXPECT_EQ(*positions.rbegin(), total);  // Distinct and 1..total: dense, no gaps.

  const std::vector<cti::v1::LogRecord> records = this->ReadAll(1);
  ASSERT_EQ(records.size(), total);
  for (size_t i = 1; i < records.size(); ++i) {
    EXPECT_EQ(records[i].position(), i + 1);
    EXPECT_LE(format::FromTimestamp(records[i - 1].event().recorded_at()),
              format::FromTimestamp(records[i].event().recorded_at()));
  }
}

// AppendAsync from one thread with many appends in flight: every callback runs exactly
// once, with the same answers the blocking Append gives, and may append again.
TYPED_TEST(EventLogContractTest, AppendAsyncAnswersEveryAppendExactlyOnce) {
  constexpr int kAppends = 300;
  struct Answers {
    absl::Mutex mu;
    std::vector<int> calls = std::vector<int>(kAppends + 1);
    std::vector<absl::StatusOr<AppendResult>> results =
        std::vector<absl::StatusOr<AppendResult>>(kAppends + 1);
    int answered = 0;
    absl::Notification all;
  } answers;
  auto record = [&answers](int i) {
    return [&answers, i](absl::StatusOr<AppendResult> result) {
      absl::MutexLock lock(&answers.mu);
      ++answers.calls[i];
      answers.results[i] = std::move(result);
      if (++answers.answered == kAppends + 1) answers.all.Notify();
    };
  };
  EventLog* log = this->log_.get();
  for (int i = 0; i < kAppends; ++i) {
    if (i == 100) {  // A callback that appends again: "chained", answered as number kAppends.
      log->AppendAsync(MakeEvent("aarhus", absl::StrCat("a", i)),
                       [&answers, log, i, next = record(kAppends),
                        mine = record(i)](absl::StatusOr<AppendResult> result) mutable {
                         log->AppendAsync(MakeEvent("aarhus", "chained"), std::move(next));
                         mine(std::move(result));
                       });
      continue;
    }
    cti::v1::Event event = MakeEvent("aarhus", absl::StrCat("a", i));
    if (i == 7) event = MakeEvent("aarhus", "a3");                 // A repeat of #3.
    if (i == 8) event = MakeEvent("aarhus", "a3", /*variant=*/1);  // Another payload.
    if (i == 9) event = MakeEvent("", "no-tenant");
    log->AppendAsync(std::move(event), record(i));
  }
  ASSERT_TRUE(answers.all.WaitForNotificationWithTimeout(absl::Seconds(30)));

  absl::MutexLock lock(&answers.mu);
  std::set<uint64_t> positions;
  for (int i = 0; i <= kAppends; ++i) {
    EXPECT_EQ(answers.calls[i], 1) << i;
    const absl::StatusOr<AppendResult>& result = answers.results[i];
    if (i == 8 && TypeParam::kDeduplicates) {
      EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
      EXPECT_THAT(result.status().message(), HasSubstr("already used at position"));
    } else if (i == 9) {
      EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
    } else if (i == 7 && TypeParam::kDeduplicates) {
      ASSERT_TRUE(result.ok()) << result.status();
      EXPECT_TRUE(result->duplicate);
      EXPECT_EQ(result->position, answers.results[3]->position);
    } else {
      ASSERT_TRUE(result.ok()) << i << ": " << result.status();
      EXPECT_FALSE(result->duplicate) << i;
      EXPECT_TRUE(positions.insert(result->position).second) << result->position;
    }
  }
  // Less the repeat and the conflict (when the log deduplicates) and the invalid one.
  const uint64_t total = kAppends + 1 - (TypeParam::kDeduplicates ? 3 : 1);
  ASSERT_EQ(positions.size(), total);
  EXPECT_EQ(*positions.rbegin(), total);  // Dense: 1..total.
  EXPECT_EQ(*this->log_->EndPosition(0), total);
  EXPECT_EQ(this->ReadAll(1).size(), total);
}

}  // namespace
}  // namespace cti::log
