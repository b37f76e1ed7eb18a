// The projector's key filter (store_key_filter.cc): a store opened with data builds it
// in the background while batches go on, and once it is taken it knows every key the
// store holds, old and new: duplicates stay duplicates, the state stays the state.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/types/span.h"
#include "gtest/gtest.h"
#include "projections/bench_workload.h"
#include "projections/internal/store_impl.h"
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

std::vector<cti::v1::ApplyOutcome> ApplyAll(Projector& projector,
                                            absl::Span<const cti::v1::LogRecord> records,
                                            size_t batch) {
  std::vector<cti::v1::ApplyOutcome> all;
  for (size_t i = 0; i < records.size(); i += batch) {
    auto applied = projector.Apply(0, records.subspan(i, std::min(batch, records.size() - i)));
    EXPECT_TRUE(applied.ok()) << applied.status();
    if (applied.ok()) all.insert(all.end(), applied->begin(), applied->end());
  }
  return all;
}

// Waits until the store's projector has taken the scanned filter.
bool WaitForFilter(Store& store) {
  internal::StoreImpl& impl = internal::ImplOf(store);
  for (int i = 0; i < 2000; ++i) {
    impl.AdoptKeyFilter();
    if (impl.written_keys() != nullptr) return true;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return false;
}

TEST(StoreKeyFilter, AStoreOpenedWithDataLearnsAllItsKeys) {
  TempDir dir;
  // 30,000 new calls, then: the first 1,000 records again with their event ids (each a
  // duplicate), 1,000 calls offered again under new event ids (already offered), and
  // 1,000 new calls.
  const std::vector<cti::v1::LogRecord> first = bench::MakeWorkload(bench::Mix::kOffered, 30000);
  const std::vector<cti::v1::LogRecord> more = bench::MakeWorkload(bench::Mix::kOffered, 33000);
  std::vector<cti::v1::LogRecord> second;
  for (size_t i = 0; i < 3000; ++i) {
    cti::v1::LogRecord& r = second.emplace_back(i < 2000 ? first[i % 1000] : more[30000 + i]);
    r.set_position(30001 + i);
    if (i >= 1000 && i < 2000) r.mutable_event()->set_event_id(absl::StrCat("again-", i));
  }
  // Half of it applied while the scan may still run, half after the filter is taken.
  for (const bool wait_first : {false, true}) {
    SCOPED_TRACE(wait_first ? "applied after the scan" : "applied during the scan");
    const std::string store_dir = dir.Sub(wait_first ? "after" : "during");
    {
      auto store = OpenOrDie(store_dir);
      ASSERT_NE(store, nullptr);
      Projector projector(store.get());
      ApplyAll(projector, first, 1000);
    }
    auto store = OpenOrDie(store_dir);
    ASSERT_NE(store, nullptr);
    EXPECT_FALSE(store->was_reset());
    if (wait_first) {
      ASSERT_TRUE(WaitForFilter(*store));
    }
    Projector projector(store.get());
    const std::vector<cti::v1::ApplyOutcome> outcomes =
        ApplyAll(projector, absl::MakeConstSpan(second).subspan(0, 1500), 100);
    ASSERT_TRUE(WaitForFilter(*store));
    const std::vector<cti::v1::ApplyOutcome> rest =
        ApplyAll(projector, absl::MakeConstSpan(second).subspan(1500), 100);
    ASSERT_EQ(outcomes.size() + rest.size(), second.size());
    for (size_t i = 0; i < second.size(); ++i) {
      const cti::v1::ApplyOutcome& outcome = i < 1500 ? outcomes[i] : rest[i - 1500];
      EXPECT_EQ(outcome.rejected(), i < 2000) << i << ": " << outcome.reason();
    }
    // Keys written after the filter was taken are in it too.
    std::vector<cti::v1::LogRecord> repeat(second.end() - 10, second.end());
    for (size_t i = 0; i < repeat.size(); ++i) repeat[i].set_position(33001 + i);
    const std::vector<cti::v1::ApplyOutcome> repeated = ApplyAll(projector, repeat, 10);
    for (const cti::v1::ApplyOutcome& outcome : repeated) EXPECT_TRUE(outcome.rejected());
    EXPECT_EQ(store->records_rejected(), 2010u);
  }
}

}  // namespace
}  // namespace cti::projections
