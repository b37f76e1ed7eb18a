// RouteCacheFeed: tells the RouteCache (projections/route_cache.h) how far the projector
// has applied each partition and whether routing data changed, from the batches the
// projector publishes. A batch changes routing data when it applied a staff or calendar
// record; call records change the calls version (round-robin and least-recent hunt
// orders follow the last-call times) and the busy state of who answers or hangs up.
// Concurrency: OnBatch is called by the hub, in order per partition; never blocks.
#ifndef CTI_SERVER_ROUTE_CACHE_FEED_H_
#define CTI_SERVER_ROUTE_CACHE_FEED_H_

#include <memory>
#include <string>
#include <vector>

#include "projections/route_cache.h"
#include "server/subscription_hub.h"

namespace cti::server {

class RouteCacheFeed final : public HubListener {
 public:
  // `cache` must outlive the feed.
  explicit RouteCacheFeed(cti::projections::RouteCache* cache) : cache_(cache) {}

  void OnBatch(const std::shared_ptr<const AppliedBatch>& batch) override {
    bool changed = false;
    bool calls = false;
    std::vector<std::string> busy;
    for (const cti::v1::LogRecord* record : batch->records.records()) {
      if (record->outcome().rejected()) continue;
      const cti::v1::Event& event = record->event();
      changed = changed || event.has_staff() || event.has_calendar() || event.has_privacy();
      if (!event.has_call()) continue;
      calls = true;
      cti::projections::RouteCache::AppendBusyKeys(event, &busy);
    }
    cache_->NoteApplied(batch->partition, batch->applied_position, changed, calls, busy);
  }
  void OnShutdown() override {}

 private:
  cti::projections::RouteCache* cache_;
};

}  // namespace cti::server

#endif  // CTI_SERVER_ROUTE_CACHE_FEED_H_
