#include "server/projector_runner.h"

#include <pthread.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace cti::server {

ProjectorRunner::ProjectorRunner(cti::log::EventLog* log, StoreHolder* stores,
                                 PositionWaiters* waiters, SubscriptionHub* hub, cti::Clock* clock,
                                 Options options)
    : log_(log), stores_(stores), waiters_(waiters), hub_(hub), clock_(clock), options_(options) {}

ProjectorRunner::~ProjectorRunner() { Stop(); }

absl::Status ProjectorRunner::Start() {
  std::shared_ptr<cti::projections::Store> store = stores_->Get();
  const int partitions = log_->partition_count();
  for (int p = 0; p < partitions; ++p) {
    absl::StatusOr<uint64_t> end = log_->EndPosition(p);
    if (!end.ok()) return end.status();
    const uint64_t applied = store->AppliedPosition(p);
    if (applied > *end) {
      return absl::FailedPreconditionError(
          absl::StrCat("the projection store has applied position ", applied, " of partition ", p,
                       " but the log ends at ", *end, ": the store belongs to another log"));
    }
    absl::StatusOr<std::unique_ptr<cti::log::LogReader>> reader = log_->OpenReader(p, applied + 1);
    if (!reader.ok()) return reader.status();
    readers_.push_back(*std::move(reader));
    startup_end_.push_back(*end);
    partition_caught_up_.push_back(applied >= *end);
    if (applied < *end) {
      spdlog::info("projector: partition {} replays positions {} to {}", p, applied + 1, *end);
    }
  }
  if (std::all_of(partition_caught_up_.begin(), partition_caught_up_.end(),
                  [](bool b) { return b; })) {
    caught_up_.Notify();
  }
  last_progress_log_ = clock_->Now();
  absl::MutexLock lock(&mu_);
  running_ = true;
  thread_ = std::thread([this] { Run(); });
  pthread_setname_np(thread_.native_handle(), "cti-projector");
  return absl::OkStatus();
}

void ProjectorRunner::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    changed_.SignalAll();
  }
  if (thread_.joinable()) thread_.join();
  absl::MutexLock lock(&mu_);
  running_ = false;
  changed_.SignalAll();
}

void ProjectorRunner::Pause() {
  absl::MutexLock lock(&mu_);
  pause_requested_ = true;
  while (running_ && !paused_ && !stopping_) changed_.Wait(&mu_);
}

void ProjectorRunner::Resume() {
  absl::MutexLock lock(&mu_);
  pause_requested_ = false;
  changed_.SignalAll();
}

absl::Status ProjectorRunner::last_error() const {
  absl::MutexLock lock(&mu_);
  return last_error_;
}

void ProjectorRunner::ParkIfPaused() {
  {
    absl::MutexLock lock(&mu_);
    if (!pause_requested_) return;
    paused_ = true;
    changed_.SignalAll();
    while (pause_requested_ && !stopping_) changed_.Wait(&mu_);
    paused_ = false;
  }
  // The store may have been swapped meanwhile: let go of the old one now, so that its
  // generation can be deleted.
  projector_.reset();
  store_.reset();
}

bool ProjectorRunner::SleepUnlessStopping(absl::Duration pause) {
  absl::MutexLock lock(&mu_);
  if (!stopping_) changed_.WaitWithTimeout(&mu_, pause);
  return stopping_;
}

void ProjectorRunner::Run() {
  const int partitions = static_cast<int>(readers_.size());
  const absl::Duration wait =
      partitions <= 1 ? options_.read_wait
                      : std::max(options_.read_wait / partitions, absl::Milliseconds(1));
  while (true) {
    ParkIfPaused();
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) break;
    }
    for (int p = 0; p < partitions; ++p) {
      if (Step(p, wait)) continue;
      if (SleepUnlessStopping(options_.retry_pause)) break;
      // Start again after the store's checkpoint: the failed batch was not applied.
      absl::StatusOr<std::unique_ptr<cti::log::LogReader>> reader =
          log_->OpenReader(p, stores_->Get()->AppliedPosition(p) + 1);
      if (reader.ok()) {
        readers_[p] = *std::move(reader);
      } else {
        spdlog::error("projector: cannot reopen the log reader of partition {}: {}", p,
                      reader.status().ToString());
      }
    }
  }
  // Release the store here: the owner closes it after Stop.
  projector_.reset();
  store_.reset();
}

bool ProjectorRunner::Step(int partition, absl::Duration wait) {
  absl::StatusOr<std::vector<cti::v1::LogRecord>> records =
      readers_[partition]->Next(options_.batch_size, wait);
  if (!records.ok()) {
    spdlog::error("projector: reading partition {} failed: {}", partition,
                  records.status().ToString());
    absl::MutexLock lock(&mu_);
    last_error_ = records.status();
    return false;
  }
  if (records->empty()) return true;
  std::shared_ptr<cti::projections::Store> store = stores_->Get();
  if (store != store_) {
    projector_ = std::make_unique<cti::projections::Projector>(store.get());
    store_ = std::move(store);
  }
  absl::StatusOr<std::vector<cti::v1::ApplyOutcome>> outcomes =
      projector_->Apply(partition, *records);
  if (!outcomes.ok()) {
    spdlog::error("projector: applying partition {} positions {}..{} failed: {}", partition,
                  records->front().position(), records->back().position(),
                  outcomes.status().ToString());
    absl::MutexLock lock(&mu_);
    last_error_ = outcomes.status();
    return false;
  }
  auto batch = std::make_shared<AppliedBatch>();
  batch->partition = partition;
  batch->applied_position = records->back().position();
  batch->records = *std::move(records);
  for (size_t i = 0; i < batch->records.size() && i < outcomes->size(); ++i) {
    *batch->records[i].mutable_outcome() = std::move((*outcomes)[i]);
  }
  const uint64_t applied = batch->applied_position;
  {
    absl::MutexLock lock(&mu_);
    last_error_ = absl::OkStatus();
  }
  waiters_->Advance(partition, applied);
  hub_->Publish(std::move(batch));
  CheckCaughtUp(partition, applied);
  return true;
}

void ProjectorRunner::CheckCaughtUp(int partition, uint64_t applied) {
  if (caught_up_.HasBeenNotified()) return;
  if (applied >= startup_end_[partition]) partition_caught_up_[partition] = true;
  if (std::all_of(partition_caught_up_.begin(), partition_caught_up_.end(),
                  [](bool b) { return b; })) {
    spdlog::info("projector: caught up with the log");
    caught_up_.Notify();
    return;
  }
  const absl::Time now = clock_->Now();
  if (now - last_progress_log_ >= absl::Seconds(2)) {
    last_progress_log_ = now;
    spdlog::info("projector: replaying partition {}: applied {} of {}", partition, applied,
                 startup_end_[partition]);
  }
}

}  // namespace cti::server
