#include "projections/route_cache.h"

#include <utility>

namespace cti::projections {

RouteCache::RouteCache(std::vector<uint64_t> published) {
  partitions_.resize(published.size());
  for (size_t p = 0; p < published.size(); ++p) {
    partitions_[p].published = published[p];
    partitions_[p].last_change = published[p];
    partitions_[p].last_call_change = published[p];
    partitions_[p].busy_floor = published[p];
  }
}

void RouteCache::NoteApplied(int partition, uint64_t applied, bool routing_changed,
                             bool calls_changed, absl::Span<const std::string> busy_changed) {
  absl::MutexLock lock(&mu_);
  if (partition < 0 || static_cast<size_t>(partition) >= partitions_.size()) return;
  Partition& p = partitions_[partition];
  if (applied <= p.published) return;
  p.published = applied;
  if (calls_changed) p.last_call_change = applied;
  for (const std::string& key : busy_changed) p.busy_changes.insert_or_assign(key, applied);
  if (p.busy_changes.size() > kMaxBusyKeys) {
    p.busy_changes.clear();
    p.busy_floor = applied;
  }
  if (routing_changed) {
    p.last_change = applied;
    size_ -= p.entries.size();
    p.entries.clear();
  }
}

void RouteCache::ForgetAll() {
  absl::MutexLock lock(&mu_);
  for (Partition& p : partitions_) {
    p.last_change = p.published + 1;
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

std::string RouteCache::EmployeeBusyKey(absl::string_view tenant, absl::string_view employee_id) {
  std::string key;
  key.reserve(2 + tenant.size() + employee_id.size());
  key.push_back('e');
  key.append(tenant.data(), tenant.size());
  key.push_back('\0');
  key.append(employee_id.data(), employee_id.size());
  return key;
}

std::string RouteCache::CallBusyKey(absl::string_view tenant, absl::string_view call_id) {
  std::string key;
  key.reserve(2 + tenant.size() + call_id.size());
  key.push_back('c');
  key.append(tenant.data(), tenant.size());
  key.push_back('\0');
  key.append(call_id.data(), call_id.size());
  return key;
}

void RouteCache::AppendBusyKeys(const cti::v1::Event& event, std::vector<std::string>* keys) {
  if (!event.has_call()) return;
  const cti::v1::CallEvent& call = event.call();
  if (call.has_answered() && call.answered().by().has_employee_id()) {
    keys->push_back(EmployeeBusyKey(event.tenant(), call.answered().by().employee_id()));
  }
  if (call.has_answered() || call.has_transferred() || call.has_ended()) {
    keys->push_back(CallBusyKey(event.tenant(), call.call_id()));
  }
}

std::optional<uint64_t> RouteCache::BusyGeneration(const Partition& p, uint64_t position,
                                                   const std::string& key) {
  if (position > p.published) return std::nullopt;
  auto it = p.busy_changes.find(key);
  const uint64_t last = it == p.busy_changes.end() ? p.busy_floor : it->second;
  if (last > position) return std::nullopt;
  return last;
}

bool RouteCache::BusyGenerationsAt(int partition, uint64_t position,
                                   absl::Span<const std::string> keys,
                                   std::vector<uint64_t>* generations) const {
  absl::ReaderMutexLock lock(&mu_);
  generations->clear();
  if (partition < 0 || static_cast<size_t>(partition) >= partitions_.size()) return false;
  const Partition& p = partitions_[partition];
  for (const std::string& key : keys) {
    std::optional<uint64_t> generation = BusyGeneration(p, position, key);
    if (!generation.has_value()) return false;
    generations->push_back(*generation);
  }
  return true;
}

bool RouteCache::BusyGenerationsHold(int partition, uint64_t position,
                                     absl::Span<const std::string> keys,
                                     absl::Span<const uint64_t> generations) const {
  if (keys.size() != generations.size()) return false;
  absl::ReaderMutexLock lock(&mu_);
  if (partition < 0 || static_cast<size_t>(partition) >= partitions_.size()) return false;
  const Partition& p = partitions_[partition];
  for (size_t i = 0; i < keys.size(); ++i) {
    if (BusyGeneration(p, position, keys[i]) != generations[i]) return false;
  }
  return true;
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
