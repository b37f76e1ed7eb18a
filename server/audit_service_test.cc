// AuditService.Replay over gRPC (proto/cti/v1/audit_service.proto is the contract): the
// replayed records equal the log, with outcomes; ranges by position and by time; the
// filters; progress; refusals. And Route's decision traces (decision_trace.h), replayed.
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cti/v1/audit_service.grpc.pb.h"
#include "cti/v1/route_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/identity.h"
#include "server/status_mapping.h"
#include "server/testing/server_fixture.h"

namespace cti::server::testing {
namespace {

using ::testing::HasSubstr;

// What a replay delivered.
struct Replayed {
  grpc::Status status;
  std::vector<cti::v1::LogRecord> records;
  std::vector<cti::v1::ReplayResponse> messages;  // without their records
};

class AuditServiceTest : public ::testing::Test {
 protected:
  AuditServiceTest() : audit_(cti::v1::AuditService::NewStub(fixture_.channel())) {}

  Replayed Replay(cti::v1::ReplayRequest request) {
    if (request.tenant().empty()) request.set_tenant(kTenant);
    Replayed out;
    std::unique_ptr<grpc::ClientContext> context = NewContext(true, absl::Seconds(30));
    auto reader = audit_->Replay(context.get(), request);
    cti::v1::ReplayResponse response;
    while (reader->Read(&response)) {
      for (const cti::v1::LogRecord& record : response.records()) out.records.push_back(record);
      response.clear_records();
      out.messages.push_back(response);
    }
    out.status = reader->Finish();
    return out;
  }

  uint64_t AppendOk(const cti::v1::Event& event, const std::string& actor = "test-admin") {
    cti::v1::AppendRequest request;
    *request.mutable_event() = event;
    cti::v1::AppendResponse response;
    std::unique_ptr<grpc::ClientContext> context = NewContext(/*identity=*/false);
    context->AddMetadata(kActorHeader, actor);
    context->AddMetadata(kRoleHeader, "admin");
    const grpc::Status status = fixture_.events().Append(context.get(), request, &response);
    EXPECT_TRUE(IsOk(status)) << event.ShortDebugString();
    return response.position();
  }

  // Appends `event` to the log without validation (as a concurrent writer could have it
  // land), so that the projector rejects it at apply time.
  uint64_t AppendUnchecked(cti::v1::Event event) {
    event.set_event_id(absl::StrCat("unchecked-", ++unchecked_));
    event.mutable_actor()->set_id("test-admin");
    event.mutable_actor()->set_role(cti::v1::ROLE_ADMIN);
    event.set_schema_version(1);
    absl::StatusOr<cti::log::AppendResult> appended = fixture_.server().log()->Append(event);
    EXPECT_TRUE(appended.ok()) << appended.status();
    return appended.ok() ? appended->position : 0;
  }

  // Every record of the tenant's partition, read from the log itself, with its outcome
  // as the projector recorded it (read through Subscribe's catch-up, which reads the
  // log the same way and is tested on its own).
  std::vector<cti::v1::LogRecord> LogOf(uint64_t last) {
    absl::StatusOr<std::unique_ptr<cti::log::LogReader>> reader =
        fixture_.server().log()->OpenReader(0, 1);
    EXPECT_TRUE(reader.ok());
    std::vector<cti::v1::LogRecord> records;
    while (records.size() < last) {
      absl::StatusOr<std::vector<cti::v1::LogRecord>> next =
          (*reader)->Next(1000, absl::Seconds(1));
      EXPECT_TRUE(next.ok());
      if (!next.ok() || next->empty()) break;
      for (cti::v1::LogRecord& record : *next) records.push_back(std::move(record));
    }
    return records;
  }

