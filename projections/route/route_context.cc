// RouteContext helpers, presence (TP-3.7), forwardings (TP-4.4) and unit phone hours
// with inheritance (TP-3.4, TP-3.8, TP-3.10).
#include "projections/route/route_context.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "projections/hours/summary.h"
#include "projections/internal/directory_records.h"
#include "projections/internal/keys.h"
#include "projections/internal/routing_convert.h"
#include "projections/internal/routing_records.h"
#include "projections/internal/status_macros.h"

namespace cti::projections::route {
namespace {

absl::Time TimeOf(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

google::protobuf::Timestamp ToProto(absl::Time t) {
  google::protobuf::Timestamp ts;
  const int64_t seconds = absl::ToUnixSeconds(t);
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>((t - absl::FromUnixSeconds(seconds)) / absl::Nanoseconds(1)));
  return ts;
}

constexpr const char* kDaysDa[] = {"mandag", "tirsdag", "onsdag", "torsdag",
                                   "fredag", "lørdag",  "søndag"};
constexpr const char* kMonthsDa[] = {"jan.", "feb.", "marts", "april", "maj",  "juni",
                                     "juli", "aug.", "sep.",  "okt.",  "nov.", "dec."};

// Hours of parents are followed at most this far up.
constexpr int kMaxUnitDepth = 8;

}  // namespace

const char* AbsenceDa(cti::v1::AbsenceKind kind) {
  switch (kind) {
    case cti::v1::ABSENCE_KIND_MEETING:
      return "i møde";
    case cti::v1::ABSENCE_KIND_SICK:
      return "syg";
    case cti::v1::ABSENCE_KIND_VACATION:
      return "på ferie";
    case cti::v1::ABSENCE_KIND_COURSE:
      return "på kursus";
    case cti::v1::ABSENCE_KIND_OFF_SITE:
      return "ude af huset";
    default:
      return "ikke til stede";
  }
}

const char* AbsenceEn(cti::v1::AbsenceKind kind) {
  switch (kind) {
    case cti::v1::ABSENCE_KIND_MEETING:
      return "in a meeting";
    case cti::v1::ABSENCE_KIND_SICK:
      return "sick";
    case cti::v1::ABSENCE_KIND_VACATION:
      return "on vacation";
    case cti::v1::ABSENCE_KIND_COURSE:
      return "on a course";
    case cti::v1::ABSENCE_KIND_OFF_SITE:
      return "working off-site";
    default:
      return "away";
  }
}

void RouteContext::Reason(absl::string_view rule, std::string text, absl::string_view record_kind,
                          absl::string_view record_id, absl::string_view owner_id,
                          int64_t record_version) {
  cti::v1::RouteReason* reason = response->add_reasons();
  reason->set_rule(std::string(rule));
  reason->set_text(std::move(text));
  if (!record_kind.empty()) {
    cti::v1::DecidingRecord* record = reason->add_records();
    record->set_kind(std::string(record_kind));
    record->set_id(std::string(record_id));
    record->set_owner_id(std::string(owner_id));
    record->set_version(record_version);
  }
}

cti::v1::RouteStep* RouteContext::Step(cti::v1::StepKind kind) {
  if (response->steps_size() >= kMaxSteps) return nullptr;
  cti::v1::RouteStep* step = response->add_steps();
  step->set_kind(kind);
  return step;
}

std::string RouteContext::LocalDa(absl::Time when) const {
  const absl::CivilSecond local = absl::ToCivilSecond(when, zone);
  const absl::CivilDay day(local);
  const int weekday = static_cast<int>(absl::GetWeekday(day));
  return absl::StrFormat("%s %d. %s kl. %d.%02d", kDaysDa[weekday], local.day(),
                         kMonthsDa[local.month() - 1], local.hour(), local.minute());
}

std::string RouteContext::Clock(absl::Time when) const {
  const absl::CivilSecond local = absl::ToCivilSecond(when, zone);
  return absl::StrFormat("%02d:%02d", local.hour(), local.minute());
}

absl::StatusOr<Presence> PresenceOf(RouteContext& ctx, absl::string_view employee_id) {
  // The entries ending after the start of the instant's local day, shared by every call
  // of the day (the cache's version permitting); those ending before `at` are skipped.
  const absl::Time day_start =
      absl::FromCivil(absl::CivilDay(absl::ToCivilDay(ctx.at, ctx.zone)), ctx.zone);
  using Entries = std::vector<cti::v1::CalendarEntryUpserted>;
  CTI_ASSIGN_OR_RETURN(
      std::shared_ptr<const Entries> cached,
      Cached<Entries>(
          ctx, absl::StrCat("a", ctx.t, employee_id, "\0", absl::ToUnixSeconds(day_start)),
          [&]() -> absl::StatusOr<std::shared_ptr<const Entries>> {
            CTI_ASSIGN_OR_RETURN(Entries entries,
                                 internal::EntriesEndingAfter(ctx.txn, ctx.t, employee_id,
                                                              day_start, kMaxEntriesPerEmployee));
            return std::make_shared<const Entries>(std::move(entries));
          }));
  const Entries& entries = *cached;
  for (const cti::v1::CalendarEntryUpserted& entry : entries) {
    ctx.ChangesAt(TimeOf(entry.start()));
    ctx.ChangesAt(TimeOf(entry.end()));
  }
  // A cut list (by end time) knows nothing past its last end.
  if (entries.size() >= kMaxEntriesPerEmployee) ctx.ChangesAt(TimeOf(entries.back().end()));
  Presence presence;
  for (const cti::v1::CalendarEntryUpserted& entry : entries) {
    if (TimeOf(entry.end()) <= ctx.at) continue;   // over already
    if (TimeOf(entry.start()) > ctx.at) continue;  // ends after, starts later: not now
    const bool tentative = entry.show_as() == cti::v1::SHOW_AS_TENTATIVE;
    if (tentative) {
      if (presence.available && !presence.tentative) {
        presence.tentative = true;
        presence.entry = entry;
      }
      continue;
    }
    if (presence.available) {
      presence.available = false;
      presence.tentative = false;
      presence.entry = entry;
    }
  }
  if (presence.available) return presence;
  // Available again: the end of the run of busy entries that cover each other.
  absl::Time until = TimeOf(presence.entry->end());
  bool extended = true;
  while (extended) {
    extended = false;
    for (const cti::v1::CalendarEntryUpserted& entry : entries) {
      if (entry.show_as() == cti::v1::SHOW_AS_TENTATIVE) continue;
      const absl::Time start = TimeOf(entry.start());
      const absl::Time end = TimeOf(entry.end());
      if (start <= until && end > until) {
        until = end;
        extended = true;
      }
    }
  }
  presence.available_from = until;
  return presence;
}

absl::StatusOr<std::string> OnCallOf(RouteContext& ctx, absl::string_view employee_id) {
  if (!ctx.live) return std::string();
  CTI_ASSIGN_OR_RETURN(std::string call_id, internal::TalkingOn(ctx.txn, ctx.t, employee_id));
  ctx.busy_keys.push_back(RouteCache::EmployeeBusyKey(ctx.tenant, employee_id));
  if (!call_id.empty()) ctx.busy_keys.push_back(RouteCache::CallBusyKey(ctx.tenant, call_id));
  return call_id;
}

absl::StatusOr<std::optional<cti::v1::ForwardingSet>> ForwardingOf(
    RouteContext& ctx, absl::string_view employee_id, cti::v1::ForwardingCondition condition) {
  using Forwardings = std::vector<cti::v1::ForwardingSet>;
  CTI_ASSIGN_OR_RETURN(
      std::shared_ptr<const Forwardings> forwardings,
      Cached<Forwardings>(ctx, absl::StrCat("f", ctx.t, employee_id),
                          [&]() -> absl::StatusOr<std::shared_ptr<const Forwardings>> {
                            CTI_ASSIGN_OR_RETURN(Forwardings all, internal::ForwardingsOf(
                                                                      ctx.txn, ctx.t, employee_id));
                            return std::make_shared<const Forwardings>(std::move(all));
                          }));
  for (const cti::v1::ForwardingSet& f : *forwardings) {
    if (f.condition() != condition) continue;
    if (f.has_valid_from()) ctx.ChangesAt(TimeOf(f.valid_from()));
    if (f.has_valid_until()) ctx.ChangesAt(TimeOf(f.valid_until()));
  }
  for (const cti::v1::ForwardingSet& f : *forwardings) {
    if (f.condition() != condition) continue;
    if (f.has_valid_from() && TimeOf(f.valid_from()) > ctx.at) continue;
    if (f.has_valid_until() && TimeOf(f.valid_until()) <= ctx.at) continue;
    return std::optional<cti::v1::ForwardingSet>(f);
  }
  return std::optional<cti::v1::ForwardingSet>();
}

namespace {

// A unit's hours with the weekly phone hours inherited (see PhoneHoursOf).
absl::StatusOr<std::shared_ptr<const ResolvedHours>> ResolveHours(RouteContext& ctx,
                                                                  const cti::v1::Unit& unit) {
  auto out = std::make_shared<ResolvedHours>();
  out->hours.unit_id = unit.unit_id();
  state::UnitHoursRecord own;
  CTI_ASSIGN_OR_RETURN(bool has_own, internal::LoadUnitHours(ctx.txn, ctx.t, unit.unit_id(), &own));
  if (has_own) {
    for (const cti::v1::HoursChangeSet& change : own.changes()) {
      internal::AddChange(change, &out->hours);
    }
  }
  // Weekly phone hours: the unit's own, else the nearest ancestor's, else the
  // municipality's, else TP-3.8.
  bool found = has_own && own.has_phone();
  if (found) {
    out->hours.phone = internal::ScheduleOf(own.phone(), "TP-3.10");
    out->owner = unit.unit_id();
  }
  std::string parent = unit.parent_unit_id();
  for (int depth = 0; !found && !parent.empty() && depth < kMaxUnitDepth; ++depth) {
    state::UnitHoursRecord record;
    CTI_ASSIGN_OR_RETURN(bool has, internal::LoadUnitHours(ctx.txn, ctx.t, parent, &record));
    if (has && record.has_phone()) {
      out->hours.phone = internal::ScheduleOf(record.phone(), "TP-3.10");
      out->owner = parent;
      found = true;
      break;
    }
    cti::v1::Unit up;
    CTI_ASSIGN_OR_RETURN(bool exists, LoadUnit(ctx, parent, &up));
    parent = exists ? up.parent_unit_id() : "";
  }
  if (!found) {
    state::UnitHoursRecord defaults;
    CTI_ASSIGN_OR_RETURN(bool has, internal::LoadUnitHours(ctx.txn, ctx.t, "", &defaults));
    if (has && defaults.has_phone()) {
      out->hours.phone = internal::ScheduleOf(defaults.phone(), "TP-3.8");
    }  // else: UnitHours' default, TP-3.8
    out->owner = "";
  }
  return std::shared_ptr<const ResolvedHours>(std::move(out));
}

template <typename Message>
absl::StatusOr<bool> CopyOut(const std::shared_ptr<const Message>& cached, Message* out) {
  if (cached == nullptr) return false;
  *out = *cached;
  return true;
}

}  // namespace

absl::StatusOr<bool> LoadEmployee(RouteContext& ctx, absl::string_view id,
                                  cti::v1::Employee* employee) {
  CTI_ASSIGN_OR_RETURN(std::shared_ptr<const cti::v1::Employee> cached,
                       Cached<cti::v1::Employee>(
                           ctx, absl::StrCat("e", ctx.t, id),
                           [&]() -> absl::StatusOr<std::shared_ptr<const cti::v1::Employee>> {
                             auto loaded = std::make_shared<cti::v1::Employee>();
                             CTI_ASSIGN_OR_RETURN(
                                 bool found,
                                 internal::LoadEmployee(ctx.txn, ctx.t, id, loaded.get()));
                             if (!found) return std::shared_ptr<const cti::v1::Employee>();
                             return std::shared_ptr<const cti::v1::Employee>(std::move(loaded));
                           }));
  return CopyOut(cached, employee);
}

absl::StatusOr<bool> LoadUnit(RouteContext& ctx, absl::string_view id, cti::v1::Unit* unit) {
  CTI_ASSIGN_OR_RETURN(
      std::shared_ptr<const cti::v1::Unit> cached,
      Cached<cti::v1::Unit>(ctx, absl::StrCat("u", ctx.t, id),
                            [&]() -> absl::StatusOr<std::shared_ptr<const cti::v1::Unit>> {
                              auto loaded = std::make_shared<cti::v1::Unit>();
                              CTI_ASSIGN_OR_RETURN(
                                  bool found, internal::LoadUnit(ctx.txn, ctx.t, id, loaded.get()));
                              if (!found) return std::shared_ptr<const cti::v1::Unit>();
                              return std::shared_ptr<const cti::v1::Unit>(std::move(loaded));
                            }));
  return CopyOut(cached, unit);
}

absl::StatusOr<bool> LoadGroup(RouteContext& ctx, absl::string_view id, cti::v1::Group* group) {
  CTI_ASSIGN_OR_RETURN(std::shared_ptr<const cti::v1::Group> cached,
                       Cached<cti::v1::Group>(
                           ctx, absl::StrCat("g", ctx.t, id),
                           [&]() -> absl::StatusOr<std::shared_ptr<const cti::v1::Group>> {
                             auto loaded = std::make_shared<cti::v1::Group>();
                             CTI_ASSIGN_OR_RETURN(
                                 bool found, internal::LoadGroup(ctx.txn, ctx.t, id, loaded.get()));
                             if (!found) return std::shared_ptr<const cti::v1::Group>();
                             return std::shared_ptr<const cti::v1::Group>(std::move(loaded));
                           }));
  return CopyOut(cached, group);
}

absl::StatusOr<bool> LoadUnitRouting(RouteContext& ctx, absl::string_view unit_id,
                                     cti::v1::UnitRoutingSet* routing) {
  CTI_ASSIGN_OR_RETURN(
      std::shared_ptr<const cti::v1::UnitRoutingSet> cached,
      Cached<cti::v1::UnitRoutingSet>(
          ctx, absl::StrCat("r", ctx.t, unit_id),
          [&]() -> absl::StatusOr<std::shared_ptr<const cti::v1::UnitRoutingSet>> {
            auto loaded = std::make_shared<cti::v1::UnitRoutingSet>();
            CTI_ASSIGN_OR_RETURN(bool found,
                                 internal::LoadUnitRouting(ctx.txn, ctx.t, unit_id, loaded.get()));
            if (!found) return std::shared_ptr<const cti::v1::UnitRoutingSet>();
            return std::shared_ptr<const cti::v1::UnitRoutingSet>(std::move(loaded));
          }));
  return CopyOut(cached, routing);
}

absl::StatusOr<std::string> EmployeeWithExtension(RouteContext& ctx, absl::string_view extension) {
  CTI_ASSIGN_OR_RETURN(
      std::shared_ptr<const std::string> cached,
      Cached<std::string>(
          ctx, absl::StrCat("x", ctx.t, extension),
          [&]() -> absl::StatusOr<std::shared_ptr<const std::string>> {
            std::string id;
            CTI_ASSIGN_OR_RETURN(
                bool found,
                ctx.txn.Get(internal::Cf::kDirectory,
                            internal::TaggedKey(ctx.t, internal::kExtensionTag, extension), &id));
            if (!found) return std::shared_ptr<const std::string>();
            return std::make_shared<const std::string>(std::move(id));
          }));
  return cached == nullptr ? std::string() : *cached;
}

absl::StatusOr<std::shared_ptr<const cti::hours::HolidayCalendar>> HolidaysOf(RouteContext& ctx) {
  using Calendar = cti::hours::HolidayCalendar;
  return Cached<Calendar>(
      ctx, absl::StrCat("k", ctx.t), [&]() -> absl::StatusOr<std::shared_ptr<const Calendar>> {
        cti::v1::ClosureDaysSet days;
        CTI_ASSIGN_OR_RETURN(bool has, internal::LoadClosureDays(ctx.txn, ctx.t, &days));
        if (!has) return std::make_shared<const Calendar>();
        CTI_ASSIGN_OR_RETURN(Calendar calendar, Calendar::Create(internal::ClosureDaysOf(days)));
        return std::make_shared<const Calendar>(std::move(calendar));
      });
}

absl::Status PhoneHoursOf(RouteContext& ctx, const cti::v1::Unit& unit, UnitPhoneHours* out) {
  CTI_ASSIGN_OR_RETURN(out->resolved,
                       Cached<ResolvedHours>(ctx, absl::StrCat("h", ctx.t, unit.unit_id()),
                                             [&] { return ResolveHours(ctx, unit); }));
  const cti::hours::HolidayCalendar& holidays = *ctx.holidays;
  out->now =
      cti::hours::OpenAt(out->hours(), cti::hours::HoursKind::kPhone, ctx.at, ctx.zone, holidays);
  ctx.ChangesAt(cti::hours::NextChange(out->hours(), cti::hours::HoursKind::kPhone, ctx.at,
                                       ctx.zone, holidays));
  if (!out->now.open) {
    absl::StatusOr<cti::hours::Opening> next = cti::hours::NextOpening(
        out->hours(), cti::hours::HoursKind::kPhone, ctx.at, ctx.zone, holidays);
    if (next.ok()) out->next = *next;
  }
  return absl::OkStatus();
}

void ReasonClosed(RouteContext& ctx, const cti::v1::Unit& unit, const UnitPhoneHours& hours) {
  const cti::hours::Decision& decision = hours.now.decision;
  std::string why =
      absl::StrCat(unit.name(), " is closed now (", cti::hours::DeciderName(decision.decider));
  if (!decision.label.empty()) absl::StrAppend(&why, ": ", decision.label);
  absl::StrAppend(&why, ")");
  if (hours.next.has_value()) absl::StrAppend(&why, "; opens ", ctx.LocalDa(hours.next->at));
  const bool holiday = decision.decider == cti::hours::Decider::kPublicHoliday ||
                       decision.decider == cti::hours::Decider::kMunicipalClosureDay;
  std::string record_id = std::string(decision.record_id);
  if (holiday) {
    record_id = absl::FormatCivilTime(absl::CivilDay(hours.now.local_time));
  } else if (record_id.empty()) {
    record_id = hours.hours_owner().empty() ? "municipality" : hours.hours_owner();
  }
  ctx.Reason(decision.rule.empty() ? "TP-3.14" : decision.rule, std::move(why),
             holiday ? "holiday" : (decision.record_id.empty() ? "hours" : "hours change"),
             record_id, unit.unit_id());
}

void TellUnit(RouteContext& ctx, const cti::v1::Unit& unit, const UnitPhoneHours& hours) {
  cti::v1::CallerInfo* tell = ctx.response->mutable_tell_caller();
  tell->set_unit_id(unit.unit_id());
  tell->set_unit_name(unit.name());
  tell->set_unit_number(unit.phone_number());
  tell->set_open_now(hours.now.open);
  if (hours.now.open && hours.now.closes_at != absl::InfiniteFuture()) {
    *tell->mutable_closes_at() = ToProto(hours.now.closes_at);
  }
  if (!hours.now.open && hours.next.has_value()) {
    *tell->mutable_next_opening() = ToProto(hours.next->at);
  }
  tell->set_hours_summary(
      cti::hours::SummarizeWeek(hours.hours().phone.week, cti::hours::Language::kDanish));
}

void AddReceptionStep(RouteContext& ctx, absl::string_view for_whom) {
  // Always added, even past kMaxSteps: every route ends here (TP-3.6, TP-6.2).
  cti::v1::RouteStep* step = ctx.response->add_steps();
  step->set_kind(cti::v1::STEP_KIND_RECEPTION_MESSAGE);
  step->set_display_name("Receptionen");
  step->set_why(absl::StrCat("Reception takes a message for ", for_whom,
                             " and promises a call back the same day"));
  step->add_rules("TP-6.2");
  step->add_rules("TP-4.3");
  step->add_rules("TP-3.6");
}

}  // namespace cti::projections::route
