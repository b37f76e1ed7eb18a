// Calendar rules: entries (TP-3.7, TP-4.2) and forwarding (TP-4.4, TP-4.5).
#include <string>

#include "gtest/gtest.h"
#include "projections/projector.h"
#include "projections/testing/test_util.h"

namespace cti::projections {
namespace {

using testing::ForwardToColleague;
using testing::kT0;
using testing::UpsertEntry;

class CalendarTest : public testing::ProjectionTest {
 protected:
  void SetUp() override {
    ProjectionTest::SetUp();
    DefineOrganisation();
  }
  static cti::v1::Event RemoveEntry(const std::string& employee, const std::string& entry) {
    cti::v1::Event e;
    auto* r = e.mutable_calendar()->mutable_entry_removed();
    r->set_employee_id(employee);
    r->set_entry_id(entry);
    return e;
  }
  static cti::v1::Event ClearForwarding(const std::string& employee, const std::string& id) {
    cti::v1::Event e;
    auto* c = e.mutable_calendar()->mutable_forwarding_cleared();
    c->set_employee_id(employee);
    c->set_forwarding_id(id);
    return e;
  }
};

TEST_F(CalendarTest, EntryUpsertAndRemove) {
  EXPECT_EQ(Rejection(UpsertEntry("e1", "uid-1@outlook", kT0, kT0 + 3600, "Kursus i Vejle")), "");
  // The same id replaces.
  EXPECT_EQ(Rejection(UpsertEntry("e1", "uid-1@outlook", kT0, kT0 + 7200, "Kursus i Vejle")), "");
  EXPECT_EQ(Rejection(RemoveEntry("e1", "uid-1@outlook")), "");
  EXPECT_EQ(Rejection(RemoveEntry("e1", "uid-1@outlook")),
            "entry_id 'uid-1@outlook' not found for employee_id 'e1'");
}

TEST_F(CalendarTest, EntryNeedsAnActiveEmployee) {
  EXPECT_EQ(Rejection(UpsertEntry("e9", "x", kT0, kT0 + 60)), "employee_id 'e9' not found");
  ApplyAll({testing::Leave("e2")});
  EXPECT_EQ(Rejection(UpsertEntry("e2", "x", kT0, kT0 + 60)), "employee_id 'e2' has left");
}

TEST_F(CalendarTest, EntryShape) {
  EXPECT_EQ(Rejection(UpsertEntry("e1", "x", kT0, kT0)),
            "calendar.entry_upserted.end: must be after start");
  EXPECT_EQ(Rejection(UpsertEntry("e1", "x", kT0, kT0 - 1)),
            "calendar.entry_upserted.end: must be after start");
  EXPECT_EQ(Rejection(UpsertEntry("e1", "", kT0, kT0 + 1)),
            "calendar.entry_upserted.entry_id: must not be empty");
  EXPECT_EQ(Rejection(UpsertEntry("e1", "x", kT0, kT0 + 1, "", cti::v1::ABSENCE_KIND_UNSPECIFIED)),
            "calendar.entry_upserted.kind: must be given");
  EXPECT_EQ(Rejection(UpsertEntry("e1", "x", kT0, kT0 + 1, std::string(501, 's'))),
            "calendar.entry_upserted.subject: must be at most 500 characters (got 501)");
  cti::v1::Event no_start = UpsertEntry("e1", "x", kT0, kT0 + 1);
  no_start.mutable_calendar()->mutable_entry_upserted()->clear_start();
  EXPECT_EQ(Rejection(no_start), "calendar.entry_upserted.start: is required");
  cti::v1::Event far = UpsertEntry("e1", "x", kT0, 7258118400);
  EXPECT_EQ(Rejection(far),
            "calendar.entry_upserted.end: must be between 1970-01-01 and 2200-01-01 (UTC)");
}

TEST_F(CalendarTest, SubjectWithACprNumberIsRefusedCitingTp42) {
  for (const char* subject : {"Møde om 010190-1234", "borger 0101901234", "cpr 010190 1234"}) {
    cti::v1::ApplyOutcome outcome = Apply(UpsertEntry("e1", "cpr", kT0, kT0 + 60, subject));
    EXPECT_TRUE(outcome.rejected()) << subject;
    EXPECT_EQ(outcome.reason(),
              "calendar.entry_upserted.subject: must not contain a CPR number or other "
              "confidential data (TP-4.2)");
  }
  // Validate (command time) gives the same INVALID_ARGUMENT.
  cti::v1::Event e = UpsertEntry("e1", "cpr", kT0, kT0 + 60, "Møde om 010190-1234");
  testing::FillEnvelope(&e, 99);
  absl::Status status = Validate(*store_, e);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("TP-4.2"), absl::string_view::npos);
  // Ordinary numbers pass.
  EXPECT_EQ(Rejection(UpsertEntry("e1", "ok", kT0, kT0 + 60, "Ring 73 76 76 76, lokal 4711")), "");
}

TEST_F(CalendarTest, ForwardingToAColleague) {
  EXPECT_EQ(Rejection(ForwardToColleague("e1", "f1", "e2", "syg")), "");
  EXPECT_EQ(Rejection(ForwardToColleague("e1", "f1", "e1")),
            "calendar.forwarding_set.destination.employee_id: must not be the employee "
            "themselves (TP-4.4: forward to a colleague)");
  EXPECT_EQ(Rejection(ForwardToColleague("e1", "f2", "e9")), "employee_id 'e9' not found");
  EXPECT_EQ(Rejection(ForwardToColleague("e9", "f2", "e1")), "employee_id 'e9' not found");
  ApplyAll({testing::Hire("e3", "Carl", "skat"), testing::Leave("e3")});
  EXPECT_EQ(Rejection(ForwardToColleague("e1", "f2", "e3")), "employee_id 'e3' has left");
  EXPECT_EQ(Rejection(ForwardToColleague("e1", "f3", "e2", "syg, cpr 311299-4321")),
            "calendar.forwarding_set.reason: must not contain a CPR number or other "
            "confidential data (TP-4.2)");
}

TEST_F(CalendarTest, ForwardingToUnitOrNumberAndItsShape) {
  cti::v1::Event e = ForwardToColleague("e1", "f1", "e2");
  cti::v1::ForwardingSet* f = e.mutable_calendar()->mutable_forwarding_set();
  f->mutable_destination()->set_unit_id("skat");
  EXPECT_EQ(Rejection(e), "");
  f->mutable_destination()->set_unit_id("nowhere");
  EXPECT_EQ(Rejection(e), "unit_id 'nowhere' not found");
  f->mutable_destination()->set_number("+45 20");
  EXPECT_EQ(Rejection(e),
            "calendar.forwarding_set.destination.number: must be 2 to 20 digits with an "
            "optional leading '+'");
  f->mutable_destination()->set_number("+4520123456");
  EXPECT_EQ(Rejection(e), "");
  f->clear_destination();
  EXPECT_EQ(Rejection(e),
            "calendar.forwarding_set.destination: exactly one of employee_id, unit_id, number is "
            "required");
  f->mutable_destination()->set_employee_id("e2");
  f->set_condition(cti::v1::FORWARDING_CONDITION_UNSPECIFIED);
  EXPECT_EQ(Rejection(e), "calendar.forwarding_set.condition: must be given");
  f->set_condition(cti::v1::FORWARDING_CONDITION_BUSY);
  *f->mutable_valid_from() = testing::Ts(kT0 + 100);
  *f->mutable_valid_until() = testing::Ts(kT0 + 100);
  EXPECT_EQ(Rejection(e), "calendar.forwarding_set.valid_until: must be after valid_from");
  *f->mutable_valid_until() = testing::Ts(kT0 + 101);
  EXPECT_EQ(Rejection(e), "");
}

TEST_F(CalendarTest, ForwardingCleared) {
  ApplyAll({ForwardToColleague("e1", "f1", "e2")});
  EXPECT_EQ(Rejection(ClearForwarding("e1", "f1")), "");
  EXPECT_EQ(Rejection(ClearForwarding("e1", "f1")),
            "forwarding_id 'f1' not found for employee_id 'e1'");
}

}  // namespace
}  // namespace cti::projections
