// The ctid executable as a process: flags, --port-file, health, SIGTERM.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/file_util.h"
#include "server/testing/server_fixture.h"
#include "server/token.h"

extern char** environ;

namespace cti::server {
namespace {

#ifndef CTID_PATH
#error "CTID_PATH must name the ctid executable"
#endif
#ifndef CTI_SOURCE_DIR
#error "CTI_SOURCE_DIR must name the source tree"
#endif

// Starts ctid with `args` and this process's environment plus `env` ("NAME=VALUE"), its
// output to `log`. Returns the pid. Unless `dev_security` is false (or the args print
// help or the configuration), ctid serves plaintext and trusts identity headers, as on
// a developer's loopback.
pid_t StartCtid(const std::vector<std::string>& args, const std::string& log,
                std::vector<std::string> env = {}, bool dev_security = true) {
  std::vector<std::string> all = {CTID_PATH};
  all.insert(all.end(), args.begin(), args.end());
  const bool prints = std::find(args.begin(), args.end(), "--help") != args.end() ||
                      std::find(args.begin(), args.end(), "--print-config") != args.end();
  if (dev_security && !prints) {
    all.push_back("--plaintext");
    all.push_back("--insecure-dev-identity");
  }
  std::vector<char*> argv;
  for (std::string& arg : all) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  std::vector<char*> envp;
  for (char** e = environ; *e != nullptr; ++e) envp.push_back(*e);
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  EXPECT_EQ(posix_spawn(&pid, CTID_PATH, &actions, nullptr, argv.data(), envp.data()), 0);
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

// Waits up to `timeout` for the process to exit; its exit code, or -1.
int WaitExit(pid_t pid, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    absl::SleepFor(absl::Milliseconds(20));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return -1;
}

TEST(CtidMainTest, WritesPortFileServesAndStopsCleanlyOnSigterm) {
  testing::TempDir dir;
  const std::string port_file = dir.path() + "/port";
  const std::string log = dir.path() + "/ctid.log";
  const pid_t pid = StartCtid(
      {"--data-dir", dir.path() + "/data", "--listen", "127.0.0.1:0", "--port-file", port_file},
      log);
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (!std::filesystem::exists(port_file) && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  absl::StatusOr<std::string> contents = ReadFile(port_file);
  ASSERT_TRUE(contents.ok()) << contents.status();
  ASSERT_FALSE(contents->empty());
  EXPECT_EQ(contents->back(), '\n');
  int port = 0;
  ASSERT_TRUE(absl::SimpleAtoi(absl::StripSuffix(*contents, "\n"), &port)) << *contents;
  EXPECT_GT(port, 0);

  auto channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
  EXPECT_EQ(testing::HealthCheck(channel), 1);
  auto admin = cti::v1::AdminService::NewStub(channel);
  cti::v1::GetStatusResponse status;
  auto context = testing::NewContext();
  ASSERT_TRUE(admin->GetStatus(context.get(), cti::v1::GetStatusRequest(), &status).ok());
  EXPECT_EQ(status.log_backend(), "embedded");

  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/data/log"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/data/projections-1"));
  EXPECT_EQ(*ReadFile(dir.path() + "/data/CURRENT_PROJECTIONS"), "projections-1\n");

  ASSERT_EQ(kill(pid, SIGTERM), 0);
  EXPECT_EQ(WaitExit(pid, absl::Seconds(30)), 0);
  const std::string output = *ReadFile(log);
  EXPECT_NE(output.find(absl::StrCat("ctid listening on 127.0.0.1:", port)), std::string::npos)
      << output;
}

TEST(CtidMainTest, InvalidFlagsExitWithTwoNamingTheFlag) {
  testing::TempDir dir;
  const std::string log = dir.path() + "/ctid.log";
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--heartbeat-seconds", "0"},
           {"--listen", "no-port"},
           {"--subscriber-buffer", "0"},
           {"--log", "tape"},
           {"--no-such-flag"},
           // Needs --kamailio-sip-domain.
           {"--kamailio-evapi", "127.0.0.1:8448"},
           {"--kamailio-evapi", "no-port", "--http-listen", "127.0.0.1:0", "--kamailio-sip-domain",
            "sip.test"},
           {"--kamailio-evapi", "127.0.0.1:0", "--http-listen", "127.0.0.1:0",
            "--kamailio-sip-domain", "sip.test"}}) {
    std::vector<std::string> with_dir = args;
    with_dir.push_back("--data-dir");
    with_dir.push_back(dir.path() + "/data");
    EXPECT_EQ(WaitExit(StartCtid(with_dir, log), absl::Seconds(30)), 2) << args[0];
    EXPECT_NE(ReadFile(log)->find(args[0]), std::string::npos) << *ReadFile(log);
  }
  EXPECT_EQ(WaitExit(StartCtid({"--help"}, log), absl::Seconds(30)), 0);
  EXPECT_NE(ReadFile(log)->find("--port-file"), std::string::npos);
}

