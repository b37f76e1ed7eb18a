#include "server/rebuilder.h"

#include <pthread.h>

#include <memory>
#include <utility>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "projections/projector.h"
#include "spdlog/spdlog.h"

namespace cti::server {
namespace {

// Longest sleep of a round that found no records read (the read-aheads wake it sooner).
constexpr absl::Duration kReadWait = absl::Milliseconds(20);

// Reads one partition for the rebuild (on a ReadAhead thread, parsed onto one arena per
// batch) and applies it up to a target position.
class PartitionFeed {
 public:
  PartitionFeed(int partition, std::unique_ptr<cti::log::LogReader> reader, size_t batch,
                std::shared_ptr<ReadySignal> ready)
      : partition_(partition),
        reader_(std::make_unique<ReadAhead>(std::move(reader), batch, /*depth=*/2,
                                            /*arena=*/true, std::move(ready))) {}

  // Applies the next records at or below `target` (at most `batch`), if read already
  // (never waits). OK with nothing done (*applied false) when none are there yet.
  absl::Status Step(cti::projections::Projector& projector, uint64_t target, size_t batch,
                    bool* applied) {
    *applied = false;
    if (next_ == current_.size()) {
      absl::StatusOr<cti::log::RecordBatch> read = reader_->NextBatch(absl::ZeroDuration());
      if (!read.ok()) return read.status();
      current_ = *std::move(read);  // the batch applied before is freed here, at once
      next_ = 0;
    }
    const absl::Span<const cti::v1::LogRecord* const> records = current_.records();
    size_t end = next_;
    while (end < records.size() && records[end]->position() <= target && end - next_ < batch) {
      ++end;
    }
    if (end == next_) return absl::OkStatus();
    absl::StatusOr<std::vector<cti::v1::ApplyOutcome>> outcomes =
        projector.ApplyPointers(partition_, records.subspan(next_, end - next_));
    if (!outcomes.ok()) return outcomes.status();
    next_ = end;
    *applied = true;
    return absl::OkStatus();
  }

