// Store::Digest (store.h): SHA-256 over every family's name, keys and values in key order,
// from one snapshot. The bytes hashed (the framing below) define the digest; how they are
// read does not: big families are split into key ranges read by two threads at once,
// and the calling thread hashes the ranges' bytes in key order as they come.
#include <openssl/evp.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/escaping.h"
#include "absl/synchronization/mutex.h"
#include "projections/internal/keys.h"
#include "projections/internal/store_impl.h"
#include "rocksdb/perf_level.h"

namespace cti::projections::internal {
namespace {

constexpr size_t kChunkBytes = 256 << 10;     // hashed in pieces of this size
constexpr size_t kMaxQueuedBytes = 32 << 20;  // read ahead of the hashing, per range
constexpr uint64_t kSplitMinBytes = 4 << 20;  // families smaller than this: one range
constexpr int kReaders = 2;

// Framing: 'C' len name for a family, 'E' len key len value for an entry; lengths are
// big-endian 32-bit, so no two different states hash the same bytes.
void AppendFrame(std::string* out, char tag, absl::string_view a, const rocksdb::Slice* b) {
  out->push_back(tag);
  AppendBigEndian32(out, static_cast<uint32_t>(a.size()));
  out->append(a.data(), a.size());
  if (b != nullptr) {
    AppendBigEndian32(out, static_cast<uint32_t>(b->size()));
    out->append(b->data(), b->size());
  }
}

// One range of one family: keys in [lower, upper) (empty: unbounded), with the bytes
// read from it queued for the hashing thread.
struct Range {
  int cf = 0;
  bool first_of_family = false;  // the family's 'C' frame comes first
  std::string lower, upper;

  absl::Mutex mu;
  absl::CondVar changed;
  std::deque<std::string> chunks ABSL_GUARDED_BY(mu);
  size_t queued ABSL_GUARDED_BY(mu) = 0;
  bool done ABSL_GUARDED_BY(mu) = false;
  bool abandoned ABSL_GUARDED_BY(mu) = false;  // the hashing thread gave up
  absl::Status status ABSL_GUARDED_BY(mu);
};

// The key after the common prefix of `a` and `b`, as a big-endian number of 8 bytes.
uint64_t Window(absl::string_view key, size_t common) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) {
    const size_t at = common + i;
    v = v << 8 | (at < key.size() ? static_cast<unsigned char>(key[at]) : 0u);
  }
  return v;
}

// A key splitting `cf`'s keys (as `read` sees them) into two ranges of about the same
// size on disk; empty when the family is small (or its keys do not spread).
std::string SplitKey(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                     const rocksdb::ReadOptions& read) {
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read, cf));
  it->SeekToFirst();
  if (!it->Valid()) return "";
  const std::string first = it->key().ToString();
  it->SeekToLast();
  if (!it->Valid()) return "";
  const std::string last = it->key().ToString();
  size_t common = 0;
  while (common < first.size() && common < last.size() && first[common] == last[common]) ++common;
  const std::string prefix = first.substr(0, common);
  const std::string end = last + '\0';
  auto size_below = [&](const std::string& limit) {
    const rocksdb::Range range(first, limit);
    uint64_t size = 0;
    db->GetApproximateSizes(cf, &range, 1, &size).PermitUncheckedError();
    return size;
  };
  const uint64_t total = size_below(end);
  if (total < kSplitMinBytes) return "";
  uint64_t lo = Window(first, common);
  uint64_t hi = Window(last, common);
  auto key_of = [&](uint64_t v) {
    std::string key = prefix;
    for (int shift = 56; shift >= 0; shift -= 8) key.push_back(static_cast<char>(v >> shift));
    return key;
  };
  for (int i = 0; i < 40 && hi - lo > 1; ++i) {
    const uint64_t mid = lo + (hi - lo) / 2;
    if (size_below(key_of(mid)) < total / 2) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  std::string split = key_of(hi);
  if (split <= first || split > last) return "";
  return split;
}

