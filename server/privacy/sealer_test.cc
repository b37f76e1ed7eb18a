#include "server/privacy/sealer.h"

#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "projections/personal_data.h"
#include "server/log/log_test_util.h"

namespace cti::server::privacy {
namespace {

using cti::log::testing::ScopedTempDir;
using google::protobuf::util::MessageDifferencer;

cti::v1::Event Envelope(const std::string& event_id) {
  cti::v1::Event e;
  e.set_tenant("aarhus");
  e.set_event_id(event_id);
  e.mutable_occurred_at()->set_seconds(1709280000);
  return e;
}

cti::v1::Event Hired() {
  cti::v1::Event e = Envelope("hire-1");
  cti::v1::Employee* emp = e.mutable_staff()->mutable_employee_hired()->mutable_employee();
  emp->set_employee_id("e1");
  emp->set_full_name("Anna Holm");
  emp->set_unit_id("borgerservice");
  emp->set_extension("4711");
  emp->set_direct_number("+4589401234");
  emp->set_mobile_number("+4520304050");
  emp->set_email("anna.holm@aarhus.dk");
  return e;
}

cti::v1::Event Message(const std::string& number) {
  cti::v1::Event e = Envelope("msg-1");
  cti::v1::MessageTaken* m = e.mutable_call()->mutable_message_taken();
  m->set_message_id("m1");
  m->mutable_for_target()->set_employee_id("e1");
  m->set_caller_name("Bo Jensen");
  m->set_callback_number(number);
  m->set_text("Ringer om sin boligstøtte");
  return e;
}

class SealerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = KeyVault::Open(dir_.path());
    ASSERT_TRUE(opened.ok()) << opened.status();
    vault_ = *std::move(opened);
  }
  ScopedTempDir dir_;
  std::unique_ptr<KeyVault> vault_;
};

TEST_F(SealerTest, SealedRecordsHoldNoPlaintextAndOpenToTheOriginal) {
  for (const cti::v1::Event& original : {Hired(), Message("+4512345678")}) {
    cti::v1::Event event = original;
    ASSERT_TRUE(Seal(*vault_, &event).ok());
    ASSERT_TRUE(event.has_personal());
    const std::string bytes = event.SerializeAsString();
    for (const char* plain :
         {"Anna Holm", "89401234", "20304050", "anna.holm", "Bo Jensen", "12345678", "boligst"}) {
      EXPECT_EQ(bytes.find(plain), std::string::npos) << plain << " is in the sealed record";
    }
    // What is not personal stays readable.
    if (event.has_staff()) {
      EXPECT_EQ(event.staff().employee_hired().employee().extension(), "4711");
      EXPECT_EQ(event.personal().shares(0).subject(), "employee:e1");
    } else {
      EXPECT_EQ(event.call().message_taken().for_target().employee_id(), "e1");
      EXPECT_TRUE(projections::IsCallerSubject(event.personal().shares(0).subject()));
    }
    absl::StatusOr<OpenResult> opened = Open(*vault_, &event);
    ASSERT_TRUE(opened.ok()) << opened.status();
    EXPECT_EQ(*opened, OpenResult::kOpened);
    EXPECT_TRUE(MessageDifferencer::Equals(event, original)) << event.DebugString();
  }
}

TEST_F(SealerTest, SealingIsDeterministicSoRetriesCompareEqual) {
  cti::v1::Event a = Hired();
  cti::v1::Event b = Hired();
  ASSERT_TRUE(Seal(*vault_, &a).ok());
  ASSERT_TRUE(Seal(*vault_, &b).ok());
  EXPECT_EQ(a.SerializeAsString(), b.SerializeAsString());
  // Another event id: other bytes (and other nonces).
  cti::v1::Event c = Hired();
  c.set_event_id("hire-2");
  ASSERT_TRUE(Seal(*vault_, &c).ok());
  EXPECT_NE(a.personal().ciphertext(), c.personal().ciphertext());
  EXPECT_NE(a.personal().nonce(), c.personal().nonce());
  // Sealing a sealed record changes nothing.
  cti::v1::Event again = a;
  ASSERT_TRUE(Seal(*vault_, &again).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(again, a));
}

TEST_F(SealerTest, AnErasedKeyLeavesTheRecordSealedForGood) {
  cti::v1::Event event = Message("+4512345678");
  ASSERT_TRUE(Seal(*vault_, &event).ok());
  const cti::v1::Event sealed = event;
  ASSERT_TRUE(vault_->Erase("aarhus", event.personal().shares(0).subject()).ok());
  absl::StatusOr<OpenResult> opened = Open(*vault_, &event);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, OpenResult::kErased);
  EXPECT_TRUE(MessageDifferencer::Equals(event, sealed));
  // The same caller met again is sealed with a new key; the old record stays closed.
  cti::v1::Event later = Message("12345678");
  later.set_event_id("msg-2");
  ASSERT_TRUE(Seal(*vault_, &later).ok());
  EXPECT_EQ(later.personal().shares(0).subject(), sealed.personal().shares(0).subject());
  EXPECT_NE(later.personal().shares(0).key_id(), sealed.personal().shares(0).key_id());
  EXPECT_EQ(*Open(*vault_, &later), OpenResult::kOpened);
  EXPECT_EQ(*Open(*vault_, &event), OpenResult::kErased);
}

