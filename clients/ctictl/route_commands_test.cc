// `ctictl route` and `ctictl check`: target and --at parsing, the command line (CLI11),
// and the output, against an in-process fake RouteService on 127.0.0.1.
#include "route_commands.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "cti/v1/audit_service.grpc.pb.h"
#include "cti/v1/route_service.grpc.pb.h"
#include "exit_codes.h"
#include "format.h"
#include "route_format.h"

namespace cti::ctictl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

google::protobuf::Timestamp At(int64_t seconds) {
  google::protobuf::Timestamp t;
  t.set_seconds(seconds);
  return t;
}

// Friday 2024-03-01 10:00 CET, Friday 14:00 CET, Monday 2024-03-04 08:00 CET, Tuesday
// 2024-03-05 17:00 CET.
constexpr int64_t kFriday1000 = 1709283600;
constexpr int64_t kFriday1400 = 1709298000;
constexpr int64_t kMonday0800 = 1709535600;
constexpr int64_t kTuesday1700 = 1709654400;

// A route for a sick employee, as the contract describes one.
cti::v1::RouteResponse SickAnnaRoute() {
  cti::v1::RouteResponse r;
  r.set_resolved_target("employee anna (Anna Holm)");
  *r.mutable_at() = At(kFriday1000);
  r.set_position(12);
  cti::v1::RouteStep* bo = r.add_steps();
  bo->set_kind(cti::v1::STEP_KIND_RING_EMPLOYEE);
  bo->set_employee_id("bo");
  bo->set_display_name("Bo Lund");
  bo->set_number("4712");
  bo->set_ring_seconds(20);
  bo->set_why("Anna Holm is sick → forwarded to Bo Lund");
  bo->add_rules("TP-4.5");
  bo->add_rules("TP-4.4");
  cti::v1::RouteStep* hunt = r.add_steps();
  hunt->set_kind(cti::v1::STEP_KIND_HUNT_GROUP);
  hunt->set_group_id("ydelse-hunt");
  hunt->set_unit_id("ydelse");
  hunt->set_display_name("Ydelse, telefonvagt");
  hunt->set_ring_seconds(30);
  hunt->set_why("the unit's default group");
  hunt->add_rules("TP-4.8");
  cti::v1::RouteStep* carl = hunt->add_members();
  carl->set_kind(cti::v1::STEP_KIND_RING_EMPLOYEE);
  carl->set_employee_id("carl");
  carl->set_display_name("Carl Nielsen");
  carl->set_number("4713");
  carl->set_ring_seconds(15);
  cti::v1::RouteStep* reception = r.add_steps();
  reception->set_kind(cti::v1::STEP_KIND_RECEPTION_MESSAGE);
  reception->set_unit_id("ydelse");
  reception->set_display_name("Receptionen");
  reception->set_why("reception takes a message for Anna Holm");
  reception->add_rules("TP-6.2");
  cti::v1::RouteReason* sick = r.add_reasons();
  sick->set_rule("TP-4.5");
  sick->set_text("Anna Holm is sick (calendar) until 5 Mar 17:00");
  sick->add_records()->set_kind("calendar entry");
  sick->mutable_records(0)->set_id("sick-1");
  sick->mutable_records(0)->set_owner_id("anna");
  cti::v1::RouteReason* rules = r.add_reasons();
  rules->set_rule("TP-5.1");
  rules->set_text("case rules");
  rules->add_records()->set_kind("distribution rules");
  rules->mutable_records(0)->set_id("kontanthjælp");
  rules->mutable_records(0)->set_version(3);
  cti::v1::CallerInfo* tell = r.mutable_tell_caller();
  tell->set_direct_number("+4589401011");
  tell->set_unit_id("ydelse");
  tell->set_unit_name("Ydelse");
  tell->set_unit_number("+4589401000");
  tell->set_open_now(true);
  *tell->mutable_closes_at() = At(kFriday1400);
  tell->set_hours_summary("man–ons 8–16, tors 8–17, fre 8–14");
  *tell->mutable_available_from() = At(kTuesday1700);
  tell->set_say("Anna Holm er syg.");
  return r;
}

