// End-to-end: EventService.Append under concurrency and idempotency, on a real ctid.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/support/ctid_fixture.h"

namespace cti::test_support {
namespace {

using ::testing::MatchesRegex;

class AppendTest : public CtidTest {};

TEST_F(AppendTest, ConcurrentAppendsGetDistinctDensePositionsThatMatchTheLog) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 100;
  std::mutex mu;
  std::map<uint64_t, std::string> acked;  // position -> event_id
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string id = absl::StrCat("pbx-", t, "-", i);
        absl::StatusOr<cti::v1::AppendResponse> r =
            client().Append(LoadCallEvent(kTenant, id, static_cast<uint64_t>(t * 1000 + i)));
        ASSERT_TRUE(r.ok()) << r.status();
        EXPECT_FALSE(r->duplicate());
        EXPECT_EQ(r->event_id(), id);
        std::lock_guard<std::mutex> lock(mu);
        EXPECT_TRUE(acked.emplace(r->position(), id).second) << "position reused";
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const uint64_t total = kThreads * kPerThread;
  ASSERT_EQ(acked.size(), total);
  EXPECT_EQ(acked.begin()->first, 1u);
  EXPECT_EQ(acked.rbegin()->first, total);

  absl::StatusOr<std::vector<cti::v1::LogRecord>> records =
      client().ReadRecords(SubscribeFrom(kTenant, 0), total);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), total);
  for (const cti::v1::LogRecord& r : *records) {
    EXPECT_EQ(r.event().event_id(), acked[r.position()]) << "at " << r.position();
  }
}

// A client that appends a unit and then, as soon as that is acknowledged, an employee in
// it must not be refused: validation has to see the client's own acknowledged writes
// (read your writes), just as every query does with min_position. `ctictl append` of a
// file (units, then their employees) depends on this.
TEST_F(AppendTest, DependentAppendsInARowAreValidatedAgainstTheEarlierOnes) {
  for (int i = 0; i < 20; ++i) {
    const std::string unit_id = absl::StrCat("skole-", i);
    absl::StatusOr<cti::v1::AppendResponse> unit = client().Append(factory_.UnitDefined(
        MakeUnit(unit_id, cti::v1::UNIT_KIND_ADMINISTRATION, absl::StrCat("Skole nr. ", i))));
    ASSERT_TRUE(unit.ok()) << unit.status();
    absl::StatusOr<cti::v1::AppendResponse> hired = client().Append(factory_.EmployeeHired(
        MakeEmployee(absl::StrCat("e6", i), absl::StrCat("Lærer Ølund ", i), unit_id)));
    ASSERT_TRUE(hired.ok()) << "hire right after defining " << unit_id << " (acknowledged at "
                            << unit->position() << "): " << hired.status();
    absl::StatusOr<cti::v1::AppendResponse> left =
        client().Append(factory_.EmployeeLeft(absl::StrCat("e6", i)));
    ASSERT_TRUE(left.ok()) << left.status();
  }
}

TEST_F(AppendTest, SameEventFromManyClientsAtOnceIsAppendedOnce) {
  const cti::v1::Event event = factory_.CallOffered("sip-dobbelt@pbx", "+4520304050");
  constexpr int kThreads = 8;
  std::mutex mu;
  std::vector<cti::v1::AppendResponse> answers;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        absl::StatusOr<cti::v1::AppendResponse> r = client().Append(event);
        ASSERT_TRUE(r.ok()) << r.status();
        std::lock_guard<std::mutex> lock(mu);
        answers.push_back(*r);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_EQ(answers.size(), kThreads * 5u);
  int originals = 0;
  for (const cti::v1::AppendResponse& a : answers) {
    EXPECT_EQ(a.position(), 1u);
    EXPECT_EQ(a.event_id(), event.event_id());
    if (!a.duplicate()) ++originals;
  }
  EXPECT_EQ(originals, 1);
  absl::StatusOr<cti::v1::GetStatusResponse> status = client().Status(1);
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->log_end_position(), 1u);
}

TEST_F(AppendTest, DuplicateIsRecognisedAfterARestart) {
  const cti::v1::Event event =
      factory_.EmployeeHired(MakeEmployee("e4001", "Birgitte Kløvedal", "mangler-ikke", "4801"));
  // The unit must exist first.
  const uint64_t end = AppendAll({factory_.UnitDefined(
      MakeUnit("mangler-ikke", cti::v1::UNIT_KIND_ADMINISTRATION, "Økonomi og Personale"))});
  absl::StatusOr<cti::v1::AppendResponse> first = client().Append(event);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->position(), end + 1);
  RestartCtid();
  absl::StatusOr<cti::v1::AppendResponse> again = client().Append(event);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->duplicate());
  EXPECT_EQ(again->position(), first->position());
  EXPECT_EQ(absl::StrCat(again->recorded_at().seconds(), ".", again->recorded_at().nanos()),
            absl::StrCat(first->recorded_at().seconds(), ".", first->recorded_at().nanos()));
}

TEST_F(AppendTest, ServerMakesEventIdsAndStampsRecordedAtAndSchemaVersion) {
  cti::v1::Event a = factory_.CallOffered("sip-a@pbx", "+4520304050");
  cti::v1::Event b = factory_.CallOffered("sip-b@pbx", "+4520304051");
  a.clear_event_id();
  b.clear_event_id();
  a.mutable_recorded_at()->set_seconds(1);  // Replaced by the log.
  absl::StatusOr<cti::v1::AppendResponse> ra = client().Append(a);
  absl::StatusOr<cti::v1::AppendResponse> rb = client().Append(b);
  ASSERT_TRUE(ra.ok()) << ra.status();
  ASSERT_TRUE(rb.ok()) << rb.status();
  EXPECT_THAT(ra->event_id(), MatchesRegex("[A-Za-z0-9._:-]{1,64}"));
  EXPECT_NE(ra->event_id(), rb->event_id());
  EXPECT_GT(ra->recorded_at().seconds(), 1700000000);  // The log's clock, not the body's 1.

  absl::StatusOr<std::vector<cti::v1::LogRecord>> records =
      client().ReadRecords(SubscribeFrom(kTenant, 0), rb->position());
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 2u);
  const cti::v1::Event& stored = (*records)[0].event();
  EXPECT_EQ(stored.event_id(), ra->event_id());
  EXPECT_EQ(stored.recorded_at().seconds(), ra->recorded_at().seconds());
  EXPECT_EQ(stored.recorded_at().nanos(), ra->recorded_at().nanos());
  EXPECT_EQ(stored.schema_version(), 1u);
  EXPECT_EQ(stored.occurred_at().seconds(), a.occurred_at().seconds());
}

}  // namespace
}  // namespace cti::test_support
