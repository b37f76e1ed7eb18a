// End-to-end: ctid on a full disk (issue 12, item 7). ctid's data directory lives on a
// small tmpfs the test mounts; a filler file takes the rest of it. Appends must then fail
// RESOURCE_EXHAUSTED saying that the disk is full, queries and health keep answering,
// nothing acknowledged is lost, and appends work again once the filler is gone, without
// a restart; a clean stop and a restart serve the same digest.
//
// Needs root (mount(2)); run as anyone else it fails saying so, never skips.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cti/v1/route_service.grpc.pb.h"
#include "tests/support/cti_client.h"
#include "tests/support/ctid_process.h"
#include "tests/support/danish_events.h"
#include "tests/support/grpc_clients.h"

namespace cti::test_support {
namespace {

using ::testing::HasSubstr;
namespace d = demo;

std::string ErrnoText(const std::string& what) {
  return absl::StrCat(what, ": ", std::strerror(errno));
}

// A tmpfs mounted on a fresh directory for the test's life, and a filler file that
// takes its free space.
class SmallFilesystem {
 public:
  // Mounts one of `mib` MiB. Errors name the reason (not root, mount refused).
  static absl::StatusOr<std::unique_ptr<SmallFilesystem>> Mount(int mib) {
    if (geteuid() != 0) {
      return absl::PermissionDeniedError(
          "the disk-full test mounts a small tmpfs and needs root (CAP_SYS_ADMIN); run it as "
          "root (CI and the development VM do)");
    }
    char pattern[] = "/tmp/cti-disk-full-XXXXXX";
    if (mkdtemp(pattern) == nullptr) return absl::InternalError(ErrnoText("mkdtemp"));
    auto fs = std::unique_ptr<SmallFilesystem>(new SmallFilesystem(pattern));
    const std::string options = absl::StrCat("size=", mib, "m,mode=0700");
    if (mount("tmpfs", fs->dir_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0) {
      return absl::PermissionDeniedError(
          ErrnoText(absl::StrCat("mounting a tmpfs on ", fs->dir_, " (needs CAP_SYS_ADMIN)")));
    }
    fs->mounted_ = true;
    return fs;
  }

  ~SmallFilesystem() {
    if (mounted_ && umount2(dir_.c_str(), MNT_DETACH) != 0) {
      std::cerr << ErrnoText("umount " + dir_) << "\n";
    }
    rmdir(dir_.c_str());
  }

  const std::string& dir() const { return dir_; }
  std::string filler_path() const { return dir_ + "/filler"; }

  // Writes the filler until the filesystem is full, then gives `leave` bytes back.
  absl::Status Fill(uint64_t leave) {
    const int fd = open(filler_path().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return absl::InternalError(ErrnoText("creating the filler"));
    const std::string chunk(1 << 20, 'f');
    uint64_t written = 0;
    for (;;) {
      const ssize_t n = write(fd, chunk.data(), chunk.size());
      if (n > 0) {
        written += static_cast<uint64_t>(n);
        continue;
      }
      if (n < 0 && errno != ENOSPC) {
        const absl::Status error = absl::InternalError(ErrnoText("writing the filler"));
        close(fd);
        return error;
      }
      break;  // ENOSPC (or a zero write): full
    }
    const off_t size = static_cast<off_t>(written > leave ? written - leave : 0);
    const bool truncated = ftruncate(fd, size) == 0;
    close(fd);
    if (!truncated) return absl::InternalError(ErrnoText("truncating the filler"));
    return absl::OkStatus();
  }

  absl::Status Unfill() {
    if (unlink(filler_path().c_str()) != 0) {
      return absl::InternalError(ErrnoText("deleting the filler"));
    }
    return absl::OkStatus();
  }

 private:
  explicit SmallFilesystem(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
  bool mounted_ = false;
};

class DiskFullTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (HasFailure() && ctid_ != nullptr) {
      std::cerr << "ctid stderr:\n" << ctid_->StderrTail(6000) << "\n";
    }
    client_.reset();
    ctid_.reset();  // SIGKILL if still running, before the filesystem goes
    if (fs_ != nullptr && std::getenv("CTI_KEEP_TEST_DIRS") != nullptr) {
      // The filesystem goes with the test: keep a copy of the work dir instead.
      const std::string copy = fs_->dir() + "-kept";
      std::error_code error;
      std::filesystem::copy(fs_->dir() + "/work", copy, std::filesystem::copy_options::recursive,
                            error);
      std::cerr << "work dir copied to " << copy << ": " << error.message() << "\n";
    }
    fs_.reset();
  }

  // Mounts a tmpfs of `mib` MiB and starts ctid with its work directory there, then
  // appends the demo organisation.
  // `seal`: personal data sealed with keys in the key vault (ctid's default). Off, the
  // log and the projection store are the only writers an append meets.
  void StartOnFilesystem(int mib, bool seal = false) {
    absl::StatusOr<std::unique_ptr<SmallFilesystem>> fs = SmallFilesystem::Mount(mib);
    ASSERT_TRUE(fs.ok()) << fs.status();
    fs_ = *std::move(fs);
    CtidOptions options;
    options.work_dir = fs_->dir() + "/work";
    options.extra_args = {"--seal-personal-data", seal ? "on" : "off"};
    options.start_timeout = absl::Seconds(20);
    absl::StatusOr<std::unique_ptr<CtidProcess>> started = CtidProcess::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    ctid_ = *std::move(started);
    client_ = std::make_unique<CtiClient>(ctid_->Channel(Admin()));
    for (const cti::v1::Event& e : DemoOrganisation(factory_)) {
      absl::StatusOr<cti::v1::AppendResponse> r = Append(e);
      ASSERT_TRUE(r.ok()) << r.status();
    }
  }

  // A clean stop; a restart on the same directory serves the same state, and the log
  // still holds every acknowledged append.
  void ExpectCleanStopAndSameStateAfterRestart() {
    absl::StatusOr<cti::v1::GetStatusResponse> before = client_->Status(last_);
    ASSERT_TRUE(before.ok()) << before.status();
    client_.reset();
    ASSERT_TRUE(ctid_->Stop().ok()) << ctid_->StderrTail();
    ASSERT_TRUE(ctid_->Restart().ok()) << ctid_->StderrTail();
    client_ = std::make_unique<CtiClient>(ctid_->Channel(Admin()));
    absl::StatusOr<cti::v1::GetStatusResponse> after = client_->Status(last_);
    ASSERT_TRUE(after.ok()) << after.status();
    EXPECT_EQ(after->log_end_position(), last_);
    EXPECT_EQ(after->applied_position(), last_);
    EXPECT_EQ(after->state_digest(), before->state_digest());
    ExpectLogHoldsEveryAcknowledgedAppend(last_);
  }

  // Appends `event`; an acknowledged one is remembered with its position.
  absl::StatusOr<cti::v1::AppendResponse> Append(const cti::v1::Event& event) {
    absl::StatusOr<cti::v1::AppendResponse> r = client_->Append(event, absl::Seconds(10));
    if (r.ok()) {
      EXPECT_FALSE(r->duplicate()) << event.event_id();
      acknowledged_[event.event_id()] = r->position();
      last_ = std::max(last_, r->position());
    }
    return r;
  }

  // A call event of 100 bytes padding with a fresh id.
  cti::v1::Event NextCall() {
    ++calls_;
    return LoadCallEvent(kTenant, absl::StrCat("full-", calls_), calls_, 100);
  }

  // Appends `count` calls in one AppendBatch; every one must be acknowledged.
  void AppendCallBatch(int count) {
    cti::v1::AppendBatchRequest request;
    for (int i = 0; i < count; ++i) *request.add_events() = NextCall();
    cti::v1::AppendBatchResponse response;
    auto ctx = Ctx(absl::Seconds(30));
    const grpc::Status status = client_->events().AppendBatch(ctx.get(), request, &response);
    ASSERT_TRUE(status.ok()) << Describe(status);
    ASSERT_EQ(response.results_size(), count);
    for (int i = 0; i < count; ++i) {
      const cti::v1::AppendBatchResult& result = response.results(i);
      ASSERT_EQ(result.code(), 0) << result.message();
      acknowledged_[request.events(i).event_id()] = result.appended().position();
      last_ = std::max(last_, result.appended().position());
    }
  }

  // Appends calls in batches of 500 (all acknowledged) until GetStatus reports a
  // projector error; answers that status. Fails the test when none came.
  cti::v1::GetStatusResponse AppendUntilProjectionStuck() {
    const uint64_t before = last_;
    cti::v1::GetStatusResponse status;
    for (int i = 0; i < 100 && status.projector_error().empty(); ++i) {
      AppendCallBatch(500);
      if (HasFatalFailure()) return status;
      absl::StatusOr<cti::v1::GetStatusResponse> now = client_->Status();
      EXPECT_TRUE(now.ok()) << now.status();
      if (now.ok()) status = *std::move(now);
    }
    EXPECT_FALSE(status.projector_error().empty())
        << (last_ - before) << " appends on a full disk and the projection store still writes";
    std::cout << (last_ - before) << " appends acknowledged until the projection store was full: "
              << status.projector_error() << "\n";
    return status;
  }

  // Appends calls until one fails; answers that failure. Fails the test when none
  // failed within `limit` appends.
  absl::Status AppendUntilRefused(int limit) {
    for (int i = 0; i < limit; ++i) {
      absl::StatusOr<cti::v1::AppendResponse> r = Append(NextCall());
      if (!r.ok()) return r.status();
    }
    ADD_FAILURE() << limit << " appends passed on a full disk";
    return absl::OkStatus();
  }

  // Appends calls until one is acknowledged (within `timeout`), as a client retrying
  // after RESOURCE_EXHAUSTED would; answers how long it took.
  absl::StatusOr<absl::Duration> AppendUntilAccepted(absl::Duration timeout) {
    const absl::Time start = absl::Now();
    absl::Status last = absl::OkStatus();
    while (absl::Now() - start < timeout) {
      const cti::v1::Event event = NextCall();
      absl::StatusOr<cti::v1::AppendResponse> r = Append(event);
      if (r.ok()) return absl::Now() - start;
      last = r.status();
      absl::SleepFor(absl::Milliseconds(50));
    }
    return absl::DeadlineExceededError(
        absl::StrCat("no append accepted within ", absl::FormatDuration(timeout),
                     " after space returned; last: ", last.ToString()));
  }

  // The refusal of a full disk: RESOURCE_EXHAUSTED naming the disk and the lack of space.
  static void ExpectDiskFull(const absl::Status& status) {
    EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
    const std::string message = absl::AsciiStrToLower(status.message());
    EXPECT_THAT(message, HasSubstr("disk is full")) << status;
    EXPECT_THAT(message, HasSubstr("no space left on device")) << status;
    EXPECT_THAT(message, HasSubstr("event log")) << status;
  }

  // Queries answer from what is applied (`applied`) while the disk is full; none asks
  // for a position beyond it.
  void ExpectReadsAnswer(uint64_t applied) {
    absl::StatusOr<cti::v1::GetStatusResponse> status = client_->Status(applied);
    ASSERT_TRUE(status.ok()) << status.status();
    EXPECT_EQ(status->log_end_position(), last_);
    EXPECT_EQ(status->applied_position(), applied);
    EXPECT_FALSE(status->state_digest().empty());

    absl::StatusOr<cti::v1::SearchResponse> hits = client_->Search("anna holm", applied);
    ASSERT_TRUE(hits.ok()) << hits.status();
    EXPECT_FALSE(hits->hits().empty());

    auto route = cti::v1::RouteService::NewStub(ctid_->Channel(Reception()));
    cti::v1::RouteRequest request;
    request.set_tenant(kTenant);
    request.mutable_target()->set_employee_id(d::kAnnaHolm);
    request.set_min_position(applied);
    cti::v1::RouteResponse response;
    auto ctx = Ctx(absl::Seconds(10));
    const grpc::Status routed = route->Route(ctx.get(), request, &response);
    ASSERT_TRUE(routed.ok()) << Describe(routed);
    EXPECT_FALSE(response.steps().empty());

    // Health stays SERVING: the replica still answers every query (see server/README.md).
    absl::StatusOr<std::string> health = HealthCheck(ctid_->AnonymousChannel(), "");
    ASSERT_TRUE(health.ok()) << health.status();
    EXPECT_EQ(*health, "SERVING");
  }

  // The log read back from position 1: dense, every acknowledged append at its position
  // exactly once, no event_id twice.
  void ExpectLogHoldsEveryAcknowledgedAppend(uint64_t end) {
    absl::StatusOr<std::vector<cti::v1::LogRecord>> records =
        client_->ReadRecords(SubscribeFrom(kTenant, 0), end, absl::Seconds(30));
    ASSERT_TRUE(records.ok()) << records.status();
    ASSERT_EQ(records->size(), end);
    std::map<std::string, uint64_t> position_of;
    for (size_t i = 0; i < records->size(); ++i) {
      const cti::v1::LogRecord& record = (*records)[i];
      ASSERT_EQ(record.position(), i + 1);
      EXPECT_TRUE(position_of.emplace(record.event().event_id(), record.position()).second)
          << "event_id " << record.event().event_id() << " twice";
    }
    for (const auto& [event_id, position] : acknowledged_) {
      auto it = position_of.find(event_id);
      ASSERT_NE(it, position_of.end()) << "acknowledged " << event_id << " is missing";
      EXPECT_EQ(it->second, position) << event_id;
    }
  }

  std::unique_ptr<SmallFilesystem> fs_;
  std::unique_ptr<CtidProcess> ctid_;
  std::unique_ptr<CtiClient> client_;
  EventFactory factory_;
  std::map<std::string, uint64_t> acknowledged_;  // event_id -> position
  uint64_t last_ = 0;                             // highest acknowledged position
  uint64_t calls_ = 0;
};

// 48 MiB: ctid takes ~13 MiB at start (preallocated MANIFEST files and the projection
// store's WAL); too little for the log's WAL to be preallocated (~70 MiB), so the log's
// appends are the first writes to meet the full disk.
TEST_F(DiskFullTest, AppendsAreRefusedReadsGoOnAndServiceResumesWhenSpaceReturns) {
  const absl::Time test_start = absl::Now();
  ASSERT_NO_FATAL_FAILURE(StartOnFilesystem(48));

  // Two rounds: the disk fills, space returns, and again.
  for (int round = 1; round <= 2; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    const uint64_t before = last_;
    ASSERT_TRUE(fs_->Fill(/*leave=*/round == 1 ? 64 << 10 : 0).ok());
    const absl::Status refused = AppendUntilRefused(20000);
    ExpectDiskFull(refused);
    std::cout << "round " << round << ": " << (last_ - before)
              << " appends acknowledged until the disk was full; refusal: " << refused << "\n";

    // Still full: every append is refused, quickly.
    for (int i = 0; i < 3; ++i) {
      const absl::Time start = absl::Now();
      absl::StatusOr<cti::v1::AppendResponse> r = Append(NextCall());
      ASSERT_FALSE(r.ok()) << "appended at " << r->position() << " on a full disk";
      ExpectDiskFull(r.status());
      EXPECT_LT(absl::Now() - start, absl::Seconds(1));
    }
    ExpectReadsAnswer(/*applied=*/last_);
    ExpectLogHoldsEveryAcknowledgedAppend(last_);

    // Space returns: appends work again without a restart, and the projection follows.
    ASSERT_TRUE(fs_->Unfill().ok());
    absl::StatusOr<absl::Duration> resumed = AppendUntilAccepted(absl::Seconds(20));
    ASSERT_TRUE(resumed.ok()) << resumed.status();
    std::cout << "round " << round << ": appends accepted again " << absl::FormatDuration(*resumed)
              << " after space returned\n";
    for (int i = 0; i < 20; ++i) {
      absl::StatusOr<cti::v1::AppendResponse> r = Append(NextCall());
      ASSERT_TRUE(r.ok()) << r.status();
    }
    absl::StatusOr<cti::v1::GetStatusResponse> status = client_->Status(last_);
    ASSERT_TRUE(status.ok()) << status.status();
    EXPECT_EQ(status->applied_position(), status->log_end_position());
    EXPECT_EQ(status->log_end_position(), last_);
    EXPECT_EQ(status->projector_error(), "");
  }
  ExpectLogHoldsEveryAcknowledgedAppend(last_);
  ExpectCleanStopAndSameStateAfterRestart();
  std::cout << "log-full test: " << last_ << " records, "
            << absl::FormatDuration(absl::Now() - test_start) << "\n";
}

// Personal data sealed (the default): each new caller's number needs a key, synced to
// the key vault (DATA_DIR/keys) before the record goes to the log. On a full disk,
// appends are refused RESOURCE_EXHAUSTED saying so (whichever of the two meets it
// first; the vault's own refusal: server/privacy/key_vault_test.cc), appends resume
// when space returns, and after a restart every acknowledged record still opens: no
// key of one was lost.
TEST_F(DiskFullTest, WithPersonalDataSealedNoKeyOfAnAcknowledgedAppendIsLost) {
  ASSERT_NO_FATAL_FAILURE(StartOnFilesystem(48, /*seal=*/true));
  ASSERT_TRUE(fs_->Fill(/*leave=*/0).ok());
  const absl::Status refused = AppendUntilRefused(20000);
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted) << refused;
  const std::string message = absl::AsciiStrToLower(refused.message());
  EXPECT_THAT(message, HasSubstr("disk is full")) << refused;
  EXPECT_THAT(message, HasSubstr("no space left on device")) << refused;
  std::cout << last_ << " records acknowledged until the disk was full; refusal: " << refused
            << "\n";
  ExpectReadsAnswer(/*applied=*/last_);
  ExpectLogHoldsEveryAcknowledgedAppend(last_);

