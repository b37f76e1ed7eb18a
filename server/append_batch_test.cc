// EventService.AppendBatch through a real gRPC server in process.
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/testing/server_fixture.h"

namespace cti::server {
namespace {

using testing::Administration;
using testing::CallOffered;
using ::testing::HasSubstr;
using testing::Hire;
using testing::kOtherTenant;
using testing::kTenant;
using testing::NewContext;
using testing::ServerFixture;

constexpr int kOk = 0;
constexpr int kInvalidArgument = 3;
constexpr int kNotFound = 5;
constexpr int kFailedPrecondition = 9;
constexpr int kAborted = 10;

class AppendBatchTest : public ::testing::Test {
 protected:
  uint64_t LogEnd() { return *fixture_.server().log()->EndPosition(0); }

  grpc::Status Send(const cti::v1::AppendBatchRequest& request,
                    cti::v1::AppendBatchResponse* response, bool identity = true) {
    std::unique_ptr<grpc::ClientContext> context = NewContext(identity);
    return fixture_.events().AppendBatch(context.get(), request, response);
  }

  ServerFixture fixture_;
};

TEST_F(AppendBatchTest, AppendsInOrderAndLaterEventsMayDependOnEarlierOnes) {
  cti::v1::AppendBatchRequest request;
  *request.add_events() = Administration("sundhed", "Sundhed og Omsorg");
  // Hired into the unit defined just before, in the same batch.
  *request.add_events() = Hire("e1", "Anna Holm", "sundhed");
  *request.add_events() = Hire("e2", "Bo Lund", "sundhed");
  cti::v1::AppendBatchResponse response;
  ASSERT_TRUE(testing::IsOk(Send(request, &response)));
  ASSERT_EQ(response.results_size(), 3);
  EXPECT_EQ(response.appended_count(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(response.results(i).code(), kOk) << response.results(i).message();
    EXPECT_EQ(response.results(i).appended().position(), static_cast<uint64_t>(i + 1));
    EXPECT_FALSE(response.results(i).appended().event_id().empty());
  }
  EXPECT_EQ(LogEnd(), 3u);

  // Visible with read-your-writes at the last position.
  cti::v1::GetEmployeeRequest get;
  get.set_tenant(kTenant);
  get.set_employee_id("e2");
  get.set_min_position(response.results(2).appended().position());
  cti::v1::GetEmployeeResponse employee;
  std::unique_ptr<grpc::ClientContext> context = NewContext();
  ASSERT_TRUE(testing::IsOk(fixture_.directory().GetEmployee(context.get(), get, &employee)));
  EXPECT_EQ(employee.employee().full_name(), "Bo Lund");
}

TEST_F(AppendBatchTest, EveryEventMayWaitOnceForTheEarlierEventsItNeeds) {
  cti::v1::AppendBatchRequest request;
  *request.add_events() = Administration("sundhed", "Sundhed og Omsorg");
  *request.add_events() = Hire("e1", "Anna Holm", "sundhed");  // needs event 0
  *request.add_events() = Administration("teknik", "Teknik og Miljø");
  *request.add_events() = Hire("e2", "Bo Lund", "teknik");  // needs event 2
  *request.add_events() = Hire("e3", "Carl Dam", "teknik");
  cti::v1::AppendBatchResponse response;
  ASSERT_TRUE(testing::IsOk(Send(request, &response)));
  ASSERT_EQ(response.results_size(), 5);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(response.results(i).code(), kOk) << i << ": " << response.results(i).message();
  }
  EXPECT_EQ(response.appended_count(), 5u);
  EXPECT_EQ(LogEnd(), 5u);
}

TEST_F(AppendBatchTest, MinPositionLetsABatchWaitForAWriteMadeElsewhere) {
  cti::v1::AppendResponse appended;
  ASSERT_TRUE(testing::IsOk(fixture_.Append(Administration("sundhed", "Sundhed"), &appended)));
  // The unit "kultur" comes at the next position (as if written through another replica
  // a moment ago): with that position as min_position the batch waits for it.
  cti::v1::AppendBatchRequest request;
  *request.add_events() = Hire("e1", "Bo Lund", "kultur");
  request.set_min_position(LogEnd() + 1);
  cti::v1::AppendBatchResponse response;
  grpc::Status status;
  std::thread sender([&] { status = Send(request, &response); });
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (fixture_.server().deps().waiters->size() == 0 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(fixture_.server().deps().waiters->size(), 1u);
  ASSERT_TRUE(testing::IsOk(fixture_.Append(Administration("kultur", "Kultur"), &appended)));
  sender.join();
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.results_size(), 1);
  EXPECT_EQ(response.results(0).code(), kOk) << response.results(0).message();

  // Without it, the same kind of event is refused at once (the unit is unknown).
  cti::v1::AppendBatchRequest at_once;
  *at_once.add_events() = Hire("e2", "Eva Berg", "teknik");
  ASSERT_TRUE(Send(at_once, &response).ok());
  EXPECT_EQ(response.results(0).code(), kNotFound);
}

TEST_F(AppendBatchTest, StopsAtTheFirstRefusalAndLeavesAPrefixInTheLog) {
  cti::v1::AppendBatchRequest request;
  *request.add_events() = Administration("sundhed", "Sundhed og Omsorg");
  *request.add_events() = Hire("e1", "Anna Holm", "no-such-unit");
  *request.add_events() = Hire("e2", "Bo Lund", "sundhed");
  cti::v1::AppendBatchResponse response;
  ASSERT_TRUE(testing::IsOk(Send(request, &response)));
  ASSERT_EQ(response.results_size(), 3);
  EXPECT_EQ(response.appended_count(), 1u);
  EXPECT_EQ(response.results(0).code(), kOk);
  EXPECT_EQ(response.results(1).code(), kNotFound);
  EXPECT_THAT(response.results(1).message(), HasSubstr("no-such-unit"));
  EXPECT_FALSE(response.results(1).has_appended());
  EXPECT_EQ(response.results(2).code(), kAborted);
  EXPECT_THAT(response.results(2).message(), HasSubstr("not attempted"));
  EXPECT_EQ(LogEnd(), 1u) << "only the prefix before the refusal may be appended";
}

TEST_F(AppendBatchTest, AShapeErrorNamesTheEventIndexAndStopsThere) {
  cti::v1::AppendBatchRequest request;
  *request.add_events() = Administration("sundhed", "Sundhed og Omsorg");
  cti::v1::Event no_tenant = Hire("e1", "Anna Holm", "sundhed");
  *request.add_events() = no_tenant;
  request.mutable_events(1)->set_schema_version(99);
  *request.add_events() = Hire("e2", "Bo Lund", "sundhed");
  cti::v1::AppendBatchResponse response;
  ASSERT_TRUE(testing::IsOk(Send(request, &response)));
  ASSERT_EQ(response.results_size(), 3);
  EXPECT_EQ(response.results(0).code(), kOk);
  EXPECT_EQ(response.results(1).code(), kInvalidArgument);
  EXPECT_THAT(response.results(1).message(), HasSubstr("events[1].schema_version"));
  EXPECT_EQ(response.results(2).code(), kAborted);
  EXPECT_EQ(LogEnd(), 1u);
}

TEST_F(AppendBatchTest, RepeatsAreIdempotentAndAReusedIdWithAnotherPayloadIsRefused) {
  cti::v1::AppendBatchRequest request;
  for (int i = 0; i < 5; ++i) {
    cti::v1::Event event = CallOffered(absl::StrCat("call-", i));
    event.set_event_id(absl::StrCat("offer-", i));
    *request.add_events() = event;
  }
  cti::v1::AppendBatchResponse first;
  ASSERT_TRUE(testing::IsOk(Send(request, &first)));
  EXPECT_EQ(first.appended_count(), 5u);
  cti::v1::AppendBatchResponse again;
  ASSERT_TRUE(testing::IsOk(Send(request, &again)));
  ASSERT_EQ(again.results_size(), 5);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(again.results(i).code(), kOk) << again.results(i).message();
    EXPECT_TRUE(again.results(i).appended().duplicate());
    EXPECT_EQ(again.results(i).appended().position(), first.results(i).appended().position());
  }
  EXPECT_EQ(LogEnd(), 5u);

