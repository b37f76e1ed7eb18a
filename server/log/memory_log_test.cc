// MemoryLog beyond the shared contract (event_log_contract_test.cc): several partitions
// and injected append errors.
#include "server/log/memory_log.h"

#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/log/log_format.h"
#include "server/log/log_test_util.h"

namespace cti::log {
namespace {

using testing::MakeEvent;

const absl::Time kStart = absl::FromUnixSeconds(1700000000);

TEST(MemoryLogTest, TenantsMapToStablePartitions) {
  SimulatedClock clock(kStart);
  MemoryLog log(&clock, 4);
  EXPECT_EQ(log.partition_count(), 4);
  EXPECT_EQ(log.backend_name(), "memory");
  // The partition is FNV-1a 64 of the tenant modulo the count: fixed across runs.
  EXPECT_EQ(log.PartitionOf("a"), static_cast<int>(0xaf63dc4c8601ec8cull % 4));
  EXPECT_EQ(log.PartitionOf(""), static_cast<int>(14695981039346656037ull % 4));
  MemoryLog other(&clock, 4);
  for (const char* tenant : {"aarhus", "odense", "aalborg", "esbjerg", "vejle"}) {
    EXPECT_EQ(log.PartitionOf(tenant), other.PartitionOf(tenant)) << tenant;
  }
}

TEST(MemoryLogTest, EachPartitionHasItsOwnDensePositions) {
  SimulatedClock clock(kStart);
  MemoryLog log(&clock, 3);
  std::map<int, uint64_t> appended;  // partition -> count
  std::map<std::string, int> partition_of;
  for (int i = 0; i < 60; ++i) {
    const std::string tenant = absl::StrCat("kommune-", i % 7);
    const int partition = log.PartitionOf(tenant);
    partition_of[tenant] = partition;
    auto result = log.Append(MakeEvent(tenant, absl::StrCat("e", i)));
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->position, ++appended[partition]);
  }
  EXPECT_GT(appended.size(), 1u);  // The seven tenants do not all share one partition.
  for (int partition = 0; partition < 3; ++partition) {
    EXPECT_EQ(*log.EndPosition(partition), appended[partition]);
    auto reader = *log.OpenReader(partition, 1);
    auto records = *reader->Next(1000, absl::ZeroDuration());
    ASSERT_EQ(records.size(), appended[partition]);
    for (size_t i = 0; i < records.size(); ++i) {
      EXPECT_EQ(records[i].position(), i + 1);
      EXPECT_EQ(partition_of[records[i].event().tenant()], partition);
    }
  }
  // Idempotency still finds a record in another partition than 0.
  const std::string tenant = "kommune-3";
  auto again = log.Append(MakeEvent(tenant, "e3"));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
}

TEST(MemoryLogTest, InjectedErrorsFailAppendsAndAppendNothing) {
  SimulatedClock clock(kStart);
  MemoryLog log(&clock);
  ASSERT_TRUE(log.Append(MakeEvent("aarhus", "a")).ok());
  log.InjectAppendError(absl::ResourceExhaustedError("disk full"));
  auto failed = log.Append(MakeEvent("aarhus", "b"));
  EXPECT_EQ(failed.status(), absl::ResourceExhaustedError("disk full"));
  EXPECT_EQ(*log.EndPosition(0), 1u);
  log.InjectAppendError(absl::OkStatus());
  auto retried = log.Append(MakeEvent("aarhus", "b"));
  ASSERT_TRUE(retried.ok());
  EXPECT_EQ(retried->position, 2u);
  EXPECT_FALSE(retried->duplicate);
}

}  // namespace
}  // namespace cti::log
