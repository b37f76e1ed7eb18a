#include "server/erasure_monitor.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "projections/personal_data.h"
#include "server/privacy/sealer.h"
#include "spdlog/spdlog.h"

namespace cti::server {

ErasureMonitor::ErasureMonitor(privacy::KeyVault* vault,
                               std::function<int(absl::string_view)> partition_of,
                               StartRebuild start_rebuild, Options options)
    : vault_(vault),
      partition_of_(std::move(partition_of)),
      start_rebuild_(std::move(start_rebuild)),
      options_(options) {}

ErasureMonitor::~ErasureMonitor() { Stop(); }

absl::Status ErasureMonitor::Start(const cti::projections::Store& store) {
  absl::StatusOr<std::vector<cti::projections::ErasedSubject>> applied =
      cti::projections::ListErasedSubjects(store);
  if (!applied.ok()) return applied.status();
  std::vector<Erasure> missed;
  std::map<int, uint64_t> through;
  for (const cti::projections::ErasedSubject& erased : *applied) {
    const int partition = partition_of_(erased.tenant);
    if (!through.contains(partition)) {
      absl::StatusOr<uint64_t> mark = vault_->ErasedThrough(partition);
      if (!mark.ok()) return mark.status();
      through[partition] = *mark;
    }
    if (erased.position > through[partition]) {
      missed.push_back(Erasure{partition, erased.position, {erased.tenant, erased.subject}});
    }
  }
  std::sort(missed.begin(), missed.end(), [](const Erasure& a, const Erasure& b) {
    return std::tie(a.partition, a.position) < std::tie(b.partition, b.position);
  });
  for (const Erasure& erasure : missed) {
    spdlog::warn(
        "tenant {}: the erasure of {} at position {} was not carried out (a crash?): "
        "deleting its keys now",
        erasure.who.tenant, erasure.who.subject, erasure.position);
    if (absl::Status s = Erase(erasure); !s.ok()) return s;
  }
  absl::StatusOr<std::vector<privacy::TenantSubject>> pending = vault_->Pending();
  if (!pending.ok()) return pending.status();
  {
    absl::MutexLock lock(&mu_);
    if (!pending->empty()) {
      spdlog::info("{} erasure(s) wait for the projections to be rebuilt without their keys",
                   pending->size());
      rebuild_wanted_ = true;
    }
  }
  thread_ = std::thread([this] { Run(); });
  return absl::OkStatus();
}

void ErasureMonitor::OnBatch(const std::shared_ptr<const AppliedBatch>& batch) {
  std::vector<Erasure> found;
  for (const cti::v1::LogRecord* record : batch->records.records()) {
    if (!record->event().has_privacy() || record->outcome().rejected()) continue;
    std::string subject = privacy::ErasedSubjectOf(record->event());
    if (subject.empty()) continue;
    found.push_back(Erasure{
        batch->partition, record->position(), {record->event().tenant(), std::move(subject)}});
  }
  if (found.empty()) return;
  absl::MutexLock lock(&mu_);
  for (Erasure& erasure : found) queue_.push_back(std::move(erasure));
}

void ErasureMonitor::RequestRebuild() {
  absl::MutexLock lock(&mu_);
  rebuild_wanted_ = true;
}

absl::Status ErasureMonitor::Erase(const Erasure& erasure) {
  // Carried out already (found by Start and delivered by the hub too): erasing again
  // could delete a key the subject was given since.
  absl::StatusOr<uint64_t> through = vault_->ErasedThrough(erasure.partition);
  if (!through.ok()) return through.status();
  if (erasure.position <= *through) return absl::OkStatus();
  if (absl::Status s = vault_->Erase(erasure.who.tenant, erasure.who.subject); !s.ok()) return s;
  if (absl::Status s = vault_->SetErasedThrough(erasure.partition, erasure.position); !s.ok()) {
    return s;
  }
  spdlog::info("tenant {}: the keys of {} are deleted (erasure at position {})", erasure.who.tenant,
               erasure.who.subject, erasure.position);
  absl::MutexLock lock(&mu_);
  ++subjects_erased_;
  rebuild_wanted_ = true;
  return absl::OkStatus();
}

void ErasureMonitor::Run() {
  absl::Time next_rebuild_try = absl::InfinitePast();
  while (true) {
    std::vector<Erasure> work;
    bool rebuild = false;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || !queue_.empty() ||
               (rebuild_wanted_ && !rebuild_running_ && absl::Now() >= next_rebuild_try);
      };
      while (!ready()) {
        const absl::Duration wait =
            rebuild_wanted_ && !rebuild_running_
                ? std::max(next_rebuild_try - absl::Now(), absl::Milliseconds(1))
                : absl::Seconds(1);
        mu_.AwaitWithTimeout(absl::Condition(&ready), wait);
      }
      if (stopping_) return;
      work.swap(queue_);
    }
    for (size_t i = 0; i < work.size(); ++i) {
      if (absl::Status s = Erase(work[i]); !s.ok()) {
        spdlog::error("tenant {}: erasing {}: {}; trying again", work[i].who.tenant,
                      work[i].who.subject, std::string(s.message()));
        absl::MutexLock lock(&mu_);
        queue_.insert(queue_.begin(), work.begin() + static_cast<ptrdiff_t>(i), work.end());
        next_rebuild_try = absl::Now() + options_.retry;
        mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.retry);
        break;
      }
    }
    {
      absl::MutexLock lock(&mu_);
      rebuild =
          rebuild_wanted_ && !rebuild_running_ && queue_.empty() && absl::Now() >= next_rebuild_try;
      if (rebuild) {
        rebuild_wanted_ = false;
        rebuild_running_ = true;
      }
    }
    if (!rebuild) continue;
    absl::StatusOr<std::vector<privacy::TenantSubject>> pending = vault_->Pending();
    absl::Status started = pending.ok() ? start_rebuild_([this,
                                                          done = *pending](absl::Status result) {
      if (result.ok()) result = vault_->ClearPending(done);
      absl::MutexLock lock(&mu_);
      rebuild_running_ = false;
      if (result.ok()) {
        ++rebuilds_done_;
        spdlog::info("projections rebuilt without the keys of {} erased subject(s)", done.size());
      } else {
        spdlog::error("rebuilding the projections after an erasure: {}; trying again",
                      std::string(result.message()));
        rebuild_wanted_ = true;
      }
    })
                                        : pending.status();
    if (!started.ok()) {
      absl::MutexLock lock(&mu_);
      rebuild_running_ = false;
      if (started.code() == absl::StatusCode::kUnavailable) return;  // stopping
      if (started.code() != absl::StatusCode::kFailedPrecondition) {
        spdlog::error("starting a rebuild after an erasure: {}; trying again",
                      std::string(started.message()));
      }
      rebuild_wanted_ = true;
      next_rebuild_try = absl::Now() + options_.retry;
    }
  }
}

