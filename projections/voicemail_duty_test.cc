// Voicemail duty (TP-3.14): mailboxes with voicemail not listened to, flagged once a day
// went by; a voicemail listened to leaves the list; greetings recorded as text and
// checked to start with the unit's normal hours, both ways; refusals naming the field.
#include "projections/voicemail_duty.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/hours/time_zone.h"
#include "projections/testing/test_util.h"

namespace cti::projections {
namespace {

using ::testing::HasSubstr;
using testing::kTenant;
using testing::Listened;

absl::TimeZone Zone() { return *cti::hours::CopenhagenTimeZone(); }

absl::Time Local(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0), Zone());
}

using testing::At;

constexpr auto& Employee = testing::EmployeeTarget;
constexpr auto& Unit = testing::UnitTarget;

cti::v1::Event Left(const std::string& id, cti::v1::CallTarget mailbox, absl::Time t) {
  cti::v1::Event e;
  auto* v = e.mutable_call()->mutable_voicemail_left();
  v->set_voicemail_id(id);
  *v->mutable_mailbox() = std::move(mailbox);
  v->set_duration_seconds(30);
  return At(e, t);
}

cti::v1::Event Greeting(cti::v1::CallTarget mailbox, const std::string& text) {
  cti::v1::Event e;
  auto* g = e.mutable_call()->mutable_voicemail_greeting_set();
  *g->mutable_mailbox() = std::move(mailbox);
  g->set_text(text);
  return At(e, Local(2025, 11, 28, 9, 0));
}

class VoicemailDutyTest : public testing::ProjectionTest {
 protected:
  void SetUp() override {
    ProjectionTest::SetUp();
    DefineOrganisation();
    ApplyAll({testing::Hire("e3", "Carl Dahl", "skat", "4713", {})});
  }

  absl::StatusOr<cti::v1::GetVoicemailDutyResponse> TryGet(absl::Time at,
                                                           const std::string& unit = "") {
    cti::v1::GetVoicemailDutyRequest request;
    request.set_tenant(kTenant);
    request.set_unit_id(unit);
    return VoicemailDuty(store_.get(), Zone()).Get(request, at);
  }

  cti::v1::GetVoicemailDutyResponse Get(absl::Time at, const std::string& unit = "") {
    absl::StatusOr<cti::v1::GetVoicemailDutyResponse> duty = TryGet(at, unit);
    EXPECT_TRUE(duty.ok()) << duty.status();
    return duty.ok() ? *duty : cti::v1::GetVoicemailDutyResponse();
  }
};

TEST_F(VoicemailDutyTest, TP_3_14_AVoicemailNotListenedToTheSameDayIsFlagged) {
  ApplyAll({Left("v1", Employee("e1"), Local(2025, 12, 1, 15, 0)),
            Left("v2", Employee("e1"), Local(2025, 12, 1, 17, 0)),
            Left("v3", Unit("skat"), Local(2025, 12, 2, 9, 0))});
  // Monday 18:00: both of Anna's are from today: listed, not flagged.
  cti::v1::GetVoicemailDutyResponse duty = Get(Local(2025, 12, 1, 18, 0));
  ASSERT_EQ(duty.units_size(), 1);
  EXPECT_EQ(duty.units(0).unit_id(), "borgerservice");
  EXPECT_EQ(duty.units(0).unit_name(), "Borgerservice");
  ASSERT_EQ(duty.units(0).mailboxes_size(), 1);
  EXPECT_EQ(duty.units(0).mailboxes(0).mailbox().employee_id(), "e1");
  EXPECT_EQ(duty.units(0).mailboxes(0).unlistened(), 2u);
  EXPECT_EQ(duty.units(0).mailboxes(0).oldest_left_at().seconds(),
            absl::ToUnixSeconds(Local(2025, 12, 1, 15, 0)));
  EXPECT_FALSE(duty.units(0).mailboxes(0).overdue());
  EXPECT_FALSE(duty.units(0).flagged());
  EXPECT_EQ(duty.flagged_units(), 0u);
  // Tuesday 10:00: not listened to on Monday: flagged. Skat's from today is not.
  duty = Get(Local(2025, 12, 2, 10, 0));
  ASSERT_EQ(duty.units_size(), 2);
  EXPECT_TRUE(duty.units(0).mailboxes(0).overdue());
  EXPECT_TRUE(duty.units(0).flagged());
  EXPECT_EQ(duty.units(1).unit_id(), "skat");
  EXPECT_FALSE(duty.units(1).flagged());
  EXPECT_EQ(duty.flagged_units(), 1u);
  // One unit only.
  duty = Get(Local(2025, 12, 2, 10, 0), "skat");
  ASSERT_EQ(duty.units_size(), 1);
  EXPECT_EQ(duty.units(0).mailboxes(0).mailbox().unit_id(), "skat");
}

