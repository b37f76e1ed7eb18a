#include "server/routing_check_monitor.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "projections/router.h"

namespace cti::server {
namespace {

// Findings are compared by text to tell new ones from known ones in the log.
std::string Key(const cti::v1::CheckFinding& f) {
  return f.subject_kind() + "\x1f" + f.subject_id() + "\x1f" + f.problem();
}

}  // namespace

void RoutingCheckMonitor::OnBatch(const std::shared_ptr<const AppliedBatch>& batch) {
  absl::flat_hash_set<std::string> changed;
  for (const cti::v1::LogRecord* record : batch->records.records()) {
    if (record->outcome().rejected()) continue;
    if (record->event().has_staff() || record->event().has_calendar()) {
      changed.insert(record->event().tenant());
    }
  }
  for (const std::string& tenant : changed) {
    {
      absl::MutexLock lock(&mu_);
      if (shut_down_ || !queued_.insert(tenant).second) continue;
    }
    if (!deps_.work->Post([this, tenant] { RunCheck(tenant); })) {
      absl::MutexLock lock(&mu_);
      queued_.erase(tenant);
    }
  }
}

void RoutingCheckMonitor::OnShutdown() {
  absl::MutexLock lock(&mu_);
  shut_down_ = true;
}

void RoutingCheckMonitor::RunCheck(const std::string& tenant) {
  {
    absl::MutexLock lock(&mu_);
    queued_.erase(tenant);  // Changes from now on queue another check.
    ++running_;
  }
  std::shared_ptr<cti::projections::Store> store = deps_.stores->Get();
  std::optional<cti::v1::CheckResponse> result;
  if (store != nullptr) {
    cti::v1::CheckRequest request;
    request.set_tenant(tenant);
    const uint64_t position = store->AppliedPosition(deps_.log->PartitionOf(tenant));
    absl::StatusOr<cti::v1::CheckResponse> checked =
        cti::projections::Router(store.get(), deps_.zone).Check(request, deps_.clock->Now());
    if (checked.ok()) {
      checked->set_position(position);
      result = *std::move(checked);
    } else {
      spdlog::error("tenant {}: the TP-4.8 routing check failed: {}", tenant,
                    checked.status().ToString());
    }
  }
  absl::MutexLock lock(&mu_);
  --running_;
  if (!result.has_value()) return;
  absl::flat_hash_set<std::string> known;
  if (auto it = latest_.find(tenant); it != latest_.end()) {
    // Checks of one tenant may run at once on the work pool (one queued while another
    // runs); one that read an earlier position than the latest must not replace it.
    if (it->second.position() > result->position()) return;
    for (const cti::v1::CheckFinding& f : it->second.findings()) known.insert(Key(f));
  }
  for (const cti::v1::CheckFinding& f : result->findings()) {
    if (known.contains(Key(f))) continue;
    spdlog::warn("tenant {}: {} {}: {} ({})", tenant, f.subject_kind(), f.subject_id(), f.problem(),
                 f.rule());
  }
  latest_[tenant] = *std::move(result);
}

std::optional<cti::v1::CheckResponse> RoutingCheckMonitor::Latest(const std::string& tenant) const {
  absl::MutexLock lock(&mu_);
  auto it = latest_.find(tenant);
  if (it == latest_.end()) return std::nullopt;
  return it->second;
}

void RoutingCheckMonitor::WaitIdle() const {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](const RoutingCheckMonitor* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
        return self->queued_.empty() && self->running_ == 0;
      },
      this));
}

}  // namespace cti::server
