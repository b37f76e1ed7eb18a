// The two synthetic mixes of projector_bench (see bench_workload.h).
#include "projections/bench_workload.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "projections/bench_workload_internal.h"

namespace cti::projections::bench {
namespace internal {

cti::v1::Event& Stamp(cti::v1::Event& event, uint64_t position, std::string event_id,
                      const char* actor, cti::v1::Role role) {
  event.set_tenant("aarhus");
  event.set_event_id(std::move(event_id));
  event.mutable_occurred_at()->set_seconds(kT0 + static_cast<int64_t>(position));
  *event.mutable_recorded_at() = event.occurred_at();
  event.mutable_actor()->set_id(actor);
  event.mutable_actor()->set_role(role);
  return event;
}

void AddUnits(Log& log, const std::function<void(cti::v1::Event&)>& stamp) {
  cti::v1::Event e;
  auto* u = e.mutable_staff()->mutable_unit_defined()->mutable_unit();
  u->set_unit_id("adm");
  u->set_kind(cti::v1::UNIT_KIND_ADMINISTRATION);
  u->set_name("Borger og Arbejdsmarked");
  stamp(e);
  log.Add(std::move(e));
  for (int d = 0; d < kDepartments; ++d) {
    cti::v1::Event dep;
    auto* unit = dep.mutable_staff()->mutable_unit_defined()->mutable_unit();
    unit->set_unit_id(absl::StrCat("dep", d));
    unit->set_kind(cti::v1::UNIT_KIND_DEPARTMENT);
    unit->set_name(absl::StrCat("Afdeling ", d));
    unit->set_parent_unit_id("adm");
    unit->add_tasks(kTasks[d % 10]);
    stamp(dep);
    log.Add(std::move(dep));
  }
}

}  // namespace internal

namespace {

using internal::AddUnits;
using internal::kDepartments;
using internal::kFirst;
using internal::kLast;
using internal::kT0;
using internal::kTasks;
using internal::Lcg;
using internal::Log;
using internal::Stamp;

// The first mix, unchanged from the first figures (so before/after compare).
std::vector<cti::v1::LogRecord> StaffCalendar(size_t n) {
  Log log(n);
  Lcg rng;
  auto stamp = [&](cti::v1::Event& e) {
    const uint64_t p = log.next_position();
    Stamp(e, p, absl::StrCat("bench-", p), "ldap-sync", cti::v1::ROLE_SYSTEM);
  };
  AddUnits(log, stamp);
  size_t hired = 0;
  while (log.size() < n) {
    const uint64_t position = log.size();
    const size_t roll = rng.Below(100);
    cti::v1::Event e;
    if (hired < 100 || roll < 20) {  // hire
      auto* emp = e.mutable_staff()->mutable_employee_hired()->mutable_employee();
      emp->set_employee_id(absl::StrCat("emp", hired));
      emp->set_full_name(absl::StrCat(kFirst[rng.Below(14)], " ", kLast[rng.Below(12)]));
      emp->set_unit_id(absl::StrCat("dep", rng.Below(kDepartments)));
      emp->set_extension(absl::StrCat(10000000 + hired));
      emp->set_email(absl::StrCat("emp", hired, "@aarhus.dk"));
      emp->add_tasks(kTasks[rng.Below(10)]);
      ++hired;
    } else if (roll < 85) {  // calendar entry
      auto* c = e.mutable_calendar()->mutable_entry_upserted();
      c->set_employee_id(absl::StrCat("emp", rng.Below(hired)));
      c->set_entry_id(absl::StrCat("uid-", rng.Below(1000000), "@outlook"));
      c->set_kind(cti::v1::ABSENCE_KIND_MEETING);
      c->mutable_start()->set_seconds(kT0 + static_cast<int64_t>(position) * 60);
      c->mutable_end()->set_seconds(kT0 + static_cast<int64_t>(position) * 60 + 3600);
      c->set_subject("Teammøde om sagsbehandling, lokale 2.14");
    } else if (roll < 92) {  // forwarding to a colleague
      auto* f = e.mutable_calendar()->mutable_forwarding_set();
      const size_t who = rng.Below(hired);
      f->set_employee_id(absl::StrCat("emp", who));
      f->set_forwarding_id("main");
      f->set_condition(cti::v1::FORWARDING_CONDITION_NO_ANSWER);
      f->mutable_destination()->set_employee_id(absl::StrCat("emp", (who + 1) % hired));
      f->set_reason("kursus");
    } else {  // tasks changed
      auto* t = e.mutable_staff()->mutable_employee_tasks_changed();
      t->set_employee_id(absl::StrCat("emp", rng.Below(hired)));
      t->add_tasks(kTasks[rng.Below(10)]);
      t->add_tasks(kTasks[rng.Below(10)]);
    }
    stamp(e);
    log.Add(std::move(e));
  }
  return log.Take();
}

// cti_bench's load (tests/support/danish_events.cc, LoadCallEvent): new calls offered.
std::vector<cti::v1::LogRecord> Offered(size_t n) {
  Log log(n);
  while (log.size() < n) {
    const uint64_t position = log.next_position();
    const std::string id = absl::StrCat("ld-", position);
    cti::v1::Event e;
    Stamp(e, position, id, "pbx", cti::v1::ROLE_SYSTEM);
    e.clear_recorded_at();
    e.set_correlation_id(absl::StrCat("call-", id));
    auto* call = e.mutable_call();
    call->set_call_id(absl::StrCat("call-", id));
    call->mutable_offered()->set_caller_number(absl::StrFormat("+4520%06d", position % 1000000));
    call->mutable_offered()->set_dialled_number("+4573767676");
    log.Add(std::move(e));
  }
  return log.Take();
}

}  // namespace

const char* MixName(Mix mix) {
  switch (mix) {
    case Mix::kStaffCalendar:
      return "staff-calendar";
    case Mix::kCallHeavy:
      return "call-heavy";
    case Mix::kOffered:
      return "offered";
  }
  return "?";
}

const char* MixDescription(Mix mix) {
  switch (mix) {
    case Mix::kStaffCalendar:
      return "20% hires, 65% calendar entries, 7% forwardings, 8% task changes";
    case Mix::kCallHeavy:
      return "~80% call events (offered/ringing/answered/transferred/ended/abandoned, "
             "voicemail, messages, callbacks), ~15% calendar, ~5% staff";
    case Mix::kOffered:
      return "cti_bench's load: every record offers a new call";
  }
  return "?";
}

std::vector<cti::v1::LogRecord> MakeWorkload(Mix mix, size_t n) {
  switch (mix) {
    case Mix::kStaffCalendar:
      return StaffCalendar(n);
    case Mix::kCallHeavy:
      return internal::CallHeavy(n);
    case Mix::kOffered:
      return Offered(n);
  }
  return {};
}

std::string DescribeFamilies(const std::vector<cti::v1::LogRecord>& records) {
  size_t call = 0, calendar = 0, staff = 0;
  for (const cti::v1::LogRecord& r : records) {
    switch (r.event().payload_case()) {
      case cti::v1::Event::kCall:
        ++call;
        break;
      case cti::v1::Event::kCalendar:
        ++calendar;
        break;
      case cti::v1::Event::kStaff:
        ++staff;
        break;
      default:
        break;
    }
  }
  const double total = static_cast<double>(std::max<size_t>(1, records.size()));
  return absl::StrFormat("%.1f%% call, %.1f%% calendar, %.1f%% staff", 100.0 * call / total,
                         100.0 * calendar / total, 100.0 * staff / total);
}

}  // namespace cti::projections::bench