// Without TLS and identities ctid does not start, unless told explicitly that this is
// local development; the development headers are refused off loopback.
TEST(CtidMainTest, TLSAndIdentitiesAreRequiredUnlessDevelopmentIsSaidExplicitly) {
  testing::TempDir dir;
  const std::string log = dir.path() + "/ctid.log";
  const std::string data = dir.path() + "/data";
  struct Case {
    std::vector<std::string> args;
    int code;
    std::string named;
  };
  for (const Case& c : std::vector<Case>{
           {{"--insecure-dev-identity"}, 2, "--tls-cert"},
           {{"--plaintext"}, 2, "--identities"},
           {{"--plaintext", "--insecure-dev-identity", "--identities", "/dev/null"},
            2,
            "--identities"},
           {{"--tls-cert", "/dev/null", "--insecure-dev-identity"}, 2, "--tls-cert"},
           {{"--plaintext", "--insecure-dev-identity", "--listen", "0.0.0.0:0"},
            2,
            "--insecure-dev-identity"},
           {{"--plaintext", "--identities", dir.path() + "/missing"}, 2, "--identities"},
           {{"--tls-cert", dir.path() + "/missing.pem", "--tls-key", dir.path() + "/missing.pem",
             "--insecure-dev-identity"},
            2,
            "--tls-cert"},
       }) {
    std::vector<std::string> args = c.args;
    args.push_back("--data-dir");
    args.push_back(data);
    EXPECT_EQ(WaitExit(StartCtid(args, log, {}, /*dev_security=*/false), absl::Seconds(30)), c.code)
        << absl::StrJoin(c.args, " ") << ": " << *ReadFile(log);
    EXPECT_NE(ReadFile(log)->find(c.named), std::string::npos)
        << absl::StrJoin(c.args, " ") << ": " << *ReadFile(log);
  }
}

TEST(CtidMainTest, APortInUseFailsTheStart) {
  testing::TempDir dir;
  testing::ServerFixture running;
  const std::string log = dir.path() + "/ctid.log";
  const pid_t pid =
      StartCtid({"--data-dir", dir.path() + "/data", "--listen", running.server().address()}, log);
  EXPECT_EQ(WaitExit(pid, absl::Seconds(30)), 1);
  EXPECT_NE(ReadFile(log)->find("--listen"), std::string::npos) << *ReadFile(log);
}