TEST_F(VoicemailDutyTest, TP_3_14_AVoicemailListenedToLeavesTheList) {
  ApplyAll({Left("v1", Employee("e1"), Local(2025, 12, 1, 15, 0)),
            Left("v2", Employee("e2"), Local(2025, 12, 1, 15, 30)),
            Listened("v1", Local(2025, 12, 1, 15, 45))});
  cti::v1::GetVoicemailDutyResponse duty = Get(Local(2025, 12, 2, 10, 0));
  ASSERT_EQ(duty.units_size(), 1);
  ASSERT_EQ(duty.units(0).mailboxes_size(), 1);
  EXPECT_EQ(duty.units(0).mailboxes(0).mailbox().employee_id(), "e2");
  ApplyAll({Listened("v2", Local(2025, 12, 2, 10, 1))});
  EXPECT_EQ(Get(Local(2025, 12, 2, 11, 0)).units_size(), 0);
  // The unit asked for is answered even with nothing to report.
  duty = Get(Local(2025, 12, 2, 11, 0), "borgerservice");
  ASSERT_EQ(duty.units_size(), 1);
  EXPECT_EQ(duty.units(0).mailboxes_size(), 0);
  EXPECT_EQ(duty.units(0).greeting().check(), cti::v1::GREETING_CHECK_NOT_RECORDED);
  EXPECT_FALSE(duty.units(0).flagged());
  EXPECT_THAT(Rejection(Listened("v2", Local(2025, 12, 2, 10, 2))),
              HasSubstr("already listened to"));
  // A voicemail left after the instant asked about is not counted.
  ApplyAll({Left("v3", Employee("e1"), Local(2025, 12, 3, 9, 0))});
  EXPECT_EQ(Get(Local(2025, 12, 2, 11, 0)).units_size(), 0);
}

TEST_F(VoicemailDutyTest, TP_3_14_AGreetingThatStartsWithTheNormalHoursPasses) {
  ApplyAll({Greeting(Unit("borgerservice"),
                     "Telefontid: man–ons 8–16, tors 8–17, fre 8–14. Du har ringet til "
                     "Borgerservice; læg en besked, så ringer vi tilbage i dag."),
            Greeting(Employee("e1"), "Man-ons 8-16,  tors 8-17, fre 8-14. Anna Holm her.")});
  const cti::v1::GetVoicemailDutyResponse duty = Get(Local(2025, 12, 1, 10, 0));
  ASSERT_EQ(duty.units_size(), 1);
  const cti::v1::UnitVoicemailDuty& unit = duty.units(0);
  EXPECT_EQ(unit.greeting().check(), cti::v1::GREETING_CHECK_STARTS_WITH_HOURS);
  EXPECT_EQ(unit.greeting().normal_hours(), "man–ons 8–16, tors 8–17, fre 8–14");
  ASSERT_EQ(unit.employee_greetings_size(), 1);
  EXPECT_EQ(unit.employee_greetings(0).check(), cti::v1::GREETING_CHECK_STARTS_WITH_HOURS);
  EXPECT_FALSE(unit.flagged());
}

