// Projector::Apply and Validate: run the rules (internal/rules.h) over a batch of
// records against one Overlay of pending writes and commit it, with the checkpoint, as
// one RocksDB WriteBatch (in a private bulk load the staged families' writes go to the
// staging area instead, internal/staged.h).
#include "projections/projector.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/util/time_util.h"
#include "projections/internal/apply_memo.h"
#include "projections/internal/keys.h"
#include "projections/internal/overlay.h"
#include "projections/internal/rules.h"
#include "projections/internal/store_impl.h"
#include "projections/internal/txn.h"
#include "rocksdb/db.h"
#include "rocksdb/perf_level.h"
#include "rocksdb/write_batch.h"

namespace cti::projections {

using internal::Cf;

namespace internal {

struct ApplyScratch {
  // Per partition: the last second written to the log index (the running maximum of
  // recorded_at, keys.h LogIndexKey) as committed; loaded from the store on first use.
  absl::flat_hash_map<int, uint64_t> index_second;
  std::string event_key_bytes;  // the batch's event-id keys, back to back
  std::vector<size_t> event_key_ends;
  std::vector<absl::string_view> event_keys;
  Prefetched prefetched;
  rocksdb::WriteBatch batch;
};

namespace {

// The last second in `partition`'s log index, 0 when it has none.
absl::StatusOr<uint64_t> LastIndexedSecond(const StoreImpl& store, int partition) {
  const std::string lower = LogIndexKey(partition, 0);
  const std::string upper = PrefixSuccessor(lower.substr(0, 4));
  rocksdb::ReadOptions read;
  rocksdb::Slice upper_slice(upper);
  read.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(store.db()->NewIterator(read, store.cf(Cf::kLogIndex)));
  it->SeekToLast();
  if (!it->status().ok()) return FromRocks(it->status(), "reading the log index");
  if (!it->Valid() || it->key().size() != 12 || it->key().compare(ToSlice(lower)) < 0) return 0;
  return DecodeBigEndian64(absl::string_view(it->key().data() + 4, 8));
}

// The second of `event`'s recorded_at, 0 before 1970 or when unset.
uint64_t RecordedSecond(const cti::v1::Event& event) {
  return event.recorded_at().seconds() > 0 ? static_cast<uint64_t>(event.recorded_at().seconds())
                                           : 0;
}

}  // namespace

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

  // The log index: one key per new second of the running maximum of recorded_at.
  auto indexed = scratch.index_second.find(partition);
  if (indexed == scratch.index_second.end()) {
    absl::StatusOr<uint64_t> last = internal::LastIndexedSecond(store, partition);
    if (!last.ok()) return fail(last.status());
    indexed = scratch.index_second.emplace(partition, *last).first;
  }
  uint64_t index_second = indexed->second;
  std::string index_value;
  const auto index_record = [&](const cti::v1::LogRecord& record) -> absl::Status {
    const uint64_t second = internal::RecordedSecond(record.event());
    if (second <= index_second) return absl::OkStatus();
    index_second = second;
    index_value.clear();
    internal::AppendBigEndian64(&index_value, record.position());
    absl::Status s = txn.Put(Cf::kLogIndex, internal::LogIndexKey(partition, second), index_value);
    overlay.CommitRecord();
    return s;
  };

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
    overlay.set_history_position(record.position());
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
    if (absl::Status s = index_record(record); !s.ok()) return fail(s);
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
  indexed->second = index_second;
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
