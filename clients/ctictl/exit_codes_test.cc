#include "exit_codes.h"

#include <gtest/gtest.h>

#include <string>

namespace cti::ctictl {
namespace {

TEST(ExitCodeFor, OkIsSuccess) { EXPECT_EQ(ExitCodeFor(grpc::StatusCode::OK), 0); }

TEST(ExitCodeFor, UnreachableAndTooSlowAreThree) {
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::UNAVAILABLE), 3);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::DEADLINE_EXCEEDED), 3);
}

TEST(ExitCodeFor, RefusalsAreOne) {
  for (grpc::StatusCode code :
       {grpc::StatusCode::INVALID_ARGUMENT, grpc::StatusCode::NOT_FOUND,
        grpc::StatusCode::FAILED_PRECONDITION, grpc::StatusCode::PERMISSION_DENIED,
        grpc::StatusCode::UNAUTHENTICATED, grpc::StatusCode::ALREADY_EXISTS,
        grpc::StatusCode::RESOURCE_EXHAUSTED, grpc::StatusCode::INTERNAL,
        grpc::StatusCode::UNIMPLEMENTED, grpc::StatusCode::UNKNOWN, grpc::StatusCode::CANCELLED,
        grpc::StatusCode::ABORTED, grpc::StatusCode::OUT_OF_RANGE, grpc::StatusCode::DATA_LOSS}) {
    EXPECT_EQ(ExitCodeFor(code), 1) << StatusCodeName(code);
  }
}

TEST(ExitCodes, HaveTheDocumentedValues) {
  EXPECT_EQ(kExitOk, 0);
  EXPECT_EQ(kExitServerRefused, 1);
  EXPECT_EQ(kExitUsage, 2);
  EXPECT_EQ(kExitUnreachable, 3);
  EXPECT_EQ(kExitBadInput, 4);
  const std::string help = kExitCodeHelp;
  for (const char* line : {"  0  success", "  1  the server refused", "  2  usage error",
                           "  3  server unreachable", "  4  bad input file"}) {
    EXPECT_NE(help.find(line), std::string::npos) << line;
  }
}

TEST(StatusCodeName, NamesEveryCanonicalCode) {
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::OK), "OK");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::INVALID_ARGUMENT), "INVALID_ARGUMENT");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::NOT_FOUND), "NOT_FOUND");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::FAILED_PRECONDITION), "FAILED_PRECONDITION");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::UNAVAILABLE), "UNAVAILABLE");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::DEADLINE_EXCEEDED), "DEADLINE_EXCEEDED");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::RESOURCE_EXHAUSTED), "RESOURCE_EXHAUSTED");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::UNAUTHENTICATED), "UNAUTHENTICATED");
  EXPECT_EQ(StatusCodeName(static_cast<grpc::StatusCode>(42)), "CODE_42");
}

TEST(DescribeStatus, CodeThenMessage) {
  EXPECT_EQ(
      DescribeStatus(grpc::Status(grpc::StatusCode::NOT_FOUND, "employee_id 'e17' not found")),
      "NOT_FOUND: employee_id 'e17' not found");
  EXPECT_EQ(DescribeStatus(grpc::Status(grpc::StatusCode::UNAVAILABLE, "")), "UNAVAILABLE");
}

}  // namespace
}  // namespace cti::ctictl
