// Projector::Apply and Validate: run the rules (internal/rules.h) over a batch of
// records against one Overlay of pending writes and commit it, with the checkpoint, as
// one RocksDB WriteBatch.
#include "projections/projector.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "projections/internal/keys.h"
#include "projections/internal/overlay.h"
#include "projections/internal/rules.h"
#include "projections/internal/store_impl.h"
#include "projections/internal/txn.h"
#include "rocksdb/perf_level.h"
#include "rocksdb/write_batch.h"

namespace cti::projections {

using internal::Cf;

namespace internal {

struct ApplyScratch {
  std::string event_key_bytes;  // the batch's event-id keys, back to back
  std::vector<size_t> event_key_ends;
  std::vector<absl::string_view> event_keys;
  Prefetched prefetched;
  rocksdb::WriteBatch batch;
};

}  // namespace internal

Projector::Projector(Store* store)
    : store_(store), scratch_(std::make_unique<internal::ApplyScratch>()) {}

Projector::~Projector() = default;

absl::StatusOr<std::vector<cti::v1::ApplyOutcome>> Projector::Apply(
    int partition, absl::Span<const cti::v1::LogRecord> records) {
  internal::StoreImpl& store = internal::ImplOf(*store_);
  // RocksDB counts every key comparison into a thread-local perf context by default; in
  // the shared library each count is a TLS lookup. The projector thread does not read
  // those counters.
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
  const uint64_t checkpoint = store.AppliedPosition(partition);
  for (size_t i = 1; i < records.size(); ++i) {
    if (records[i].position() <= records[i - 1].position()) {
      return absl::InvalidArgumentError(
          absl::StrCat("records: positions must be strictly increasing (",
                       records[i - 1].position(), " then ", records[i].position(), ")"));
    }
  }
  if (!records.empty() && records.front().position() == 0) {
    return absl::InvalidArgumentError("records: position 0 is not a log position");
  }

  internal::Overlay overlay;
  internal::ReadCache& cache = store.projector_cache();
  internal::Txn txn(store, &overlay, &cache, /*snapshot=*/nullptr);
  // The batch looks up every record's event_id: one batched read instead of one each.
  internal::ApplyScratch& scratch = *scratch_;
  scratch.event_key_bytes.clear();
  scratch.event_key_ends.clear();
  for (const cti::v1::LogRecord& record : records) {
    if (record.position() <= checkpoint) continue;
    if (internal::AppendEventIdKey(record.event(), &scratch.event_key_bytes)) {
      scratch.event_key_ends.push_back(scratch.event_key_bytes.size());
    }
  }
  scratch.event_keys.clear();
  size_t begin = 0;
  for (size_t end : scratch.event_key_ends) {
    scratch.event_keys.emplace_back(scratch.event_key_bytes.data() + begin, end - begin);
    begin = end;
  }
  if (absl::Status s =
          scratch.prefetched.Load(store, Cf::kEventIds, rocksdb::ReadOptions(), scratch.event_keys);
      !s.ok()) {
    return s;
  }
  txn.UsePrefetched(&scratch.prefetched);

  std::vector<cti::v1::ApplyOutcome> outcomes(records.size());
  uint64_t applied = 0;
  uint64_t rejected = 0;
  uint64_t last = checkpoint;
  for (size_t i = 0; i < records.size(); ++i) {
    const cti::v1::LogRecord& record = records[i];
    if (record.position() <= checkpoint) {  // applied before a crash or a re-read
      absl::StatusOr<cti::v1::ApplyOutcome> earlier = store.OutcomeAt(partition, record.position());
      if (!earlier.ok()) return earlier.status();
      outcomes[i] = *std::move(earlier);
      continue;
    }
    absl::Status status = internal::ApplyEvent(txn, record.event(), record.position());
    if (status.ok()) {
      overlay.CommitRecord();
    } else if (internal::IsRuleViolation(status)) {
      overlay.DiscardRecord();
      cti::v1::ApplyOutcome& outcome = outcomes[i];
      outcome.set_rejected(true);
      outcome.set_reason(std::string(status.message()));
      if (absl::Status s = txn.PutProto(
              Cf::kOutcomes, internal::OutcomeKey(partition, record.position()), outcome);
          !s.ok()) {
        return s;
      }
      if (absl::Status s =
              internal::RememberRejectedEventId(txn, record.event(), record.position());
          !s.ok()) {
        return s;
      }
      overlay.CommitRecord();
      ++rejected;
    } else {
      return status;  // storage failure: nothing of this batch is written
    }
    ++applied;
    last = record.position();
  }
  if (applied == 0) return outcomes;
  rocksdb::WriteBatch& batch = scratch.batch;
  batch.Clear();
  if (absl::Status s = overlay.AppendTo(store, &batch); !s.ok()) return s;
  if (absl::Status s = store.Commit(&batch, partition, last, applied, rejected); !s.ok()) {
    return s;
  }
  cache.Absorb(overlay);
  return outcomes;
}

absl::Status Validate(const Store& store, const cti::v1::Event& event) {
  const internal::StoreImpl& impl = internal::ImplOf(store);
  const rocksdb::Snapshot* snapshot = impl.db()->GetSnapshot();
  internal::Overlay scratch;  // discarded
  internal::Txn txn(impl, &scratch, /*cache=*/nullptr, snapshot);
  absl::Status status = internal::ApplyEvent(txn, event, /*position=*/0);
  impl.db()->ReleaseSnapshot(snapshot);
  return status;
}

}  // namespace cti::projections
