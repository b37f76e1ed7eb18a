// TP-6.2 end to end: ctid with --smtp-url pointing at a real SMTP server on loopback
// (testdata/smtp_sink.py, python3-aiosmtpd); a message taken for an employee arrives as
// one mail, and the outcome is on the log and in the outbox projection.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "projections/outbox.h"
#include "server/file_util.h"
#include "server/testing/server_fixture.h"

extern char** environ;

namespace cti::server {
namespace {

using cti::projections::MessageState;
using cti::projections::OutboxMessage;
using testing::kTenant;

// The SMTP server: started on a free loopback port, stopped (SIGTERM) at the end.
class SmtpSink {
 public:
  explicit SmtpSink(const std::string& reject = "") {
    const std::string port_file = absl::StrCat(dir_.path(), "/port");
    mail_dir_ = absl::StrCat(dir_.path(), "/mail");
    std::filesystem::create_directories(mail_dir_);
    std::vector<std::string> args = {"/usr/bin/python3", SMTP_SINK_PATH, "--port-file",
                                     port_file,          "--dir",        mail_dir_};
    if (!reject.empty()) {
      args.push_back("--reject");
      args.push_back(reject);
    }
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    const int spawned = posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ);
    EXPECT_EQ(spawned, 0) << "cannot start /usr/bin/python3";
    if (spawned != 0) pid_ = -1;
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (pid_ > 0 && absl::Now() < deadline) {
      absl::StatusOr<std::string> text = ReadFile(port_file);
      if (text.ok() && absl::SimpleAtoi(absl::StripAsciiWhitespace(*text), &port_)) break;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        ADD_FAILURE() << "smtp_sink.py exited (is python3-aiosmtpd installed?)";
        break;
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
    EXPECT_GT(port_, 0) << "the SMTP sink did not start";
  }
  ~SmtpSink() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }
  std::string url() const { return absl::StrCat("smtp://127.0.0.1:", port_); }

  // The mails received so far (their decoded summaries, N.json), in order.
  std::vector<google::protobuf::Struct> Mails() const {
    std::vector<google::protobuf::Struct> mails;
    for (int n = 1;; ++n) {
      absl::StatusOr<std::string> json = ReadFile(absl::StrCat(mail_dir_, "/", n, ".json"));
      if (!json.ok()) break;
      google::protobuf::Struct mail;
      EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(*json, &mail).ok()) << *json;
      mails.push_back(mail);
    }
    return mails;
  }

 private:
  testing::TempDir dir_;
  std::string mail_dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

std::string Field(const google::protobuf::Struct& mail, const std::string& name) {
  auto it = mail.fields().find(name);
  return it == mail.fields().end() ? "" : it->second.string_value();
}

class SmtpDeliveryTest : public ::testing::Test {
 protected:
  std::unique_ptr<testing::ServerFixture> StartCtid(const SmtpSink& sink) {
    testing::FixtureOptions options;
    const std::string url = sink.url();
    options.configure = [url](CtidOptions* ctid) {
      ctid->mail.smtp_url = url;
      ctid->mail.mailer.from_address = "reception@sydby.dk";
    };
    return std::make_unique<testing::ServerFixture>(options);
  }

  // A department with an employee with an e-mail address, and a message for her.
  void TakeMessage(testing::ServerFixture& f) {
    cti::v1::AppendResponse response;
    ASSERT_TRUE(
        testing::IsOk(f.Append(testing::Administration("plan", "Plan og Miljø"), &response)));
    cti::v1::Event hire = testing::Hire("e17", "Åse Ærø", "plan");
    hire.mutable_staff()->mutable_employee_hired()->mutable_employee()->set_email(
        "ase.aero@sydby.dk");
    ASSERT_TRUE(testing::IsOk(f.Append(hire, &response)));
    cti::v1::Event message = testing::CallOffered("c1");
    message.clear_call();
    cti::v1::MessageTaken* taken = message.mutable_call()->mutable_message_taken();
    taken->set_message_id("besked-1");
    taken->mutable_for_target()->set_employee_id("e17");
    taken->set_caller_name("Søren Kierkegaard");
    taken->set_callback_number("+4520123456");
    taken->set_text("Vil gerne høre om byggetilladelsen på Ærøvej; ring før kl. 14 å.");
    taken->set_callback_wanted(true);
    ASSERT_TRUE(testing::IsOk(f.Append(message, &response)));
  }

  // Waits (real time) until the message has left the outbox; its record then.
  OutboxMessage WaitForOutcome(testing::ServerFixture& f) {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    OutboxMessage message;
    while (absl::Now() < deadline) {
      absl::StatusOr<OutboxMessage> got =
          cti::projections::Outbox(f.server().store().get()).Get(kTenant, "besked-1");
      if (got.ok() && got->state != MessageState::kPending) return *got;
      absl::SleepFor(absl::Milliseconds(20));
    }
    ADD_FAILURE() << "message besked-1 is still in the outbox";
    return message;
  }

