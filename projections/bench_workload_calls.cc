// The call-heavy mix of projector_bench (bench_workload.h).
#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "projections/bench_workload_internal.h"

namespace cti::projections::bench::internal {
namespace {

// The call-heavy mix: a directory of kInitialStaff employees, then a stream in which
// about 80% of records are call events, 15% calendar and 5% staff.
class CallHeavyLog {
 public:
  explicit CallHeavyLog(size_t n) : n_(n), log_(n) {}

  std::vector<cti::v1::LogRecord> Make() {
    AddUnits(log_, [&](cti::v1::Event& e) {
      Stamp(e, log_.next_position(), EventId(), "ldap-sync", cti::v1::ROLE_SYSTEM);
    });
    while (staff_.size() < kInitialStaff && log_.size() < n_) Hire();
    while (log_.size() < n_) {
      const size_t roll = rng_.Below(100);
      if (roll < 80) {
        CallStep();
      } else if (roll < 95) {
        CalendarStep();
      } else {
        StaffStep();
      }
    }
    return log_.Take();
  }

 private:
  static constexpr size_t kInitialStaff = 2000;
  struct Employee {
    std::string id;
    std::string name;
    std::string extension;
    bool active = true;
  };
  struct Entry {
    size_t employee;
    std::string entry_id;
  };
  struct Call {
    std::vector<cti::v1::CallEvent> script;  // what happens next, in order
    size_t next = 0;
  };

  std::string EventId() { return rng_.Hex(32); }
  void Emit(cti::v1::Event e, const char* actor, cti::v1::Role role) {
    Stamp(e, log_.next_position(), EventId(), actor, role);
    log_.Add(std::move(e));
  }
  size_t ActiveEmployee() {
    while (true) {
      const size_t i = rng_.Below(staff_.size());
      if (staff_[i].active) return i;
    }
  }
  std::string Number() { return absl::StrFormat("+45%08d", rng_.Below(100000000)); }

  void Hire() {
    Employee emp;
    emp.id = absl::StrCat("emp", staff_.size());
    emp.name = absl::StrCat(kFirst[rng_.Below(14)], " ", kLast[rng_.Below(12)]);
    emp.extension = absl::StrCat(20000 + next_extension_++);
    cti::v1::Event e;
    auto* in = e.mutable_staff()->mutable_employee_hired()->mutable_employee();
    in->set_employee_id(emp.id);
    in->set_full_name(emp.name);
    in->set_unit_id(absl::StrCat("dep", rng_.Below(kDepartments)));
    in->set_extension(emp.extension);
    in->set_direct_number(absl::StrCat("+4589", emp.extension, "0"));
    in->set_email(absl::StrCat(emp.id, "@aarhus.dk"));
    in->set_title("Sagsbehandler");
    in->add_tasks(kTasks[rng_.Below(10)]);
    in->add_tasks(kTasks[rng_.Below(10)]);
    staff_.push_back(std::move(emp));
    Emit(std::move(e), "ldap-sync", cti::v1::ROLE_SYSTEM);
  }

  cti::v1::CallTarget Target(bool employee_only) {
    cti::v1::CallTarget target;
    if (employee_only || rng_.Percent(85)) {
      target.set_employee_id(staff_[ActiveEmployee()].id);
    } else {
      target.set_unit_id(absl::StrCat("dep", rng_.Below(kDepartments)));
    }
    return target;
  }

