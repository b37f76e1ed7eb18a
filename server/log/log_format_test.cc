#include "server/log/log_format.h"

#include "gtest/gtest.h"
#include "server/log/log_test_util.h"

namespace cti::log::format {
namespace {

TEST(LogFormatTest, RecordKeysAreBigEndianAndSortByPartitionThenPosition) {
  const std::string key = RecordKey(1, 258);
  EXPECT_EQ(key, std::string("\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x01\x02", 12));
  EXPECT_LT(RecordKey(0, 255), RecordKey(0, 256));
  EXPECT_LT(RecordKey(0, ~0ull), RecordKey(1, 1));
  const auto parts = ParseRecordKey(key);
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->partition, 1u);
  EXPECT_EQ(parts->position, 258u);
  EXPECT_FALSE(ParseRecordKey("short").has_value());
}

TEST(LogFormatTest, EventIdKeysSeparateTenantFromId) {
  EXPECT_NE(EventIdKey("ab", "c"), EventIdKey("a", "bc"));
  EXPECT_EQ(EventIdKey("ab", "c"), std::string("\x00\x00\x00\x02"
                                               "abc",
                                               7));
}

TEST(LogFormatTest, EventIdEntriesRoundTrip) {
  const EventIdEntry entry{3, 123456789, std::string(kDigestSize, 'd')};
  const auto decoded = DecodeEventIdEntry(EncodeEventIdEntry(entry));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->partition, 3u);
  EXPECT_EQ(decoded->position, 123456789u);
  EXPECT_EQ(decoded->digest, entry.digest);
  EXPECT_FALSE(DecodeEventIdEntry("garbage").has_value());
}

TEST(LogFormatTest, DigestIgnoresRecordedAtOnly) {
  cti::v1::Event event = testing::MakeEvent("aarhus", "e1");
  const std::string digest = PayloadDigest(event);
  EXPECT_EQ(digest.size(), kDigestSize);
  cti::v1::Event stamped = event;
  ToTimestamp(absl::FromUnixSeconds(42), stamped.mutable_recorded_at());
  EXPECT_EQ(PayloadDigest(stamped), digest);
  EXPECT_NE(PayloadDigest(testing::MakeEvent("aarhus", "e1", 1)), digest);
  cti::v1::Event other_actor = event;
  other_actor.mutable_actor()->set_id("someone-else");
  EXPECT_NE(PayloadDigest(other_actor), digest);
}

TEST(LogFormatTest, TimestampsRoundTripAtNanosecondResolution) {
  for (absl::Time t : {absl::FromUnixNanos(1700000000123456789), absl::FromUnixNanos(-1),
                       absl::UnixEpoch(), absl::FromUnixSeconds(-86400 * 365)}) {
    google::protobuf::Timestamp ts;
    ToTimestamp(t, &ts);
    EXPECT_GE(ts.nanos(), 0);
    EXPECT_LT(ts.nanos(), 1000000000);
    EXPECT_EQ(FromTimestamp(ts), t);
  }
  const absl::Time fine = absl::FromUnixNanos(5) + absl::Nanoseconds(1) / 4;
  EXPECT_EQ(TruncateToNanos(fine), absl::FromUnixNanos(5));
}

TEST(LogFormatTest, StableHashIsFnv1a64) {
  EXPECT_EQ(StableHash64(""), 14695981039346656037ull);
  EXPECT_EQ(StableHash64("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(StableHash64("foobar"), 0x85944171f73967e8ull);
}

}  // namespace
}  // namespace cti::log::format
