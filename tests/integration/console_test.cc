// `ctictl console` driven as a receptionist would, in a real terminal: tmux runs the
// console against a real ctid; keys go in with send-keys and the screen comes back with
// capture-pane (TP-3.5, TP-3.7, TP-4.3, TP-6.1, TP-6.2, TP-6.3).
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cti/v1/event_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/ctid_process.h"
#include "tests/support/danish_events.h"
#include "tests/support/grpc_clients.h"
#include "tests/support/subprocess.h"

#ifndef CTICTL_PATH
#error "CTICTL_PATH must name the ctictl binary"
#endif

namespace cti::test_support {
namespace {

using ::testing::HasSubstr;

// One tmux server of the test's own (its socket name is unique), with the console in it.
class Tmux {
 public:
  Tmux() : socket_(absl::StrCat("cti-console-test-", getpid())) {}
  ~Tmux() { (void)Run({"kill-server"}); }

  absl::StatusOr<ProcessResult> Run(std::vector<std::string> args) {
    std::vector<std::string> argv = {"/usr/bin/tmux", "-L", socket_, "-f", "/dev/null"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProcess(argv, absl::Seconds(10));
  }
  // Sends keys (tmux key names, e.g. "Enter", "F3", or literal text with `literal`).
  void Keys(const std::string& keys, bool literal = false) {
    std::vector<std::string> args = {"send-keys", "-t", "console"};
    if (literal) args.push_back("-l");
    args.push_back(keys);
    absl::StatusOr<ProcessResult> sent = Run(args);
    ASSERT_TRUE(sent.ok() && sent->exit_code == 0) << (sent.ok() ? sent->err : "");
  }
  std::string Screen() {
    absl::StatusOr<ProcessResult> shown = Run({"capture-pane", "-p", "-t", "console"});
    return shown.ok() ? shown->out : "";
  }
  // The screen once it holds `text` (within 10 s); fails the test otherwise.
  std::string WaitFor(const std::string& text) {
    std::string screen;
    for (int i = 0; i < 100; ++i) {
      screen = Screen();
      if (absl::StrContains(screen, text)) return screen;
      absl::SleepFor(absl::Milliseconds(100));
    }
    ADD_FAILURE() << "the console never showed \"" << text << "\"; it shows:\n" << screen;
    return screen;
  }
  bool Running() {
    absl::StatusOr<ProcessResult> has = Run({"has-session", "-t", "console"});
    return has.ok() && has->exit_code == 0;
  }

 private:
  std::string socket_;
};

class ConsoleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Tuesday 5 November 2024, 10:00 in Copenhagen: within phone hours.
    CtidOptions options;
    options.extra_args = {"--clock-start", "2024-11-05T10:00:00+01:00"};
    absl::StatusOr<std::unique_ptr<CtidProcess>> started = CtidProcess::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    ctid_ = *std::move(started);
    events_ = cti::v1::EventService::NewStub(ctid_->Channel(Admin()));
    EventFactory f;
    std::vector<cti::v1::Event> all = DemoOrganisation(f);
    // Bo Lund is in a meeting now; Anna Holm talks on a call; another caller waits.
    all.push_back(f.CalendarEntry(demo::kBoLund, "moede", cti::v1::ABSENCE_KIND_MEETING,
                                  BaseTime() + absl::Hours(25), absl::Hours(3), "Teammøde"));
    all.push_back(f.CallOffered("c1", "+4520304050"));
    all.push_back(f.CallRinging("c1", demo::kAnnaHolm));
    cti::v1::Event answered = f.CallRinging("c1", demo::kAnnaHolm);
    answered.mutable_call()->clear_ringing();
    answered.mutable_call()->mutable_answered()->mutable_by()->set_employee_id(demo::kAnnaHolm);
    all.push_back(answered);
    all.push_back(f.CallOffered("c2", "+4530405060"));
    for (const cti::v1::Event& event : all) {
      cti::v1::AppendRequest request;
      *request.mutable_event() = event;
      cti::v1::AppendResponse response;
      grpc::ClientContext context;
      grpc::Status status = events_->Append(&context, request, &response);
      ASSERT_TRUE(status.ok()) << status.error_message() << "\n" << event.ShortDebugString();
      last_ = response.position();
    }
  }

  // Starts the console in a 120x32 terminal.
  void StartConsole() {
    const std::string command =
        absl::StrCat("env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen ", CTICTL_PATH, " --server ",
                     ctid_->address(), " --tenant ", kTenant, " --role reception console");
    absl::StatusOr<ProcessResult> started =
        tmux_.Run({"new-session", "-d", "-s", "console", "-x", "120", "-y", "32", command});
    ASSERT_TRUE(started.ok() && started->exit_code == 0)
        << (started.ok() ? started->err : started.status().ToString());
  }

