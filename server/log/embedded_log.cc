#include "server/log/embedded_log.h"

#include <pthread.h>

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "projections/internal/rocks_support.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"
#include "server/log/embedded_log_internal.h"
#include "server/log/log_format.h"

namespace cti::log {
namespace {

using internal::EmbeddedShared;
using internal::FromRocks;
using internal::PendingAppend;

rocksdb::ColumnFamilyOptions RecordOptions() {
  // Records arrive in key order per partition: a memtable insert hint per partition
  // (the 4-byte key prefix) makes each insert O(1) instead of a skiplist search.
  rocksdb::ColumnFamilyOptions options;
  options.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(4));
  return options;
}

rocksdb::ColumnFamilyOptions EventIdIndexOptions() {
  // Most lookups are for event_ids that are not there: bloom filters answer those
  // without reading data blocks, in SST files and in the memtable.
  rocksdb::ColumnFamilyOptions options;
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  options.memtable_prefix_bloom_size_ratio = 0.05;
  options.memtable_whole_key_filtering = true;
  return options;
}

// Opens the database in `dir` with the log's column families.
absl::Status OpenDatabase(const std::string& dir, const EmbeddedLogOptions& options,
                          EmbeddedShared* shared) {
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.keep_log_file_num = 4;
  db_options.info_log = cti::rocks::NewInfoLog(dir);
  db_options.listeners.push_back(cti::rocks::NewResumeByOwner());
  // Every record is in the synced WAL; the only writes without it are the memtable
  // entries of KeepMemtableNonEmpty (embedded_log_commit.cc), which need no flush at close.
  db_options.avoid_flush_during_shutdown = true;
  if (options.env != nullptr) db_options.env = options.env;
  const std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, RecordOptions()},
      {internal::kEventIdsFamily, EventIdIndexOptions()},
      {internal::kMetaFamily, rocksdb::ColumnFamilyOptions()},
  };
  rocksdb::DB* db = nullptr;
  const rocksdb::Status status =
      rocksdb::DB::Open(db_options, dir, families, &shared->handles, &db);
  if (!status.ok()) return FromRocks(status, absl::StrCat("opening the log in '", dir, "'"));
  shared->db.reset(db);
  shared->records = shared->handles[0];
  shared->event_ids = shared->handles[1];
  shared->meta = shared->handles[2];
  return absl::OkStatus();
}

// Checks the format marker; writes it into a new, empty log.
absl::Status CheckFormat(const std::string& dir, EmbeddedShared* shared, bool log_is_empty) {
  std::string format;
  rocksdb::Status status =
      shared->db->Get(rocksdb::ReadOptions(), shared->meta, internal::kFormatKey, &format);
  if (status.ok()) {
    if (format == internal::kFormatName) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat("the log in '", dir, "' has format '", format,
                                                      "', expected '", internal::kFormatName, "'"));
  }
  if (!status.IsNotFound()) return FromRocks(status, "reading the log format");
  if (!log_is_empty) {
    return absl::FailedPreconditionError(
        absl::StrCat("'", dir, "' holds records but no log format marker"));
  }
  rocksdb::WriteOptions sync;
  sync.sync = true;
  status = shared->db->Put(sync, shared->meta, internal::kFormatKey, internal::kFormatName);
  if (!status.ok()) return FromRocks(status, "writing the log format");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<EmbeddedLog>> EmbeddedLog::Open(const std::string& dir,
                                                               cti::Clock* clock,
                                                               EmbeddedLogOptions options) {
  if (clock == nullptr) return absl::InvalidArgumentError("clock is required");
  if (options.max_batch_records == 0) {
    return absl::InvalidArgumentError("options.max_batch_records must be positive");
  }
  if (options.max_gather_wait < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("options.max_gather_wait must not be negative");
  }
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("cannot create log directory '", dir, "': ", error.message()));
  }
  auto shared = std::make_shared<EmbeddedShared>();
  if (absl::Status s = OpenDatabase(dir, options, shared.get()); !s.ok()) return s;
  absl::StatusOr<internal::LastRecord> last =
      internal::LoadLastRecord(shared->db.get(), shared->records, 0);
  if (!last.ok()) return last.status();
  if (absl::Status s = CheckFormat(dir, shared.get(), last->position == 0); !s.ok()) return s;
  shared->Publish(last->position);

  std::unique_ptr<EmbeddedLog> log(new EmbeddedLog(std::move(shared), clock, options));
  log->next_position_ = last->position + 1;
  log->last_recorded_at_ = last->recorded_at;
  log->completer_ = std::thread([raw = log.get()] { raw->CompleterLoop(); });
  log->appender_ = std::thread([raw = log.get()] { raw->AppenderLoop(); });
  return log;
}

EmbeddedLog::EmbeddedLog(std::shared_ptr<internal::EmbeddedShared> shared, cti::Clock* clock,
                         EmbeddedLogOptions options)
    : shared_(std::move(shared)), clock_(clock), options_(options) {}

EmbeddedLog::~EmbeddedLog() {
  {
    absl::MutexLock lock(&mu_);
    closing_ = true;
    queued_.Signal();
  }
  if (appender_.joinable()) appender_.join();
  {
    absl::MutexLock lock(&done_mu_);
    appender_stopped_ = true;
    answered_.Signal();
  }
  if (completer_.joinable()) completer_.join();
  shared_->Close();
}

int EmbeddedLog::PartitionOf(std::string_view /*tenant*/) const { return 0; }

