// Netstrings: Kamailio evapi's framing, decoded from a stream split anywhere.
#include "server/kamailio/netstring.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cti::server::kamailio {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Drain(NetstringDecoder& decoder) {
  std::vector<std::string> frames;
  std::string frame;
  while (decoder.Next(&frame)) frames.push_back(frame);
  return frames;
}

TEST(NetstringTest, Encodes) {
  EXPECT_EQ(EncodeNetstring("hello world!"), "12:hello world!,");
  EXPECT_EQ(EncodeNetstring(""), "0:,");
  EXPECT_EQ(EncodeNetstring(R"({"ack":"17"})"), R"(12:{"ack":"17"},)");
}

TEST(NetstringTest, DecodesManyFramesInOneRead) {
  NetstringDecoder decoder(100);
  ASSERT_TRUE(decoder.Feed("3:abc,0:,5:{\"a\"},").ok());
  EXPECT_THAT(Drain(decoder), ElementsAre("abc", "", "{\"a\"}"));
  EXPECT_EQ(decoder.buffered(), 0u);
}

TEST(NetstringTest, DecodesAFrameSplitAtEveryByte) {
  const std::string stream =
      EncodeNetstring("first frame") + EncodeNetstring("x") + EncodeNetstring(std::string(40, 'y'));
  NetstringDecoder decoder(100);
  std::vector<std::string> frames;
  for (char c : stream) {
    ASSERT_TRUE(decoder.Feed(std::string(1, c)).ok());
    for (const std::string& frame : Drain(decoder)) frames.push_back(frame);
  }
  EXPECT_THAT(frames, ElementsAre("first frame", "x", std::string(40, 'y')));
  EXPECT_EQ(decoder.buffered(), 0u);
}

TEST(NetstringTest, KeepsAnIncompleteFrameUntilItsRestArrives) {
  NetstringDecoder decoder(100);
  ASSERT_TRUE(decoder.Feed("5:ab").ok());
  EXPECT_TRUE(Drain(decoder).empty());
  EXPECT_EQ(decoder.buffered(), 4u);
  ASSERT_TRUE(decoder.Feed("cde").ok());
  EXPECT_TRUE(Drain(decoder).empty()) << "the ',' is still missing";
  ASSERT_TRUE(decoder.Feed(",1").ok());
  EXPECT_THAT(Drain(decoder), ElementsAre("abcde"));
  EXPECT_EQ(decoder.buffered(), 1u);
}

TEST(NetstringTest, RefusesMalformedLengths) {
  for (const char* bad : {"x:abc,", ":abc,", "3abc,", "03:abc,", "-1:a,", "12345678901:"}) {
    SCOPED_TRACE(bad);
    NetstringDecoder decoder(100);
    EXPECT_TRUE(absl::IsInvalidArgument(decoder.Feed(bad)));
  }
}

TEST(NetstringTest, RefusesAFrameWithoutItsComma) {
  NetstringDecoder decoder(100);
  absl::Status fed = decoder.Feed("2:ok,3:abc;");
  EXPECT_TRUE(absl::IsInvalidArgument(fed));
  EXPECT_THAT(fed.message(), HasSubstr("does not end with ','"));
  EXPECT_THAT(Drain(decoder), ElementsAre("ok")) << "frames before the error are kept";
}

TEST(NetstringTest, RefusesAnOversizedFrameAsSoonAsItsLengthIsRead) {
  NetstringDecoder decoder(1000);
  absl::Status fed = decoder.Feed("1001:");
  EXPECT_TRUE(absl::IsInvalidArgument(fed));
  EXPECT_THAT(fed.message(), HasSubstr("1001 bytes is longer than the limit of 1000"));
  // Even before the ':' (the length alone is too long).
  NetstringDecoder early(1000);
  EXPECT_TRUE(absl::IsInvalidArgument(early.Feed("99999")));
  // A frame of exactly the limit passes.
  NetstringDecoder exact(1000);
  ASSERT_TRUE(exact.Feed(EncodeNetstring(std::string(1000, 'z'))).ok());
  EXPECT_EQ(Drain(exact).size(), 1u);
}

TEST(NetstringTest, StaysFailedUntilReset) {
  NetstringDecoder decoder(10);
  EXPECT_FALSE(decoder.Feed("x").ok());
  EXPECT_FALSE(decoder.Feed("1:a,").ok());
  EXPECT_TRUE(Drain(decoder).empty());
  decoder.Reset();
  ASSERT_TRUE(decoder.Feed("1:a,").ok());
  EXPECT_THAT(Drain(decoder), ElementsAre("a"));
}

}  // namespace
}  // namespace cti::server::kamailio
