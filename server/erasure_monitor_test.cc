#include "server/erasure_monitor.h"

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "projections/personal_data.h"
#include "projections/testing/test_util.h"
#include "server/privacy/key_vault.h"

namespace cti::server {
namespace {

using cti::projections::testing::kTenant;

// Rebuilds on request, reporting each to the test, which finishes it when it likes.
class FakeRebuilder {
 public:
  absl::Status Start(std::function<void(absl::Status)> done) {
    absl::MutexLock lock(&mu_);
    ++asked_;
    if (busy_) return absl::FailedPreconditionError("a rebuild is running");
    pending_ = std::move(done);
    return absl::OkStatus();
  }
  // Finishes the rebuild in progress with `status`; false when none is.
  bool Finish(absl::Status status) {
    std::function<void(absl::Status)> done;
    {
      absl::MutexLock lock(&mu_);
      if (!pending_) return false;
      done = std::move(pending_);
      pending_ = nullptr;
    }
    done(status);
    return true;
  }
  bool WaitForStart(absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto started = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return pending_ != nullptr; };
    return mu_.AwaitWithTimeout(absl::Condition(&started), timeout);
  }
  void set_busy(bool busy) {
    absl::MutexLock lock(&mu_);
    busy_ = busy;
  }
  int asked() {
    absl::MutexLock lock(&mu_);
    return asked_;
  }

 private:
  absl::Mutex mu_;
  bool busy_ ABSL_GUARDED_BY(mu_) = false;
  int asked_ ABSL_GUARDED_BY(mu_) = 0;
  std::function<void(absl::Status)> pending_ ABSL_GUARDED_BY(mu_);
};

cti::v1::Event Erase(const std::string& employee_id) {
  cti::v1::Event e;
  e.mutable_privacy()->mutable_personal_data_erased()->set_employee_id(employee_id);
  e.mutable_privacy()->mutable_personal_data_erased()->set_reason("sag 17");
  return e;
}

class ErasureMonitorTest : public cti::projections::testing::ProjectionTest {
 protected:
  void SetUp() override {
    ProjectionTest::SetUp();
    auto vault = privacy::KeyVault::Open(dir_.Sub("keys"));
    ASSERT_TRUE(vault.ok()) << vault.status();
    vault_ = *std::move(vault);
    DefineOrganisation();
  }

  std::unique_ptr<ErasureMonitor> MakeMonitor() {
    return std::make_unique<ErasureMonitor>(
        vault_.get(), [](absl::string_view) { return 0; },
        [this](std::function<void(absl::Status)> done) {
          return rebuilder_.Start(std::move(done));
        },
        ErasureMonitor::Options{.retry = absl::Milliseconds(10)});
  }

  // The batch the hub would publish for `event` applied at `position`.
  static std::shared_ptr<const AppliedBatch> Batch(cti::v1::Event event, uint64_t position,
                                                   bool rejected = false) {
    std::vector<cti::v1::LogRecord> records(1);
    records[0].set_position(position);
    *records[0].mutable_event() = std::move(event);
    records[0].mutable_event()->set_tenant(kTenant);
    records[0].mutable_outcome()->set_rejected(rejected);
    auto batch = std::make_shared<AppliedBatch>();
    batch->partition = 0;
    batch->applied_position = position;
    batch->records = cti::log::RecordBatch(std::move(records));
    return batch;
  }

  bool HasKey(const std::string& subject) { return *vault_->HasKey(kTenant, subject); }

  static bool Eventually(const std::function<bool()>& condition) {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (absl::Now() < deadline) {
      if (condition()) return true;
      absl::SleepFor(absl::Milliseconds(5));
    }
    return condition();
  }

