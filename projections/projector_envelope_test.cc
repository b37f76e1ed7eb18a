// Envelope rules every record meets, whatever its payload.
#include <string>

#include "gtest/gtest.h"
#include "projections/testing/test_util.h"

namespace cti::projections {
namespace {

using testing::ProjectionTest;

class EnvelopeTest : public ProjectionTest {};

TEST_F(EnvelopeTest, AcceptsAWellFormedRecord) {
  EXPECT_EQ(Rejection(testing::Administration("adm", "Adm")), "");
}

TEST_F(EnvelopeTest, TenantMustBeAnIdentifier) {
  cti::v1::Event e = testing::Administration("adm", "Adm");
  e.set_tenant("aar hus");
  EXPECT_EQ(Rejection(e), "tenant: must be 1 to 64 characters from [A-Za-z0-9._:-]");
  e.set_tenant(std::string(65, 'a'));
  EXPECT_EQ(Rejection(e), "tenant: must be 1 to 64 characters from [A-Za-z0-9._:-]");
}

TEST_F(EnvelopeTest, OccurredAtIsRequiredAndWithinRange) {
  cti::v1::Event e = testing::Administration("adm", "Adm");
  e.set_tenant(testing::kTenant);
  e.set_event_id("x1");
  e.mutable_actor()->set_role(cti::v1::ROLE_ADMIN);
  cti::v1::Event missing = e;  // FillEnvelope would add one: build the record by hand
  std::vector<cti::v1::LogRecord> records(1);
  records[0].set_position(next_position_++);
  *records[0].mutable_event() = missing;
  auto outcomes = projector_->Apply(0, records);
  ASSERT_TRUE(outcomes.ok());
  EXPECT_EQ((*outcomes)[0].reason(), "occurred_at: is required");

  e.set_event_id("x2");
  *e.mutable_occurred_at() = testing::Ts(-1);
  EXPECT_EQ(Rejection(e), "occurred_at: must be between 1970-01-01 and 2200-01-01 (UTC)");
  e.set_event_id("x3");
  *e.mutable_occurred_at() = testing::Ts(7258118400);  // 2200-01-01T00:00:00Z
  EXPECT_EQ(Rejection(e), "occurred_at: must be between 1970-01-01 and 2200-01-01 (UTC)");
  e.set_event_id("x4");
  *e.mutable_occurred_at() = testing::Ts(7258118399);
  EXPECT_EQ(Rejection(e), "");
  e = testing::Administration("adm2", "Adm");
  *e.mutable_occurred_at() = testing::Ts(0);
  EXPECT_EQ(Rejection(e), "");
}

TEST_F(EnvelopeTest, ExactlyOnePayloadAndOneChange) {
  EXPECT_EQ(Rejection(cti::v1::Event()),
            "payload: exactly one of call, staff, calendar, privacy is required");
  cti::v1::Event staff;
  staff.mutable_staff();
  EXPECT_EQ(Rejection(staff), "staff.change: exactly one change is required");
  cti::v1::Event calendar;
  calendar.mutable_calendar();
  EXPECT_EQ(Rejection(calendar), "calendar.change: exactly one change is required");
  cti::v1::Event call;
  call.mutable_call()->set_call_id("c1");
  EXPECT_EQ(Rejection(call), "call.change: exactly one change is required");
}

TEST_F(EnvelopeTest, ActorRoleIsRequired) {
  cti::v1::Event e = testing::Administration("adm", "Adm");
  e.mutable_actor()->set_id("someone");
  e.mutable_actor()->set_role(static_cast<cti::v1::Role>(42));
  EXPECT_EQ(Rejection(e), "actor.role: must be given");
}

TEST_F(EnvelopeTest, SchemaVersionNewerThanTheServerIsRefused) {
  cti::v1::Event e = testing::Administration("adm", "Adm");
  e.set_schema_version(2);
  EXPECT_EQ(Rejection(e), "schema_version: version 2 is newer than this server understands (1)");
  e.set_schema_version(1);
  EXPECT_EQ(Rejection(e), "");
}

TEST_F(EnvelopeTest, CorrelationIdAndEventIdLimits) {
  cti::v1::Event e = testing::Administration("adm", "Adm");
  e.set_correlation_id(std::string(129, 'c'));
  EXPECT_EQ(Rejection(e), "correlation_id: must be at most 128 characters (got 129)");
  e.set_correlation_id("sync-run-7");
  e.set_event_id("has space");
  EXPECT_EQ(Rejection(e), "event_id: must be printable ASCII without spaces");
  e.set_event_id("ldap:a84b4c76e66710@pc33.example.com");
  EXPECT_EQ(Rejection(e), "");
}

}  // namespace
}  // namespace cti::projections
