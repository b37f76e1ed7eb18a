// Helpers for the tests of server/log: events of a realistic size and temp directories.
#ifndef CTI_SERVER_LOG_LOG_TEST_UTIL_H_
#define CTI_SERVER_LOG_LOG_TEST_UTIL_H_

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "cti/v1/event.pb.h"
#include "gtest/gtest.h"
#include "server/log/log_format.h"

namespace cti::log::testing {

// A "message taken" call event of about 200 serialized bytes. `variant` changes the
// payload (same event_id, different variant = a different payload).
inline cti::v1::Event MakeEvent(const std::string& tenant, const std::string& event_id,
                                int variant = 0) {
  cti::v1::Event event;
  event.set_event_id(event_id);
  event.set_tenant(tenant);
  format::ToTimestamp(absl::FromUnixSeconds(1700000000), event.mutable_occurred_at());
  event.mutable_actor()->set_id("reception-1");
  event.mutable_actor()->set_role(cti::v1::ROLE_RECEPTION);
  event.mutable_actor()->set_display_name("Anna Holm (reception)");
  event.set_correlation_id(absl::StrCat("call-", event_id));
  event.set_schema_version(1);
  cti::v1::CallEvent* call = event.mutable_call();
  call->set_call_id(absl::StrCat("sip-", event_id, "@pbx.example"));
  cti::v1::MessageTaken* message = call->mutable_message_taken();
  message->set_message_id(absl::StrCat("msg-", event_id));
  message->mutable_for_target()->set_employee_id("emp-4711");
  message->set_caller_name("Bo Lund");
  message->set_callback_number("+4512345678");
  message->set_text(absl::StrCat("Ring venligst tilbage om boligstøtte (variant ", variant, ")."));
  message->set_callback_wanted(true);
  return event;
}

// `event` with recorded_at cleared, for comparing what was appended with what is read.
inline cti::v1::Event WithoutRecordedAt(cti::v1::Event event) {
  event.clear_recorded_at();
  return event;
}

// A fresh directory under the test temp dir, removed on destruction.
class ScopedTempDir {
 public:
  ScopedTempDir() {
    std::string pattern = ::testing::TempDir() + "cti_log_XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed for " << pattern;
    path_ = pattern;
  }
  ~ScopedTempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Every regular file under `dir`, read whole and concatenated: for tests that check some
// bytes are (not) on disk anywhere in a directory.
inline std::string AllFileBytes(const std::string& dir) {
  std::string all;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    all += buffer.str();
  }
  return all;
}

}  // namespace cti::log::testing

#endif  // CTI_SERVER_LOG_LOG_TEST_UTIL_H_
