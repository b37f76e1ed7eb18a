// Per-caller rate limits (issue 7, item 7): each identified caller (its actor id) has a
// token bucket of `burst` calls that refills at `calls_per_second`. A call that finds
// the bucket empty is refused with RESOURCE_EXHAUSTED naming the caller, the limit and
// when a call will pass again, before any work is done: one client's flood costs the
// others no more than a refusal per call, and never their own share.
//
// Example:
//   RateLimiter limiter({.calls_per_second = 200, .burst = 400}, clock);
//   if (absl::Status admitted = limiter.Admit(caller.actor.id()); !admitted.ok()) ...
//
// Thread safety: Admit is safe to call from many threads (sharded locks).
#ifndef CTI_SERVER_RATE_LIMIT_H_
#define CTI_SERVER_RATE_LIMIT_H_

#include <array>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/clock.h"

namespace cti::server {

class RateLimiter {
 public:
  struct Options {
    // Sustained calls per second per caller; 0: no limit.
    double calls_per_second = 0;
    // Calls a caller may make at once after being quiet; at least 1.
    double burst = 1;
  };

  // `clock` must outlive the limiter.
  RateLimiter(Options options, cti::Clock* clock);

  // Takes one call from `caller`'s bucket: OK, or RESOURCE_EXHAUSTED.
  absl::Status Admit(absl::string_view caller);

  bool enabled() const { return options_.calls_per_second > 0; }

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time refilled;
  };
  struct Shard {
    absl::Mutex mu;
    absl::flat_hash_map<std::string, Bucket> buckets ABSL_GUARDED_BY(mu);
  };
  static constexpr size_t kShards = 16;
  // Callers remembered per shard before full buckets are forgotten (a forgotten caller
  // starts again with a full bucket, which is what it would have).
  static constexpr size_t kMaxCallersPerShard = 4096;

  const Options options_;
  cti::Clock* const clock_;
  std::array<Shard, kShards> shards_;
};

}  // namespace cti::server

#endif  // CTI_SERVER_RATE_LIMIT_H_
