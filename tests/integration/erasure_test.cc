// GDPR erasure by crypto-shredding (issue 7, item 5) through a real ctid: personal data
// is sealed before the log, so the log never holds it in plain text; erasing a person
// deletes their key and rebuilds the projections, after which no byte of the data
// directory holds their data, the records stay in the log (sealed, still replayable to
// the same state) and routing still works.
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cti/v1/route_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/personal_data.h"
#include "tests/support/child_process.h"
#include "tests/support/cti_client.h"
#include "tests/support/ctid_process.h"
#include "tests/support/danish_events.h"

namespace cti::test_support {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kEmployee[] = "e4711";
constexpr char kName[] = "Gudrun Vestergaard-Pedersen";
constexpr char kDirect[] = "+4589407799";
constexpr char kMobile[] = "+4531415926";
constexpr char kEmail[] = "gudrun.vp@aabenraa.dk";
constexpr char kCaller[] = "+4527182818";
constexpr char kCallerName[] = "Svend Kjærsgaard-Olsen";
constexpr char kText[] = "Spørger om sit pas til Mallorca";

// What must not be found on disk once erased: each value, and the national digits of
// each number.
std::vector<std::string> Personal() {
  return {kName,      "Vestergaard", "89407799",         "31415926", kEmail,
          "27182818", kCallerName,   "Kjærsgaard-Olsen", kText,      "Mallorca"};
}

int ProjectionGenerations(const std::string& data_dir) {
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir)) {
    if (absl::StartsWith(entry.path().filename().string(), "projections-")) ++n;
  }
  return n;
}

// Route's answer for extension `extension`, read at `min_position` or later.
cti::v1::RouteResponse RouteToExtension(CtidProcess& ctid, const std::string& extension,
                                        uint64_t min_position) {
  auto route = cti::v1::RouteService::NewStub(ctid.Channel(Reception()));
  cti::v1::RouteRequest request;
  request.set_tenant(kTenant);
  request.set_min_position(min_position);
  request.mutable_target()->set_extension(extension);
  cti::v1::RouteResponse answer;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::Status routed = route->Route(&context, request, &answer);
  EXPECT_TRUE(routed.ok()) << routed.error_message();
  return answer;
}

cti::v1::Event Erasure(EventFactory& factory, const std::string& employee_id,
                       const std::string& caller_number) {
  cti::v1::Event event = factory.Envelope();
  cti::v1::PersonalDataErased* erased = event.mutable_privacy()->mutable_personal_data_erased();
  if (!employee_id.empty()) erased->set_employee_id(employee_id);
  if (!caller_number.empty()) erased->set_caller_number(caller_number);
  erased->set_reason("Sag 2026-117: anmodning om sletning");
  return event;
}