  ASSERT_TRUE(fs_->Unfill().ok());
  absl::StatusOr<absl::Duration> resumed = AppendUntilAccepted(absl::Seconds(20));
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  for (int i = 0; i < 20; ++i) {
    absl::StatusOr<cti::v1::AppendResponse> r = Append(NextCall());
    ASSERT_TRUE(r.ok()) << r.status();
  }
  ExpectCleanStopAndSameStateAfterRestart();
  // After the restart every acknowledged record still opens: no key was lost.
  absl::StatusOr<std::vector<cti::v1::LogRecord>> records =
      client_->ReadRecords(SubscribeFrom(kTenant, 0), last_, absl::Seconds(60));
  ASSERT_TRUE(records.ok()) << records.status();
  int callers = 0;
  for (const cti::v1::LogRecord& record : *records) {
    EXPECT_FALSE(record.event().has_personal()) << "position " << record.position();
    if (!record.event().call().offered().caller_number().empty()) ++callers;
  }
  EXPECT_GE(callers, 20) << "the calls' numbers, opened";
}

// 128 MiB: the log's WAL file is preallocated at start (~70 MiB), the projection store's
// only 4.4 MiB, so on a full disk the store is the first to fail: appends are still
// acknowledged (the log is the record), the projection stops where it is, says why,
// and catches up once space returns; then again, with a stop (SIGTERM) while stuck.
TEST_F(DiskFullTest, AProjectionStoreOnAFullDiskStopsSaysWhyAndCatchesUp) {
  const absl::Time test_start = absl::Now();
  ASSERT_NO_FATAL_FAILURE(StartOnFilesystem(128));
  ASSERT_TRUE(fs_->Fill(/*leave=*/0).ok());

  // Appends go on until the projection cannot follow.
  const cti::v1::GetStatusResponse stuck = AppendUntilProjectionStuck();
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_THAT(stuck.projector_error(), HasSubstr("RESOURCE_EXHAUSTED"));
  EXPECT_THAT(stuck.projector_error(), HasSubstr("projection store: the disk is full"));
  EXPECT_THAT(stuck.projector_error(), HasSubstr("No space left on device"));

  // It stays stuck (retrying) while the disk is full, and queries answer from what it
  // applied.
  absl::SleepFor(absl::Milliseconds(1500));
  absl::StatusOr<cti::v1::GetStatusResponse> still = client_->Status();
  ASSERT_TRUE(still.ok()) << still.status();
  EXPECT_FALSE(still->projector_error().empty());
  EXPECT_LT(still->applied_position(), still->log_end_position());
  EXPECT_EQ(still->log_end_position(), last_);
  ExpectReadsAnswer(/*applied=*/still->applied_position());

  // Space returns: the projection catches up without a restart.
  ASSERT_TRUE(fs_->Unfill().ok());
  const absl::Time freed = absl::Now();
  absl::StatusOr<cti::v1::GetStatusResponse> caught_up =
      client_->Status(last_, "", absl::Seconds(20));
  ASSERT_TRUE(caught_up.ok()) << caught_up.status();
  std::cout << "caught up " << absl::FormatDuration(absl::Now() - freed)
            << " after space returned\n";
  EXPECT_EQ(caught_up->applied_position(), last_);
  EXPECT_EQ(caught_up->log_end_position(), last_);
  EXPECT_EQ(caught_up->projector_error(), "");
  ASSERT_NO_FATAL_FAILURE(AppendCallBatch(100));
  absl::StatusOr<cti::v1::GetStatusResponse> after = client_->Status(last_);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->applied_position(), last_);
  ExpectLogHoldsEveryAcknowledgedAppend(last_);

