// Call rules: the call state machine, voicemail, messages and callbacks.
#include <string>

#include "gtest/gtest.h"
#include "projections/testing/test_util.h"

namespace cti::projections {
namespace {

using testing::Abandoned;
using testing::AnsweredBy;
using testing::Ended;
using testing::Offered;
using testing::RingingAt;
using testing::TransferredTo;

class CallTest : public testing::ProjectionTest {
 protected:
  void SetUp() override {
    ProjectionTest::SetUp();
    DefineOrganisation();
  }
  static cti::v1::Event VoicemailLeft(const std::string& id, const std::string& mailbox) {
    cti::v1::Event e;
    auto* v = e.mutable_call()->mutable_voicemail_left();
    v->set_voicemail_id(id);
    v->mutable_mailbox()->set_employee_id(mailbox);
    v->set_duration_seconds(30);
    return e;
  }
  static cti::v1::Event VoicemailListened(const std::string& id) {
    cti::v1::Event e;
    e.mutable_call()->mutable_voicemail_listened()->set_voicemail_id(id);
    return e;
  }
  static cti::v1::Event Message(const std::string& id, const std::string& unit) {
    cti::v1::Event e;
    auto* m = e.mutable_call()->mutable_message_taken();
    m->set_message_id(id);
    m->mutable_for_target()->set_unit_id(unit);
    m->set_caller_name("Jens Jensen");
    m->set_callback_number("+4520123456");
    m->set_callback_wanted(true);
    m->set_text("Vil gerne tale om sit pas");
    return e;
  }
  static cti::v1::Event CallbackRequested(const std::string& id, const std::string& employee) {
    cti::v1::Event e;
    auto* c = e.mutable_call()->mutable_callback_requested();
    c->set_callback_id(id);
    c->mutable_assignee()->set_employee_id(employee);
    c->set_callback_number("20123456");
    return e;
  }
  static cti::v1::Event CallbackCompleted(const std::string& id) {
    cti::v1::Event e;
    e.mutable_call()->mutable_callback_completed()->set_callback_id(id);
    return e;
  }
};

TEST_F(CallTest, OrdinaryLifeOfACall) {
  ApplyAll({Offered("c1"), RingingAt("c1", "e1"), RingingAt("c1", "e2"), AnsweredBy("c1", "e2"),
            TransferredTo("c1", "e1"), RingingAt("c1", "e1"), AnsweredBy("c1", "e1"), Ended("c1")});
}

TEST_F(CallTest, NothingHappensAfterTheEnd) {
  ApplyAll({Offered("c1"), AnsweredBy("c1", "e1"), Ended("c1")});
  const std::string ended = "call_id 'c1' has already ended; nothing can happen to it any more";
  EXPECT_EQ(Rejection(Ended("c1")), ended);
  EXPECT_EQ(Rejection(RingingAt("c1", "e1")), ended);
  EXPECT_EQ(Rejection(AnsweredBy("c1", "e1")), ended);
  EXPECT_EQ(Rejection(Abandoned("c1")), ended);
  ApplyAll({Offered("c2"), Abandoned("c2")});
  EXPECT_EQ(Rejection(AnsweredBy("c2", "e1")),
            "call_id 'c2' has already abandoned; nothing can happen to it any more");
}

TEST_F(CallTest, AbandonedOnlyBeforeAnswerEndedOnlyAfter) {
  ApplyAll({Offered("c1"), RingingAt("c1", "e1")});
  EXPECT_EQ(Rejection(Ended("c1")),
            "call_id 'c1' is ringing: a call never answered is abandoned, not ended");
  ApplyAll({AnsweredBy("c1", "e1")});
  EXPECT_EQ(Rejection(Abandoned("c1")),
            "call_id 'c1' is answered: an answered call ends, it is not abandoned");
  EXPECT_EQ(Rejection(AnsweredBy("c1", "e2")),
            "call_id 'c1' is answered: it cannot be answered twice");
  EXPECT_EQ(Rejection(RingingAt("c1", "e2")),
            "call_id 'c1' is answered: an answered call rings again only after a transfer");
  // After a transfer the caller may hang up before the colleague answers: that is an end.
  ApplyAll({TransferredTo("c1", "e2"), RingingAt("c1", "e2")});
  EXPECT_EQ(Rejection(Abandoned("c1")),
            "call_id 'c1' is ringing: an answered call ends, it is not abandoned");
  EXPECT_EQ(Rejection(Ended("c1")), "");
}

TEST_F(CallTest, TransferOnlyWhenAnswered) {
  ApplyAll({Offered("c1"), RingingAt("c1", "e1")});
  EXPECT_EQ(Rejection(TransferredTo("c1", "e2")),
            "call_id 'c1' is ringing: only an answered call can be transferred");
}

TEST_F(CallTest, OfferedOnceAndEventsNeedAnOfferedCall) {
  ApplyAll({Offered("c1")});
  EXPECT_EQ(Rejection(Offered("c1")), "call_id 'c1' was already offered");
  EXPECT_EQ(Rejection(RingingAt("c9", "e1")), "call_id 'c9' not found");
  EXPECT_EQ(Rejection(Ended("c9")), "call_id 'c9' not found");
}

TEST_F(CallTest, CallShape) {
  EXPECT_EQ(Rejection(Offered("")), "call.call_id: must not be empty");
  EXPECT_EQ(Rejection(Offered("c1", "anonymous")),
            "call.offered.caller_number: must be 2 to 20 digits with an optional leading '+'");
  EXPECT_EQ(Rejection(Offered("c1", "")), "");                           // withheld
  EXPECT_EQ(Rejection(Offered("a84b4c76e66710@pc33.example.com")), "");  // SIP Call-ID
  EXPECT_EQ(Rejection(RingingAt("c1", "e9")), "employee_id 'e9' not found");
  cti::v1::Event no_target = testing::CallEvent("c1");
  no_target.mutable_call()->mutable_ringing();
  EXPECT_EQ(Rejection(no_target),
            "call.ringing.target: exactly one of employee_id, unit_id, number is required");
  cti::v1::Event to_number = testing::CallEvent("c1");
  to_number.mutable_call()->mutable_ringing()->mutable_target()->set_number("4711");
  EXPECT_EQ(Rejection(to_number), "");
}

TEST_F(CallTest, VoicemailIsListenedToOnce) {
  EXPECT_EQ(Rejection(VoicemailLeft("v1", "e9")), "employee_id 'e9' not found");
  EXPECT_EQ(Rejection(VoicemailLeft("v1", "e1")), "");
  EXPECT_EQ(Rejection(VoicemailLeft("v1", "e1")), "voicemail_id 'v1' already exists");
  EXPECT_EQ(Rejection(VoicemailListened("v2")), "voicemail_id 'v2' not found");
  EXPECT_EQ(Rejection(VoicemailListened("v1")), "");
  EXPECT_EQ(Rejection(VoicemailListened("v1")), "voicemail_id 'v1' was already listened to");
}

TEST_F(CallTest, MessageNeedsAnExistingTarget) {
  EXPECT_EQ(Rejection(Message("m1", "nowhere")), "unit_id 'nowhere' not found");
  EXPECT_EQ(Rejection(Message("m1", "borgerservice")), "");
  EXPECT_EQ(Rejection(Message("m1", "borgerservice")), "message_id 'm1' already exists");
  cti::v1::Event no_number = Message("m2", "skat");
  no_number.mutable_call()->mutable_message_taken()->clear_callback_number();
  EXPECT_EQ(Rejection(no_number), "call.message_taken.callback_number: must not be empty");
  no_number.mutable_call()->mutable_message_taken()->set_callback_wanted(false);
  EXPECT_EQ(Rejection(no_number), "");
  cti::v1::Event long_text = Message("m3", "skat");
  long_text.mutable_call()->mutable_message_taken()->set_text(std::string(2001, 't'));
  EXPECT_EQ(Rejection(long_text),
            "call.message_taken.text: must be at most 2000 characters (got 2001)");
}

TEST_F(CallTest, SecondCallbackCompletionIsRejected) {
  EXPECT_EQ(Rejection(CallbackCompleted("cb1")), "callback_id 'cb1' not found");
  ApplyAll({CallbackRequested("cb1", "e1")});
  EXPECT_EQ(Rejection(CallbackRequested("cb1", "e1")), "callback_id 'cb1' already exists");
  const uint64_t completed_at = next_position_;
  EXPECT_EQ(Rejection(CallbackCompleted("cb1")), "");
  cti::v1::ApplyOutcome second = Apply(CallbackCompleted("cb1"));
  EXPECT_TRUE(second.rejected());
  EXPECT_EQ(second.reason(), absl::StrCat("callback_id 'cb1' was already completed (at position ",
                                          completed_at, ")"));
}

}  // namespace
}  // namespace cti::projections