void ErasureMonitor::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

uint64_t ErasureMonitor::rebuilds_done() const {
  absl::MutexLock lock(&mu_);
  return rebuilds_done_;
}

uint64_t ErasureMonitor::subjects_erased() const {
  absl::MutexLock lock(&mu_);
  return subjects_erased_;
}

bool ErasureMonitor::busy() const {
  absl::MutexLock lock(&mu_);
  return !queue_.empty() || rebuild_wanted_ || rebuild_running_;
}

absl::StatusOr<uint64_t> ErasureMonitor::Outstanding(const cti::projections::Store& store,
                                                     absl::string_view tenant) const {
  absl::flat_hash_set<std::pair<std::string, std::string>> subjects;
  auto add = [&](absl::string_view of, absl::string_view subject) {
    if (tenant.empty() || of == tenant) subjects.emplace(of, subject);
  };
  // Applied beyond the partition's mark: keys not yet deleted. Read before the pending
  // marks, since an erasure's pending mark is written before the partition's mark moves
  // past it: none is missed between the two reads (one counted in both counts once).
  absl::StatusOr<std::vector<cti::projections::ErasedSubject>> applied =
      cti::projections::ListErasedSubjects(store);
  if (!applied.ok()) return applied.status();
  absl::flat_hash_map<int, uint64_t> through;
  for (const cti::projections::ErasedSubject& erased : *applied) {
    if (!tenant.empty() && erased.tenant != tenant) continue;
    const int partition = partition_of_(erased.tenant);
    if (!through.contains(partition)) {
      absl::StatusOr<uint64_t> mark = vault_->ErasedThrough(partition);
      if (!mark.ok()) return mark.status();
      through[partition] = *mark;
    }
    if (erased.position > through[partition]) add(erased.tenant, erased.subject);
  }
  // Keys deleted, the rebuild without them not yet done.
  absl::StatusOr<std::vector<privacy::TenantSubject>> pending = vault_->Pending();
  if (!pending.ok()) return pending.status();
  for (const privacy::TenantSubject& who : *pending) add(who.tenant, who.subject);
  return subjects.size();
}

}  // namespace cti::server
