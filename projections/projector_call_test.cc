// Call rules: the call state machine, voicemail, messages and callbacks.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/live_calls.h"
#include "projections/testing/test_util.h"

namespace cti::projections {
namespace {

using testing::Abandoned;
using testing::AnsweredBy;
using testing::BranchFailedAt;
using testing::Ended;
using testing::Failed;
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

TEST_F(CallTest, ABranchFailsWhileTheCallWaitsOrRingsNeverWhenAnswered) {
  // A hunt group: the first phone is busy, the second does not answer, the third does.
  ApplyAll({Offered("c1"), RingingAt("c1", "e1"), BranchFailedAt("c1", "e1", 486),
            RingingAt("c1", "e2"), BranchFailedAt("c1", "e2", 408, "Request Timeout"),
            BranchFailedAt("c1", "e2", 487, ""), RingingAt("c1", "e1"), AnsweredBy("c1", "e1")});
  EXPECT_EQ(Rejection(BranchFailedAt("c1", "e2")),
            "call_id 'c1' is answered: a branch of an answered call cannot fail");
  // After a transfer its destination may fail, and the call goes on.
  ApplyAll({TransferredTo("c1", "e2"), RingingAt("c1", "e2"), BranchFailedAt("c1", "e2", 486),
            RingingAt("c1", "e1"), AnsweredBy("c1", "e1"), Ended("c1")});
  EXPECT_EQ(Rejection(BranchFailedAt("c1", "e1")),
            "call_id 'c1' has already ended; nothing can happen to it any more");
  EXPECT_EQ(Rejection(BranchFailedAt("c9", "e1")), "call_id 'c9' not found");
}

TEST_F(CallTest, ARingingOrBranchFailureReportedAfterTheAnswerItPrecededIsHistory) {
  // Replies race inside the PBX (Kamailio's workers): the 180 of the phone that answered
  // and the 486 of a parallel branch reach ctid after the 200, another 180 after the
  // end. All are recorded; the call stays answered by e2, then ended.
  using testing::At;
  const auto at = [](int64_t s) { return absl::FromUnixSeconds(testing::kT0 + s); };
  ApplyAll({At(Offered("c1"), at(1)), At(AnsweredBy("c1", "e2"), at(10)),
            At(RingingAt("c1", "e2"), at(9)), At(BranchFailedAt("c1", "e1", 486), at(10))});
  // Reported after the answer and occurring after it: refused as before, unless it is
  // the phone that answered (its 180, stamped later by another worker's clock).
  EXPECT_EQ(Rejection(At(RingingAt("c1", "e1"), at(11))),
            "call_id 'c1' is answered: an answered call rings again only after a transfer");
  EXPECT_EQ(Rejection(At(RingingAt("c1", "e2"), at(11))), "");
  EXPECT_EQ(Rejection(At(BranchFailedAt("c1", "e1"), at(11))),
            "call_id 'c1' is answered: a branch of an answered call cannot fail");
  ApplyAll({At(Ended("c1"), at(12)), At(RingingAt("c1", "e1"), at(8))});
  EXPECT_EQ(Rejection(At(RingingAt("c1", "e1"), at(13))),
            "call_id 'c1' has already ended; nothing can happen to it any more");
}

TEST_F(CallTest, BranchFailedShape) {
  ApplyAll({Offered("c1"), RingingAt("c1", "e1")});
  EXPECT_EQ(Rejection(BranchFailedAt("c1", "e1", 200)),
            "call.branch_failed.sip_code: must be a SIP failure status 300 to 699, not 200");
  EXPECT_EQ(Rejection(BranchFailedAt("c1", "e1", 0)),
            "call.branch_failed.sip_code: must be a SIP failure status 300 to 699, not 0");
  EXPECT_EQ(Rejection(BranchFailedAt("c1", "e1", 700)),
            "call.branch_failed.sip_code: must be a SIP failure status 300 to 699, not 700");
  EXPECT_EQ(Rejection(BranchFailedAt("c1", "e9")), "employee_id 'e9' not found");
  cti::v1::Event no_target = BranchFailedAt("c1", "e1");
  no_target.mutable_call()->mutable_branch_failed()->clear_target();
  EXPECT_EQ(Rejection(no_target),
            "call.branch_failed.target: exactly one of employee_id, unit_id, number is required");
  EXPECT_EQ(Rejection(BranchFailedAt("c1", "e1", 486, std::string(201, 'x'))),
            "call.branch_failed.reason: must be at most 200 characters (got 201)");
  EXPECT_EQ(Rejection(BranchFailedAt("c1", "e1", 486, "Busy\x01")),
            "call.branch_failed.reason: must not contain control characters");
  EXPECT_THAT(Rejection(BranchFailedAt("c1", "e1", 486, "Busy 010203-1239")),
              ::testing::StartsWith("call.branch_failed.reason: "));
  cti::v1::Event to_number = BranchFailedAt("c1", "e1", 404, "Not Found");
  to_number.mutable_call()->mutable_branch_failed()->mutable_target()->set_number("4799");
  EXPECT_EQ(Rejection(to_number), "");
  EXPECT_EQ(Rejection(BranchFailedAt("c1", "e1", 699, "")), "");
  EXPECT_EQ(Rejection(BranchFailedAt("c1", "e1", 300, "Multiple Choices")), "");
}

TEST_F(CallTest, AVoicemailIsAnEmployeesOrAUnitsAndDiffersFromThePerson) {
  ApplyAll({Offered("c1"), RingingAt("c1", "e1")});
  cti::v1::Event number_voicemail = RingingAt("c1", "e1");
  number_voicemail.mutable_call()->mutable_ringing()->mutable_target()->set_number("4799");
  number_voicemail.mutable_call()->mutable_ringing()->set_voicemail(true);
  EXPECT_EQ(Rejection(number_voicemail),
            "call.ringing.voicemail: only an employee or a unit has a voicemail (TP-3.14), not "
            "a number");
  // e1's voicemail failing is not e1's phone failing: the call still rings at e1.
  cti::v1::Event voicemail_failed = BranchFailedAt("c1", "e1", 480);
  voicemail_failed.mutable_call()->mutable_branch_failed()->set_voicemail(true);
  ApplyAll({voicemail_failed});
  cti::v1::ListLiveCallsRequest request;
  request.set_tenant(testing::kTenant);
  absl::StatusOr<cti::v1::ListLiveCallsResponse> live = LiveCalls(store_.get()).List(request);
  ASSERT_TRUE(live.ok()) << live.status();
  ASSERT_EQ(live->calls_size(), 1);
  EXPECT_EQ(live->calls(0).state(), cti::v1::LIVE_CALL_STATE_RINGING);
  EXPECT_EQ(live->calls(0).target().employee_id(), "e1");
  EXPECT_FALSE(live->calls(0).voicemail());
  // Now it rings at e1's voicemail, which answers: the live call says so.
  cti::v1::Event at_voicemail = RingingAt("c1", "e1");
  at_voicemail.mutable_call()->mutable_ringing()->set_voicemail(true);
  cti::v1::Event answered = AnsweredBy("c1", "e1");
  answered.mutable_call()->mutable_answered()->set_voicemail(true);
  ApplyAll({at_voicemail, answered});
  live = LiveCalls(store_.get()).List(request);
  ASSERT_TRUE(live.ok()) << live.status();
  ASSERT_EQ(live->calls_size(), 1);
  EXPECT_EQ(live->calls(0).state(), cti::v1::LIVE_CALL_STATE_TALKING);
  EXPECT_TRUE(live->calls(0).voicemail());
}

TEST_F(CallTest, AFailedCallIsFinishedAndOnlyUnanswered) {
  ApplyAll(
      {Offered("c1"), RingingAt("c1", "e1"), BranchFailedAt("c1", "e1", 408), Failed("c1", 480)});
  const std::string failed = "call_id 'c1' has already failed; nothing can happen to it any more";
  EXPECT_EQ(Rejection(Failed("c1")), failed);
  EXPECT_EQ(Rejection(Abandoned("c1")), failed);
  EXPECT_EQ(Rejection(RingingAt("c1", "e1")), failed);
  EXPECT_EQ(Rejection(AnsweredBy("c1", "e1")), failed);
  EXPECT_EQ(Rejection(BranchFailedAt("c1", "e1")), failed);
  // Routing failed: the PBX answered 503 right after the offer.
  ApplyAll({Offered("c2"), Failed("c2", 503, "Service Unavailable")});
  ApplyAll({Offered("c3"), RingingAt("c3", "e1"), AnsweredBy("c3", "e1")});
  EXPECT_EQ(Rejection(Failed("c3")),
            "call_id 'c3' is answered: an answered call ends, it does not fail");
  ApplyAll({Offered("c4"), Abandoned("c4")});
  EXPECT_EQ(Rejection(Failed("c4")),
            "call_id 'c4' has already abandoned; nothing can happen to it any more");
  EXPECT_EQ(Rejection(Failed("c9")), "call_id 'c9' not found");
}

TEST_F(CallTest, FailedShape) {
  ApplyAll({Offered("c1")});
  EXPECT_EQ(Rejection(Failed("c1", 299)),
            "call.failed.sip_code: must be a SIP failure status 300 to 699, not 299");
  EXPECT_EQ(Rejection(Failed("c1", 503, std::string(201, 'x'))),
            "call.failed.reason: must be at most 200 characters (got 201)");
  EXPECT_THAT(Rejection(Failed("c1", 503, "ring 0102031239")),
              ::testing::StartsWith("call.failed.reason: "));
  EXPECT_EQ(Rejection(Failed("c1", 503, "")), "");
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
