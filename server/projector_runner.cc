#include "server/projector_runner.h"

#include <pthread.h>

#include <algorithm>
#include <deque>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/service_deps.h"
#include "spdlog/spdlog.h"

namespace cti::server {

void ReadySignal::Notify() {
  absl::MutexLock lock(&mu_);
  ++generation_;
}

uint64_t ReadySignal::generation() const {
  absl::MutexLock lock(&mu_);
  return generation_;
}

void ReadySignal::WaitChange(uint64_t seen, absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto changed = [this, seen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return generation_ != seen; };
  mu_.AwaitWithTimeout(absl::Condition(&changed), timeout);
}

ReadAhead::ReadAhead(std::unique_ptr<cti::log::LogReader> reader, size_t batch_size, size_t depth,
                     bool arena, std::shared_ptr<ReadySignal> ready)
    : reader_(std::move(reader)),
      batch_size_(batch_size),
      depth_(std::max<size_t>(1, depth)),
      arena_(arena),
      ready_signal_(std::move(ready)) {
  thread_ = std::thread([this] { Run(); });
  pthread_setname_np(thread_.native_handle(), "cti-read-ahead");
}

ReadAhead::~ReadAhead() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
    changed_.SignalAll();
  }
  thread_.join();
}

void ReadAhead::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      while (!stop_ && ready_.size() + ready_records_.size() >= depth_) changed_.Wait(&mu_);
      if (stop_) return;
    }
    absl::Status error;
    bool pushed = false;
    if (arena_) {
      absl::StatusOr<cti::log::RecordBatch> batch =
          reader_->NextBatch(batch_size_, absl::Milliseconds(50));
      absl::MutexLock lock(&mu_);
      if (!batch.ok()) {
        error = batch.status();
      } else if (!batch->empty()) {
        ready_.push_back(*std::move(batch));
        changed_.SignalAll();
        pushed = true;
      }
    } else {
      absl::StatusOr<std::vector<cti::v1::LogRecord>> records =
          reader_->Next(batch_size_, absl::Milliseconds(50));
      absl::MutexLock lock(&mu_);
      if (!records.ok()) {
        error = records.status();
      } else if (!records->empty()) {
        ready_records_.push_back(*std::move(records));
        changed_.SignalAll();
        pushed = true;
      }
    }
    if (!error.ok()) {
      {
        absl::MutexLock lock(&mu_);
        error_ = error;
        changed_.SignalAll();
      }
      if (ready_signal_ != nullptr) ready_signal_->Notify();
      return;
    }
    if (pushed && ready_signal_ != nullptr) ready_signal_->Notify();
  }
}

absl::StatusOr<std::vector<cti::v1::LogRecord>> ReadAhead::Next(absl::Duration wait) {
  absl::MutexLock lock(&mu_);
  const absl::Time deadline = absl::Now() + wait;
  while (ready_records_.empty() && error_.ok()) {
    if (changed_.WaitWithDeadline(&mu_, deadline)) break;
  }
  if (ready_records_.empty()) {
    if (!error_.ok()) return error_;
    return std::vector<cti::v1::LogRecord>();
  }
  std::vector<cti::v1::LogRecord> batch = std::move(ready_records_.front());
  ready_records_.pop_front();
  changed_.SignalAll();
  return batch;
}

absl::StatusOr<cti::log::RecordBatch> ReadAhead::NextBatch(absl::Duration wait) {
  absl::MutexLock lock(&mu_);
  const absl::Time deadline = absl::Now() + wait;
  while (ready_.empty() && error_.ok()) {
    if (changed_.WaitWithDeadline(&mu_, deadline)) break;
  }
  if (ready_.empty()) {
    if (!error_.ok()) return error_;
    return cti::log::RecordBatch();
  }
  cti::log::RecordBatch batch = std::move(ready_.front());
  ready_.pop_front();
  changed_.SignalAll();
  return batch;
}

ProjectorRunner::ProjectorRunner(cti::log::EventLog* log, StoreHolder* stores,
                                 PositionWaiters* waiters, SubscriptionHub* hub, cti::Clock* clock,
                                 Options options)
    : log_(log), stores_(stores), waiters_(waiters), hub_(hub), clock_(clock), options_(options) {}

ProjectorRunner::~ProjectorRunner() { Stop(); }

