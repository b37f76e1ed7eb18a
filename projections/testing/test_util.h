// Test helpers for projections/: a temporary directory, event builders and a fixture
// that applies events to a fresh store one log position at a time. Header-only, for
// tests in this folder (and any other test that wants ready-made events).
#ifndef CTI_PROJECTIONS_TESTING_TEST_UTIL_H_
#define CTI_PROJECTIONS_TESTING_TEST_UTIL_H_

#include <stdlib.h>

#include <filesystem>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cti/v1/event.pb.h"
#include "gtest/gtest.h"
#include "projections/projector.h"
#include "projections/store.h"

namespace cti::projections::testing {

// A fresh directory under $TEST_TMPDIR (or /tmp), removed with everything in it.
class TempDir {
 public:
  TempDir() {
    const char* base = getenv("TEST_TMPDIR");
    std::string pattern = absl::StrCat(base != nullptr ? base : "/tmp", "/cti-proj-XXXXXX");
    char* made = mkdtemp(pattern.data());
    path_ = made != nullptr ? made : "";
    EXPECT_FALSE(path_.empty()) << "mkdtemp failed";
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline constexpr char kTenant[] = "aarhus";
// 2024-03-01T08:00:00Z.
inline constexpr int64_t kT0 = 1709280000;

// An instant given in UTC (2024-03-01 is a Friday; Copenhagen is UTC+1 in winter).
inline absl::Time Utc(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0), absl::UTCTimeZone());
}

inline google::protobuf::Timestamp Ts(int64_t seconds) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(seconds);
  return ts;
}

// ---- staff ----
inline cti::v1::Event DefineUnit(const std::string& id, cti::v1::UnitKind kind,
                                 const std::string& name, const std::string& parent = "",
                                 std::initializer_list<std::string> tasks = {}) {
  cti::v1::Event e;
  cti::v1::Unit* u = e.mutable_staff()->mutable_unit_defined()->mutable_unit();
  u->set_unit_id(id);
  u->set_kind(kind);
  u->set_name(name);
  u->set_parent_unit_id(parent);
  for (const std::string& t : tasks) u->add_tasks(t);
  return e;
}
inline cti::v1::Event Administration(const std::string& id, const std::string& name) {
  return DefineUnit(id, cti::v1::UNIT_KIND_ADMINISTRATION, name);
}
inline cti::v1::Event Department(const std::string& id, const std::string& name,
                                 const std::string& parent,
                                 std::initializer_list<std::string> tasks = {}) {
  return DefineUnit(id, cti::v1::UNIT_KIND_DEPARTMENT, name, parent, tasks);
}
inline cti::v1::Event RetireUnit(const std::string& id) {
  cti::v1::Event e;
  e.mutable_staff()->mutable_unit_retired()->set_unit_id(id);
  return e;
}
inline cti::v1::Event Hire(const std::string& id, const std::string& name, const std::string& unit,
                           const std::string& extension = "",
                           std::initializer_list<std::string> tasks = {}) {
  cti::v1::Event e;
  cti::v1::Employee* emp = e.mutable_staff()->mutable_employee_hired()->mutable_employee();
  emp->set_employee_id(id);
  emp->set_full_name(name);
  emp->set_unit_id(unit);
  emp->set_extension(extension);
  for (const std::string& t : tasks) emp->add_tasks(t);
  return e;
}
inline cti::v1::Event Move(const std::string& id, const std::string& to_unit) {
  cti::v1::Event e;
  auto* m = e.mutable_staff()->mutable_employee_moved();
  m->set_employee_id(id);
  m->set_to_unit_id(to_unit);
  return e;
}
inline cti::v1::Event Leave(const std::string& id) {
  cti::v1::Event e;
  e.mutable_staff()->mutable_employee_left()->set_employee_id(id);
  return e;
}
inline cti::v1::Event ChangeTasks(const std::string& id, std::initializer_list<std::string> tasks) {
  cti::v1::Event e;
  auto* c = e.mutable_staff()->mutable_employee_tasks_changed();
  c->set_employee_id(id);
  for (const std::string& t : tasks) c->add_tasks(t);
  return e;
}
inline cti::v1::Event SetUnlisted(const std::string& id, bool unlisted) {
  cti::v1::Event e;
  auto* c = e.mutable_staff()->mutable_employee_listing_changed();
  c->set_employee_id(id);
  c->set_unlisted(unlisted);
  return e;
}

