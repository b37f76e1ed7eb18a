// Callbacks (TP-4.3, TP-3.14): the due time fixed when requested (today's phone hours,
// or the next phone day's after hours, over weekends and holidays, by the assignee's
// unit's hours), reassignment, completion once, the open / overdue / completed lists and
// the refusals naming the field.
#include "projections/callbacks.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/hours/time_zone.h"
#include "projections/testing/test_util.h"

namespace cti::projections {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::kTenant;

absl::TimeZone Zone() { return *cti::hours::CopenhagenTimeZone(); }

absl::Time Local(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0), Zone());
}

google::protobuf::Timestamp Ts(absl::Time t) { return testing::Ts(absl::ToUnixSeconds(t)); }

absl::Time TimeOf(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds());
}

using testing::At;

cti::v1::Event Requested(
    const std::string& id, cti::v1::CallTarget assignee, absl::Time t,
    cti::v1::CallbackSource source = cti::v1::CALLBACK_SOURCE_CITIZEN_REQUESTED,
    const std::string& number = "+4520304050") {
  cti::v1::Event e;
  auto* c = e.mutable_call()->mutable_callback_requested();
  c->set_callback_id(id);
  *c->mutable_assignee() = std::move(assignee);
  c->set_callback_number(number);
  c->set_source(source);
  return At(e, t);
}

constexpr auto& Employee = testing::EmployeeTarget;
constexpr auto& Unit = testing::UnitTarget;

cti::v1::Event Assigned(const std::string& id, cti::v1::CallTarget assignee, absl::Time t) {
  cti::v1::Event e;
  auto* c = e.mutable_call()->mutable_callback_assigned();
  c->set_callback_id(id);
  *c->mutable_assignee() = std::move(assignee);
  return At(e, t);
}

cti::v1::Event Completed(const std::string& id, absl::Time t) {
  cti::v1::Event e;
  e.mutable_call()->mutable_callback_completed()->set_callback_id(id);
  return At(e, t);
}

// Skat's own phone hours: Monday to Friday 08:00-09:30 (TP-3.4, TP-3.10).
cti::v1::Event SkatHours(int close_minute) {
  cti::v1::Event e;
  auto* set = e.mutable_staff()->mutable_hours_set();
  set->set_unit_id("skat");
  set->set_kind(cti::v1::HOURS_KIND_PHONE);
  for (auto day : {cti::v1::WEEKDAY_MONDAY, cti::v1::WEEKDAY_TUESDAY, cti::v1::WEEKDAY_WEDNESDAY,
                   cti::v1::WEEKDAY_THURSDAY, cti::v1::WEEKDAY_FRIDAY}) {
    cti::v1::OpenInterval* i = set->mutable_hours()->add_intervals();
    i->set_day(day);
    i->set_open_minute(8 * 60);
    i->set_close_minute(close_minute);
  }
  return e;
}

class CallbacksTest : public testing::ProjectionTest {
 protected:
  void SetUp() override {
    ProjectionTest::SetUp();
    DefineOrganisation();
    ApplyAll({testing::Hire("e3", "Carl Dahl", "skat", "4713", {})});
  }

  absl::StatusOr<cti::v1::ListCallbacksResponse> TryList(cti::v1::ListCallbacksRequest request,
                                                         absl::Time at) {
    request.set_tenant(kTenant);
    return Callbacks(store_.get(), Zone()).List(request, at);
  }

  cti::v1::ListCallbacksResponse List(
      absl::Time at, cti::v1::CallbackFilter filter = cti::v1::CALLBACK_FILTER_OPEN,
      const std::string& unit = "", const std::string& employee = "") {
    cti::v1::ListCallbacksRequest request;
    request.set_filter(filter);
    request.set_unit_id(unit);
    request.set_employee_id(employee);
    absl::StatusOr<cti::v1::ListCallbacksResponse> listed = TryList(request, at);
    EXPECT_TRUE(listed.ok()) << listed.status();
    return listed.ok() ? *listed : cti::v1::ListCallbacksResponse();
  }

