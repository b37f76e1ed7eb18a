// The live-calls view (CallService.ListLiveCalls): where each call in progress stands,
// counts per unit and employee, filters, and calls leaving once ended or abandoned.
#include "projections/live_calls.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/testing/test_util.h"

namespace cti::projections {
namespace {

using testing::Abandoned;
using testing::AnsweredBy;
using testing::BranchFailedAt;
using testing::Ended;
using testing::Failed;
using ::testing::HasSubstr;
using testing::kT0;
using testing::kTenant;
using testing::Offered;
using testing::RingingAt;
using testing::TransferredTo;

class LiveCallsTest : public testing::ProjectionTest {
 protected:
  void SetUp() override {
    ProjectionTest::SetUp();
    DefineOrganisation();
    ApplyAll({testing::Hire("e3", "Carl Dahl", "skat", "4713", {})});
  }

  cti::v1::ListLiveCallsResponse List(const std::string& unit = "",
                                      const std::string& employee = "") {
    cti::v1::ListLiveCallsRequest request;
    request.set_tenant(kTenant);
    request.set_unit_id(unit);
    request.set_employee_id(employee);
    absl::StatusOr<cti::v1::ListLiveCallsResponse> listed = LiveCalls(store_.get()).List(request);
    EXPECT_TRUE(listed.ok()) << listed.status();
    return listed.ok() ? *listed : cti::v1::ListLiveCallsResponse();
  }

  static cti::v1::Event RingingAtUnit(const std::string& call_id, const std::string& unit) {
    cti::v1::Event e = testing::CallEvent(call_id);
    e.mutable_call()->mutable_ringing()->mutable_target()->set_unit_id(unit);
    return e;
  }

