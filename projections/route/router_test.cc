// Router over a projection built by the projector: routes at the instants that matter,
// named after the TP rule they check.
#include "projections/router.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/hours/time_zone.h"
#include "projections/testing/test_util.h"

namespace cti::projections {
namespace {

using testing::Administration;
using testing::DefaultGroup;
using testing::Department;
using testing::ForwardToColleague;
using testing::Group;
using ::testing::HasSubstr;
using testing::Hire;
using testing::kTenant;
using ::testing::Not;
using testing::SetUnlisted;
using testing::Ts;
using testing::UpsertEntry;
using testing::Utc;

class RouterTest : public testing::ProjectionTest {
 protected:
  void SetUp() override {
    ProjectionTest::SetUp();
    absl::StatusOr<absl::TimeZone> zone = hours::CopenhagenTimeZone();
    ASSERT_TRUE(zone.ok()) << zone.status();
    zone_ = *zone;
    DefineOrganisation();  // adm > borgerservice (e1 Anna Holm 4711, e2 Bo Lund 4712), skat
    ApplyAll({Hire("e3", "Carl Dam", "borgerservice", "4713"),
              Group("bs-hunt", "borgerservice", cti::v1::GROUP_STRATEGY_HUNT_LINEAR, {"e2", "e3"}),
              DefaultGroup("borgerservice", "bs-hunt")});
  }

  cti::v1::RouteResponse Route(cti::v1::RouteTarget target, absl::Time at) {
    cti::v1::RouteRequest request;
    request.set_tenant(kTenant);
    *request.mutable_target() = std::move(target);
    request.mutable_at()->set_seconds(absl::ToUnixSeconds(at));
    absl::StatusOr<cti::v1::RouteResponse> response =
        Router(store_.get(), zone_).Route(request, absl::UnixEpoch());
    EXPECT_TRUE(response.ok()) << response.status();
    if (!response.ok()) return {};
    EXPECT_FALSE(response->steps().empty());
    if (!response->steps().empty()) {
      EXPECT_EQ(response->steps().rbegin()->kind(), cti::v1::STEP_KIND_RECEPTION_MESSAGE)
          << "every route ends with reception taking a message (TP-6.2)";
    }
    return *std::move(response);
  }

  // Route for now (RouteRequest.at unset): the live answer, which counts calls in
  // progress. `now` is the server's clock.
  cti::v1::RouteResponse RouteNow(cti::v1::RouteTarget target, absl::Time now) {
    cti::v1::RouteRequest request;
    request.set_tenant(kTenant);
    *request.mutable_target() = std::move(target);
    absl::StatusOr<cti::v1::RouteResponse> response =
        Router(store_.get(), zone_).Route(request, now);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? *std::move(response) : cti::v1::RouteResponse();
  }

  static cti::v1::RouteTarget Employee(const std::string& id) {
    cti::v1::RouteTarget t;
    t.set_employee_id(id);
    return t;
  }

  static std::string Rules(const cti::v1::RouteResponse& r) {
    std::vector<std::string> rules;
    for (const cti::v1::RouteReason& reason : r.reasons()) {
      rules.push_back(absl::StrCat(reason.rule(), ": ", reason.text()));
    }
    return absl::StrJoin(rules, "\n");
  }

