// EmbeddedLog's group commit: one batch of queued appends -> one synced WriteBatch.
#include <algorithm>
#include <memory>
#include <optional>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/write_batch.h"
#include "server/log/embedded_log.h"
#include "server/log/embedded_log_internal.h"
#include "server/log/log_format.h"

namespace cti::log {
namespace {

using internal::PendingAppend;

// How one queued append is answered.
struct Resolution {
  enum Kind { kNew, kDuplicate, kError } kind = kError;
  uint64_t position = 0;
  bool in_batch = false;   // A duplicate of a new record of this batch.
  absl::Time recorded_at;  // For duplicates of stored records.
  absl::Status error;
};

// What the batch knows about one (tenant, event_id).
struct KeyState {
  absl::Status error;                         // The index lookup failed.
  std::optional<format::EventIdEntry> entry;  // Stored, or assigned in this batch.
  bool in_batch = false;                      // entry was assigned in this batch.
  std::optional<absl::StatusOr<absl::Time>> stored_recorded_at;  // Read when first needed.
};

using KeyStates = absl::flat_hash_map<std::string_view, KeyState>;

// Looks every distinct event_id of the batch up in the index with one MultiGet.
KeyStates LookUpEventIds(internal::EmbeddedShared& shared,
                         const std::vector<std::unique_ptr<PendingAppend>>& batch) {
  KeyStates states;
  std::vector<rocksdb::Slice> keys;
  keys.reserve(batch.size());
  for (const std::unique_ptr<PendingAppend>& pending : batch) {
    if (states.try_emplace(pending->id_key).second) keys.emplace_back(pending->id_key);
  }
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  shared.db->MultiGet(rocksdb::ReadOptions(), shared.event_ids, keys.size(), keys.data(),
                      values.data(), statuses.data());
  for (size_t i = 0; i < keys.size(); ++i) {
    KeyState& state = states[keys[i].ToStringView()];
    if (statuses[i].IsNotFound()) continue;
    if (!statuses[i].ok()) {
      state.error = internal::FromRocks(statuses[i], "looking up the event_id index");
      continue;
    }
    state.entry = format::DecodeEventIdEntry(values[i].ToStringView());
    if (!state.entry.has_value()) {
      state.error = absl::DataLossError("an event_id index entry cannot be decoded");
    }
  }
  return states;
}

// A WAL write that fails while every memtable is empty (just after a flush, a Resume
// or an open, or after a switch to new memtables that this very write would make)
// leaves RocksDB 7.8 writing to a WAL file whose writer refuses all further writes:
// DB::Resume switches to a new WAL file only when it has a memtable to flush (RocksDB
// issue 11643, fixed upstream in 2024), and Debian's librocksdb ends the process there
// with an assertion. So
// before each write one entry goes into the memtable, without the WAL: the deletion of
// a meta key that is never written. A memtable switch that is due happens in this
// write, so the logged write after it finds the entry in its memtable.
rocksdb::Status KeepMemtableNonEmpty(internal::EmbeddedShared& shared) {
  rocksdb::WriteOptions memtable_only;
  memtable_only.disableWAL = true;
  return shared.db->Delete(memtable_only, shared.meta, "memtable-entry/never-written");
}

absl::Status AlreadyUsed(const cti::v1::Event& event, uint64_t position) {
  return absl::FailedPreconditionError(absl::StrCat("event_id '", event.event_id(),
                                                    "' already used at position ", position,
                                                    " with a different payload"));
}

}  // namespace

void EmbeddedLog::CommitBatch(Batch& batch) {
  const size_t n = batch.size();
  std::vector<Resolution> resolutions(n);
  absl::Status batch_error = needs_recovery_ ? Recover() : absl::OkStatus();
  const absl::Time recorded_at =
      std::max(format::TruncateToNanos(clock_->Now()), last_recorded_at_);
  size_t new_records = 0;
  bool wrote = false;

  if (batch_error.ok()) {
    KeyStates states = LookUpEventIds(*shared_, batch);
    uint64_t position = next_position_;
    rocksdb::WriteBatch write;
    for (size_t i = 0; i < n; ++i) {
      PendingAppend& pending = *batch[i];
      Resolution& resolution = resolutions[i];
      KeyState& state = states[pending.id_key];
      if (!state.error.ok()) {
        resolution.error = state.error;
        continue;
      }
      if (state.entry.has_value()) {
        if (state.entry->digest != pending.digest) {
          resolution.error = AlreadyUsed(pending.event, state.entry->position);
          continue;
        }
        resolution.kind = Resolution::kDuplicate;
        resolution.position = state.entry->position;
        resolution.in_batch = state.in_batch;
        if (state.in_batch) continue;
        if (!state.stored_recorded_at.has_value()) {
          absl::StatusOr<cti::v1::Event> stored = internal::ReadRecord(
              shared_->db.get(), shared_->records, state.entry->partition, state.entry->position);
          if (stored.ok()) {
            state.stored_recorded_at = format::FromTimestamp(stored->recorded_at());
          } else if (absl::IsNotFound(stored.status())) {
            state.stored_recorded_at = absl::DataLossError(
                absl::StrCat("event_id '", pending.event.event_id(), "' is indexed at position ",
                             state.entry->position, " but that record is missing"));
          } else {
            state.stored_recorded_at = stored.status();
          }
        }
        if (state.stored_recorded_at->ok()) {
          resolution.recorded_at = **state.stored_recorded_at;
        } else {
          resolution.kind = Resolution::kError;
          resolution.error = state.stored_recorded_at->status();
        }
        continue;
      }
      // A new record.
      resolution.kind = Resolution::kNew;
      resolution.position = position++;
      state.entry = format::EventIdEntry{0, resolution.position, pending.digest};
      state.in_batch = true;
      format::ToTimestamp(recorded_at, pending.event.mutable_recorded_at());
      write.Put(shared_->records, format::RecordKey(0, resolution.position),
                format::SerializeDeterministic(pending.event));
      write.Put(shared_->event_ids, pending.id_key, format::EncodeEventIdEntry(*state.entry));
      ++new_records;
    }
    if (new_records > 0) {
      rocksdb::WriteOptions options;
      options.sync = true;
      rocksdb::Status status = KeepMemtableNonEmpty(*shared_);
      if (status.ok()) status = shared_->db->Write(options, &write);
      if (status.ok()) {
        wrote = true;
        next_position_ = position;
        last_recorded_at_ = recorded_at;
        shared_->Publish(position - 1);
      } else {
        batch_error = internal::FromRocks(status, "appending to the log");
        needs_recovery_ = true;
        last_write_error_ = batch_error;
      }
    }
  }

  EmbeddedLogStats delta;
  for (size_t i = 0; i < n; ++i) {
    Resolution& resolution = resolutions[i];
    // Unresolved (the log did not resume), or needing this batch's write.
    const bool unresolved = resolution.kind == Resolution::kError && resolution.error.ok();
    const bool needs_write = resolution.kind == Resolution::kNew ||
                             (resolution.kind == Resolution::kDuplicate && resolution.in_batch);
    if (!batch_error.ok() && (unresolved || needs_write)) {
      resolution.kind = Resolution::kError;
      resolution.error = batch_error;
      ++delta.failed;
    }
    if (resolution.kind == Resolution::kDuplicate) ++delta.duplicates;
  }
  {
    absl::MutexLock lock(&mu_);
    stats_.batches += wrote ? 1 : 0;
    stats_.records += wrote ? new_records : 0;
    stats_.duplicates += delta.duplicates;
    stats_.failed += delta.failed;
  }
  for (size_t i = 0; i < n; ++i) {
    const Resolution& resolution = resolutions[i];
    PendingAppend& pending = *batch[i];
    if (resolution.kind == Resolution::kError) {
      pending.result = resolution.error;
    } else {
      const bool fresh = resolution.kind == Resolution::kNew || resolution.in_batch;
      pending.result = AppendResult{resolution.position, resolution.kind == Resolution::kDuplicate,
                                    fresh ? recorded_at : resolution.recorded_at};
    }
  }
}

}  // namespace cti::log