  // Full again, and ctid is stopped while its projection is stuck (as an operator
  // might): it exits 0, and once space returns it starts, catches up and lost nothing.
  ASSERT_TRUE(fs_->Fill(/*leave=*/0).ok());
  AppendUntilProjectionStuck();
  ASSERT_FALSE(HasFatalFailure());
  client_.reset();
  absl::Status stopped = ctid_->Stop();
  ASSERT_TRUE(stopped.ok()) << stopped << "\n" << ctid_->StderrTail();
  ASSERT_TRUE(fs_->Unfill().ok());
  ASSERT_TRUE(ctid_->Restart().ok()) << ctid_->StderrTail();
  client_ = std::make_unique<CtiClient>(ctid_->Channel(Admin()));
  absl::StatusOr<cti::v1::GetStatusResponse> restarted = client_->Status(last_);
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  EXPECT_EQ(restarted->applied_position(), last_);
  EXPECT_EQ(restarted->log_end_position(), last_);
  EXPECT_EQ(restarted->projector_error(), "");
  ExpectLogHoldsEveryAcknowledgedAppend(last_);

  ExpectCleanStopAndSameStateAfterRestart();
  std::cout << "store-full test: " << last_ << " records, "
            << absl::FormatDuration(absl::Now() - test_start) << "\n";
}

}  // namespace
}  // namespace cti::test_support