  ServerFixture fixture_;
  std::unique_ptr<cti::v1::AuditService::Stub> audit_;
  int unchecked_ = 0;
};

TEST_F(AuditServiceTest, ReplayEqualsTheLogWithOutcomes) {
  AppendOk(Administration("borger", "Borgerservice"));
  uint64_t last = 0;
  std::vector<uint64_t> rejected;
  for (int i = 0; i < 2500; ++i) {
    last = AppendOk(CallOffered(absl::StrCat("c", i)));
    if (i % 500 == 7) {
      // A hire into a unit never defined: rejected at apply time.
      last = AppendUnchecked(Hire(absl::StrCat("e", i), "Anna Holm", "nowhere"));
      rejected.push_back(last);
    }
  }
  fixture_.Status(last);  // applied

  cti::v1::ReplayRequest request;
  request.set_batch_records(300);
  Replayed replayed = Replay(request);
  ASSERT_TRUE(IsOk(replayed.status));
  const std::vector<cti::v1::LogRecord> log = LogOf(last);
  ASSERT_EQ(replayed.records.size(), log.size());
  for (size_t i = 0; i < log.size(); ++i) {
    SCOPED_TRACE(absl::StrCat("position ", log[i].position()));
    EXPECT_EQ(replayed.records[i].position(), log[i].position());
    EXPECT_EQ(replayed.records[i].event().SerializeAsString(), log[i].event().SerializeAsString());
    const bool is_rejected =
        std::find(rejected.begin(), rejected.end(), log[i].position()) != rejected.end();
    EXPECT_EQ(replayed.records[i].outcome().rejected(), is_rejected);
    if (is_rejected) {
      EXPECT_THAT(replayed.records[i].outcome().reason(), HasSubstr("nowhere"));
    }
  }
  // At most batch_records per message; every message names the range; progress only
  // grows and ends at the range's end.
  ASSERT_GE(replayed.messages.size(), log.size() / 300);
  uint64_t scanned = 0;
  for (const cti::v1::ReplayResponse& message : replayed.messages) {
    EXPECT_EQ(message.first_position(), 1u);
    EXPECT_EQ(message.last_position(), last);
    EXPECT_GT(message.scanned_through(), scanned);
    scanned = message.scanned_through();
  }
  EXPECT_EQ(scanned, last);
}

TEST_F(AuditServiceTest, PositionRangeIsInclusiveAndCutAtTheAppliedEnd) {
  uint64_t last = 0;
  for (int i = 0; i < 20; ++i) last = AppendOk(CallOffered(absl::StrCat("c", i)));
  fixture_.Status(last);
  cti::v1::ReplayRequest request;
  request.set_from_position(5);
  request.set_to_position(9);
  Replayed replayed = Replay(request);
  ASSERT_TRUE(IsOk(replayed.status));
  ASSERT_EQ(replayed.records.size(), 5u);
  EXPECT_EQ(replayed.records.front().position(), 5u);
  EXPECT_EQ(replayed.records.back().position(), 9u);

  request.set_from_position(15);
  request.set_to_position(1000);
  replayed = Replay(request);
  ASSERT_TRUE(IsOk(replayed.status));
  ASSERT_EQ(replayed.records.size(), 6u);
  EXPECT_EQ(replayed.messages.back().last_position(), last);

  // Beyond the end: one message, no record, an empty range.
  request.set_from_position(last + 1);
  request.set_to_position(0);
  replayed = Replay(request);
  ASSERT_TRUE(IsOk(replayed.status));
  EXPECT_TRUE(replayed.records.empty());
  ASSERT_EQ(replayed.messages.size(), 1u);
  EXPECT_GT(replayed.messages[0].first_position(), replayed.messages[0].last_position());
}

TEST_F(AuditServiceTest, TimeRangeSelectsByRecordedAt) {
  // Three bursts, ten minutes apart on the log's clock (the simulated clock).
  std::vector<uint64_t> morning, noon, evening;
  for (int i = 0; i < 5; ++i) morning.push_back(AppendOk(CallOffered(absl::StrCat("m", i))));
  fixture_.clock().Advance(absl::Minutes(10));
  for (int i = 0; i < 5; ++i) {
    noon.push_back(AppendOk(CallOffered(absl::StrCat("n", i))));
    fixture_.clock().Advance(absl::Milliseconds(300));  // several in one second
  }
  fixture_.clock().Advance(absl::Minutes(10));
  for (int i = 0; i < 5; ++i) evening.push_back(AppendOk(CallOffered(absl::StrCat("e", i))));
  fixture_.Status(evening.back());

  const absl::Time start = absl::FromUnixSeconds(kStartSeconds);
  cti::v1::ReplayRequest request;
  *request.mutable_from_time() = ToProtoTimestamp(start + absl::Minutes(5));
  *request.mutable_to_time() = ToProtoTimestamp(start + absl::Minutes(15));
  Replayed replayed = Replay(request);
  ASSERT_TRUE(IsOk(replayed.status));
  std::vector<uint64_t> positions;
  for (const cti::v1::LogRecord& record : replayed.records) positions.push_back(record.position());
  EXPECT_EQ(positions, noon);
  // The range resolved through the index starts at noon's first record.
  EXPECT_EQ(replayed.messages.front().first_position(), noon.front());

  // Exact to the millisecond within a second: from the third noon record on.
  const absl::Time third = start + absl::Minutes(10) + absl::Milliseconds(600);
  *request.mutable_from_time() = ToProtoTimestamp(third);
  request.clear_to_time();
  replayed = Replay(request);
  ASSERT_TRUE(IsOk(replayed.status));
  ASSERT_EQ(replayed.records.size(), 3u + 5u);
  EXPECT_EQ(replayed.records.front().position(), noon[2]);

  // Times and positions together: the narrower wins.
  request.set_to_position(noon[3]);
  replayed = Replay(request);
  ASSERT_TRUE(IsOk(replayed.status));
  ASSERT_EQ(replayed.records.size(), 2u);
  EXPECT_EQ(replayed.records.back().position(), noon[3]);
}

TEST_F(AuditServiceTest, FiltersByActorKindEmployeeUnitAndRejection) {
  AppendOk(Administration("borger", "Borgerservice"), "anna");
  AppendOk(Administration("ydelse", "Ydelse"), "bo");
  const uint64_t hired = AppendOk(Hire("e1", "Carl Berg", "borger"), "anna");
  AppendOk(Hire("e2", "Dorte Dam", "ydelse"), "bo");
  AppendOk(CallOffered("c1"), "kamailio");
  const uint64_t bad = AppendUnchecked(Hire("e3", "Eva Ernst", "nowhere"));
  fixture_.Status(bad);

  cti::v1::ReplayRequest by_actor;
  by_actor.set_actor_id("anna");
  Replayed replayed = Replay(by_actor);
  ASSERT_TRUE(IsOk(replayed.status));
  ASSERT_EQ(replayed.records.size(), 2u);
  for (const cti::v1::LogRecord& record : replayed.records) {
    EXPECT_EQ(record.event().actor().id(), "anna");
  }

  cti::v1::ReplayRequest by_kind;
  by_kind.add_kinds("staff.employee_hired");
  replayed = Replay(by_kind);
  ASSERT_TRUE(IsOk(replayed.status));
  EXPECT_EQ(replayed.records.size(), 3u);  // the rejected hire too

  cti::v1::ReplayRequest by_family;
  by_family.add_families(cti::v1::FAMILY_CALL);
  replayed = Replay(by_family);
  ASSERT_TRUE(IsOk(replayed.status));
  ASSERT_EQ(replayed.records.size(), 1u);
  EXPECT_EQ(replayed.records[0].event().call().call_id(), "c1");

  cti::v1::ReplayRequest by_employee;
  by_employee.set_employee_id("e1");
  replayed = Replay(by_employee);
  ASSERT_TRUE(IsOk(replayed.status));
  ASSERT_EQ(replayed.records.size(), 1u);
  EXPECT_EQ(replayed.records[0].position(), hired);

  cti::v1::ReplayRequest by_unit;
  by_unit.set_unit_id("ydelse");
  replayed = Replay(by_unit);
  ASSERT_TRUE(IsOk(replayed.status));
  EXPECT_EQ(replayed.records.size(), 2u);  // the unit defined, e2 hired into it

  cti::v1::ReplayRequest rejected_only;
  rejected_only.set_rejected_only(true);
  replayed = Replay(rejected_only);
  ASSERT_TRUE(IsOk(replayed.status));
  ASSERT_EQ(replayed.records.size(), 1u);
  EXPECT_EQ(replayed.records[0].position(), bad);
  EXPECT_TRUE(replayed.records[0].outcome().rejected());

  // Another tenant's records never appear.
  cti::v1::ReplayRequest other;
  other.set_tenant(kOtherTenant);
  replayed = Replay(other);
  ASSERT_TRUE(IsOk(replayed.status));
  EXPECT_TRUE(replayed.records.empty());
}

TEST_F(AuditServiceTest, ANarrowFilterStillReportsProgress) {
  uint64_t last = 0;
  for (int i = 0; i < 70000 / 100; ++i) {
    cti::v1::AppendBatchRequest batch;
    for (int j = 0; j < 100; ++j) {
      *batch.add_events() = CallOffered(absl::StrCat("c", i, "-", j));
    }
    cti::v1::AppendBatchResponse response;
    std::unique_ptr<grpc::ClientContext> context = NewContext(true, absl::Seconds(30));
    ASSERT_TRUE(IsOk(fixture_.events().AppendBatch(context.get(), batch, &response)));
    last = response.results(99).appended().position();
  }
  fixture_.Status(last);
  cti::v1::ReplayRequest request;
  request.set_actor_id("nobody");
  Replayed replayed = Replay(request);
  ASSERT_TRUE(IsOk(replayed.status));
  EXPECT_TRUE(replayed.records.empty());
  // 70,000 positions: a progress message at least every 65,536.
  ASSERT_GE(replayed.messages.size(), 2u);
  EXPECT_LT(replayed.messages.front().scanned_through(), last);
  EXPECT_EQ(replayed.messages.back().scanned_through(), last);
}

TEST_F(AuditServiceTest, RefusesBadRequestsNamingTheField) {
  const auto refused = [&](cti::v1::ReplayRequest request, grpc::StatusCode code,
                           const std::string& names) {
    Replayed replayed = Replay(std::move(request));
    EXPECT_EQ(replayed.status.error_code(), code) << replayed.status.error_message();
    EXPECT_THAT(replayed.status.error_message(), HasSubstr(names));
    EXPECT_TRUE(replayed.records.empty());
  };
  cti::v1::ReplayRequest request;
  {
    // Replay() fills in kTenant when none is given: ask without it directly.
    std::unique_ptr<grpc::ClientContext> context = NewContext();
    auto reader = audit_->Replay(context.get(), request);
    cti::v1::ReplayResponse response;
    EXPECT_FALSE(reader->Read(&response));
    const grpc::Status status = reader->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("tenant"));
  }
  request = cti::v1::ReplayRequest();
  request.set_from_position(10);
  request.set_to_position(5);
  refused(request, grpc::StatusCode::INVALID_ARGUMENT, "from_position");
  request = cti::v1::ReplayRequest();
  request.add_kinds("call.telepathy");
  refused(request, grpc::StatusCode::INVALID_ARGUMENT, "kinds[0]");
  request = cti::v1::ReplayRequest();
  request.set_batch_records(10001);
  refused(request, grpc::StatusCode::INVALID_ARGUMENT, "batch_records");
  request = cti::v1::ReplayRequest();
  request.mutable_from_time()->set_seconds(kStartSeconds + 60);
  request.mutable_to_time()->set_seconds(kStartSeconds);
  refused(request, grpc::StatusCode::INVALID_ARGUMENT, "from_time");
  request = cti::v1::ReplayRequest();
  request.mutable_to_time()->set_nanos(-1);
  refused(request, grpc::StatusCode::INVALID_ARGUMENT, "to_time");
  request = cti::v1::ReplayRequest();
  request.set_unit_id("u");
  request.set_employee_id("e");
  refused(request, grpc::StatusCode::INVALID_ARGUMENT, "unit_id, employee_id");
  request = cti::v1::ReplayRequest();
  request.set_unit_id("never-defined");
  refused(request, grpc::StatusCode::NOT_FOUND, "unit_id");
}

// ---- decision traces ----

class DecisionTraceTest : public AuditServiceTest {
 protected:
  void SetUp() override {
    route_ = cti::v1::RouteService::NewStub(fixture_.channel());
    AppendOk(Administration("borger", "Borgerservice"));
    cti::v1::Event hire = Hire("anna", "Anna Holm", "borger");
    hire.mutable_staff()->mutable_employee_hired()->mutable_employee()->set_extension("4711");
    position_ = AppendOk(hire);
    // kontanthjælp by day of birth: all days to anna.
    cti::v1::Event rules;
    rules.set_tenant(kTenant);
    rules.mutable_occurred_at()->set_seconds(kStartSeconds);
    cti::v1::DistributionRulesSet* set = rules.mutable_staff()->mutable_distribution_rules_set();
    set->set_unit_id("borger");
    set->set_task("kontanthjælp");
    set->set_version(1);
    cti::v1::DistributionRule* rule = set->add_rules();
    rule->mutable_cpr_day()->set_first_day(1);
    rule->mutable_cpr_day()->set_last_day(31);
    rule->add_employee_ids("anna");
    position_ = AppendOk(rules);
  }