absl::Status ProjectorRunner::Start() {
  std::shared_ptr<cti::projections::Store> store = stores_->Get();
  const int partitions = log_->partition_count();
  uint64_t behind = 0;
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
    behind += *end - applied;
    if (applied < *end) {
      spdlog::info("projector: partition {} replays positions {} to {}", p, applied + 1, *end);
    }
  }
  startup_records_ = behind;
  held_.resize(partitions);
  // A long replay (or any replay into a new store) runs as a bulk load, read ahead; a
  // long one into a new store as a private one (building()).
  if (behind > 0 && (store->was_reset() || behind >= options_.bulk_replay_min_records)) {
    const bool build = store->was_reset() && behind >= options_.bulk_replay_min_records;
    if (absl::Status s = build ? store->BeginPrivateBulkLoad() : store->BeginBulkLoad(); !s.ok()) {
      spdlog::warn("projector: replaying without bulk load: {}", s.ToString());
    } else {
      building_.store(build, std::memory_order_release);
      spdlog::info("projector: replaying {} records as a {}bulk load{}", behind,
                   build ? "private " : "",
                   build ? " (a new store: other calls are refused until it serves)" : "");
      for (int p = 0; p < partitions; ++p) {
        ahead_.push_back(MakeReadAhead(std::move(readers_[p]), options_.replay_batch_size));
      }
      replaying_ = true;
      absl::MutexLock lock(&mu_);
      bulk_replay_ = true;
    }
  }
  if (!replaying_ && options_.live_read_ahead) {
    for (int p = 0; p < partitions; ++p) {
      ahead_.push_back(MakeReadAhead(std::move(readers_[p]), options_.batch_size));
    }
  }
  if (std::all_of(partition_caught_up_.begin(), partition_caught_up_.end(),
                  [](bool b) { return b; })) {
    caught_up_.Notify();
  }
  last_progress_log_ = clock_->Now();
  absl::MutexLock lock(&mu_);
  for (int p = 0; p < partitions; ++p) applied_.push_back(store->AppliedPosition(p));
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
  ready_->Notify();
  if (thread_.joinable()) thread_.join();
  absl::MutexLock lock(&mu_);
  running_ = false;
  changed_.SignalAll();
}

void ProjectorRunner::Pause() {
  absl::MutexLock lock(&mu_);
  while (pause_requested_ && running_ && !stopping_) changed_.Wait(&mu_);  // another's
  pause_requested_ = true;
  ready_->Notify();
  while (running_ && !paused_ && !stopping_) changed_.Wait(&mu_);
}

void ProjectorRunner::ExpectPause(bool soon) { pause_soon_.store(soon, std::memory_order_relaxed); }

void ProjectorRunner::Resume() {
  pause_soon_.store(false, std::memory_order_relaxed);
  absl::MutexLock lock(&mu_);
  pause_requested_ = false;
  apply_until_.clear();
  changed_.SignalAll();
}

bool ProjectorRunner::ApplyUntilPending() const {
  if (!pause_requested_ || apply_until_.empty()) return false;
  for (size_t p = 0; p < apply_until_.size() && p < applied_.size(); ++p) {
    if (applied_[p] < apply_until_[p]) return true;
  }
  return false;
}

absl::Status ProjectorRunner::ApplyUntil(const std::vector<uint64_t>& positions,
                                         absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::MutexLock lock(&mu_);
  if (!pause_requested_) {
    return absl::FailedPreconditionError("ApplyUntil needs the projector paused first");
  }
  if (positions.size() != applied_.size()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "ApplyUntil: ", positions.size(), " positions for ", applied_.size(), " partitions"));
  }
  for (size_t p = 0; p < positions.size(); ++p) {
    if (applied_[p] > positions[p]) {
      return absl::FailedPreconditionError(absl::StrCat("the projector has applied partition ", p,
                                                        " up to ", applied_[p], ", past ",
                                                        positions[p]));
    }
  }
  apply_until_ = positions;
  changed_.SignalAll();
  ready_->Notify();
  while (running_ && !stopping_ && !(paused_ && !ApplyUntilPending())) {
    if (changed_.WaitWithDeadline(&mu_, deadline)) break;
  }
  if (!running_ || stopping_) return absl::UnavailableError("the projector is stopping");
  if (paused_ && !ApplyUntilPending()) return absl::OkStatus();
  // Hold still where it got to: no further than the positions.
  std::string behind;
  for (size_t p = 0; p < positions.size(); ++p) {
    if (applied_[p] < positions[p]) {
      absl::StrAppend(&behind, behind.empty() ? "" : ", ", "partition ", p, " at ", applied_[p],
                      " of ", positions[p]);
    }
  }
  apply_until_.clear();
  changed_.SignalAll();
  while (running_ && !stopping_ && !paused_) changed_.Wait(&mu_);
  return absl::DeadlineExceededError(absl::StrCat(
      "the projector did not reach the log's end in time (", behind,
      last_error_.ok() ? "" : absl::StrCat("; last error: ", last_error_.ToString()), ")"));
}

