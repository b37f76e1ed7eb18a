// kill -9 at random moments: a child process (fork + exec of this binary with
// --crash-child) appends from several threads and reports every acknowledged position
// through a pipe; the parent SIGKILLs it, reopens the log and checks that every
// acknowledged record is there with the right event, that positions are dense and that
// every record decodes. Ten rounds on one directory, so later children also recover
// from the crashes of earlier ones.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "server/log/embedded_log.h"
#include "server/log/log_format.h"
#include "server/log/log_test_util.h"

namespace cti::log {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using testing::MakeEvent;

constexpr char kTenant[] = "aarhus";
constexpr int kChildThreads = 8;
constexpr int kRounds = 10;

// The child: appends until killed, writing "<position> <event_id>\n" per acknowledgement.
[[noreturn]] void RunChild(const std::string& dir, int round, int fd) {
  SimulatedClock clock(absl::FromUnixSeconds(1700000000) + absl::Hours(round));
  auto log = EmbeddedLog::Open(dir, &clock);
  if (!log.ok()) {
    std::fprintf(stderr, "child: open failed: %s\n", log.status().ToString().c_str());
    _exit(2);
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < kChildThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int seq = 0;; ++seq) {
        const std::string id = absl::StrCat("r", round, "-t", t, "-", seq);
        auto result = (*log)->Append(MakeEvent(kTenant, id, seq % 5));
        if (!result.ok() || result->duplicate) {
          std::fprintf(stderr, "child: append %s failed: %s\n", id.c_str(),
                       result.status().ToString().c_str());
          _exit(3);
        }
        clock.Advance(absl::Microseconds(10));
        const std::string line = absl::StrCat(result->position, " ", id, "\n");
        if (write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(4);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  _exit(0);
}

// Parses acknowledgements out of `buffer`, keeping an incomplete last line there.
void TakeLines(std::string* buffer, std::map<std::string, uint64_t>* acked) {
  const size_t end = buffer->rfind('\n');
  if (end == std::string::npos) return;
  for (absl::string_view line : absl::StrSplit(buffer->substr(0, end), '\n')) {
    std::vector<absl::string_view> parts = absl::StrSplit(line, ' ');
    uint64_t position = 0;
    ASSERT_EQ(parts.size(), 2u) << line;
    ASSERT_TRUE(absl::SimpleAtoi(parts[0], &position)) << line;
    ASSERT_TRUE(acked->emplace(std::string(parts[1]), position).second) << line;
  }
  buffer->erase(0, end + 1);
}

// Runs one child for `run_for`, kills it, and collects what it acknowledged.
void CrashOnce(const std::string& dir, int round, absl::Duration run_for,
               std::map<std::string, uint64_t>* acked) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    const std::string round_arg = absl::StrCat(round);
    const std::string fd_arg = absl::StrCat(fds[1]);
    execl("/proc/self/exe", "embedded_log_crash_test", "--crash-child", dir.c_str(),
          round_arg.c_str(), fd_arg.c_str(), static_cast<char*>(nullptr));
    _exit(5);
  }
  close(fds[1]);
  std::string buffer;
  char chunk[65536];
  const absl::Time deadline = absl::Now() + run_for;
  for (absl::Time now = absl::Now(); now < deadline; now = absl::Now()) {
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(deadline - now)) + 1) <= 0) {
      continue;
    }
    const ssize_t n = read(fds[0], chunk, sizeof(chunk));
    if (n <= 0) break;  // The child died on its own: its exit status says why.
    buffer.append(chunk, static_cast<size_t>(n));
  }
  kill(pid, SIGKILL);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  for (ssize_t n; (n = read(fds[0], chunk, sizeof(chunk))) > 0;) {
    buffer.append(chunk, static_cast<size_t>(n));  // Acknowledged before the kill.
  }
  close(fds[0]);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the child ended on its own, status " << status;
  TakeLines(&buffer, acked);
}

// Reopens the log and checks it against everything acknowledged so far.
void Verify(const std::string& dir, const std::map<std::string, uint64_t>& acked) {
  SimulatedClock clock(absl::FromUnixSeconds(1700000000));
  auto log = EmbeddedLog::Open(dir, &clock);
  ASSERT_TRUE(log.ok()) << log.status();
  auto reader = *(*log)->OpenReader(0, 1);
  std::map<uint64_t, cti::v1::Event> by_position;
  std::set<std::string> ids;
  absl::Time last_recorded = absl::InfinitePast();
  for (;;) {
    auto records = reader->Next(4096, absl::ZeroDuration());
    ASSERT_TRUE(records.ok()) << records.status();  // No half or undecodable record.
    if (records->empty()) break;
    for (const cti::v1::LogRecord& record : *records) {
      ASSERT_EQ(record.position(), by_position.size() + 1);  // Dense.
      ASSERT_TRUE(ids.insert(record.event().event_id()).second) << record.event().event_id();
      const absl::Time recorded = format::FromTimestamp(record.event().recorded_at());
      ASSERT_GE(recorded, last_recorded) << record.position();
      last_recorded = recorded;
      by_position[record.position()] = record.event();
    }
  }
  ASSERT_EQ(*(*log)->EndPosition(0), by_position.size());
  for (const auto& [id, position] : acked) {
    auto it = by_position.find(position);
    ASSERT_NE(it, by_position.end()) << id << " acknowledged at " << position << " is missing";
    ASSERT_EQ(it->second.event_id(), id);
    const int seq = std::stoi(id.substr(id.rfind('-') + 1));
    ASSERT_TRUE(MessageDifferencer::Equals(testing::WithoutRecordedAt(it->second),
                                           MakeEvent(kTenant, id, seq % 5)));
  }
  if (!acked.empty()) {  // An acknowledged event appended again is a duplicate.
    const auto& [id, position] = *acked.rbegin();
    const int seq = std::stoi(id.substr(id.rfind('-') + 1));
    auto again = (*log)->Append(MakeEvent(kTenant, id, seq % 5));
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_TRUE(again->duplicate);
    EXPECT_EQ(again->position, position);
  }
}

TEST(EmbeddedLogCrashTest, KillNineLosesNoAcknowledgedAppend) {
  testing::ScopedTempDir dir;
  std::mt19937 random(20231129);  // Fixed seed: the same kill schedule every run.
  std::uniform_int_distribution<int> run_ms(30, 400);
  std::map<std::string, uint64_t> acked;
  for (int round = 0; round < kRounds; ++round) {
    const size_t before = acked.size();
    ASSERT_NO_FATAL_FAILURE(
        CrashOnce(dir.path(), round, absl::Milliseconds(run_ms(random)), &acked));
    ASSERT_NO_FATAL_FAILURE(Verify(dir.path(), acked)) << "round " << round;
    std::printf("round %d: %zu acknowledged before the kill, %zu in all\n", round,
                acked.size() - before, acked.size());
  }
  EXPECT_GT(acked.size(), 100u);
}

}  // namespace
}  // namespace cti::log

int main(int argc, char** argv) {
  if (argc == 5 && std::string(argv[1]) == "--crash-child") {
    int round = 0;
    int fd = 0;
    if (!absl::SimpleAtoi(argv[3], &round) || !absl::SimpleAtoi(argv[4], &fd)) return 6;
    cti::log::RunChild(argv[2], round, fd);
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