  std::unique_ptr<privacy::KeyVault> vault_;
  FakeRebuilder rebuilder_;
};

TEST_F(ErasureMonitorTest, AnAppliedErasureDeletesTheKeyThenRebuilds) {
  ASSERT_TRUE(vault_->CurrentKey(kTenant, "employee:e1").ok());
  ASSERT_TRUE(vault_->CurrentKey(kTenant, "employee:e2").ok());
  std::unique_ptr<ErasureMonitor> monitor = MakeMonitor();
  ASSERT_TRUE(monitor->Start(*store_).ok());
  EXPECT_FALSE(monitor->busy());
  // A rejected erasure changes nothing.
  monitor->OnBatch(Batch(Erase("e2"), 6, /*rejected=*/true));
  monitor->OnBatch(Batch(Erase("e1"), 7));
  ASSERT_TRUE(rebuilder_.WaitForStart(absl::Seconds(10)));
  EXPECT_FALSE(HasKey("employee:e1")) << "the key goes before the rebuild starts";
  EXPECT_TRUE(HasKey("employee:e2"));
  EXPECT_EQ(*vault_->ErasedThrough(0), 7u);
  EXPECT_EQ(vault_->Pending()->size(), 1u);
  EXPECT_TRUE(monitor->busy());
  ASSERT_TRUE(rebuilder_.Finish(absl::OkStatus()));
  EXPECT_TRUE(Eventually([&] { return !monitor->busy(); }));
  EXPECT_TRUE(vault_->Pending()->empty());
  EXPECT_EQ(monitor->rebuilds_done(), 1u);
  EXPECT_EQ(monitor->subjects_erased(), 1u);
}

TEST_F(ErasureMonitorTest, ARebuildThatIsBusyOrFailsIsAskedForAgain) {
  std::unique_ptr<ErasureMonitor> monitor = MakeMonitor();
  ASSERT_TRUE(monitor->Start(*store_).ok());
  rebuilder_.set_busy(true);  // an admin's rebuild, begun before the key went
  monitor->OnBatch(Batch(Erase("e1"), 7));
  EXPECT_TRUE(Eventually([&] { return rebuilder_.asked() >= 2; }));
  rebuilder_.set_busy(false);
  ASSERT_TRUE(rebuilder_.WaitForStart(absl::Seconds(10)));
  ASSERT_TRUE(rebuilder_.Finish(absl::UnavailableError("disk")));  // failed: again
  ASSERT_TRUE(rebuilder_.WaitForStart(absl::Seconds(10)));
  EXPECT_EQ(vault_->Pending()->size(), 1u);
  ASSERT_TRUE(rebuilder_.Finish(absl::OkStatus()));
  EXPECT_TRUE(Eventually([&] { return !monitor->busy(); }));
  EXPECT_TRUE(vault_->Pending()->empty());
}

TEST_F(ErasureMonitorTest, StartCarriesOutWhatACrashInterrupted) {
  // The store applied the erasure; the process died before the key was deleted.
  ASSERT_TRUE(vault_->CurrentKey(kTenant, "employee:e1").ok());
  ASSERT_EQ(Rejection(Erase("e1")), "");
  std::unique_ptr<ErasureMonitor> monitor = MakeMonitor();
  ASSERT_TRUE(monitor->Start(*store_).ok());
  EXPECT_FALSE(HasKey("employee:e1"));
  ASSERT_TRUE(rebuilder_.WaitForStart(absl::Seconds(10)));
  ASSERT_TRUE(rebuilder_.Finish(absl::OkStatus()));
  EXPECT_TRUE(Eventually([&] { return !monitor->busy(); }));
  monitor->Stop();

  // Carried out: a key the subject got since is kept at the next start, and an erasure
  // still pending a rebuild (the process died during it) is rebuilt.
  ASSERT_TRUE(vault_->CurrentKey(kTenant, "employee:e1").ok());
  ASSERT_TRUE(vault_->Erase(kTenant, "employee:e2").ok());  // pending, as if mid-rebuild
  std::unique_ptr<ErasureMonitor> again = MakeMonitor();
  ASSERT_TRUE(again->Start(*store_).ok());
  EXPECT_TRUE(HasKey("employee:e1"));
  ASSERT_TRUE(rebuilder_.WaitForStart(absl::Seconds(10)));
  ASSERT_TRUE(rebuilder_.Finish(absl::OkStatus()));
  EXPECT_TRUE(Eventually([&] { return !again->busy(); }));
  EXPECT_TRUE(vault_->Pending()->empty());
}

TEST_F(ErasureMonitorTest, AnErasureDeliveredTwiceIsCarriedOutOnce) {
  std::unique_ptr<ErasureMonitor> monitor = MakeMonitor();
  ASSERT_TRUE(monitor->Start(*store_).ok());
  monitor->OnBatch(Batch(Erase("e1"), 7));
  ASSERT_TRUE(rebuilder_.WaitForStart(absl::Seconds(10)));
  ASSERT_TRUE(rebuilder_.Finish(absl::OkStatus()));
  EXPECT_TRUE(Eventually([&] { return !monitor->busy(); }));
  ASSERT_TRUE(vault_->CurrentKey(kTenant, "employee:e1").ok());  // met again
  monitor->OnBatch(Batch(Erase("e1"), 7));
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_TRUE(HasKey("employee:e1"));
  EXPECT_EQ(monitor->subjects_erased(), 1u);
}

TEST_F(ErasureMonitorTest, AnErasureIsOutstandingFromItsApplyUntilItsRebuildIsDone) {
  std::unique_ptr<ErasureMonitor> monitor = MakeMonitor();
  ASSERT_TRUE(monitor->Start(*store_).ok());
  EXPECT_EQ(*monitor->Outstanding(*store_, ""), 0u);
  // Applied, not yet delivered by the hub: outstanding already.
  ASSERT_EQ(Rejection(Erase("e1")), "");
  absl::StatusOr<std::vector<cti::projections::ErasedSubject>> applied =
      cti::projections::ListErasedSubjects(*store_);
  ASSERT_TRUE(applied.ok() && applied->size() == 1u);
  EXPECT_EQ(*monitor->Outstanding(*store_, ""), 1u);
  EXPECT_EQ(*monitor->Outstanding(*store_, kTenant), 1u);
  EXPECT_EQ(*monitor->Outstanding(*store_, "another-tenant"), 0u);
  // Keys deleted, rebuild running: still outstanding (and counted once).
  monitor->OnBatch(Batch(Erase("e1"), applied->front().position));
  ASSERT_TRUE(rebuilder_.WaitForStart(absl::Seconds(10)));
  EXPECT_EQ(*vault_->ErasedThrough(0), applied->front().position);
  EXPECT_EQ(*monitor->Outstanding(*store_, ""), 1u);
  ASSERT_TRUE(rebuilder_.Finish(absl::OkStatus()));
  EXPECT_TRUE(Eventually([&] { return *monitor->Outstanding(*store_, "") == 0u; }));
  EXPECT_FALSE(monitor->busy());
}

}  // namespace
}  // namespace cti::server