absl::Status ProjectorRunner::last_error() const {
  absl::MutexLock lock(&mu_);
  return last_error_;
}

void ProjectorRunner::ParkIfPaused() {
  {
    absl::MutexLock lock(&mu_);
    if (!pause_requested_ || ApplyUntilPending()) return;
    paused_ = true;
    changed_.SignalAll();
    while (pause_requested_ && !stopping_ && !ApplyUntilPending()) changed_.Wait(&mu_);
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

std::unique_ptr<ReadAhead> ProjectorRunner::MakeReadAhead(
    std::unique_ptr<cti::log::LogReader> reader, size_t batch_size) {
  return std::make_unique<ReadAhead>(std::move(reader), batch_size, /*depth=*/2, /*arena=*/true,
                                     ready_);
}

void ProjectorRunner::Run() {
  const int partitions = static_cast<int>(readers_.size());
  // Direct readers (no read-ahead) are waited on in turn, sharing read_wait.
  const absl::Duration direct_wait =
      partitions <= 1 ? options_.read_wait
                      : std::max(options_.read_wait / partitions, absl::Milliseconds(1));
  while (true) {
    ParkIfPaused();
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) break;
      limits_.clear();
      if (ApplyUntilPending()) limits_ = apply_until_;
    }
    if (replaying_ && store_ != nullptr) MaybeFinishCatchUp();  // a failed finish
    // With read-aheads, every partition is looked at without waiting; the runner sleeps
    // only when none had records, until any read-ahead has some.
    const bool read_ahead = !ahead_.empty();
    const uint64_t seen = ready_->generation();
    bool any_applied = false;
    for (int p = 0; p < partitions; ++p) {
      bool applied = false;
      if (Step(p, read_ahead ? absl::ZeroDuration() : direct_wait, &applied)) {
        any_applied = any_applied || applied;
        continue;
      }
      if (SleepUnlessStopping(options_.retry_pause)) break;
      // Start again after the store's checkpoint: the failed batch was not applied.
      held_[p] = cti::log::RecordBatch();
      absl::StatusOr<std::unique_ptr<cti::log::LogReader>> reader =
          log_->OpenReader(p, stores_->Get()->AppliedPosition(p) + 1);
      if (reader.ok() && !ahead_.empty()) {
        ahead_[p].reset();  // stops the old read-ahead before the next one starts
        ahead_[p] = MakeReadAhead(*std::move(reader),
                                  replaying_ ? options_.replay_batch_size : options_.batch_size);
      } else if (reader.ok()) {
        readers_[p] = *std::move(reader);
      } else {
        spdlog::error("projector: cannot reopen the log reader of partition {}: {}", p,
                      reader.status().ToString());
      }
    }
    if (read_ahead && !any_applied) {
      ready_->WaitChange(
          seen, pause_soon_.load(std::memory_order_relaxed) ? kPauseSoonWait : options_.read_wait);
    }
  }
  // Release the store here: the owner closes it after Stop (which flushes a bulk load
  // that did not finish: what it applied is kept).
  ahead_.clear();
  projector_.reset();
  store_.reset();
}

bool ProjectorRunner::Step(int partition, absl::Duration wait, bool* applied) {
  *applied = false;
  if (pause_soon_.load(std::memory_order_relaxed)) wait = std::min(wait, kPauseSoonWait);
  uint64_t limit = std::numeric_limits<uint64_t>::max();
  if (!limits_.empty()) {
    limit = limits_[partition];
    absl::MutexLock lock(&mu_);
    if (applied_[partition] >= limit) return true;  // ApplyUntil: this one is there
  }
  absl::StatusOr<cti::log::RecordBatch> records = NextRecords(partition, wait);
  if (records.ok() && !records->empty() && records->records().back()->position() > limit) {
    HoldAfter(partition, limit, *records);
  }
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
      projector_->ApplyPointers(partition, records->records());
  if (!outcomes.ok()) {
    spdlog::error("projector: applying partition {} positions {}..{} failed: {}", partition,
                  records->records().front()->position(), records->records().back()->position(),
                  outcomes.status().ToString());
    absl::MutexLock lock(&mu_);
    last_error_ = outcomes.status();
    return false;
  }
  auto batch = std::make_shared<AppliedBatch>();
  batch->partition = partition;
  batch->applied_position = records->records().back()->position();
  batch->records = *std::move(records);
  for (size_t i = 0; i < batch->records.size() && i < outcomes->size(); ++i) {
    *batch->records.mutable_record(i)->mutable_outcome() = std::move((*outcomes)[i]);
  }
  const uint64_t applied_position = batch->applied_position;
  {
    absl::MutexLock lock(&mu_);
    last_error_ = absl::OkStatus();
    applied_[partition] = applied_position;
    if (!apply_until_.empty()) changed_.SignalAll();
  }
  waiters_->Advance(partition, applied_position);
  hub_->Publish(std::move(batch));
  CheckCaughtUp(partition, applied_position);
  *applied = true;
  return true;
}

