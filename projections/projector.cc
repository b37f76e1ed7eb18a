// Projector::Apply and Validate: run the rules (internal/rules.h) over a batch of
// records against one Overlay of pending writes and commit it, with the checkpoint, as
// one RocksDB WriteBatch (in a private bulk load the staged families' writes go to the
// staging area instead, internal/staged.h).
#include "projections/projector.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "projections/internal/apply_memo.h"
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

// `at(i)` is the i-th of `n` records.
template <typename At>
absl::StatusOr<std::vector<cti::v1::ApplyOutcome>> Projector::ApplyRecords(int partition, size_t n,
                                                                           At at) {
  internal::StoreImpl& store = internal::ImplOf(*store_);
  // RocksDB counts every key comparison into a thread-local perf context by default; in
  // the shared library each count is a TLS lookup. The projector thread does not read
  // those counters.
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
  store.AdoptKeyFilter();  // once a background scan has built it
  const uint64_t checkpoint = store.AppliedPosition(partition);
  for (size_t i = 1; i < n; ++i) {
    if (at(i).position() <= at(i - 1).position()) {
      return absl::InvalidArgumentError(
          absl::StrCat("records: positions must be strictly increasing (", at(i - 1).position(),
                       " then ", at(i).position(), ")"));
    }
  }
  if (n > 0 && at(0).position() == 0) {
    return absl::InvalidArgumentError("records: position 0 is not a log position");
  }

  internal::Overlay overlay;
  internal::ReadCache& cache = store.projector_cache();
  internal::Txn txn(store, &overlay, &cache, /*snapshot=*/nullptr);
  // A private bulk load: accepted writes of the staged families go straight to the
  // staging area. A batch that then fails leaves them there without its checkpoint, so
  // the load fails as a whole from then on (the store is discarded: store.h).
  internal::Staging* staged = store.staged();
  if (staged != nullptr) {
    if (absl::Status s = store.private_failure(); !s.ok()) return s;
    overlay.StageTo(staged, &store);
  }
  const auto fail = [&](absl::Status s) {
    if (staged != nullptr) store.FailPrivateBulkLoad(s);
    return s;
  };
  // The batch looks up every record's event_id: one batched read instead of one each.
  internal::ApplyScratch& scratch = *scratch_;
  scratch.event_key_bytes.clear();
  scratch.event_key_ends.clear();
  for (size_t i = 0; i < n; ++i) {
    const cti::v1::LogRecord& record = at(i);
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
    return fail(s);
  }
  txn.UsePrefetched(&scratch.prefetched);

  std::vector<cti::v1::ApplyOutcome> outcomes(n);
  internal::ApplyMemo memo;
  uint64_t applied = 0;
  uint64_t rejected = 0;
  uint64_t last = checkpoint;
  for (size_t i = 0; i < n; ++i) {
    const cti::v1::LogRecord& record = at(i);
    if (record.position() <= checkpoint) {  // applied before a crash or a re-read
      absl::StatusOr<cti::v1::ApplyOutcome> earlier = store.OutcomeAt(partition, record.position());
      if (!earlier.ok()) return fail(earlier.status());
      outcomes[i] = *std::move(earlier);
      continue;
    }
    absl::Status status = internal::ApplyEvent(txn, record.event(), record.position(), &memo);
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
        return fail(s);
      }
      if (absl::Status s =
              internal::RememberRejectedEventId(txn, record.event(), record.position());
          !s.ok()) {
        return fail(s);
      }
      overlay.CommitRecord();
      ++rejected;
    } else {
      return fail(status);  // storage failure: nothing of this batch is written
    }
    ++applied;
    last = record.position();
  }
  if (applied == 0) return outcomes;
  rocksdb::WriteBatch& batch = scratch.batch;
  batch.Clear();
  if (absl::Status s = overlay.AppendTo(store, &batch); !s.ok()) return fail(s);
  if (absl::Status s = store.Commit(&batch, partition, last, applied, rejected); !s.ok()) {
    return fail(s);
  }
  cache.Absorb(overlay);
  if (staged != nullptr) staged->AfterBatch();
  return outcomes;
}

absl::StatusOr<std::vector<cti::v1::ApplyOutcome>> Projector::Apply(
    int partition, absl::Span<const cti::v1::LogRecord> records) {
  return ApplyRecords(partition, records.size(),
                      [records](size_t i) -> const cti::v1::LogRecord& { return records[i]; });
}

absl::StatusOr<std::vector<cti::v1::ApplyOutcome>> Projector::ApplyPointers(
    int partition, absl::Span<const cti::v1::LogRecord* const> records) {
  return ApplyRecords(partition, records.size(),
                      [records](size_t i) -> const cti::v1::LogRecord& { return *records[i]; });
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
