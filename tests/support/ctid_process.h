// CtidProcess: runs the real `ctid` binary as a child process for tests and benchmarks.
//
// Example:
//   auto ctid = CtidProcess::Start({});            // temp data dir, 127.0.0.1:0
//   ASSERT_TRUE(ctid.ok()) << ctid.status();
//   auto events = cti::v1::EventService::NewStub((*ctid)->Channel(Admin()));
//   ...
//   ASSERT_TRUE((*ctid)->Stop().ok());             // SIGTERM, expects exit code 0
//   ASSERT_TRUE((*ctid)->Restart().ok());          // same data dir, new port
//
// Operation: Start/Restart fork and exec ctid with `--data-dir DIR --listen 127.0.0.1:0
// --port-file FILE`, then wait (bounded by start_timeout) until the port file names a
// port and grpc.health.v1 answers SERVING there. A failure to start is an error whose
// message carries the tail of ctid's stderr. ctid's stdout and stderr go to files in the
// process's work directory (stderr_path()).
//
// The binary is the `ctid` target of this build (CMake puts its path in CTID_PATH); the
// environment variable CTID_PATH overrides it.
//
// The work directory (a fresh temp dir unless one is given) holds data/, the port file
// and the output files; it is removed on destruction unless CTI_KEEP_TEST_DIRS is set.
// The child gets PR_SET_PDEATHSIG = SIGKILL: it dies with the thread that started it, so
// call Start/Restart from a thread that outlives the process (e.g. the test's thread).
//
// Concurrency: not thread-safe, except Channel(), address() and the *Stub factories,
// which may be called from any thread while no Start/Restart/Stop/Kill9 runs.
#ifndef CTI_TESTS_SUPPORT_CTID_PROCESS_H_
#define CTI_TESTS_SUPPORT_CTID_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tests/support/grpc_clients.h"

namespace cti::test_support {

struct CtidOptions {
  // Work directory to use (created if missing, kept on destruction). Empty: a fresh
  // temp dir that is removed on destruction.
  std::string work_dir;
  // --subscriber-buffer N; 0 leaves the server default.
  int subscriber_buffer = 0;
  // --heartbeat-seconds N; 0 leaves the server default.
  int heartbeat_seconds = 0;
  // Further arguments appended to the command line.
  std::vector<std::string> extra_args;
  // Longest wait for the port file and SERVING.
  absl::Duration start_timeout = absl::Seconds(60);
  // Start/Restart wait until ctid serves; false: only until its health service answers
  // (NOT_SERVING too), e.g. to watch a replica that cannot catch up. ctid writes its
  // port file only once serving, so false needs listen_port.
  bool wait_until_serving = true;
  // --listen 127.0.0.1:PORT; 0 lets ctid pick one (read from its port file).
  int listen_port = 0;
  // --plaintext --insecure-dev-identity (tests on loopback: identities from the
  // x-cti-actor / x-cti-role headers). False: extra_args give --tls-* and --identities.
  bool dev_security = true;
  // --rate-limit: calls per second per caller; 0 (the tests' default) none, so that
  // suites about other things are not throttled.
  double rate_limit = 0;
  // The TLS of every channel to this ctid (Channel, AnonymousChannel, the readiness
  // check); no CA: plaintext.
  ChannelTls tls;
};

// A port of 127.0.0.1 that was free a moment ago (bound with port 0, then closed): for
// a server whose port must be known before it announces one. 0 on failure.
int FreeLoopbackPort();

class CtidProcess {
 public:
  // Starts ctid and waits until it serves. Errors: INTERNAL/DEADLINE_EXCEEDED with
  // ctid's stderr tail when it exits early or does not become SERVING in time.
  static absl::StatusOr<std::unique_ptr<CtidProcess>> Start(CtidOptions options);

  // Kills a still-running ctid (SIGKILL) and removes an owned temp work dir.
  ~CtidProcess();
  CtidProcess(const CtidProcess&) = delete;
  CtidProcess& operator=(const CtidProcess&) = delete;

  // Sends SIGTERM and waits up to `timeout` for the exit. OK only when ctid exited with
  // code 0; otherwise an error describing how it ended (after a timeout it is killed).
  absl::Status Stop(absl::Duration timeout = absl::Seconds(30));

  // SIGKILL now, then reaps the process. No-op when not running.
  void Kill9();

  // Starts ctid again on the same data dir (it must not be running) and waits until it
  // serves (or listens, as CtidOptions::wait_until_serving says), like Start.
  absl::Status Restart();

  // Starts ctid again without waiting (for killing it during recovery); follow with
  // WaitUntilServing or Kill9.
  absl::Status Spawn();
  absl::Status WaitUntilServing();

  // True while the child has not been reaped.
  bool running();

  // "127.0.0.1:PORT" of the current run; empty before it serves.
  std::string address() const { return address_; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& work_dir() const { return work_dir_; }
  const std::string& data_dir() const { return data_dir_; }
  const std::string& stderr_path() const { return stderr_path_; }
  // ctid's stdout (its log lines; all runs of this work dir).
  const std::string& stdout_path() const { return stdout_path_; }

  // The last `max_bytes` of ctid's stderr (all runs of this work dir).
  std::string StderrTail(size_t max_bytes = 4000) const;

  // A channel to the current run whose calls carry `identity` as metadata.
  std::shared_ptr<grpc::Channel> Channel(const Identity& identity) const;
  // A channel without identity metadata.
  std::shared_ptr<grpc::Channel> AnonymousChannel() const;

 private:
  // Until the port file names the port and, with `serving`, health says SERVING.
  absl::Status WaitFor(bool serving);
  CtidProcess(CtidOptions options, std::string work_dir, bool owns_work_dir);

  CtidOptions options_;
  std::string work_dir_;
  bool owns_work_dir_;
  std::string data_dir_;
  std::string port_file_;
  std::string stderr_path_;
  std::string stdout_path_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string address_;
};

// Path of the ctid binary used (CTID_PATH env or the build's).
std::string CtidBinary();

}  // namespace cti::test_support

#endif  // CTI_TESTS_SUPPORT_CTID_PROCESS_H_
