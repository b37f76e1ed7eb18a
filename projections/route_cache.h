// RouteCache: parsed routing records (employees, units, hours, groups, forwardings,
// calendar entries, rules) shared by Route calls, so that a route to a known target reads
// no RocksDB and parses no protobuf.
//
// Validity. Records only change when staff or calendar records are applied. The owner
// tells the cache, in position order per partition, how far the projector has applied
// and whether routing data changed (NoteApplied). A Route call reads the checkpoint of
// its snapshot (position P) and asks VersionFor(partition, P): the position of the last
// routing change at or before P, when the cache knows it — P must not be ahead of what
// the cache was told, nor before the last change it was told. Entries are tagged with
// the version they were read at and used only by calls of the same version, so a call
// never mixes records of two states. Because apply is deterministic, positions mean
// the same state in every store generation (a rebuild's store included) — except across
// an erasure of personal data (projections/personal_data.h), after which the same
// records read differently: ForgetAll before a new generation is switched in.
//
// Whole Route answers are kept too (Router): under the same version, with the span of
// instants they hold for.
//
// Busy state (an employee talking on a call) changes with call records, one employee at
// a time. An answer that read it remembers the generation of each busy key it read
// (EmployeeBusyKey: "is this employee on a call", CallBusyKey: "is the call they were
// on still theirs") and is reused only while every generation is unchanged, so a call
// ending elsewhere does not retire it.
//
// Concurrency: thread-safe. Memory: at most kMaxEntries entries (then it starts over).
#ifndef CTI_PROJECTIONS_ROUTE_CACHE_H_
#define CTI_PROJECTIONS_ROUTE_CACHE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "cti/v1/event.pb.h"

namespace cti::projections {

class RouteCache {
 public:
  static constexpr size_t kMaxEntries = 200000;
  // Busy keys remembered per partition (then the partition's busy floor moves up and
  // every answer that read busy state is built again).
  static constexpr size_t kMaxBusyKeys = 100000;

  // `published[p]`: the applied position of partition p when the cache starts (treated as
  // a routing change: nothing earlier is known).
  explicit RouteCache(std::vector<uint64_t> published);

  // Records of `partition` up to `applied` are applied; `routing_changed` when any of
  // them was an applied staff or calendar record, `calls_changed` when any was an applied
  // call record (the last-call times hunt groups order by). Calls for one partition come
  // in position order. `busy_changed`: the busy keys whose state the records may have
  // changed (an employee answered a call; a call was transferred or ended).
  void NoteApplied(int partition, uint64_t applied, bool routing_changed,
                   bool calls_changed = false, absl::Span<const std::string> busy_changed = {});

  // Forgets every entry, and never again uses one for a position the cache has been
  // told of (as if routing data changed just after it): for a switch to a store
  // generation that may read differently at the same position. Queries still reading
  // the old generation then bypass the cache, and what they put is never found.
  // REQUIRES: no NoteApplied until the new generation is current.
  void ForgetAll();

  // Appends the busy keys whose state an applied `event` changes: who talks on a call
  // changes when it is answered (by an employee: now busy), transferred or ended
  // (whoever talked on it: free again).
  static void AppendBusyKeys(const cti::v1::Event& event, std::vector<std::string>* keys);
  // Busy keys (see the file comment). `tenant` as in requests.
  static std::string EmployeeBusyKey(absl::string_view tenant, absl::string_view employee_id);
  static std::string CallBusyKey(absl::string_view tenant, absl::string_view call_id);
  // The generation of each of `keys` at `position` (into *generations), or false when
  // the cache does not know one: `position` is ahead of what it was told, or the key
  // changed after `position`.
  bool BusyGenerationsAt(int partition, uint64_t position, absl::Span<const std::string> keys,
                         std::vector<uint64_t>* generations) const;
  // True when BusyGenerationsAt(partition, position, keys) would answer `generations`.
  bool BusyGenerationsHold(int partition, uint64_t position, absl::Span<const std::string> keys,
                           absl::Span<const uint64_t> generations) const;