  // A whole call, decided when it is offered; its events are emitted one by one,
  // interleaved with other calls.
  Call NewCall() {
    Call call;
    const std::string call_id = absl::StrCat(rng_.Hex(24), "@pbx.aarhus.dk");
    auto add = [&]() -> cti::v1::CallEvent& {
      cti::v1::CallEvent& c = call.script.emplace_back();
      c.set_call_id(call_id);
      return c;
    };
    auto* offered = add().mutable_offered();
    offered->set_caller_number(Number());
    offered->set_dialled_number("+4589402000");
    const cti::v1::CallTarget first = Target(false);
    *add().mutable_ringing()->mutable_target() = first;
    const size_t outcome = rng_.Below(100);
    if (outcome < 60) {
      cti::v1::CallTarget by = first.has_employee_id() ? first : Target(true);
      *add().mutable_answered()->mutable_by() = by;
      if (rng_.Percent(12)) {
        const cti::v1::CallTarget to = Target(true);
        *add().mutable_transferred()->mutable_to() = to;
        *add().mutable_ringing()->mutable_target() = to;
        *add().mutable_answered()->mutable_by() = to;
        by = to;
      }
      if (rng_.Percent(10)) {
        auto* m = add().mutable_message_taken();
        m->set_message_id(absl::StrCat("msg-", rng_.Hex(12)));
        *m->mutable_for_target() = by;
        m->set_caller_name(absl::StrCat(kFirst[rng_.Below(14)], " ", kLast[rng_.Below(12)]));
        m->set_text("Ringer om sin ansøgning om boligstøtte, bedes ringe tilbage");
        m->set_callback_wanted(true);
        m->set_callback_number(Number());
        if (rng_.Percent(50)) {
          auto* cb = add().mutable_callback_requested();
          cb->set_callback_id(absl::StrCat("cb-", rng_.Hex(12)));
          // The unit: the employee may have left by the time the request is emitted
          // (calls interleave with staff changes), and a leaver cannot be assigned.
          cb->mutable_assignee()->set_unit_id(absl::StrCat("dep", rng_.Below(kDepartments)));
          cb->set_callback_number(m->callback_number());
        }
      }
      add().mutable_ended();
    } else if (outcome < 75) {
      add().mutable_abandoned();
    } else if (outcome < 88) {
      auto* vm = add().mutable_voicemail_left();
      vm->set_voicemail_id(absl::StrCat("vm-", rng_.Hex(12)));
      *vm->mutable_mailbox() = first;
      vm->set_duration_seconds(static_cast<uint32_t>(5 + rng_.Below(90)));
      add().mutable_abandoned();
    } else {  // hunt to a second target
      const cti::v1::CallTarget second = Target(true);
      *add().mutable_ringing()->mutable_target() = second;
      *add().mutable_answered()->mutable_by() = second;
      add().mutable_ended();
    }
    return call;
  }

  void CallStep() {
    if (!followups_.empty() && rng_.Percent(5)) {  // voicemail heard, callback done
      const size_t i = rng_.Below(followups_.size());
      cti::v1::Event e;
      *e.mutable_call() = std::move(followups_[i]);
      followups_[i] = std::move(followups_.back());
      followups_.pop_back();
      Emit(std::move(e), "reception-7", cti::v1::ROLE_RECEPTION);
      return;
    }
    if (calls_.size() < 8 || (calls_.size() < 200 && rng_.Percent(25))) {
      calls_.push_back(NewCall());
    }
    const size_t i = rng_.Below(calls_.size());
    Call& call = calls_[i];
    cti::v1::Event e;
    *e.mutable_call() = call.script[call.next++];
    const cti::v1::CallEvent& c = e.call();
    if (c.has_voicemail_left()) {
      cti::v1::CallEvent& heard = followups_.emplace_back();
      heard.mutable_voicemail_listened()->set_voicemail_id(c.voicemail_left().voicemail_id());
    } else if (c.has_callback_requested()) {
      cti::v1::CallEvent& done = followups_.emplace_back();
      done.set_call_id(c.call_id());
      done.mutable_callback_completed()->set_callback_id(c.callback_requested().callback_id());
    }
    if (call.next == call.script.size()) {
      calls_[i] = std::move(calls_.back());
      calls_.pop_back();
    }
    Emit(std::move(e), "pbx-adapter", cti::v1::ROLE_SOFTPHONE);
  }

