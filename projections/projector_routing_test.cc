// Apply rules of the routing staff events: hours, groups, unit routing, distribution
// rules, hotlines. Refusals name the field and the TP rule and change nothing.
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/testing/test_util.h"

namespace cti::projections {
namespace {

using testing::Date;
using ::testing::HasSubstr;
using testing::Hire;
using testing::Ts;

cti::v1::OpenInterval Open(cti::v1::Weekday day, int open_minute, int close_minute) {
  cti::v1::OpenInterval i;
  i.set_day(day);
  i.set_open_minute(open_minute);
  i.set_close_minute(close_minute);
  return i;
}

cti::v1::Event Reduction(const cti::v1::LocalDate& first, const cti::v1::LocalDate& last,
                         bool approved, cti::v1::Role role) {
  cti::v1::Event e;
  auto* change = e.mutable_staff()->mutable_hours_change_set();
  change->set_unit_id("borgerservice");
  change->set_change_id("reduktion");
  auto* r = change->mutable_reduction();
  *r->mutable_first_day() = first;
  *r->mutable_last_day() = last;
  *r->add_hours() = Open(cti::v1::WEEKDAY_TUESDAY, 9 * 60, 12 * 60);
  r->set_coverage(cti::v1::REDUCTION_COVERAGE_RECEPTION_MESSAGES);
  if (approved) {
    r->mutable_approval()->set_director_employee_id("dir");
    *r->mutable_approval()->mutable_approved_at() = Ts(testing::kT0);
  }
  e.mutable_actor()->set_id("dir");
  e.mutable_actor()->set_role(role);
  return e;
}

class ProjectorRoutingTest : public testing::ProjectionTest {
 protected:
  void SetUp() override {
    ProjectionTest::SetUp();
    DefineOrganisation();  // borgerservice: e1 Anna Holm, e2 Bo Lund
    ApplyAll({Hire("dir", "Dorte Direktør", "adm")});
  }
};

TEST_F(ProjectorRoutingTest, TP_3_13_AReductionOfExactlySixMonthsIsAccepted) {
  EXPECT_EQ(Rejection(Reduction(Date(2025, 1, 1), Date(2025, 6, 30), true, cti::v1::ROLE_DIRECTOR)),
            "");
}

TEST_F(ProjectorRoutingTest, TP_3_13_AReductionOneDayOverSixMonthsIsRefused) {
  const std::string reason =
      Rejection(Reduction(Date(2025, 1, 1), Date(2025, 7, 1), true, cti::v1::ROLE_DIRECTOR));
  EXPECT_THAT(reason, HasSubstr("staff.hours_change_set.reduction"));
  EXPECT_THAT(reason, HasSubstr("TP-3.13"));
  EXPECT_THAT(reason, HasSubstr("6 months"));
}

TEST_F(ProjectorRoutingTest, TP_3_13_AReductionNeedsADirectorsApprovalRecordedByADirector) {
  EXPECT_THAT(
      Rejection(Reduction(Date(2025, 1, 1), Date(2025, 2, 1), false, cti::v1::ROLE_DIRECTOR)),
      HasSubstr("needs a director's approval (TP-3.13)"));
  EXPECT_THAT(Rejection(Reduction(Date(2025, 1, 1), Date(2025, 2, 1), true, cti::v1::ROLE_ADMIN)),
              HasSubstr("must be recorded by a director (actor role is ROLE_ADMIN; TP-3.13)"));
}

TEST_F(ProjectorRoutingTest, TP_4_7_AnUnmannedPeriodNeedsADirectorsApproval) {
  cti::v1::Event e;
  auto* change = e.mutable_staff()->mutable_hours_change_set();
  change->set_unit_id("borgerservice");
  change->set_change_id("ubemandet");
  *change->mutable_unmanned()->mutable_start() = Ts(testing::kT0);
  *change->mutable_unmanned()->mutable_end() = Ts(testing::kT0 + 3600);
  EXPECT_THAT(Rejection(e), HasSubstr("an unmanned period needs a director's approval (TP-4.7)"));
}

TEST_F(ProjectorRoutingTest, HoursRefuseBadIntervalsNamingTheField) {
  cti::v1::Event e;
  auto* set = e.mutable_staff()->mutable_hours_set();
  set->set_unit_id("borgerservice");
  set->set_kind(cti::v1::HOURS_KIND_PHONE);
  *set->mutable_hours()->add_intervals() = Open(cti::v1::WEEKDAY_MONDAY, 8 * 60, 7 * 60);
  EXPECT_THAT(Rejection(e), HasSubstr("staff.hours_set.hours.intervals[0].close_minute"));
  set->mutable_hours()->clear_intervals();
  *set->mutable_hours()->add_intervals() = Open(cti::v1::WEEKDAY_MONDAY, 8 * 60, 12 * 60);
  *set->mutable_hours()->add_intervals() = Open(cti::v1::WEEKDAY_MONDAY, 11 * 60, 16 * 60);
  EXPECT_THAT(Rejection(e), HasSubstr("overlap"));
  set->set_kind(cti::v1::HOURS_KIND_UNSPECIFIED);
  EXPECT_THAT(Rejection(e), HasSubstr("staff.hours_set.kind"));
  set->set_kind(cti::v1::HOURS_KIND_PHONE);
  set->set_unit_id("nowhere");
  set->mutable_hours()->clear_intervals();
  EXPECT_THAT(Rejection(e), HasSubstr("nowhere"));
}

TEST_F(ProjectorRoutingTest, TP_4_8_AGroupNeedsActiveMembersAndCannotBeRetiredWhileUsed) {
  cti::v1::Event group;
  auto* g = group.mutable_staff()->mutable_group_defined()->mutable_group();
  g->set_group_id("bs");
  g->set_name("Borgerservice");
  g->set_unit_id("borgerservice");
  g->set_strategy(cti::v1::GROUP_STRATEGY_RING_ALL);
  EXPECT_THAT(Rejection(group), HasSubstr("staff.group_defined.group.members"));
  g->add_members()->set_employee_id("e1");
  g->add_members()->set_employee_id("e1");
  EXPECT_THAT(Rejection(group), HasSubstr("is a member twice"));
  g->mutable_members(1)->set_employee_id("ghost");
  EXPECT_THAT(Rejection(group), HasSubstr("ghost"));
  g->mutable_members(1)->set_employee_id("e2");
  ApplyAll({group});

  cti::v1::Event routing;
  routing.mutable_staff()->mutable_unit_routing_set()->set_unit_id("borgerservice");
  routing.mutable_staff()->mutable_unit_routing_set()->set_default_group_id("bs");
  ApplyAll({routing});
  cti::v1::Event retire;
  retire.mutable_staff()->mutable_group_retired()->set_group_id("bs");
  EXPECT_THAT(Rejection(retire), HasSubstr("still used by unit:borgerservice"));
  routing.mutable_staff()->mutable_unit_routing_set()->clear_default_group_id();
  ApplyAll({routing, retire});
  EXPECT_THAT(Rejection(retire), HasSubstr("retired"));
}

TEST_F(ProjectorRoutingTest, TP_5_1_DistributionRulesRefuseOverlapsAndKeepVersionsIncreasing) {
  cti::v1::Event e;
  auto* set = e.mutable_staff()->mutable_distribution_rules_set();
  set->set_unit_id("borgerservice");
  set->set_task("boligstøtte");
  set->set_version(2);
  auto* a = set->add_rules();
  a->mutable_cpr_day()->set_first_day(1);
  a->mutable_cpr_day()->set_last_day(15);
  a->add_employee_ids("e1");
  auto* b = set->add_rules();
  b->mutable_cpr_day()->set_first_day(10);
  b->mutable_cpr_day()->set_last_day(31);
  b->add_employee_ids("e2");
  EXPECT_THAT(Rejection(e), HasSubstr("overlap"));
  b->mutable_cpr_day()->set_first_day(16);
  ApplyAll({e});
  EXPECT_THAT(Rejection(e), HasSubstr("not after the current version 2 (TP-5.2)"));
  set->set_version(3);
  set->mutable_rules(1)->set_employee_ids(0, "ghost");
  EXPECT_THAT(Rejection(e), HasSubstr("ghost"));
}

TEST_F(ProjectorRoutingTest, TP_5_1_AHotlineMustEndWithinAYear) {
  cti::v1::Event group;
  auto* g = group.mutable_staff()->mutable_group_defined()->mutable_group();
  g->set_group_id("hot");
  g->set_name("Hotline");
  g->set_unit_id("skat");
  g->set_strategy(cti::v1::GROUP_STRATEGY_HUNT_LINEAR);
  g->add_members()->set_employee_id("e1");
  ApplyAll({group});
  cti::v1::Event e;
  auto* h = e.mutable_staff()->mutable_hotline_set();
  h->set_hotline_id("aarsopgoerelse");
  h->set_task("årsopgørelse");
  h->set_unit_id("skat");
  h->set_group_id("hot");
  *h->mutable_from() = Ts(testing::kT0);
  EXPECT_THAT(Rejection(e), HasSubstr("staff.hotline_set.until"));
  *h->mutable_until() = Ts(testing::kT0 + 367 * 24 * 3600);
  EXPECT_THAT(Rejection(e), HasSubstr("at most 366 days"));
  *h->mutable_until() = Ts(testing::kT0 + 30 * 24 * 3600);
  ApplyAll({e});
  cti::v1::Event retire;
  retire.mutable_staff()->mutable_group_retired()->set_group_id("hot");
  EXPECT_THAT(Rejection(retire), HasSubstr("hotline:aarsopgoerelse"));
}

TEST_F(ProjectorRoutingTest, TP_4_2_AReasonWithACprNumberIsRefused) {
  cti::v1::Event e;
  auto* change = e.mutable_staff()->mutable_hours_change_set();
  change->set_unit_id("borgerservice");
  change->set_change_id("lukket");
  change->set_reason("Borger 010190-1234 klager");
  *change->mutable_closure()->mutable_first_day() = Date(2025, 1, 2);
  *change->mutable_closure()->mutable_last_day() = Date(2025, 1, 2);
  EXPECT_THAT(Rejection(e), HasSubstr("TP-4.2"));
}

TEST_F(ProjectorRoutingTest, ClosureDaysNeedRealDatesAndNames) {
  cti::v1::Event e;
  auto* days = e.mutable_staff()->mutable_closure_days_set();
  auto* y = days->add_yearly();
  y->set_month(2);
  y->set_day(30);
  y->set_name("Ingen dag");
  EXPECT_THAT(Rejection(e), HasSubstr("staff.closure_days_set.yearly[0].day"));
  y->set_day(29);
  ApplyAll({e});
}

}  // namespace
}  // namespace cti::projections
