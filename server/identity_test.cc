#include "server/identity.h"

#include "gtest/gtest.h"

namespace cti::server {
namespace {

TEST(ParseRoleTest, AcceptsEnumNamesAndShortNames) {
  EXPECT_EQ(*ParseRole("ROLE_ADMIN"), cti::v1::ROLE_ADMIN);
  EXPECT_EQ(*ParseRole("admin"), cti::v1::ROLE_ADMIN);
  EXPECT_EQ(*ParseRole("reception"), cti::v1::ROLE_RECEPTION);
  EXPECT_EQ(*ParseRole("softphone"), cti::v1::ROLE_SOFTPHONE);
  EXPECT_EQ(*ParseRole("director"), cti::v1::ROLE_DIRECTOR);
  EXPECT_EQ(*ParseRole("auditor"), cti::v1::ROLE_AUDITOR);
  EXPECT_EQ(*ParseRole("system"), cti::v1::ROLE_SYSTEM);
  EXPECT_EQ(*ParseRole("ROLE_SYSTEM"), cti::v1::ROLE_SYSTEM);
}

TEST(ParseRoleTest, RefusesUnspecifiedAndUnknown) {
  for (const char* text :
       {"", "ROLE_UNSPECIFIED", "unspecified", "Admin", "role_admin", "superuser", "ROLE_ADMIN "}) {
    absl::StatusOr<cti::v1::Role> role = ParseRole(text);
    EXPECT_EQ(role.status().code(), absl::StatusCode::kInvalidArgument) << "'" << text << "'";
  }
  EXPECT_NE(ParseRole("superuser").status().message().find("'superuser' is not a role"),
            absl::string_view::npos);
}

}  // namespace
}  // namespace cti::server
