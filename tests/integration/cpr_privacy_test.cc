// TP-4.2 and DESIGN.md "Privacy": a CPR number used to route a case is reduced at the
// server edge to the key the distribution rules need and is never stored. This test
// routes by CPR through the real gRPC API of a real ctid, tries to smuggle the number
// into a calendar entry (refused), stops ctid, and scans every byte of its data
// directory and its output for the number's digits.
#include <grpcpp/grpcpp.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cti/v1/route_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/child_process.h"
#include "tests/support/cti_client.h"
#include "tests/support/ctid_process.h"
#include "tests/support/danish_events.h"

namespace cti::test_support {
namespace {

using demo::kAnnaHolm;
using demo::kBoLund;
using demo::kBorgerservice;
using ::testing::HasSubstr;
using ::testing::Not;

// A fictional CPR number with a plausible date (29 March 1985); its day routes it.
constexpr char kCprWithDash[] = "290385-7319";
constexpr char kCprDigits[] = "2903857319";
constexpr char kBirthDate[] = "290385";

cti::v1::Event DistributionRules(EventFactory& factory) {
  cti::v1::Event event = factory.Envelope();
  auto* set = event.mutable_staff()->mutable_distribution_rules_set();
  set->set_unit_id(kBorgerservice);
  set->set_task("boligstøtte");
  set->set_version(1);
  auto* early = set->add_rules();
  early->mutable_cpr_day()->set_first_day(1);
  early->mutable_cpr_day()->set_last_day(15);
  early->add_employee_ids(kAnnaHolm);
  auto* late = set->add_rules();
  late->mutable_cpr_day()->set_first_day(16);
  late->mutable_cpr_day()->set_last_day(31);
  late->add_employee_ids(kBoLund);
  return event;
}

TEST(CprPrivacyTest, TP_4_2_ACprUsedForRoutingIsNeverStoredOrLogged) {
  absl::StatusOr<std::unique_ptr<CtidProcess>> ctid = CtidProcess::Start({});
  ASSERT_TRUE(ctid.ok()) << ctid.status();
  CtiClient client((*ctid)->Channel(Admin()));
  EventFactory factory;
  for (const cti::v1::Event& event : DemoOrganisation(factory)) {
    ASSERT_TRUE(client.Append(event).ok());
  }
  absl::StatusOr<cti::v1::AppendResponse> rules = client.Append(DistributionRules(factory));
  ASSERT_TRUE(rules.ok()) << rules.status();

  // Route a case by the CPR number, with and without the dash.
  auto route = cti::v1::RouteService::NewStub((*ctid)->Channel(Reception()));
  for (const char* cpr : {kCprWithDash, kCprDigits}) {
    cti::v1::RouteRequest request;
    request.set_tenant(kTenant);
    request.set_min_position(rules->position());
    request.mutable_target()->mutable_case_target()->set_task("boligstøtte");
    request.mutable_target()->mutable_case_target()->set_cpr(cpr);
    cti::v1::RouteResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::Status status = route->Route(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_THAT(response.resolved_target(), HasSubstr("cpr-day:29"));
    EXPECT_EQ(response.steps(0).employee_id(), kBoLund) << response.DebugString();
    EXPECT_THAT(response.DebugString(), Not(HasSubstr(kBirthDate)));
  }
  // An implausible CPR is refused without echoing it.
  {
    cti::v1::RouteRequest request;
    request.set_tenant(kTenant);
    request.mutable_target()->mutable_case_target()->set_task("boligstøtte");
    request.mutable_target()->mutable_case_target()->set_cpr("329985-7319");
    cti::v1::RouteResponse response;
    grpc::ClientContext context;
    grpc::Status status = route->Route(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("target.case_target.cpr"));
    EXPECT_THAT(status.error_message(), Not(HasSubstr("329985")));
  }
  // The number in a calendar entry is refused (TP-4.2) and so never reaches the log.
  absl::StatusOr<cti::v1::AppendResponse> entry = client.Append(
      factory.CalendarEntry(kAnnaHolm, "smuggle", cti::v1::ABSENCE_KIND_MEETING, BaseTime(),
                            absl::Hours(1), absl::StrCat("Møde med borger ", kCprWithDash)));
  EXPECT_EQ(entry.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(entry.status().message(), HasSubstr("TP-4.2"));
  // In a message reception takes, the number is masked before the log: the message is
  // kept, the number is not (README, "Privacy").
  absl::StatusOr<cti::v1::AppendResponse> message = client.Append(
      factory.MessageTaken("msg-cpr", kAnnaHolm, absl::StrCat("Jens ", kCprDigits),
                           absl::StrCat("Borgeren (", kCprWithDash, ") vil tale om boligstøtte")));
  ASSERT_TRUE(message.ok()) << message.status();
  cti::v1::SubscribeRequest read;
  read.set_tenant(kTenant);
  read.set_after_position(message->position() - 1);
  absl::StatusOr<std::vector<cti::v1::LogRecord>> records =
      client.ReadRecords(read, message->position());
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_FALSE(records->empty());
  const cti::v1::MessageTaken& kept = records->back().event().call().message_taken();
  EXPECT_EQ(kept.text(), "Borgeren ([CPR-nr.]) vil tale om boligstøtte");
  EXPECT_EQ(kept.caller_name(), "Jens [CPR-nr.]");

  const std::string work_dir = (*ctid)->work_dir();
  ASSERT_TRUE((*ctid)->Stop().ok());
  for (const char* needle : {kCprWithDash, kCprDigits, kBirthDate}) {
    EXPECT_THAT(FilesContaining(work_dir, needle), ::testing::IsEmpty())
        << "the CPR number's digits '" << needle << "' were found on disk";
  }
}

// The lines ctid writes are JSON (--log-format json) with level and message, every call
// with its request id, tenant and actor (--access-log), and none holds personal data: a
// realistic workload with names, phone numbers, e-mail addresses, callers, message and
// calendar text and CPR numbers goes through, then every line is scanned for them.
TEST(CprPrivacyTest, LogLinesAreJsonAndNameNobody) {
  CtidOptions options;
  options.extra_args = {"--log-format", "json", "--access-log"};
  absl::StatusOr<std::unique_ptr<CtidProcess>> ctid = CtidProcess::Start(options);
  ASSERT_TRUE(ctid.ok()) << ctid.status();
  CtiClient client((*ctid)->Channel(Admin()));
  CtiClient reception((*ctid)->Channel(Reception()));
  EventFactory factory;
  std::vector<std::string> personal = {kCprWithDash, kCprDigits, kBirthDate};
  for (const cti::v1::Event& event : DemoOrganisation(factory)) {
    ASSERT_TRUE(client.Append(event).ok());
    if (event.staff().has_employee_hired()) {
      const cti::v1::Employee& e = event.staff().employee_hired().employee();
      for (const std::string& value :
           {e.full_name(), e.direct_number(), e.mobile_number(), e.email()}) {
        if (value.size() >= 4) personal.push_back(value);
      }
    }
  }
  absl::StatusOr<cti::v1::AppendResponse> rules = client.Append(DistributionRules(factory));
  ASSERT_TRUE(rules.ok()) << rules.status();
  // Calls from citizens, a message for Anna with the caller's name and number, a
  // calendar entry with a note, and one with a CPR number in it (refused).
  const std::string caller_number = "+4521436587";
  const std::string caller_name = "Gudrun Kjærsgaard";
  const std::string note = "Tandlæge hos Vestergaard";
  personal.insert(personal.end(), {caller_number, "21436587", caller_name, note});
  ASSERT_TRUE(client.Append(factory.CallOffered("k1", caller_number)).ok());
  ASSERT_TRUE(client.Append(factory.CallRinging("k1", kAnnaHolm)).ok());
  cti::v1::Event message = factory.MessageTaken("m1", kAnnaHolm, caller_name,
                                                "Ring tilbage om boligstøtten, tlf. 21436587");
  message.mutable_call()->mutable_message_taken()->set_callback_number(caller_number);
  ASSERT_TRUE(reception.Append(message).ok());
  ASSERT_TRUE(client
                  .Append(factory.CalendarEntry(kBoLund, "tand", cti::v1::ABSENCE_KIND_MEETING,
                                                BaseTime(), absl::Hours(1), note))
                  .ok());
  EXPECT_FALSE(
      client
          .Append(factory.CalendarEntry(kAnnaHolm, "cpr", cti::v1::ABSENCE_KIND_MEETING, BaseTime(),
                                        absl::Hours(1), absl::StrCat("Borger ", kCprWithDash)))
          .ok());
  // Reception looks people up and routes a case by CPR.
  ASSERT_TRUE(reception.Search("Anna Holm").ok());
  auto route = cti::v1::RouteService::NewStub((*ctid)->Channel(Reception()));
  cti::v1::RouteRequest request;
  request.set_tenant(kTenant);
  request.set_min_position(rules->position());
  request.mutable_target()->mutable_case_target()->set_task("boligstøtte");
  request.mutable_target()->mutable_case_target()->set_cpr(kCprWithDash);
  cti::v1::RouteResponse response;
  grpc::ClientContext context;
  context.AddMetadata("x-request-id", "req-route-1");
  ASSERT_TRUE(route->Route(&context, request, &response).ok());

  const std::string work_dir = (*ctid)->work_dir();
  ASSERT_TRUE((*ctid)->Stop().ok());
  std::string output;
  for (const char* file : {"/ctid.stdout", "/ctid.stderr"}) {
    output.append(ReadWholeFile(work_dir + file));
  }
  int lines = 0;
  int route_lines = 0;
  for (absl::string_view line : absl::StrSplit(output, '\n', absl::SkipEmpty())) {
    ++lines;
    EXPECT_THAT(std::string(line),
                ::testing::MatchesRegex("\\{\"time\":\"[^\"]+\",\"level\":\"[a-z]+\","
                                        "\"msg\":.*\\}"))
        << "not a JSON log line";
    if (absl::StrContains(line, "\"method\":\"/cti.v1.RouteService/Route\"")) {
      ++route_lines;
      EXPECT_THAT(std::string(line), HasSubstr("\"request_id\":\"req-route-1\""));
      EXPECT_THAT(std::string(line), HasSubstr("\"tenant\":\"aabenraa\""));
      EXPECT_THAT(std::string(line), HasSubstr("\"actor\":\"reception-1\""));
      EXPECT_THAT(std::string(line), HasSubstr("\"code\":\"OK\""));
    }
  }
  EXPECT_GT(lines, 20) << output;  // the start, and a line per call
  EXPECT_EQ(route_lines, 1) << output;
  EXPECT_THAT(output, HasSubstr("\"method\":\"/cti.v1.EventService/Append\""));
  for (const std::string& value : personal) {
    EXPECT_THAT(output, Not(HasSubstr(value))) << "personal data in ctid's log lines";
  }
}

}  // namespace
}  // namespace cti::test_support
