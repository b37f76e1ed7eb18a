// EventLog::Append: the blocking form of AppendAsync, for every backend.
#include "server/log/event_log.h"

#include <utility>

#include "absl/synchronization/notification.h"

namespace cti::log {

absl::StatusOr<AppendResult> EventLog::Append(cti::v1::Event event) {
  absl::Notification done;
  absl::StatusOr<AppendResult> result;
  AppendAsync(std::move(event), [&done, &result](absl::StatusOr<AppendResult> answer) {
    result = std::move(answer);
    done.Notify();  // `done` and `result` may be gone once this returns.
  });
  done.WaitForNotification();
  return result;
}

}  // namespace cti::log
