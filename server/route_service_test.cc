// RouteService end to end over gRPC (proto/cti/v1/route_service.proto is the contract):
// a small organisation appended through the real Append, then Route and Check asked
// through the real stubs of an in-process ctid (ServerFixture, simulated clock).
//
// The organisation (tenant kTenant; 2024-03-01 is a Friday, Copenhagen is UTC+1):
//   borger (administration)
//     ydelse (department, +4589401000, follows the municipality's phone hours, TP-3.8)
//       anna 4711 (sick 1-5 March, forwarded to bo), bo 4712, carl 4713 (unlisted)
//       hunt group ydelse-hunt: anna, bo, carl; the unit's default group
//       kontanthjælp cases (rules v3): born on day 1-15 bo, 16-31 carl
//     sundhedspleje (department, own phone hours Mon-Fri 08-09, TP-3.4)
//       dorte 4720
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <future>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "cti/v1/route_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/status_mapping.h"
#include "server/testing/server_fixture.h"

namespace cti::server::testing {
namespace {

using ::testing::AnyOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// Instants (UTC) of the simulated week.
absl::Time Utc(int year, int month, int day, int hour, int minute) {
  return absl::FromCivil(absl::CivilMinute(year, month, day, hour, minute), absl::UTCTimeZone());
}
// Friday 1 March 2024, 10:00 local: open, anna sick.
const absl::Time kFridayMorning = Utc(2024, 3, 1, 9, 0);
// Friday 14:00 local: phone hours end (TP-3.8: Fri 08:00-14:00).
const absl::Time kFriday1400 = Utc(2024, 3, 1, 13, 0);
// Monday 4 March 08:00 local.
const absl::Time kMonday0800 = Utc(2024, 3, 4, 7, 0);
// When anna's sickness (and forwarding) ends: Tuesday 5 March 17:00 local.
const absl::Time kSickUntil = Utc(2024, 3, 5, 16, 0);

cti::v1::Event Staff(cti::v1::StaffEvent staff) {
  cti::v1::Event event;
  event.set_tenant(kTenant);
  event.mutable_occurred_at()->set_seconds(kStartSeconds);
  *event.mutable_staff() = std::move(staff);
  return event;
}

cti::v1::Event Calendar(cti::v1::CalendarEvent calendar) {
  cti::v1::Event event;
  event.set_tenant(kTenant);
  event.mutable_occurred_at()->set_seconds(kStartSeconds);
  *event.mutable_calendar() = std::move(calendar);
  return event;
}

cti::v1::Event Department(const std::string& id, const std::string& name,
                          const std::string& phone) {
  cti::v1::StaffEvent staff;
  cti::v1::Unit* unit = staff.mutable_unit_defined()->mutable_unit();
  unit->set_unit_id(id);
  unit->set_kind(cti::v1::UNIT_KIND_DEPARTMENT);
  unit->set_name(name);
  unit->set_parent_unit_id("borger");
  unit->set_phone_number(phone);
  return Staff(std::move(staff));
}

cti::v1::Event Employee(const std::string& id, const std::string& name, const std::string& unit,
                        const std::string& extension, const std::string& direct,
                        bool unlisted = false) {
  cti::v1::Event event = Hire(id, name, unit);
  cti::v1::Employee* e = event.mutable_staff()->mutable_employee_hired()->mutable_employee();
  e->set_extension(extension);
  e->set_direct_number(direct);
  e->set_unlisted(unlisted);
  return event;
}

cti::v1::Event WeekdayPhoneHours(const std::string& unit_id, int open_minute, int close_minute) {
  cti::v1::StaffEvent staff;
  cti::v1::HoursSet* set = staff.mutable_hours_set();
  set->set_unit_id(unit_id);
  set->set_kind(cti::v1::HOURS_KIND_PHONE);
  for (int day = cti::v1::WEEKDAY_MONDAY; day <= cti::v1::WEEKDAY_FRIDAY; ++day) {
    cti::v1::OpenInterval* interval = set->mutable_hours()->add_intervals();
    interval->set_day(static_cast<cti::v1::Weekday>(day));
    interval->set_open_minute(open_minute);
    interval->set_close_minute(close_minute);
  }
  return Staff(std::move(staff));
}

cti::v1::Event Group(const std::string& id, const std::string& unit_id,
                     cti::v1::GroupStrategy strategy, const std::vector<std::string>& members) {
  cti::v1::StaffEvent staff;
  cti::v1::Group* group = staff.mutable_group_defined()->mutable_group();
  group->set_group_id(id);
  group->set_name("Ydelse, telefonvagt");
  group->set_unit_id(unit_id);
  group->set_strategy(strategy);
  group->set_ring_seconds(15);
  for (const std::string& member : members) group->add_members()->set_employee_id(member);
  return Staff(std::move(staff));
}

cti::v1::Event DefaultGroup(const std::string& unit_id, const std::string& group_id) {
  cti::v1::StaffEvent staff;
  staff.mutable_unit_routing_set()->set_unit_id(unit_id);
  staff.mutable_unit_routing_set()->set_default_group_id(group_id);
  return Staff(std::move(staff));
}

cti::v1::Event Sick(const std::string& employee_id, const std::string& entry_id, absl::Time start,
                    absl::Time end) {
  cti::v1::CalendarEvent calendar;
  cti::v1::CalendarEntryUpserted* entry = calendar.mutable_entry_upserted();
  entry->set_employee_id(employee_id);
  entry->set_entry_id(entry_id);
  entry->set_kind(cti::v1::ABSENCE_KIND_SICK);
  entry->set_show_as(cti::v1::SHOW_AS_BUSY);
  *entry->mutable_start() = ToProtoTimestamp(start);
  *entry->mutable_end() = ToProtoTimestamp(end);
  entry->set_subject("Syg");
  return Calendar(std::move(calendar));
}

cti::v1::Event ForwardTo(const std::string& employee_id, const std::string& forwarding_id,
                         const std::string& colleague, absl::Time from, absl::Time until) {
  cti::v1::CalendarEvent calendar;
  cti::v1::ForwardingSet* forwarding = calendar.mutable_forwarding_set();
  forwarding->set_employee_id(employee_id);
  forwarding->set_forwarding_id(forwarding_id);
  forwarding->set_condition(cti::v1::FORWARDING_CONDITION_UNCONDITIONAL);
  forwarding->mutable_destination()->set_employee_id(colleague);
  *forwarding->mutable_valid_from() = ToProtoTimestamp(from);
  *forwarding->mutable_valid_until() = ToProtoTimestamp(until);
  forwarding->set_reason("syg");
  return Calendar(std::move(calendar));
}

// kontanthjælp in ydelse, by day of birth: 1-15 bo, 16-31 carl (TP-5.1).
cti::v1::Event CaseRules() {
  cti::v1::StaffEvent staff;
  cti::v1::DistributionRulesSet* set = staff.mutable_distribution_rules_set();
  set->set_unit_id("ydelse");
  set->set_task("kontanthjælp");
  set->set_version(3);
  cti::v1::DistributionRule* early = set->add_rules();
  early->mutable_cpr_day()->set_first_day(1);
  early->mutable_cpr_day()->set_last_day(15);
  early->add_employee_ids("bo");
  cti::v1::DistributionRule* late = set->add_rules();
  late->mutable_cpr_day()->set_first_day(16);
  late->mutable_cpr_day()->set_last_day(31);
  late->add_employee_ids("carl");
  return Staff(std::move(staff));
}

cti::v1::Event Left(const std::string& employee_id) {
  cti::v1::StaffEvent staff;
  staff.mutable_employee_left()->set_employee_id(employee_id);
  return Staff(std::move(staff));
}

absl::Time FromProto(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

std::vector<std::string> RulesOf(const cti::v1::RouteResponse& response) {
  std::vector<std::string> rules;
  for (const cti::v1::RouteReason& reason : response.reasons()) rules.push_back(reason.rule());
  return rules;
}

// Steps and reasons in one line each, for failure messages.
std::string Describe(const cti::v1::RouteResponse& response) {
  std::string out = "resolved: " + response.resolved_target() + "\n";
  for (const cti::v1::RouteStep& step : response.steps()) {
    out += "step " + cti::v1::StepKind_Name(step.kind()) + " " + step.employee_id() + "/" +
           step.unit_id() + "/" + step.group_id() + " [" + absl::StrJoin(step.rules(), ",") + "] " +
           step.why() + "\n";
  }
  for (const cti::v1::RouteReason& reason : response.reasons()) {
    out += "reason " + reason.rule() + ": " + reason.text();
    for (const cti::v1::DecidingRecord& record : reason.records()) {
      out += " {" + record.kind() + " " + record.id() + " of " + record.owner_id() + "}";
    }
    out += "\n";
  }
  return out;
}

// TP-6.2, TP-3.6: every answer ends with reception taking a message.
void ExpectEndsWithReception(const cti::v1::RouteResponse& response) {
  ASSERT_FALSE(response.steps().empty());
  const cti::v1::RouteStep& last = response.steps(response.steps_size() - 1);
  EXPECT_EQ(last.kind(), cti::v1::STEP_KIND_RECEPTION_MESSAGE) << Describe(response);
  EXPECT_EQ(last.ring_seconds(), 0u);
  EXPECT_EQ(last.number(), "");
  for (int i = 0; i + 1 < response.steps_size(); ++i) {
    EXPECT_NE(response.steps(i).kind(), cti::v1::STEP_KIND_RECEPTION_MESSAGE)
        << "reception is only the last step\n"
        << Describe(response);
  }
}

class RouteServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    route_ = cti::v1::RouteService::NewStub(fixture_.channel());
    const std::vector<cti::v1::Event> organisation = {
        Administration("borger", "Borgerservice og Ydelse"),
        Department("ydelse", "Ydelse", "+4589401000"),
        Department("sundhedspleje", "Sundhedsplejen", "+4589402000"),
        Employee("anna", "Anna Holm", "ydelse", "4711", "+4589401011"),
        Employee("bo", "Bo Lund", "ydelse", "4712", "+4589401012"),
        Employee("carl", "Carl Nielsen", "ydelse", "4713", "+4589401013", /*unlisted=*/true),
        Employee("dorte", "Dorte Friis", "sundhedspleje", "4720", "+4589402020"),
        WeekdayPhoneHours("sundhedspleje", 8 * 60, 9 * 60),
        Group("ydelse-hunt", "ydelse", cti::v1::GROUP_STRATEGY_HUNT_LINEAR, {"anna", "bo", "carl"}),
        DefaultGroup("ydelse", "ydelse-hunt"),
        Sick("anna", "sick-1", Utc(2024, 3, 1, 7, 0), kSickUntil),
        ForwardTo("anna", "fw-1", "bo", Utc(2024, 3, 1, 7, 0), kSickUntil),
        CaseRules(),
    };
    for (const cti::v1::Event& event : organisation) last_position_ = AppendOk(event);
  }