  // The log record at `position`.
  cti::v1::LogRecord RecordAt(testing::ServerFixture& f, uint64_t position) {
    cti::log::EventLog* log = f.server().log();
    absl::StatusOr<std::unique_ptr<cti::log::LogReader>> reader =
        log->OpenReader(log->PartitionOf(kTenant), position);
    EXPECT_TRUE(reader.ok()) << reader.status();
    if (!reader.ok()) return {};
    absl::StatusOr<std::vector<cti::v1::LogRecord>> records = (*reader)->Next(1, absl::Seconds(1));
    EXPECT_TRUE(records.ok() && !records->empty());
    return records.ok() && !records->empty() ? records->front() : cti::v1::LogRecord();
  }
};

TEST_F(SmtpDeliveryTest, TP_6_2_AMessageIsMailedToTheEmployee) {
  SmtpSink sink;
  std::unique_ptr<testing::ServerFixture> f = StartCtid(sink);
  TakeMessage(*f);
  const OutboxMessage outcome = WaitForOutcome(*f);
  EXPECT_EQ(outcome.state, MessageState::kDelivered) << outcome.delivery_detail;
  EXPECT_EQ(outcome.delivery_address, "ase.aero@sydby.dk");
  EXPECT_EQ(outcome.delivery_detail, "250 OK queued as ctid-test-1");
  EXPECT_EQ(outcome.delivery_attempts, 1u);
  absl::StatusOr<std::vector<OutboxMessage>> pending =
      cti::projections::Outbox(f->server().store().get()).Pending(kTenant);
  ASSERT_TRUE(pending.ok());
  EXPECT_TRUE(pending->empty());

  const cti::v1::LogRecord record = RecordAt(*f, outcome.delivery_position);
  ASSERT_TRUE(record.event().call().has_message_delivered()) << record.DebugString();
  EXPECT_EQ(record.event().call().message_delivered().message_id(), "besked-1");
  EXPECT_EQ(record.event().actor().role(), cti::v1::ROLE_SYSTEM);
  EXPECT_EQ(record.event().actor().id(), "ctid-mailer");

  absl::SleepFor(absl::Milliseconds(300));  // Nothing more arrives.
  const std::vector<google::protobuf::Struct> mails = sink.Mails();
  ASSERT_EQ(mails.size(), 1u);
  const google::protobuf::Struct& mail = mails[0];
  EXPECT_EQ(Field(mail, "mail_from"), "reception@sydby.dk");
  ASSERT_EQ(mail.fields().at("rcpt_tos").list_value().values_size(), 1);
  EXPECT_EQ(mail.fields().at("rcpt_tos").list_value().values(0).string_value(),
            "ase.aero@sydby.dk");
  EXPECT_EQ(Field(mail, "to"), "Åse Ærø <ase.aero@sydby.dk>");
  EXPECT_EQ(Field(mail, "from"), "Receptionen <reception@sydby.dk>");
  EXPECT_EQ(Field(mail, "subject"), "Besked fra Søren Kierkegaard (+4520123456)");
  EXPECT_EQ(Field(mail, "message_id"), "<ctid-message.besked-1.aarhus@sydby.dk>");
  EXPECT_EQ(Field(mail, "content_type"), "text/plain");
  EXPECT_EQ(Field(mail, "charset"), "utf-8");
  const std::string body = Field(mail, "body");
  EXPECT_TRUE(
      absl::StrContains(body, "Vil gerne høre om byggetilladelsen på Ærøvej; ring før kl. 14 å.\n"))
      << body;
  EXPECT_TRUE(absl::StrContains(body, "Hej Åse Ærø\n")) << body;
  EXPECT_TRUE(absl::StrContains(body, "Fra: Søren Kierkegaard\n")) << body;
  EXPECT_TRUE(absl::StrContains(body, "Telefonnummer: +4520123456\n")) << body;
  // The fixture's clock starts at 2024-03-01T08:00:00Z: 09:00 in Copenhagen.
  EXPECT_TRUE(absl::StrContains(body, "Modtaget: fredag den 1. marts 2024 kl. 09.00")) << body;
  EXPECT_TRUE(absl::StrContains(body, "Ring venligst tilbage i dag")) << body;
}

TEST_F(SmtpDeliveryTest, TP_6_2_ARefusedMailIsRecordedAsFailed) {
  SmtpSink sink("550 5.1.1 Mailbox unavailable");
  std::unique_ptr<testing::ServerFixture> f = StartCtid(sink);
  TakeMessage(*f);
  const OutboxMessage outcome = WaitForOutcome(*f);
  EXPECT_EQ(outcome.state, MessageState::kFailed);
  EXPECT_EQ(outcome.delivery_address, "ase.aero@sydby.dk");
  EXPECT_TRUE(absl::StrContains(outcome.delivery_detail, "550 5.1.1 Mailbox unavailable"))
      << outcome.delivery_detail;
  EXPECT_EQ(outcome.delivery_attempts, 1u);
  const cti::v1::LogRecord record = RecordAt(*f, outcome.delivery_position);
  ASSERT_TRUE(record.event().call().has_message_delivery_failed()) << record.DebugString();
  EXPECT_TRUE(sink.Mails().empty());
}

}  // namespace
}  // namespace cti::server
