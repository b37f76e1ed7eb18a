// The mailer (TP-6.2) on a simulated clock with a scripted sender: what it sends, when it
// tries again, when it gives up, and that each message gets exactly one outcome event.
#include "server/mail/message_mailer.h"

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "projections/projector.h"
#include "projections/testing/test_util.h"

namespace cti::mail {
namespace {

using cti::projections::MessageState;
using cti::projections::Outbox;

// Answers Send from a script (OK with a reply, or an error); the rest succeed.
class ScriptedSender final : public MailSender {
 public:
  absl::StatusOr<std::string> Send(const Mail& mail) override {
    sent.push_back(mail);
    if (script.empty()) return std::string("250 OK queued as 1");
    absl::StatusOr<std::string> answer = script.front();
    script.pop_front();
    return answer;
  }
  std::deque<absl::StatusOr<std::string>> script;
  std::vector<Mail> sent;
};

// Applies appended events to the store at the next positions, as the projector would.
class ApplyingAppender final : public EventAppender {
 public:
  ApplyingAppender(cti::projections::Projector* projector, uint64_t* next_position)
      : projector_(projector), next_position_(next_position) {}
  absl::StatusOr<uint64_t> Append(cti::v1::Event event) override {
    if (!refuse_with.ok()) return refuse_with;
    event.mutable_actor()->set_id("ctid-mailer");
    event.mutable_actor()->set_role(cti::v1::ROLE_SYSTEM);
    appended.push_back(event);
    std::vector<cti::v1::LogRecord> records =
        cti::projections::testing::Records({event}, (*next_position_)++);
    absl::StatusOr<std::vector<cti::v1::ApplyOutcome>> outcomes = projector_->Apply(0, records);
    if (!outcomes.ok()) return outcomes.status();
    if ((*outcomes)[0].rejected()) return absl::FailedPreconditionError((*outcomes)[0].reason());
    return records[0].position();
  }
  absl::Status refuse_with;
  std::vector<cti::v1::Event> appended;

 private:
  cti::projections::Projector* projector_;
  uint64_t* next_position_;
};

class MessageMailerTest : public cti::projections::testing::ProjectionTest {
 protected:
  void SetUp() override {
    ProjectionTest::SetUp();
    DefineOrganisation();
    cti::v1::Event hire = cti::projections::testing::Hire("e3", "Åse Ærø", "skat", "4713");
    hire.mutable_staff()->mutable_employee_hired()->mutable_employee()->set_email("ase@sydby.dk");
    ApplyAll({hire});
    appender_ = std::make_unique<ApplyingAppender>(projector_.get(), &next_position_);
    MailerOptions options;
    options.from_address = "reception@sydby.dk";
    options.zone = absl::UTCTimeZone();
    std::shared_ptr<const cti::projections::Store> store(store_.get(),
                                                         [](const cti::projections::Store*) {});
    mailer_ = std::make_unique<MessageMailer>(
        options, [store] { return store; }, &sender_, appender_.get(), &clock_);
  }
  static cti::v1::Event Message(const std::string& id, const std::string& employee) {
    cti::v1::Event e;
    auto* m = e.mutable_call()->mutable_message_taken();
    m->set_message_id(id);
    m->mutable_for_target()->set_employee_id(employee);
    m->set_caller_name("Jens Ærløv");
    m->set_callback_number("+4520123456");
    m->set_text("Ring tilbage om pas");
    m->set_callback_wanted(true);
    return e;
  }
  cti::projections::OutboxMessage Get(const std::string& id) {
    absl::StatusOr<cti::projections::OutboxMessage> m =
        Outbox(store_.get()).Get(cti::projections::testing::kTenant, id);
    EXPECT_TRUE(m.ok()) << m.status();
    return m.ok() ? *m : cti::projections::OutboxMessage();
  }