 private:
  const int partition_;
  std::unique_ptr<ReadAhead> reader_;
  cti::log::RecordBatch current_;
  size_t next_ = 0;  // in current_
};

}  // namespace

Rebuilder::Rebuilder(cti::log::EventLog* log, StoreGenerations* generations, StoreHolder* stores,
                     ProjectorRunner* runner, cti::Clock* clock, Options options)
    : log_(log),
      generations_(generations),
      stores_(stores),
      runner_(runner),
      clock_(clock),
      options_(options) {}

Rebuilder::~Rebuilder() { Stop(); }

absl::Status Rebuilder::Start(ProgressCallback progress, DoneCallback done) {
  absl::MutexLock lock(&mu_);
  if (stopped_) return absl::UnavailableError("server is shutting down");
  if (running_) return absl::FailedPreconditionError("a rebuild is already running");
  if (runner_->building()) {
    return absl::UnavailableError(
        "the projections are being built from the log at start-up; rebuild once it serves");
  }
  // The previous rebuild's thread has at most its done callback left to run.
  if (thread_.joinable()) thread_.join();
  running_ = true;
  cancel_ = false;
  thread_ = std::thread([this, progress = std::move(progress), done = std::move(done)] {
    cti::v1::RebuildProgress last;
    // What the rebuild used (readers, its projector, the old generation's store) is let
    // go after `done`: the caller's answer does not wait for threads to stop or for the
    // old generation to be closed and deleted.
    std::vector<std::shared_ptr<void>> release_after_done;
    absl::Status status = Run(progress, &last, &release_after_done);
    if (status.ok()) {
      spdlog::info("rebuild done: {} records, digest {}", last.applied(), last.state_digest());
    } else {
      spdlog::warn("rebuild ended without switching: {}", status.ToString());
    }
    {
      absl::MutexLock done_lock(&mu_);
      running_ = false;
    }
    done(status, last);
    for (std::shared_ptr<void>& held : release_after_done) held.reset();  // in order
  });
  pthread_setname_np(thread_.native_handle(), "cti-rebuild");
  return absl::OkStatus();
}

void Rebuilder::Cancel() {
  absl::MutexLock lock(&mu_);
  cancel_ = true;
}

void Rebuilder::Stop() {
  std::thread thread;
  {
    absl::MutexLock lock(&mu_);
    stopped_ = true;
    cancel_ = true;
    thread = std::move(thread_);
  }
  if (thread.joinable()) thread.join();
}

bool Rebuilder::running() const {
  absl::MutexLock lock(&mu_);
  return running_;
}

bool Rebuilder::cancelled() const {
  absl::MutexLock lock(&mu_);
  return cancel_;
}

absl::Status Rebuilder::Run(const ProgressCallback& progress, cti::v1::RebuildProgress* last,
                            std::vector<std::shared_ptr<void>>* release_after_done) {
  const absl::Time started = clock_->Now();
  const int partitions = log_->partition_count();
  // The rebuild ends by holding the live runner still for a moment: it should not be
  // caught in a long wait for new records then. However the rebuild ends, the runner
  // goes back to its usual waits.
  runner_->ExpectPause(true);
  const absl::Cleanup no_pause_expected = [this] { runner_->ExpectPause(false); };
  uint64_t total = 0;
  for (int p = 0; p < partitions; ++p) {
    absl::StatusOr<uint64_t> end = log_->EndPosition(p);
    if (!end.ok()) return end.status();
    total += *end;
  }
  // The log is read (and parsed) from the start while the new generation is made.
  // Every feed's read-ahead notifies `ready`: a round that found nothing read sleeps on
  // it, rather than on one partition while another has records.
  const auto ready = std::make_shared<ReadySignal>();
  auto feeds_holder = std::make_shared<std::vector<PartitionFeed>>();
  std::vector<PartitionFeed>& feeds = *feeds_holder;
  release_after_done->push_back(feeds_holder);  // released first: the readers
  for (int p = 0; p < partitions; ++p) {
    absl::StatusOr<std::unique_ptr<cti::log::LogReader>> reader = log_->OpenReader(p, 1);
    if (!reader.ok()) return reader.status();
    feeds.emplace_back(p, *std::move(reader), options_.batch_size, ready);
  }
  const std::shared_ptr<cti::projections::Store> live = stores_->Get();
  absl::StatusOr<StoreGeneration> next = generations_->CreateNext();
  if (!next.ok()) return next.status();
  spdlog::info("rebuild: building {} from the log ({} records)", next->path, total);
  // Nothing reads the new generation until it is current: a private bulk load.
  if (absl::Status s = next->store->BeginPrivateBulkLoad(); !s.ok()) {
    StoreGenerations::Discard(*next);
    return s;
  }
  auto projector_holder = std::make_shared<cti::projections::Projector>(next->store.get());
  cti::projections::Projector& projector = *projector_holder;
  // Then the projector, then the stores it used.
  release_after_done->push_back(projector_holder);
  release_after_done->push_back(next->store);
  release_after_done->push_back(live);
  auto make_progress = [&](bool done) {
    cti::v1::RebuildProgress report;
    report.set_applied(next->store->records_applied());
    report.set_total(total);
    report.set_done(done);
    const double seconds = absl::ToDoubleSeconds(clock_->Now() - started);
    report.set_records_per_second(seconds > 0 ? static_cast<double>(report.applied()) / seconds
                                              : 0.0);
    return report;
  };
  // Applies every partition up to the live store's positions; true when within `gap`.
  // A round in which no partition had records read waits up to kReadWait for one.
  auto step_all = [&](uint64_t gap, bool* close) -> absl::Status {
    *close = true;
    const uint64_t seen = ready->generation();
    bool any_applied = false, any_behind = false;
    for (int p = 0; p < partitions; ++p) {
      const uint64_t target = live->AppliedPosition(p);
      const uint64_t reached = next->store->AppliedPosition(p);
      if (reached >= target) continue;
      any_behind = true;
      if (target - reached > gap) *close = false;
      bool applied = false;
      if (absl::Status s = feeds[p].Step(projector, target, options_.batch_size, &applied);
          !s.ok()) {
        return s;
      }
      any_applied = any_applied || applied;
    }
    if (any_behind && !any_applied) ready->WaitChange(seen, kReadWait);
    return absl::OkStatus();
  };

  // Phase 1: catch up with the live store while it keeps serving: a bulk load, then
  // (after its flush, which the live store runs on meanwhile) logged writes.
  const absl::Time opened = clock_->Now();
  absl::Time bulk_applied, bulk_ended;
  absl::Time last_report = clock_->Now();
  progress(make_progress(false));
  for (bool bulk : {true, false}) {
    while (true) {
      if (cancelled()) {
        StoreGenerations::Discard(*next);
        return absl::CancelledError("rebuild cancelled");
      }
      bool close = false;
      if (absl::Status s = step_all(options_.pause_gap, &close); !s.ok()) {
        StoreGenerations::Discard(*next);
        return s;
      }
      if (clock_->Now() - last_report >= options_.progress_interval) {
        last_report = clock_->Now();
        progress(make_progress(false));
      }
      if (close) break;
    }
    if (bulk) {
      bulk_applied = clock_->Now();
      if (absl::Status s = next->store->EndBulkLoad(); !s.ok()) {
        StoreGenerations::Discard(*next);
        return s;
      }
      bulk_ended = clock_->Now();
    }
  }

  // Phase 2: hold the live projector still, apply the remainder, switch.
  runner_->Pause();
  absl::Status switched = [&]() -> absl::Status {
    while (true) {
      if (cancelled()) return absl::CancelledError("rebuild cancelled");
      bool done = true;
      for (int p = 0; p < partitions; ++p) {
        if (next->store->AppliedPosition(p) < live->AppliedPosition(p)) done = false;
      }
      if (done) break;
      bool close = false;
      if (absl::Status s = step_all(0, &close); !s.ok()) return s;
    }
    // Only a store that is not bulk loading (everything applied is on disk, see
    // EndBulkLoad above) may become current.
    if (next->store->bulk_loading()) {
      return absl::InternalError("rebuild: the new store is still bulk loading");
    }
    if (absl::Status s = generations_->MakeCurrent(*next); !s.ok()) return s;
    if (options_.before_switch) options_.before_switch();
    stores_->Set(next->store);
    return absl::OkStatus();
  }();
  runner_->Resume();
  if (!switched.ok()) {
    StoreGenerations::Discard(*next);
    return switched;
  }
  const absl::Time switched_at = clock_->Now();
  *last = make_progress(true);
  absl::StatusOr<std::string> digest = next->store->Digest();
  if (!digest.ok()) return digest.status();
  last->set_state_digest(*digest);
  const auto ms = [](absl::Duration d) { return absl::ToInt64Milliseconds(d); };
  spdlog::info(
      "rebuild: now serving from {} ({} ms: open {}, bulk apply {}, end bulk load {}, "
      "catch-up and switch {}, digest {})",
      next->path, ms(clock_->Now() - started), ms(opened - started), ms(bulk_applied - opened),
      ms(bulk_ended - bulk_applied), ms(switched_at - bulk_ended), ms(clock_->Now() - switched_at));
  return absl::OkStatus();
}

}  // namespace cti::server
