// Store private bulk load (store.h BeginPrivateBulkLoad): staged families written as
// ingested files give the state of logged writes, outcomes and re-applied batches work
// as ever, and an unfinished load leaves a store that the next Open wipes.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/types/span.h"
#include "gtest/gtest.h"
#include "projections/bench_workload.h"
#include "projections/internal/overlay.h"
#include "projections/internal/store_impl.h"
#include "projections/internal/txn.h"
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

void ApplyAll(Projector& projector, absl::Span<const cti::v1::LogRecord> records, size_t batch) {
  for (size_t i = 0; i < records.size(); i += batch) {
    auto applied = projector.Apply(0, records.subspan(i, std::min(batch, records.size() - i)));
    ASSERT_TRUE(applied.ok()) << applied.status();
  }
}

std::string DigestOf(const Store& store) {
  absl::StatusOr<std::string> digest = store.Digest();
  EXPECT_TRUE(digest.ok()) << digest.status();
  return digest.ok() ? *digest : "";
}

TEST(StorePrivateBulk, GivesTheStateOfLoggedWritesAndIsDurable) {
  TempDir dir;
  // Enough call records that several staged chunks are written out while loading.
  std::vector<cti::v1::LogRecord> records = bench::MakeWorkload(bench::Mix::kOffered, 60000);
  const std::vector<cti::v1::LogRecord> mixed = bench::MakeWorkload(bench::Mix::kCallHeavy, 20000);
  for (const cti::v1::LogRecord& r : mixed) {
    cti::v1::LogRecord& copy = records.emplace_back(r);
    copy.set_position(records.size());
  }
  std::string live_digest;
  {
    auto live = OpenOrDie(dir.Sub("live"));
    ASSERT_NE(live, nullptr);
    Projector projector(live.get());
    ApplyAll(projector, records, 1000);
    live_digest = DigestOf(*live);
  }
  {
    auto bulk = OpenOrDie(dir.Sub("private"));
    ASSERT_NE(bulk, nullptr);
    ASSERT_TRUE(bulk->BeginPrivateBulkLoad().ok());
    ASSERT_TRUE(bulk->BeginPrivateBulkLoad().ok());  // idempotent
    EXPECT_TRUE(bulk->bulk_loading());
    EXPECT_EQ(bulk->BeginBulkLoad().code(), absl::StatusCode::kOk);  // already bulk loading
    const absl::StatusOr<std::string> during = bulk->Digest();
    EXPECT_EQ(during.status().code(), absl::StatusCode::kFailedPrecondition);
    Projector projector(bulk.get());
    const size_t cut = records.size() - 5000;
    ApplyAll(projector, absl::MakeConstSpan(records).subspan(0, cut), 4096);
    EXPECT_EQ(bulk->AppliedPosition(0), cut);
    EXPECT_EQ(bulk->records_applied(), cut);
    ASSERT_TRUE(bulk->EndBulkLoad().ok());
    EXPECT_FALSE(bulk->bulk_loading());
    // The live path goes on from the same store, with the WAL.
    ApplyAll(projector, absl::MakeConstSpan(records).subspan(cut), 1000);
    EXPECT_EQ(bulk->records_rejected(), 0u);
    EXPECT_EQ(DigestOf(*bulk), live_digest);
  }
  auto reopened = OpenOrDie(dir.Sub("private"));
  ASSERT_NE(reopened, nullptr);
  EXPECT_FALSE(reopened->was_reset());
  EXPECT_EQ(reopened->AppliedPosition(0), records.size());
  EXPECT_EQ(DigestOf(*reopened), live_digest);
  // Event ids applied during the load are found (the eventids family was staged).
  EXPECT_EQ(*reopened->EventPosition("aarhus", records[10].event().event_id()), 11u);
}

