// `ctictl watch` against an in-process fake of ctid (fake_ctid.h): reconnects without a
// gap or a repeat, from-now, --from, and stopping.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <sstream>
#include <streambuf>
#include <thread>

#include "commands.h"
#include "exit_codes.h"
#include "fake_ctid.h"

namespace cti::ctictl {
namespace {

using ::testing::HasSubstr;
using WatchTest = fake::FakeCtidTest;

// An output stream that keeps what is written and calls `on_line` after every line, so
// a test can react to what the watch has printed (on the watch's thread).
class LineSink : public std::streambuf {
 public:
  explicit LineSink(std::function<void(int lines)> on_line) : on_line_(std::move(on_line)) {}
  const std::string& text() const { return text_; }

 protected:
  int_type overflow(int_type c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    text_ += traits_type::to_char_type(c);
    if (c == '\n') on_line_(++lines_);
    return c;
  }

 private:
  std::function<void(int)> on_line_;
  std::string text_;
  int lines_ = 0;
};

TEST_F(WatchTest, WatchReconnectsWithoutGapOrDuplicate) {
  StopSignal stop;
  events_.subscribe_script = [&stop](int call, grpc::ServerContext* context,
                                     grpc::ServerWriter<cti::v1::SubscribeResponse>* writer) {
    switch (call) {
      case 0:
        for (uint64_t p : {1, 2, 3}) writer->Write(Record(p));
        return grpc::Status(grpc::StatusCode::UNAVAILABLE, "log closed");
      case 1:
        for (uint64_t p : {3, 4, 5}) writer->Write(Record(p));  // 3 again: must be dropped
        return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "too slow; resume after 5");
      case 2: {
        cti::v1::SubscribeResponse heartbeat;
        heartbeat.mutable_heartbeat()->set_applied_position(7);
        writer->Write(heartbeat);
        return grpc::Status(grpc::StatusCode::UNAVAILABLE, "restarting");
      }
      default:
        writer->Write(Record(8));
        for (int i = 0; i < 500 && !context->IsCancelled(); ++i) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return grpc::Status::CANCELLED;
    }
  };
  // Stop once the sixth line (#8) is printed.
  LineSink sink([&stop](int lines) {
    if (lines == 6) stop.Stop();
  });
  std::ostream out(&sink);
  Connection connection(options_);
  WatchOptions options;
  options.families = {"staff"};
  EXPECT_EQ(RunWatch(connection, options, out, err_, stop), kExitOk) << err_.str();
  ASSERT_EQ(events_.subscribes.size(), 4u);
  EXPECT_EQ(events_.subscribes[0].after_position(), 0u);
  EXPECT_EQ(events_.subscribes[1].after_position(), 3u);
  EXPECT_EQ(events_.subscribes[2].after_position(), 5u);
  EXPECT_EQ(events_.subscribes[3].after_position(), 7u);
  EXPECT_EQ(events_.subscribes[3].tenant(), "demo");
  ASSERT_EQ(events_.subscribes[3].families_size(), 1);
  EXPECT_EQ(events_.subscribes[3].families(0), cti::v1::FAMILY_STAFF);
  std::vector<std::string> positions;
  std::istringstream lines(sink.text());
  for (std::string line; std::getline(lines, line);) positions.push_back(line.substr(0, 3));
  EXPECT_THAT(positions, ::testing::ElementsAre("#1 ", "#2 ", "#3 ", "#4 ", "#5 ", "#8 "));
  EXPECT_THAT(err_.str(), HasSubstr("UNAVAILABLE: log closed; reconnecting"));
  EXPECT_THAT(err_.str(), HasSubstr("resuming after position 5"));
}

TEST_F(WatchTest, WatchFromNowJsonAndPermanentError) {
  StopSignal stop;
  events_.subscribe_script = [](int call, grpc::ServerContext*,
                                grpc::ServerWriter<cti::v1::SubscribeResponse>* writer) {
    if (call == 0) {
      writer->Write(Record(9));
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "");
    }
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "role auditor may not watch");
  };
  Connection connection(options_);
  WatchOptions options;
  options.from_now = true;
  options.json = true;
  EXPECT_EQ(RunWatch(connection, options, out_, err_, stop), kExitServerRefused);
  ASSERT_EQ(events_.subscribes.size(), 2u);
  EXPECT_TRUE(events_.subscribes[0].from_now());
  EXPECT_FALSE(events_.subscribes[1].from_now());
  EXPECT_EQ(events_.subscribes[1].after_position(), 9u);
  EXPECT_THAT(out_.str(), HasSubstr("{\"position\":\"9\",\"event\":"));
  EXPECT_THAT(err_.str(), HasSubstr("PERMISSION_DENIED: role auditor may not watch"));
}

TEST_F(WatchTest, WatchFromIsInclusive) {
  StopSignal stop;
  events_.subscribe_script = [&stop](int, grpc::ServerContext*,
                                     grpc::ServerWriter<cti::v1::SubscribeResponse>*) {
    stop.Stop();
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "");
  };
  Connection connection(options_);
  WatchOptions options;
  options.from_position = 10;
  EXPECT_EQ(RunWatch(connection, options, out_, err_, stop), kExitOk);
  ASSERT_EQ(events_.subscribes.size(), 1u);
  EXPECT_EQ(events_.subscribes[0].after_position(), 9u);
}

}  // namespace
}  // namespace cti::ctictl
