#include "tests/bench/route_bench_org.h"

#include <google/protobuf/util/json_util.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cti/v1/event_service.grpc.pb.h"
#include "tests/support/danish_events.h"
#include "tests/support/grpc_clients.h"

namespace cti::bench {
namespace {

using test_support::EventFactory;

absl::StatusOr<std::vector<cti::v1::Event>> ReadJsonLines(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot be read"));
  std::vector<cti::v1::Event> events;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty() || text[0] == '#') continue;
    cti::v1::Event event;
    const auto parsed = google::protobuf::util::JsonStringToMessage(std::string(text), &event);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", number, ": ", parsed.message().as_string()));
    }
    if (event.tenant().empty()) event.set_tenant(kRouteBenchTenant);
    events.push_back(std::move(event));
  }
  return events;
}

// The director who approved a reduction or unmanned period: the actor it must be
// appended as.
std::string DirectorOf(const cti::v1::Event& event) {
  const cti::v1::HoursChangeSet& change = event.staff().hours_change_set();
  if (change.has_reduction()) return change.reduction().approval().director_employee_id();
  if (change.has_unmanned()) return change.unmanned().approval().director_employee_id();
  return "director";
}

absl::Status AppendEach(const std::string& address, const std::vector<cti::v1::Event>& events,
                        bool as_director, uint64_t* last_position) {
  std::map<std::string, std::unique_ptr<cti::v1::EventService::Stub>> stubs;
  for (const cti::v1::Event& event : events) {
    const test_support::Identity identity =
        as_director ? test_support::Identity{DirectorOf(event), "director", ""}
                    : test_support::Identity{"demo-loader", "system", ""};
    std::unique_ptr<cti::v1::EventService::Stub>& stub = stubs[identity.actor];
    if (stub == nullptr) {
      stub = cti::v1::EventService::NewStub(test_support::IdentityChannel(address, identity));
    }
    cti::v1::AppendRequest request;
    *request.mutable_event() = event;
    cti::v1::AppendResponse response;
    auto context = test_support::Ctx(absl::Seconds(30));
    const grpc::Status status = stub->Append(context.get(), request, &response);
    if (!status.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("appending ", event.event_id(), ": ", test_support::Describe(status)));
    }
    *last_position = std::max(*last_position, response.position());
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<OrgEvents> ReadDemo(const std::string& demo_file) {
  if (!std::filesystem::exists(demo_file)) {
    return absl::NotFoundError(absl::StrCat(demo_file, " does not exist"));
  }
  OrgEvents org;
  org.source = demo_file;
  absl::StatusOr<std::vector<cti::v1::Event>> events = ReadJsonLines(demo_file);
  if (!events.ok()) return events.status();
  org.system_events = *std::move(events);
  std::string director_file = demo_file;
  if (absl::EndsWith(director_file, ".jsonl")) {
    director_file.resize(director_file.size() - 6);
  }
  director_file += "-director.jsonl";
  if (std::filesystem::exists(director_file)) {
    events = ReadJsonLines(director_file);
    if (!events.ok()) return events.status();
    org.director_events = *std::move(events);
    org.source += absl::StrCat(" + ", director_file);
  }
  return org;
}

OrgEvents GenerateOrganisation() {
  static constexpr const char* kFirst[] = {
      "Anna",  "Bo",    "Camilla", "Dorte", "Erik", "Frida", "Gitte",  "Henrik", "Ida",  "Jørgen",
      "Karen", "Lærke", "Mads",    "Nina",  "Ole",  "Pia",   "Rasmus", "Søren",  "Tove", "Åse"};
  static constexpr const char* kLast[] = {"Holm",  "Lund",       "Nielsen", "Jensen",    "Hansen",
                                          "Kjær",  "Østergaard", "Bæk",     "Mikkelsen", "Aagaard",
                                          "Friis", "Dam",        "Skov",    "Høj",       "Madsen"};
  static constexpr const char* kAdministrations[] = {"Borger og Arbejdsmarked", "Børn og Unge",
                                                     "Sundhed og Ældre", "Teknik og Miljø",
                                                     "Kultur og Fritid"};
  OrgEvents org;
  org.source = "a generated organisation (5 administrations, 25 departments, 300 employees)";
  EventFactory f(kRouteBenchTenant, "gen");
  auto& out = org.system_events;
  int employee_number = 0;
  for (int a = 0; a < 5; ++a) {
    const std::string admin_id = absl::StrCat("adm", a);
    out.push_back(f.UnitDefined(test_support::MakeUnit(admin_id, cti::v1::UNIT_KIND_ADMINISTRATION,
                                                       kAdministrations[a], "", {},
                                                       absl::StrCat("+4573760", a, "00"))));
    for (int d = 0; d < 5; ++d) {
      const int department = a * 5 + d;
      const std::string unit_id = absl::StrCat("afd", department);
      const std::string task = absl::StrCat("opgave", department);
      out.push_back(f.UnitDefined(test_support::MakeUnit(
          unit_id, cti::v1::UNIT_KIND_DEPARTMENT, absl::StrCat("Afdeling ", department), admin_id,
          {task}, absl::StrCat("+457376", 1000 + department))));
      std::vector<std::string> ids;
      for (int e = 0; e < 12; ++e, ++employee_number) {
        const std::string id = absl::StrCat("g", 1000 + employee_number);
        ids.push_back(id);
        out.push_back(f.EmployeeHired(test_support::MakeEmployee(
            id, absl::StrCat(kFirst[employee_number % 20], " ", kLast[(employee_number / 20) % 15]),
            unit_id, absl::StrCat(5000 + employee_number), {task}, "Sagsbehandler")));
      }
      cti::v1::Event group = f.Envelope();
      cti::v1::Group* g = group.mutable_staff()->mutable_group_defined()->mutable_group();
      g->set_group_id(absl::StrCat(unit_id, "-hunt"));
      g->set_name(absl::StrCat("Afdeling ", department, ", telefonvagt"));
      g->set_unit_id(unit_id);
      g->set_strategy(cti::v1::GROUP_STRATEGY_HUNT_LINEAR);
      for (int m = 0; m < 4; ++m) g->add_members()->set_employee_id(ids[m]);
      out.push_back(group);
      cti::v1::Event routing = f.Envelope();
      routing.mutable_staff()->mutable_unit_routing_set()->set_unit_id(unit_id);
      routing.mutable_staff()->mutable_unit_routing_set()->set_default_group_id(g->group_id());
      out.push_back(routing);
      if (department < 20) {  // The first employee is sick, forwarded to the second.
        out.push_back(f.CalendarEntry(ids[0], "syg", cti::v1::ABSENCE_KIND_SICK,
                                      test_support::BaseTime(), absl::Hours(24 * 7), "Syg"));
        out.push_back(f.ForwardToColleague(ids[0], "syg", ids[1], "syg"));
      }
      if (department % 5 == 0) {  // Case distribution by day of birth.
        cti::v1::Event rules = f.Envelope();
        cti::v1::DistributionRulesSet* set =
            rules.mutable_staff()->mutable_distribution_rules_set();
        set->set_unit_id(unit_id);
        set->set_task(task);
        set->set_version(1);
        for (int r = 0; r < 3; ++r) {
          cti::v1::DistributionRule* rule = set->add_rules();
          rule->mutable_cpr_day()->set_first_day(1 + r * 10);
          rule->mutable_cpr_day()->set_last_day(r == 2 ? 31 : 10 + r * 10);
          rule->add_employee_ids(ids[2 + r]);
        }
        set->set_fallback_unit_id(unit_id);
        out.push_back(rules);
      }
    }
  }
  return org;
}

absl::StatusOr<uint64_t> AppendOrganisation(const std::string& address, const OrgEvents& events) {
  uint64_t last = 0;
  if (absl::Status s = AppendEach(address, events.system_events, false, &last); !s.ok()) return s;
  if (absl::Status s = AppendEach(address, events.director_events, true, &last); !s.ok()) return s;
  return last;
}

std::map<std::string, std::vector<cti::v1::RouteTarget>> TargetsOf(const OrgEvents& events) {
  std::vector<std::string> employees;
  std::map<std::string, std::string> extension_of;
  std::set<std::string> left;
  std::vector<std::string> units;
  std::set<std::string> retired;
  std::vector<std::string> tasks;
  std::set<std::string> seen_tasks;
  std::vector<cti::v1::RouteTarget> cases;
  auto add_task = [&](const std::string& task) {
    if (seen_tasks.insert(task).second) tasks.push_back(task);
  };
  std::vector<const cti::v1::Event*> all;
  for (const auto& e : events.system_events) all.push_back(&e);
  for (const auto& e : events.director_events) all.push_back(&e);
  for (const cti::v1::Event* event : all) {
    const cti::v1::StaffEvent& staff = event->staff();
    if (staff.has_employee_hired()) {
      const cti::v1::Employee& e = staff.employee_hired().employee();
      employees.push_back(e.employee_id());
      if (!e.extension().empty()) extension_of[e.employee_id()] = e.extension();
      for (const std::string& t : e.tasks()) add_task(t);
    } else if (staff.has_employee_left()) {
      left.insert(staff.employee_left().employee_id());
    } else if (staff.has_unit_defined()) {
      const cti::v1::Unit& u = staff.unit_defined().unit();
      units.push_back(u.unit_id());
      for (const std::string& t : u.tasks()) add_task(t);
    } else if (staff.has_unit_retired()) {
      retired.insert(staff.unit_retired().unit_id());
    } else if (staff.has_hotline_set()) {
      add_task(staff.hotline_set().task());
    } else if (staff.has_distribution_rules_set()) {
      const cti::v1::DistributionRulesSet& set = staff.distribution_rules_set();
      for (const cti::v1::DistributionRule& rule : set.rules()) {
        cti::v1::RouteTarget target;
        cti::v1::CaseTarget* c = target.mutable_case_target();
        c->set_task(set.task());
        c->set_unit_id(set.unit_id());
        if (rule.has_cpr_day()) {
          c->set_case_key(absl::StrCat("cpr-day:", rule.cpr_day().first_day()));
        } else if (rule.has_cpr_digits() && !rule.cpr_digits().digits().empty()) {
          c->set_case_key(absl::StrCat("cpr-digit:", rule.cpr_digits().digits(0)));
        } else if (rule.has_address()) {
          c->set_address(absl::StrCat(rule.address().street(), " ", rule.address().first_number()));
        } else if (rule.has_surname()) {
          c->set_surname(absl::StrCat(rule.surname().first_letter(), "ansen"));
        } else {
          continue;
        }
        cases.push_back(std::move(target));
      }
    }
  }
  std::map<std::string, std::vector<cti::v1::RouteTarget>> targets;
  for (const std::string& id : employees) {
    if (left.count(id) != 0) continue;
    cti::v1::RouteTarget by_id;
    by_id.set_employee_id(id);
    targets["employee"].push_back(by_id);
    if (auto it = extension_of.find(id); it != extension_of.end()) {
      cti::v1::RouteTarget by_extension;
      by_extension.set_extension(it->second);
      targets["extension"].push_back(by_extension);
    }
  }
  std::set<std::string> unit_seen;
  for (const std::string& id : units) {
    if (retired.count(id) != 0 || !unit_seen.insert(id).second) continue;
    cti::v1::RouteTarget target;
    target.set_unit_id(id);
    targets["unit"].push_back(target);
  }
  for (const std::string& task : tasks) {
    cti::v1::RouteTarget target;
    target.set_task(task);
    targets["task"].push_back(target);
  }
  if (!cases.empty()) targets["case"] = std::move(cases);
  return targets;
}

}  // namespace cti::bench
