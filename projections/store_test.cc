#include "projections/store.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "projections/internal/keys.h"
#include "projections/internal/store_impl.h"
#include "projections/projector.h"
#include "projections/testing/test_util.h"
#include "rocksdb/db.h"

namespace cti::projections {
namespace {

using internal::Cf;
using testing::Records;
using testing::TempDir;

std::unique_ptr<Store> OpenOrDie(const std::string& dir) {
  auto store = Store::Open(dir);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? std::move(*store) : nullptr;
}

std::vector<cti::v1::Event> SomeStaff() {
  return {testing::Administration("adm", "Administration"),
          testing::Department("dep", "Borgerservice", "adm", {"pas"}),
          testing::Hire("e1", "Anna Holm", "dep", "4711"),
          testing::Hire("e1", "Anna Again", "dep")};  // rejected: id reused
}

TEST(Store, FreshStoreIsResetAndEmpty) {
  TempDir dir;
  auto store = OpenOrDie(dir.Sub("s"));
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->was_reset());
  EXPECT_EQ(store->AppliedPosition(0), 0u);
  EXPECT_EQ(store->records_applied(), 0u);
  EXPECT_EQ(store->records_rejected(), 0u);
  auto digest = store->Digest();
  ASSERT_TRUE(digest.ok()) << digest.status();
  EXPECT_EQ(digest->size(), 64u);
  EXPECT_EQ(store->OutcomeAt(0, 1).status().code(), absl::StatusCode::kNotFound);
}

TEST(Store, ReopenKeepsStateCheckpointAndCounters) {
  TempDir dir;
  std::string digest;
  {
    auto store = OpenOrDie(dir.Sub("s"));
    Projector projector(store.get());
    ASSERT_TRUE(projector.Apply(0, Records(SomeStaff())).ok());
    digest = *store->Digest();
    ASSERT_TRUE(store->Close().ok());
  }
  auto store = OpenOrDie(dir.Sub("s"));
  EXPECT_FALSE(store->was_reset());
  EXPECT_EQ(store->AppliedPosition(0), 4u);
  EXPECT_EQ(store->AppliedPosition(1), 0u);
  EXPECT_EQ(store->records_applied(), 4u);
  EXPECT_EQ(store->records_rejected(), 1u);
  EXPECT_EQ(*store->Digest(), digest);
}

TEST(Store, OutcomeAtReportsAppliedAndRejectedRecords) {
  TempDir dir;
  auto store = OpenOrDie(dir.Sub("s"));
  Projector projector(store.get());
  ASSERT_TRUE(projector.Apply(0, Records(SomeStaff())).ok());
  auto applied = store->OutcomeAt(0, 3);
  ASSERT_TRUE(applied.ok());
  EXPECT_FALSE(applied->rejected());
  EXPECT_EQ(applied->reason(), "");
  auto rejected = store->OutcomeAt(0, 4);
  ASSERT_TRUE(rejected.ok());
  EXPECT_TRUE(rejected->rejected());
  EXPECT_EQ(rejected->reason(),
            "employee_id 'e1' was already hired; employee ids are never reused");
  EXPECT_EQ(store->OutcomeAt(0, 5).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store->OutcomeAt(1, 1).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store->OutcomeAt(0, 0).status().code(), absl::StatusCode::kNotFound);
}

TEST(Store, PartitionsHaveTheirOwnCheckpoints) {
  TempDir dir;
  auto store = OpenOrDie(dir.Sub("s"));
  Projector projector(store.get());
  auto other = Records({testing::Administration("adm", "Administration")}, 40);
  for (auto& r : other) r.mutable_event()->set_tenant("odense");
  ASSERT_TRUE(projector.Apply(3, other).ok());
  ASSERT_TRUE(projector.Apply(0, Records(SomeStaff())).ok());
  EXPECT_EQ(store->AppliedPosition(3), 40u);
  EXPECT_EQ(store->AppliedPosition(0), 4u);
  EXPECT_EQ(store->records_applied(), 5u);
}

TEST(Store, AnotherSchemaVersionIsWipedOnOpen) {
  TempDir dir;
  std::string empty_digest;
  {
    auto empty = OpenOrDie(dir.Sub("empty"));
    empty_digest = *empty->Digest();
  }
  {
    auto store = OpenOrDie(dir.Sub("s"));
    Projector projector(store.get());
    ASSERT_TRUE(projector.Apply(0, Records(SomeStaff())).ok());
    // Pretend an older build wrote this store, with a family this build does not know.
    auto& impl = internal::ImplOf(*store);
    std::string old_version;
    internal::AppendBigEndian32(&old_version, kSchemaVersion + 1);
    ASSERT_TRUE(impl.db()
                    ->Put(rocksdb::WriteOptions(), impl.cf(Cf::kMeta),
                          internal::ToSlice(internal::kMetaSchemaVersion), old_version)
                    .ok());
    rocksdb::ColumnFamilyHandle* legacy = nullptr;
    ASSERT_TRUE(
        impl.db()->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), "legacy", &legacy).ok());
    ASSERT_TRUE(impl.db()->DestroyColumnFamilyHandle(legacy).ok());
    ASSERT_TRUE(store->Close().ok());
  }
  auto store = OpenOrDie(dir.Sub("s"));
  EXPECT_TRUE(store->was_reset());
  EXPECT_EQ(store->AppliedPosition(0), 0u);
  EXPECT_EQ(store->records_applied(), 0u);
  EXPECT_EQ(store->records_rejected(), 0u);
  EXPECT_EQ(*store->Digest(), empty_digest);
  ASSERT_TRUE(store->Close().ok());
  // And the version is now current: no second wipe.
  auto again = OpenOrDie(dir.Sub("s"));
  EXPECT_FALSE(again->was_reset());
}

TEST(Store, DigestIgnoresFileLayoutAndTracksContent) {
  TempDir dir;
  auto a = OpenOrDie(dir.Sub("a"));
  auto b = OpenOrDie(dir.Sub("b"));
  Projector pa(a.get());
  Projector pb(b.get());
  ASSERT_TRUE(pa.Apply(0, Records(SomeStaff())).ok());
  ASSERT_TRUE(pb.Apply(0, Records(SomeStaff())).ok());
  const std::string before = *a->Digest();
  EXPECT_EQ(before, *b->Digest());

  // Flush and compact one of them: files change, the digest does not.
  auto& impl = internal::ImplOf(*a);
  for (int i = 0; i < internal::kCfCount; ++i) {
    ASSERT_TRUE(impl.db()->Flush(rocksdb::FlushOptions(), impl.cf(static_cast<Cf>(i))).ok());
    ASSERT_TRUE(impl.db()
                    ->CompactRange(rocksdb::CompactRangeOptions(), impl.cf(static_cast<Cf>(i)),
                                   nullptr, nullptr)
                    .ok());
  }
  EXPECT_EQ(*a->Digest(), before);

  ASSERT_TRUE(pa.Apply(0, Records({testing::Hire("e9", "Ib Ny", "dep")}, 5)).ok());
  EXPECT_NE(*a->Digest(), before);
}

}  // namespace
}  // namespace cti::projections
