#include "projections/log_index.h"

#include <algorithm>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "projections/internal/keys.h"
#include "projections/internal/store_impl.h"
#include "rocksdb/db.h"

namespace cti::projections {

using internal::Cf;

absl::StatusOr<uint64_t> FirstPositionFrom(const Store& store, int partition, absl::Time t) {
  const uint64_t applied = store.AppliedPosition(partition);
  const int64_t unix_seconds = absl::ToUnixSeconds(t);  // floor
  const uint64_t second = unix_seconds > 0 ? static_cast<uint64_t>(unix_seconds) : 0;
  const internal::StoreImpl& impl = internal::ImplOf(store);
  const std::string start = internal::LogIndexKey(partition, second);
  const std::string upper = internal::PrefixSuccessor(start.substr(0, 4));
  rocksdb::ReadOptions read;
  const rocksdb::Slice upper_slice(upper);
  read.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(impl.db()->NewIterator(read, impl.cf(Cf::kLogIndex)));
  it->Seek(internal::ToSlice(start));
  if (!it->status().ok()) return internal::FromRocks(it->status(), "reading the log index");
  if (!it->Valid()) return applied + 1;
  if (it->value().size() != 8) {
    return absl::DataLossError(absl::StrCat("projection store: a log index entry of partition ",
                                            partition, " is malformed"));
  }
  const uint64_t position =
      internal::DecodeBigEndian64(absl::string_view(it->value().data(), it->value().size()));
  // An entry written after the applied position was read belongs to a later batch.
  return std::min(position, applied + 1);
}

absl::StatusOr<std::vector<std::pair<uint64_t, cti::v1::ApplyOutcome>>> RejectedBetween(
    const Store& store, int partition, uint64_t from, uint64_t to) {
  std::vector<std::pair<uint64_t, cti::v1::ApplyOutcome>> rejected;
  if (from > to) return rejected;
  const internal::StoreImpl& impl = internal::ImplOf(store);
  const std::string start = internal::OutcomeKey(partition, from);
  const std::string upper = to == UINT64_MAX ? internal::PrefixSuccessor(start.substr(0, 4))
                                             : internal::OutcomeKey(partition, to + 1);
  rocksdb::ReadOptions read;
  const rocksdb::Slice upper_slice(upper);
  read.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(impl.db()->NewIterator(read, impl.cf(Cf::kOutcomes)));
  for (it->Seek(internal::ToSlice(start)); it->Valid(); it->Next()) {
    if (it->key().size() != 12) continue;
    const uint64_t position =
        internal::DecodeBigEndian64(absl::string_view(it->key().data() + 4, 8));
    cti::v1::ApplyOutcome outcome;
    if (!outcome.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(
          absl::StrCat("projection store: outcome at position ", position, " cannot be parsed"));
    }
    rejected.emplace_back(position, std::move(outcome));
  }
  if (!it->status().ok()) return internal::FromRocks(it->status(), "reading outcomes");
  return rejected;
}

}  // namespace cti::projections