  grpc::Status Route(const cti::v1::RouteRequest& request, cti::v1::RouteResponse* response,
                     bool identity = true) {
    std::unique_ptr<grpc::ClientContext> context = NewContext(identity);
    return route_->Route(context.get(), request, response);
  }

  // The decision traces in the log, once `count` have been applied (they are appended
  // after the answer, without the caller waiting).
  std::vector<cti::v1::LogRecord> Traces(size_t count) {
    cti::v1::ReplayRequest request;
    request.add_kinds("call.route_decided");
    Replayed replayed;
    for (int attempt = 0; attempt < 200; ++attempt) {
      replayed = Replay(request);
      EXPECT_TRUE(IsOk(replayed.status));
      if (replayed.records.size() >= count) break;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return replayed.records;
  }

  std::unique_ptr<cti::v1::RouteService::Stub> route_;
  uint64_t position_ = 0;
};

TEST_F(DecisionTraceTest, ARouteForACallIsAppendedWithItsAnswerAndAsker) {
  cti::v1::RouteRequest request;
  request.set_tenant(kTenant);
  request.mutable_target()->set_employee_id("anna");
  request.set_call_id("call-17@pbx");
  request.set_min_position(position_);
  cti::v1::RouteResponse answer;
  ASSERT_TRUE(IsOk(Route(request, &answer)));

  // A question without a call is not traced.
  request.clear_call_id();
  cti::v1::RouteResponse untraced;
  ASSERT_TRUE(IsOk(Route(request, &untraced)));

  const std::vector<cti::v1::LogRecord> traces = Traces(1);
  ASSERT_EQ(traces.size(), 1u);
  const cti::v1::Event& event = traces[0].event();
  EXPECT_FALSE(traces[0].outcome().rejected()) << traces[0].outcome().reason();
  EXPECT_EQ(event.call().call_id(), "call-17@pbx");
  EXPECT_EQ(event.correlation_id(), "call-17@pbx");
  EXPECT_EQ(event.actor().id(), "test-admin");
  EXPECT_EQ(event.actor().role(), cti::v1::ROLE_ADMIN);
  const cti::v1::CallRouteDecided& decided = event.call().route_decided();
  EXPECT_EQ(decided.target().employee_id(), "anna");
  EXPECT_FALSE(decided.at_requested());
  // Exactly what the caller was told.
  EXPECT_EQ(decided.answer().SerializeAsString(), answer.SerializeAsString())
      << decided.answer().ShortDebugString() << "\nvs\n"
      << answer.ShortDebugString();
  EXPECT_EQ(event.occurred_at().seconds(), kStartSeconds);
}

TEST_F(DecisionTraceTest, TP_4_2_ACaseAskedByCprIsTracedWithoutTheCpr) {
  cti::v1::RouteRequest request;
  request.set_tenant(kTenant);
  request.mutable_target()->mutable_case_target()->set_task("kontanthjælp");
  request.mutable_target()->mutable_case_target()->set_cpr("170380-4321");
  request.set_call_id("call-cpr");
  request.set_min_position(position_);
  *request.mutable_at() = ToProtoTimestamp(absl::FromUnixSeconds(kStartSeconds + 3600));
  cti::v1::RouteResponse answer;
  ASSERT_TRUE(IsOk(Route(request, &answer)));
  EXPECT_THAT(answer.resolved_target(), HasSubstr("cpr-day:17"));

  const std::vector<cti::v1::LogRecord> traces = Traces(1);
  ASSERT_EQ(traces.size(), 1u);
  const cti::v1::CallRouteDecided& decided = traces[0].event().call().route_decided();
  EXPECT_FALSE(traces[0].outcome().rejected()) << traces[0].outcome().reason();
  EXPECT_EQ(decided.target().case_target().task(), "kontanthjælp");
  EXPECT_EQ(decided.target().case_target().key_case(), cti::v1::CaseTarget::KEY_NOT_SET);
  EXPECT_TRUE(decided.at_requested());
  EXPECT_THAT(decided.answer().resolved_target(), HasSubstr("cpr-day:17"));
  // No byte of the record holds the CPR number, with or without its dash.
  const std::string bytes = traces[0].SerializeAsString();
  EXPECT_EQ(bytes.find("170380"), std::string::npos);
  EXPECT_EQ(bytes.find("4321"), std::string::npos);
}

TEST_F(DecisionTraceTest, ATracedQuestionNeedsTheAskersIdentity) {
  cti::v1::RouteRequest request;
  request.set_tenant(kTenant);
  request.mutable_target()->set_employee_id("anna");
  request.set_call_id("call-anonymous");
  cti::v1::RouteResponse answer;
  const grpc::Status status = Route(request, &answer, /*identity=*/false);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(status.error_message(), HasSubstr("x-cti-actor"));
  // Every Route needs an identity (server/access.h), with or without a call.
  request.clear_call_id();
  EXPECT_EQ(Route(request, &answer, /*identity=*/false).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(IsOk(Route(request, &answer)));
  // A call id the trace could not hold is refused before routing.
  request.set_call_id("has space");
  const grpc::Status bad = Route(request, &answer);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad.error_message(), HasSubstr("call_id"));
}

TEST_F(DecisionTraceTest, ClientsCannotAppendADecisionTrace) {
  cti::v1::Event forged;
  forged.set_tenant(kTenant);
  forged.mutable_occurred_at()->set_seconds(kStartSeconds);
  forged.mutable_call()->set_call_id("c1");
  cti::v1::CallRouteDecided* decided = forged.mutable_call()->mutable_route_decided();
  decided->mutable_target()->set_employee_id("anna");
  decided->mutable_answer()->add_steps()->set_kind(cti::v1::STEP_KIND_RECEPTION_MESSAGE);
  *decided->mutable_answer()->mutable_at() = ToProtoTimestamp(absl::FromUnixSeconds(kStartSeconds));
  cti::v1::AppendRequest request;
  *request.mutable_event() = forged;
  cti::v1::AppendResponse response;
  std::unique_ptr<grpc::ClientContext> context = NewContext();
  const grpc::Status status = fixture_.events().Append(context.get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("event.call.route_decided"));
}

// ---- Route as of a past instant ----

class RouteAsOfTest : public AuditServiceTest {
 protected:
  // Friday 1 March 2024: anna and bo hired at 09:00 local; the question is about 10:00;
  // at 11:00 anna's sickness since 09:00 (and her forwarding to bo) is recorded.
  void SetUp() override {
    AppendOk(Administration("borger", "Borgerservice"));
    for (const auto& [id, name, extension] :
         {std::tuple{"anna", "Anna Holm", "4711"}, std::tuple{"bo", "Bo Lund", "4712"}}) {
      cti::v1::Event hire = Hire(id, name, "borger");
      hire.mutable_staff()->mutable_employee_hired()->mutable_employee()->set_extension(extension);
      hired_ = AppendOk(hire);
    }
    fixture_.clock().Advance(absl::Hours(1));
    question_at_ = fixture_.clock().Now();
    fixture_.clock().Advance(absl::Hours(1));
    cti::v1::Event sick;
    sick.set_tenant(kTenant);
    *sick.mutable_occurred_at() = ToProtoTimestamp(fixture_.clock().Now());
    cti::v1::CalendarEntryUpserted* entry = sick.mutable_calendar()->mutable_entry_upserted();
    entry->set_employee_id("anna");
    entry->set_entry_id("sick-1");
    entry->set_kind(cti::v1::ABSENCE_KIND_SICK);
    entry->set_show_as(cti::v1::SHOW_AS_BUSY);
    *entry->mutable_start() = ToProtoTimestamp(absl::FromUnixSeconds(kStartSeconds));
    *entry->mutable_end() =
        ToProtoTimestamp(absl::FromUnixSeconds(kStartSeconds) + absl::Hours(30));
    AppendOk(sick);
    cti::v1::Event forward = sick;
    cti::v1::ForwardingSet* forwarding = forward.mutable_calendar()->mutable_forwarding_set();
    forwarding->set_employee_id("anna");
    forwarding->set_forwarding_id("fw-1");
    forwarding->set_condition(cti::v1::FORWARDING_CONDITION_UNCONDITIONAL);
    forwarding->mutable_destination()->set_employee_id("bo");
    last_ = AppendOk(forward);
  }