absl::StatusOr<cti::log::RecordBatch> ProjectorRunner::NextRecords(int partition,
                                                                   absl::Duration wait) {
  if (!held_[partition].empty()) {
    cti::log::RecordBatch held = std::move(held_[partition]);
    held_[partition] = cti::log::RecordBatch();
    return held;
  }
  return ahead_.empty() ? readers_[partition]->NextBatch(options_.batch_size, wait)
                        : ahead_[partition]->NextBatch(wait);
}

void ProjectorRunner::HoldAfter(int partition, uint64_t limit, cti::log::RecordBatch& batch) {
  std::vector<cti::v1::LogRecord> after;
  for (const cti::v1::LogRecord* record : batch.records()) {
    if (record->position() > limit) after.push_back(*record);
  }
  for (size_t i = 0; i < after.size(); ++i) batch.PopBack();
  held_[partition] = cti::log::RecordBatch(std::move(after));
}

bool ProjectorRunner::MaybeFinishCatchUp() {
  if (caught_up_.HasBeenNotified()) return true;
  if (!std::all_of(partition_caught_up_.begin(), partition_caught_up_.end(),
                   [](bool b) { return b; })) {
    return false;
  }
  if (!FinishReplay()) return true;  // caught up, but not finished: tried again later
  spdlog::info("projector: caught up with the log");
  caught_up_.Notify();
  return true;
}

bool ProjectorRunner::FinishReplay() {
  if (!replaying_) return true;
  if (absl::Status s = store_->EndBulkLoad(); !s.ok()) {
    spdlog::error("projector: ending the replay's bulk load failed (will retry): {}", s.ToString());
    absl::MutexLock lock(&mu_);
    last_error_ = s;
    return false;
  }
  building_.store(false, std::memory_order_release);  // the store is readable now
  // Live from here, from the checkpoint: in live-sized batches, read ahead or directly.
  std::vector<std::unique_ptr<cti::log::LogReader>> direct;
  for (size_t p = 0; p < ahead_.size(); ++p) {
    const int partition = static_cast<int>(p);
    absl::StatusOr<std::unique_ptr<cti::log::LogReader>> reader =
        log_->OpenReader(partition, store_->AppliedPosition(partition) + 1);
    if (!reader.ok()) {  // keep the read-ahead; tried again after the next batch
      spdlog::error("projector: cannot reopen the log reader of partition {}: {}", p,
                    reader.status().ToString());
      absl::MutexLock lock(&mu_);
      last_error_ = reader.status();
      return false;
    }
    direct.push_back(*std::move(reader));
  }
  ahead_.clear();  // stops the replay's read-ahead threads first
  for (cti::log::RecordBatch& held : held_) held = cti::log::RecordBatch();
  if (options_.live_read_ahead) {
    for (std::unique_ptr<cti::log::LogReader>& reader : direct) {
      ahead_.push_back(MakeReadAhead(std::move(reader), options_.batch_size));
    }
  } else {
    readers_ = std::move(direct);
  }
  replaying_ = false;
  absl::MutexLock lock(&mu_);
  bulk_replay_ = false;
  return true;
}

void ProjectorRunner::CheckCaughtUp(int partition, uint64_t applied) {
  if (caught_up_.HasBeenNotified()) return;
  if (applied >= startup_end_[partition]) partition_caught_up_[partition] = true;
  if (MaybeFinishCatchUp()) return;
  const absl::Time now = clock_->Now();
  if (now - last_progress_log_ >= absl::Seconds(2)) {
    last_progress_log_ = now;
    spdlog::info("projector: replaying partition {}: applied {} of {}", partition, applied,
                 startup_end_[partition]);
  }
}

absl::Status ServingGate(const ServiceDeps& deps) {
  if (deps.runner == nullptr || !deps.runner->building()) return absl::OkStatus();
  std::shared_ptr<cti::projections::Store> store = deps.stores->Get();
  return absl::UnavailableError(absl::StrCat(
      "this replica is building its projections from the log (",
      store == nullptr ? 0 : store->records_applied(), " of ", deps.runner->startup_records(),
      " records applied); it answers once it serves (GetStatus shows the progress)"));
}

}  // namespace cti::server