// Reads `range` into its queue (on a reader thread).
void ReadRange(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, rocksdb::ReadOptions read,
               Range& range) {
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);  // nobody reads the counters
  const rocksdb::Slice upper(range.upper);
  if (!range.upper.empty()) read.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read, cf));
  std::string chunk;
  chunk.reserve(kChunkBytes + 4096);
  // False when the hashing thread no longer wants the bytes.
  auto hand_over = [&]() {
    absl::MutexLock lock(&range.mu);
    while (range.queued >= kMaxQueuedBytes && !range.abandoned) range.changed.Wait(&range.mu);
    if (range.abandoned) return false;
    range.queued += chunk.size();
    range.chunks.push_back(std::move(chunk));
    range.changed.SignalAll();
    chunk = std::string();
    chunk.reserve(kChunkBytes + 4096);
    return true;
  };
  if (range.first_of_family) AppendFrame(&chunk, 'C', CfName(static_cast<Cf>(range.cf)), nullptr);
  bool wanted = true;
  for (range.lower.empty() ? it->SeekToFirst() : it->Seek(range.lower); wanted && it->Valid();
       it->Next()) {
    const rocksdb::Slice key = it->key();
    const rocksdb::Slice value = it->value();
    AppendFrame(&chunk, 'E', absl::string_view(key.data(), key.size()), &value);
    if (chunk.size() >= kChunkBytes) wanted = hand_over();
  }
  if (wanted && !chunk.empty()) hand_over();
  absl::MutexLock lock(&range.mu);
  if (!it->status().ok()) range.status = FromRocks(it->status(), "reading for the digest");
  range.done = true;
  range.changed.SignalAll();
}

}  // namespace

absl::StatusOr<std::string> StoreImpl::Digest() const {
  if (private_bulk_.load(std::memory_order_relaxed)) {
    return absl::FailedPreconditionError(
        "projection store: no digest during a private bulk load (the store is incomplete)");
  }
  const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  read.fill_cache = false;
  read.readahead_size = 2 << 20;

  std::vector<std::unique_ptr<Range>> ranges;
  for (int i = 0; i < kCfCount; ++i) {
    const std::string split = SplitKey(db_, handles_[i], read);
    auto range = std::make_unique<Range>();
    range->cf = i;
    range->first_of_family = true;
    range->upper = split;
    ranges.push_back(std::move(range));
    if (split.empty()) continue;
    auto rest = std::make_unique<Range>();
    rest->cf = i;
    rest->lower = split;
    ranges.push_back(std::move(rest));
  }
  std::atomic<size_t> next{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&] {
      for (size_t i = next.fetch_add(1); i < ranges.size(); i = next.fetch_add(1)) {
        ReadRange(db_, handles_[ranges[i]->cf], read, *ranges[i]);
      }
    });
  }

  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  absl::Status status;
  for (const std::unique_ptr<Range>& range : ranges) {
    absl::MutexLock lock(&range->mu);
    if (!status.ok()) {  // stop the readers soon: nothing more is hashed
      range->abandoned = true;
      range->changed.SignalAll();
      continue;
    }
    while (true) {
      while (range->chunks.empty() && !range->done) range->changed.Wait(&range->mu);
      if (range->chunks.empty()) break;
      std::string chunk = std::move(range->chunks.front());
      range->chunks.pop_front();
      range->queued -= chunk.size();
      range->changed.SignalAll();
      range->mu.Unlock();
      EVP_DigestUpdate(ctx, chunk.data(), chunk.size());
      range->mu.Lock();
    }
    status.Update(range->status);
  }
  for (std::thread& reader : readers) reader.join();
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  EVP_DigestFinal_ex(ctx, md, &md_len);
  EVP_MD_CTX_free(ctx);
  db_->ReleaseSnapshot(snapshot);
  if (!status.ok()) return status;
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(md), md_len));
}

}  // namespace cti::projections::internal