class FakeRoute final : public cti::v1::RouteService::Service {
 public:
  grpc::Status Route(grpc::ServerContext* context, const cti::v1::RouteRequest* request,
                     cti::v1::RouteResponse* response) override {
    std::lock_guard<std::mutex> lock(mu);
    ++route_calls;
    last_route = *request;
    const auto& metadata = context->client_metadata();
    auto role_it = metadata.find("x-cti-role");
    role = role_it == metadata.end() ? ""
                                     : std::string(role_it->second.data(), role_it->second.size());
    if (!not_found_unless_unit.empty() && request->target().unit_id() != not_found_unless_unit) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "no such target");
    }
    if (!route_status.ok()) return route_status;
    *response = route_answer;
    return grpc::Status::OK;
  }
  grpc::Status Check(grpc::ServerContext*, const cti::v1::CheckRequest* request,
                     cti::v1::CheckResponse* response) override {
    std::lock_guard<std::mutex> lock(mu);
    last_check = *request;
    *response = check_answer;
    return grpc::Status::OK;
  }

  std::mutex mu;
  int route_calls = 0;
  cti::v1::RouteRequest last_route;
  cti::v1::CheckRequest last_check;
  std::string role;
  grpc::Status route_status;
  // Set: every target but this unit id is NOT_FOUND.
  std::string not_found_unless_unit;
  cti::v1::RouteResponse route_answer = SickAnnaRoute();
  cti::v1::CheckResponse check_answer;
};

// AuditService.RouteAsOf: answers SickAnnaRoute as known at position 11.
class FakeAudit final : public cti::v1::AuditService::Service {
 public:
  grpc::Status RouteAsOf(grpc::ServerContext*, const cti::v1::RouteAsOfRequest* request,
                         cti::v1::RouteAsOfResponse* response) override {
    std::lock_guard<std::mutex> lock(mu);
    last = *request;
    ++calls;
    *response->mutable_answer() = SickAnnaRoute();
    response->set_known_position(11);
    *response->mutable_known_recorded_at() = At(kFriday1000 - 1800);
    return grpc::Status::OK;
  }
  std::mutex mu;
  int calls = 0;
  cti::v1::RouteAsOfRequest last;
};

class RouteCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&fake_);
    builder.RegisterService(&audit_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    globals_.server = "127.0.0.1:" + std::to_string(port_);
    globals_.tenant = "demo";
    globals_.actor = "tester";
    globals_.role = "reception";
    globals_.timeout_seconds = 5;
  }
  void TearDown() override {
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  }

  // Parses `args` (after "ctictl") with the route commands on the app and runs the
  // chosen one; answers its exit code, or kExitUsage after a CLI11 parse error.
  int Run(std::vector<std::string> args) {
    CLI::App app("test");
    app.require_subcommand(1);
    int exit_code = -1;
    AddRouteCommands(app, globals_, &exit_code, out_, err_);
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    try {
      app.parse(reversed);
    } catch (const CLI::ParseError& e) {
      err_ << e.what();
      return kExitUsage;
    }
    return exit_code;
  }

  FakeRoute fake_;
  FakeAudit audit_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  GlobalOptions globals_;
  std::ostringstream out_;
  std::ostringstream err_;
};

absl::StatusOr<std::vector<cti::v1::RouteTarget>> Targets(const std::string& text) {
  RouteTargetOptions options;
  options.target = text;
  return ParseRouteTargets(options);
}

// The one target `options` mean (a prefixed TARGET or a case).
absl::StatusOr<cti::v1::RouteTarget> One(const RouteTargetOptions& options) {
  absl::StatusOr<std::vector<cti::v1::RouteTarget>> targets = ParseRouteTargets(options);
  if (!targets.ok()) return targets.status();
  EXPECT_EQ(targets->size(), 1u);
  return targets->front();
}

absl::StatusOr<cti::v1::RouteTarget> Target(const std::string& text) {
  RouteTargetOptions options;
  options.target = text;
  return One(options);
}

// "employee_id=e17, unit_id=e17" for comparing candidate lists.
std::string Kinds(const std::vector<cti::v1::RouteTarget>& targets) {
  std::vector<std::string> parts;
  for (const cti::v1::RouteTarget& t : targets) parts.push_back(t.ShortDebugString());
  return absl::StrJoin(parts, ", ");
}

TEST(ParseRouteTargetsTest, Prefixes) {
  EXPECT_EQ(Target("employee:e17")->employee_id(), "e17");
  EXPECT_EQ(Target("ext:4711")->extension(), "4711");
  EXPECT_EQ(Target("unit:ydelse")->unit_id(), "ydelse");
  EXPECT_EQ(Target("task:boligstøtte")->task(), "boligstøtte");
  EXPECT_EQ(Target("name:Anna Holm")->name(), "Anna Holm");
  EXPECT_EQ(Target("Name:Anna Holm")->name(), "Anna Holm");
}