  uint64_t AppendOk(const cti::v1::Event& event) {
    cti::v1::AppendResponse appended;
    grpc::Status status = fixture_.Append(event, &appended);
    EXPECT_TRUE(IsOk(status)) << event.ShortDebugString();
    return appended.position();
  }

  // Route for kTenant at `at`, reading at least the organisation.
  grpc::Status Route(const cti::v1::RouteTarget& target, absl::Time at,
                     cti::v1::RouteResponse* response) {
    cti::v1::RouteRequest request;
    request.set_tenant(kTenant);
    *request.mutable_target() = target;
    *request.mutable_at() = ToProtoTimestamp(at);
    request.set_min_position(last_position_);
    return Call(request, response);
  }

  grpc::Status Call(const cti::v1::RouteRequest& request, cti::v1::RouteResponse* response,
                    absl::Duration timeout = absl::Seconds(10)) {
    std::unique_ptr<grpc::ClientContext> context = NewContext(true, timeout);
    return route_->Route(context.get(), request, response);
  }

  static cti::v1::RouteTarget EmployeeTarget(const std::string& id) {
    cti::v1::RouteTarget target;
    target.set_employee_id(id);
    return target;
  }
  static cti::v1::RouteTarget UnitTarget(const std::string& id) {
    cti::v1::RouteTarget target;
    target.set_unit_id(id);
    return target;
  }

