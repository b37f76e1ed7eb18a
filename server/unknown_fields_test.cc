#include "server/unknown_fields.h"

#include <string>

#include "cti/v1/directory_service.pb.h"
#include "cti/v1/event.pb.h"
#include "gtest/gtest.h"

namespace cti::server {
namespace {

// Serialized bytes of `message` followed by varint field `number` = 1.
std::string WithExtraVarint(const std::string& bytes, int number) {
  std::string out = bytes;
  out.push_back(static_cast<char>((number << 3) | 0));  // number < 16: one byte.
  out.push_back(1);
  return out;
}

TEST(UnknownFieldsTest, KnownMessagePasses) {
  cti::v1::Event event;
  event.set_tenant("aarhus");
  event.mutable_staff()->mutable_unit_defined()->mutable_unit()->set_name("Borgerservice");
  EXPECT_TRUE(CheckNoUnknownFields(event, "event").ok());
}

TEST(UnknownFieldsTest, NamesNumberAndPathAtTheTop) {
  cti::v1::Event parsed;
  ASSERT_TRUE(parsed.ParseFromString(WithExtraVarint("", 15)));
  absl::Status status = CheckNoUnknownFields(parsed, "event");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("unknown field number 15 in event:"), absl::string_view::npos)
      << status;
}

TEST(UnknownFieldsTest, NamesNumberAndPathDeepInside) {
  cti::v1::Unit unit;
  unit.set_name("Borgerservice");
  cti::v1::Unit with_unknown;
  ASSERT_TRUE(with_unknown.ParseFromString(WithExtraVarint(unit.SerializeAsString(), 14)));
  cti::v1::Event event;
  event.set_tenant("aarhus");
  *event.mutable_staff()->mutable_unit_defined()->mutable_unit() = with_unknown;
  // Round trip through bytes as the server would see it.
  cti::v1::Event received;
  ASSERT_TRUE(received.ParseFromString(event.SerializeAsString()));
  absl::Status status = CheckNoUnknownFields(received, "event");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("unknown field number 14 in event.staff.unit_defined.unit"),
            absl::string_view::npos)
      << status;
}

TEST(UnknownFieldsTest, IndexesRepeatedMessages) {
  cti::v1::GetUnitResponse response;
  response.add_employees()->set_full_name("Anna Holm");
  cti::v1::Employee with_unknown;
  ASSERT_TRUE(with_unknown.ParseFromString(WithExtraVarint("", 15)));
  *response.add_employees() = with_unknown;
  absl::Status status = CheckNoUnknownFields(response, "response");
  EXPECT_NE(status.message().find("unknown field number 15 in response.employees[1]"),
            absl::string_view::npos)
      << status;
}

}  // namespace
}  // namespace cti::server
