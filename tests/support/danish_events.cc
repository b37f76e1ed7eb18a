#include "tests/support/danish_events.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cti::test_support {
namespace {

void SetTime(google::protobuf::Timestamp* ts, absl::Time t) {
  const int64_t nanos = absl::ToUnixNanos(t);
  ts->set_seconds(nanos / 1000000000);
  ts->set_nanos(static_cast<int32_t>(nanos % 1000000000));
}

}  // namespace

absl::Time BaseTime() { return absl::FromUnixSeconds(1730703600); }  // 2024-11-04T07:00Z

cti::v1::Unit MakeUnit(const std::string& unit_id, cti::v1::UnitKind kind, const std::string& name,
                       const std::string& parent_unit_id, const std::vector<std::string>& tasks,
                       const std::string& phone_number) {
  cti::v1::Unit unit;
  unit.set_unit_id(unit_id);
  unit.set_kind(kind);
  unit.set_name(name);
  unit.set_parent_unit_id(parent_unit_id);
  unit.set_phone_number(phone_number);
  unit.set_email(absl::StrCat(unit_id, "@aabenraa.dk"));
  for (const std::string& t : tasks) unit.add_tasks(t);
  return unit;
}

cti::v1::Employee MakeEmployee(const std::string& employee_id, const std::string& full_name,
                               const std::string& unit_id, const std::string& extension,
                               const std::vector<std::string>& tasks, const std::string& title) {
  cti::v1::Employee e;
  e.set_employee_id(employee_id);
  e.set_full_name(full_name);
  e.set_unit_id(unit_id);
  e.set_title(title);
  e.set_extension(extension);
  if (!extension.empty()) e.set_direct_number(absl::StrCat("+457376", extension));
  e.set_email(absl::StrCat(employee_id, "@aabenraa.dk"));
  for (const std::string& t : tasks) e.add_tasks(t);
  return e;
}

EventFactory::EventFactory(std::string tenant, std::string id_prefix)
    : tenant_(std::move(tenant)), id_prefix_(std::move(id_prefix)) {}

std::string EventFactory::PeekNextId() const { return absl::StrCat(id_prefix_, "-", next_); }

cti::v1::Event EventFactory::Envelope() {
  cti::v1::Event e;
  e.set_event_id(PeekNextId());
  e.set_tenant(tenant_);
  SetTime(e.mutable_occurred_at(), BaseTime() + absl::Seconds(static_cast<int64_t>(next_)));
  ++next_;
  return e;
}

cti::v1::Event EventFactory::UnitDefined(const cti::v1::Unit& unit) {
  cti::v1::Event e = Envelope();
  *e.mutable_staff()->mutable_unit_defined()->mutable_unit() = unit;
  return e;
}

cti::v1::Event EventFactory::UnitRetired(const std::string& unit_id) {
  cti::v1::Event e = Envelope();
  e.mutable_staff()->mutable_unit_retired()->set_unit_id(unit_id);
  return e;
}

cti::v1::Event EventFactory::EmployeeHired(const cti::v1::Employee& employee) {
  cti::v1::Event e = Envelope();
  *e.mutable_staff()->mutable_employee_hired()->mutable_employee() = employee;
  return e;
}

cti::v1::Event EventFactory::EmployeeMoved(const std::string& employee_id,
                                           const std::string& to_unit_id) {
  cti::v1::Event e = Envelope();
  auto* moved = e.mutable_staff()->mutable_employee_moved();
  moved->set_employee_id(employee_id);
  moved->set_to_unit_id(to_unit_id);
  return e;
}

cti::v1::Event EventFactory::EmployeeTasksChanged(const std::string& employee_id,
                                                  const std::vector<std::string>& tasks) {
  cti::v1::Event e = Envelope();
  auto* changed = e.mutable_staff()->mutable_employee_tasks_changed();
  changed->set_employee_id(employee_id);
  for (const std::string& t : tasks) changed->add_tasks(t);
  return e;
}