  ServerFixture fixture_;
  std::unique_ptr<cti::v1::RouteService::Stub> route_;
  uint64_t last_position_ = 0;
};

TEST_F(RouteServiceTest, TP_4_5_SickEmployeeIsForwardedToColleague) {
  cti::v1::RouteResponse response;
  ASSERT_TRUE(IsOk(Route(EmployeeTarget("anna"), kFridayMorning, &response)));
  ExpectEndsWithReception(response);
  EXPECT_EQ(FromProto(response.at()), kFridayMorning);
  EXPECT_GE(response.position(), last_position_);
  EXPECT_THAT(response.resolved_target(), HasSubstr("anna"));

  // The first step rings bo, because anna's phone is forwarded (TP-4.4) while she is
  // sick (TP-4.5); anna herself is not rung.
  const cti::v1::RouteStep& first = response.steps(0);
  EXPECT_EQ(first.kind(), cti::v1::STEP_KIND_RING_EMPLOYEE) << Describe(response);
  EXPECT_EQ(first.employee_id(), "bo");
  EXPECT_EQ(first.number(), "4712");
  EXPECT_GT(first.ring_seconds(), 0u);
  // The step exists because of the forwarding: its rules say so (the contract's
  // example: ["TP-4.5", "TP-4.4"]).
  EXPECT_THAT(first.rules(), Contains(AnyOf("TP-4.4", "TP-4.5"))) << Describe(response);
  for (const cti::v1::RouteStep& step : response.steps()) {
    EXPECT_NE(step.employee_id() == "anna" && step.kind() == cti::v1::STEP_KIND_RING_EMPLOYEE, true)
        << "a sick employee is not rung\n"
        << Describe(response);
  }

  // The reasons cite TP-4.5 with the calendar entry, and the forwarding record under the
  // forwarding rules (TP-4.5 for a sick employee's, TP-4.4 for any); both rules appear.
  bool sick_cited = false;
  bool forwarding_cited = false;
  for (const cti::v1::RouteReason& reason : response.reasons()) {
    for (const cti::v1::DecidingRecord& record : reason.records()) {
      if (reason.rule() == "TP-4.5" && record.kind() == "calendar entry" &&
          record.id() == "sick-1" && record.owner_id() == "anna") {
        sick_cited = true;
      }
      if ((reason.rule() == "TP-4.4" || reason.rule() == "TP-4.5") &&
          record.kind() == "forwarding" && record.id() == "fw-1" && record.owner_id() == "anna") {
        forwarding_cited = true;
      }
    }
  }
  EXPECT_TRUE(sick_cited) << Describe(response);
  EXPECT_TRUE(forwarding_cited) << Describe(response);
  EXPECT_THAT(RulesOf(response), Contains("TP-4.4")) << Describe(response);
  EXPECT_THAT(RulesOf(response), Contains("TP-4.5")) << Describe(response);

  // What reception may say (TP-6.3, TP-3.14): anna's direct number, her unit, open now
  // until Friday 14:00, and when she is back.
  const cti::v1::CallerInfo& tell = response.tell_caller();
  EXPECT_EQ(tell.direct_number(), "+4589401011");
  EXPECT_FALSE(tell.unlisted());
  EXPECT_EQ(tell.unit_id(), "ydelse");
  EXPECT_EQ(tell.unit_name(), "Ydelse");
  EXPECT_EQ(tell.unit_number(), "+4589401000");
  EXPECT_TRUE(tell.open_now());
  EXPECT_EQ(FromProto(tell.closes_at()), kFriday1400);
  EXPECT_EQ(FromProto(tell.available_from()), kSickUntil);
  EXPECT_FALSE(tell.hours_summary().empty());
}

TEST_F(RouteServiceTest, TP_4_8_UnitHuntsItsDefaultGroupLeavingOutTheSick) {
  cti::v1::RouteResponse response;
  ASSERT_TRUE(IsOk(Route(UnitTarget("ydelse"), kFridayMorning, &response)));
  ExpectEndsWithReception(response);
  const cti::v1::RouteStep* hunt = nullptr;
  for (const cti::v1::RouteStep& step : response.steps()) {
    if (step.kind() == cti::v1::STEP_KIND_HUNT_GROUP) hunt = &step;
  }
  ASSERT_NE(hunt, nullptr) << Describe(response);
  EXPECT_EQ(hunt->group_id(), "ydelse-hunt");
  std::vector<std::string> members;
  for (const cti::v1::RouteStep& member : hunt->members()) {
    EXPECT_EQ(member.kind(), cti::v1::STEP_KIND_RING_EMPLOYEE);
    EXPECT_EQ(member.ring_seconds(), 15u);
    members.push_back(member.employee_id());
  }
  // In member order; anna is sick and left out.
  EXPECT_THAT(members, ElementsAre("bo", "carl")) << Describe(response);
  EXPECT_EQ(response.tell_caller().unit_id(), "ydelse");
  EXPECT_TRUE(response.tell_caller().open_now());
}

TEST_F(RouteServiceTest, TP_3_5_UnlistedEmployeeByExtensionGivesTheUnitsNumber) {
  cti::v1::RouteTarget target;
  target.set_extension("4713");
  cti::v1::RouteResponse response;
  ASSERT_TRUE(IsOk(Route(target, kFridayMorning, &response)));
  ExpectEndsWithReception(response);
  EXPECT_EQ(response.steps(0).kind(), cti::v1::STEP_KIND_RING_EMPLOYEE);
  EXPECT_EQ(response.steps(0).employee_id(), "carl");
  EXPECT_EQ(response.tell_caller().direct_number(), "");
  EXPECT_TRUE(response.tell_caller().unlisted());
  EXPECT_EQ(response.tell_caller().unit_number(), "+4589401000");
}

TEST_F(RouteServiceTest, EmployeeByNameRingsTheirExtension) {
  cti::v1::RouteTarget target;
  target.set_name("bo lund");
  cti::v1::RouteResponse response;
  ASSERT_TRUE(IsOk(Route(target, kFridayMorning, &response)));
  ExpectEndsWithReception(response);
  EXPECT_EQ(response.steps(0).kind(), cti::v1::STEP_KIND_RING_EMPLOYEE);
  EXPECT_EQ(response.steps(0).employee_id(), "bo");
  EXPECT_EQ(response.steps(0).number(), "4712");
  EXPECT_EQ(response.tell_caller().direct_number(), "+4589401012");
  EXPECT_FALSE(response.tell_caller().has_available_from());
}

TEST_F(RouteServiceTest, TP_5_1_CaseByKeyOrCprGoesToTheCaseworkerAndNoCprIsEchoed) {
  for (const bool by_cpr : {false, true}) {
    cti::v1::RouteTarget target;
    target.mutable_case_target()->set_task("kontanthjælp");
    if (by_cpr) {
      target.mutable_case_target()->set_cpr("170385-1234");
    } else {
      target.mutable_case_target()->set_case_key("cpr-day:17");
    }
    cti::v1::RouteResponse response;
    ASSERT_TRUE(IsOk(Route(target, kFridayMorning, &response))) << by_cpr;
    ExpectEndsWithReception(response);
    EXPECT_EQ(response.steps(0).employee_id(), "carl") << Describe(response);
    bool rules_cited = false;
    for (const cti::v1::RouteReason& reason : response.reasons()) {
      for (const cti::v1::DecidingRecord& record : reason.records()) {
        if (reason.rule() == "TP-5.1" && record.kind() == "distribution rules" &&
            record.version() == 3) {
          rules_cited = true;
        }
      }
    }
    EXPECT_TRUE(rules_cited) << Describe(response);
    // TP-4.2: the CPR number is reduced to its day and never echoed.
    const std::string bytes = response.SerializeAsString();
    EXPECT_EQ(bytes.find("170385"), std::string::npos) << Describe(response);
    EXPECT_EQ(bytes.find("1234"), std::string::npos) << Describe(response);
  }

  cti::v1::RouteTarget malformed;
  malformed.mutable_case_target()->set_task("kontanthjælp");
  malformed.mutable_case_target()->set_cpr("991385-1234");
  cti::v1::RouteResponse response;
  grpc::Status status = Route(malformed, kFridayMorning, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("cpr"));
  EXPECT_THAT(status.error_message(), Not(HasSubstr("991385")));
}

TEST_F(RouteServiceTest, TP_3_8_Friday1400IsClosedUntilMonday0800) {
  cti::v1::RouteResponse open;
  ASSERT_TRUE(IsOk(Route(UnitTarget("ydelse"), kFriday1400 - absl::Minutes(1), &open)));
  EXPECT_TRUE(open.tell_caller().open_now());
  EXPECT_EQ(FromProto(open.tell_caller().closes_at()), kFriday1400);

  cti::v1::RouteResponse closed;
  ASSERT_TRUE(IsOk(Route(UnitTarget("ydelse"), kFriday1400, &closed)));
  ExpectEndsWithReception(closed);
  const cti::v1::CallerInfo& tell = closed.tell_caller();
  EXPECT_FALSE(tell.open_now()) << Describe(closed);
  EXPECT_EQ(FromProto(tell.next_opening()), kMonday0800) << Describe(closed);
  EXPECT_THAT(RulesOf(closed), Contains("TP-3.8")) << Describe(closed);
  // Nobody of the unit is rung while it is closed.
  for (const cti::v1::RouteStep& step : closed.steps()) {
    EXPECT_NE(step.kind(), cti::v1::STEP_KIND_HUNT_GROUP) << Describe(closed);
  }
}

TEST_F(RouteServiceTest, TP_3_8_Thursday1700IsClosedUntilFriday0800) {
  const absl::Time thursday_1700 = Utc(2024, 3, 7, 16, 0);
  cti::v1::RouteResponse open;
  ASSERT_TRUE(IsOk(Route(UnitTarget("ydelse"), thursday_1700 - absl::Minutes(1), &open)));
  EXPECT_TRUE(open.tell_caller().open_now());
  EXPECT_EQ(FromProto(open.tell_caller().closes_at()), thursday_1700);
  cti::v1::RouteResponse closed;
  ASSERT_TRUE(IsOk(Route(UnitTarget("ydelse"), thursday_1700, &closed)));
  EXPECT_FALSE(closed.tell_caller().open_now());
  EXPECT_EQ(FromProto(closed.tell_caller().next_opening()), Utc(2024, 3, 8, 7, 0));
}

TEST_F(RouteServiceTest, TP_3_4_FieldUnitFollowsItsOwnHours) {
  // Sundhedsplejen answers 08-09 only: at 10:00 it is closed until Monday 08:00.
  cti::v1::RouteResponse response;
  ASSERT_TRUE(IsOk(Route(EmployeeTarget("dorte"), kFridayMorning, &response)));
  ExpectEndsWithReception(response);
  EXPECT_EQ(response.tell_caller().unit_id(), "sundhedspleje");
  EXPECT_FALSE(response.tell_caller().open_now()) << Describe(response);
  EXPECT_EQ(FromProto(response.tell_caller().next_opening()), kMonday0800);
}

TEST_F(RouteServiceTest, WithoutAtRoutesAtTheServersNow) {
  fixture_.clock().Set(kFriday1400);
  cti::v1::RouteRequest request;
  request.set_tenant(kTenant);
  request.mutable_target()->set_unit_id("ydelse");
  request.set_min_position(last_position_);
  cti::v1::RouteResponse response;
  ASSERT_TRUE(IsOk(Call(request, &response)));
  EXPECT_EQ(FromProto(response.at()), kFriday1400);
  EXPECT_FALSE(response.tell_caller().open_now());
}

// The hunt group's members of `response`, in order.
std::vector<std::string> HuntMembers(const cti::v1::RouteResponse& response) {
  std::vector<std::string> members;
  for (const cti::v1::RouteStep& step : response.steps()) {
    if (step.kind() != cti::v1::STEP_KIND_HUNT_GROUP) continue;
    for (const cti::v1::RouteStep& member : step.members()) members.push_back(member.employee_id());
  }
  return members;
}

TEST_F(RouteServiceTest, TP_3_7_AKeptAnswerCarriesItsOwnInstantAndPositionAndEndsWithAChange) {
  // The second call is answered from the kept answer (same target, routing version and
  // hours): it must still carry its own `at` (to the nanosecond) and position.
  cti::v1::RouteResponse first;
  ASSERT_TRUE(IsOk(Route(UnitTarget("ydelse"), kFridayMorning, &first)));
  cti::v1::RouteResponse second;
  const absl::Time later = kFridayMorning + absl::Minutes(7) + absl::Milliseconds(250);
  ASSERT_TRUE(IsOk(Route(UnitTarget("ydelse"), later, &second)));
  EXPECT_EQ(FromProto(second.at()), later);
  EXPECT_EQ(second.at().nanos(), 250000000);
  EXPECT_GE(second.position(), last_position_);
  cti::v1::RouteResponse without_instant_and_position = second;
  without_instant_and_position.clear_at();
  without_instant_and_position.set_position(first.position());
  *without_instant_and_position.mutable_at() = first.at();
  EXPECT_EQ(without_instant_and_position.SerializeAsString(), first.SerializeAsString());
  EXPECT_THAT(HuntMembers(second), ElementsAre("bo", "carl"));

  // Bo falls ill: the next answer (reading that write) leaves him out too.
  const uint64_t sick = AppendOk(Sick("bo", "sick-bo", kFridayMorning, kSickUntil));
  cti::v1::RouteRequest request;
  request.set_tenant(kTenant);
  request.mutable_target()->set_unit_id("ydelse");
  *request.mutable_at() = ToProtoTimestamp(later);
  request.set_min_position(sick);
  cti::v1::RouteResponse after;
  ASSERT_TRUE(IsOk(Call(request, &after)));
  EXPECT_GE(after.position(), sick);
  EXPECT_THAT(HuntMembers(after), ElementsAre("carl")) << Describe(after);
}

TEST_F(RouteServiceTest, BytesThatAreNotARouteRequestAreInvalidArgument) {
  grpc::GenericStub generic(fixture_.channel());
  const char garbage[] = {'\x0a', '\x7f', '\x01'};  // field 1, length 127, 1 byte
  grpc::Slice slice(garbage, sizeof garbage);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  std::unique_ptr<grpc::ClientContext> context = NewContext(true, absl::Seconds(10));
  std::promise<grpc::Status> done;
  generic.UnaryCall(context.get(), "/cti.v1.RouteService/Route", grpc::StubOptions(), &request,
                    &response, [&done](grpc::Status status) { done.set_value(status); });
  const grpc::Status status = done.get_future().get();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("RouteRequest"));
}

