#include "server/rate_limit.h"

#include <algorithm>
#include <cmath>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cti::server {

RateLimiter::RateLimiter(Options options, cti::Clock* clock)
    : options_{options.calls_per_second, std::max(1.0, options.burst)}, clock_(clock) {}

absl::Status RateLimiter::Admit(absl::string_view caller) {
  if (!enabled()) return absl::OkStatus();
  const absl::Time now = clock_->Now();
  Shard& shard = shards_[absl::HashOf(caller) % kShards];
  absl::MutexLock lock(&shard.mu);
  auto it = shard.buckets.find(caller);
  if (it == shard.buckets.end()) {
    if (shard.buckets.size() >= kMaxCallersPerShard) {
      // Forget the callers whose buckets have refilled: they lose nothing.
      absl::erase_if(shard.buckets, [&](const auto& entry) {
        const Bucket& b = entry.second;
        return b.tokens + absl::ToDoubleSeconds(now - b.refilled) * options_.calls_per_second >=
               options_.burst;
      });
    }
    it = shard.buckets.emplace(std::string(caller), Bucket{options_.burst, now}).first;
  }
  Bucket& bucket = it->second;
  if (now > bucket.refilled) {
    bucket.tokens =
        std::min(options_.burst, bucket.tokens + absl::ToDoubleSeconds(now - bucket.refilled) *
                                                     options_.calls_per_second);
    bucket.refilled = now;
  }
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return absl::OkStatus();
  }
  const double wait_ms = std::ceil((1 - bucket.tokens) / options_.calls_per_second * 1000);
  return absl::ResourceExhaustedError(
      absl::StrFormat("rate limit: %s may make %g calls a second (bursts of %g); retry in %.0f ms",
                      std::string(caller), options_.calls_per_second, options_.burst, wait_ms));
}

}  // namespace cti::server
