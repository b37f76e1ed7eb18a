// RouteCache: which calls may use which entries.
#include "projections/route_cache.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"

namespace cti::projections {
namespace {

TEST(RouteCacheTest, ACallAheadOfWhatTheCacheKnowsBypassesIt) {
  RouteCache cache({10});
  EXPECT_EQ(cache.VersionFor(0, 10), 10u);
  EXPECT_FALSE(cache.VersionFor(0, 11).has_value()) << "position 11 may hold a change";
  cache.NoteApplied(0, 12, /*routing_changed=*/false);
  EXPECT_EQ(cache.VersionFor(0, 11), 10u);
  EXPECT_EQ(cache.VersionFor(0, 12), 10u);
  EXPECT_FALSE(cache.VersionFor(0, 9).has_value()) << "before the last change known";
  EXPECT_FALSE(cache.VersionFor(1, 10).has_value()) << "no such partition";
}

TEST(RouteCacheTest, ACallChangeMovesTheCallsVersionButKeepsTheEntries) {
  RouteCache cache({10});
  cache.Put<std::string>(0, 10, "e1", std::make_shared<const std::string>("Anna Holm"));
  EXPECT_EQ(cache.CallsVersionFor(0, 10), 10u);
  cache.NoteApplied(0, 13, /*routing_changed=*/false, /*calls_changed=*/true);
  EXPECT_EQ(cache.VersionFor(0, 13), 10u) << "calls are not routing records";
  EXPECT_EQ(cache.CallsVersionFor(0, 13), 13u);
  EXPECT_FALSE(cache.CallsVersionFor(0, 12).has_value()) << "before the last call change";
  EXPECT_FALSE(cache.CallsVersionFor(0, 14).has_value()) << "ahead of what the cache knows";
  EXPECT_TRUE(cache.Find<std::string>(0, 10, "e1").has_value());
}

TEST(RouteCacheTest, AChangeRetiresTheEntriesOfTheOldVersion) {
  RouteCache cache({5});
  cache.Put<std::string>(0, 5, "e1", std::make_shared<const std::string>("Anna Holm"));
  cache.Put<std::string>(0, 5, "e9", nullptr);  // a remembered absence
  ASSERT_TRUE(cache.Find<std::string>(0, 5, "e1").has_value());
  EXPECT_EQ(**cache.Find<std::string>(0, 5, "e1"), "Anna Holm");
  ASSERT_TRUE(cache.Find<std::string>(0, 5, "e9").has_value());
  EXPECT_EQ(*cache.Find<std::string>(0, 5, "e9"), nullptr);
  EXPECT_FALSE(cache.Find<std::string>(0, 5, "e2").has_value());

  cache.NoteApplied(0, 8, /*routing_changed=*/true);
  EXPECT_EQ(cache.VersionFor(0, 8), 8u);
  EXPECT_FALSE(cache.VersionFor(0, 7).has_value()) << "a snapshot from before the change";
  EXPECT_FALSE(cache.Find<std::string>(0, 8, "e1").has_value());
  EXPECT_EQ(cache.size(), 0u);
  // A call still reading the old state cannot put entries any more.
  cache.Put<std::string>(0, 5, "e1", std::make_shared<const std::string>("stale"));
  EXPECT_FALSE(cache.Find<std::string>(0, 5, "e1").has_value());
  EXPECT_EQ(cache.size(), 0u);
}

TEST(RouteCacheTest, ForgetAllLetsNothingReadFromTheOldGenerationBeUsedAgain) {
  RouteCache cache({20});
  cache.Put<std::string>(0, 20, "e1", std::make_shared<const std::string>("Anna Holm"));
  cache.ForgetAll();  // a new generation reads positions up to 20 differently
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_FALSE(cache.VersionFor(0, 20).has_value()) << "20 may read differently now";
  // A call that took version 20 before the switch puts what it read: never found.
  cache.Put<std::string>(0, 20, "e1", std::make_shared<const std::string>("Anna Holm"));
  EXPECT_FALSE(cache.Find<std::string>(0, 20, "e1").has_value());
  // Records applied after the switch are read from the new generation only.
  cache.NoteApplied(0, 21, /*routing_changed=*/false);
  EXPECT_EQ(cache.VersionFor(0, 21), 21u);
  EXPECT_FALSE(cache.Find<std::string>(0, 21, "e1").has_value());
  cache.Put<std::string>(0, 21, "e1", std::make_shared<const std::string>("[slettet]"));
  EXPECT_EQ(**cache.Find<std::string>(0, 21, "e1"), "[slettet]");
}

TEST(RouteCacheTest, CallRecordsDoNotRetireEntries) {
  RouteCache cache({5});
  cache.Put<std::string>(0, 5, "u1", std::make_shared<const std::string>("Ydelse"));
  cache.NoteApplied(0, 50, /*routing_changed=*/false);
  EXPECT_EQ(cache.VersionFor(0, 50), 5u);
  EXPECT_TRUE(cache.Find<std::string>(0, 5, "u1").has_value());
}

}  // namespace
}  // namespace cti::projections