  // The version a call whose snapshot is at `position` may use, or nullopt (bypass the
  // cache) when `position` is ahead of what the cache knows or before its last change.
  std::optional<uint64_t> VersionFor(int partition, uint64_t position) const;
  // Likewise for call records: the position of the last call change at or before
  // `position`, for answers that read call state (a round-robin or least-recent order).
  // Call changes do not retire entries: an answer remembers the calls version it read.
  std::optional<uint64_t> CallsVersionFor(int partition, uint64_t position) const;

  // The entry under `key` read at `version` (a null pointer for a remembered absence),
  // or nullopt when there is none. The value must have been put with the same T.
  template <typename T>
  std::optional<std::shared_ptr<const T>> Find(int partition, uint64_t version,
                                               const std::string& key) const {
    std::optional<std::shared_ptr<const void>> found = FindErased(partition, version, key);
    if (!found.has_value()) return std::nullopt;
    return std::static_pointer_cast<const T>(*std::move(found));
  }
  // One lookup for a call whose snapshot is at `position` (VersionFor, Find and
  // CallsVersionFor under one lock): the entry under `key` of the version `position` may
  // use, or nullopt. `*calls_version` is set to CallsVersionFor(partition, position).
  template <typename T>
  std::optional<std::shared_ptr<const T>> FindAt(int partition, uint64_t position,
                                                 const std::string& key,
                                                 std::optional<uint64_t>* calls_version) const {
    std::optional<std::shared_ptr<const void>> found =
        FindAtErased(partition, position, key, calls_version);
    if (!found.has_value()) return std::nullopt;
    return std::static_pointer_cast<const T>(*std::move(found));
  }
  // Remembers `value` (which may be a null pointer: "absent") under `key` for `version`.
  template <typename T>
  void Put(int partition, uint64_t version, const std::string& key,
           std::shared_ptr<const T> value) {
    PutErased(partition, version, key, std::move(value));
  }

  size_t size() const;

  // Route answers served whole from the cache, and answers built from records (for
  // figures and tests; Router counts them).
  struct AnswerCounts {
    uint64_t reused = 0;
    uint64_t built = 0;
  };
  void CountAnswer(bool reused) {
    (reused ? answers_reused_ : answers_built_).fetch_add(1, std::memory_order_relaxed);
  }
  AnswerCounts answer_counts() const {
    return {answers_reused_.load(std::memory_order_relaxed),
            answers_built_.load(std::memory_order_relaxed)};
  }

 private:
  struct Entry {
    uint64_t version = 0;
    std::shared_ptr<const void> value;
  };
  struct Partition {
    uint64_t published = 0;         // applied position the cache has been told of
    uint64_t last_change = 0;       // position of the last routing change
    uint64_t last_call_change = 0;  // position of the last call change
    absl::flat_hash_map<std::string, Entry> entries;
    // Busy key -> position of its last change; keys not here last changed at or
    // before busy_floor.
    uint64_t busy_floor = 0;
    absl::flat_hash_map<std::string, uint64_t> busy_changes;
  };
  // The generation of `key` in `p` at `position`, or nullopt when unknown.
  static std::optional<uint64_t> BusyGeneration(const Partition& p, uint64_t position,
                                                const std::string& key);
  std::optional<std::shared_ptr<const void>> FindErased(int partition, uint64_t version,
                                                        const std::string& key) const;
  std::optional<std::shared_ptr<const void>> FindAtErased(
      int partition, uint64_t position, const std::string& key,
      std::optional<uint64_t>* calls_version) const;
  void PutErased(int partition, uint64_t version, const std::string& key,
                 std::shared_ptr<const void> value);

  mutable absl::Mutex mu_;
  std::vector<Partition> partitions_ ABSL_GUARDED_BY(mu_);
  size_t size_ ABSL_GUARDED_BY(mu_) = 0;
  std::atomic<uint64_t> answers_reused_{0};
  std::atomic<uint64_t> answers_built_{0};
};

}  // namespace cti::projections

#endif  // CTI_PROJECTIONS_ROUTE_CACHE_H_