// A ring or hunt group of `unit` with `members` in order.
inline cti::v1::Event Group(const std::string& id, const std::string& unit,
                            cti::v1::GroupStrategy strategy, std::vector<std::string> members) {
  cti::v1::Event e;
  cti::v1::Group* g = e.mutable_staff()->mutable_group_defined()->mutable_group();
  g->set_group_id(id);
  g->set_name(absl::StrCat("Gruppe ", id));
  g->set_unit_id(unit);
  g->set_strategy(strategy);
  for (const std::string& m : members) g->add_members()->set_employee_id(m);
  return e;
}
inline cti::v1::Event DefaultGroup(const std::string& unit, const std::string& group) {
  cti::v1::Event e;
  auto* r = e.mutable_staff()->mutable_unit_routing_set();
  r->set_unit_id(unit);
  r->set_default_group_id(group);
  return e;
}

// ---- calendar ----
inline cti::v1::Event UpsertEntry(const std::string& employee, const std::string& entry,
                                  int64_t start, int64_t end, const std::string& subject = "",
                                  cti::v1::AbsenceKind kind = cti::v1::ABSENCE_KIND_MEETING) {
  cti::v1::Event e;
  auto* c = e.mutable_calendar()->mutable_entry_upserted();
  c->set_employee_id(employee);
  c->set_entry_id(entry);
  c->set_kind(kind);
  *c->mutable_start() = Ts(start);
  *c->mutable_end() = Ts(end);
  c->set_subject(subject);
  return e;
}
inline cti::v1::Event ForwardToColleague(const std::string& employee, const std::string& id,
                                         const std::string& colleague,
                                         const std::string& reason = "") {
  cti::v1::Event e;
  auto* f = e.mutable_calendar()->mutable_forwarding_set();
  f->set_employee_id(employee);
  f->set_forwarding_id(id);
  f->set_condition(cti::v1::FORWARDING_CONDITION_UNCONDITIONAL);
  f->mutable_destination()->set_employee_id(colleague);
  f->set_reason(reason);
  return e;
}

// ---- calls ----
inline cti::v1::Event CallEvent(const std::string& call_id) {
  cti::v1::Event e;
  e.mutable_call()->set_call_id(call_id);
  return e;
}
inline cti::v1::Event Offered(const std::string& call_id,
                              const std::string& caller = "+4512345678") {
  cti::v1::Event e = CallEvent(call_id);
  e.mutable_call()->mutable_offered()->set_caller_number(caller);
  e.mutable_call()->mutable_offered()->set_dialled_number("+4573767676");
  return e;
}
inline cti::v1::Event RingingAt(const std::string& call_id, const std::string& employee) {
  cti::v1::Event e = CallEvent(call_id);
  e.mutable_call()->mutable_ringing()->mutable_target()->set_employee_id(employee);
  return e;
}
inline cti::v1::Event AnsweredBy(const std::string& call_id, const std::string& employee) {
  cti::v1::Event e = CallEvent(call_id);
  e.mutable_call()->mutable_answered()->mutable_by()->set_employee_id(employee);
  return e;
}
inline cti::v1::Event TransferredTo(const std::string& call_id, const std::string& employee) {
  cti::v1::Event e = CallEvent(call_id);
  e.mutable_call()->mutable_transferred()->mutable_to()->set_employee_id(employee);
  return e;
}
inline cti::v1::Event Abandoned(const std::string& call_id) {
  cti::v1::Event e = CallEvent(call_id);
  e.mutable_call()->mutable_abandoned();
  return e;
}
inline cti::v1::Event Ended(const std::string& call_id) {
  cti::v1::Event e = CallEvent(call_id);
  e.mutable_call()->mutable_ended();
  return e;
}
inline cti::v1::Event BranchFailedAt(const std::string& call_id, const std::string& employee,
                                     uint32_t sip_code = 486,
                                     const std::string& reason = "Busy Here") {
  cti::v1::Event e = CallEvent(call_id);
  auto* failed = e.mutable_call()->mutable_branch_failed();
  failed->mutable_target()->set_employee_id(employee);
  failed->set_sip_code(sip_code);
  failed->set_reason(reason);
  return e;
}
inline cti::v1::Event Failed(const std::string& call_id, uint32_t sip_code = 480,
                             const std::string& reason = "Temporarily Unavailable") {
  cti::v1::Event e = CallEvent(call_id);
  e.mutable_call()->mutable_failed()->set_sip_code(sip_code);
  e.mutable_call()->mutable_failed()->set_reason(reason);
  return e;
}