TEST(ParseRouteTargetsTest, BareTargetsAreTriedAsWhatTheyCanBe) {
  EXPECT_EQ(Kinds(*Targets("4711")), "extension: \"4711\", employee_id: \"4711\"");
  EXPECT_EQ(Kinds(*Targets("e017")), "employee_id: \"e017\", unit_id: \"e017\", task: \"e017\"");
  // Ids may hold ':' themselves.
  EXPECT_EQ(Targets("hr:1234")->front().employee_id(), "hr:1234");
  EXPECT_EQ(Targets("Anna Holm")->front().name(), "Anna Holm");
  EXPECT_EQ(Targets("Anna Holm")->back().task(), "Anna Holm");
  EXPECT_EQ(Targets("årsopgørelse")->front().task(), "årsopgørelse");
  EXPECT_EQ(Targets("årsopgørelse")->back().name(), "årsopgørelse");
}

TEST(ParseRouteTargetsTest, RefusesWhatIsNoTarget) {
  EXPECT_THAT(Targets("").status().message(), HasSubstr("TARGET is required"));
  EXPECT_THAT(Targets("ext:47a").status().message(), HasSubstr("an extension is digits"));
  EXPECT_THAT(Targets("unit:").status().message(), HasSubstr("nothing after 'unit:'"));
  RouteTargetOptions stray;
  stray.target = "e17";
  stray.unit = "ydelse";
  EXPECT_THAT(ParseRouteTargets(stray).status().message(), HasSubstr("--unit needs a case"));
}

TEST(ParseRouteTargetsTest, CaseTargets) {
  RouteTargetOptions options;
  options.task = "kontanthjælp";
  options.case_key = "cpr-day:17";
  options.unit = "ydelse";
  absl::StatusOr<cti::v1::RouteTarget> key = One(options);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->case_target().task(), "kontanthjælp");
  EXPECT_EQ(key->case_target().unit_id(), "ydelse");
  EXPECT_EQ(key->case_target().case_key(), "cpr-day:17");

  options.case_key.clear();
  options.address = "Vestergade 12B, 2. th";
  EXPECT_EQ(One(options)->case_target().address(), "Vestergade 12B, 2. th");
  options.address.clear();
  options.surname = "Østergaard";
  EXPECT_EQ(One(options)->case_target().surname(), "Østergaard");
  options.surname.clear();
  options.cpr = "1703851234";
  EXPECT_EQ(One(options)->case_target().cpr(), "1703851234");
  options.cpr = "170385-1234";
  EXPECT_EQ(One(options)->case_target().cpr(), "170385-1234");

  // TARGET as the task.
  RouteTargetOptions as_target;
  as_target.target = "sygedagpenge";
  as_target.case_key = "cpr-digit:7";
  EXPECT_EQ(One(as_target)->case_target().task(), "sygedagpenge");
  as_target.target = "task:sygedagpenge";
  EXPECT_EQ(One(as_target)->case_target().task(), "sygedagpenge");
}

TEST(ParseRouteTargetsTest, CaseTargetsNeedOneTaskAndExactlyOneKey) {
  RouteTargetOptions options;
  options.task = "kontanthjælp";
  EXPECT_THAT(ParseRouteTargets(options).status().message(), HasSubstr("exactly one of"));
  options.case_key = "cpr-day:17";
  options.surname = "Holm";
  EXPECT_THAT(ParseRouteTargets(options).status().message(), HasSubstr("exactly one of"));
  options.surname.clear();
  options.target = "boligstøtte";
  EXPECT_THAT(ParseRouteTargets(options).status().message(), HasSubstr("give the task once"));
  options.case_key = "17";
  options.target.clear();
  EXPECT_THAT(ParseRouteTargets(options).status().message(), HasSubstr("KIND:VALUE"));

  RouteTargetOptions no_task;
  no_task.cpr = "170385-1234";
  EXPECT_THAT(ParseRouteTargets(no_task).status().message(), HasSubstr("needs its task"));
}

