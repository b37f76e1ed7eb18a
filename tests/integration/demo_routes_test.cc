// The demo municipality (deploy/demo) loaded into a real ctid, and the answers that
// deploy/demo/ROUTES.md and the README promise, checked over gRPC: one test per routing
// rule, named after the TP rule it shows.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "cti/v1/event_service.grpc.pb.h"
#include "cti/v1/route_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/cti_client.h"
#include "tests/support/ctid_process.h"

namespace cti::test_support {
namespace {

using ::testing::HasSubstr;

constexpr char kDemoTenant[] = "demo";

// Appends every event of a JSON Lines file through AppendBatch, as `identity`; raises
// `*last` to the position of the last one.
void Load(CtidProcess& ctid, const std::string& path, const Identity& identity, uint64_t* last) {
  const absl::StatusOr<uint64_t> position = CtiClient(ctid.Channel(identity)).AppendJsonLines(path);
  ASSERT_TRUE(position.ok()) << position.status();
  *last = std::max(*last, *position);
}

class DemoRoutesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<std::unique_ptr<CtidProcess>> started = CtidProcess::Start({});
    ASSERT_TRUE(started.ok()) << started.status();
    ctid_ = started->release();
    const std::string demo = std::string(CTI_SOURCE_DIR) + "/deploy/demo/";
    Load(*ctid_, demo + "demo.jsonl", {"demo-loader", "system"}, &loaded_);
    Load(*ctid_, demo + "demo-director.jsonl", {"e314", "director"}, &loaded_);
  }
  static void TearDownTestSuite() {
    if (ctid_ != nullptr) {
      EXPECT_TRUE(ctid_->Stop().ok());
    }
    delete ctid_;
    ctid_ = nullptr;
  }

  // Routes `target` at `at` (RFC 3339), waiting for everything loaded to be applied.
  static cti::v1::RouteResponse Route(cti::v1::RouteTarget target, const std::string& at) {
    auto stub = cti::v1::RouteService::NewStub(ctid_->Channel({"reception-1", "reception"}));
    cti::v1::RouteRequest request;
    request.set_tenant(kDemoTenant);
    *request.mutable_target() = std::move(target);
    absl::Time when;
    std::string error;
    EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, at, &when, &error)) << error;
    request.mutable_at()->set_seconds(absl::ToUnixSeconds(when));
    request.set_min_position(loaded_);  // read after everything loaded was applied
    cti::v1::RouteResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    grpc::Status status = stub->Route(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_FALSE(response.steps().empty());
    if (!response.steps().empty()) {
      EXPECT_EQ(response.steps().rbegin()->kind(), cti::v1::STEP_KIND_RECEPTION_MESSAGE);
    }
    return response;
  }
  static cti::v1::RouteTarget Employee(const std::string& id) {
    cti::v1::RouteTarget t;
    t.set_employee_id(id);
    return t;
  }
  static cti::v1::RouteTarget Unit(const std::string& id) {
    cti::v1::RouteTarget t;
    t.set_unit_id(id);
    return t;
  }
  static std::string Reasons(const cti::v1::RouteResponse& r) {
    std::string all;
    for (const auto& reason : r.reasons())
      absl::StrAppend(&all, reason.rule(), ": ", reason.text(), "\n");
    return all;
  }

  static CtidProcess* ctid_;
  static uint64_t loaded_;  // position of the last demo event loaded
};
CtidProcess* DemoRoutesTest::ctid_ = nullptr;
uint64_t DemoRoutesTest::loaded_ = 0;

TEST_F(DemoRoutesTest, TP_4_5_ASickCaseworkerIsForwardedToAColleague) {
  const cti::v1::RouteResponse r = Route(Employee("e127"), "2026-12-01T10:00:00+01:00");
  EXPECT_EQ(r.steps(0).employee_id(), "e128") << Reasons(r);
  EXPECT_THAT(Reasons(r), HasSubstr("TP-4.5"));
}

TEST_F(DemoRoutesTest, TP_3_5_AnUnlistedEmployeeReachedByExtension) {
  cti::v1::RouteTarget t;
  t.set_extension("4191");
  const cti::v1::RouteResponse r = Route(t, "2026-12-01T10:00:00+01:00");
  EXPECT_TRUE(r.tell_caller().unlisted());
  EXPECT_TRUE(r.tell_caller().direct_number().empty());
}

