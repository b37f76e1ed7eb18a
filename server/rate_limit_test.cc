#include "server/rate_limit.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cti/v1/admin_service.grpc.pb.h"
#include "cti/v1/directory_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/testing/server_fixture.h"

namespace cti::server {
namespace {

using ::testing::HasSubstr;

TEST(RateLimiterTest, ABurstPassesThenCallsPassAtTheRateAndEachCallerHasItsOwnBucket) {
  cti::SimulatedClock clock(absl::FromUnixSeconds(1700000000));
  RateLimiter limiter({10, 5}, &clock);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.Admit("pbx-1").ok()) << i;
  const absl::Status refused = limiter.Admit("pbx-1");
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(refused.message(), HasSubstr("pbx-1 may make 10 calls a second"));
  EXPECT_THAT(refused.message(), HasSubstr("retry in 100 ms"));
  // Another caller is not held back by pbx-1.
  EXPECT_TRUE(limiter.Admit("reception-1").ok());
  // 100 ms refill one call; a second's quiet refills the burst, not more.
  clock.Advance(absl::Milliseconds(100));
  EXPECT_TRUE(limiter.Admit("pbx-1").ok());
  EXPECT_FALSE(limiter.Admit("pbx-1").ok());
  clock.Advance(absl::Seconds(60));
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.Admit("pbx-1").ok()) << i;
  EXPECT_FALSE(limiter.Admit("pbx-1").ok());
}

TEST(RateLimiterTest, ZeroIsNoLimitAndManyCallersAreRememberedBoundedly) {
  cti::SimulatedClock clock(absl::FromUnixSeconds(1700000000));
  RateLimiter off({0, 1}, &clock);
  for (int i = 0; i < 10000; ++i) ASSERT_TRUE(off.Admit("flood").ok());
  RateLimiter limiter({1, 1}, &clock);
  // More callers than the limiter remembers: the ones it forgets had full buckets, so
  // each still gets exactly its one call.
  for (int i = 0; i < 100000; ++i) {
    ASSERT_TRUE(limiter.Admit(absl::StrCat("caller-", i)).ok()) << i;
  }
  EXPECT_FALSE(limiter.Admit("caller-99999").ok());
}

// Over gRPC: one caller floods from 8 threads and is held to its rate; another caller,
// calling at a modest pace at the same time, is never refused. The server's clock is the
// fixture's simulated one, advanced 50 ms per polite call: 2 s pass for the limiter
// whatever the machine's speed.
TEST(RateLimiterTest, AFloodFromOneCallerDoesNotStarveAnother) {
  testing::FixtureOptions options;
  options.configure = [](CtidOptions* o) {
    o->rate_limit.calls_per_second = 50;
    o->rate_limit.burst = 20;
  };
  testing::ServerFixture fixture(options);
  std::atomic<bool> stop{false};
  std::atomic<int> flood_ok{0}, flood_refused{0}, flood_other{0};
  std::vector<std::thread> flooders;
  for (int t = 0; t < 8; ++t) {
    flooders.emplace_back([&] {
      auto stub = cti::v1::AdminService::NewStub(fixture.channel());
      while (!stop.load()) {
        grpc::ClientContext context;
        context.AddMetadata(kActorHeader, "flooder");
        context.AddMetadata(kRoleHeader, "softphone");
        cti::v1::PingResponse pong;
        const grpc::Status status = stub->Ping(&context, cti::v1::PingRequest(), &pong);
        if (status.ok()) {
          ++flood_ok;
        } else if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
          ++flood_refused;
        } else {
          ++flood_other;
        }
      }
    });
  }
  auto directory = cti::v1::DirectoryService::NewStub(fixture.channel());
  int polite_ok = 0;
  std::string first_refusal;
  for (int i = 0; i < 40; ++i) {  // 20 calls a second for 2 s: under its own limit
    grpc::ClientContext context;
    context.AddMetadata(kActorHeader, "reception-1");
    context.AddMetadata(kRoleHeader, "reception");
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    cti::v1::SearchRequest request;
    request.set_tenant(testing::kTenant);
    request.set_query("anna");
    cti::v1::SearchResponse response;
    const grpc::Status status = directory->Search(&context, request, &response);
    if (status.ok()) {
      ++polite_ok;
    } else if (first_refusal.empty()) {
      first_refusal = status.error_message();
    }
    fixture.clock().Advance(absl::Milliseconds(50));
    absl::SleepFor(absl::Milliseconds(5));  // let the flood run between polite calls
  }
  stop = true;
  for (std::thread& t : flooders) t.join();
  EXPECT_EQ(polite_ok, 40) << first_refusal;
  EXPECT_EQ(flood_other.load(), 0);
  EXPECT_GT(flood_refused.load(), 0);
  // The flooder got its burst and its rate over the 2 simulated seconds, not more.
  EXPECT_LE(flood_ok.load(), 20 + 50 * 2 + 1);
  EXPECT_GE(flood_ok.load(), 20);
}

// A request over --max-message-bytes is refused before it is parsed, naming both sizes;
// one under it is served.
TEST(MessageSizeLimitTest, ARequestOverTheLimitIsRefusedNamingTheSizes) {
  testing::FixtureOptions options;
  options.configure = [](CtidOptions* o) { o->max_message_bytes = 64 * 1024; };
  testing::ServerFixture fixture(options);
  cti::v1::SearchRequest request;
  request.set_tenant(testing::kTenant);
  request.set_query(std::string(100 * 1024, 'a'));
  cti::v1::SearchResponse response;
  auto context = testing::NewContext();
  auto directory = cti::v1::DirectoryService::NewStub(fixture.channel());
  const grpc::Status status = directory->Search(context.get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(), HasSubstr("65536"));
  request.set_query("anna");
  context = testing::NewContext();
  EXPECT_TRUE(directory->Search(context.get(), request, &response).ok());
}

}  // namespace
}  // namespace cti::server
