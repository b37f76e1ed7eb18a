// The processes of the Kamailio end-to-end tests (tests/kamailio/README.md): Kamailio
// with deploy/kamailio/kamailio.cfg, sipp phones (UAS) and callers (UAC), a reader of
// Kamailio's evapi events, and ctid's HTTP routing lookup.
//
//   auto kamailio = KamailioProcess::Start({.ctid_http_port = 9464, ...});
//   auto phone = SippPhone::Start(dir, "uas_answer.xml", "4239");
//   (*kamailio)->SetPhone("4239", (*phone)->port());
//   SippResult call = Dial(**kamailio, dir, "uac_call.xml", "4239");
//
// Every process is a child of the test (PR_SET_PDEATHSIG) on 127.0.0.1 ports picked
// free (bound with port 0 first); destructors kill what still runs (Kamailio with its
// children). Not thread-safe, except EvapiReader's accessors.
#ifndef CTI_TESTS_KAMAILIO_KAMAILIO_HARNESS_H_
#define CTI_TESTS_KAMAILIO_KAMAILIO_HARNESS_H_

#include <sys/types.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace cti::test_support::kamailio {

// The path of an installed program (PATH, then /usr/sbin, /usr/local/sbin, /sbin);
// "" when absent.
std::string FindProgram(const std::string& name);
// kamailio, kamcmd and sipp are all installed.
bool KamailioAndSippInstalled();
// A 127.0.0.1 port free for UDP and TCP a moment ago; 0 on failure.
int FreeSipPort();
// Whether something accepts TCP connections on 127.0.0.1:port.
bool TcpListening(int port);

struct KamailioOptions {
  std::string work_dir;  // runtime files (ctl socket, pid file, logs); must exist
  int sip_port = 0;      // 0: one is picked
  int evapi_port = 0;    // 0: one is picked
  int ctid_http_port = 0;
  std::string tenant = "demo";
  std::string sip_domain = "sip.sydby.test";
  int ring_max_ms = 0;  // RING_MAX_MS when > 0
  // WITH_STATIC_PHONES (phones from the htable only); false: phones REGISTER too.
  bool static_phones = true;
};

class KamailioProcess {
 public:
  // Starts kamailio -DD -E with the cfg and static phones; waits until its control
  // socket answers and its SIP (TCP) and evapi ports accept connections.
  static absl::StatusOr<std::unique_ptr<KamailioProcess>> Start(KamailioOptions options);
  ~KamailioProcess();

  // SIGTERM, then waits for the exit (SIGKILL to it and its children after `timeout`).
  absl::Status Stop(absl::Duration timeout = absl::Seconds(10));
  // Runs kamcmd on the control socket; its stdout.
  absl::StatusOr<std::string> Kamcmd(const std::vector<std::string>& args);
  // phones[user] = sip:user@127.0.0.1:port.
  absl::Status SetPhone(const std::string& user, int port);
  absl::Status ClearPhones();
  std::string StderrTail() const;

  int sip_port() const { return options_.sip_port; }
  int evapi_port() const { return options_.evapi_port; }

 private:
  explicit KamailioProcess(KamailioOptions options) : options_(std::move(options)) {}
  KamailioOptions options_;
  std::string ctl_;
  std::string stderr_path_;
  pid_t pid_ = -1;
};

// A sipp UAS (a phone) playing one call of a scenario of tests/kamailio/scenarios.
class SippPhone {
 public:
  static absl::StatusOr<std::unique_ptr<SippPhone>> Start(const std::string& work_dir,
                                                          const std::string& scenario,
                                                          const std::string& user);
  ~SippPhone();
  int port() const { return port_; }
  const std::string& user() const { return user_; }
  // Waits for sipp to end: its exit code (0: its call went as the scenario says), or -1
  // after `timeout` (then it is killed).
  int Wait(absl::Duration timeout);
  // Kills a still-running sipp.
  void Kill();
  // How many requests of `method` it received (from its -trace_msg file).
  int Received(const std::string& method) const;
  // When it received the first request of `method` (the message file's time stamps);
  // InfinitePast when none.
  absl::Time FirstReceived(const std::string& method) const;
  std::string Messages() const;

 private:
  std::string user_;
  std::string messages_path_;
  std::string stdout_path_;
  int port_ = 0;
  pid_t pid_ = -1;
};

struct SippResult {
  int exit_code = -1;
  std::string call_id;   // from its message file
  std::string messages;  // everything it sent and received
  std::string errors;    // its -trace_err file
};

// Runs a sipp UAC with `scenario` dialling `number` through Kamailio, to its end.
SippResult Dial(const KamailioProcess& kamailio, const std::string& work_dir,
                const std::string& scenario, const std::string& number,
                const std::string& caller = "+4512345678",
                absl::Duration timeout = absl::Seconds(90));

// REGISTERs sip:user@domain with Contact sip:user@127.0.0.1:port (sipp, expects 200).
absl::Status Register(const KamailioProcess& kamailio, const std::string& work_dir,
                      const std::string& user, const std::string& domain, int port);

// A TCP client of Kamailio's evapi port collecting the netstrings it receives; acks
// nothing unless Ack() is called.
class EvapiReader {
 public:
  static absl::StatusOr<std::unique_ptr<EvapiReader>> Connect(int port);
  ~EvapiReader();
  // The JSON texts received so far.
  std::vector<std::string> Events();
  // Waits until an event whose text contains every string of `parts` arrived.
  bool WaitFor(const std::vector<std::string>& parts, absl::Duration timeout);
  absl::Status Ack(const std::string& id);

 private:
  void Run();
  int fd_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  absl::Mutex mu_;
  std::vector<std::string> events_ ABSL_GUARDED_BY(mu_);
};

struct HttpAnswer {
  int status = 0;
  std::string body;
};
// GET http://127.0.0.1:port/path, Connection: close.
absl::StatusOr<HttpAnswer> HttpGet(int port, const std::string& path);

}  // namespace cti::test_support::kamailio

#endif  // CTI_TESTS_KAMAILIO_KAMAILIO_HARNESS_H_
