#include "tests/kamailio/kamailio_harness.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tests/support/child_process.h"
#include "tests/support/subprocess.h"

namespace cti::test_support::kamailio {
namespace {

const std::string kSourceDir = CTI_SOURCE_DIR;

std::string ScenarioPath(const std::string& name) {
  return kSourceDir + "/tests/kamailio/scenarios/" + name;
}

// The pids whose parent is `pid` (from /proc/*/stat).
std::vector<pid_t> Children(pid_t pid) {
  std::vector<pid_t> children;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return children;
  while (dirent* entry = readdir(proc)) {
    pid_t child = 0;
    if (!absl::SimpleAtoi(entry->d_name, &child)) continue;
    const std::string stat = ReadWholeFile(absl::StrCat("/proc/", child, "/stat"));
    const size_t paren = stat.rfind(')');
    if (paren == std::string::npos) continue;
    std::vector<std::string> fields = absl::StrSplit(stat.substr(paren + 2), ' ');
    pid_t parent = 0;
    if (fields.size() > 1 && absl::SimpleAtoi(fields[1], &parent) && parent == pid) {
      children.push_back(child);
    }
  }
  closedir(proc);
  return children;
}

// SIGKILL to `*pid` and every descendant; reaps `*pid`.
void KillTree(pid_t* pid) {
  if (*pid <= 0) return;
  std::vector<pid_t> all = {*pid};
  for (size_t i = 0; i < all.size(); ++i) {
    for (pid_t child : Children(all[i])) all.push_back(child);
  }
  for (pid_t p : all) kill(p, SIGKILL);
  KillChild(pid);
}

bool UdpBound(int port) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  const bool taken = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0;
  close(fd);
  return taken;
}

}  // namespace

std::string FindProgram(const std::string& name) {
  std::vector<std::string> dirs = absl::StrSplit(getenv("PATH") ? getenv("PATH") : "", ':');
  for (const char* extra : {"/usr/sbin", "/usr/local/sbin", "/sbin", "/usr/bin"}) {
    dirs.push_back(extra);
  }
  for (const std::string& dir : dirs) {
    if (dir.empty()) continue;
    const std::string path = dir + "/" + name;
    if (access(path.c_str(), X_OK) == 0) return path;
  }
  return "";
}

bool KamailioAndSippInstalled() {
  return !FindProgram("kamailio").empty() && !FindProgram("kamcmd").empty() &&
         !FindProgram("sipp").empty();
}