  void CalendarStep() {
    const size_t roll = rng_.Below(100);
    cti::v1::Event e;
    auto* cal = e.mutable_calendar();
    const int64_t at = kT0 + static_cast<int64_t>(log_.size()) * 60;
    if (roll < 10 && !entries_.empty()) {
      const size_t i = rng_.Below(entries_.size());
      cal->mutable_entry_removed()->set_employee_id(staff_[entries_[i].employee].id);
      cal->mutable_entry_removed()->set_entry_id(entries_[i].entry_id);
      entries_[i] = std::move(entries_.back());
      entries_.pop_back();
    } else if (roll < 28) {
      const size_t who = ActiveEmployee();
      auto* f = cal->mutable_forwarding_set();
      f->set_employee_id(staff_[who].id);
      f->set_forwarding_id(rng_.Percent(50) ? "main" : "sick");
      f->set_condition(rng_.Percent(50) ? cti::v1::FORWARDING_CONDITION_NO_ANSWER
                                        : cti::v1::FORWARDING_CONDITION_UNCONDITIONAL);
      size_t to = ActiveEmployee();
      while (to == who) to = ActiveEmployee();
      f->mutable_destination()->set_employee_id(staff_[to].id);
      f->set_reason("kursus");
      forwardings_.push_back(Entry{who, f->forwarding_id()});
    } else if (roll < 35 && !forwardings_.empty()) {
      const size_t i = rng_.Below(forwardings_.size());
      cal->mutable_forwarding_cleared()->set_employee_id(staff_[forwardings_[i].employee].id);
      cal->mutable_forwarding_cleared()->set_forwarding_id(forwardings_[i].entry_id);
      // Another set of the same id may still be listed: clear those too.
      const Entry cleared = forwardings_[i];
      forwardings_.erase(std::remove_if(forwardings_.begin(), forwardings_.end(),
                                        [&](const Entry& f) {
                                          return f.employee == cleared.employee &&
                                                 f.entry_id == cleared.entry_id;
                                        }),
                         forwardings_.end());
    } else {
      auto* c = cal->mutable_entry_upserted();
      size_t who = 0;
      if (!entries_.empty() && rng_.Percent(40) &&
          staff_[entries_[who = rng_.Below(entries_.size())].employee].active) {
        c->set_entry_id(entries_[who].entry_id);  // moved or renamed
        who = entries_[who].employee;
      } else {
        who = ActiveEmployee();
        c->set_entry_id(absl::StrCat(rng_.Hex(16), "@outlook.office365.com"));
        entries_.push_back(Entry{who, c->entry_id()});
      }
      c->set_employee_id(staff_[who].id);
      c->set_kind(static_cast<cti::v1::AbsenceKind>(1 + rng_.Below(6)));
      c->set_show_as(cti::v1::SHOW_AS_BUSY);
      c->mutable_start()->set_seconds(at);
      c->mutable_end()->set_seconds(at + 1800 * static_cast<int64_t>(1 + rng_.Below(16)));
      c->set_subject("Teammøde om sagsbehandling, lokale 2.14");
    }
    Emit(std::move(e), "calendar-sync", cti::v1::ROLE_SYSTEM);
  }

  void StaffStep() {
    const size_t roll = rng_.Below(100);
    if (roll < 20) return Hire();
    cti::v1::Event e;
    auto* staff = e.mutable_staff();
    const size_t who = ActiveEmployee();
    Employee& emp = staff_[who];
    if (roll < 50) {
      auto* c = staff->mutable_employee_contact_changed();
      c->set_employee_id(emp.id);
      c->set_full_name(emp.name);
      if (rng_.Percent(30)) emp.extension = absl::StrCat(20000 + next_extension_++);
      c->set_extension(emp.extension);
      c->set_direct_number(absl::StrCat("+4589", emp.extension, "0"));
      c->set_mobile_number(Number());
      c->set_email(absl::StrCat(emp.id, "@aarhus.dk"));
      c->set_title(rng_.Percent(50) ? "Sagsbehandler" : "Specialkonsulent");
    } else if (roll < 75) {
      auto* t = staff->mutable_employee_tasks_changed();
      t->set_employee_id(emp.id);
      t->add_tasks(kTasks[rng_.Below(10)]);
      t->add_tasks(kTasks[rng_.Below(10)]);
    } else if (roll < 90 || staff_.size() < kInitialStaff) {
      staff->mutable_employee_moved()->set_employee_id(emp.id);
      staff->mutable_employee_moved()->set_to_unit_id(
          absl::StrCat("dep", rng_.Below(kDepartments)));
    } else {
      staff->mutable_employee_left()->set_employee_id(emp.id);
      emp.active = false;
    }
    Emit(std::move(e), "ldap-sync", cti::v1::ROLE_SYSTEM);
  }

  const size_t n_;
  Log log_;
  Lcg rng_;
  std::vector<Employee> staff_;
  size_t next_extension_ = 0;
  std::vector<Call> calls_;
  std::vector<cti::v1::CallEvent> followups_;
  std::vector<Entry> entries_;
  std::vector<Entry> forwardings_;
};

}  // namespace

std::vector<cti::v1::LogRecord> CallHeavy(size_t n) { return CallHeavyLog(n).Make(); }

}  // namespace cti::projections::bench::internal
