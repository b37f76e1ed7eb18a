#include "watch_cursor.h"

#include <algorithm>

namespace cti::ctictl {

ResumeCursor::ResumeCursor(uint64_t after_position, bool from_now)
    : last_(from_now ? 0 : after_position), from_now_(from_now) {}

cti::v1::SubscribeRequest ResumeCursor::Request(const std::string& tenant,
                                                const std::vector<cti::v1::Family>& families,
                                                uint32_t heartbeat_seconds) const {
  cti::v1::SubscribeRequest request;
  request.set_tenant(tenant);
  if (from_now_) {
    request.set_from_now(true);
  } else {
    request.set_after_position(last_);
  }
  for (cti::v1::Family family : families) request.add_families(family);
  request.set_heartbeat_seconds(heartbeat_seconds);
  return request;
}

bool ResumeCursor::Accept(uint64_t position) {
  if (!from_now_ && position <= last_) return false;
  from_now_ = false;
  last_ = position;
  return true;
}

void ResumeCursor::OnHeartbeat(uint64_t applied_position) {
  if (from_now_) {
    from_now_ = false;
    last_ = applied_position;
    return;
  }
  last_ = std::max(last_, applied_position);
}

Backoff::Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max)
    : initial_(initial), max_(max), next_(initial) {}

std::chrono::milliseconds Backoff::Next() {
  const std::chrono::milliseconds now = next_;
  next_ = std::min(max_, next_ * 2);
  return now;
}

bool ParseFamily(const std::string& name, cti::v1::Family* family) {
  if (name == "call") {
    *family = cti::v1::FAMILY_CALL;
  } else if (name == "staff") {
    *family = cti::v1::FAMILY_STAFF;
  } else if (name == "calendar") {
    *family = cti::v1::FAMILY_CALENDAR;
  } else if (name == "privacy") {
    *family = cti::v1::FAMILY_PRIVACY;
  } else {
    return false;
  }
  return true;
}

}  // namespace cti::ctictl
