#include "projections/route_cache.h"

#include <utility>

namespace cti::projections {

RouteCache::RouteCache(std::vector<uint64_t> published) {
  partitions_.resize(published.size());
  for (size_t p = 0; p < published.size(); ++p) {
    partitions_[p].published = published[p];
    partitions_[p].last_change = published[p];
    partitions_[p].last_call_change = published[p];
  }
}

void RouteCache::NoteApplied(int partition, uint64_t applied, bool routing_changed,
                             bool calls_changed) {
  absl::MutexLock lock(&mu_);
  if (partition < 0 || static_cast<size_t>(partition) >= partitions_.size()) return;
  Partition& p = partitions_[partition];
  if (applied <= p.published) return;
  p.published = applied;
  if (calls_changed) p.last_call_change = applied;
  if (routing_changed) {
    p.last_change = applied;
    size_ -= p.entries.size();
    p.entries.clear();
  }
}

std::optional<uint64_t> RouteCache::VersionFor(int partition, uint64_t position) const {
  absl::ReaderMutexLock lock(&mu_);
  if (partition < 0 || static_cast<size_t>(partition) >= partitions_.size()) return std::nullopt;
  const Partition& p = partitions_[partition];
  if (position > p.published || position < p.last_change) return std::nullopt;
  return p.last_change;
}

std::optional<uint64_t> RouteCache::CallsVersionFor(int partition, uint64_t position) const {
  absl::ReaderMutexLock lock(&mu_);
  if (partition < 0 || static_cast<size_t>(partition) >= partitions_.size()) return std::nullopt;
  const Partition& p = partitions_[partition];
  if (position > p.published || position < p.last_call_change) return std::nullopt;
  return p.last_call_change;
}

std::optional<std::shared_ptr<const void>> RouteCache::FindErased(int partition, uint64_t version,
                                                                  const std::string& key) const {
  absl::ReaderMutexLock lock(&mu_);
  if (partition < 0 || static_cast<size_t>(partition) >= partitions_.size()) return std::nullopt;
  const Partition& p = partitions_[partition];
  auto it = p.entries.find(key);
  if (it == p.entries.end() || it->second.version != version) return std::nullopt;
  return it->second.value;
}

std::optional<std::shared_ptr<const void>> RouteCache::FindAtErased(
    int partition, uint64_t position, const std::string& key,
    std::optional<uint64_t>* calls_version) const {
  absl::ReaderMutexLock lock(&mu_);
  calls_version->reset();
  if (partition < 0 || static_cast<size_t>(partition) >= partitions_.size()) return std::nullopt;
  const Partition& p = partitions_[partition];
  if (position > p.published) return std::nullopt;
  if (position >= p.last_call_change) *calls_version = p.last_call_change;
  if (position < p.last_change) return std::nullopt;
  auto it = p.entries.find(key);
  if (it == p.entries.end() || it->second.version != p.last_change) return std::nullopt;
  return it->second.value;
}

void RouteCache::PutErased(int partition, uint64_t version, const std::string& key,
                           std::shared_ptr<const void> value) {
  absl::MutexLock lock(&mu_);
  if (partition < 0 || static_cast<size_t>(partition) >= partitions_.size()) return;
  Partition& p = partitions_[partition];
  if (version != p.last_change) return;  // read at a state the cache has moved past
  if (size_ >= kMaxEntries) {
    for (Partition& q : partitions_) q.entries.clear();
    size_ = 0;
  }
  auto [it, inserted] = p.entries.insert_or_assign(key, Entry{version, std::move(value)});
  if (inserted) ++size_;
}

size_t RouteCache::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return size_;
}

}  // namespace cti::projections