  // Once the originals are applied, the reuse is found at check time and stops the batch.
  fixture_.Status(first.results(4).appended().position());
  request.mutable_events(2)->mutable_call()->mutable_offered()->set_caller_number("+4587654321");
  cti::v1::AppendBatchResponse changed;
  ASSERT_TRUE(testing::IsOk(Send(request, &changed)));
  EXPECT_EQ(changed.results(2).code(), kFailedPrecondition);
  EXPECT_THAT(changed.results(2).message(), HasSubstr("offer-2"));
  EXPECT_EQ(changed.results(3).code(), kAborted);
  EXPECT_EQ(LogEnd(), 5u);
}

TEST_F(AppendBatchTest, RefusesUnusableRequestsWhole) {
  cti::v1::AppendBatchResponse response;
  cti::v1::AppendBatchRequest empty;
  grpc::Status status = Send(empty, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("events"));

  cti::v1::AppendBatchRequest mixed;
  *mixed.add_events() = CallOffered("c1");
  *mixed.add_events() = CallOffered("c2", kOtherTenant);
  status = Send(mixed, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("events[1].tenant"));

  cti::v1::AppendBatchRequest too_many;
  for (int i = 0; i < 1001; ++i) *too_many.add_events() = CallOffered(absl::StrCat("c", i));
  status = Send(too_many, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("at most 1000"));

  cti::v1::AppendBatchRequest newer;
  *newer.add_events() = CallOffered("c1");
  newer.GetReflection()->MutableUnknownFields(&newer)->AddVarint(9, 1);
  status = Send(newer, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("unknown field number 9 in AppendBatchRequest"));

  cti::v1::AppendBatchRequest anonymous;
  *anonymous.add_events() = CallOffered("c1");
  status = Send(anonymous, &response, /*identity=*/false);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(LogEnd(), 0u);
}

TEST_F(AppendBatchTest, StampsTheCallersIdentityOnEveryRecord) {
  cti::v1::AppendBatchRequest request;
  *request.add_events() = CallOffered("c1");
  request.mutable_events(0)->mutable_actor()->set_id("forged");
  *request.add_events() = CallOffered("c2");
  cti::v1::AppendBatchResponse response;
  ASSERT_TRUE(testing::IsOk(Send(request, &response)));
  auto reader = fixture_.server().log()->OpenReader(0, 1);
  ASSERT_TRUE(reader.ok());
  auto records = (*reader)->Next(2, absl::Seconds(1));
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 2u);
  for (const cti::v1::LogRecord& record : *records) {
    EXPECT_EQ(record.event().actor().id(), "test-admin");
  }
}

}  // namespace
}  // namespace cti::server