// Call targets, and an event with its occurred_at set to `t`.
inline cti::v1::CallTarget EmployeeTarget(const std::string& id) {
  cti::v1::CallTarget target;
  target.set_employee_id(id);
  return target;
}
inline cti::v1::CallTarget UnitTarget(const std::string& id) {
  cti::v1::CallTarget target;
  target.set_unit_id(id);
  return target;
}
inline cti::v1::Event At(cti::v1::Event e, absl::Time t) {
  *e.mutable_occurred_at() = Ts(absl::ToUnixSeconds(t));
  return e;
}
// A local calendar day.
inline cti::v1::LocalDate Date(int year, int month, int day) {
  cti::v1::LocalDate date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}
// Voicemail `voicemail_id` listened to at `t`.
inline cti::v1::Event Listened(const std::string& voicemail_id, absl::Time t) {
  cti::v1::Event e;
  e.mutable_call()->mutable_voicemail_listened()->set_voicemail_id(voicemail_id);
  return At(e, t);
}

// Fills the envelope: tenant (kTenant unless set), event_id ("ev-<n>" unless set),
// occurred_at (kT0 + n unless set), an admin actor.
inline void FillEnvelope(cti::v1::Event* e, uint64_t n) {
  if (e->tenant().empty()) e->set_tenant(kTenant);
  if (e->event_id().empty()) e->set_event_id(absl::StrCat("ev-", n));
  if (!e->has_occurred_at()) *e->mutable_occurred_at() = Ts(kT0 + static_cast<int64_t>(n));
  if (e->actor().role() == cti::v1::ROLE_UNSPECIFIED) {
    e->mutable_actor()->set_id("test");
    e->mutable_actor()->set_role(cti::v1::ROLE_ADMIN);
  }
}

// Log records at positions first, first+1, ... with envelopes filled.
inline std::vector<cti::v1::LogRecord> Records(std::vector<cti::v1::Event> events,
                                               uint64_t first = 1) {
  std::vector<cti::v1::LogRecord> records;
  for (size_t i = 0; i < events.size(); ++i) {
    cti::v1::LogRecord r;
    r.set_position(first + i);
    *r.mutable_event() = std::move(events[i]);
    FillEnvelope(r.mutable_event(), r.position());
    *r.mutable_event()->mutable_recorded_at() = r.event().occurred_at();
    records.push_back(std::move(r));
  }
  return records;
}

// A fresh store and projector; Apply() appends events at the next positions.
class ProjectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::Open(dir_.Sub("store"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    projector_ = std::make_unique<Projector>(store_.get());
  }

  // Applies `event` as the next record; returns its outcome.
  cti::v1::ApplyOutcome Apply(cti::v1::Event event) {
    std::vector<cti::v1::LogRecord> records = Records({std::move(event)}, next_position_++);
    auto outcomes = projector_->Apply(0, records);
    EXPECT_TRUE(outcomes.ok()) << outcomes.status();
    return outcomes.ok() ? (*outcomes)[0] : cti::v1::ApplyOutcome();
  }
  // Applies every event; expects each to be accepted.
  void ApplyAll(std::vector<cti::v1::Event> events) {
    for (cti::v1::Event& e : events) {
      cti::v1::ApplyOutcome outcome = Apply(e);
      EXPECT_FALSE(outcome.rejected()) << outcome.reason() << "\n" << e.DebugString();
    }
  }
  // The reason `event` is rejected ("" when it is accepted).
  std::string Rejection(cti::v1::Event event) { return Apply(std::move(event)).reason(); }

  // A standard organisation: administration "adm", departments "borgerservice" and
  // "skat", employees "e1" Anna Holm (ext 4711), "e2" Bo Lund (ext 4712) in
  // borgerservice.
  void DefineOrganisation() {
    ApplyAll({Administration("adm", "Borger og Arbejdsmarked"),
              Department("borgerservice", "Borgerservice", "adm", {"pas", "kørekort"}),
              Department("skat", "Skat", "adm", {"forskudsopgørelse"}),
              Hire("e1", "Anna Holm", "borgerservice", "4711", {"boligstøtte"}),
              Hire("e2", "Bo Lund", "borgerservice", "4712", {"pas"})});
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Projector> projector_;
  uint64_t next_position_ = 1;
};

}  // namespace cti::projections::testing

#endif  // CTI_PROJECTIONS_TESTING_TEST_UTIL_H_