  grpc::Status Ask(const cti::v1::RouteAsOfRequest& request, cti::v1::RouteAsOfResponse* response) {
    std::unique_ptr<grpc::ClientContext> context = NewContext();
    return audit_->RouteAsOf(context.get(), request, response);
  }
  cti::v1::RouteAsOfRequest AboutAnna() const {
    cti::v1::RouteAsOfRequest request;
    request.mutable_route()->set_tenant(kTenant);
    request.mutable_route()->mutable_target()->set_employee_id("anna");
    *request.mutable_route()->mutable_at() = ToProtoTimestamp(question_at_);
    request.mutable_route()->set_min_position(last_);
    return request;
  }

  uint64_t hired_ = 0;
  uint64_t last_ = 0;
  absl::Time question_at_;
};

TEST_F(RouteAsOfTest, TP_5_3_KnownThenAndKnownNowDifferForASicknessRecordedLate) {
  // K = T: what reception was told at 10:00 — anna's own phone.
  cti::v1::RouteAsOfResponse then;
  ASSERT_TRUE(IsOk(Ask(AboutAnna(), &then)));
  EXPECT_EQ(then.known_position(), hired_);
  EXPECT_EQ(then.answer().position(), hired_);
  EXPECT_LE(then.known_recorded_at().seconds(), absl::ToUnixSeconds(question_at_));
  ASSERT_GT(then.answer().steps_size(), 0);
  EXPECT_EQ(then.answer().steps(0).employee_id(), "anna");
  EXPECT_EQ(then.answer().steps(0).number(), "4711");
  EXPECT_EQ(then.answer().at().seconds(), absl::ToUnixSeconds(question_at_));

  // K = now: what we now know was true then — she was sick, her calls went to bo.
  cti::v1::RouteAsOfRequest request = AboutAnna();
  request.set_known_now(true);
  cti::v1::RouteAsOfResponse now;
  ASSERT_TRUE(IsOk(Ask(request, &now)));
  EXPECT_EQ(now.known_position(), last_);
  ASSERT_GT(now.answer().steps_size(), 0);
  EXPECT_EQ(now.answer().steps(0).employee_id(), "bo");

  // K as an instant: a second after the forwarding was recorded, the same as now; a
  // second before the sickness was recorded, the same as then.
  request = AboutAnna();
  *request.mutable_known_at() =
      ToProtoTimestamp(absl::FromUnixSeconds(kStartSeconds) + absl::Hours(2) + absl::Seconds(1));
  cti::v1::RouteAsOfResponse later;
  ASSERT_TRUE(IsOk(Ask(request, &later)));
  EXPECT_EQ(later.known_position(), last_);
  EXPECT_EQ(later.answer().steps(0).employee_id(), "bo");
  *request.mutable_known_at() =
      ToProtoTimestamp(absl::FromUnixSeconds(kStartSeconds) + absl::Hours(2) - absl::Seconds(1));
  cti::v1::RouteAsOfResponse before;
  ASSERT_TRUE(IsOk(Ask(request, &before)));
  EXPECT_EQ(before.known_position(), hired_);

  // K as a position.
  request = AboutAnna();
  request.set_known_position(last_);
  cti::v1::RouteAsOfResponse by_position;
  ASSERT_TRUE(IsOk(Ask(request, &by_position)));
  EXPECT_EQ(by_position.answer().SerializeAsString(), now.answer().SerializeAsString());
}

TEST_F(RouteAsOfTest, TheKnowledgeIsExactWithinASecond) {
  // Three records in one second of the log's clock; K between them.
  fixture_.clock().Advance(absl::Hours(1));
  const absl::Time second = fixture_.clock().Now();
  std::vector<uint64_t> positions;
  for (int i = 0; i < 3; ++i) {
    positions.push_back(AppendOk(CallOffered(absl::StrCat("c", i))));
    fixture_.clock().Advance(absl::Milliseconds(300));
  }
  cti::v1::RouteAsOfRequest request = AboutAnna();
  request.mutable_route()->set_min_position(positions.back());
  *request.mutable_known_at() = ToProtoTimestamp(second + absl::Milliseconds(350));
  cti::v1::RouteAsOfResponse response;
  ASSERT_TRUE(IsOk(Ask(request, &response)));
  EXPECT_EQ(response.known_position(), positions[1]);
  *request.mutable_known_at() = ToProtoTimestamp(second - absl::Milliseconds(1));
  ASSERT_TRUE(IsOk(Ask(request, &response)));
  EXPECT_EQ(response.known_position(), last_);
}

TEST_F(RouteAsOfTest, RefusesAQuestionWithoutItsInstantOrWithTwoKnowledges) {
  cti::v1::RouteAsOfRequest request = AboutAnna();
  request.mutable_route()->clear_at();
  cti::v1::RouteAsOfResponse response;
  grpc::Status status = Ask(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("route.at"));

  request = AboutAnna();
  request.set_known_now(true);
  request.set_known_position(1);
  status = Ask(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("known_now"));

  request = AboutAnna();
  request.mutable_route()->mutable_target()->set_employee_id("nobody");
  status = Ask(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("route.target.employee_id 'nobody'"));
}

// ---- The compliance report ----

TEST_F(AuditServiceTest, TP_5_3_AReportReadsUnitsAtThePeriodsEndAndListsRefusedReductions) {
  // Friday 1 March 2024 from 09:00 local: a unit and an employee, and a reduction without
  // a director's approval that lands in the log and is refused at apply time (TP-3.13).
  AppendOk(Administration("borger", "Borgerservice"));
  AppendOk(Hire("anna", "Anna Holm", "borger"));
  cti::v1::Event reduction;
  reduction.set_tenant(kTenant);
  *reduction.mutable_occurred_at() = ToProtoTimestamp(fixture_.clock().Now());
  cti::v1::HoursChangeSet* change = reduction.mutable_staff()->mutable_hours_change_set();
  change->set_unit_id("borger");
  change->set_change_id("vinter");
  cti::v1::HoursReduction* r = change->mutable_reduction();
  r->mutable_first_day()->set_year(2024);
  r->mutable_first_day()->set_month(3);
  r->mutable_first_day()->set_day(4);
  *r->mutable_last_day() = r->first_day();
  r->set_coverage(cti::v1::REDUCTION_COVERAGE_RECEPTION_MESSAGES);
  const uint64_t refused = AppendUnchecked(reduction);
  cti::v1::Event call = CallOffered("c1");
  call.mutable_call()->mutable_offered()->set_unit_id("borger");
  const uint64_t day_end = AppendOk(call);
  // The next day: borger names its phone-responsible person.
  fixture_.clock().Advance(absl::Hours(24));
  cti::v1::Event responsible;
  responsible.set_tenant(kTenant);
  *responsible.mutable_occurred_at() = ToProtoTimestamp(fixture_.clock().Now());
  responsible.mutable_staff()->mutable_phone_responsible_assigned()->set_unit_id("borger");
  responsible.mutable_staff()->mutable_phone_responsible_assigned()->set_employee_id("anna");
  const uint64_t last = AppendOk(responsible);

  cti::v1::ComplianceReportRequest request;
  request.set_tenant(kTenant);
  request.set_from_day("2024-03-01");
  request.set_to_day("2024-03-01");
  request.set_min_position(last);
  cti::v1::ComplianceReportResponse report;
  std::unique_ptr<grpc::ClientContext> context = NewContext();
  ASSERT_TRUE(IsOk(audit_->ComplianceReport(context.get(), request, &report)));
  EXPECT_EQ(report.position(), last);
  EXPECT_EQ(report.structure_position(), day_end);  // the last record of 1 March
  std::vector<std::string> found;
  for (const cti::v1::ComplianceFinding& f : report.findings()) {
    found.push_back(absl::StrCat(f.rule(), " ", f.unit_id(), " ", f.breach() ? "breach" : "note"));
    if (f.rule() == "TP-3.13") {
      EXPECT_EQ(f.position(), refused);
      EXPECT_THAT(f.text(), HasSubstr("refused: "));
      EXPECT_THAT(f.text(), HasSubstr("TP-3.13"));
    }
  }
  // borger had no phone-responsible person on 1 March (TP-5.2), whatever it has now.
  EXPECT_THAT(found, ::testing::IsSupersetOf({"TP-3.13 borger note", "TP-5.2 borger breach"}));
  ASSERT_EQ(report.units_size(), 1);
  EXPECT_EQ(report.units(0).unit_id(), "borger");
  EXPECT_EQ(report.units(0).calls().all().offered(), 1u);

  // Asked about 2 March, borger is fine and nothing was refused.
  request.set_from_day("2024-03-02");
  request.set_to_day("2024-03-02");
  context = NewContext();
  ASSERT_TRUE(IsOk(audit_->ComplianceReport(context.get(), request, &report)));
  EXPECT_EQ(report.structure_position(), last);  // the period has not ended
  for (const cti::v1::ComplianceFinding& f : report.findings()) {
    EXPECT_NE(f.rule(), "TP-5.2") << f.text();
    EXPECT_NE(f.rule(), "TP-3.13") << f.text();
  }
}

TEST_F(AuditServiceTest, AReportRefusesABadPeriodNamingTheField) {
  cti::v1::ComplianceReportRequest request;
  request.set_tenant(kTenant);
  request.set_from_day("2024-03-02");
  request.set_to_day("2024-03-01");
  cti::v1::ComplianceReportResponse report;
  std::unique_ptr<grpc::ClientContext> context = NewContext();
  grpc::Status status = audit_->ComplianceReport(context.get(), request, &report);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("to_day"));
  request.set_to_day("2024-13-01");
  context = NewContext();
  status = audit_->ComplianceReport(context.get(), request, &report);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("to_day"));
  request.set_to_day("2024-03-05");
  request.set_unit_id("nowhere");
  context = NewContext();
  status = audit_->ComplianceReport(context.get(), request, &report);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("nowhere"));
}

}  // namespace
}  // namespace cti::server::testing