TEST_F(SealerTest, ARecordAboutSeveralPeopleNeedsEveryKey) {
  cti::v1::Event event = Envelope("trace-1");
  cti::v1::CallRouteDecided* d = event.mutable_call()->mutable_route_decided();
  event.mutable_call()->set_call_id("c1");
  d->mutable_target()->set_employee_id("e1");
  d->mutable_answer()->add_steps()->set_employee_id("e1");
  d->mutable_answer()->add_steps()->set_employee_id("e2");
  d->mutable_answer()->add_steps()->set_employee_id("e1");
  d->mutable_answer()->mutable_steps(1)->set_why("Anna Holm is sick: forwarded to Bo Lund");
  const cti::v1::Event original = event;
  ASSERT_TRUE(Seal(*vault_, &event).ok());
  ASSERT_EQ(event.personal().shares_size(), 2);
  EXPECT_EQ(event.personal().shares(0).subject(), "employee:e1");
  EXPECT_EQ(event.personal().shares(1).subject(), "employee:e2");
  EXPECT_FALSE(event.call().route_decided().has_answer());
  cti::v1::Event copy = event;
  EXPECT_EQ(*Open(*vault_, &copy), OpenResult::kOpened);
  EXPECT_TRUE(MessageDifferencer::Equals(copy, original));
  ASSERT_TRUE(vault_->Erase("aarhus", "employee:e2").ok());
  EXPECT_EQ(*Open(*vault_, &event), OpenResult::kErased);
}

TEST_F(SealerTest, ADamagedRecordIsDataLossNotErased) {
  cti::v1::Event event = Hired();
  ASSERT_TRUE(Seal(*vault_, &event).ok());
  std::string ciphertext = event.personal().ciphertext();
  ciphertext[3] ^= 1;
  event.mutable_personal()->set_ciphertext(ciphertext);
  absl::StatusOr<OpenResult> opened = Open(*vault_, &event);
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss) << opened.status();
  // A share moved to another event does not open there either (authenticated data).
  cti::v1::Event other = Hired();
  ASSERT_TRUE(Seal(*vault_, &other).ok());
  other.set_event_id("hire-9");
  EXPECT_EQ(Open(*vault_, &other).status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(SealerTest, CallersAreKnownByTheirNumberInAnyFormButNotAcrossTenants) {
  EXPECT_EQ(CanonicalNumber("+4512345678"), "12345678");
  EXPECT_EQ(CanonicalNumber("004512345678"), "12345678");
  EXPECT_EQ(CanonicalNumber("12345678"), "12345678");
  EXPECT_EQ(CanonicalNumber("+46701234567"), "0046701234567");
  const std::string a = *CallerSubject(*vault_, "aarhus", "+4512345678");
  EXPECT_EQ(a, *CallerSubject(*vault_, "aarhus", "12345678"));
  EXPECT_NE(a, *CallerSubject(*vault_, "aarhus", "12345679"));
  EXPECT_NE(a, *CallerSubject(*vault_, "odense", "12345678"));
  EXPECT_TRUE(projections::IsCallerSubject(a)) << a;
  EXPECT_EQ(a.find("12345678"), std::string::npos);
}

TEST_F(SealerTest, AMessageWithoutANumberIsSealedForTheMessage) {
  cti::v1::Event event = Message("");
  ASSERT_TRUE(Seal(*vault_, &event).ok());
  ASSERT_EQ(event.personal().shares_size(), 1);
  EXPECT_EQ(event.personal().shares(0).subject(), "message:m1");
}

TEST_F(SealerTest, RecordsWithoutPersonalDataAreLeftAlone) {
  cti::v1::Event withheld = Envelope("call-1");
  withheld.mutable_call()->set_call_id("c1");
  withheld.mutable_call()->mutable_offered()->set_dialled_number("+4589401000");
  cti::v1::Event moved = Envelope("move-1");
  moved.mutable_staff()->mutable_employee_moved()->set_employee_id("e1");
  moved.mutable_staff()->mutable_employee_moved()->set_to_unit_id("u2");
  for (const cti::v1::Event& original : {withheld, moved}) {
    cti::v1::Event event = original;
    ASSERT_TRUE(Seal(*vault_, &event).ok());
    EXPECT_TRUE(MessageDifferencer::Equals(event, original));
    EXPECT_EQ(*Open(*vault_, &event), OpenResult::kNotSealed);
  }
}

TEST_F(SealerTest, AnErasureByNumberNamesTheCallersSubjectOnly) {
  cti::v1::Event event = Envelope("erase-1");
  cti::v1::PersonalDataErased* erased = event.mutable_privacy()->mutable_personal_data_erased();
  erased->set_caller_number("+4512345678");
  erased->set_reason("Anmodning 2026-117");
  ASSERT_TRUE(PseudonymizeErasure(*vault_, &event).ok());
  EXPECT_EQ(event.privacy().personal_data_erased().caller_subject(),
            *CallerSubject(*vault_, "aarhus", "12345678"));
  EXPECT_EQ(event.SerializeAsString().find("12345678"), std::string::npos);
  EXPECT_EQ(ErasedSubjectOf(event), event.privacy().personal_data_erased().caller_subject());
}

TEST(PersonalDataTest, ErasedRecordsReadAsDeleted) {
  cti::v1::Event event = Hired();
  projections::FillErasedPersonalData(&event);
  const cti::v1::Employee& e = event.staff().employee_hired().employee();
  EXPECT_EQ(e.full_name(), projections::kErasedText);
  EXPECT_TRUE(e.direct_number().empty());
  EXPECT_TRUE(e.mobile_number().empty());
  EXPECT_TRUE(e.email().empty());
  EXPECT_EQ(e.extension(), "4711");
  cti::v1::Event message = Message("+4512345678");
  projections::FillErasedPersonalData(&message);
  EXPECT_EQ(message.call().message_taken().text(), projections::kErasedText);
  EXPECT_EQ(message.call().message_taken().caller_name(), projections::kErasedText);
  EXPECT_TRUE(message.call().message_taken().callback_number().empty());
}

}  // namespace
}  // namespace cti::server::privacy