  cti::SimulatedClock clock_{absl::FromUnixSeconds(1764576000)};
  ScriptedSender sender_;
  std::unique_ptr<ApplyingAppender> appender_;
  std::unique_ptr<MessageMailer> mailer_;
};

TEST_F(MessageMailerTest, TP_6_2_AMessageIsMailedToTheEmployeeAndDeliveryRecordedOnce) {
  ApplyAll({Message("m1", "e3")});
  MessageMailer::PassResult pass = mailer_->RunOnce();
  EXPECT_TRUE(pass.error.ok()) << pass.error;
  EXPECT_EQ(pass.delivered, 1);
  ASSERT_EQ(sender_.sent.size(), 1u);
  EXPECT_EQ(sender_.sent[0].to_address, "ase@sydby.dk");
  EXPECT_EQ(sender_.sent[0].subject, "Besked fra Jens Ærløv (+4520123456)");
  ASSERT_EQ(appender_->appended.size(), 1u);
  const cti::v1::MessageDelivered& delivered = appender_->appended[0].call().message_delivered();
  EXPECT_EQ(delivered.message_id(), "m1");
  EXPECT_EQ(delivered.address(), "ase@sydby.dk");
  EXPECT_EQ(delivered.smtp_reply(), "250 OK queued as 1");
  EXPECT_EQ(delivered.attempts(), 1u);
  EXPECT_EQ(appender_->appended[0].event_id(), "mail-delivered.m1");
  EXPECT_EQ(Get("m1").state, MessageState::kDelivered);

  // Later passes send nothing more.
  clock_.Advance(absl::Hours(1));
  pass = mailer_->RunOnce();
  EXPECT_EQ(pass.delivered, 0);
  EXPECT_EQ(sender_.sent.size(), 1u);
  EXPECT_EQ(appender_->appended.size(), 1u);
}

TEST_F(MessageMailerTest, TP_6_2_TransientFailuresAreRetriedWithExponentialBackoff) {
  ApplyAll({Message("m1", "e3")});
  for (int i = 0; i < 3; ++i) sender_.script.push_back(absl::UnavailableError("no connection"));
  const absl::Time start = clock_.Now();
  MessageMailer::PassResult pass = mailer_->RunOnce();
  EXPECT_EQ(pass.retried, 1);
  EXPECT_EQ(pass.next_attempt, start + absl::Seconds(1));
  // Not before it is due.
  clock_.Advance(absl::Milliseconds(999));
  EXPECT_EQ(mailer_->RunOnce().retried, 0);
  EXPECT_EQ(sender_.sent.size(), 1u);
  clock_.Advance(absl::Milliseconds(1));
  pass = mailer_->RunOnce();
  EXPECT_EQ(pass.retried, 1);
  EXPECT_EQ(pass.next_attempt, clock_.Now() + absl::Seconds(2));
  clock_.Advance(absl::Seconds(2));
  pass = mailer_->RunOnce();
  EXPECT_EQ(pass.next_attempt, clock_.Now() + absl::Seconds(4));
  clock_.Advance(absl::Seconds(4));
  pass = mailer_->RunOnce();
  EXPECT_EQ(pass.delivered, 1);
  EXPECT_EQ(sender_.sent.size(), 4u);
  ASSERT_EQ(appender_->appended.size(), 1u);
  EXPECT_EQ(appender_->appended[0].call().message_delivered().attempts(), 4u);
  // Every attempt carries the same Message-ID.
  for (const Mail& mail : sender_.sent) EXPECT_EQ(mail.message_id, sender_.sent[0].message_id);
}

TEST_F(MessageMailerTest, TP_6_2_FinalFailureAfterMaxAttempts) {
  ApplyAll({Message("m1", "e3")});
  for (int i = 0; i < 8; ++i) sender_.script.push_back(absl::UnavailableError("421 busy"));
  MessageMailer::PassResult pass;
  for (int i = 0; i < 8; ++i) {
    pass = mailer_->RunOnce();
    if (pass.next_attempt != absl::InfiniteFuture()) clock_.Set(pass.next_attempt);
  }
  EXPECT_EQ(pass.failed, 1);
  EXPECT_EQ(sender_.sent.size(), 8u);
  ASSERT_EQ(appender_->appended.size(), 1u);
  const cti::v1::MessageDeliveryFailed& failed =
      appender_->appended[0].call().message_delivery_failed();
  EXPECT_EQ(failed.message_id(), "m1");
  EXPECT_EQ(failed.address(), "ase@sydby.dk");
  EXPECT_EQ(failed.attempts(), 8u);
  EXPECT_EQ(failed.reason(), "gave up after 8 attempts; the last: 421 busy");
  EXPECT_EQ(Get("m1").state, MessageState::kFailed);
  // The backoff doubles up to its maximum.
  MailerOptions options;
  EXPECT_EQ(MessageMailer::Backoff(options, 1), absl::Seconds(1));
  EXPECT_EQ(MessageMailer::Backoff(options, 7), absl::Seconds(64));
  EXPECT_EQ(MessageMailer::Backoff(options, 20), absl::Minutes(5));
}

TEST_F(MessageMailerTest, TP_6_2_APermanentRefusalFailsAtOnce) {
  ApplyAll({Message("m1", "e3")});
  sender_.script.push_back(
      absl::FailedPreconditionError("the SMTP server refused the mail: RCPT failed: 550"));
  MessageMailer::PassResult pass = mailer_->RunOnce();
  EXPECT_EQ(pass.failed, 1);
  EXPECT_EQ(sender_.sent.size(), 1u);
  ASSERT_EQ(appender_->appended.size(), 1u);
  EXPECT_EQ(appender_->appended[0].call().message_delivery_failed().reason(),
            "the SMTP server refused the mail: RCPT failed: 550");
  EXPECT_EQ(appender_->appended[0].call().message_delivery_failed().attempts(), 1u);
}

TEST_F(MessageMailerTest, TP_6_2_NoAddressFailsAtOnceSayingWhy) {
  ApplyAll({Message("m1", "e1")});  // Anna Holm and borgerservice have no e-mail.
  MessageMailer::PassResult pass = mailer_->RunOnce();
  EXPECT_EQ(pass.failed, 1);
  EXPECT_TRUE(sender_.sent.empty());
  ASSERT_EQ(appender_->appended.size(), 1u);
  const cti::v1::MessageDeliveryFailed& failed =
      appender_->appended[0].call().message_delivery_failed();
  EXPECT_EQ(failed.address(), "");
  EXPECT_EQ(failed.attempts(), 0u);
  EXPECT_EQ(failed.reason(),
            "no e-mail address: employee 'e1' has none and unit 'borgerservice' has none");
}

TEST_F(MessageMailerTest, AnOutcomeTheLogDidNotTakeIsAppendedAgainWithoutResending) {
  ApplyAll({Message("m1", "e3")});
  appender_->refuse_with = absl::UnavailableError("log out of reach");
  MessageMailer::PassResult pass = mailer_->RunOnce();
  EXPECT_EQ(pass.delivered, 0);
  EXPECT_EQ(sender_.sent.size(), 1u);
  appender_->refuse_with = absl::OkStatus();
  clock_.Advance(absl::Seconds(1));
  pass = mailer_->RunOnce();
  EXPECT_EQ(pass.delivered, 1);
  EXPECT_EQ(sender_.sent.size(), 1u) << "the mail is not sent twice";
  EXPECT_EQ(Get("m1").state, MessageState::kDelivered);
}

TEST_F(MessageMailerTest, NothingIsReadBeforeTheProjectionsAreReadable) {
  ApplyAll({Message("m1", "e3")});
  MailerOptions options;
  options.from_address = "reception@sydby.dk";
  MessageMailer waiting(
      options, [] { return nullptr; }, &sender_, appender_.get(), &clock_);
  EXPECT_TRUE(absl::IsUnavailable(waiting.RunOnce().error));
  EXPECT_TRUE(sender_.sent.empty());
}

}  // namespace
}  // namespace cti::mail