  static std::vector<std::string> Ids(const cti::v1::ListCallbacksResponse& response) {
    std::vector<std::string> ids;
    for (const cti::v1::PromisedCallback& c : response.callbacks()) ids.push_back(c.callback_id());
    return ids;
  }
};

TEST_F(CallbacksTest, TP_4_3_ACallbackRequestedWithinPhoneHoursIsDueWhenTheyEndToday) {
  // Monday 1 December 2025 10:00; Borgerservice has the municipality's hours (8-16).
  ApplyAll({Requested("cb1", Employee("e1"), Local(2025, 12, 1, 10, 0))});
  const cti::v1::ListCallbacksResponse listed = List(Local(2025, 12, 1, 11, 0));
  ASSERT_EQ(listed.callbacks_size(), 1);
  const cti::v1::PromisedCallback& cb = listed.callbacks(0);
  EXPECT_EQ(cb.callback_id(), "cb1");
  EXPECT_EQ(TimeOf(cb.due_at()), Local(2025, 12, 1, 16, 0));
  EXPECT_FALSE(cb.due_next_phone_day());
  EXPECT_EQ(TimeOf(cb.requested_at()), Local(2025, 12, 1, 10, 0));
  EXPECT_EQ(cb.source(), cti::v1::CALLBACK_SOURCE_CITIZEN_REQUESTED);
  EXPECT_EQ(cb.callback_number(), "+4520304050");
  EXPECT_EQ(cb.assignee().employee_id(), "e1");
  EXPECT_EQ(cb.unit_id(), "borgerservice");
  EXPECT_FALSE(cb.overdue());
  EXPECT_EQ(listed.open(), 1u);
  EXPECT_EQ(listed.overdue(), 0u);
}

TEST_F(CallbacksTest, TP_4_3_ACallbackRequestedAfterHoursIsDueTheNextPhoneDay) {
  ApplyAll({
      // Monday 16:30: Tuesday 16:00.
      Requested("evening", Employee("e1"), Local(2025, 12, 1, 16, 30)),
      // Friday 14:00 (Friday closes at 14): Monday 16:00.
      Requested("friday", Unit("borgerservice"), Local(2025, 12, 5, 14, 0),
                cti::v1::CALLBACK_SOURCE_COLLEAGUE_PROMISED),
      // Christmas Eve 2025 is a Wednesday (open 8-16 unless the municipality closes);
      // 17:00, then Juledag, 2. juledag and the weekend: Monday 29 December.
      Requested("christmas", Employee("e2"), Local(2025, 12, 24, 17, 0)),
      // Saturday: Monday.
      Requested("saturday", Employee("e2"), Local(2025, 12, 6, 10, 0)),
  });
  const cti::v1::ListCallbacksResponse listed = List(Local(2025, 12, 1, 17, 0));
  ASSERT_EQ(listed.callbacks_size(), 4);
  EXPECT_THAT(Ids(listed), ElementsAre("evening", "friday", "saturday", "christmas"));
  EXPECT_EQ(TimeOf(listed.callbacks(0).due_at()), Local(2025, 12, 2, 16, 0));
  EXPECT_EQ(TimeOf(listed.callbacks(1).due_at()), Local(2025, 12, 8, 16, 0));
  EXPECT_EQ(TimeOf(listed.callbacks(2).due_at()), Local(2025, 12, 8, 16, 0));
  EXPECT_EQ(TimeOf(listed.callbacks(3).due_at()), Local(2025, 12, 29, 16, 0));
  for (const cti::v1::PromisedCallback& cb : listed.callbacks()) {
    EXPECT_TRUE(cb.due_next_phone_day()) << cb.callback_id();
  }
  EXPECT_EQ(listed.callbacks(1).source(), cti::v1::CALLBACK_SOURCE_COLLEAGUE_PROMISED);
}