cti::v1::Event EventFactory::EmployeeLeft(const std::string& employee_id) {
  cti::v1::Event e = Envelope();
  e.mutable_staff()->mutable_employee_left()->set_employee_id(employee_id);
  return e;
}

cti::v1::Event EventFactory::PhoneResponsibleAssigned(const std::string& unit_id,
                                                      const std::string& employee_id) {
  cti::v1::Event e = Envelope();
  auto* assigned = e.mutable_staff()->mutable_phone_responsible_assigned();
  assigned->set_unit_id(unit_id);
  assigned->set_employee_id(employee_id);
  return e;
}

cti::v1::Event EventFactory::CalendarEntry(const std::string& employee_id,
                                           const std::string& entry_id, cti::v1::AbsenceKind kind,
                                           absl::Time start, absl::Duration length,
                                           const std::string& subject) {
  cti::v1::Event e = Envelope();
  auto* entry = e.mutable_calendar()->mutable_entry_upserted();
  entry->set_employee_id(employee_id);
  entry->set_entry_id(entry_id);
  entry->set_kind(kind);
  entry->set_show_as(cti::v1::SHOW_AS_BUSY);
  SetTime(entry->mutable_start(), start);
  SetTime(entry->mutable_end(), start + length);
  entry->set_subject(subject);
  return e;
}

cti::v1::Event EventFactory::ForwardToColleague(const std::string& employee_id,
                                                const std::string& forwarding_id,
                                                const std::string& colleague_id,
                                                const std::string& reason) {
  cti::v1::Event e = Envelope();
  auto* fwd = e.mutable_calendar()->mutable_forwarding_set();
  fwd->set_employee_id(employee_id);
  fwd->set_forwarding_id(forwarding_id);
  fwd->set_condition(cti::v1::FORWARDING_CONDITION_UNCONDITIONAL);
  fwd->mutable_destination()->set_employee_id(colleague_id);
  fwd->set_reason(reason);
  return e;
}

cti::v1::Event EventFactory::CallOffered(const std::string& call_id,
                                         const std::string& caller_number) {
  cti::v1::Event e = Envelope();
  e.set_correlation_id(call_id);
  auto* call = e.mutable_call();
  call->set_call_id(call_id);
  call->mutable_offered()->set_caller_number(caller_number);
  call->mutable_offered()->set_dialled_number("+4573767676");
  return e;
}

cti::v1::Event EventFactory::CallRinging(const std::string& call_id,
                                         const std::string& employee_id) {
  cti::v1::Event e = Envelope();
  e.set_correlation_id(call_id);
  auto* call = e.mutable_call();
  call->set_call_id(call_id);
  call->mutable_ringing()->mutable_target()->set_employee_id(employee_id);
  return e;
}

cti::v1::Event EventFactory::MessageTaken(const std::string& message_id,
                                          const std::string& employee_id,
                                          const std::string& caller_name, const std::string& text) {
  cti::v1::Event e = Envelope();
  auto* msg = e.mutable_call()->mutable_message_taken();
  msg->set_message_id(message_id);
  msg->mutable_for_target()->set_employee_id(employee_id);
  msg->set_caller_name(caller_name);
  msg->set_callback_number("+4520304050");
  msg->set_text(text);
  msg->set_callback_wanted(true);
  return e;
}

