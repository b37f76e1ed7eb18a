// The e-mail outbox of messages reception took (TP-6.2): MessageTaken puts a message in
// it, MessageDelivered / MessageDeliveryFailed take it out (once), and the Outbox query
// resolves where each mail goes.
#include "projections/outbox.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "projections/testing/test_util.h"

namespace cti::projections {
namespace {

class OutboxTest : public testing::ProjectionTest {
 protected:
  void SetUp() override {
    ProjectionTest::SetUp();
    DefineOrganisation();
    cti::v1::Event anna = testing::Hire("e3", "Åse Ærø", "skat", "4713");
    anna.mutable_staff()->mutable_employee_hired()->mutable_employee()->set_email(
        "ase.aero@sydby.dk");
    ApplyAll({anna});
  }
  static cti::v1::Event Message(const std::string& id, const std::string& employee,
                                const std::string& unit = "") {
    cti::v1::Event e;
    auto* m = e.mutable_call()->mutable_message_taken();
    m->set_message_id(id);
    if (!employee.empty()) m->mutable_for_target()->set_employee_id(employee);
    if (!unit.empty()) m->mutable_for_target()->set_unit_id(unit);
    m->set_caller_name("Søren Kierkegaard");
    m->set_callback_number("+4520123456");
    m->set_callback_wanted(true);
    m->set_text("Ring venligst om boligstøtte før kl. 14");
    return e;
  }
  static cti::v1::Event Delivered(const std::string& id, const std::string& address = "a@b.dk",
                                  uint32_t attempts = 1) {
    cti::v1::Event e;
    auto* d = e.mutable_call()->mutable_message_delivered();
    d->set_message_id(id);
    d->set_address(address);
    d->set_smtp_reply("250 OK queued as X");
    d->set_attempts(attempts);
    return e;
  }
  static cti::v1::Event Failed(const std::string& id, const std::string& reason = "550 no") {
    cti::v1::Event e;
    auto* f = e.mutable_call()->mutable_message_delivery_failed();
    f->set_message_id(id);
    f->set_reason(reason);
    f->set_attempts(8);
    return e;
  }
  cti::v1::Event SetUnitEmail(const std::string& unit, const std::string& name,
                              const std::string& email) {
    cti::v1::Event e = testing::Department(unit, name, "adm");
    e.mutable_staff()->mutable_unit_defined()->mutable_unit()->set_email(email);
    return e;
  }
  std::vector<std::string> PendingIds() {
    absl::StatusOr<std::vector<OutboxMessage>> pending = Outbox(store_.get()).Pending(kTenant);
    EXPECT_TRUE(pending.ok()) << pending.status();
    std::vector<std::string> ids;
    if (pending.ok()) {
      for (const OutboxMessage& m : *pending) ids.push_back(m.message_id);
    }
    return ids;
  }
  static constexpr const char* kTenant = testing::kTenant;
};

TEST_F(OutboxTest, TP_6_2_ATakenMessageWaitsInTheOutboxWithEverythingToSendIt) {
  ApplyAll({Message("m1", "e3")});
  absl::StatusOr<std::vector<OutboxMessage>> pending = Outbox(store_.get()).Pending(kTenant);
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_EQ(pending->size(), 1u);
  const OutboxMessage& m = (*pending)[0];
  EXPECT_EQ(m.tenant, kTenant);
  EXPECT_EQ(m.message_id, "m1");
  EXPECT_EQ(m.address, "ase.aero@sydby.dk");
  EXPECT_EQ(m.recipient_name, "Åse Ærø");
  EXPECT_EQ(m.caller_name, "Søren Kierkegaard");
  EXPECT_EQ(m.callback_number, "+4520123456");
  EXPECT_EQ(m.text, "Ring venligst om boligstøtte før kl. 14");
  EXPECT_TRUE(m.callback_wanted);
  EXPECT_EQ(m.state, MessageState::kPending);
  EXPECT_GT(m.position, 0u);
  EXPECT_EQ(m.taken_at, absl::FromUnixSeconds(testing::kT0 + static_cast<int64_t>(m.position)));
  absl::StatusOr<std::vector<std::string>> tenants = Outbox(store_.get()).TenantsWithPending();
  ASSERT_TRUE(tenants.ok()) << tenants.status();
  EXPECT_EQ(*tenants, std::vector<std::string>{kTenant});
}

TEST_F(OutboxTest, TP_6_2_TheUnitsAddressWhenTheEmployeeHasNoneOrForAUnit) {
  ApplyAll({SetUnitEmail("borgerservice", "Borgerservice", "borgerservice@sydby.dk"),
            Message("m1", "e1"), Message("m2", "", "borgerservice")});
  absl::StatusOr<std::vector<OutboxMessage>> pending = Outbox(store_.get()).Pending(kTenant);
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_EQ(pending->size(), 2u);
  for (const OutboxMessage& m : *pending) {
    EXPECT_EQ(m.address, "borgerservice@sydby.dk") << m.message_id;
    EXPECT_EQ(m.recipient_name, "Borgerservice") << m.message_id;
  }
}

TEST_F(OutboxTest, TP_6_2_NoAddressSaysWhoHasNone) {
  ApplyAll({Message("m1", "e1")});
  absl::StatusOr<OutboxMessage> m = Outbox(store_.get()).Get(kTenant, "m1");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->address, "");
  EXPECT_EQ(m->no_address_reason,
            "no e-mail address: employee 'e1' has none and unit 'borgerservice' has none");
}

TEST_F(OutboxTest, TP_6_2_DeliveryTakesTheMessageOutOfTheOutboxOnce) {
  ApplyAll({Message("m1", "e3"), Message("m2", "e3"), Message("m3", "e3")});
  EXPECT_EQ(PendingIds(), (std::vector<std::string>{"m1", "m2", "m3"}));
  ApplyAll({Delivered("m2", "ase.aero@sydby.dk", 3), Failed("m3")});
  EXPECT_EQ(PendingIds(), (std::vector<std::string>{"m1"}));

  absl::StatusOr<OutboxMessage> delivered = Outbox(store_.get()).Get(kTenant, "m2");
  ASSERT_TRUE(delivered.ok()) << delivered.status();
  EXPECT_EQ(delivered->state, MessageState::kDelivered);
  EXPECT_EQ(delivered->delivery_address, "ase.aero@sydby.dk");
  EXPECT_EQ(delivered->delivery_detail, "250 OK queued as X");
  EXPECT_EQ(delivered->delivery_attempts, 3u);
  absl::StatusOr<OutboxMessage> failed = Outbox(store_.get()).Get(kTenant, "m3");
  ASSERT_TRUE(failed.ok()) << failed.status();
  EXPECT_EQ(failed->state, MessageState::kFailed);
  EXPECT_EQ(failed->delivery_detail, "550 no");

  const uint64_t delivered_at = delivered->delivery_position;
  EXPECT_EQ(Rejection(Delivered("m2")),
            absl::StrCat("message_id 'm2' was already delivered (at position ", delivered_at, ")"));
  EXPECT_EQ(Rejection(Failed("m2")),
            absl::StrCat("message_id 'm2' was already delivered (at position ", delivered_at, ")"));
  EXPECT_EQ(Rejection(Delivered("m3")),
            absl::StrCat("message_id 'm3' was already finally failed (at position ",
                         failed->delivery_position, ")"));
  ApplyAll({Delivered("m1")});
  EXPECT_TRUE(PendingIds().empty());
  absl::StatusOr<std::vector<std::string>> tenants = Outbox(store_.get()).TenantsWithPending();
  ASSERT_TRUE(tenants.ok());
  EXPECT_TRUE(tenants->empty());
}

TEST_F(OutboxTest, TP_6_2_DeliveryEventsAreRefusedNamingTheField) {
  EXPECT_EQ(Rejection(Delivered("m9")), "message_id 'm9' not found");
  EXPECT_EQ(Rejection(Failed("m9")), "message_id 'm9' not found");
  ApplyAll({Message("m1", "e3")});
  EXPECT_EQ(Rejection(Delivered("")), "call.message_delivered.message_id: must not be empty");
  EXPECT_EQ(Rejection(Delivered("m1", "")), "call.message_delivered.address: must not be empty");
  EXPECT_EQ(Rejection(Delivered("m1", "nobody")),
            "call.message_delivered.address: must contain exactly one '@'");
  EXPECT_EQ(Rejection(Delivered("m1", "a@b.dk", 0)),
            "call.message_delivered.attempts: must be at least 1");
  EXPECT_EQ(Rejection(Failed("m1", "")), "call.message_delivery_failed.reason: must not be empty");
  // A failure without an address (nobody has one) is accepted.
  ApplyAll({Failed("m1", "no e-mail address")});
  EXPECT_TRUE(PendingIds().empty());
}

TEST_F(OutboxTest, TenantsWithPendingSkipsTenantsWithout) {
  // Tenant prefixes order by length, then name: "aarhus", "odense", then "ab" (2) first.
  auto in = [](cti::v1::Event e, const std::string& tenant) {
    e.set_tenant(tenant);
    return e;
  };
  cti::v1::Event for_number = Message("m1", "");
  for_number.mutable_call()->mutable_message_taken()->mutable_for_target()->set_number("4711");
  ApplyAll({Message("m1", "e3"), in(for_number, "odense"), in(testing::Offered("c1"), "ab"),
            in(testing::Offered("c1"), "vejle"), in(for_number, "zz")});
  ApplyAll({in(Failed("m1"), "zz")});
  absl::StatusOr<std::vector<std::string>> tenants = Outbox(store_.get()).TenantsWithPending();
  ASSERT_TRUE(tenants.ok()) << tenants.status();
  EXPECT_EQ(*tenants, (std::vector<std::string>{kTenant, "odense"}));
  absl::StatusOr<std::vector<OutboxMessage>> odense = Outbox(store_.get()).Pending("odense");
  ASSERT_TRUE(odense.ok());
  ASSERT_EQ(odense->size(), 1u);
  EXPECT_EQ((*odense)[0].no_address_reason,
            "no e-mail address: the message is for a number, not a person");
  EXPECT_EQ(Outbox(store_.get()).Pending("").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cti::projections