TEST_F(CallbacksTest, TP_3_14_TheDueTimeFollowsTheAssigneesUnitAndStaysWhenHoursChange) {
  ApplyAll({SkatHours(9 * 60 + 30),
            // Monday 09:00, Carl in Skat (08:00-09:30): today 09:30.
            Requested("today", Employee("e3"), Local(2025, 12, 1, 9, 0)),
            // Monday 10:00, Skat closed already: Tuesday 09:30.
            Requested("tomorrow", Unit("skat"), Local(2025, 12, 1, 10, 0))});
  cti::v1::ListCallbacksResponse listed = List(Local(2025, 12, 1, 10, 0));
  ASSERT_EQ(listed.callbacks_size(), 2);
  EXPECT_EQ(TimeOf(listed.callbacks(0).due_at()), Local(2025, 12, 1, 9, 30));
  EXPECT_FALSE(listed.callbacks(0).due_next_phone_day());
  EXPECT_TRUE(listed.callbacks(0).overdue());
  EXPECT_EQ(TimeOf(listed.callbacks(1).due_at()), Local(2025, 12, 2, 9, 30));
  EXPECT_TRUE(listed.callbacks(1).due_next_phone_day());
  // Longer hours later do not move a promise already made.
  ApplyAll({SkatHours(15 * 60)});
  listed = List(Local(2025, 12, 1, 10, 0));
  EXPECT_EQ(TimeOf(listed.callbacks(1).due_at()), Local(2025, 12, 2, 9, 30));
}

TEST_F(CallbacksTest, TP_4_3_AnOpenCallbackCanBeReassignedAndKeepsItsDueTime) {
  ApplyAll({Requested("cb1", Employee("e1"), Local(2025, 12, 1, 10, 0)),
            Assigned("cb1", Employee("e3"), Local(2025, 12, 1, 10, 5))});
  const cti::v1::ListCallbacksResponse skat =
      List(Local(2025, 12, 1, 11, 0), cti::v1::CALLBACK_FILTER_OPEN, "skat");
  ASSERT_EQ(skat.callbacks_size(), 1);
  EXPECT_EQ(skat.callbacks(0).assignee().employee_id(), "e3");
  EXPECT_EQ(skat.callbacks(0).unit_id(), "skat");
  EXPECT_EQ(skat.callbacks(0).reassignments(), 1u);
  EXPECT_EQ(TimeOf(skat.callbacks(0).due_at()), Local(2025, 12, 1, 16, 0));
  EXPECT_EQ(List(Local(2025, 12, 1, 11, 0), cti::v1::CALLBACK_FILTER_OPEN, "borgerservice")
                .callbacks_size(),
            0);
  EXPECT_EQ(
      List(Local(2025, 12, 1, 11, 0), cti::v1::CALLBACK_FILTER_OPEN, "", "e3").callbacks_size(), 1);
  EXPECT_EQ(
      List(Local(2025, 12, 1, 11, 0), cti::v1::CALLBACK_FILTER_OPEN, "", "e1").callbacks_size(), 0);
  // Again to the same assignee: refused.
  EXPECT_THAT(Rejection(Assigned("cb1", Employee("e3"), Local(2025, 12, 1, 10, 6))),
              HasSubstr("already assigned"));
  // To a number: allowed.
  ApplyAll({Assigned(
      "cb1",
      [] {
        cti::v1::CallTarget t;
        t.set_number("+4577778888");
        return t;
      }(),
      Local(2025, 12, 1, 10, 7))});
}