TEST_F(RouteServiceTest, UnknownEmployeeIsNotFound) {
  cti::v1::RouteResponse response;
  grpc::Status status = Route(EmployeeTarget("nobody"), kFridayMorning, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("nobody"));
}

TEST_F(RouteServiceTest, UnknownExtensionAndUnitAreNotFound) {
  cti::v1::RouteTarget extension;
  extension.set_extension("9999");
  cti::v1::RouteResponse response;
  EXPECT_EQ(Route(extension, kFridayMorning, &response).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Route(UnitTarget("no-such-unit"), kFridayMorning, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(RouteServiceTest, EmptyTenantIsInvalidArgument) {
  cti::v1::RouteRequest request;
  request.mutable_target()->set_employee_id("anna");
  cti::v1::RouteResponse response;
  grpc::Status status = Call(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "tenant is required");

  cti::v1::CheckRequest check;
  cti::v1::CheckResponse findings;
  std::unique_ptr<grpc::ClientContext> context = NewContext();
  status = route_->Check(context.get(), check, &findings);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "tenant is required");
}

TEST_F(RouteServiceTest, MissingTargetIsInvalidArgument) {
  cti::v1::RouteRequest request;
  request.set_tenant(kTenant);
  cti::v1::RouteResponse response;
  grpc::Status status = Call(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("target"));
}

TEST_F(RouteServiceTest, MinPositionReadsYourWrites) {
  // Each hire is routed at once with the position its Append answered.
  for (int i = 0; i < 5; ++i) {
    const std::string id = "new" + std::to_string(i);
    const uint64_t position = AppendOk(Employee(id, "Ny Medarbejder " + std::to_string(i), "ydelse",
                                                std::to_string(4800 + i), ""));
    cti::v1::RouteRequest request;
    request.set_tenant(kTenant);
    request.mutable_target()->set_employee_id(id);
    *request.mutable_at() = ToProtoTimestamp(kFridayMorning);
    request.set_min_position(position);
    cti::v1::RouteResponse response;
    ASSERT_TRUE(IsOk(Call(request, &response))) << id;
    EXPECT_GE(response.position(), position);
    EXPECT_EQ(response.steps(0).employee_id(), id);
    ExpectEndsWithReception(response);
  }
}

TEST_F(RouteServiceTest, MinPositionNotReachedRunsIntoTheDeadline) {
  cti::v1::RouteRequest request;
  request.set_tenant(kTenant);
  request.mutable_target()->set_employee_id("bo");
  request.set_min_position(last_position_ + 1000);
  cti::v1::RouteResponse response;
  grpc::Status status = Call(request, &response, absl::Milliseconds(300));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << status.error_message();
}

TEST_F(RouteServiceTest, TP_4_8_CheckFindsAGroupWithoutActiveMembers) {
  std::unique_ptr<grpc::ClientContext> context = NewContext();
  cti::v1::CheckRequest request;
  request.set_tenant(kTenant);
  request.set_min_position(last_position_);
  cti::v1::CheckResponse clean;
  ASSERT_TRUE(IsOk(route_->Check(context.get(), request, &clean)));
  EXPECT_GE(clean.position(), last_position_);
  for (const cti::v1::CheckFinding& finding : clean.findings()) {
    EXPECT_NE(finding.subject_id(), "pas-ring") << finding.problem();
  }

  AppendOk(Employee("erik", "Erik Pas", "borger", "4730", ""));
  AppendOk(Group("pas-ring", "borger", cti::v1::GROUP_STRATEGY_RING_ALL, {"erik"}));
  request.set_min_position(AppendOk(Left("erik")));
  cti::v1::CheckResponse found;
  context = NewContext();
  ASSERT_TRUE(IsOk(route_->Check(context.get(), request, &found)));
  bool group_found = false;
  for (const cti::v1::CheckFinding& finding : found.findings()) {
    if (finding.subject_kind() == "group" && finding.subject_id() == "pas-ring") {
      group_found = true;
      EXPECT_EQ(finding.rule(), "TP-4.8");
      EXPECT_FALSE(finding.problem().empty());
    }
  }
  EXPECT_TRUE(group_found) << found.ShortDebugString();
}

TEST_F(RouteServiceTest, PingAnswersAnyIdentifiedCallerAndRouteServiceIsHealthy) {
  cti::v1::PingResponse pong;
  std::unique_ptr<grpc::ClientContext> context = NewContext();
  EXPECT_TRUE(IsOk(fixture_.admin().Ping(context.get(), cti::v1::PingRequest(), &pong)));
  // Without an identity: UNAUTHENTICATED; the health service needs none.
  context = NewContext(false);
  EXPECT_EQ(fixture_.admin().Ping(context.get(), cti::v1::PingRequest(), &pong).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(HealthCheck(fixture_.channel(), "cti.v1.RouteService"), 1);
}

TEST_F(RouteServiceTest, AnotherTenantSeesNothing) {
  cti::v1::RouteRequest request;
  request.set_tenant(kOtherTenant);
  request.mutable_target()->set_employee_id("anna");
  cti::v1::RouteResponse response;
  EXPECT_EQ(Call(request, &response).error_code(), grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace cti::server::testing
