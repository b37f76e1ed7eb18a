// The projector's time index (recorded_at -> position) and the outcomes range read that
// AuditService.Replay uses (log_index.h).
#include "projections/log_index.h"

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "projections/projector.h"
#include "projections/testing/test_util.h"

namespace cti::projections {
namespace {

using testing::kT0;
using testing::Records;
using testing::TempDir;

// Staff records recorded at kT0 + `seconds[i]` (and `nanos` into that second).
std::vector<cti::v1::LogRecord> RecordedAt(const std::vector<int64_t>& seconds, uint64_t first,
                                           int32_t nanos = 0) {
  std::vector<cti::v1::Event> events;
  for (size_t i = 0; i < seconds.size(); ++i) {
    events.push_back(testing::Administration(absl::StrCat("adm", first + i), "Forvaltning"));
  }
  std::vector<cti::v1::LogRecord> records = Records(std::move(events), first);
  for (size_t i = 0; i < records.size(); ++i) {
    google::protobuf::Timestamp* at = records[i].mutable_event()->mutable_recorded_at();
    at->set_seconds(kT0 + seconds[i]);
    at->set_nanos(nanos);
  }
  return records;
}

absl::Time At(int64_t seconds_after_t0, int64_t millis = 0) {
  return absl::FromUnixSeconds(kT0 + seconds_after_t0) + absl::Milliseconds(millis);
}

class LogIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::Open(dir_.Sub("s"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    projector_ = std::make_unique<Projector>(store_.get());
  }
  void Apply(const std::vector<cti::v1::LogRecord>& records) {
    auto outcomes = projector_->Apply(0, records);
    ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  }
  uint64_t First(absl::Time t) {
    absl::StatusOr<uint64_t> position = FirstPositionFrom(*store_, 0, t);
    EXPECT_TRUE(position.ok()) << position.status();
    return position.ok() ? *position : 0;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Projector> projector_;
};

TEST_F(LogIndexTest, AnEmptyLogAnswersPositionOne) { EXPECT_EQ(First(At(0)), 1u); }

TEST_F(LogIndexTest, FindsTheFirstRecordOfEachSecond) {
  // Positions 1..6 recorded in seconds 0, 0, 1, 5, 5, 9.
  Apply(RecordedAt({0, 0, 1, 5, 5, 9}, 1));
  EXPECT_EQ(First(At(-100)), 1u);
  EXPECT_EQ(First(At(0)), 1u);
  EXPECT_EQ(First(At(0, 500)), 1u);  // the second's first record; exact times are the reader's
  EXPECT_EQ(First(At(1)), 3u);
  EXPECT_EQ(First(At(2)), 4u);  // no record in seconds 2..4: the next one recorded
  EXPECT_EQ(First(At(5)), 4u);
  EXPECT_EQ(First(At(6)), 6u);
  EXPECT_EQ(First(At(9)), 6u);
  EXPECT_EQ(First(At(10)), 7u);  // after the last record: applied + 1
}

TEST_F(LogIndexTest, FollowsTheRunningMaximumWhenTheClockStepsBack) {
  // Position 3 is stamped before position 2 (the log's clock stepped back).
  Apply(RecordedAt({0, 10, 4, 11}, 1));
  // Every record before the answer was recorded before the asked second by the running
  // maximum; position 3 is found by position, not by its own time.
  EXPECT_EQ(First(At(4)), 2u);
  EXPECT_EQ(First(At(10)), 2u);
  EXPECT_EQ(First(At(11)), 4u);
}

TEST_F(LogIndexTest, ContinuesAcrossBatchesProjectorsAndReopening) {
  Apply(RecordedAt({0, 3}, 1));
  Apply(RecordedAt({3, 3, 7}, 3));  // second 3 continues: not indexed again
  EXPECT_EQ(First(At(3)), 2u);
  // A new projector (a restart) loads where the index stands.
  projector_ = std::make_unique<Projector>(store_.get());
  Apply(RecordedAt({7, 8}, 6));
  EXPECT_EQ(First(At(7)), 5u);
  EXPECT_EQ(First(At(8)), 7u);
  projector_.reset();
  ASSERT_TRUE(store_->Close().ok());
  store_.reset();
  auto reopened = Store::Open(dir_.Sub("s"));
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  store_ = *std::move(reopened);
  projector_ = std::make_unique<Projector>(store_.get());
  Apply(RecordedAt({8, 12}, 8));
  EXPECT_EQ(First(At(8)), 7u);
  EXPECT_EQ(First(At(9)), 9u);
  EXPECT_EQ(First(At(12)), 9u);
}

TEST_F(LogIndexTest, ReapplyingABatchLeavesTheIndexAsItWas) {
  const std::vector<cti::v1::LogRecord> records = RecordedAt({0, 1, 2}, 1);
  Apply(records);
  const std::string digest = *store_->Digest();
  Apply(records);
  EXPECT_EQ(*store_->Digest(), digest);
  EXPECT_EQ(First(At(1)), 2u);
}

TEST_F(LogIndexTest, RejectedBetweenAnswersTheRejectedRecordsOfARange) {
  std::vector<cti::v1::Event> events = {
      testing::Administration("adm", "Forvaltning"),
      testing::Department("bs", "Borgerservice", "adm"),
      testing::Hire("e1", "Anna Holm", "bs", "4711"),
      testing::Hire("e2", "Bo Lund", "bs", "4711"),  // 4: rejected (extension taken)
      testing::Hire("e3", "Carl Berg", "bs", "4712"),
      testing::Hire("e4", "Dorte Dam", "bs", "4712"),  // 6: rejected
      testing::Hire("e5", "Eva Ernst", "bs", "4713"),
  };
  Apply(Records(std::move(events)));
  auto all = RejectedBetween(*store_, 0, 1, 7);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].first, 4u);
  EXPECT_TRUE((*all)[0].second.rejected());
  EXPECT_NE((*all)[0].second.reason().find("4711"), std::string::npos) << (*all)[0].second.reason();
  EXPECT_EQ((*all)[1].first, 6u);
  auto middle = RejectedBetween(*store_, 0, 5, 6);
  ASSERT_TRUE(middle.ok());
  ASSERT_EQ(middle->size(), 1u);
  EXPECT_EQ((*middle)[0].first, 6u);
  auto none = RejectedBetween(*store_, 0, 7, 7);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  auto other_partition = RejectedBetween(*store_, 1, 1, 7);
  ASSERT_TRUE(other_partition.ok());
  EXPECT_TRUE(other_partition->empty());
}

}  // namespace
}  // namespace cti::projections