  std::unique_ptr<CtidProcess> ctid_;
  std::unique_ptr<cti::v1::EventService::Stub> events_;
  uint64_t last_ = 0;
  Tmux tmux_;
};

TEST_F(ConsoleTest, TP_6_1_TP_6_2_AReceptionistSearchesRoutesAndTakesAMessage) {
  StartConsole();
  // The calls in progress, longest waiting first.
  std::string screen = tmux_.WaitFor("Kald i gang: 2 (venter 1, ringer 0, taler 1)");
  EXPECT_THAT(screen, HasSubstr("+4520304050 → e1001"));

  // TP-3.7: search as you type, with who is available now.
  tmux_.Keys("bo", /*literal=*/true);
  screen = tmux_.WaitFor("Bo Lund");
  EXPECT_THAT(screen, HasSubstr("i møde til kl. 12.00"));
  EXPECT_THAT(screen, ::testing::Not(HasSubstr("Teammøde"))) << "subjects are private";
  tmux_.Keys("Escape");
  tmux_.Keys("anna h", /*literal=*/true);
  screen = tmux_.WaitFor("> Anna Holm");
  EXPECT_THAT(screen, HasSubstr("taler i telefon"));

  // TP-6.3: where a call for Anna goes now, and why: she is on a call.
  tmux_.Keys("Enter");
  screen = tmux_.WaitFor("Kald til Anna Holm:");
  EXPECT_THAT(screen, HasSubstr("Anna Holm is on another call"));
  EXPECT_THAT(screen, HasSubstr("Sig: Anna Holm taler i telefon lige nu."));

  // TP-3.5 / TP-6.3: the number to give.
  tmux_.Keys("F2");
  tmux_.WaitFor("Direkte nummer til Anna Holm:");

  // TP-6.2: a message, typed with Danish letters.
  tmux_.Keys("F3");
  tmux_.WaitFor("> Opkalderens navn:");
  tmux_.Keys("Søren Ærø", /*literal=*/true);
  tmux_.Keys("Tab");
  tmux_.Keys("+4540506070", /*literal=*/true);
  tmux_.Keys("Enter");
  tmux_.Keys("Ring om boligstøtte", /*literal=*/true);
  tmux_.Keys("Enter");
  tmux_.Keys("Enter");  // "Ring tilbage (j/n): j" as it stands
  screen = tmux_.WaitFor("Besked til Anna Holm gemt");

  // The message is in the log as the console sent it.
  cti::v1::SubscribeRequest request;
  request.set_tenant(kTenant);
  request.set_after_position(last_);
  request.add_kinds("call.message_taken");
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  auto reader = events_->Subscribe(&context, request);
  cti::v1::SubscribeResponse response;
  while (reader->Read(&response) && !response.has_record()) {
  }
  ASSERT_TRUE(response.has_record());
  const cti::v1::MessageTaken& message = response.record().event().call().message_taken();
  EXPECT_EQ(message.for_target().employee_id(), demo::kAnnaHolm);
  EXPECT_EQ(message.caller_name(), "Søren Ærø");
  EXPECT_EQ(message.callback_number(), "+4540506070");
  EXPECT_EQ(message.text(), "Ring om boligstøtte");
  EXPECT_TRUE(message.callback_wanted());
  EXPECT_EQ(response.record().event().actor().role(), cti::v1::ROLE_RECEPTION);
  context.TryCancel();

  // TP-4.3: a callback; a bad number is refused naming the field, then corrected.
  tmux_.Keys("F4");
  tmux_.WaitFor("> Nummer der skal ringes til:");
  tmux_.Keys("12ab", /*literal=*/true);
  tmux_.Keys("Enter");
  screen = tmux_.WaitFor("Ikke gemt:");
  EXPECT_THAT(screen, HasSubstr("callback_number"));
  for (int i = 0; i < 4; ++i) tmux_.Keys("BSpace");
  tmux_.Keys("+4540506070", /*literal=*/true);
  tmux_.Keys("Enter");
  tmux_.WaitFor("Tilbagekald til Anna Holm gemt");

  tmux_.Keys("F10");
  for (int i = 0; i < 50 && tmux_.Running(); ++i) absl::SleepFor(absl::Milliseconds(100));
  EXPECT_FALSE(tmux_.Running()) << "F10 ends the console";
}

}  // namespace
}  // namespace cti::test_support