TEST(ParseRouteTargetsTest, MalformedCprIsRefusedWithoutEchoingItsDigits) {
  RouteTargetOptions options;
  options.task = "kontanthjælp";
  for (const char* bad : {"321385-1234", "171385-9876", "1703851", "170385-12345", "3002854321"}) {
    options.cpr = bad;
    const absl::Status status = ParseRouteTargets(options).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(status.message(), HasSubstr("--cpr"));
    EXPECT_THAT(status.message(), Not(HasSubstr(std::string(bad).substr(0, 6)))) << bad;
  }
}

TEST(ParseAtTest, Rfc3339AndLocalTime) {
  const absl::TimeZone zone = LocalZone();
  ASSERT_EQ(zone.name(), "Europe/Copenhagen");
  EXPECT_EQ(*ParseAt("2024-03-01T13:00:00Z", zone), absl::FromUnixSeconds(kFriday1400));
  EXPECT_EQ(*ParseAt("2024-03-01T14:00:00+01:00", zone), absl::FromUnixSeconds(kFriday1400));
  EXPECT_EQ(*ParseAt("2024-03-01T14:00", zone), absl::FromUnixSeconds(kFriday1400));
  EXPECT_EQ(*ParseAt("2024-03-01 14:00:00", zone), absl::FromUnixSeconds(kFriday1400));
  // Summer time: 14:00 CEST is 12:00 UTC.
  EXPECT_EQ(*ParseAt("2024-07-05T14:00", zone),
            absl::FromCivil(absl::CivilMinute(2024, 7, 5, 12, 0), absl::UTCTimeZone()));
  EXPECT_THAT(ParseAt("friday", zone).status().message(), HasSubstr("--at: expected RFC 3339"));
}

TEST_F(RouteCommandsTest, CommandLineSendsTargetInstantCallerPositionAndIdentity) {
  EXPECT_EQ(Run({"route", "ext:4711", "--at", "2024-03-01T14:00", "--caller", "+4512345678",
                 "--min-position", "7"}),
            kExitOk)
      << err_.str();
  EXPECT_EQ(fake_.last_route.tenant(), "demo");
  EXPECT_EQ(fake_.last_route.target().extension(), "4711");
  EXPECT_EQ(fake_.last_route.at().seconds(), kFriday1400);
  EXPECT_EQ(fake_.last_route.caller_number(), "+4512345678");
  EXPECT_EQ(fake_.last_route.min_position(), 7u);
  EXPECT_EQ(fake_.role, "reception");
}

TEST_F(RouteCommandsTest, CommandLineCaseTarget) {
  EXPECT_EQ(
      Run({"route", "--task", "kontanthjælp", "--unit", "ydelse", "--case-key", "cpr-day:17"}),
      kExitOk)
      << err_.str();
  EXPECT_EQ(fake_.last_route.target().case_target().task(), "kontanthjælp");
  EXPECT_EQ(fake_.last_route.target().case_target().unit_id(), "ydelse");
  EXPECT_EQ(fake_.last_route.target().case_target().case_key(), "cpr-day:17");
  EXPECT_FALSE(fake_.last_route.has_at());  // the server's now
}

