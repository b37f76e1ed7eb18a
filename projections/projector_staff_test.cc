// Staff rules: units, employees, phone-responsible persons (TP-3.5, TP-5.1, TP-5.2).
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "projections/directory.h"
#include "projections/testing/test_util.h"

namespace cti::projections {
namespace {

using testing::Administration;
using testing::Department;
using testing::Hire;

class StaffTest : public testing::ProjectionTest {
 protected:
  cti::v1::Employee GetEmployee(const std::string& id) {
    cti::v1::GetEmployeeRequest request;
    request.set_tenant(testing::kTenant);
    request.set_employee_id(id);
    auto response = Directory(store_.get()).GetEmployee(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? response->employee() : cti::v1::Employee();
  }
  cti::v1::GetUnitResponse GetUnit(const std::string& id) {
    cti::v1::GetUnitRequest request;
    request.set_tenant(testing::kTenant);
    request.set_unit_id(id);
    auto response = Directory(store_.get()).GetUnit(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? *response : cti::v1::GetUnitResponse();
  }
  static cti::v1::Event Assign(const std::string& unit, const std::string& employee) {
    cti::v1::Event e;
    auto* a = e.mutable_staff()->mutable_phone_responsible_assigned();
    a->set_unit_id(unit);
    a->set_employee_id(employee);
    return e;
  }
  static cti::v1::Event Unassign(const std::string& unit, const std::string& employee) {
    cti::v1::Event e;
    auto* a = e.mutable_staff()->mutable_phone_responsible_removed();
    a->set_unit_id(unit);
    a->set_employee_id(employee);
    return e;
  }
  static cti::v1::Event Contact(const std::string& id, const std::string& name,
                                const std::string& extension) {
    cti::v1::Event e;
    auto* c = e.mutable_staff()->mutable_employee_contact_changed();
    c->set_employee_id(id);
    c->set_full_name(name);
    c->set_extension(extension);
    return e;
  }
};

TEST_F(StaffTest, UnitParentRulesByKind) {
  EXPECT_EQ(Rejection(testing::DefineUnit("a", cti::v1::UNIT_KIND_ADMINISTRATION, "A", "x")),
            "staff.unit_defined.unit.parent_unit_id: must be empty for an administration, staff "
            "unit or reception");
  EXPECT_EQ(Rejection(testing::DefineUnit("r", cti::v1::UNIT_KIND_RECEPTION, "R", "x")),
            "staff.unit_defined.unit.parent_unit_id: must be empty for an administration, staff "
            "unit or reception");
  EXPECT_EQ(Rejection(Department("d", "D", "")),
            "staff.unit_defined.unit.parent_unit_id: is required for a department, professional "
            "group or decentral institution");
  EXPECT_EQ(Rejection(Department("d", "D", "nowhere")), "unit_id 'nowhere' not found");
  EXPECT_EQ(Rejection(Department("d", "D", "d")),
            "staff.unit_defined.unit.parent_unit_id: must not be the unit itself");
  EXPECT_EQ(Rejection(testing::DefineUnit("s", cti::v1::UNIT_KIND_STAFF_UNIT, "Stab")), "");
  EXPECT_EQ(Rejection(testing::DefineUnit("g", cti::v1::UNIT_KIND_PROFESSIONAL_GROUP, "G", "s")),
            "");
  EXPECT_EQ(
      Rejection(testing::DefineUnit("i", cti::v1::UNIT_KIND_DECENTRAL_INSTITUTION, "Skole", "s")),
      "");
}

TEST_F(StaffTest, UnitShape) {
  EXPECT_EQ(Rejection(testing::DefineUnit("a", cti::v1::UNIT_KIND_UNSPECIFIED, "A")),
            "staff.unit_defined.unit.kind: must be given");
  EXPECT_EQ(Rejection(Administration("a", "  ")),
            "staff.unit_defined.unit.name: must not be empty");
  std::string name200;
  for (int i = 0; i < 200; ++i) name200 += "æ";  // 200 characters, 400 bytes
  EXPECT_EQ(Rejection(Administration("a", name200)), "");
  EXPECT_EQ(Rejection(Administration("b", name200 + "x")),
            "staff.unit_defined.unit.name: must be at most 200 characters (got 201)");
  EXPECT_EQ(Rejection(Administration("bad/id", "B")),
            "staff.unit_defined.unit.unit_id: must be 1 to 64 characters from [A-Za-z0-9._:-]");

  cti::v1::Event e = Administration("c", "C");
  cti::v1::Unit* u = e.mutable_staff()->mutable_unit_defined()->mutable_unit();
  u->set_phone_number("73 76 76 76");
  EXPECT_EQ(Rejection(e),
            "staff.unit_defined.unit.phone_number: must be 2 to 20 digits with an optional "
            "leading '+'");
  u->set_phone_number("+4573767676");
  u->set_email("a@b@c");
  EXPECT_EQ(Rejection(e), "staff.unit_defined.unit.email: must contain exactly one '@'");
  u->set_email("post@aarhus.dk");
  u->add_tasks("");
  EXPECT_EQ(Rejection(e), "staff.unit_defined.unit.tasks[0]: must not be empty");
  u->set_tasks(0, std::string(101, 't'));
  EXPECT_EQ(Rejection(e),
            "staff.unit_defined.unit.tasks[0]: must be at most 100 characters (got 101)");
  u->clear_tasks();
  for (int i = 0; i < 101; ++i) u->add_tasks(absl::StrCat("t", i));
  EXPECT_EQ(Rejection(e), "staff.unit_defined.unit.tasks: must have at most 100 tasks (got 101)");
  u->mutable_tasks()->RemoveLast();
  u->set_description(std::string(2001, 'd'));
  EXPECT_EQ(Rejection(e),
            "staff.unit_defined.unit.description: must be at most 2000 characters (got 2001)");
  u->clear_description();
  EXPECT_EQ(Rejection(e), "");
}

TEST_F(StaffTest, UnitCannotBecomeItsOwnAncestor) {
  ApplyAll({Administration("adm", "Adm"), Department("a", "A", "adm"), Department("b", "B", "a"),
            Department("c", "C", "b")});
  EXPECT_EQ(Rejection(Department("a", "A", "c")),
            "unit_id 'a' would become its own ancestor (through 'b')");
  // Moving a unit elsewhere in the tree is fine, and its parent's children follow.
  EXPECT_EQ(Rejection(Department("c", "C", "a")), "");
  EXPECT_EQ(GetUnit("a").children_size(), 2);
  EXPECT_EQ(GetUnit("b").children_size(), 0);
}

TEST_F(StaffTest, RedefiningAUnitKeepsPhoneResponsiblePersons) {
  DefineOrganisation();
  ApplyAll(
      {Assign("borgerservice", "e1"), Department("borgerservice", "Borgerservice Aarhus", "adm")});
  cti::v1::Unit unit = GetUnit("borgerservice").unit();
  EXPECT_EQ(unit.name(), "Borgerservice Aarhus");
  ASSERT_EQ(unit.phone_responsible_employee_ids_size(), 1);
  EXPECT_EQ(unit.phone_responsible_employee_ids(0), "e1");
}

TEST_F(StaffTest, RetiringAUnitWithEmployeesOrChildrenIsRefused) {
  DefineOrganisation();
  cti::v1::Event retire = testing::RetireUnit("borgerservice");
  EXPECT_EQ(Apply(retire).reason(),
            "unit_id 'borgerservice' still has 2 active employees; move them or record that "
            "they left first");
  EXPECT_EQ(Rejection(testing::RetireUnit("adm")),
            "unit_id 'adm' still has 2 active child units; retire or move them first");
  EXPECT_EQ(Rejection(testing::RetireUnit("nowhere")), "unit_id 'nowhere' not found");
  ApplyAll(
      {testing::Leave("e1"), testing::Move("e2", "skat"), testing::RetireUnit("borgerservice")});
  EXPECT_FALSE(GetUnit("borgerservice").unit().active());
  EXPECT_EQ(Rejection(testing::RetireUnit("borgerservice")), "unit_id 'borgerservice' is retired");
  EXPECT_EQ(Rejection(Hire("e3", "Carl", "borgerservice")), "unit_id 'borgerservice' is retired");
  EXPECT_EQ(Rejection(Department("sub", "Sub", "borgerservice")),
            "unit_id 'borgerservice' is retired");
  EXPECT_EQ(GetUnit("adm").children_size(), 1);
}

TEST_F(StaffTest, EmployeeIdsAreNeverReused) {
  DefineOrganisation();
  EXPECT_EQ(Rejection(Hire("e1", "Anna Anden", "skat")),
            "employee_id 'e1' was already hired; employee ids are never reused");
  ApplyAll({testing::Leave("e1")});
  EXPECT_EQ(Rejection(Hire("e1", "Anna Anden", "skat")),
            "employee_id 'e1' was already hired; employee ids are never reused");
}

TEST_F(StaffTest, HireChecksUnitExtensionAndContactShape) {
  DefineOrganisation();
  EXPECT_EQ(Rejection(Hire("e3", "Carl", "nowhere")), "unit_id 'nowhere' not found");
  EXPECT_EQ(Rejection(Hire("e3", "Carl", "skat", "4711")),
            "extension '4711' is already used by employee_id 'e1'");
  EXPECT_EQ(Rejection(Hire("e3", "Carl", "skat", "4")),
            "staff.employee_hired.employee.extension: must be 2 to 8 digits");
  EXPECT_EQ(Rejection(Hire("e3", "Carl", "skat", "123456789")),
            "staff.employee_hired.employee.extension: must be 2 to 8 digits");
  EXPECT_EQ(Rejection(Hire("e3", "Carl", "skat", "47a1")),
            "staff.employee_hired.employee.extension: must be 2 to 8 digits");
  EXPECT_EQ(Rejection(Hire("", "Carl", "skat")),
            "staff.employee_hired.employee.employee_id: must not be empty");
  EXPECT_EQ(Rejection(Hire("e3", "Carl", "")),
            "staff.employee_hired.employee.unit_id: must not be empty");
  cti::v1::Event e = Hire("e3", "Carl", "skat", "4713");
  cti::v1::Employee* emp = e.mutable_staff()->mutable_employee_hired()->mutable_employee();
  emp->set_direct_number("8940-1234");
  EXPECT_EQ(Rejection(e),
            "staff.employee_hired.employee.direct_number: must be 2 to 20 digits with an "
            "optional leading '+'");
  emp->set_direct_number("+4589401234");
  emp->set_mobile_number("+45 2012 3456");
  EXPECT_EQ(Rejection(e),
            "staff.employee_hired.employee.mobile_number: must be 2 to 20 digits with an "
            "optional leading '+'");
  emp->set_mobile_number("20123456");
  emp->set_email("carl.aarhus.dk");
  EXPECT_EQ(Rejection(e), "staff.employee_hired.employee.email: must contain exactly one '@'");
  emp->set_email("carl@aarhus.dk");
  emp->add_tasks(std::string(101, 'x'));
  EXPECT_EQ(Rejection(e),
            "staff.employee_hired.employee.tasks[0]: must be at most 100 characters (got 101)");
  emp->clear_tasks();
  emp->set_active(false);  // ignored in events
  EXPECT_EQ(Rejection(e), "");
  cti::v1::Employee stored = GetEmployee("e3");
  EXPECT_TRUE(stored.active());
  EXPECT_EQ(stored.direct_number(), "+4589401234");
  EXPECT_EQ(stored.email(), "carl@aarhus.dk");
}

TEST_F(StaffTest, MoveChangesTheUnitsMembers) {
  DefineOrganisation();
  EXPECT_EQ(Rejection(testing::Move("e1", "nowhere")), "unit_id 'nowhere' not found");
  EXPECT_EQ(Rejection(testing::Move("e9", "skat")), "employee_id 'e9' not found");
  EXPECT_EQ(Rejection(testing::Move("e1", "skat")), "");
  EXPECT_EQ(GetEmployee("e1").unit_id(), "skat");
  EXPECT_EQ(GetUnit("skat").employees_size(), 1);
  EXPECT_EQ(GetUnit("borgerservice").employees_size(), 1);
  EXPECT_EQ(Rejection(testing::Move("e1", "skat")), "");  // already there: nothing changes
  ApplyAll({testing::Leave("e2")});
  EXPECT_EQ(Rejection(testing::Move("e2", "skat")), "employee_id 'e2' has left");
}

TEST_F(StaffTest, ContactChangeReplacesEveryField) {
  DefineOrganisation();
  EXPECT_EQ(Rejection(Contact("e1", "", "4711")),
            "staff.employee_contact_changed.full_name: must not be empty");
  EXPECT_EQ(Rejection(Contact("e1", "Anna Holm", "4712")),
            "extension '4712' is already used by employee_id 'e2'");
  cti::v1::Event e = Contact("e1", "Anna Holm-Berg", "4800");
  e.mutable_staff()->mutable_employee_contact_changed()->set_email("anna@aarhus.dk");
  EXPECT_EQ(Rejection(e), "");
  cti::v1::Employee anna = GetEmployee("e1");
  EXPECT_EQ(anna.full_name(), "Anna Holm-Berg");
  EXPECT_EQ(anna.extension(), "4800");
  EXPECT_EQ(anna.email(), "anna@aarhus.dk");
  // The old extension is free again; the new one is taken.
  EXPECT_EQ(Rejection(Hire("e3", "Carl", "skat", "4711")), "");
  EXPECT_EQ(Rejection(Hire("e4", "Dora", "skat", "4800")),
            "extension '4800' is already used by employee_id 'e1'");
  // Empty clears.
  EXPECT_EQ(Rejection(Contact("e1", "Anna Holm-Berg", "")), "");
  EXPECT_EQ(GetEmployee("e1").extension(), "");
  EXPECT_EQ(GetEmployee("e1").email(), "");
}

TEST_F(StaffTest, TasksAndListing) {
  DefineOrganisation();
  EXPECT_EQ(Rejection(testing::ChangeTasks("e1", {"pension", ""})),
            "staff.employee_tasks_changed.tasks[1]: must not be empty");
  EXPECT_EQ(Rejection(testing::ChangeTasks("e1", {"pension", "sygedagpenge"})), "");
  EXPECT_EQ(GetEmployee("e1").tasks_size(), 2);
  EXPECT_EQ(Rejection(testing::SetUnlisted("e1", true)), "");
  EXPECT_TRUE(GetEmployee("e1").unlisted());
  EXPECT_EQ(Rejection(testing::SetUnlisted("e9", true)), "employee_id 'e9' not found");
}

TEST_F(StaffTest, LeaverIsKeptInactiveAndFreesTheExtension) {
  DefineOrganisation();
  ApplyAll({Assign("borgerservice", "e1"), testing::Leave("e1")});
  cti::v1::Employee anna = GetEmployee("e1");
  EXPECT_FALSE(anna.active());
  EXPECT_EQ(anna.full_name(), "Anna Holm");
  EXPECT_EQ(anna.extension(), "4711");  // history keeps it
  EXPECT_EQ(GetUnit("borgerservice").employees_size(), 1);
  EXPECT_EQ(GetUnit("borgerservice").unit().phone_responsible_employee_ids_size(), 0);
  EXPECT_EQ(Rejection(testing::Leave("e1")), "employee_id 'e1' has left");
  EXPECT_EQ(Rejection(Hire("e3", "Carl", "skat", "4711")), "");
}

TEST_F(StaffTest, PhoneResponsiblePersons) {
  DefineOrganisation();
  EXPECT_EQ(Rejection(Assign("borgerservice", "e9")), "employee_id 'e9' not found");
  EXPECT_EQ(Rejection(Assign("nowhere", "e1")), "unit_id 'nowhere' not found");
  EXPECT_EQ(Rejection(Assign("borgerservice", "e1")), "");
  EXPECT_EQ(Rejection(Assign("skat", "e1")), "");
  EXPECT_EQ(Rejection(Assign("borgerservice", "e1")),
            "employee_id 'e1' is already phone-responsible for unit_id 'borgerservice' (TP-5.2)");
  EXPECT_EQ(Rejection(Assign("borgerservice", "e2")), "");
  auto ids = GetUnit("borgerservice").unit().phone_responsible_employee_ids();
  ASSERT_EQ(ids.size(), 2);
  EXPECT_EQ(ids[0], "e1");
  EXPECT_EQ(ids[1], "e2");
  EXPECT_EQ(Rejection(Unassign("borgerservice", "e1")), "");
  EXPECT_EQ(Rejection(Unassign("borgerservice", "e1")),
            "employee_id 'e1' is not phone-responsible for unit_id 'borgerservice'");
  EXPECT_EQ(GetUnit("borgerservice").unit().phone_responsible_employee_ids_size(), 1);
  ApplyAll({testing::Leave("e2"), testing::Leave("e1")});
  EXPECT_EQ(GetUnit("borgerservice").unit().phone_responsible_employee_ids_size(), 0);
  EXPECT_EQ(GetUnit("skat").unit().phone_responsible_employee_ids_size(), 0);
  EXPECT_EQ(Rejection(Assign("skat", "e1")), "employee_id 'e1' has left");
}

}  // namespace
}  // namespace cti::projections
