// CtidTest: a GoogleTest fixture that starts a fresh ctid (temp data dir, 127.0.0.1:0)
// before each test and stops it with SIGTERM after, expecting a clean exit (code 0).
//
// Example:
//   class MyTest : public CtidTest {};
//   TEST_F(MyTest, Works) {
//     uint64_t end = AppendAll(DemoOrganisation(factory_));
//     EXPECT_EQ(client().Status(end)->applied_position(), end);
//   }
//
// Header-only: include it from test files, which link GoogleTest.
#ifndef CTI_TESTS_SUPPORT_CTID_FIXTURE_H_
#define CTI_TESTS_SUPPORT_CTID_FIXTURE_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "tests/support/cti_client.h"
#include "tests/support/ctid_process.h"
#include "tests/support/danish_events.h"
#include "tests/support/grpc_clients.h"

namespace cti::test_support {

class CtidTest : public ::testing::Test {
 protected:
  // Override to start ctid with other options.
  virtual CtidOptions Options() { return {}; }

  void SetUp() override {
    absl::StatusOr<std::unique_ptr<CtidProcess>> started = CtidProcess::Start(Options());
    ASSERT_TRUE(started.ok()) << started.status();
    ctid_ = std::move(*started);
    Reconnect();
  }

  void TearDown() override {
    // Close our connection first: ctid's graceful stop waits (up to its grace period)
    // for connected clients to go away.
    client_.reset();
    if (ctid_ != nullptr && ctid_->running()) {
      absl::Status stopped = ctid_->Stop();
      EXPECT_TRUE(stopped.ok()) << "graceful stop: " << stopped;
    }
  }

  // New channels after ctid moved to another port (Restart).
  void Reconnect() { client_ = std::make_unique<CtiClient>(ctid_->Channel(Admin())); }

  // Stops ctid gracefully, starts it again on the same data dir and reconnects.
  void RestartCtid() {
    client_.reset();
    absl::Status stopped = ctid_->Stop();
    ASSERT_TRUE(stopped.ok()) << stopped;
    absl::Status restarted = ctid_->Restart();
    ASSERT_TRUE(restarted.ok()) << restarted;
    Reconnect();
  }

  CtiClient& client() { return *client_; }
  CtidProcess& ctid() { return *ctid_; }

  // Appends `events` in order, each as soon as the previous one is acknowledged, failing
  // the test on any error. Answers the last position (0 when `events` is empty).
  uint64_t AppendAll(const std::vector<cti::v1::Event>& events) {
    uint64_t last = 0;
    for (const cti::v1::Event& e : events) {
      absl::StatusOr<cti::v1::AppendResponse> r = client_->Append(e);
      EXPECT_TRUE(r.ok()) << "append " << e.ShortDebugString() << ": " << r.status();
      if (!r.ok()) return last;
      EXPECT_GT(r->position(), last);
      last = r->position();
    }
    return last;
  }

  // Appends `events` from `threads` concurrent clients (order not kept), failing the
  // test on any error. Answers the highest position.
  uint64_t AppendConcurrently(const std::vector<cti::v1::Event>& events, int threads = 8) {
    std::atomic<size_t> next{0};
    std::atomic<uint64_t> highest{0};
    std::atomic<int> failures{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&] {
        for (size_t i = next++; i < events.size(); i = next++) {
          absl::StatusOr<cti::v1::AppendResponse> r = client_->Append(events[i]);
          if (!r.ok()) {
            if (failures++ == 0) ADD_FAILURE() << "append: " << r.status();
            continue;
          }
          uint64_t seen = highest.load();
          while (r->position() > seen && !highest.compare_exchange_weak(seen, r->position())) {
          }
        }
      });
    }
    for (std::thread& w : workers) w.join();
    EXPECT_EQ(failures.load(), 0);
    return highest.load();
  }

  EventFactory factory_;
  std::unique_ptr<CtidProcess> ctid_;
  std::unique_ptr<CtiClient> client_;
};

}  // namespace cti::test_support

#endif  // CTI_TESTS_SUPPORT_CTID_FIXTURE_H_