int FreeSipPort() {
  for (int attempt = 0; attempt < 20; ++attempt) {
    const int udp = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    int port = 0;
    if (bind(udp, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
        getsockname(udp, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
      port = ntohs(address.sin_port);
    }
    const int tcp = socket(AF_INET, SOCK_STREAM, 0);
    const bool tcp_free =
        port != 0 && bind(tcp, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
    close(tcp);
    close(udp);
    if (tcp_free) return port;
  }
  return 0;
}

bool TcpListening(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return ok;
}

// ---- KamailioProcess ----

absl::StatusOr<std::unique_ptr<KamailioProcess>> KamailioProcess::Start(KamailioOptions options) {
  if (options.sip_port == 0) options.sip_port = FreeSipPort();
  if (options.evapi_port == 0) options.evapi_port = FreeSipPort();
  std::unique_ptr<KamailioProcess> k(new KamailioProcess(options));
  k->ctl_ = "unix:" + options.work_dir + "/kamailio_ctl";
  k->stderr_path_ = options.work_dir + "/kamailio.stderr";
  std::vector<std::string> args = {
      FindProgram("kamailio"),
      "-f",
      kSourceDir + "/deploy/kamailio/kamailio.cfg",
      "-DD",
      "-E",
      "-Y",
      options.work_dir,
      "-P",
      options.work_dir + "/kamailio.pid",
      "-A",
      "CHILDREN=2",
      "-A",
      "SIP_IP=127.0.0.1",
      "-A",
      absl::StrCat("SIP_PORT=", options.sip_port),
      "-A",
      absl::StrCat("SIP_DOMAIN=\"", options.sip_domain, "\""),
      "-A",
      absl::StrCat("CTID_HTTPCON=\"ctid=>http://127.0.0.1:", options.ctid_http_port, "/kamailio\""),
      "-A",
      absl::StrCat("CTID_TENANT=\"", options.tenant, "\""),
      "-A",
      absl::StrCat("EVAPI_ADDR=\"127.0.0.1:", options.evapi_port, "\""),
      "-A",
      absl::StrCat("CTL_SOCKET=\"", k->ctl_, "\""),
  };
  if (options.static_phones) {
    args.push_back("-A");
    args.push_back("WITH_STATIC_PHONES");
  }
  if (options.ring_max_ms > 0) {
    args.push_back("-A");
    args.push_back(absl::StrCat("RING_MAX_MS=", options.ring_max_ms));
  }
  absl::StatusOr<pid_t> pid =
      SpawnChild(args, options.work_dir + "/kamailio.stdout", k->stderr_path_, true);
  if (!pid.ok()) return pid.status();
  k->pid_ = *pid;
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (true) {
    if (!ChildRunning(&k->pid_)) {
      return absl::InternalError(
          absl::StrCat("kamailio exited during start-up: ", k->StderrTail()));
    }
    if (TcpListening(options.sip_port) && TcpListening(options.evapi_port) &&
        k->Kamcmd({"core.uptime"}).ok()) {
      return k;
    }
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("kamailio did not become ready in 20 s: ", k->StderrTail()));
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
}

KamailioProcess::~KamailioProcess() { KillTree(&pid_); }

absl::Status KamailioProcess::Stop(absl::Duration timeout) {
  if (pid_ <= 0) return absl::OkStatus();
  kill(pid_, SIGTERM);
  const absl::Time deadline = absl::Now() + timeout;
  while (ChildRunning(&pid_)) {
    if (absl::Now() > deadline) {
      KillTree(&pid_);
      return absl::DeadlineExceededError("kamailio did not stop after SIGTERM");
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> KamailioProcess::Kamcmd(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {FindProgram("kamcmd"), "-s", ctl_};
  argv.insert(argv.end(), args.begin(), args.end());
  absl::StatusOr<ProcessResult> run = RunProcess(argv, absl::Seconds(10));
  if (!run.ok()) return run.status();
  if (run->exit_code != 0 || absl::StartsWith(run->out, "error")) {
    return absl::InternalError(
        absl::StrCat("kamcmd ", absl::StrJoin(args, " "), ": ", run->out, run->err));
  }
  return run->out;
}

absl::Status KamailioProcess::SetPhone(const std::string& user, int port) {
  return Kamcmd({"htable.sets", "phones", "s:" + user,
                 absl::StrCat("sip:", user, "@127.0.0.1:", port)})
      .status();
}

absl::Status KamailioProcess::ClearPhones() { return Kamcmd({"htable.flush", "phones"}).status(); }

std::string KamailioProcess::StderrTail() const { return FileTail(stderr_path_, 4000); }

// ---- SippPhone ----

absl::StatusOr<std::unique_ptr<SippPhone>> SippPhone::Start(const std::string& work_dir,
                                                            const std::string& scenario,
                                                            const std::string& user) {
  auto phone = std::make_unique<SippPhone>();
  phone->user_ = user;
  phone->port_ = FreeSipPort();
  const std::string base = absl::StrCat(work_dir, "/phone-", user, "-", phone->port_);
  phone->messages_path_ = base + ".msg";
  phone->stdout_path_ = base + ".out";
  absl::StatusOr<pid_t> pid = SpawnChild({FindProgram("sipp"),
                                          "-sf",
                                          ScenarioPath(scenario),
                                          "-i",
                                          "127.0.0.1",
                                          "-p",
                                          absl::StrCat(phone->port_),
                                          "-mp",
                                          absl::StrCat(FreeSipPort()),
                                          "-m",
                                          "1",
                                          "-ci",
                                          "127.0.0.1",
                                          "-cp",
                                          absl::StrCat(FreeSipPort()),
                                          "-nostdin",
                                          "-trace_msg",
                                          "-message_file",
                                          phone->messages_path_,
                                          "-trace_err",
                                          "-error_file",
                                          base + ".err",
                                          "-timeout",
                                          "120s"},
                                         phone->stdout_path_, base + ".stderr", true);
  if (!pid.ok()) return pid.status();
  phone->pid_ = *pid;
  // Ready once its SIP port is bound.
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (!UdpBound(phone->port_)) {
    if (!ChildRunning(&phone->pid_)) {
      return absl::InternalError(absl::StrCat("sipp (phone ", user,
                                              ") exited: ", FileTail(base + ".stderr", 2000),
                                              FileTail(phone->stdout_path_, 2000)));
    }
    if (absl::Now() > deadline) return absl::DeadlineExceededError("sipp did not bind");
    absl::SleepFor(absl::Milliseconds(20));
  }
  return phone;
}

SippPhone::~SippPhone() { Kill(); }

int SippPhone::Wait(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (pid_ > 0) {
    int status = 0;
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (absl::Now() > deadline) {
      Kill();
      return -1;
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  return -1;
}

void SippPhone::Kill() { KillChild(&pid_); }

std::string SippPhone::Messages() const { return ReadWholeFile(messages_path_); }

int SippPhone::Received(const std::string& method) const {
  // "UDP message received [N] bytes :\n\nMETHOD sip:..."
  int count = 0;
  const std::string all = Messages();
  const std::string marker = "message received";
  for (size_t at = all.find(marker); at != std::string::npos; at = all.find(marker, at + 1)) {
    size_t line = all.find('\n', at);
    while (line != std::string::npos && line + 1 < all.size() && all[line + 1] == '\n') ++line;
    if (line != std::string::npos && all.compare(line + 1, method.size() + 1, method + " ") == 0) {
      ++count;
    }
  }
  return count;
}

absl::Time SippPhone::FirstReceived(const std::string& method) const {
  // Blocks start with "----- YYYY-MM-DD HH:MM:SS.micro" then "... message received".
  const std::string all = Messages();
  std::vector<std::string> blocks =
      absl::StrSplit(all, "-----------------------------------------------");
  for (const std::string& block : blocks) {
    const size_t received = block.find("message received");
    if (received == std::string::npos) continue;
    size_t line = block.find('\n', received);
    while (line != std::string::npos && line + 1 < block.size() && block[line + 1] == '\n') ++line;
    if (line == std::string::npos ||
        block.compare(line + 1, method.size() + 1, method + " ") != 0) {
      continue;
    }
    const std::string stamp(absl::StripLeadingAsciiWhitespace(block.substr(0, block.find('\n'))));
    absl::Time when;
    std::string error;
    if (absl::ParseTime("%Y-%m-%d %H:%M:%E*S", stamp, absl::LocalTimeZone(), &when, &error)) {
      return when;
    }
  }
  return absl::InfinitePast();
}

// ---- Dial ----

SippResult Dial(const KamailioProcess& kamailio, const std::string& work_dir,
                const std::string& scenario, const std::string& number, const std::string& caller,
                absl::Duration timeout) {
  SippResult result;
  const int port = FreeSipPort();
  const std::string base = absl::StrCat(work_dir, "/caller-", port);
  absl::StatusOr<ProcessResult> run = RunProcess({FindProgram("sipp"),
                                                  absl::StrCat("127.0.0.1:", kamailio.sip_port()),
                                                  "-sf",
                                                  ScenarioPath(scenario),
                                                  "-s",
                                                  number,
                                                  "-key",
                                                  "caller",
                                                  caller,
                                                  "-i",
                                                  "127.0.0.1",
                                                  "-p",
                                                  absl::StrCat(port),
                                                  "-mp",
                                                  absl::StrCat(FreeSipPort()),
                                                  "-m",
                                                  "1",
                                                  "-ci",
                                                  "127.0.0.1",
                                                  "-cp",
                                                  absl::StrCat(FreeSipPort()),
                                                  "-nostdin",
                                                  "-trace_msg",
                                                  "-message_file",
                                                  base + ".msg",
                                                  "-trace_err",
                                                  "-error_file",
                                                  base + ".err",
                                                  "-timeout",
                                                  absl::StrCat(absl::ToInt64Seconds(timeout), "s"),
                                                  "-timeout_error"},
                                                 timeout + absl::Seconds(10));
  result.exit_code = run.ok() ? run->exit_code : -1;
  result.messages = ReadWholeFile(base + ".msg");
  result.errors = ReadWholeFile(base + ".err");
  if (!run.ok()) result.errors += run.status().ToString();
  const size_t at = result.messages.find("Call-ID: ");
  if (at != std::string::npos) {
    const size_t end = result.messages.find_first_of("\r\n", at);
    result.call_id = result.messages.substr(at + 9, end - at - 9);
  }
  return result;
}

absl::Status Register(const KamailioProcess& kamailio, const std::string& work_dir,
                      const std::string& user, const std::string& domain, int port) {
  const int local = FreeSipPort();
  absl::StatusOr<ProcessResult> run =
      RunProcess({FindProgram("sipp"),
                  absl::StrCat("127.0.0.1:", kamailio.sip_port()),
                  "-sf",
                  ScenarioPath("uac_register.xml"),
                  "-s",
                  user,
                  "-key",
                  "domain",
                  domain,
                  "-key",
                  "contact_port",
                  absl::StrCat(port),
                  "-i",
                  "127.0.0.1",
                  "-p",
                  absl::StrCat(local),
                  "-m",
                  "1",
                  "-ci",
                  "127.0.0.1",
                  "-cp",
                  absl::StrCat(FreeSipPort()),
                  "-nostdin",
                  "-trace_err",
                  "-error_file",
                  absl::StrCat(work_dir, "/register-", local, ".err"),
                  "-timeout",
                  "10s",
                  "-timeout_error"},
                 absl::Seconds(20));
  if (!run.ok()) return run.status();
  if (run->exit_code != 0) {
    return absl::InternalError(absl::StrCat(
        "REGISTER of ", user,
        " failed: ", ReadWholeFile(absl::StrCat(work_dir, "/register-", local, ".err"))));
  }
  return absl::OkStatus();
}

// ---- EvapiReader ----

absl::StatusOr<std::unique_ptr<EvapiReader>> EvapiReader::Connect(int port) {
  auto reader = std::make_unique<EvapiReader>();
  reader->fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  if (connect(reader->fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    return absl::UnavailableError(absl::StrCat("evapi connect: ", strerror(errno)));
  }
  reader->thread_ = std::thread([r = reader.get()] { r->Run(); });
  return reader;
}

EvapiReader::~EvapiReader() {
  stop_ = true;
  if (fd_ >= 0) shutdown(fd_, SHUT_RDWR);
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) close(fd_);
}

void EvapiReader::Run() {
  std::string buffer;
  char chunk[65536];
  while (!stop_) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return;
    buffer.append(chunk, n);
    // Netstrings: LEN ":" DATA ","
    while (true) {
      const size_t colon = buffer.find(':');
      if (colon == std::string::npos) break;
      size_t length = 0;
      if (!absl::SimpleAtoi(buffer.substr(0, colon), &length)) {
        buffer.clear();
        break;
      }
      if (buffer.size() < colon + 1 + length + 1) break;
      absl::MutexLock lock(&mu_);
      events_.push_back(buffer.substr(colon + 1, length));
      buffer.erase(0, colon + 1 + length + 1);
    }
  }
}

std::vector<std::string> EvapiReader::Events() {
  absl::MutexLock lock(&mu_);
  return events_;
}

bool EvapiReader::WaitFor(const std::vector<std::string>& parts, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    for (const std::string& event : Events()) {
      bool all = true;
      for (const std::string& part : parts) all = all && absl::StrContains(event, part);
      if (all) return true;
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  return false;
}

absl::Status EvapiReader::Ack(const std::string& id) {
  const std::string json = absl::StrCat("{\"ack\":\"", id, "\"}");
  const std::string netstring = absl::StrCat(json.size(), ":", json, ",");
  if (send(fd_, netstring.data(), netstring.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(netstring.size())) {
    return absl::UnavailableError("evapi send failed");
  }
  return absl::OkStatus();
}

// ---- HttpGet ----

absl::StatusOr<HttpAnswer> HttpGet(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return absl::UnavailableError(absl::StrCat("connect to ", port, ": ", strerror(errno)));
  }
  const std::string request =
      absl::StrCat("GET ", path, " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string answer;
  char chunk[16384];
  while (true) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 10000) <= 0) break;
    const ssize_t n = recv(fd, chunk, sizeof(chunk), 0);
    if (n <= 0) break;
    answer.append(chunk, n);
  }
  close(fd);
  HttpAnswer result;
  const size_t space = answer.find(' ');
  const size_t body = answer.find("\r\n\r\n");
  if (space == std::string::npos || body == std::string::npos ||
      !absl::SimpleAtoi(answer.substr(space + 1, 3), &result.status)) {
    return absl::InternalError(absl::StrCat("not an HTTP answer: ", answer));
  }
  result.body = answer.substr(body + 4);
  return result;
}

}  // namespace cti::test_support::kamailio
