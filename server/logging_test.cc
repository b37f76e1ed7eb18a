// Log lines: the JSON and text formats with fields, and redaction of what other systems
// send back (addresses, phone and CPR numbers).
#include "server/logging.h"

#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spdlog/sinks/ostream_sink.h"

namespace cti::server {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

// Logs through a logger of the given format into a string.
class CapturedLog {
 public:
  explicit CapturedLog(LogFormat format)
      : previous_(spdlog::default_logger()),
        logger_(std::make_shared<spdlog::logger>(
            "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(out_))) {
    logger_->set_formatter(NewLogFormatter(format));
    spdlog::set_default_logger(logger_);
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
  std::shared_ptr<spdlog::logger> logger_;
};

TEST(LoggingTest, JsonLinesCarryLevelMessageAndFields) {
  CapturedLog log(LogFormat::kJson);
  LogWithFields(spdlog::level::warn, "rpc \"quoted\"\n",
                {{"request_id", "abc"}, {"ms", "0.125", true}, {"tenant", "aabenraa"}});
  spdlog::info("plain æøå");
  const std::string text = log.text();
  EXPECT_THAT(
      text,
      MatchesRegex("\\{\"time\":\"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z\",\"level\":\"warning\","
                   "\"msg\":\"rpc \\\\\"quoted\\\\\"\\\\n\",\"request_id\":\"abc\",\"ms\":0.125,"
                   "\"tenant\":\"aabenraa\"\\}\n"
                   "\\{\"time\":\"[^\"]+\",\"level\":\"info\",\"msg\":\"plain æøå\"\\}\n"));
}

TEST(LoggingTest, TextLinesAppendFieldsAsKeyValue) {
  CapturedLog log(LogFormat::kText);
  LogWithFields(spdlog::level::info, "rpc", {{"code", "OK"}, {"actor", "reception 1"}});
  EXPECT_THAT(log.text(), HasSubstr("rpc code=OK actor=\"reception 1\"\n"));
}

TEST(LoggingTest, RedactionRemovesAddressesAndLongNumbers) {
  EXPECT_EQ(RedactForLog("550 5.1.1 <anna.holm@sydby.dk>: Recipient address rejected"),
            "550 5.1.1 <<address>>: Recipient address rejected");
  EXPECT_EQ(RedactForLog("call +45 12 34 56 78 about 290385-7319 now"),
            "call <number> about <number> now");
  EXPECT_EQ(RedactForLog("250 2.0.0 Ok: queued as 4F1A2"), "250 2.0.0 Ok: queued as 4F1A2");
  EXPECT_EQ(RedactForLog("attempt 3 of 8, 12345 bytes"), "attempt 3 of 8, 12345 bytes");
  EXPECT_EQ(RedactForLog("a@ b @c @"), "a@ b @c @");
}

}  // namespace
}  // namespace cti::server