  static std::vector<std::string> Ids(const cti::v1::ListLiveCallsResponse& response) {
    std::vector<std::string> ids;
    for (const cti::v1::LiveCall& call : response.calls()) ids.push_back(call.call_id());
    return ids;
  }
};

TEST_F(LiveCallsTest, TP_6_1_AnOfferedCallWaitsAtReceptionUntilItRings) {
  ApplyAll({Offered("c1", "+4520304050")});
  const cti::v1::ListLiveCallsResponse listed = List();
  ASSERT_EQ(listed.calls_size(), 1);
  const cti::v1::LiveCall& call = listed.calls(0);
  EXPECT_EQ(call.call_id(), "c1");
  EXPECT_EQ(call.state(), cti::v1::LIVE_CALL_STATE_WAITING);
  EXPECT_EQ(call.caller_number(), "+4520304050");
  EXPECT_EQ(call.dialled_number(), "+4573767676");
  EXPECT_FALSE(call.has_target());
  EXPECT_EQ(call.unit_id(), "");
  EXPECT_EQ(call.offered_at().seconds(), call.state_since().seconds());
  EXPECT_EQ(listed.total().waiting(), 1u);
  EXPECT_EQ(listed.units_size(), 0);
}

TEST_F(LiveCallsTest, AFailedBranchLeavesTheCallWaitingAndAFailedCallLeaves) {
  ApplyAll({Offered("c1"), RingingAt("c1", "e1"), RingingAt("c1", "e2")});
  // Parallel ringing: a branch that is not the last one rung changes nothing.
  ApplyAll({BranchFailedAt("c1", "e1", 486)});
  cti::v1::LiveCall call = List().calls(0);
  EXPECT_EQ(call.state(), cti::v1::LIVE_CALL_STATE_RINGING);
  EXPECT_EQ(call.employee_id(), "e2");
  const int64_t rang = call.state_since().seconds();
  ApplyAll({BranchFailedAt("c1", "e2", 408)});
  call = List().calls(0);
  EXPECT_EQ(call.state(), cti::v1::LIVE_CALL_STATE_WAITING);
  EXPECT_FALSE(call.has_target());
  EXPECT_EQ(call.employee_id(), "");
  EXPECT_GT(call.state_since().seconds(), rang);
  EXPECT_EQ(List().total().waiting(), 1u);

  ApplyAll({Offered("c2")});
  ApplyAll({Failed("c1", 480)});
  EXPECT_EQ(Ids(List()), std::vector<std::string>{"c2"});
  ApplyAll({Failed("c2", 503, "Service Unavailable")});
  EXPECT_EQ(List().calls_size(), 0);
  EXPECT_EQ(List().total().waiting(), 0u);
}

TEST_F(LiveCallsTest, TP_6_3_TheStateFollowsTheCallAndAFinishedCallLeaves) {
  ApplyAll({Offered("c1")});
  const int64_t offered = List().calls(0).offered_at().seconds();
  ApplyAll({RingingAt("c1", "e1")});
  cti::v1::LiveCall call = List().calls(0);
  EXPECT_EQ(call.state(), cti::v1::LIVE_CALL_STATE_RINGING);
  EXPECT_EQ(call.employee_id(), "e1");
  EXPECT_EQ(call.unit_id(), "borgerservice");  // the employee's unit
  EXPECT_EQ(call.target().employee_id(), "e1");
  EXPECT_GT(call.state_since().seconds(), offered);
  const int64_t rang = call.state_since().seconds();

  ApplyAll({AnsweredBy("c1", "e1")});
  call = List().calls(0);
  EXPECT_EQ(call.state(), cti::v1::LIVE_CALL_STATE_TALKING);
  EXPECT_GT(call.state_since().seconds(), rang);
  EXPECT_EQ(call.offered_at().seconds(), offered);

  // Transferred (TP-6.3): the caller waits for the new target to ring.
  ApplyAll({TransferredTo("c1", "e3")});
  call = List().calls(0);
  EXPECT_EQ(call.state(), cti::v1::LIVE_CALL_STATE_WAITING);
  EXPECT_EQ(call.employee_id(), "e3");
  EXPECT_EQ(call.unit_id(), "skat");

  ApplyAll({RingingAt("c1", "e3"), AnsweredBy("c1", "e3"), Ended("c1")});
  const cti::v1::ListLiveCallsResponse after = List();
  EXPECT_EQ(after.calls_size(), 0);
  EXPECT_EQ(after.total().waiting() + after.total().ringing() + after.total().talking(), 0u);

  ApplyAll({Offered("c2"), RingingAt("c2", "e2"), Abandoned("c2")});
  EXPECT_EQ(List().calls_size(), 0);
}

TEST_F(LiveCallsTest, CountsPerUnitAndEmployeeFiltersAndOrder) {
  cti::v1::Event other = Offered("x1");
  other.set_tenant("odense");  // another municipality's call is not counted here
  ApplyAll({Offered("c1"), AnsweredBy("c1", "e1"), Offered("c2"), RingingAt("c2", "e2"),
            Offered("c3"), Offered("c4"), RingingAtUnit("c4", "skat"), Offered("c5"),
            Abandoned("c5"), other});
  const cti::v1::ListLiveCallsResponse all = List();
  EXPECT_THAT(Ids(all), ::testing::ElementsAre("c1", "c2", "c3", "c4"));  // earliest first
  EXPECT_EQ(all.total().waiting(), 1u);
  EXPECT_EQ(all.total().ringing(), 2u);
  EXPECT_EQ(all.total().talking(), 1u);
  ASSERT_EQ(all.units_size(), 2);
  EXPECT_EQ(all.units(0).unit_id(), "borgerservice");
  EXPECT_EQ(all.units(0).ringing(), 1u);
  EXPECT_EQ(all.units(0).talking(), 1u);
  EXPECT_EQ(all.units(1).unit_id(), "skat");
  EXPECT_EQ(all.units(1).ringing(), 1u);
  ASSERT_EQ(all.employees_size(), 2);
  EXPECT_EQ(all.employees(0).employee_id(), "e1");
  EXPECT_EQ(all.employees(0).talking(), 1u);
  EXPECT_EQ(all.employees(1).employee_id(), "e2");
  EXPECT_EQ(all.employees(1).ringing(), 1u);

  const cti::v1::ListLiveCallsResponse unit = List("borgerservice");
  EXPECT_THAT(Ids(unit), ::testing::ElementsAre("c1", "c2"));
  EXPECT_EQ(unit.units_size(), 1);
  EXPECT_EQ(unit.total().ringing(), 2u);  // the tenant's totals, not only the unit's
  EXPECT_THAT(Ids(List("", "e2")), ::testing::ElementsAre("c2"));
  EXPECT_THAT(Ids(List("skat")), ::testing::ElementsAre("c4"));
}

TEST_F(LiveCallsTest, BadRequestsAreRefusedNamingTheField) {
  cti::v1::ListLiveCallsRequest request;
  EXPECT_EQ(LiveCalls(store_.get()).List(request).status().code(),
            absl::StatusCode::kInvalidArgument);
  request.set_tenant(kTenant);
  request.set_unit_id("borgerservice");
  request.set_employee_id("e1");
  absl::Status both = LiveCalls(store_.get()).List(request).status();
  EXPECT_EQ(both.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(both.message(), HasSubstr("unit_id, employee_id"));
  request.clear_employee_id();
  request.set_unit_id("nope");
  absl::Status unknown = LiveCalls(store_.get()).List(request).status();
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(unknown.message(), HasSubstr("unit_id 'nope'"));
  request.set_unit_id("");
  request.set_employee_id("e9");
  EXPECT_EQ(LiveCalls(store_.get()).List(request).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace cti::projections
