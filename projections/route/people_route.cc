// Routes for an employee (TP-3.7, TP-4.4, TP-4.5, TP-5.1) and for a unit (TP-3.3,
// TP-3.13, TP-4.7, TP-4.8), and group steps (TP-4.8).
#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "projections/internal/directory_records.h"
#include "projections/internal/routing_records.h"
#include "projections/internal/status_macros.h"
#include "projections/route/route_context.h"

namespace cti::projections::route {
namespace {

// Forwardings are followed at most this many times in one route.
constexpr int kMaxForwardDepth = 3;

google::protobuf::Timestamp ToProto(absl::Time t) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}

// Members in ring order for the group's strategy. Round robin starts after the member
// rung or answering most recently; least recent puts the longest-idle first.
absl::StatusOr<std::vector<cti::v1::GroupMember>> RingOrder(RouteContext& ctx,
                                                            const cti::v1::Group& group) {
  std::vector<cti::v1::GroupMember> members(group.members().begin(), group.members().end());
  if (group.strategy() != cti::v1::GROUP_STRATEGY_HUNT_ROUND_ROBIN &&
      group.strategy() != cti::v1::GROUP_STRATEGY_HUNT_LEAST_RECENT) {
    return members;
  }
  ctx.reads_calls = true;  // the order follows calls, which change without a routing record
  std::vector<std::pair<absl::Time, size_t>> last(members.size());
  for (size_t i = 0; i < members.size(); ++i) {
    CTI_ASSIGN_OR_RETURN(absl::Time when,
                         internal::LastCallOf(ctx.txn, ctx.t, members[i].employee_id()));
    last[i] = {when, i};
  }
  std::vector<cti::v1::GroupMember> ordered;
  if (group.strategy() == cti::v1::GROUP_STRATEGY_HUNT_LEAST_RECENT) {
    std::stable_sort(last.begin(), last.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [when, i] : last) ordered.push_back(members[i]);
    return ordered;
  }
  size_t latest = 0;
  for (size_t i = 1; i < last.size(); ++i) {
    if (last[i].first > last[latest].first) latest = i;
  }
  const size_t start = last[latest].first == absl::InfinitePast() ? 0 : latest + 1;
  for (size_t k = 0; k < members.size(); ++k)
    ordered.push_back(members[(start + k) % members.size()]);
  return ordered;
}

// A RING_EMPLOYEE step (top level or member) for `employee`.
void FillEmployeeStep(cti::v1::RouteStep* step, const cti::v1::Employee& employee,
                      uint32_t ring_seconds, std::string why) {
  step->set_kind(cti::v1::STEP_KIND_RING_EMPLOYEE);
  step->set_employee_id(employee.employee_id());
  step->set_unit_id(employee.unit_id());
  step->set_display_name(employee.full_name());
  step->set_number(employee.extension().empty() ? employee.direct_number() : employee.extension());
  step->set_ring_seconds(ring_seconds);
  step->set_why(std::move(why));
}

// Runs `route` and adds the forwarding's `rule` to the first step it added: that step
// exists because of the forwarding (TP-4.4, TP-4.5).
template <typename Fn>
absl::Status CitingForwarding(RouteContext& ctx, absl::string_view rule, Fn route) {
  const int before = ctx.response->steps_size();
  absl::Status status = route();
  if (status.ok() && ctx.response->steps_size() > before) {
    cti::v1::RouteStep* step = ctx.response->mutable_steps(before);
    step->mutable_rules()->Add(std::string(rule));
  }
  return status;
}

absl::Status FollowForwarding(RouteContext& ctx, const cti::v1::Employee& from,
                              const cti::v1::ForwardingSet& forwarding, absl::string_view rule,
                              int depth) {
  const std::string when =
      forwarding.condition() == cti::v1::FORWARDING_CONDITION_UNCONDITIONAL ? "all calls"
      : forwarding.condition() == cti::v1::FORWARDING_CONDITION_BUSY        ? "calls when busy"
                                                                            : "unanswered calls";
  const cti::v1::ForwardingDestination& d = forwarding.destination();
  if (depth >= kMaxForwardDepth) {
    ctx.Reason("TP-4.4",
               absl::StrCat("forwarding chain cut after ", kMaxForwardDepth, " forwardings"),
               "forwarding", forwarding.forwarding_id(), from.employee_id());
    return absl::OkStatus();
  }
  if (d.has_number()) {
    ctx.Reason(rule, absl::StrCat(from.full_name(), " forwards ", when, " to ", d.number()),
               "forwarding", forwarding.forwarding_id(), from.employee_id());
    if (cti::v1::RouteStep* step = ctx.Step(cti::v1::STEP_KIND_DIAL_NUMBER)) {
      step->set_employee_id(from.employee_id());
      step->set_number(d.number());
      step->set_display_name(absl::StrCat(from.full_name(), " (viderestillet)"));
      step->set_ring_seconds(kDefaultRingSeconds);
      step->set_why(
          absl::StrCat("forwarding ", forwarding.forwarding_id(), " of ", from.full_name()));
      step->add_rules(std::string(rule));
    }
    return absl::OkStatus();
  }
  if (d.has_employee_id()) {
    cti::v1::Employee to;
    CTI_ASSIGN_OR_RETURN(bool found, LoadEmployee(ctx, d.employee_id(), &to));
    if (!found || !to.active()) {
      ctx.Reason("TP-4.8",
                 absl::StrCat(from.full_name(), "'s forwarding goes to ", d.employee_id(),
                              ", who is no longer employed: ignored"),
                 "forwarding", forwarding.forwarding_id(), from.employee_id());
      return absl::OkStatus();
    }
    ctx.Reason(rule, absl::StrCat(from.full_name(), " forwards ", when, " to ", to.full_name()),
               "forwarding", forwarding.forwarding_id(), from.employee_id());
    return CitingForwarding(ctx, rule, [&] { return RouteEmployee(ctx, to, depth + 1); });
  }
  cti::v1::Unit unit;
  CTI_ASSIGN_OR_RETURN(bool found, LoadUnit(ctx, d.unit_id(), &unit));
  if (!found || !unit.active()) {
    ctx.Reason("TP-4.8",
               absl::StrCat(from.full_name(), "'s forwarding goes to unit ", d.unit_id(),
                            ", which is retired: ignored"),
               "forwarding", forwarding.forwarding_id(), from.employee_id());
    return absl::OkStatus();
  }
  ctx.Reason(rule, absl::StrCat(from.full_name(), " forwards ", when, " to ", unit.name()),
             "forwarding", forwarding.forwarding_id(), from.employee_id());
  return CitingForwarding(ctx, rule, [&] { return RouteUnit(ctx, unit, depth + 1); });
}

// The unit's transfer restriction (TP-5.1), if any: calls for it go only there.
absl::StatusOr<bool> ApplyRestriction(RouteContext& ctx, const cti::v1::Unit& unit, int depth) {
  cti::v1::UnitRoutingSet routing;
  CTI_ASSIGN_OR_RETURN(bool found, LoadUnitRouting(ctx, unit.unit_id(), &routing));
  if (!found || !routing.has_restriction()) return false;
  const cti::v1::TransferRestriction& r = routing.restriction();
  const std::string reason = r.reason().empty() ? "" : absl::StrCat(": ", r.reason());
  if (r.has_employee_id()) {
    cti::v1::Employee only;
    CTI_ASSIGN_OR_RETURN(bool exists, LoadEmployee(ctx, r.employee_id(), &only));
    if (exists && only.active()) {
      ctx.Reason("TP-5.1",
                 absl::StrCat(unit.name(), " takes calls only through ", only.full_name(), reason),
                 "unit routing", unit.unit_id());
      if (ctx.visited.insert(absl::StrCat("e:", only.employee_id())).second) {
        CTI_RETURN_IF_ERROR(RouteEmployee(ctx, only, depth + 1));
      }
      return true;
    }
    return false;
  }
  ctx.Reason("TP-5.1",
             absl::StrCat(unit.name(), " takes calls only on extension ", r.extension(), reason),
             "unit routing", unit.unit_id());
  // The extension's holder, when an employee has it, is named in the step.
  CTI_ASSIGN_OR_RETURN(std::string holder_id, EmployeeWithExtension(ctx, r.extension()));
  cti::v1::Employee holder;
  bool named = false;
  if (!holder_id.empty()) {
    CTI_ASSIGN_OR_RETURN(named, LoadEmployee(ctx, holder_id, &holder));
    named = named && holder.active();
  }
  if (cti::v1::RouteStep* step = ctx.Step(cti::v1::STEP_KIND_RING_EMPLOYEE)) {
    step->set_unit_id(unit.unit_id());
    step->set_number(r.extension());
    if (named) step->set_employee_id(holder.employee_id());
    step->set_display_name(named ? holder.full_name()
                                 : absl::StrCat(unit.name(), " (kun dette lokalnummer)"));
    step->set_ring_seconds(kDefaultRingSeconds);
    step->set_why("the only extension calls for the unit may go to");
    step->add_rules("TP-5.1");
  }
  return true;
}

// The employee's unit answers (TP-4.4: a colleague), unless already routed to.
absl::Status ToColleagues(RouteContext& ctx, bool has_unit, const cti::v1::Unit& unit, int depth) {
  if (has_unit && unit.active() && ctx.visited.insert(absl::StrCat("u:", unit.unit_id())).second) {
    ctx.Reason("TP-4.4", absl::StrCat("then colleagues in ", unit.name()), "unit", unit.unit_id());
    return RouteUnit(ctx, unit, depth + 1);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<bool> AddGroupStep(RouteContext& ctx, const cti::v1::Group& group,
                                  cti::v1::StepKind kind, absl::string_view why,
                                  absl::string_view rule) {
  CTI_ASSIGN_OR_RETURN(std::vector<cti::v1::GroupMember> order, RingOrder(ctx, group));
  const uint32_t group_ring =
      group.ring_seconds() == 0 ? kDefaultRingSeconds : group.ring_seconds();
  cti::v1::RouteStep step;
  step.set_kind(kind == cti::v1::STEP_KIND_UNSPECIFIED
                    ? (group.strategy() == cti::v1::GROUP_STRATEGY_RING_ALL
                           ? cti::v1::STEP_KIND_RING_GROUP
                           : cti::v1::STEP_KIND_HUNT_GROUP)
                    : kind);
  step.set_group_id(group.group_id());
  step.set_unit_id(group.unit_id());
  step.set_display_name(group.name());
  uint32_t total = 0;
  for (const cti::v1::GroupMember& member : order) {
    cti::v1::Employee employee;
    CTI_ASSIGN_OR_RETURN(bool found, LoadEmployee(ctx, member.employee_id(), &employee));
    if (!found || !employee.active()) continue;
    CTI_ASSIGN_OR_RETURN(Presence presence, PresenceOf(ctx, member.employee_id()));
    if (!presence.available) {
      ctx.Reason("TP-3.7",
                 absl::StrCat(employee.full_name(), " (", group.name(), ") is ",
                              AbsenceEn(presence.entry->kind()), " until ",
                              ctx.LocalDa(presence.available_from), ": left out"),
                 "calendar entry", presence.entry->entry_id(), employee.employee_id());
      continue;
    }
    CTI_ASSIGN_OR_RETURN(std::string on_call, OnCallOf(ctx, member.employee_id()));
    if (!on_call.empty()) {
      ctx.Reason("TP-4.8",
                 absl::StrCat(employee.full_name(), " (", group.name(), ") is on a call: left out"),
                 "call", on_call, employee.employee_id());
      continue;
    }
    const uint32_t ring = member.ring_seconds() == 0 ? group_ring : member.ring_seconds();
    FillEmployeeStep(step.add_members(), employee, ring,
                     presence.tentative ? "tentative in the calendar: may not answer" : "member");
    total += ring;
  }
  if (step.members().empty()) {
    ctx.Reason("TP-4.8", absl::StrCat("nobody in ", group.name(), " is available now"), "group",
               group.group_id());
    return false;
  }
  const bool ring_all = group.strategy() == cti::v1::GROUP_STRATEGY_RING_ALL;
  step.set_ring_seconds(ring_all ? group_ring : total);
  step.set_why(std::string(why));
  step.add_rules(std::string(rule));
  step.add_rules("TP-4.8");
  cti::v1::RouteStep* added = ctx.Step(step.kind());
  if (added == nullptr) return false;
  *added = std::move(step);
  return true;
}

absl::Status RouteEmployee(RouteContext& ctx, const cti::v1::Employee& employee, int depth) {
  ctx.visited.insert(absl::StrCat("e:", employee.employee_id()));
  cti::v1::Unit unit;
  CTI_ASSIGN_OR_RETURN(bool has_unit, LoadUnit(ctx, employee.unit_id(), &unit));
  // Unconditional forwarding first (TP-4.4): it holds whatever the calendar says.
  CTI_ASSIGN_OR_RETURN(
      std::optional<cti::v1::ForwardingSet> always,
      ForwardingOf(ctx, employee.employee_id(), cti::v1::FORWARDING_CONDITION_UNCONDITIONAL));
  CTI_ASSIGN_OR_RETURN(Presence presence, PresenceOf(ctx, employee.employee_id()));
  if (!presence.available) {
    const cti::v1::CalendarEntryUpserted& entry = *presence.entry;
    const bool sick = entry.kind() == cti::v1::ABSENCE_KIND_SICK;
    ctx.Reason(sick ? "TP-4.5" : "TP-3.7",
               absl::StrCat(employee.full_name(), " is ", AbsenceEn(entry.kind()),
                            " (calendar) until ", ctx.LocalDa(presence.available_from)),
               "calendar entry", entry.entry_id(), employee.employee_id());
    if (depth == 0) {
      *ctx.response->mutable_tell_caller()->mutable_available_from() =
          ToProto(presence.available_from);
      ctx.response->mutable_tell_caller()->set_say(
          absl::StrCat(employee.full_name(), " er ", AbsenceDa(entry.kind()), " til ",
                       ctx.LocalDa(presence.available_from), "."));
    }
  }
  if (always.has_value()) {
    const bool sick = !presence.available && presence.entry->kind() == cti::v1::ABSENCE_KIND_SICK;
    return FollowForwarding(ctx, employee, *always, sick ? "TP-4.5" : "TP-4.4", depth);
  }
  if (presence.available) {
    // On another call: their forwarding for busy, else a colleague (TP-4.4).
    CTI_ASSIGN_OR_RETURN(std::string on_call, OnCallOf(ctx, employee.employee_id()));
    if (!on_call.empty()) {
      ctx.Reason("TP-4.4", absl::StrCat(employee.full_name(), " is on another call"), "call",
                 on_call, employee.employee_id());
      if (depth == 0) {
        ctx.response->mutable_tell_caller()->set_say(
            absl::StrCat(employee.full_name(), " taler i telefon lige nu."));
      }
      CTI_ASSIGN_OR_RETURN(
          std::optional<cti::v1::ForwardingSet> busy,
          ForwardingOf(ctx, employee.employee_id(), cti::v1::FORWARDING_CONDITION_BUSY));
      if (busy.has_value()) return FollowForwarding(ctx, employee, *busy, "TP-4.4", depth);
      return ToColleagues(ctx, has_unit, unit, depth);
    }
    if (cti::v1::RouteStep* step = ctx.Step(cti::v1::STEP_KIND_RING_EMPLOYEE)) {
      FillEmployeeStep(
          step, employee, presence.tentative ? kDefaultRingSeconds / 2 : kDefaultRingSeconds,
          presence.tentative ? absl::StrCat(employee.full_name(), " is tentatively busy (",
                                            presence.entry->subject(), "): ring briefly")
                             : absl::StrCat(employee.full_name(), " is available (calendar)"));
      step->add_rules("TP-3.7");
      step->add_rules("TP-1.1");
    }
    CTI_ASSIGN_OR_RETURN(
        std::optional<cti::v1::ForwardingSet> no_answer,
        ForwardingOf(ctx, employee.employee_id(), cti::v1::FORWARDING_CONDITION_NO_ANSWER));
    if (no_answer.has_value()) {
      return FollowForwarding(ctx, employee, *no_answer, "TP-4.4", depth);
    }
  } else if (presence.entry->kind() == cti::v1::ABSENCE_KIND_SICK) {
    ctx.Reason("TP-4.5",
               absl::StrCat(employee.full_name(),
                            " is sick without a forwarding: colleagues in the unit answer"));
  } else {
    CTI_ASSIGN_OR_RETURN(
        std::optional<cti::v1::ForwardingSet> no_answer,
        ForwardingOf(ctx, employee.employee_id(), cti::v1::FORWARDING_CONDITION_NO_ANSWER));
    if (no_answer.has_value()) return FollowForwarding(ctx, employee, *no_answer, "TP-4.4", depth);
  }
  // Not answered, or away without a forwarding: the unit answers (TP-4.4: a colleague).
  return ToColleagues(ctx, has_unit, unit, depth);
}

absl::Status RouteUnit(RouteContext& ctx, const cti::v1::Unit& unit, int depth) {
  ctx.visited.insert(absl::StrCat("u:", unit.unit_id()));
  UnitPhoneHours hours;
  CTI_RETURN_IF_ERROR(PhoneHoursOf(ctx, unit, &hours));
  if (depth == 0 || !ctx.response->has_tell_caller() ||
      ctx.response->tell_caller().unit_id().empty()) {
    TellUnit(ctx, unit, hours);
  }
  const cti::hours::Decision& decision = hours.now.decision;
  if (hours.now.decision.decider == cti::hours::Decider::kUnmanned) {
    ctx.Reason("TP-4.7",
               absl::StrCat(unit.name(), " is unmanned (approved by the director) until ",
                            ctx.LocalDa(hours.now.unmanned_until)),
               "hours change", decision.record_id, unit.unit_id());
    return absl::OkStatus();
  }
  if (!hours.now.open) {
    // A reduction's coverage answers in the normal hours (TP-3.13).
    if (hours.now.reduction != nullptr && hours.now.within_weekly_hours) {
      const cti::hours::TemporaryReduction& r = *hours.now.reduction;
      ctx.Reason("TP-3.13",
                 absl::StrCat(unit.name(), " has reduced hours (approved by the director)"),
                 "hours change", r.id, unit.unit_id());
      if (r.coverage == cti::hours::ReductionCoverage::kPhoneDesk) {
        cti::v1::Group desk;
        desk.set_group_id(absl::StrCat(unit.unit_id(), "/phone-desk/", r.id));
        desk.set_unit_id(unit.unit_id());
        desk.set_name(absl::StrCat(unit.name(), ", telefonvagt"));
        desk.set_strategy(cti::v1::GROUP_STRATEGY_HUNT_LINEAR);
        for (const std::string& id : r.phone_desk_employee_ids)
          desk.add_members()->set_employee_id(id);
        CTI_RETURN_IF_ERROR(AddGroupStep(ctx, desk, cti::v1::STEP_KIND_PHONE_DESK,
                                         "the phone desk during the reduction", "TP-3.13")
                                .status());
      }
      return absl::OkStatus();
    }
    ReasonClosed(ctx, unit, hours);
    if (cti::v1::RouteStep* step = ctx.Step(cti::v1::STEP_KIND_VOICEMAIL)) {
      step->set_unit_id(unit.unit_id());
      step->set_display_name(absl::StrCat(unit.name(), ", telefonsvarer"));
      step->set_why("outside phone hours the greeting gives the normal hours");
      step->add_rules("TP-3.14");
    }
    return absl::OkStatus();
  }
  CTI_ASSIGN_OR_RETURN(bool restricted, ApplyRestriction(ctx, unit, depth));
  if (restricted) return absl::OkStatus();
  cti::v1::UnitRoutingSet routing;
  CTI_ASSIGN_OR_RETURN(bool has_routing, LoadUnitRouting(ctx, unit.unit_id(), &routing));
  if (has_routing && !routing.default_group_id().empty()) {
    cti::v1::Group group;
    CTI_ASSIGN_OR_RETURN(bool found, LoadGroup(ctx, routing.default_group_id(), &group));
    if (found && group.active()) {
      ctx.Reason("TP-4.8", absl::StrCat(unit.name(), " answers through ", group.name()), "group",
                 group.group_id());
      CTI_ASSIGN_OR_RETURN(
          bool added, AddGroupStep(ctx, group, cti::v1::STEP_KIND_UNSPECIFIED,
                                   absl::StrCat("the default group of ", unit.name()), "TP-3.3"));
      if (added) return absl::OkStatus();
    }
  }
  // No group (or nobody in it): the unit's phone-responsible persons (TP-5.2).
  if (!unit.phone_responsible_employee_ids().empty()) {
    cti::v1::Group responsible;
    responsible.set_group_id("");
    responsible.set_unit_id(unit.unit_id());
    responsible.set_name(absl::StrCat(unit.name(), ", telefonansvarlige"));
    responsible.set_strategy(cti::v1::GROUP_STRATEGY_HUNT_LINEAR);
    for (const std::string& id : unit.phone_responsible_employee_ids()) {
      responsible.add_members()->set_employee_id(id);
    }
    CTI_ASSIGN_OR_RETURN(bool added,
                         AddGroupStep(ctx, responsible, cti::v1::STEP_KIND_HUNT_GROUP,
                                      "the unit's phone-responsible persons", "TP-5.2"));
    if (added) return absl::OkStatus();
  }
  if (!unit.phone_number().empty()) {
    if (cti::v1::RouteStep* step = ctx.Step(cti::v1::STEP_KIND_DIAL_NUMBER)) {
      step->set_unit_id(unit.unit_id());
      step->set_number(unit.phone_number());
      step->set_display_name(unit.name());
      step->set_ring_seconds(kDefaultRingSeconds);
      step->set_why("the unit's own line");
      step->add_rules("TP-3.3");
    }
  }
  return absl::OkStatus();
}

}  // namespace cti::projections::route
