#include "directory_format.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "format.h"

namespace cti::ctictl {
namespace {

constexpr size_t kTasksWidth = 60;

std::string Tasks(const google::protobuf::RepeatedPtrField<std::string>& tasks) {
  return absl::StrJoin(tasks, ", ");
}

std::string NameAndId(const std::string& name, const std::string& id) {
  if (name.empty()) return id;
  return absl::StrCat(name, " (", id, ")");
}

}  // namespace

std::string PublicDirectNumber(const cti::v1::Employee& employee) {
  return employee.unlisted() ? "(unlisted)" : employee.direct_number();
}

std::string UnitKindLabel(cti::v1::UnitKind kind) {
  return EnumLabel(cti::v1::UnitKind_Name(kind), "UNIT_KIND_");
}

std::string FormatSearchResults(const cti::v1::SearchResponse& response) {
  if (response.hits().empty()) return "No matches.\n";
  std::vector<std::vector<std::string>> rows;
  for (const cti::v1::SearchHit& hit : response.hits()) {
    if (hit.has_employee()) {
      const cti::v1::Employee& e = hit.employee();
      rows.push_back({"employee", e.employee_id(), e.full_name(),
                      hit.unit_name().empty() ? e.unit_id() : hit.unit_name(), e.extension(),
                      PublicDirectNumber(e), hit.availability().text(),
                      Truncate(Tasks(e.tasks()), kTasksWidth)});
    } else if (hit.has_unit()) {
      const cti::v1::Unit& u = hit.unit();
      rows.push_back({UnitKindLabel(u.kind()), u.unit_id(), u.name(), u.parent_unit_id(), "",
                      u.phone_number(), "", Truncate(Tasks(u.tasks()), kTasksWidth)});
    }
  }
  return RenderTable({"TYPE", "ID", "NAME", "UNIT", "EXT", "DIRECT NUMBER", "NOW", "TASKS"}, rows);
}

std::string FormatEmployee(const cti::v1::GetEmployeeResponse& response) {
  const cti::v1::Employee& e = response.employee();
  std::string direct = e.direct_number();
  if (e.unlisted()) {
    direct = direct.empty() ? "(unlisted)"
                            : absl::StrCat(direct, "  (unlisted: not to be given to callers)");
  }
  std::string out = NameAndId(e.full_name(), e.employee_id()) + "\n";
  out += RenderFields({
      {"title", e.title()},
      {"unit", NameAndId(response.unit().name(), e.unit_id())},
      {"extension", e.extension()},
      {"direct number", direct},
      {"mobile", e.mobile_number()},
      {"e-mail", e.email()},
      {"tasks", Tasks(e.tasks())},
      {"status", e.active() ? "active" : "left"},
  });
  return out;
}

std::string FormatUnit(const cti::v1::GetUnitResponse& response) {
  const cti::v1::Unit& u = response.unit();
  std::vector<std::string> responsible;
  for (const std::string& id : u.phone_responsible_employee_ids()) {
    std::string name;
    for (const cti::v1::Employee& e : response.employees()) {
      if (e.employee_id() == id) name = e.full_name();
    }
    responsible.push_back(NameAndId(name, id));
  }
  std::string out = NameAndId(u.name(), u.unit_id()) + "\n";
  out += RenderFields({
      {"kind", UnitKindLabel(u.kind())},
      {"parent", u.parent_unit_id()},
      {"phone", u.phone_number()},
      {"e-mail", u.email()},
      {"tasks", Tasks(u.tasks())},
      {"description", u.description()},
      {"phone-responsible", absl::StrJoin(responsible, ", ")},
      {"status", u.active() ? "active" : "retired"},
  });
  if (!response.employees().empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const cti::v1::Employee& e : response.employees()) {
      rows.push_back({e.employee_id(), e.full_name(), e.title(), e.extension(),
                      PublicDirectNumber(e), Truncate(Tasks(e.tasks()), kTasksWidth)});
    }
    out += absl::StrCat("\nEmployees (", rows.size(), "):\n");
    out += RenderTable({"ID", "NAME", "TITLE", "EXT", "DIRECT NUMBER", "TASKS"}, rows);
  }
  if (!response.children().empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const cti::v1::Unit& child : response.children()) {
      rows.push_back(
          {child.unit_id(), child.name(), UnitKindLabel(child.kind()), child.phone_number()});
    }
    out += absl::StrCat("\nChild units (", rows.size(), "):\n");
    out += RenderTable({"ID", "NAME", "KIND", "PHONE"}, rows);
  }
  return out;
}

}  // namespace cti::ctictl
