// The privacy family and records whose personal data is erased (personal_data.h).
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/directory.h"
#include "projections/personal_data.h"
#include "projections/testing/test_util.h"

namespace cti::projections {
namespace {

using ::testing::HasSubstr;
using testing::Hire;
using testing::kTenant;

cti::v1::Event Erase(const std::string& employee_id, const std::string& reason = "sag 17") {
  cti::v1::Event e;
  cti::v1::PersonalDataErased* erased = e.mutable_privacy()->mutable_personal_data_erased();
  erased->set_employee_id(employee_id);
  erased->set_reason(reason);
  return e;
}

// `event` as it reaches the projector once its subject's key is gone: the personal
// fields moved out (as the server's edge seals them) and `personal` still set.
cti::v1::Event StillSealed(cti::v1::Event event) {
  cti::v1::PersonalData data;
  PersonalSubjects subjects;
  EXPECT_TRUE(TakePersonalData(&event, &data, &subjects)) << event.DebugString();
  cti::v1::SealedShare* share = event.mutable_personal()->add_shares();
  share->set_subject("employee:gone");
  share->set_key_id("0123456789abcdef");
  event.mutable_personal()->set_ciphertext("not readable without the key");
  return event;
}

cti::v1::Event Message(const std::string& id, bool callback_wanted) {
  cti::v1::Event e;
  cti::v1::MessageTaken* m = e.mutable_call()->mutable_message_taken();
  m->set_message_id(id);
  m->mutable_for_target()->set_employee_id("e1");
  m->set_caller_name("Bo Jensen");
  m->set_callback_number("+4512345678");
  m->set_text("Ring venligst");
  m->set_callback_wanted(callback_wanted);
  return e;
}

class ProjectorPrivacyTest : public testing::ProjectionTest {};

TEST_F(ProjectorPrivacyTest, AnErasureIsNotedPerSubjectWithItsLatestPosition) {
  DefineOrganisation();
  const uint64_t first = next_position_;
  ASSERT_EQ(Rejection(Erase("e1")), "");
  cti::v1::Event by_caller;
  by_caller.mutable_privacy()->mutable_personal_data_erased()->set_caller_subject(
      "caller:0123456789abcdef0123456789abcdef");
  by_caller.mutable_privacy()->mutable_personal_data_erased()->set_reason("sag 18");
  ASSERT_EQ(Rejection(by_caller), "");
  const uint64_t again = next_position_;
  ASSERT_EQ(Rejection(Erase("e1", "sag 19")), "");
  absl::StatusOr<std::vector<ErasedSubject>> erased = ListErasedSubjects(*store_);
  ASSERT_TRUE(erased.ok()) << erased.status();
  ASSERT_EQ(erased->size(), 2u);
  EXPECT_EQ((*erased)[0].subject, "caller:0123456789abcdef0123456789abcdef");
  EXPECT_EQ((*erased)[0].position, first + 1);
  EXPECT_EQ((*erased)[1].tenant, kTenant);
  EXPECT_EQ((*erased)[1].subject, "employee:e1");
  EXPECT_EQ((*erased)[1].position, again);
  // The directory itself is untouched: the rebuild without the key changes it.
  absl::StatusOr<cti::v1::GetEmployeeResponse> anna = Directory(store_.get()).GetEmployee([] {
    cti::v1::GetEmployeeRequest r;
    r.set_tenant(kTenant);
    r.set_employee_id("e1");
    return r;
  }());
  ASSERT_TRUE(anna.ok()) << anna.status();
  EXPECT_EQ(anna->employee().full_name(), "Anna Holm");
}

TEST_F(ProjectorPrivacyTest, BadErasuresAreRefusedNamingTheField) {
  DefineOrganisation();
  cti::v1::Event by_reception = Erase("e1");
  by_reception.mutable_actor()->set_id("r1");
  by_reception.mutable_actor()->set_role(cti::v1::ROLE_RECEPTION);
  EXPECT_THAT(Rejection(by_reception), HasSubstr("actor.role"));
  EXPECT_THAT(Rejection(Erase("e99")), HasSubstr("privacy.personal_data_erased.employee_id"));
  EXPECT_THAT(Rejection(Erase("e1", "")), HasSubstr("privacy.personal_data_erased.reason"));
  EXPECT_THAT(Rejection(Erase("e1", "borger 290385-7319")), HasSubstr("TP-4.2"));
  cti::v1::Event number;
  number.mutable_privacy()->mutable_personal_data_erased()->set_caller_number("+4512345678");
  number.mutable_privacy()->mutable_personal_data_erased()->set_reason("sag 20");
  EXPECT_THAT(Rejection(number), HasSubstr("caller_number"));
  cti::v1::Event bad_subject;
  bad_subject.mutable_privacy()->mutable_personal_data_erased()->set_caller_subject("caller:x");
  bad_subject.mutable_privacy()->mutable_personal_data_erased()->set_reason("sag 21");
  EXPECT_THAT(Rejection(bad_subject), HasSubstr("caller_subject"));
  cti::v1::Event no_message;
  no_message.mutable_privacy()->mutable_personal_data_erased()->set_message_id("m404");
  no_message.mutable_privacy()->mutable_personal_data_erased()->set_reason("sag 22");
  EXPECT_THAT(Rejection(no_message), HasSubstr("message_id"));
  cti::v1::Event empty;
  empty.mutable_privacy();
  EXPECT_THAT(Rejection(empty), HasSubstr("privacy.change"));
  EXPECT_TRUE(ListErasedSubjects(*store_)->empty());
  // A message that exists can be erased on its own.
  ASSERT_EQ(Rejection(Message("m1", false)), "");
  cti::v1::Event message;
  message.mutable_privacy()->mutable_personal_data_erased()->set_message_id("m1");
  message.mutable_privacy()->mutable_personal_data_erased()->set_reason("sag 23");
  EXPECT_EQ(Rejection(message), "");
}

TEST_F(ProjectorPrivacyTest, ErasedRecordsApplyWithTheSameOutcomeAndReadAsDeleted) {
  DefineOrganisation();
  cti::v1::Event hired = Hire("e3", "Gudrun Vestergaard", "borgerservice", "4713", {"pas"});
  hired.mutable_staff()->mutable_employee_hired()->mutable_employee()->set_direct_number(
      "+4589401234");
  ASSERT_EQ(Rejection(StillSealed(hired)), "");
  cti::v1::GetEmployeeRequest request;
  request.set_tenant(kTenant);
  request.set_employee_id("e3");
  absl::StatusOr<cti::v1::GetEmployeeResponse> e3 = Directory(store_.get()).GetEmployee(request);
  ASSERT_TRUE(e3.ok()) << e3.status();
  EXPECT_EQ(e3->employee().full_name(), kErasedText);
  EXPECT_TRUE(e3->employee().direct_number().empty());
  EXPECT_EQ(e3->employee().extension(), "4713");

  // Fields a rule requires are not required once erased: the records were checked when
  // they were appended, and must keep their outcome.
  ASSERT_EQ(Rejection(StillSealed(Message("m1", /*callback_wanted=*/true))), "");
  cti::v1::Event callback;
  cti::v1::CallbackRequested* requested = callback.mutable_call()->mutable_callback_requested();
  requested->set_callback_id("cb1");
  requested->mutable_assignee()->set_employee_id("e1");
  requested->set_callback_number("+4512345678");
  requested->set_source(cti::v1::CALLBACK_SOURCE_CITIZEN_REQUESTED);
  ASSERT_EQ(Rejection(StillSealed(callback)), "");
  cti::v1::Event trace;
  trace.mutable_call()->set_call_id("c1");
  trace.mutable_call()->mutable_route_decided()->mutable_target()->set_employee_id("e1");
  trace.mutable_call()->mutable_route_decided()->mutable_answer()->add_steps()->set_employee_id(
      "e1");
  ASSERT_EQ(Rejection(StillSealed(trace)), "");
  // Not erased, the same records are still checked.
  cti::v1::Event no_number = callback;
  no_number.mutable_call()->mutable_callback_requested()->set_callback_id("cb2");
  no_number.mutable_call()->mutable_callback_requested()->clear_callback_number();
  EXPECT_THAT(Rejection(no_number), HasSubstr("callback_number"));
}

}  // namespace
}  // namespace cti::projections