TEST_F(VoicemailDutyTest, TP_3_14_AGreetingWithoutTheNormalHoursIsFlagged) {
  ApplyAll({Greeting(Unit("borgerservice"), "Du har ringet til Borgerservice. Læg en besked."),
            Greeting(Employee("e3"), "man–fre 8–16. Carl Dahl, Skat.")});
  cti::v1::GetVoicemailDutyResponse duty = Get(Local(2025, 12, 1, 10, 0));
  ASSERT_EQ(duty.units_size(), 2);
  EXPECT_EQ(duty.units(0).greeting().check(), cti::v1::GREETING_CHECK_MISSING_HOURS);
  EXPECT_TRUE(duty.units(0).flagged());
  // Carl's greeting states hours Skat does not have (it has the municipality's).
  EXPECT_EQ(duty.units(1).employee_greetings(0).check(), cti::v1::GREETING_CHECK_MISSING_HOURS);
  EXPECT_TRUE(duty.units(1).flagged());
  EXPECT_EQ(duty.flagged_units(), 2u);
  // Skat gets its own hours: the greeting is checked against them now.
  cti::v1::Event hours;
  auto* set = hours.mutable_staff()->mutable_hours_set();
  set->set_unit_id("skat");
  set->set_kind(cti::v1::HOURS_KIND_PHONE);
  for (auto day : {cti::v1::WEEKDAY_MONDAY, cti::v1::WEEKDAY_TUESDAY, cti::v1::WEEKDAY_WEDNESDAY,
                   cti::v1::WEEKDAY_THURSDAY, cti::v1::WEEKDAY_FRIDAY}) {
    cti::v1::OpenInterval* i = set->mutable_hours()->add_intervals();
    i->set_day(day);
    i->set_open_minute(8 * 60);
    i->set_close_minute(16 * 60);
  }
  ApplyAll({hours});
  duty = Get(Local(2025, 12, 1, 10, 0), "skat");
  EXPECT_EQ(duty.units(0).employee_greetings(0).check(), cti::v1::GREETING_CHECK_STARTS_WITH_HOURS);
  EXPECT_EQ(duty.units(0).employee_greetings(0).normal_hours(), "man–fre 8–16");
}

TEST(GreetingCheckTest, TP_3_14_TheNormalFormOfAGreeting) {
  const std::string hours = "man–ons 8–16, tors 8–17, fre 8–14";
  EXPECT_TRUE(GreetingStartsWithHours(hours, hours));
  EXPECT_TRUE(
      GreetingStartsWithHours("  TELEFONTIDEN ER man - ons 8-16, tors 8-17, fre 8-14.", hours));
  EXPECT_FALSE(GreetingStartsWithHours("Velkommen. man–ons 8–16, tors 8–17, fre 8–14", hours));
  EXPECT_FALSE(GreetingStartsWithHours("man–ons 8–16, tors 8–17, fre 8–14.30", hours));
  EXPECT_FALSE(GreetingStartsWithHours("man–ons 8–16, tors 8–17", hours));
  EXPECT_FALSE(GreetingStartsWithHours("", hours));
  EXPECT_FALSE(GreetingStartsWithHours("anything", ""));
}

TEST_F(VoicemailDutyTest, TP_3_14_BadGreetingsAndQueriesAreRefusedNamingTheField) {
  EXPECT_THAT(Rejection(Greeting(Unit("borgerservice"), "")),
              HasSubstr("call.voicemail_greeting_set.text"));
  EXPECT_THAT(Rejection(Greeting(Unit("borgerservice"), std::string(1001, 'a'))),
              HasSubstr("call.voicemail_greeting_set.text"));
  EXPECT_THAT(Rejection(Greeting(Unit("borgerservice"), "Ring om 010190-1234 i morgen")),
              HasSubstr("TP-4.2"));
  cti::v1::CallTarget number;
  number.set_number("+4512345678");
  EXPECT_THAT(Rejection(Greeting(number, "man–ons 8–16")),
              HasSubstr("call.voicemail_greeting_set.mailbox"));
  EXPECT_THAT(Rejection(Greeting(Employee("nobody"), "man–ons 8–16")),
              HasSubstr("employee_id 'nobody' not found"));
  EXPECT_THAT(Rejection(Left("v1", Employee("nobody"), Local(2025, 12, 1, 9, 0))),
              HasSubstr("nobody"));
  EXPECT_THAT(Rejection(Listened("v404", Local(2025, 12, 1, 9, 0))),
              HasSubstr("voicemail_id 'v404' not found"));

  EXPECT_EQ(TryGet(Local(2025, 12, 1, 9, 0), "nowhere").status().code(),
            absl::StatusCode::kNotFound);
  cti::v1::GetVoicemailDutyRequest bad_at;
  bad_at.set_tenant(kTenant);
  bad_at.mutable_at()->set_seconds(-5);
  EXPECT_THAT(VoicemailDuty(store_.get(), Zone()).Get(bad_at, absl::UnixEpoch()).status().message(),
              HasSubstr("at"));
  cti::v1::GetVoicemailDutyRequest no_tenant;
  EXPECT_THAT(
      VoicemailDuty(store_.get(), Zone()).Get(no_tenant, absl::UnixEpoch()).status().message(),
      HasSubstr("tenant"));
}

}  // namespace
}  // namespace cti::projections