TEST_F(RouteCommandsTest, UsageErrorsSendNothing) {
  EXPECT_EQ(Run({"route", "ext:12ab"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("ctictl: route: TARGET 'ext:12ab': an extension is digits"));
  EXPECT_EQ(Run({"route", "e17", "--at", "tomorrow"}), kExitUsage);
  EXPECT_EQ(Run({"route", "kontanthjælp", "--cpr", "991399-0000"}), kExitUsage);
  EXPECT_THAT(err_.str(), Not(HasSubstr("991399")));
  EXPECT_EQ(Run({"route", "e17", "--min-position", "many"}), kExitUsage);
  EXPECT_EQ(fake_.route_calls, 0);
}

TEST_F(RouteCommandsTest, KnownAsksAboutThePastWithWhatWasKnown) {
  ASSERT_EQ(Run({"route", "employee:anna", "--at", "2024-03-01T10:00", "--known", "then"}), kExitOk)
      << err_.str();
  EXPECT_EQ(fake_.route_calls, 0);
  ASSERT_EQ(audit_.calls, 1);
  EXPECT_EQ(audit_.last.route().target().employee_id(), "anna");
  EXPECT_EQ(audit_.last.route().at().seconds(), kFriday1000);
  EXPECT_FALSE(audit_.last.has_known_at());  // K = T
  EXPECT_FALSE(audit_.last.known_now());
  EXPECT_EQ(audit_.last.known_position(), 0u);
  EXPECT_THAT(out_.str(), HasSubstr("Bo Lund"));
  EXPECT_THAT(out_.str(),
              HasSubstr("Known: the log up to position 11, recorded Fri 2024-03-01 09:30"));

  ASSERT_EQ(Run({"route", "employee:anna", "--at", "2024-03-01T10:00", "--known", "now"}), kExitOk);
  EXPECT_TRUE(audit_.last.known_now());
  ASSERT_EQ(Run({"route", "employee:anna", "--at", "2024-03-01T10:00", "--known", "42"}), kExitOk);
  EXPECT_EQ(audit_.last.known_position(), 42u);
  ASSERT_EQ(
      Run({"route", "employee:anna", "--at", "2024-03-01T10:00", "--known", "2024-03-01T14:00"}),
      kExitOk);
  EXPECT_EQ(audit_.last.known_at().seconds(), kFriday1400);

  // --known without --at, or one that is nothing, sends nothing.
  EXPECT_EQ(Run({"route", "employee:anna", "--known", "then"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--known needs --at"));
  EXPECT_EQ(Run({"route", "employee:anna", "--at", "2024-03-01T10:00", "--known", "soon"}),
            kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--known: then, now, a log position or an instant"));
  EXPECT_EQ(audit_.calls, 4);
}

TEST_F(RouteCommandsTest, HumanOutputShowsStepsTellCallerAndReasons) {
  ASSERT_EQ(Run({"route", "anna"}), kExitOk) << err_.str();
  EXPECT_EQ(fake_.last_route.target().employee_id(), "anna");
  EXPECT_EQ(out_.str(),
            "Route to employee anna (Anna Holm)\n"
            "at Fri 2024-03-01 10:00 CET (position 12)\n"
            "\n"
            "Steps:\n"
            "  1. ring employee  Bo Lund (bo)  4712  ring 20 s\n"
            "     why: Anna Holm is sick → forwarded to Bo Lund\n"
            "     rules: TP-4.5, TP-4.4\n"
            "  2. hunt group  Ydelse, telefonvagt (ydelse-hunt)  ring 30 s\n"
            "     - Carl Nielsen (carl)  4713  ring 15 s\n"
            "     why: the unit's default group\n"
            "     rules: TP-4.8\n"
            "  3. reception message  Receptionen (a message for ydelse)\n"
            "     why: reception takes a message for Anna Holm\n"
            "     rules: TP-6.2\n"
            "\n"
            "Tell the caller:\n"
            "  direct number    +4589401011\n"
            "  unit             Ydelse (ydelse)\n"
            "  unit number      +4589401000\n"
            "  open now         yes, until 14:00\n"
            "  hours            man–ons 8–16, tors 8–17, fre 8–14\n"
            "  available again  Tue 2024-03-05 17:00 CET\n"
            "  say              Anna Holm er syg.\n"
            "\n"
            "Reasons:\n"
            "  TP-4.5  Anna Holm is sick (calendar) until 5 Mar 17:00\n"
            "          calendar entry sick-1 of anna\n"
            "  TP-5.1  case rules\n"
            "          distribution rules kontanthjælp v3\n");
}

TEST_F(RouteCommandsTest, ClosedUnlistedShowsNextOpeningAndUnitsNumber) {
  cti::v1::CallerInfo* tell = fake_.route_answer.mutable_tell_caller();
  tell->set_direct_number("");
  tell->set_unlisted(true);
  tell->set_open_now(false);
  tell->clear_closes_at();
  *tell->mutable_next_opening() = At(kMonday0800);
  ASSERT_EQ(Run({"route", "ext:4713"}), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("  direct number    unlisted: give the unit's number\n"));
  EXPECT_THAT(out_.str(), HasSubstr("  open now         no: closed\n"));
  EXPECT_THAT(out_.str(), HasSubstr("  next opening     Mon 2024-03-04 08:00 CET\n"));
}

TEST_F(RouteCommandsTest, JsonIsTheRouteResponse) {
  ASSERT_EQ(Run({"route", "unit:ydelse", "--json"}), kExitOk) << err_.str();
  cti::v1::RouteResponse parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(out_.str(), &parsed).ok()) << out_.str();
  EXPECT_EQ(parsed.SerializeAsString(), SickAnnaRoute().SerializeAsString());
  EXPECT_THAT(out_.str(), HasSubstr("\"kind\":\"STEP_KIND_RECEPTION_MESSAGE\""));
}

TEST_F(RouteCommandsTest, BareTargetFallsBackOnNotFoundOnly) {
  // The fake knows only the unit "ydelse".
  fake_.not_found_unless_unit = "ydelse";
  ASSERT_EQ(Run({"route", "ydelse"}), kExitOk) << err_.str();
  EXPECT_EQ(fake_.route_calls, 2);  // as an employee id, then as a unit id
  EXPECT_EQ(fake_.last_route.target().unit_id(), "ydelse");
  EXPECT_THAT(out_.str(), HasSubstr("Steps:"));

  fake_.route_calls = 0;
  EXPECT_EQ(Run({"route", "nobody"}), kExitServerRefused);
  EXPECT_EQ(fake_.route_calls, 3);
  EXPECT_EQ(err_.str(),
            "ctictl: route: NOT_FOUND: no such target (also tried as a unit id, a task)\n");

  // Another refusal ends the search at once.
  fake_.route_calls = 0;
  fake_.not_found_unless_unit.clear();
  fake_.route_status =
      grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "'Holm' names several employees");
  EXPECT_EQ(Run({"route", "Holm"}), kExitServerRefused);
  EXPECT_EQ(fake_.route_calls, 1);
}

TEST_F(RouteCommandsTest, CaseWithTaskAsTarget) {
  ASSERT_EQ(Run({"route", "kontanthjælp", "--cpr", "250590-1234", "--unit", "ydelse"}), kExitOk)
      << err_.str();
  EXPECT_EQ(fake_.route_calls, 1);
  EXPECT_EQ(fake_.last_route.target().case_target().task(), "kontanthjælp");
  EXPECT_EQ(fake_.last_route.target().case_target().cpr(), "250590-1234");
  EXPECT_EQ(fake_.last_route.target().case_target().unit_id(), "ydelse");
}

TEST_F(RouteCommandsTest, ServerRefusalIsExitOneWithCodeAndMessage) {
  fake_.route_status = grpc::Status(grpc::StatusCode::NOT_FOUND, "employee_id 'e99' not found");
  EXPECT_EQ(Run({"route", "employee:e99"}), kExitServerRefused);
  EXPECT_EQ(err_.str(), "ctictl: route: NOT_FOUND: employee_id 'e99' not found\n");
  EXPECT_EQ(out_.str(), "");
}

TEST_F(RouteCommandsTest, UnreachableServerIsExitThree) {
  server_->Shutdown(std::chrono::system_clock::now());
  server_->Wait();
  globals_.timeout_seconds = 1;
  EXPECT_EQ(Run({"route", "e17"}), kExitUnreachable);
  EXPECT_THAT(err_.str(), HasSubstr("ctictl: route: "));
}

TEST_F(RouteCommandsTest, CheckWithoutFindingsIsExitZero) {
  fake_.check_answer.set_position(42);
  EXPECT_EQ(Run({"check", "--min-position", "40"}), kExitOk) << err_.str();
  EXPECT_EQ(fake_.last_check.tenant(), "demo");
  EXPECT_EQ(fake_.last_check.min_position(), 40u);
  EXPECT_EQ(out_.str(),
            "No findings: every call reaches someone before reception (TP-4.8). Checked at "
            "position 42.\n");
}

TEST_F(RouteCommandsTest, CheckWithFindingsIsExitOneAndPrintsThem) {
  fake_.check_answer.set_position(42);
  cti::v1::CheckFinding* finding = fake_.check_answer.add_findings();
  finding->set_subject_kind("group");
  finding->set_subject_id("pas-ring");
  finding->set_rule("TP-4.8");
  finding->set_problem("group pas-ring has no active member");
  EXPECT_EQ(Run({"check"}), kExitFindings);
  EXPECT_EQ(out_.str(),
            "1 finding where a call can end with nobody (checked at position 42):\n"
            "KIND   ID        RULE    PROBLEM\n"
            "group  pas-ring  TP-4.8  group pas-ring has no active member\n");
  out_.str("");
  EXPECT_EQ(Run({"check", "--json"}), kExitFindings);
  EXPECT_THAT(out_.str(), HasSubstr("\"subject_id\":\"pas-ring\""));
}

}  // namespace
}  // namespace cti::ctictl