void EmbeddedLog::AppendAsync(cti::v1::Event event, AppendCallback done) {
  if (absl::Status s = format::CheckAppendable(event); !s.ok()) {
    std::move(done)(s);
    return;
  }
  auto pending = std::make_unique<PendingAppend>();
  event.clear_recorded_at();
  pending->id_key = format::EventIdKey(event.tenant(), event.event_id());
  pending->digest = format::PayloadDigest(event);
  pending->event = std::move(event);
  pending->done = std::move(done);
  {
    absl::MutexLock lock(&mu_);
    if (!closing_) {
      queue_.push_back(std::move(pending));
      if (queue_.size() == 1) queued_.Signal();
      return;
    }
  }
  std::move(pending->done)(absl::UnavailableError("log closing"));
}

absl::StatusOr<uint64_t> EmbeddedLog::EndPosition(int partition) {
  if (partition != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("partition ", partition, " does not exist (the embedded log has 1)"));
  }
  absl::MutexLock lock(&shared_->mu);
  if (shared_->closed) return absl::UnavailableError("log closed");
  return shared_->end;
}

absl::StatusOr<std::unique_ptr<LogReader>> EmbeddedLog::OpenReader(int partition, uint64_t from) {
  if (partition != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("partition ", partition, " does not exist (the embedded log has 1)"));
  }
  return internal::NewEmbeddedReader(shared_, 0, from == 0 ? 1 : from);
}

EmbeddedLogStats EmbeddedLog::Stats() const {
  absl::MutexLock lock(&mu_);
  EmbeddedLogStats stats = stats_;
  stats.queued = queue_.size();
  return stats;
}

void EmbeddedLog::AppenderLoop() {
  pthread_setname_np(pthread_self(), "cti-log-append");
  Batch batch;
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      while (queue_.empty() && !closing_) queued_.Wait(&mu_);
      // The callers of the previous batch are likely appending again right now: let
      // them join this write rather than commit the first comer alone.
      const size_t wanted = std::min(last_batch_size_, options_.max_batch_records);
      if (queue_.size() < wanted && options_.max_gather_wait > absl::ZeroDuration()) {
        auto gathered = [this, wanted] { return closing_ || queue_.size() >= wanted; };
        mu_.AwaitWithTimeout(absl::Condition(&gathered), options_.max_gather_wait);
      }
      if (closing_) {
        batch.swap(queue_);
        break;
      }
      if (queue_.size() <= options_.max_batch_records) {
        batch.swap(queue_);
      } else {
        const auto split = queue_.begin() + static_cast<std::ptrdiff_t>(options_.max_batch_records);
        batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(split));
        queue_.erase(queue_.begin(), split);
      }
    }
    last_batch_size_ = batch.size();
    CommitBatch(batch);
    Complete(std::move(batch));
    batch = Batch();
  }
  for (std::unique_ptr<PendingAppend>& pending : batch) {
    pending->result = absl::UnavailableError("log closing");
  }
  Complete(std::move(batch));
}

void EmbeddedLog::Complete(Batch batch) {
  if (batch.empty()) return;
  absl::MutexLock lock(&done_mu_);
  answered_batches_.push_back(std::move(batch));
  if (answered_batches_.size() == 1) answered_.Signal();
}

void EmbeddedLog::CompleterLoop() {
  pthread_setname_np(pthread_self(), "cti-log-done");
  std::vector<Batch> batches;
  for (;;) {
    bool stopped = false;
    {
      absl::MutexLock lock(&done_mu_);
      while (answered_batches_.empty() && !appender_stopped_) answered_.Wait(&done_mu_);
      batches.swap(answered_batches_);
      stopped = appender_stopped_;
    }
    for (Batch& batch : batches) {
      for (std::unique_ptr<PendingAppend>& pending : batch) {
        std::move(pending->done)(std::move(pending->result));
      }
    }
    batches.clear();      // Frees the events and callbacks off the appender's thread.
    if (stopped) return;  // The appender handed over its last batch before stopping.
  }
}

absl::Status EmbeddedLog::Recover() {
  // Busy: RocksDB's own recovery from the error is under way; it usually ends soon.
  const absl::Time deadline = absl::Now() + absl::Seconds(2);
  rocksdb::Status status = shared_->db->Resume();
  while (status.IsBusy() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
    status = shared_->db->Resume();
  }
  if (status.IsNoSpace()) return FromRocks(status, "resuming the log after a failed write");
  if (!status.ok()) {
    // Answer with the failure that stopped the log (e.g. RESOURCE_EXHAUSTED: disk full).
    return absl::Status(
        last_write_error_.code(),
        absl::StrCat("the log has not recovered from a failed write (", last_write_error_.message(),
                     "); resuming: ", status.ToString()));
  }
  absl::StatusOr<internal::LastRecord> last =
      internal::LoadLastRecord(shared_->db.get(), shared_->records, 0);
  if (!last.ok()) return last.status();
  if (last->position + 1 < next_position_) {
    return absl::DataLossError(absl::StrCat("after resuming, the log ends at position ",
                                            last->position, " but position ", next_position_ - 1,
                                            " was acknowledged"));
  }
  next_position_ = last->position + 1;
  last_recorded_at_ = std::max(last_recorded_at_, last->recorded_at);
  shared_->Publish(last->position);
  needs_recovery_ = false;
  return absl::OkStatus();
}

}  // namespace cti::log