TEST_F(CallbacksTest, TP_4_3_ACallbackIsCompletedOnceAndASecondCompletionIsRefused) {
  ApplyAll({Requested("cb1", Employee("e1"), Local(2025, 12, 1, 10, 0)),
            Completed("cb1", Local(2025, 12, 1, 11, 0))});
  EXPECT_THAT(Rejection(Completed("cb1", Local(2025, 12, 1, 11, 5))),
              HasSubstr("callback_id 'cb1' was already completed"));
  EXPECT_THAT(Rejection(Assigned("cb1", Employee("e2"), Local(2025, 12, 1, 11, 6))),
              HasSubstr("already completed"));
  EXPECT_EQ(List(Local(2025, 12, 1, 12, 0)).callbacks_size(), 0);
  EXPECT_EQ(List(Local(2025, 12, 1, 12, 0)).open(), 0u);
  // Completed today (the window starts at local midnight by default).
  const cti::v1::ListCallbacksResponse done =
      List(Local(2025, 12, 1, 12, 0), cti::v1::CALLBACK_FILTER_COMPLETED);
  ASSERT_EQ(done.callbacks_size(), 1);
  EXPECT_TRUE(done.callbacks(0).completed());
  EXPECT_EQ(TimeOf(done.callbacks(0).completed_at()), Local(2025, 12, 1, 11, 0));
  EXPECT_FALSE(done.callbacks(0).overdue());
  // The next day it is no longer today's; a window from Monday shows it.
  EXPECT_EQ(List(Local(2025, 12, 2, 9, 0), cti::v1::CALLBACK_FILTER_COMPLETED).callbacks_size(), 0);
  cti::v1::ListCallbacksRequest request;
  request.set_filter(cti::v1::CALLBACK_FILTER_COMPLETED);
  *request.mutable_completed_since() = Ts(Local(2025, 12, 1, 0, 0));
  absl::StatusOr<cti::v1::ListCallbacksResponse> window =
      TryList(request, Local(2025, 12, 2, 9, 0));
  ASSERT_TRUE(window.ok()) << window.status();
  EXPECT_THAT(Ids(*window), ElementsAre("cb1"));
  // Not before it was completed.
  EXPECT_EQ(List(Local(2025, 12, 1, 10, 30), cti::v1::CALLBACK_FILTER_COMPLETED).callbacks_size(),
            0);
}

TEST_F(CallbacksTest, TP_4_3_TheOverdueListIsJudgedAtAnInstant) {
  ApplyAll({Requested("monday", Employee("e1"), Local(2025, 12, 1, 10, 0)),
            Requested("tuesday", Employee("e2"), Local(2025, 12, 2, 9, 0)),
            Requested("skat", Employee("e3"), Local(2025, 12, 1, 15, 0))});
  // Monday 15:59: nothing overdue yet.
  cti::v1::ListCallbacksResponse at =
      List(Local(2025, 12, 1, 15, 59), cti::v1::CALLBACK_FILTER_OVERDUE);
  EXPECT_EQ(at.callbacks_size(), 0);
  EXPECT_EQ(at.open(), 3u);
  // Tuesday 10:00: Monday's two are overdue, Tuesday's is not.
  at = List(Local(2025, 12, 2, 10, 0), cti::v1::CALLBACK_FILTER_OVERDUE);
  EXPECT_THAT(Ids(at), ElementsAre("monday", "skat"));
  EXPECT_EQ(at.open(), 3u);
  EXPECT_EQ(at.overdue(), 2u);
  EXPECT_EQ(TimeOf(at.at()), Local(2025, 12, 2, 10, 0));
  // Per unit.
  at = List(Local(2025, 12, 2, 10, 0), cti::v1::CALLBACK_FILTER_OVERDUE, "borgerservice");
  EXPECT_THAT(Ids(at), ElementsAre("monday"));
  EXPECT_EQ(at.open(), 2u);
  // request.at wins over the caller's now.
  cti::v1::ListCallbacksRequest request;
  request.set_filter(cti::v1::CALLBACK_FILTER_OVERDUE);
  *request.mutable_at() = Ts(Local(2025, 12, 3, 10, 0));
  absl::StatusOr<cti::v1::ListCallbacksResponse> later = TryList(request, Local(2025, 12, 1, 0, 0));
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->callbacks_size(), 3);
}