std::vector<cti::v1::Event> DemoOrganisation(EventFactory& f) {
  using cti::v1::UNIT_KIND_ADMINISTRATION;
  using cti::v1::UNIT_KIND_DECENTRAL_INSTITUTION;
  using cti::v1::UNIT_KIND_DEPARTMENT;
  using cti::v1::UNIT_KIND_RECEPTION;
  namespace d = demo;
  std::vector<cti::v1::Event> events = {
      f.UnitDefined(
          MakeUnit(d::kReception, UNIT_KIND_RECEPTION, "Receptionen", "", {}, "+4573767676")),
      f.UnitDefined(
          MakeUnit(d::kBorgerOgArbejdsmarked, UNIT_KIND_ADMINISTRATION, "Borger og Arbejdsmarked")),
      f.UnitDefined(MakeUnit(
          d::kBorgerservice, UNIT_KIND_DEPARTMENT, "Borgerservice", d::kBorgerOgArbejdsmarked,
          {"pas", "kørekort", "sygesikring", "boligstøtte", "folkeregister"}, "+4573767000")),
      f.UnitDefined(MakeUnit(d::kJobcenter, UNIT_KIND_DEPARTMENT, "Jobcenter Aabenraa",
                             d::kBorgerOgArbejdsmarked, {"ledighed", "sygedagpenge", "fleksjob"},
                             "+4573768000")),
      f.UnitDefined(MakeUnit(d::kSundhedOgAeldre, UNIT_KIND_ADMINISTRATION, "Sundhed og Ældre")),
      f.UnitDefined(MakeUnit(d::kSundhedsplejen, UNIT_KIND_DEPARTMENT, "Sundhedsplejen",
                             d::kSundhedOgAeldre, {"spædbørn", "hjemmebesøg"}, "+4573769000")),
      f.UnitDefined(MakeUnit(d::kHjemmeplejen, UNIT_KIND_DEPARTMENT, "Hjemmeplejen Øst",
                             d::kSundhedOgAeldre, {"hjemmehjælp", "madservice"})),
      f.UnitDefined(MakeUnit(d::kBoernOgSkole, UNIT_KIND_ADMINISTRATION, "Børn og Skole")),
      f.UnitDefined(MakeUnit(d::kKongehoejskolen, UNIT_KIND_DECENTRAL_INSTITUTION, "Kongehøjskolen",
                             d::kBoernOgSkole, {"skoleindskrivning"})),
      f.EmployeeHired(MakeEmployee(d::kAnnaHolm, "Anna Holm", d::kBorgerservice, "4711",
                                   {"boligstøtte", "pas"}, "Sagsbehandler")),
      f.EmployeeHired(MakeEmployee(d::kBoLund, "Bo Lund", d::kBorgerservice, "4712", {"kørekort"},
                                   "Sagsbehandler")),
      f.EmployeeHired(MakeEmployee(d::kSorenOstergaard, "Søren Østergaard", d::kJobcenter, "5120",
                                   {"sygedagpenge"}, "Jobkonsulent")),
      f.EmployeeHired(MakeEmployee(d::kAseAero, "Åse Ærø", d::kSundhedsplejen, "6001", {"spædbørn"},
                                   "Sundhedsplejerske")),
      f.EmployeeHired(
          MakeEmployee(d::kLaerkeNaesby, "Lærke Næsby", d::kReception, "1000", {}, "Receptionist")),
      f.EmployeeHired(MakeEmployee(d::kMetteAagaard, "Mette Ågård", d::kKongehoejskolen, "7001",
                                   {"skoleindskrivning"}, "Skolesekretær")),
  };
  cti::v1::Employee jorgen = MakeEmployee(d::kJorgenBaek, "Jørgen Bæk", d::kHjemmeplejen, "6100",
                                          {"hjemmehjælp"}, "Planlægger");
  jorgen.set_unlisted(true);
  events.push_back(f.EmployeeHired(jorgen));
  events.push_back(f.PhoneResponsibleAssigned(d::kBorgerservice, d::kAnnaHolm));
  return events;
}

cti::v1::Event LoadCallEvent(const std::string& tenant, const std::string& event_id, uint64_t n,
                             size_t padding) {
  cti::v1::Event e;
  e.set_event_id(event_id);
  e.set_tenant(tenant);
  SetTime(e.mutable_occurred_at(),
          BaseTime() + absl::Milliseconds(static_cast<int64_t>(n % 1000000000)));
  const std::string call_id = absl::StrCat("call-", event_id);
  std::string correlation = call_id;
  if (padding > 0) correlation.append(std::min<size_t>(padding, 100), 'x');
  e.set_correlation_id(correlation);
  auto* call = e.mutable_call();
  call->set_call_id(call_id);
  call->mutable_offered()->set_caller_number(absl::StrFormat("+4520%06d", n % 1000000));
  call->mutable_offered()->set_dialled_number("+4573767676");
  return e;
}

}  // namespace cti::test_support