TEST(StorePrivateBulk, OutcomesAndReappliedBatchesAreAsEver) {
  TempDir dir;
  using testing::Ended;
  using testing::Offered;
  std::vector<cti::v1::Event> events = {Offered("c1"), Ended("c1"), Offered("c2"), Offered("c2")};
  const std::vector<cti::v1::LogRecord> records = testing::Records(std::move(events));
  auto store = OpenOrDie(dir.Sub("store"));
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->BeginPrivateBulkLoad().ok());
  Projector projector(store.get());
  auto first = projector.Apply(0, records);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->size(), 4u);
  EXPECT_FALSE((*first)[0].rejected());
  EXPECT_TRUE((*first)[1].rejected()) << "a call never answered is abandoned, not ended";
  EXPECT_FALSE((*first)[2].rejected());
  EXPECT_TRUE((*first)[3].rejected());
  // Read back from the staging area, before anything reached the disk.
  auto outcome = store->OutcomeAt(0, 2);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->reason(), (*first)[1].reason());
  // A batch applied again (after a crash of its caller) gets the outcomes back.
  auto again = projector.Apply(0, records);
  ASSERT_TRUE(again.ok()) << again.status();
  for (size_t i = 0; i < again->size(); ++i) {
    EXPECT_EQ((*again)[i].rejected(), (*first)[i].rejected()) << i;
    EXPECT_EQ((*again)[i].reason(), (*first)[i].reason()) << i;
  }
  EXPECT_EQ(store->records_applied(), 4u);
  EXPECT_EQ(store->records_rejected(), 2u);
  ASSERT_TRUE(store->EndBulkLoad().ok());
  outcome = store->OutcomeAt(0, 4);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_TRUE(outcome->rejected());
}

TEST(StorePrivateBulk, AnUnfinishedLoadIsWipedByTheNextOpen) {
  TempDir dir;
  const std::vector<cti::v1::LogRecord> records = bench::MakeWorkload(bench::Mix::kOffered, 60000);
  {
    auto store = OpenOrDie(dir.Sub("store"));
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->BeginPrivateBulkLoad().ok());
    Projector projector(store.get());
    ApplyAll(projector, records, 4096);
    // Closed (as by a crash or a cancelled rebuild) without EndBulkLoad: part of the
    // state is on disk (files written out, memtables flushed by the close), part not.
  }
  auto reopened = OpenOrDie(dir.Sub("store"));
  ASSERT_NE(reopened, nullptr);
  EXPECT_TRUE(reopened->was_reset());
  EXPECT_EQ(reopened->AppliedPosition(0), 0u);
  EXPECT_EQ(reopened->records_applied(), 0u);
  auto empty = OpenOrDie(dir.Sub("empty"));
  ASSERT_NE(empty, nullptr);
  EXPECT_EQ(DigestOf(*reopened), DigestOf(*empty));
}

TEST(StorePrivateBulk, ASharedBulkLoadDoesNotBecomePrivate) {
  TempDir dir;
  auto store = OpenOrDie(dir.Sub("store"));
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->BeginBulkLoad().ok());
  EXPECT_EQ(store->BeginPrivateBulkLoad().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(store->EndBulkLoad().ok());
}

TEST(StorePrivateBulk, AScanOfAStagedFamilySeesTheStagedWrites) {
  TempDir dir;
  using testing::Offered;
  auto store = OpenOrDie(dir.Sub("store"));
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->BeginPrivateBulkLoad().ok());
  Projector projector(store.get());
  auto applied = projector.Apply(0, testing::Records({Offered("c1"), Offered("c2")}));
  ASSERT_TRUE(applied.ok()) << applied.status();
  // The rules read staged families by key only; a scan (the projector's own Txn) still
  // sees what is staged.
  internal::StoreImpl& impl = internal::ImplOf(*store);
  internal::Overlay overlay;
  internal::Txn txn(impl, &overlay, &impl.projector_cache(), /*snapshot=*/nullptr);
  std::vector<std::string> keys;
  const std::string prefix = absl::StrCat(internal::TenantPrefix("aarhus"), "c");
  ASSERT_TRUE(txn.Scan(internal::Cf::kCalls, prefix,
                       [&](absl::string_view key, absl::string_view) {
                         keys.emplace_back(key.substr(prefix.size()));
                         return true;
                       })
                  .ok());
  EXPECT_EQ(keys, (std::vector<std::string>{"c1", "c2"}));
  ASSERT_TRUE(store->EndBulkLoad().ok());
}