TEST(ErasureTest, AnErasedPersonIsGoneFromTheDataDirectoryAndRoutingStillWorks) {
  absl::StatusOr<std::unique_ptr<CtidProcess>> ctid = CtidProcess::Start({});
  ASSERT_TRUE(ctid.ok()) << ctid.status();
  CtiClient admin((*ctid)->Channel(Admin()));
  CtiClient reception((*ctid)->Channel(Reception()));
  EventFactory factory;
  for (const cti::v1::Event& event : DemoOrganisation(factory)) {
    ASSERT_TRUE(admin.Append(event).ok());
  }
  cti::v1::Employee gudrun = MakeEmployee(kEmployee, kName, demo::kBorgerservice, "4799", {"pas"});
  gudrun.set_direct_number(kDirect);
  gudrun.set_mobile_number(kMobile);
  gudrun.set_email(kEmail);
  absl::StatusOr<cti::v1::AppendResponse> hired = admin.Append(factory.EmployeeHired(gudrun));
  ASSERT_TRUE(hired.ok()) << hired.status();
  // A citizen calls, reception takes a message with a callback, a callback is promised.
  ASSERT_TRUE(admin.Append(factory.CallOffered("k1", kCaller)).ok());
  cti::v1::Event message = factory.MessageTaken("m1", kEmployee, kCallerName, kText);
  message.mutable_call()->mutable_message_taken()->set_callback_number(kCaller);
  message.mutable_call()->mutable_message_taken()->set_callback_wanted(true);
  ASSERT_TRUE(reception.Append(message).ok());
  cti::v1::Event callback = factory.Envelope();
  cti::v1::CallbackRequested* requested = callback.mutable_call()->mutable_callback_requested();
  requested->set_callback_id("cb1");
  requested->mutable_assignee()->set_employee_id(kEmployee);
  requested->set_callback_number(kCaller);
  requested->set_source(cti::v1::CALLBACK_SOURCE_CITIZEN_REQUESTED);
  absl::StatusOr<cti::v1::AppendResponse> last = reception.Append(callback);
  ASSERT_TRUE(last.ok()) << last.status();

  // Before: queries and streams see the data; the log holds none of it.
  absl::StatusOr<cti::v1::GetEmployeeResponse> before =
      reception.GetEmployee(kEmployee, last->position());
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ(before->employee().full_name(), kName);
  EXPECT_EQ(before->employee().direct_number(), kDirect);
  absl::StatusOr<std::vector<cti::v1::LogRecord>> opened =
      admin.ReadRecords(SubscribeFrom(kTenant, hired->position() - 1), last->position());
  ASSERT_TRUE(opened.ok()) << opened.status();
  ASSERT_FALSE(opened->empty());
  EXPECT_EQ(opened->front().event().staff().employee_hired().employee().full_name(), kName);
  EXPECT_FALSE(opened->front().event().has_personal());
  for (const std::string& value : Personal()) {
    EXPECT_THAT(FilesContaining((*ctid)->data_dir() + "/log", value), IsEmpty())
        << "'" << value << "' is in the log in plain text";
  }
  // Route names her (and keeps that answer for the next caller).
  EXPECT_THAT(RouteToExtension(**ctid, "4799", last->position()).DebugString(),
              HasSubstr("Vestergaard"));

  // Only an admin or a director may erase; a receptionist is refused, naming the rule.
  absl::StatusOr<cti::v1::AppendResponse> refused =
      reception.Append(Erasure(factory, kEmployee, ""));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("actor.role"));
  // A number is not a subject on its own: a client cannot name a caller's subject.
  cti::v1::Event forged = Erasure(factory, "", "");
  forged.mutable_privacy()->mutable_personal_data_erased()->set_caller_subject(
      "caller:0123456789abcdef0123456789abcdef");
  EXPECT_EQ(admin.Append(forged).status().code(), absl::StatusCode::kInvalidArgument);

  // Erase the employee, and the caller by the number in another form.
  ASSERT_TRUE(admin.Append(Erasure(factory, kEmployee, "")).ok());
  absl::StatusOr<cti::v1::AppendResponse> erased =
      admin.Append(Erasure(factory, "", "004527182818"));
  ASSERT_TRUE(erased.ok()) << erased.status();

  // The projections are rebuilt without the keys and the old generation is deleted.
  const std::string data_dir = (*ctid)->data_dir();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  uint32_t pending = 1;
  while (std::chrono::steady_clock::now() < deadline) {
    // Callers go on calling meanwhile: answers read from the old generation must not
    // outlive it (the route cache).
    RouteToExtension(**ctid, "4799", erased->position());
    absl::StatusOr<cti::v1::GetEmployeeResponse> now =
        reception.GetEmployee(kEmployee, erased->position());
    ASSERT_TRUE(now.ok()) << now.status();
    // Both erasures are complete once none is pending (they may take one rebuild or
    // two); the old generation is deleted just after.
    absl::StatusOr<cti::v1::GetStatusResponse> status = admin.Status(erased->position());
    ASSERT_TRUE(status.ok()) << status.status();
    pending = status->erasures_pending();
    if (pending == 0 && ProjectionGenerations(data_dir) == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(pending, 0u) << "erasures still pending after 60 s";
  for (const std::string& value : Personal()) {
    EXPECT_THAT(FilesContaining(data_dir, value), IsEmpty())
        << "'" << value << "' is still on disk once no erasure is pending";
  }

  absl::StatusOr<cti::v1::GetEmployeeResponse> after =
      reception.GetEmployee(kEmployee, erased->position());
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->employee().full_name(), projections::kErasedText);
  EXPECT_TRUE(after->employee().direct_number().empty());
  EXPECT_TRUE(after->employee().mobile_number().empty());
  EXPECT_TRUE(after->employee().email().empty());
  EXPECT_EQ(after->employee().extension(), "4799");
  EXPECT_TRUE(after->employee().active());
  absl::StatusOr<cti::v1::SearchResponse> search = reception.Search("Gudrun", erased->position());
  ASSERT_TRUE(search.ok()) << search.status();
  EXPECT_EQ(search->hits_size(), 0);

  // Routing by the extension still reaches her phone, and no longer names her (nor
  // does an answer kept from before the erasure).
  const cti::v1::RouteResponse answer = RouteToExtension(**ctid, "4799", erased->position());
  ASSERT_GT(answer.steps_size(), 0);
  EXPECT_EQ(answer.steps(0).employee_id(), kEmployee);
  EXPECT_THAT(answer.DebugString(), ::testing::Not(HasSubstr("Vestergaard")));

  // The records stay in the log, sealed: the erasure names no number.
  absl::StatusOr<std::vector<cti::v1::LogRecord>> records =
      admin.ReadRecords(SubscribeFrom(kTenant, hired->position() - 1), erased->position());
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_FALSE(records->empty());
  EXPECT_TRUE(records->front().event().has_personal());
  EXPECT_TRUE(records->front().event().staff().employee_hired().employee().full_name().empty());
  EXPECT_FALSE(records->front().outcome().rejected());
  const cti::v1::PersonalDataErased& logged =
      records->back().event().privacy().personal_data_erased();
  EXPECT_TRUE(projections::IsCallerSubject(logged.caller_subject())) << logged.DebugString();
  EXPECT_TRUE(logged.caller_number().empty());

  // History is replayable to the same state.
  absl::StatusOr<cti::v1::GetStatusResponse> status = admin.Status(erased->position());
  ASSERT_TRUE(status.ok()) << status.status();
  absl::StatusOr<std::vector<cti::v1::RebuildProgress>> rebuilt = admin.Rebuild();
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  EXPECT_EQ(rebuilt->back().state_digest(), status->state_digest());

  // On disk: nothing of either person, in any file of the data directory.
  ASSERT_TRUE((*ctid)->Stop().ok());
  for (const std::string& value : Personal()) {
    EXPECT_THAT(FilesContaining(data_dir, value), IsEmpty())
        << "'" << value << "' is still on disk after the erasure";
  }
  // Nothing comes back after a restart.
  ASSERT_TRUE((*ctid)->Restart().ok());
  CtiClient again((*ctid)->Channel(Reception()));
  absl::StatusOr<cti::v1::GetEmployeeResponse> restarted =
      again.GetEmployee(kEmployee, erased->position());
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  EXPECT_EQ(restarted->employee().full_name(), projections::kErasedText);
}

}  // namespace
}  // namespace cti::test_support