TEST_F(DemoRoutesTest, TP_5_1_ARestrictedUnitRingsOnlyItsDutyExtension) {
  const cti::v1::RouteResponse r = Route(Unit("familie"), "2026-12-01T10:00:00+01:00");
  EXPECT_EQ(r.steps(0).employee_id(), "e333") << Reasons(r);
  EXPECT_THAT(Reasons(r), HasSubstr("TP-5.1"));
}

TEST_F(DemoRoutesTest, TP_3_13_APhoneDeskCoversAReduction) {
  const cti::v1::RouteResponse r = Route(Unit("plan"), "2026-12-02T10:00:00+01:00");
  EXPECT_EQ(r.steps(0).kind(), cti::v1::STEP_KIND_PHONE_DESK) << Reasons(r);
}

TEST_F(DemoRoutesTest, TP_4_7_AnUnmannedUnitGoesToReception) {
  const cti::v1::RouteResponse r = Route(Unit("natur-miljoe"), "2026-12-03T13:00:00+01:00");
  EXPECT_EQ(r.steps_size(), 1) << Reasons(r);
  EXPECT_THAT(Reasons(r), HasSubstr("TP-4.7"));
}

TEST_F(DemoRoutesTest, TP_3_14_AClosedUnitNamesItsNextOpening) {
  const cti::v1::RouteResponse r = Route(Unit("byggesag"), "2026-12-14T10:00:00+01:00");
  EXPECT_FALSE(r.tell_caller().open_now());
  EXPECT_EQ(r.tell_caller().hours_summary(), "man–ons 8–16, tors 8–17, fre 8–14");
  absl::Time next = absl::FromUnixSeconds(r.tell_caller().next_opening().seconds());
  EXPECT_EQ(absl::FormatTime("%Y-%m-%d %H:%M", next, absl::FixedTimeZone(3600)),
            "2026-12-16 08:00");
}

TEST_F(DemoRoutesTest, TP_3_1_TheEmergencyLineIsOpenOnChristmasEve) {
  const cti::v1::RouteResponse r = Route(Unit("akut-social"), "2026-12-24T22:00:00+01:00");
  EXPECT_TRUE(r.tell_caller().open_now()) << Reasons(r);
  EXPECT_EQ(r.steps(0).kind(), cti::v1::STEP_KIND_RING_GROUP);
  EXPECT_FALSE(Route(Unit("borgerservice"), "2026-12-24T10:00:00+01:00").tell_caller().open_now());
}

TEST_F(DemoRoutesTest, TP_5_1_AHotlineRunsForItsPeriodOnly) {
  cti::v1::RouteTarget task;
  task.set_task("årsopgørelse");
  EXPECT_EQ(Route(task, "2027-03-15T10:00:00+01:00").steps(0).kind(), cti::v1::STEP_KIND_HOTLINE);
  EXPECT_NE(Route(task, "2027-05-03T10:00:00+02:00").steps(0).kind(), cti::v1::STEP_KIND_HOTLINE);
}

TEST_F(DemoRoutesTest, TP_5_1_CasesGoToTheCaseworkerOrTheStandIn) {
  cti::v1::RouteTarget cpr;
  cpr.mutable_case_target()->set_task("kontanthjælp");
  cpr.mutable_case_target()->set_cpr("250590-1234");
  const cti::v1::RouteResponse r = Route(cpr, "2026-12-08T10:00:00+01:00");
  EXPECT_EQ(r.steps(0).employee_id(), "e132") << Reasons(r);  // e131 is on holiday
  EXPECT_THAT(r.resolved_target(), HasSubstr("cpr-day:25"));

  cti::v1::RouteTarget surname;
  surname.mutable_case_target()->set_task("boligstøtte");
  surname.mutable_case_target()->set_surname("Østergaard");
  EXPECT_EQ(Route(surname, "2026-12-01T10:00:00+01:00").steps(0).employee_id(), "e274");

  cti::v1::RouteTarget digit;
  digit.mutable_case_target()->set_task("sygedagpenge");
  digit.mutable_case_target()->set_case_key("cpr-digit:7");
  EXPECT_EQ(Route(digit, "2026-12-01T10:00:00+01:00").steps(0).employee_id(), "e148");
}

TEST_F(DemoRoutesTest, TP_4_8_TheDemoHasNoRouteEndingWithNobody) {
  auto stub = cti::v1::RouteService::NewStub(ctid_->Channel({"it-drift", "admin"}));
  cti::v1::CheckRequest request;
  request.set_tenant(kDemoTenant);
  request.set_min_position(loaded_);
  cti::v1::CheckResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(stub->Check(&context, request, &response).ok());
  EXPECT_EQ(response.findings_size(), 0) << response.DebugString();
}

}  // namespace
}  // namespace cti::test_support