// True once every family of `store` has automatic compactions on (polled: they may be
// turned on by a thread of the store's own).
bool CompactionsTurnOn(Store& store) {
  internal::StoreImpl& impl = internal::ImplOf(store);
  for (int attempt = 0; attempt < 1000; ++attempt) {
    bool all_on = true;
    for (int i = 0; i < internal::kCfCount; ++i) {
      all_on =
          all_on &&
          !impl.db()->GetOptions(impl.cf(static_cast<internal::Cf>(i))).disable_auto_compactions;
    }
    if (all_on) return true;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return false;
}

bool CompactionsOff(Store& store) {
  internal::StoreImpl& impl = internal::ImplOf(store);
  return impl.db()->GetOptions(impl.cf(internal::Cf::kCalls)).disable_auto_compactions;
}

TEST(StorePrivateBulk, CompactionsStartOffInANewStoreAndGoOnWhenDue) {
  TempDir dir;
  const std::vector<cti::v1::LogRecord> records = bench::MakeWorkload(bench::Mix::kOffered, 20000);
  {  // A bulk load (a start-up replay): on once the load has ended.
    auto store = OpenOrDie(dir.Sub("shared"));
    ASSERT_NE(store, nullptr);
    EXPECT_TRUE(CompactionsOff(*store));
    ASSERT_TRUE(store->BeginBulkLoad().ok());
    Projector projector(store.get());
    ApplyAll(projector, records, 4096);
    ASSERT_TRUE(store->EndBulkLoad().ok());
    EXPECT_TRUE(CompactionsTurnOn(*store));
  }
  // A rebuild's generation (a private load), or a store written by the live path only:
  // off while there is nothing to compact, on once logged writes find enough level-0
  // files.
  for (const bool load : {true, false}) {
    auto store = OpenOrDie(dir.Sub(load ? "private" : "live"));
    ASSERT_NE(store, nullptr);
    Projector projector(store.get());
    if (load) {
      ASSERT_TRUE(store->BeginPrivateBulkLoad().ok());
      ApplyAll(projector, records, 4096);
      ASSERT_TRUE(store->EndBulkLoad().ok());
    } else {
      ApplyAll(projector, records, 100);
    }
    EXPECT_TRUE(CompactionsOff(*store));
    // Level-0 files pile up (each flush makes one): on once there are enough.
    internal::StoreImpl& impl = internal::ImplOf(*store);
    std::vector<cti::v1::LogRecord> more =
        bench::MakeWorkload(bench::Mix::kOffered, 20000 + 64 * 5);
    size_t next = 20000;
    for (int round = 0; round < 5; ++round) {
      for (int batch = 0; batch < 64; ++batch, ++next) {
        auto applied = projector.Apply(0, absl::MakeConstSpan(more).subspan(next, 1));
        ASSERT_TRUE(applied.ok()) << applied.status();
      }
      if (round < 4) {
        ASSERT_TRUE(impl.db()->Flush(rocksdb::FlushOptions(), impl.cf(internal::Cf::kCalls)).ok());
      }
    }
    EXPECT_TRUE(CompactionsTurnOn(*store));
  }
  // A store opened with data has them on from the start.
  auto reopened = OpenOrDie(dir.Sub("live"));
  ASSERT_NE(reopened, nullptr);
  EXPECT_FALSE(CompactionsOff(*reopened));
}

}  // namespace
}  // namespace cti::projections
