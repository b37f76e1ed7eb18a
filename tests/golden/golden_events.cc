#include "tests/golden/golden_events.h"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/log/log_format.h"

namespace cti::golden {
namespace {

using cti::log::format::ToTimestamp;
using cti::log::format::TruncateToNanos;

// Monday 3 March 2025 08:00 Europe/Copenhagen (07:00 UTC): the first record's occurred_at.
absl::Time Base() {
  return absl::FromCivil(absl::CivilSecond(2025, 3, 3, 7, 0, 0), absl::UTCTimeZone());
}

// An instant in Copenhagen winter time (UTC+1), for dates in the golden log's weeks.
google::protobuf::Timestamp Local(int year, int month, int day, int hour, int minute = 0) {
  google::protobuf::Timestamp ts;
  ToTimestamp(absl::FromCivil(absl::CivilSecond(year, month, day, hour, minute, 0),
                              absl::FixedTimeZone(3600)),
              &ts);
  return ts;
}

cti::v1::LocalDate Date(int year, int month, int day) {
  cti::v1::LocalDate date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

cti::v1::OpenInterval Interval(cti::v1::Weekday day, int open_hour, int close_hour,
                               int close_minute = 0) {
  cti::v1::OpenInterval interval;
  interval.set_day(day);
  interval.set_open_minute(static_cast<uint32_t>(open_hour * 60));
  interval.set_close_minute(static_cast<uint32_t>(close_hour * 60 + close_minute));
  return interval;
}

// Who says what: the actor a real deployment stamps on each kind of record.
cti::v1::Actor Actor(const std::string& id, cti::v1::Role role, const std::string& display) {
  cti::v1::Actor actor;
  actor.set_id(id);
  actor.set_role(role);
  actor.set_display_name(display);
  return actor;
}
cti::v1::Actor PhoneResponsible() {
  return Actor("e2009", cti::v1::ROLE_ADMIN, "Helle Frost (telefonansvarlig)");
}
cti::v1::Actor Director() {
  return Actor("e2008", cti::v1::ROLE_DIRECTOR, "Karen Dahl (direktør)");
}
cti::v1::Actor CalendarSync() {
  return Actor("exchange-sync", cti::v1::ROLE_SYSTEM, "Kalendersynkronisering");
}
cti::v1::Actor Pbx() { return Actor("kamailio-1", cti::v1::ROLE_SOFTPHONE, "Kamailio"); }
cti::v1::Actor Receptionist() {
  return Actor("e2007", cti::v1::ROLE_RECEPTION, "Lærke Næsby (omstilling)");
}
cti::v1::Actor Mailer() { return Actor("ctid-mailer", cti::v1::ROLE_SYSTEM, "ctid e-mail"); }

// Collects the records and stamps their envelopes in log order.
class GoldenLog {
 public:
  // Adds `event` under `name` with `actor`; `correlation_id` groups records of one
  // request or call.
  cti::v1::Event& Add(std::string name, cti::v1::Actor actor, const std::string& correlation_id) {
    const int64_t n = static_cast<int64_t>(records_.size());
    GoldenRecord& record = records_.emplace_back();
    record.name = std::move(name);
    cti::v1::Event& e = record.event;
    e.set_event_id(absl::StrCat("haderslev-golden-", n + 1));
    e.set_tenant(kGoldenTenant);
    const absl::Time occurred = Base() + absl::Seconds(30 * n) + absl::Milliseconds(125);
    ToTimestamp(occurred, e.mutable_occurred_at());
    // The log stamps the group commit's time, a little after the event happened.
    ToTimestamp(TruncateToNanos(occurred + absl::Microseconds(1830) + absl::Nanoseconds(417)),
                e.mutable_recorded_at());
    *e.mutable_actor() = std::move(actor);
    e.set_correlation_id(correlation_id);
    e.set_schema_version(1);
    return e;
  }
  std::vector<GoldenRecord> Take() { return std::move(records_); }

 private:
  std::vector<GoldenRecord> records_;
};

cti::v1::Unit MakeUnit(const std::string& id, cti::v1::UnitKind kind, const std::string& name,
                       const std::string& parent) {
  cti::v1::Unit unit;
  unit.set_unit_id(id);
  unit.set_kind(kind);
  unit.set_name(name);
  unit.set_parent_unit_id(parent);
  return unit;
}

cti::v1::Employee MakeEmployee(const std::string& id, const std::string& name,
                               const std::string& unit, const std::string& extension,
                               std::initializer_list<const char*> tasks) {
  cti::v1::Employee employee;
  employee.set_employee_id(id);
  employee.set_full_name(name);
  employee.set_unit_id(unit);
  employee.set_extension(extension);
  employee.set_direct_number(absl::StrCat("+457434", extension));
  employee.set_email(absl::StrCat(id, "@haderslev.dk"));
  for (const char* task : tasks) employee.add_tasks(task);
  return employee;
}

void AddStaff(GoldenLog& log) {
  const std::string sync = "ldap-sync-2025-03-03";
  log.Add("staff.unit_defined-administration", PhoneResponsible(), sync)
      .mutable_staff()
      ->mutable_unit_defined()
      ->mutable_unit()
      ->CopyFrom(MakeUnit("borger-arbejdsmarked", cti::v1::UNIT_KIND_ADMINISTRATION,
                          "Borger og Arbejdsmarked", ""));
  {
    // Every field of Unit, the projector's own (active, phone-responsible) included:
    // they are ignored in events, but a writer may send them.
    cti::v1::Unit unit = MakeUnit(ids::kBorgerservice, cti::v1::UNIT_KIND_DEPARTMENT,
                                  "Borgerservice", "borger-arbejdsmarked");
    unit.set_phone_number("+4574343434");
    unit.set_email("borgerservice@haderslev.dk");
    unit.add_tasks("pas");
    unit.add_tasks("kørekort");
    unit.add_tasks("boligstøtte");
    unit.set_description("Skranken i Rådhuset, Gåskærgade 26. Husk kønummer.");
    unit.set_active(true);
    unit.add_phone_responsible_employee_ids("e2009");
    *log.Add("staff.unit_defined-department", PhoneResponsible(), sync)
         .mutable_staff()
         ->mutable_unit_defined()
         ->mutable_unit() = unit;
  }
  *log.Add("staff.unit_defined-jobcenter", PhoneResponsible(), sync)
       .mutable_staff()
       ->mutable_unit_defined()
       ->mutable_unit() =
      MakeUnit(ids::kJobcenter, cti::v1::UNIT_KIND_DEPARTMENT, "Jobcenter", "borger-arbejdsmarked");
  *log.Add("staff.unit_defined-vagtcentral", PhoneResponsible(), sync)
       .mutable_staff()
       ->mutable_unit_defined()
       ->mutable_unit() =
      MakeUnit("vagtcentral", cti::v1::UNIT_KIND_STAFF_UNIT, "Den sociale vagtcentral", "");
  *log.Add("staff.unit_defined-byggesag", PhoneResponsible(), sync)
       .mutable_staff()
       ->mutable_unit_defined()
       ->mutable_unit() = MakeUnit("byggesag", cti::v1::UNIT_KIND_PROFESSIONAL_GROUP,
                                   "Byggesagsbehandling", ids::kBorgerservice);
  log.Add("staff.unit_retired", PhoneResponsible(), "omorganisering-2025")
      .mutable_staff()
      ->mutable_unit_retired()
      ->set_unit_id("byggesag");

  {
    cti::v1::Employee anna = MakeEmployee(ids::kAnnaHolm, "Anna Holm", ids::kBorgerservice, "4711",
                                          {"boligstøtte", "pas"});
    anna.set_title("Sagsbehandler");
    anna.set_mobile_number("+4520304050");
    anna.set_unlisted(true);
    anna.set_active(true);
    *log.Add("staff.employee_hired", PhoneResponsible(), sync)
         .mutable_staff()
         ->mutable_employee_hired()
         ->mutable_employee() = anna;
  }
  for (const cti::v1::Employee& employee :
       {MakeEmployee(ids::kBoLund, "Bo Lund", ids::kBorgerservice, "4712", {"kørekort"}),
        MakeEmployee("e2003", "Søren Østergaard", ids::kJobcenter, "4801", {"sygedagpenge"}),
        MakeEmployee("e2004", "Åse Ærø", ids::kJobcenter, "4802", {"kontanthjælp"}),
        MakeEmployee("e2005", "Jørgen Bæk", ids::kBorgerservice, "4713", {"pas"}),
        MakeEmployee("e2006", "Mads Kjær", ids::kJobcenter, "4803", {}),
        MakeEmployee("e2007", "Lærke Næsby", "vagtcentral", "4900", {"akut"}),
        MakeEmployee("e2008", "Karen Dahl", "borger-arbejdsmarked", "4100", {}),
        MakeEmployee("e2009", "Helle Frost", ids::kBorgerservice, "4714", {})}) {
    *log.Add(absl::StrCat("staff.employee_hired-", employee.employee_id()), PhoneResponsible(),
             sync)
         .mutable_staff()
         ->mutable_employee_hired()
         ->mutable_employee() = employee;
  }
  {
    auto* moved = log.Add("staff.employee_moved", PhoneResponsible(), "flytning-e2005")
                      .mutable_staff()
                      ->mutable_employee_moved();
    moved->set_employee_id("e2005");
    moved->set_to_unit_id(ids::kJobcenter);
  }
  {
    auto* contact = log.Add("staff.employee_contact_changed", PhoneResponsible(), sync)
                        .mutable_staff()
                        ->mutable_employee_contact_changed();
    contact->set_employee_id(ids::kBoLund);
    contact->set_extension("4715");
    contact->set_direct_number("+4574344715");
    contact->set_mobile_number("+4540506070");
    contact->set_email("bo.lund@haderslev.dk");
    contact->set_title("Teamleder");
    contact->set_full_name("Bo Lund Sørensen");
  }
  {
    auto* tasks = log.Add("staff.employee_tasks_changed", PhoneResponsible(), "opgaveflytning-7")
                      .mutable_staff()
                      ->mutable_employee_tasks_changed();
    tasks->set_employee_id("e2003");
    tasks->add_tasks("sygedagpenge");
    tasks->add_tasks("jobafklaring");
  }
  {
    auto* listing = log.Add("staff.employee_listing_changed", PhoneResponsible(), "hemmelig-e2005")
                        .mutable_staff()
                        ->mutable_employee_listing_changed();
    listing->set_employee_id("e2005");
    listing->set_unlisted(true);
  }
  log.Add("staff.employee_left", PhoneResponsible(), "fratraedelse-e2006")
      .mutable_staff()
      ->mutable_employee_left()
      ->set_employee_id("e2006");
  for (const char* employee : {"e2009", ids::kAnnaHolm}) {
    auto* assigned = log.Add(absl::StrCat("staff.phone_responsible_assigned-", employee),
                             PhoneResponsible(), "telefonansvar-2025")
                         .mutable_staff()
                         ->mutable_phone_responsible_assigned();
    assigned->set_unit_id(ids::kBorgerservice);
    assigned->set_employee_id(employee);
  }
  {
    auto* removed =
        log.Add("staff.phone_responsible_removed", PhoneResponsible(), "telefonansvar-2025")
            .mutable_staff()
            ->mutable_phone_responsible_removed();
    removed->set_unit_id(ids::kBorgerservice);
    removed->set_employee_id(ids::kAnnaHolm);
  }
}

void AddHours(GoldenLog& log) {
  const std::string change = "aabningstider-2025";
  {
    // The emergency line: every day from 07:00 to midnight, holidays too.
    auto* set =
        log.Add("staff.hours_set", PhoneResponsible(), change).mutable_staff()->mutable_hours_set();
    set->set_unit_id("vagtcentral");
    set->set_kind(cti::v1::HOURS_KIND_PHONE);
    for (int day = cti::v1::WEEKDAY_MONDAY; day <= cti::v1::WEEKDAY_SUNDAY; ++day) {
      *set->mutable_hours()->add_intervals() = Interval(static_cast<cti::v1::Weekday>(day), 7, 24);
    }
    set->mutable_hours()->set_open_on_holidays(true);
  }
  {
    auto* set = log.Add("staff.hours_set-borgerservice", PhoneResponsible(), change)
                    .mutable_staff()
                    ->mutable_hours_set();
    set->set_unit_id(ids::kBorgerservice);
    set->set_kind(cti::v1::HOURS_KIND_PHONE);
    for (int day = cti::v1::WEEKDAY_MONDAY; day <= cti::v1::WEEKDAY_FRIDAY; ++day) {
      *set->mutable_hours()->add_intervals() =
          day == cti::v1::WEEKDAY_FRIDAY ? Interval(cti::v1::WEEKDAY_FRIDAY, 9, 13)
                                         : Interval(static_cast<cti::v1::Weekday>(day), 9, 15);
    }
  }
  {
    auto* set = log.Add("staff.hours_set-jobcenter-counter", PhoneResponsible(), change)
                    .mutable_staff()
                    ->mutable_hours_set();
    set->set_unit_id(ids::kJobcenter);
    set->set_kind(cti::v1::HOURS_KIND_COUNTER);
    *set->mutable_hours()->add_intervals() = Interval(cti::v1::WEEKDAY_TUESDAY, 10, 12);
  }
  {
    auto* cleared = log.Add("staff.hours_cleared", PhoneResponsible(), change)
                        .mutable_staff()
                        ->mutable_hours_cleared();
    cleared->set_unit_id(ids::kJobcenter);
    cleared->set_kind(cti::v1::HOURS_KIND_COUNTER);
  }
  {
    auto* set = log.Add("staff.hours_change_set-extension", PhoneResponsible(), change)
                    .mutable_staff()
                    ->mutable_hours_change_set();
    set->set_unit_id(ids::kBorgerservice);
    set->set_change_id("pas-foraar-2025");
    set->set_scope(cti::v1::HOURS_SCOPE_PHONE);
    set->set_reason("Pas før sommerferien: torsdage til 18");
    auto* extension = set->mutable_extension();
    *extension->mutable_first_day() = Date(2025, 3, 6);
    *extension->mutable_last_day() = Date(2025, 5, 29);
    *extension->add_extra() = Interval(cti::v1::WEEKDAY_THURSDAY, 15, 18);
  }
  {
    auto* set = log.Add("staff.hours_change_set-closure", PhoneResponsible(), change)
                    .mutable_staff()
                    ->mutable_hours_change_set();
    set->set_unit_id(ids::kJobcenter);
    set->set_change_id("flytning-2025");
    set->set_scope(cti::v1::HOURS_SCOPE_COUNTER);
    set->set_reason("Flytning til rådhuset");
    *set->mutable_closure()->mutable_first_day() = Date(2025, 4, 1);
    *set->mutable_closure()->mutable_last_day() = Date(2025, 4, 2);
  }
  {
    // TP-3.13: reduced hours need a director's approval, appended by the director.
    auto* set = log.Add("staff.hours_change_set-reduction", Director(), "reduktion-jobcenter")
                    .mutable_staff()
                    ->mutable_hours_change_set();
    set->set_unit_id(ids::kJobcenter);
    set->set_change_id("sommer-2025");
    set->set_scope(cti::v1::HOURS_SCOPE_PHONE);
    set->set_reason("Sommerbemanding");
    auto* reduction = set->mutable_reduction();
    *reduction->mutable_first_day() = Date(2025, 7, 1);
    *reduction->mutable_last_day() = Date(2025, 8, 8);
    *reduction->add_hours() = Interval(cti::v1::WEEKDAY_MONDAY, 10, 12);
    *reduction->add_hours() = Interval(cti::v1::WEEKDAY_WEDNESDAY, 10, 12);
    reduction->mutable_approval()->set_director_employee_id("e2008");
    *reduction->mutable_approval()->mutable_approved_at() = Local(2025, 3, 3, 8, 10);
    reduction->set_coverage(cti::v1::REDUCTION_COVERAGE_PHONE_DESK);
    reduction->add_phone_desk_employee_ids("e2003");
    reduction->add_phone_desk_employee_ids("e2004");
  }
  {
    // TP-4.7: an unmanned period, also approved by the director.
    auto* set = log.Add("staff.hours_change_set-unmanned", Director(), "personaledag-2025")
                    .mutable_staff()
                    ->mutable_hours_change_set();
    set->set_unit_id(ids::kJobcenter);
    set->set_change_id("personaledag-2025");
    set->set_reason("Personaledag");
    auto* unmanned = set->mutable_unmanned();
    *unmanned->mutable_start() = Local(2025, 3, 20, 12);
    *unmanned->mutable_end() = Local(2025, 3, 20, 15, 30);
    unmanned->mutable_approval()->set_director_employee_id("e2008");
    *unmanned->mutable_approval()->mutable_approved_at() = Local(2025, 3, 3, 8, 12);
  }
  {
    auto* removed = log.Add("staff.hours_change_removed", PhoneResponsible(), change)
                        .mutable_staff()
                        ->mutable_hours_change_removed();
    removed->set_unit_id(ids::kJobcenter);
    removed->set_change_id("flytning-2025");
  }
  {
    auto* days = log.Add("staff.closure_days_set", PhoneResponsible(), "lukkedage-2025")
                     .mutable_staff()
                     ->mutable_closure_days_set();
    for (auto [month, day, name] :
         {std::tuple{12, 24, "Juleaftensdag"}, std::tuple{12, 31, "Nytårsaftensdag"},
          std::tuple{6, 5, "Grundlovsdag"}}) {
      auto* yearly = days->add_yearly();
      yearly->set_month(month);
      yearly->set_day(day);
      yearly->set_name(name);
    }
    auto* dated = days->add_dated();
    *dated->mutable_date() = Date(2025, 5, 30);
    dated->set_name("Fredag efter Kristi himmelfartsdag");
  }
}

void AddRouting(GoldenLog& log) {
  const std::string change = "omstilling-2025";
  {
    auto* group = log.Add("staff.group_defined", PhoneResponsible(), change)
                      .mutable_staff()
                      ->mutable_group_defined()
                      ->mutable_group();
    group->set_group_id(ids::kHuntGroup);
    group->set_name("Borgerservice, telefonvagt");
    group->set_unit_id(ids::kBorgerservice);
    group->set_strategy(cti::v1::GROUP_STRATEGY_HUNT_ROUND_ROBIN);
    for (auto [employee, seconds] :
         {std::pair{ids::kBoLund, 15u}, std::pair{"e2009", 10u}, std::pair{ids::kAnnaHolm, 25u}}) {
      auto* member = group->add_members();
      member->set_employee_id(employee);
      member->set_ring_seconds(seconds);
    }
    group->set_ring_seconds(20);
    group->set_active(true);
  }
  for (auto [id, strategy] :
       {std::pair{"jobcenter-ring", cti::v1::GROUP_STRATEGY_RING_ALL},
        std::pair{"jobcenter-gammel", cti::v1::GROUP_STRATEGY_HUNT_LINEAR},
        std::pair{"hotline-skat", cti::v1::GROUP_STRATEGY_HUNT_LEAST_RECENT}}) {
    auto* group = log.Add(absl::StrCat("staff.group_defined-", id), PhoneResponsible(), change)
                      .mutable_staff()
                      ->mutable_group_defined()
                      ->mutable_group();
    group->set_group_id(id);
    group->set_name(absl::StrCat("Gruppe ", id));
    group->set_unit_id(ids::kJobcenter);
    group->set_strategy(strategy);
    group->add_members()->set_employee_id("e2003");
    group->add_members()->set_employee_id("e2004");
  }
  log.Add("staff.group_retired", PhoneResponsible(), change)
      .mutable_staff()
      ->mutable_group_retired()
      ->set_group_id("jobcenter-gammel");
  {
    auto* routing = log.Add("staff.unit_routing_set", PhoneResponsible(), change)
                        .mutable_staff()
                        ->mutable_unit_routing_set();
    routing->set_unit_id(ids::kJobcenter);
    routing->set_default_group_id("jobcenter-ring");
    routing->mutable_restriction()->set_employee_id("e2003");
    routing->mutable_restriction()->set_reason("Kun visitationen tager imod opkald");
  }
  {
    auto* routing = log.Add("staff.unit_routing_set-extension", PhoneResponsible(), change)
                        .mutable_staff()
                        ->mutable_unit_routing_set();
    routing->set_unit_id("vagtcentral");
    routing->mutable_restriction()->set_extension("4900");
    routing->mutable_restriction()->set_reason("Vagttelefonen");
  }
  {
    auto* routing = log.Add("staff.unit_routing_set-borgerservice", PhoneResponsible(), change)
                        .mutable_staff()
                        ->mutable_unit_routing_set();
    routing->set_unit_id(ids::kBorgerservice);
    routing->set_default_group_id(ids::kHuntGroup);
  }
  {
    // A set may mix kinds of range: CPR days of birth, two streets, and surnames.
    auto* rules = log.Add("staff.distribution_rules_set", PhoneResponsible(), "sagsfordeling")
                      .mutable_staff()
                      ->mutable_distribution_rules_set();
    rules->set_unit_id(ids::kJobcenter);
    rules->set_task("kontanthjælp");
    rules->set_version(3);
    auto* by_day = rules->add_rules();
    by_day->mutable_cpr_day()->set_first_day(1);
    by_day->mutable_cpr_day()->set_last_day(15);
    by_day->add_employee_ids("e2004");
    by_day->add_employee_ids("e2003");
    by_day->set_note("team 1");
    auto* by_address = rules->add_rules();
    by_address->mutable_address()->set_street("Gåskærgade");
    by_address->mutable_address()->set_first_number(1);
    by_address->mutable_address()->set_last_number(99);
    by_address->mutable_address()->set_side(cti::v1::STREET_SIDE_ODD);
    by_address->add_employee_ids("e2005");
    by_address->set_note("bymidten");
    auto* by_surname = rules->add_rules();
    by_surname->mutable_surname()->set_first_letter("Æ");
    by_surname->mutable_surname()->set_last_letter("Å");
    by_surname->add_employee_ids("e2004");
    by_surname->set_note("Æ-Å");
    rules->set_fallback_unit_id(ids::kJobcenter);
  }
  {
    // By the CPR number's last digit, with an employee as the fallback.
    auto* rules =
        log.Add("staff.distribution_rules_set-cpr-digits", PhoneResponsible(), "sagsfordeling")
            .mutable_staff()
            ->mutable_distribution_rules_set();
    rules->set_unit_id(ids::kJobcenter);
    rules->set_task("sygedagpenge");
    rules->set_version(1);
    auto* even = rules->add_rules();
    for (int digit : {0, 2, 4, 6, 8}) even->mutable_cpr_digits()->add_digits(digit);
    even->add_employee_ids("e2003");
    even->set_note("lige slutcifre");
    rules->set_fallback_employee_id("e2004");
  }
  {
    auto* rules =
        log.Add("staff.distribution_rules_set-ledighedsydelse", PhoneResponsible(), "sagsfordeling")
            .mutable_staff()
            ->mutable_distribution_rules_set();
    rules->set_unit_id(ids::kJobcenter);
    rules->set_task("ledighedsydelse");
    rules->set_version(1);
    auto* rule = rules->add_rules();
    rule->mutable_cpr_day()->set_first_day(1);
    rule->mutable_cpr_day()->set_last_day(31);
    rule->add_employee_ids("e2003");
  }
  {
    auto* removed = log.Add("staff.distribution_rules_removed", PhoneResponsible(), "sagsfordeling")
                        .mutable_staff()
                        ->mutable_distribution_rules_removed();
    removed->set_unit_id(ids::kJobcenter);
    removed->set_task("ledighedsydelse");
  }
  for (auto [name, id, task] :
       {std::tuple{"staff.hotline_set", "aarsopgoerelse-2025", "årsopgørelse"},
        std::tuple{"staff.hotline_set-forskud", "forskud-2025", "forskudsopgørelse"}}) {
    auto* hotline =
        log.Add(name, PhoneResponsible(), "hotline-skat").mutable_staff()->mutable_hotline_set();
    hotline->set_hotline_id(id);
    hotline->set_task(task);
    hotline->set_unit_id(ids::kJobcenter);
    hotline->set_group_id("hotline-skat");
    hotline->set_phone_number("+4574343400");
    *hotline->mutable_from() = Local(2025, 3, 10, 8);
    *hotline->mutable_until() = Local(2025, 3, 29, 0);
    hotline->set_reason("Årsopgørelser udsendt 10. marts");
  }
  log.Add("staff.hotline_ended", PhoneResponsible(), "hotline-skat")
      .mutable_staff()
      ->mutable_hotline_ended()
      ->set_hotline_id("forskud-2025");
}

void AddCalendar(GoldenLog& log) {
  const std::string sync = "exchange-sync-2025-03-03T07";
  {
    auto* entry = log.Add("calendar.entry_upserted", CalendarSync(), sync)
                      .mutable_calendar()
                      ->mutable_entry_upserted();
    entry->set_employee_id(ids::kAnnaHolm);
    entry->set_entry_id("040000008200E00074C5B7101A82E008@haderslev.dk");
    entry->set_kind(cti::v1::ABSENCE_KIND_SICK);
    entry->set_show_as(cti::v1::SHOW_AS_BUSY);
    *entry->mutable_start() = Local(2025, 3, 3, 8);
    *entry->mutable_end() = Local(2025, 3, 8, 0);
    entry->set_subject("Syg");
  }
  {
    auto* entry = log.Add("calendar.entry_upserted-tentative", CalendarSync(), sync)
                      .mutable_calendar()
                      ->mutable_entry_upserted();
    entry->set_employee_id(ids::kBoLund);
    entry->set_entry_id("kursus-vejle-2025");
    entry->set_kind(cti::v1::ABSENCE_KIND_COURSE);
    entry->set_show_as(cti::v1::SHOW_AS_TENTATIVE);
    *entry->mutable_start() = Local(2025, 3, 12, 9);
    *entry->mutable_end() = Local(2025, 3, 12, 16);
    entry->set_subject("Kursus i Vejle");
  }
  {
    auto* removed = log.Add("calendar.entry_removed", CalendarSync(), sync)
                        .mutable_calendar()
                        ->mutable_entry_removed();
    removed->set_employee_id(ids::kBoLund);
    removed->set_entry_id("kursus-vejle-2025");
  }
  {
    // TP-4.5: a sick employee's phone is forwarded to a colleague.
    auto* forwarding = log.Add("calendar.forwarding_set", CalendarSync(), sync)
                           .mutable_calendar()
                           ->mutable_forwarding_set();
    forwarding->set_employee_id(ids::kAnnaHolm);
    forwarding->set_forwarding_id("syg-2025-03-03");
    forwarding->set_condition(cti::v1::FORWARDING_CONDITION_UNCONDITIONAL);
    forwarding->mutable_destination()->set_employee_id(ids::kBoLund);
    *forwarding->mutable_valid_from() = Local(2025, 3, 3, 8);
    *forwarding->mutable_valid_until() = Local(2025, 3, 8, 0);
    forwarding->set_reason("syg");
  }
  {
    auto* forwarding = log.Add("calendar.forwarding_set-unit", CalendarSync(), sync)
                           .mutable_calendar()
                           ->mutable_forwarding_set();
    forwarding->set_employee_id("e2003");
    forwarding->set_forwarding_id("optaget");
    forwarding->set_condition(cti::v1::FORWARDING_CONDITION_BUSY);
    forwarding->mutable_destination()->set_unit_id(ids::kJobcenter);
  }
  {
    auto* forwarding = log.Add("calendar.forwarding_set-number", CalendarSync(), sync)
                           .mutable_calendar()
                           ->mutable_forwarding_set();
    forwarding->set_employee_id("e2004");
    forwarding->set_forwarding_id("mobil");
    forwarding->set_condition(cti::v1::FORWARDING_CONDITION_NO_ANSWER);
    forwarding->mutable_destination()->set_number("+4520304051");
  }
  {
    auto* cleared = log.Add("calendar.forwarding_cleared", CalendarSync(), sync)
                        .mutable_calendar()
                        ->mutable_forwarding_cleared();
    cleared->set_employee_id("e2004");
    cleared->set_forwarding_id("mobil");
  }
}

void AddCalls(GoldenLog& log) {
  const std::string first = "a84b4c76e66710@10.0.0.5";
  auto call = [&log](const std::string& name, const std::string& call_id,
                     cti::v1::Actor actor = Pbx()) -> cti::v1::CallEvent& {
    cti::v1::CallEvent* e = log.Add(name, std::move(actor), call_id).mutable_call();
    e->set_call_id(call_id);
    return *e;
  };
  {
    auto* offered = call("call.offered", first).mutable_offered();
    offered->set_caller_number("+4523456789");
    offered->set_dialled_number("+4574343434");
    offered->set_unit_id(ids::kBorgerservice);  // the unit whose number it is
  }
  {
    // What Route told Kamailio for this call (decision trace): Borgerservice's hunt group,
    // Bo Lund first; every field of the answer set (so one step, one reason).
    auto& decided = *call("call.route_decided", first).mutable_route_decided();
    decided.mutable_target()->set_employee_id(ids::kBoLund);
    decided.set_at_requested(true);
    cti::v1::RouteResponse& answer = *decided.mutable_answer();
    cti::v1::RouteStep* hunt = answer.add_steps();
    hunt->set_kind(cti::v1::STEP_KIND_HUNT_GROUP);
    hunt->set_employee_id(ids::kBoLund);
    hunt->set_unit_id(ids::kBorgerservice);
    hunt->set_group_id("borgerservice-jagt");
    hunt->set_display_name("Borgerservice, telefonvagt");
    hunt->set_number("+4574343434");
    hunt->set_ring_seconds(45);
    hunt->set_why("Bo Lund first, then his colleagues: no phone rings into thin air (TP-4.8)");
    hunt->add_rules("TP-4.8");
    cti::v1::RouteStep* member = hunt->add_members();
    member->set_kind(cti::v1::STEP_KIND_RING_EMPLOYEE);
    member->set_employee_id(ids::kBoLund);
    member->set_unit_id(ids::kBorgerservice);
    member->set_group_id("borgerservice-jagt");
    member->set_display_name("Bo Lund");
    member->set_number("4712");
    member->set_ring_seconds(15);
    member->set_why("Bo Lund is available (calendar, TP-3.7)");
    member->add_rules("TP-3.7");
    cti::v1::RouteReason* reason = answer.add_reasons();
    reason->set_rule("TP-3.8");
    reason->set_text("Borgerservice has phone hours Monday 09:00-15:00");
    cti::v1::DecidingRecord* record = reason->add_records();
    record->set_kind("hours");
    record->set_id(ids::kBorgerservice);
    record->set_version(12);
    record->set_owner_id(ids::kBorgerservice);
    cti::v1::CallerInfo& tell = *answer.mutable_tell_caller();
    tell.set_direct_number("+4574344712");
    tell.set_unlisted(true);
    tell.set_unit_id(ids::kBorgerservice);
    tell.set_unit_name("Borgerservice");
    tell.set_unit_number("+4574343434");
    tell.set_open_now(true);
    *tell.mutable_closes_at() = Local(2025, 3, 3, 15);
    *tell.mutable_next_opening() = Local(2025, 3, 4, 9);
    tell.set_hours_summary("man-tor 9-15, fre 9-13");
    *tell.mutable_available_from() = Local(2025, 3, 3, 8);
    tell.set_say("Borgerservice træffes på +4574343434.");
    *answer.mutable_at() = Local(2025, 3, 3, 8, 1);
    answer.set_position(41);
    answer.set_resolved_target("employee Bo Lund (e2002)");
  }
  {
    // The other kinds of target, each with the shortest answer there is.
    const auto traced = [&call, &first](const std::string& name) -> cti::v1::CallRouteDecided& {
      cti::v1::CallRouteDecided& decided = *call(name, first).mutable_route_decided();
      cti::v1::RouteResponse& answer = *decided.mutable_answer();
      answer.add_steps()->set_kind(cti::v1::STEP_KIND_RECEPTION_MESSAGE);
      *answer.mutable_at() = Local(2025, 3, 3, 8, 2);
      return decided;
    };
    traced("call.route_decided-extension").mutable_target()->set_extension("4712");
    traced("call.route_decided-name").mutable_target()->set_name("Bo Lund");
    traced("call.route_decided-unit").mutable_target()->set_unit_id(ids::kBorgerservice);
    traced("call.route_decided-task").mutable_target()->set_task("boligstøtte");
    cti::v1::CaseTarget* by_case =
        traced("call.route_decided-case").mutable_target()->mutable_case_target();
    by_case->set_task("kontanthjælp");
    by_case->set_unit_id(ids::kJobcenter);
    by_case->set_case_key("cpr-day:7");
  }
  call("call.ringing", first).mutable_ringing()->mutable_target()->set_employee_id(ids::kBoLund);
  call("call.answered", first).mutable_answered()->mutable_by()->set_employee_id(ids::kBoLund);
  call("call.transferred", first).mutable_transferred()->mutable_to()->set_unit_id(ids::kJobcenter);
  call("call.answered-unit", first).mutable_answered()->mutable_by()->set_unit_id(ids::kJobcenter);
  {
    // The job centre puts the caller through to Bo Lund's voicemail.
    auto* to_voicemail = call("call.transferred-voicemail", first).mutable_transferred();
    to_voicemail->mutable_to()->set_employee_id(ids::kBoLund);
    to_voicemail->set_voicemail(true);
  }
  call("call.ended", first).mutable_ended();

  const std::string second = "3c26a0fd41b2@10.0.0.5";
  call("call.offered-withheld", second).mutable_offered()->set_dialled_number("+4574343434");
  call("call.ringing-number", second).mutable_ringing()->mutable_target()->set_number("4712");
  call("call.abandoned", second).mutable_abandoned();

  // Kamailio's call events (server/kamailio/evapi_adapter.h): a busy phone, then every
  // destination failed.
  const std::string unanswered = "5f1e7a20bd@10.0.0.5";
  call("call.offered-failed", unanswered).mutable_offered()->set_dialled_number("+4574343434");
  call("call.ringing-failed", unanswered)
      .mutable_ringing()
      ->mutable_target()
      ->set_employee_id(ids::kBoLund);
  {
    auto* branch = call("call.branch_failed", unanswered).mutable_branch_failed();
    branch->mutable_target()->set_employee_id(ids::kBoLund);
    branch->set_sip_code(486);
    branch->set_reason("Busy Here");
  }
  {
    auto* ringing = call("call.ringing-failed-voicemail", unanswered).mutable_ringing();
    ringing->mutable_target()->set_employee_id(ids::kBoLund);
    ringing->set_voicemail(true);
  }
  {
    // The voicemail server is down: Bo Lund's voicemail fails too.
    auto* branch = call("call.branch_failed-voicemail", unanswered).mutable_branch_failed();
    branch->mutable_target()->set_employee_id(ids::kBoLund);
    branch->set_sip_code(503);
    branch->set_reason("Service Unavailable");
    branch->set_voicemail(true);
  }
  {
    auto* failed = call("call.failed", unanswered).mutable_failed();
    failed->set_sip_code(480);
    failed->set_reason("Temporarily Unavailable");
  }

  const std::string third = "77de01a9c3@10.0.0.5";
  {
    auto* offered = call("call.offered-voicemail", third).mutable_offered();
    offered->set_caller_number("+4531415926");
    offered->set_dialled_number("+4574344715");
  }
  {
    // Bo Lund's voicemail rings and answers (not Bo Lund): counted as voicemail, he is
    // not busy.
    auto* ringing = call("call.ringing-voicemail", third).mutable_ringing();
    ringing->mutable_target()->set_employee_id(ids::kBoLund);
    ringing->set_voicemail(true);
    auto* answered = call("call.answered-voicemail", third).mutable_answered();
    answered->mutable_by()->set_employee_id(ids::kBoLund);
    answered->set_voicemail(true);
  }
  {
    auto* left = call("call.voicemail_left", third).mutable_voicemail_left();
    left->set_voicemail_id("vm-2025-03-03-0001");
    left->mutable_mailbox()->set_employee_id(ids::kBoLund);
    left->set_duration_seconds(42);
  }
  call("call.ended-voicemail", third).mutable_ended();
  call("call.voicemail_listened", third, Actor(ids::kBoLund, cti::v1::ROLE_SOFTPHONE, "Bo Lund"))
      .mutable_voicemail_listened()
      ->set_voicemail_id("vm-2025-03-03-0001");
  {
    auto* greeting =
        call("call.voicemail_greeting_set", "greeting-borgerservice-2025", PhoneResponsible())
            .mutable_voicemail_greeting_set();
    greeting->mutable_mailbox()->set_unit_id(ids::kBorgerservice);
    greeting->set_text(
        "Borgerservice har telefontid mandag til torsdag 9-15 og fredag 9-13. Læg en besked, så "
        "ringer vi tilbage.");
  }

  const std::string fourth = "c0ffee42@10.0.0.7";
  for (auto [id, wanted] :
       {std::pair{"msg-2025-03-03-0001", true}, std::pair{"msg-2025-03-03-0002", false}}) {
    auto* message = call(wanted ? "call.message_taken" : "call.message_taken-no-callback", fourth,
                         Receptionist())
                        .mutable_message_taken();
    message->set_message_id(id);
    message->mutable_for_target()->set_employee_id(wanted ? ids::kBoLund : "e2003");
    message->set_caller_name("Jens Hansen");
    message->set_callback_number("+4523456789");
    message->set_text("Vil gerne tale om sit pas, der udløber i april.");
    message->set_callback_wanted(wanted);
  }
  {
    auto* delivered = call("call.message_delivered", fourth, Mailer()).mutable_message_delivered();
    delivered->set_message_id("msg-2025-03-03-0001");
    delivered->set_address("bo.lund@haderslev.dk");
    delivered->set_smtp_reply("250 2.0.0 Ok: queued as 4F3A1");
    delivered->set_attempts(2);
  }
  {
    auto* failed =
        call("call.message_delivery_failed", fourth, Mailer()).mutable_message_delivery_failed();
    failed->set_message_id("msg-2025-03-03-0002");
    failed->set_address("e2003@haderslev.dk");
    failed->set_reason("550 5.1.1 mailbox unavailable");
    failed->set_attempts(1);
  }
  {
    auto* requested =
        call("call.callback_requested", fourth, Receptionist()).mutable_callback_requested();
    requested->set_callback_id("cb-2025-03-03-0001");
    requested->mutable_assignee()->set_employee_id(ids::kBoLund);
    requested->set_callback_number("+4523456789");
    requested->set_source(cti::v1::CALLBACK_SOURCE_RECEPTION_MESSAGE);
  }
  {
    auto* requested =
        call("call.callback_requested-number", fourth, Receptionist()).mutable_callback_requested();
    requested->set_callback_id("cb-2025-03-03-0002");
    requested->mutable_assignee()->set_number("+4574343400");
    requested->set_callback_number("+4523456780");
    requested->set_source(cti::v1::CALLBACK_SOURCE_CITIZEN_REQUESTED);
  }
  {
    auto* assigned =
        call("call.callback_assigned", fourth, Receptionist()).mutable_callback_assigned();
    assigned->set_callback_id("cb-2025-03-03-0001");
    assigned->mutable_assignee()->set_unit_id(ids::kBorgerservice);
  }
  call("call.callback_completed", fourth, Actor("e2005", cti::v1::ROLE_SOFTPHONE, "Jørgen Bæk"))
      .mutable_callback_completed()
      ->set_callback_id("cb-2025-03-03-0001");
}

// Sealed personal data (server/privacy/sealer.h) and erasures. The sealed record's bytes
// are a sample of the format, sealed with a key no vault holds: it reads as erased, as
// every replica reads it after its subject's erasure.
void AddPrivacy(GoldenLog& log) {
  {
    cti::v1::Event& hired = log.Add("staff.employee_hired-sealed", PhoneResponsible(), "ny-e2010");
    cti::v1::Employee* employee =
        hired.mutable_staff()->mutable_employee_hired()->mutable_employee();
    employee->set_employee_id("e2010");
    employee->set_unit_id(ids::kBorgerservice);
    employee->set_extension("4790");
    employee->add_tasks("pas");
    cti::v1::Sealed* sealed = hired.mutable_personal();
    cti::v1::SealedShare* share = sealed->add_shares();
    share->set_subject("employee:e2010");
    share->set_key_id("8f2c4e1a9b7d3c50");
    share->set_nonce(std::string("\x1f\x9a\x03\x7c\xe4\x51\x0b\xd2\x66\x38\xa9\x14", 12));
    share->set_ciphertext(std::string(48, '\x5a'));
    sealed->set_nonce(std::string("\x70\x02\xc1\x9e\x4b\x33\xf8\x0d\x27\xa6\x55\xe9", 12));
    sealed->set_ciphertext(std::string(77, '\xa7'));
  }
  {
    cti::v1::PersonalDataErased* erased =
        log.Add("privacy.personal_data_erased", PhoneResponsible(), "gdpr-2025-017")
            .mutable_privacy()
            ->mutable_personal_data_erased();
    erased->set_employee_id("e2010");
    erased->set_reason("Fratrådt, anmodning om sletning, sag 2025-017");
  }
  {
    cti::v1::PersonalDataErased* erased =
        log.Add("privacy.personal_data_erased-caller", Director(), "gdpr-2025-018")
            .mutable_privacy()
            ->mutable_personal_data_erased();
    erased->set_caller_subject("caller:5d41402abc4b2a76b9719d911017c592");
    erased->set_reason("Anmodning om sletning, sag 2025-018");
  }
  {
    cti::v1::PersonalDataErased* erased =
        log.Add("privacy.personal_data_erased-message", PhoneResponsible(), "gdpr-2025-019")
            .mutable_privacy()
            ->mutable_personal_data_erased();
    erased->set_message_id("msg-2025-03-03-0002");
    erased->set_reason("Besked uden nummer, sag 2025-019");
  }
}

}  // namespace

std::vector<GoldenRecord> CurrentGoldenRecords() {
  GoldenLog log;
  AddStaff(log);
  AddHours(log);
  AddRouting(log);
  AddCalendar(log);
  AddCalls(log);
  AddPrivacy(log);
  return log.Take();
}

}  // namespace cti::golden
