// The bookkeeping that lets `ctictl watch` reconnect without a gap or a duplicate, and
// the backoff between reconnects. Pure logic; thread-compatible.
#ifndef CTI_CLIENTS_CTICTL_WATCH_CURSOR_H_
#define CTI_CLIENTS_CTICTL_WATCH_CURSOR_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "cti/v1/common.pb.h"
#include "cti/v1/event_service.pb.h"

namespace cti::ctictl {

// Where a subscription stands: the last position delivered (or known delivered).
//
// Subscribe delivers records with position > after_position. After a break the cursor
// asks for "after the last record shown" - or after the last heartbeat's
// applied_position when that is later, since every matching record up to it has been
// delivered. A watch started "from now" keeps asking from_now until it has seen a
// record or a heartbeat, as no position is known before.
class ResumeCursor {
 public:
  // Starts after `after_position` (0: the start of the log), or at the end of the log
  // when `from_now`.
  ResumeCursor(uint64_t after_position, bool from_now);

  // The request for the next (re)connection.
  cti::v1::SubscribeRequest Request(const std::string& tenant,
                                    const std::vector<cti::v1::Family>& families,
                                    uint32_t heartbeat_seconds) const;

  // A record arrived. Answers true when it is new and should be shown (position past
  // the cursor, or the first one of a from-now watch), and advances; false for a
  // repeat.
  bool Accept(uint64_t position);

  // A heartbeat arrived: advances to `applied_position` when that is later.
  void OnHeartbeat(uint64_t applied_position);

  uint64_t last_position() const { return last_; }
  bool position_known() const { return !from_now_; }

 private:
  uint64_t last_;
  bool from_now_;
};

// Exponential backoff: initial, doubling up to max, back to initial after Reset.
class Backoff {
 public:
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max);
  // The delay to wait now; the next one is doubled (up to max).
  std::chrono::milliseconds Next();
  void Reset() { next_ = initial_; }

 private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds max_;
  std::chrono::milliseconds next_;
};

// Family names on the command line to the enum: "call" -> FAMILY_CALL. Answers false for
// an unknown name.
bool ParseFamily(const std::string& name, cti::v1::Family* family);

}  // namespace cti::ctictl

#endif  // CTI_CLIENTS_CTICTL_WATCH_CURSOR_H_