  absl::TimeZone zone_;
};

TEST_F(RouterTest, TP_1_1_AnAvailableEmployeeIsRungFirstThenColleagues) {
  const cti::v1::RouteResponse r = Route(Employee("e1"), Utc(2024, 3, 1, 9, 0));  // Fri 10:00
  ASSERT_GE(r.steps_size(), 3);
  EXPECT_EQ(r.steps(0).kind(), cti::v1::STEP_KIND_RING_EMPLOYEE);
  EXPECT_EQ(r.steps(0).number(), "4711");
  EXPECT_EQ(r.steps(1).kind(), cti::v1::STEP_KIND_HUNT_GROUP);
  ASSERT_EQ(r.steps(1).members_size(), 2);
  EXPECT_EQ(r.steps(1).members(0).employee_id(), "e2");
  EXPECT_EQ(r.steps(1).members(1).employee_id(), "e3");
  EXPECT_TRUE(r.tell_caller().open_now());
  EXPECT_EQ(r.tell_caller().hours_summary(), "man–ons 8–16, tors 8–17, fre 8–14");
}

TEST_F(RouterTest, TP_3_8_FridayAt1400IsClosedAndNamesMondayAt0800) {
  const cti::v1::RouteResponse open = Route(Employee("e1"), Utc(2024, 3, 1, 12, 59));
  EXPECT_TRUE(open.tell_caller().open_now());
  EXPECT_EQ(open.tell_caller().closes_at().seconds(), absl::ToUnixSeconds(Utc(2024, 3, 1, 13, 0)));

  const cti::v1::RouteResponse closed = Route(Employee("e1"), Utc(2024, 3, 1, 13, 0));  // 14:00
  EXPECT_FALSE(closed.tell_caller().open_now());
  EXPECT_EQ(closed.tell_caller().next_opening().seconds(),
            absl::ToUnixSeconds(Utc(2024, 3, 4, 7, 0)))  // Monday 08:00 CET
      << Rules(closed);
  EXPECT_EQ(closed.steps(0).kind(), cti::v1::STEP_KIND_VOICEMAIL);
  EXPECT_EQ(closed.steps_size(), 2);
}

TEST_F(RouterTest, TP_3_8_ThursdayUntil1700InSummerTime) {
  // 2024-06-06 is a Thursday; Copenhagen is UTC+2.
  EXPECT_TRUE(Route(Employee("e1"), Utc(2024, 6, 6, 14, 59)).tell_caller().open_now());
  EXPECT_FALSE(Route(Employee("e1"), Utc(2024, 6, 6, 15, 0)).tell_caller().open_now());
}

TEST_F(RouterTest, TP_4_5_ASickEmployeeIsForwardedToTheColleague) {
  ApplyAll(
      {UpsertEntry("e1", "sick-1", absl::ToUnixSeconds(Utc(2024, 3, 1, 7, 0)),
                   absl::ToUnixSeconds(Utc(2024, 3, 2, 23, 0)), "Syg", cti::v1::ABSENCE_KIND_SICK),
       ForwardToColleague("e1", "fw-sick", "e3", "syg")});
  const cti::v1::RouteResponse r = Route(Employee("e1"), Utc(2024, 3, 1, 9, 0));
  ASSERT_GE(r.steps_size(), 2);
  EXPECT_EQ(r.steps(0).kind(), cti::v1::STEP_KIND_RING_EMPLOYEE);
  EXPECT_EQ(r.steps(0).employee_id(), "e3") << Rules(r);
  EXPECT_THAT(Rules(r), HasSubstr("TP-4.5: Anna Holm is sick (calendar) until"));
  EXPECT_THAT(Rules(r), HasSubstr("forwards all calls to Carl Dam"));
  EXPECT_EQ(r.tell_caller().available_from().seconds(),
            absl::ToUnixSeconds(Utc(2024, 3, 2, 23, 0)));
  EXPECT_THAT(r.tell_caller().say(), HasSubstr("Anna Holm er syg"));
}

TEST_F(RouterTest, TP_4_8_AbsentMembersAreLeftOutOfTheHuntGroup) {
  ApplyAll({UpsertEntry("e2", "ferie", absl::ToUnixSeconds(Utc(2024, 2, 26, 0, 0)),
                        absl::ToUnixSeconds(Utc(2024, 3, 8, 0, 0)), "Ferie",
                        cti::v1::ABSENCE_KIND_VACATION)});
  cti::v1::RouteTarget unit;
  unit.set_unit_id("borgerservice");
  const cti::v1::RouteResponse r = Route(unit, Utc(2024, 3, 1, 9, 0));
  ASSERT_EQ(r.steps(0).kind(), cti::v1::STEP_KIND_HUNT_GROUP);
  ASSERT_EQ(r.steps(0).members_size(), 1);
  EXPECT_EQ(r.steps(0).members(0).employee_id(), "e3");
  EXPECT_THAT(Rules(r), HasSubstr("Bo Lund (Gruppe bs-hunt) is on vacation"));
}

TEST_F(RouterTest, TP_4_4_AnEmployeeOnACallIsBusyAndAColleagueAnswers) {
  const absl::Time friday_ten = Utc(2024, 3, 1, 9, 0);
  ApplyAll(
      {testing::Offered("c1"), testing::RingingAt("c1", "e1"), testing::AnsweredBy("c1", "e1")});
  const cti::v1::RouteResponse busy = RouteNow(Employee("e1"), friday_ten);
  ASSERT_FALSE(busy.steps().empty());
  EXPECT_EQ(busy.steps(0).kind(), cti::v1::STEP_KIND_HUNT_GROUP) << Rules(busy);
  EXPECT_THAT(Rules(busy), HasSubstr("TP-4.4: Anna Holm is on another call"));
  EXPECT_THAT(Rules(busy), HasSubstr("TP-4.4: then colleagues in Borgerservice"));
  EXPECT_THAT(busy.tell_caller().say(), HasSubstr("Anna Holm taler i telefon lige nu."));
  bool names_call = false;
  for (const cti::v1::RouteReason& reason : busy.reasons()) {
    for (const cti::v1::DecidingRecord& record : reason.records()) {
      names_call = names_call || (record.kind() == "call" && record.id() == "c1");
    }
  }
  EXPECT_TRUE(names_call) << "the deciding record is the call Anna is on";

  // A question about an instant (at given) is not about the live state: Anna is rung.
  EXPECT_EQ(Route(Employee("e1"), friday_ten).steps(0).employee_id(), "e1");

  // Transferred on: Anna is free again and rung first.
  ApplyAll({testing::TransferredTo("c1", "e2")});
  EXPECT_EQ(RouteNow(Employee("e1"), friday_ten).steps(0).employee_id(), "e1");
}

TEST_F(RouterTest, TP_3_14_ACallHerVoicemailAnswersDoesNotMakeHerBusy) {
  const absl::Time friday_ten = Utc(2024, 3, 1, 9, 0);
  cti::v1::Event voicemail = testing::AnsweredBy("c1", "e1");
  voicemail.mutable_call()->mutable_answered()->set_voicemail(true);
  ApplyAll({testing::Offered("c1"), voicemail});
  const cti::v1::RouteResponse r = RouteNow(Employee("e1"), friday_ten);
  ASSERT_FALSE(r.steps().empty());
  EXPECT_EQ(r.steps(0).employee_id(), "e1") << Rules(r);
  EXPECT_THAT(Rules(r), Not(HasSubstr("on another call")));
  // Her own answer of a call does.
  ApplyAll({testing::Offered("c2"), testing::AnsweredBy("c2", "e1")});
  EXPECT_THAT(Rules(RouteNow(Employee("e1"), friday_ten)), HasSubstr("on another call"));
}

TEST_F(RouterTest, TP_4_4_ABusyEmployeesForwardingForBusyIsFollowed) {
  cti::v1::Event forwarding = ForwardToColleague("e1", "fw-busy", "e3", "optaget");
  forwarding.mutable_calendar()->mutable_forwarding_set()->set_condition(
      cti::v1::FORWARDING_CONDITION_BUSY);
  ApplyAll({forwarding});
  // Free: the forwarding for busy plays no part.
  const absl::Time friday_ten = Utc(2024, 3, 1, 9, 0);
  EXPECT_EQ(RouteNow(Employee("e1"), friday_ten).steps(0).employee_id(), "e1");
  ApplyAll({testing::Offered("c1"), testing::AnsweredBy("c1", "e1")});
  const cti::v1::RouteResponse r = RouteNow(Employee("e1"), friday_ten);
  ASSERT_FALSE(r.steps().empty());
  EXPECT_EQ(r.steps(0).kind(), cti::v1::STEP_KIND_RING_EMPLOYEE);
  EXPECT_EQ(r.steps(0).employee_id(), "e3") << Rules(r);
  EXPECT_THAT(Rules(r), HasSubstr("Anna Holm forwards calls when busy to Carl Dam"));
  // The call ends: Anna is rung again.
  ApplyAll({testing::Ended("c1")});
  EXPECT_EQ(RouteNow(Employee("e1"), friday_ten).steps(0).employee_id(), "e1");
}

TEST_F(RouterTest, TP_4_8_MembersOnACallAreLeftOutOfTheHuntGroup) {
  ApplyAll(
      {testing::Offered("c1"), testing::RingingAt("c1", "e2"), testing::AnsweredBy("c1", "e2")});
  cti::v1::RouteTarget unit;
  unit.set_unit_id("borgerservice");
  const cti::v1::RouteResponse r = RouteNow(unit, Utc(2024, 3, 1, 9, 0));
  ASSERT_FALSE(r.steps().empty());
  ASSERT_EQ(r.steps(0).kind(), cti::v1::STEP_KIND_HUNT_GROUP) << Rules(r);
  ASSERT_EQ(r.steps(0).members_size(), 1);
  EXPECT_EQ(r.steps(0).members(0).employee_id(), "e3");
  EXPECT_THAT(Rules(r), HasSubstr("TP-4.8: Bo Lund (Gruppe bs-hunt) is on a call: left out"));
  // Both members on calls: nobody in the group, reception takes the call.
  ApplyAll({testing::Offered("c2"), testing::AnsweredBy("c2", "e3")});
  const cti::v1::RouteResponse none = RouteNow(unit, Utc(2024, 3, 1, 9, 0));
  ASSERT_FALSE(none.steps().empty());
  EXPECT_EQ(none.steps(0).kind(), cti::v1::STEP_KIND_RECEPTION_MESSAGE) << Rules(none);
  EXPECT_THAT(Rules(none), HasSubstr("nobody in Gruppe bs-hunt is available now"));
}

TEST_F(RouterTest, TP_3_5_AnUnlistedEmployeesDirectNumberIsNotGiven) {
  ApplyAll({SetUnlisted("e1", true)});
  const cti::v1::RouteResponse r = Route(Employee("e1"), Utc(2024, 3, 1, 9, 0));
  EXPECT_TRUE(r.tell_caller().unlisted());
  EXPECT_TRUE(r.tell_caller().direct_number().empty());
  EXPECT_THAT(Rules(r), HasSubstr("TP-3.5"));
}

TEST_F(RouterTest, TP_6_2_ALeftEmployeesCallsGoToTheUnitThenReception) {
  ApplyAll({testing::Leave("e3")});
  const cti::v1::RouteResponse r = Route(Employee("e3"), Utc(2024, 3, 1, 9, 0));
  EXPECT_THAT(Rules(r), HasSubstr("no longer works here"));
  EXPECT_EQ(r.steps(0).kind(), cti::v1::STEP_KIND_HUNT_GROUP);
}

TEST_F(RouterTest, UnknownTargetsAreNotFound) {
  cti::v1::RouteRequest request;
  request.set_tenant(kTenant);
  request.mutable_target()->set_employee_id("nobody");
  absl::StatusOr<cti::v1::RouteResponse> r =
      Router(store_.get(), zone_).Route(request, Utc(2024, 3, 1, 9, 0));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(r.status().message(), HasSubstr("nobody"));
  request.mutable_target()->set_extension("9999");
  EXPECT_EQ(Router(store_.get(), zone_).Route(request, absl::UnixEpoch()).status().code(),
            absl::StatusCode::kNotFound);
  request.clear_target();
  EXPECT_EQ(Router(store_.get(), zone_).Route(request, absl::UnixEpoch()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(RouterTest, TP_5_1_CaseDistributionByCprDayPicksTheCaseworkerAndDropsTheCpr) {
  cti::v1::Event rules;
  auto* set = rules.mutable_staff()->mutable_distribution_rules_set();
  set->set_unit_id("borgerservice");
  set->set_task("Boligstøtte");
  set->set_version(1);
  auto* a = set->add_rules();
  a->mutable_cpr_day()->set_first_day(1);
  a->mutable_cpr_day()->set_last_day(15);
  a->add_employee_ids("e1");
  auto* b = set->add_rules();
  b->mutable_cpr_day()->set_first_day(16);
  b->mutable_cpr_day()->set_last_day(31);
  b->add_employee_ids("e2");
  ApplyAll({rules});
  cti::v1::RouteTarget target;
  target.mutable_case_target()->set_task("boligstøtte");
  target.mutable_case_target()->set_cpr("170385-1234");
  const cti::v1::RouteResponse r = Route(target, Utc(2024, 3, 1, 9, 0));
  EXPECT_EQ(r.steps(0).employee_id(), "e2") << Rules(r);
  EXPECT_THAT(r.resolved_target(), HasSubstr("cpr-day:17"));
  EXPECT_THAT(r.DebugString(), Not(HasSubstr("170385")));
  EXPECT_THAT(r.DebugString(), Not(HasSubstr("1234")));
  EXPECT_THAT(Rules(r), HasSubstr("TP-5.1"));
}

TEST_F(RouterTest, TP_4_8_CheckFindsAGroupWithNobodyLeft) {
  ApplyAll({Group("skat-ring", "skat", cti::v1::GROUP_STRATEGY_RING_ALL, {"e3"}),
            DefaultGroup("skat", "skat-ring"), testing::Leave("e3")});
  cti::v1::CheckRequest request;
  request.set_tenant(kTenant);
  absl::StatusOr<cti::v1::CheckResponse> check =
      Router(store_.get(), zone_).Check(request, Utc(2024, 3, 1, 9, 0));
  ASSERT_TRUE(check.ok()) << check.status();
  std::string all;
  for (const auto& f : check->findings())
    absl::StrAppend(&all, f.subject_id(), ": ", f.problem(), "\n");
  EXPECT_THAT(all, HasSubstr("skat-ring: group skat-ring (Gruppe skat-ring) has no active member"));
}

cti::v1::OpenInterval Open(cti::v1::Weekday day, int open_minute, int close_minute) {
  cti::v1::OpenInterval i;
  i.set_day(day);
  i.set_open_minute(open_minute);
  i.set_close_minute(close_minute);
  return i;
}

TEST_F(RouterTest, TP_3_4_HealthVisitorsHaveTheirOwnPhoneHours) {
  cti::v1::Event hours;
  auto* set = hours.mutable_staff()->mutable_hours_set();
  set->set_unit_id("skat");
  set->set_kind(cti::v1::HOURS_KIND_PHONE);
  for (auto day : {cti::v1::WEEKDAY_MONDAY, cti::v1::WEEKDAY_TUESDAY, cti::v1::WEEKDAY_WEDNESDAY,
                   cti::v1::WEEKDAY_THURSDAY, cti::v1::WEEKDAY_FRIDAY}) {
    *set->mutable_hours()->add_intervals() = Open(day, 8 * 60, 9 * 60 + 30);
  }
  ApplyAll({hours, Hire("e9", "Hanne Sundhedsplejerske", "skat", "4790")});
  EXPECT_TRUE(Route(Employee("e9"), Utc(2024, 3, 1, 8, 29)).tell_caller().open_now());  // 09:29
  const cti::v1::RouteResponse closed = Route(Employee("e9"), Utc(2024, 3, 1, 8, 30));
  EXPECT_FALSE(closed.tell_caller().open_now());
  EXPECT_EQ(closed.tell_caller().hours_summary(), "man–fre 8–9.30");
  EXPECT_EQ(closed.tell_caller().next_opening().seconds(),
            absl::ToUnixSeconds(Utc(2024, 3, 4, 7, 0)));
  // Borgerservice keeps the municipality's hours (TP-3.8).
  EXPECT_TRUE(Route(Employee("e1"), Utc(2024, 3, 1, 8, 30)).tell_caller().open_now());
}

TEST_F(RouterTest, TP_3_8_GoodFridayIsClosedAndEasterMondayToo) {
  // 2025-04-17 Maundy Thursday 10:00 CEST: closed; next opening Tuesday 22 April 08:00.
  const cti::v1::RouteResponse r = Route(Employee("e1"), Utc(2025, 4, 17, 8, 0));
  EXPECT_FALSE(r.tell_caller().open_now());
  EXPECT_EQ(r.tell_caller().next_opening().seconds(), absl::ToUnixSeconds(Utc(2025, 4, 22, 6, 0)));
  EXPECT_THAT(Rules(r), HasSubstr("Skærtorsdag"));
}

TEST_F(RouterTest, TP_4_7_AnUnmannedUnitsCallsGoToReception) {
  cti::v1::Event e;
  auto* change = e.mutable_staff()->mutable_hours_change_set();
  change->set_unit_id("borgerservice");
  change->set_change_id("ubemandet");
  *change->mutable_unmanned()->mutable_start() = Ts(absl::ToUnixSeconds(Utc(2024, 3, 1, 8, 0)));
  *change->mutable_unmanned()->mutable_end() = Ts(absl::ToUnixSeconds(Utc(2024, 3, 1, 10, 0)));
  change->mutable_unmanned()->mutable_approval()->set_director_employee_id("e3");
  *change->mutable_unmanned()->mutable_approval()->mutable_approved_at() = Ts(testing::kT0);
  e.mutable_actor()->set_id("e3");
  e.mutable_actor()->set_role(cti::v1::ROLE_DIRECTOR);
  ApplyAll({e});
  cti::v1::RouteTarget unit;
  unit.set_unit_id("borgerservice");
  const cti::v1::RouteResponse r = Route(unit, Utc(2024, 3, 1, 9, 0));
  EXPECT_EQ(r.steps_size(), 1) << Rules(r);
  EXPECT_THAT(Rules(r), HasSubstr("TP-4.7: Borgerservice is unmanned"));
  EXPECT_EQ(Route(unit, Utc(2024, 3, 1, 10, 0)).steps(0).kind(), cti::v1::STEP_KIND_HUNT_GROUP);
}

TEST_F(RouterTest, TP_5_1_ARestrictedUnitTakesCallsOnlyOnOneExtension) {
  cti::v1::Event e;
  auto* routing = e.mutable_staff()->mutable_unit_routing_set();
  routing->set_unit_id("borgerservice");
  routing->set_default_group_id("bs-hunt");
  routing->mutable_restriction()->set_extension("4900");
  routing->mutable_restriction()->set_reason("Kun vagten");
  ApplyAll({e});
  cti::v1::RouteTarget unit;
  unit.set_unit_id("borgerservice");
  const cti::v1::RouteResponse r = Route(unit, Utc(2024, 3, 1, 9, 0));
  ASSERT_EQ(r.steps_size(), 2);
  EXPECT_EQ(r.steps(0).number(), "4900");
  EXPECT_THAT(Rules(r), HasSubstr("TP-5.1: Borgerservice takes calls only on extension 4900"));
}

TEST_F(RouterTest, TP_5_1_AHotlineAnswersItsTaskUntilItEnds) {
  cti::v1::Event hotline;
  auto* h = hotline.mutable_staff()->mutable_hotline_set();
  h->set_hotline_id("aarsopg");
  h->set_task("Årsopgørelse");
  h->set_unit_id("skat");
  h->set_group_id("bs-hunt");
  *h->mutable_from() = Ts(absl::ToUnixSeconds(Utc(2024, 3, 1, 0, 0)));
  *h->mutable_until() = Ts(absl::ToUnixSeconds(Utc(2024, 3, 15, 0, 0)));
  ApplyAll({hotline, testing::ChangeTasks("e1", {"årsopgørelse"})});
  cti::v1::RouteTarget task;
  task.set_task("årsopgørelse");
  const cti::v1::RouteResponse during = Route(task, Utc(2024, 3, 1, 9, 0));
  EXPECT_EQ(during.steps(0).kind(), cti::v1::STEP_KIND_HOTLINE) << Rules(during);
  EXPECT_THAT(during.resolved_target(), HasSubstr("hotline aarsopg"));
  // Ended by itself: the employee with the task answers.
  const cti::v1::RouteResponse after = Route(task, Utc(2024, 3, 15, 9, 0));
  EXPECT_EQ(after.steps(0).kind(), cti::v1::STEP_KIND_RING_EMPLOYEE) << Rules(after);
  EXPECT_EQ(after.steps(0).employee_id(), "e1");
}

TEST_F(RouterTest, TheCacheAnswersAsTheStoreDoesAndForgetsOnChange) {
  RouteCache cache({store_->AppliedPosition(0)});
  const Router cached(store_.get(), zone_, &cache, /*partition=*/0);
  const Router plain(store_.get(), zone_);
  cti::v1::RouteRequest request;
  request.set_tenant(kTenant);
  request.mutable_target()->set_unit_id("borgerservice");
  request.mutable_at()->set_seconds(absl::ToUnixSeconds(Utc(2024, 3, 1, 9, 0)));
  absl::StatusOr<cti::v1::RouteResponse> first = cached.Route(request, absl::UnixEpoch());
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_GT(cache.size(), 0u) << "the call should have filled the cache";
  absl::StatusOr<cti::v1::RouteResponse> second = cached.Route(request, absl::UnixEpoch());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->SerializeAsString(), first->SerializeAsString());

  // A change the cache has not been told of: the snapshot is ahead, the cache is bypassed.
  ApplyAll({UpsertEntry("e2", "ferie", absl::ToUnixSeconds(Utc(2024, 2, 26, 0, 0)),
                        absl::ToUnixSeconds(Utc(2024, 3, 8, 0, 0)), "Ferie",
                        cti::v1::ABSENCE_KIND_VACATION)});
  absl::StatusOr<cti::v1::RouteResponse> ahead = cached.Route(request, absl::UnixEpoch());
  ASSERT_TRUE(ahead.ok());
  EXPECT_EQ(ahead->SerializeAsString(),
            plain.Route(request, absl::UnixEpoch())->SerializeAsString());
  EXPECT_EQ(ahead->steps(0).members_size(), 1);
  // Told of it: entries of the old version are not used.
  cache.NoteApplied(0, store_->AppliedPosition(0), /*routing_changed=*/true);
  absl::StatusOr<cti::v1::RouteResponse> told = cached.Route(request, absl::UnixEpoch());
  ASSERT_TRUE(told.ok());
  EXPECT_EQ(told->steps(0).members_size(), 1);
  EXPECT_EQ(told->SerializeAsString(), ahead->SerializeAsString());
}

}  // namespace
}  // namespace cti::projections