TEST_F(CallbacksTest, TP_4_3_BadCallbacksAreRefusedNamingTheField) {
  const absl::Time t = Local(2025, 12, 1, 10, 0);
  EXPECT_THAT(Rejection(Requested("cb1", Employee("e1"), t,
                                  cti::v1::CALLBACK_SOURCE_CITIZEN_REQUESTED, "")),
              HasSubstr("call.callback_requested.callback_number"));
  EXPECT_THAT(
      Rejection(Requested("cb1", Employee("e1"), t, static_cast<cti::v1::CallbackSource>(99))),
      HasSubstr("call.callback_requested.source"));
  EXPECT_THAT(Rejection(Requested("cb1", Employee("nobody"), t)),
              HasSubstr("employee_id 'nobody' not found"));
  EXPECT_THAT(Rejection(Requested("cb1", cti::v1::CallTarget(), t)),
              HasSubstr("call.callback_requested.assignee"));
  ApplyAll({testing::Leave("e2")});
  EXPECT_THAT(Rejection(Requested("cb1", Employee("e2"), t)),
              HasSubstr("employee_id 'e2' has left"));
  ApplyAll({Requested("cb1", Employee("e1"), t)});
  EXPECT_THAT(Rejection(Requested("cb1", Employee("e1"), t)), HasSubstr("already exists"));
  EXPECT_THAT(Rejection(Assigned("cb9", Employee("e1"), t)), HasSubstr("callback_id 'cb9'"));
  EXPECT_THAT(Rejection(Completed("", t)), HasSubstr("call.callback_completed.callback_id"));
  EXPECT_THAT(Rejection(Assigned("cb1", Employee("e2"), t)),
              HasSubstr("employee_id 'e2' has left"));
  EXPECT_THAT(Rejection(Assigned("cb1", cti::v1::CallTarget(), t)),
              HasSubstr("call.callback_assigned.assignee"));

  // The query.
  cti::v1::ListCallbacksRequest both;
  both.set_unit_id("skat");
  both.set_employee_id("e1");
  EXPECT_THAT(TryList(both, t).status().message(), HasSubstr("unit_id, employee_id"));
  cti::v1::ListCallbacksRequest filter;
  filter.set_filter(static_cast<cti::v1::CallbackFilter>(42));
  EXPECT_THAT(TryList(filter, t).status().message(), HasSubstr("filter"));
  cti::v1::ListCallbacksRequest since;
  since.set_filter(cti::v1::CALLBACK_FILTER_COMPLETED);
  *since.mutable_completed_since() = Ts(t + absl::Hours(1));
  EXPECT_THAT(TryList(since, t).status().message(), HasSubstr("completed_since"));
  cti::v1::ListCallbacksRequest unit;
  unit.set_unit_id("nowhere");
  EXPECT_EQ(TryList(unit, t).status().code(), absl::StatusCode::kNotFound);
  cti::v1::ListCallbacksRequest limit;
  limit.set_limit(10000);
  EXPECT_THAT(TryList(limit, t).status().message(), HasSubstr("limit"));
  cti::v1::ListCallbacksRequest no_tenant;
  EXPECT_EQ(Callbacks(store_.get(), Zone()).List(no_tenant, t).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(CallbacksTest, TP_4_3_TheListIsCutAtTheLimit) {
  for (int i = 0; i < 5; ++i) {
    ApplyAll({Requested(absl::StrCat("cb", i), Employee("e1"), Local(2025, 12, 1, 9, i))});
  }
  cti::v1::ListCallbacksRequest request;
  request.set_limit(2);
  absl::StatusOr<cti::v1::ListCallbacksResponse> listed =
      TryList(request, Local(2025, 12, 1, 10, 0));
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->callbacks_size(), 2);
  EXPECT_TRUE(listed->truncated());
  EXPECT_EQ(listed->open(), 5u);
}

}  // namespace
}  // namespace cti::projections