// Waits up to 30 s for `path` to exist; its contents then ("" if it never appeared).
std::string AwaitFile(const std::string& path) {
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (!std::filesystem::exists(path) && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  absl::StatusOr<std::string> contents = ReadFile(path);
  return contents.ok() ? *contents : "";
}

// SIGHUP reads --identities again: a token taken out stops working and a new one works,
// without a restart; a malformed file keeps the identities in use.
TEST(CtidMainTest, SighupReloadsTheIdentitiesFile) {
  testing::TempDir dir;
  const std::string identities = dir.path() + "/identities";
  const std::string port_file = dir.path() + "/port";
  const std::string log = dir.path() + "/ctid.log";
  const auto line = [](const std::string& token, const std::string& actor) {
    return absl::StrCat("token ", TokenHash(token), " ", actor, " reception *\n");
  };
  ASSERT_TRUE(WriteFileAtomically(identities, line("old-secret", "old")).ok());
  const pid_t pid = StartCtid({"--data-dir", dir.path() + "/data", "--listen", "127.0.0.1:0",
                               "--port-file", port_file, "--plaintext", "--identities", identities},
                              log, {}, /*dev_security=*/false);
  const std::string port = std::string(absl::StripSuffix(AwaitFile(port_file), "\n"));
  ASSERT_FALSE(port.empty()) << *ReadFile(log);
  auto admin = cti::v1::AdminService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  const auto ping = [&](const std::string& token) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    cti::v1::PingResponse pong;
    return admin->Ping(&context, cti::v1::PingRequest(), &pong).error_code();
  };
  // Polls: the reload happens on ctid's signal thread.
  const auto eventually = [&](const std::string& token, grpc::StatusCode code) {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (ping(token) != code && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(20));
    return ping(token) == code;
  };
  EXPECT_EQ(ping("old-secret"), grpc::StatusCode::OK);
  EXPECT_EQ(ping("new-secret"), grpc::StatusCode::UNAUTHENTICATED);

  ASSERT_TRUE(WriteFileAtomically(identities, line("new-secret", "new")).ok());
  ASSERT_EQ(kill(pid, SIGHUP), 0);
  EXPECT_TRUE(eventually("old-secret", grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_TRUE(eventually("new-secret", grpc::StatusCode::OK));

  ASSERT_TRUE(WriteFileAtomically(identities, "token not-a-hash x admin *\n").ok());
  ASSERT_EQ(kill(pid, SIGHUP), 0);
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (ReadFile(log)->find("the identities in use stay") == std::string::npos &&
         absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_NE(ReadFile(log)->find("the identities in use stay"), std::string::npos);
  EXPECT_EQ(ping("new-secret"), grpc::StatusCode::OK);

  ASSERT_EQ(kill(pid, SIGTERM), 0);
  EXPECT_EQ(WaitExit(pid, absl::Seconds(30)), 0);
}

// deploy/ctid.toml is what ctid --print-config prints: every key, its default and its
// meaning, never out of date.
TEST(CtidMainTest, TheCheckedInConfigurationListsEverySetting) {
  testing::TempDir dir;
  const std::string out = dir.path() + "/printed";
  EXPECT_EQ(WaitExit(StartCtid({"--print-config"}, out), absl::Seconds(30)), 0);
  const absl::StatusOr<std::string> checked_in = ReadFile(CTI_SOURCE_DIR "/deploy/ctid.toml");
  ASSERT_TRUE(checked_in.ok()) << checked_in.status();
  EXPECT_EQ(*ReadFile(out), *checked_in)
      << "deploy/ctid.toml is out of date: regenerate it with build/bin/ctid --print-config";
  for (const char* key : {"data-dir=", "listen=", "log=", "heartbeat-seconds=", "smtp-url="}) {
    EXPECT_NE(checked_in->find(key), std::string::npos) << key;
  }
  // As printed, the file is a valid configuration: ctid starts on it.
  const std::string port_file = dir.path() + "/port";
  const pid_t pid =
      StartCtid({"--config", CTI_SOURCE_DIR "/deploy/ctid.toml", "--data-dir", dir.path() + "/data",
                 "--listen", "127.0.0.1:0", "--port-file", port_file},
                dir.path() + "/ctid.log");
  EXPECT_FALSE(AwaitFile(port_file).empty()) << *ReadFile(dir.path() + "/ctid.log");
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  EXPECT_EQ(WaitExit(pid, absl::Seconds(30)), 0);
}

// A flag beats the environment, which beats the configuration file.
TEST(CtidMainTest, FlagsBeatTheEnvironmentWhichBeatsTheConfigurationFile) {
  testing::TempDir dir;
  const std::string config = dir.path() + "/ctid.toml";
  ASSERT_TRUE(WriteFileAtomically(config, absl::StrCat("data-dir = \"", dir.path(),
                                                       "/data\"\nlisten = \"127.0.0.1:0\"\n"
                                                       "port-file = \"",
                                                       dir.path(), "/port-from-file\"\n"))
                  .ok());
  struct Case {
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::string expected_port_file;
  };
  for (const Case& c :
       std::vector<Case>{{{"--config", config}, {}, "port-from-file"},
                         {{"--config", config},
                          {"CTID_PORT_FILE=" + dir.path() + "/port-from-env"},
                          "port-from-env"},
                         {{"--config", config, "--port-file", dir.path() + "/port-from-flag"},
                          {"CTID_PORT_FILE=" + dir.path() + "/port-from-env"},
                          "port-from-flag"},
                         // The configuration file itself may come from the environment too.
                         {{}, {"CTID_CONFIG=" + config}, "port-from-file"}}) {
    for (const char* name : {"port-from-file", "port-from-env", "port-from-flag"}) {
      std::filesystem::remove(dir.path() + "/" + name);
    }
    const std::string log = dir.path() + "/ctid.log";
    const pid_t pid = StartCtid(c.args, log, c.env);
    EXPECT_FALSE(AwaitFile(dir.path() + "/" + c.expected_port_file).empty())
        << c.expected_port_file << ": " << *ReadFile(log);
    ASSERT_EQ(kill(pid, SIGTERM), 0);
    EXPECT_EQ(WaitExit(pid, absl::Seconds(30)), 0);
    for (const char* name : {"port-from-file", "port-from-env", "port-from-flag"}) {
      if (name != c.expected_port_file) {
        EXPECT_FALSE(std::filesystem::exists(dir.path() + "/" + name)) << name;
      }
    }
  }
}

// A bad configuration stops the start (exit code 2) with a message naming the key and
// the reason, whether it comes from the file or the environment.
TEST(CtidMainTest, AnInvalidConfigurationIsRefusedNamingTheKey) {
  testing::TempDir dir;
  const std::string log = dir.path() + "/ctid.log";
  struct Case {
    std::string file;
    std::vector<std::string> env;
    std::vector<std::string> expected;
  };
  for (const Case& c : std::vector<Case>{
           {"lisen = \"127.0.0.1:0\"\n", {}, {"lisen", "--print-config"}},
           {"heartbeat-seconds = 500\n", {}, {"heartbeat-seconds", "not in range 1 to 300"}},
           {"log = \"tape\"\n", {}, {"log", "tape"}},
           {"listen = \"no-port\"\n", {}, {"listen", "HOST:PORT"}},
           {"", {"CTID_SUBSCRIBER_BUFFER=0"}, {"subscriber-buffer"}},
           {"", {"CTID_LOG=kafka"}, {"--brokers and --topic are required"}}}) {
    const std::string config = dir.path() + "/ctid.toml";
    ASSERT_TRUE(
        WriteFileAtomically(config, absl::StrCat("data-dir = \"", dir.path(), "/data\"\n", c.file))
            .ok());
    EXPECT_EQ(WaitExit(StartCtid({"--config", config}, log, c.env), absl::Seconds(30)), 2)
        << c.file;
    const std::string output = *ReadFile(log);
    for (const std::string& expected : c.expected) {
      EXPECT_NE(output.find(expected), std::string::npos) << c.file << ": " << output;
    }
  }
  // A configuration file that is not there.
  EXPECT_EQ(WaitExit(StartCtid({"--config", dir.path() + "/missing.toml"}, log), absl::Seconds(30)),
            2);
  EXPECT_NE(ReadFile(log)->find("missing.toml"), std::string::npos) << *ReadFile(log);
}

}  // namespace
}  // namespace cti::server
