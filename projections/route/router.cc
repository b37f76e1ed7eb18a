// Router::Route: resolves the target (employee, extension, name, unit, task, case) and
// builds the answer (people_route.cc) on one snapshot.
#include "projections/router.h"

#include <memory>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "projections/directory.h"
#include "projections/distribution/citizen_keys.h"
#include "projections/distribution/compiled_rule_set.h"
#include "projections/internal/directory_records.h"
#include "projections/internal/keys.h"
#include "projections/internal/overlay.h"
#include "projections/internal/routing_convert.h"
#include "projections/internal/routing_records.h"
#include "projections/internal/shape.h"
#include "projections/internal/status_macros.h"
#include "projections/internal/store_impl.h"
#include "projections/internal/text_fold.h"
#include "projections/route/route_context.h"

namespace cti::projections {
namespace {

using route::RouteContext;

absl::Time TimeOf(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

google::protobuf::Timestamp ToProto(absl::Time t) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}

// Fills tell_caller's employee part (TP-3.5, TP-6.3).
void TellEmployee(RouteContext& ctx, const cti::v1::Employee& employee) {
  cti::v1::CallerInfo* tell = ctx.response->mutable_tell_caller();
  tell->set_unlisted(employee.unlisted());
  if (!employee.unlisted()) tell->set_direct_number(employee.direct_number());
  if (employee.unlisted()) {
    ctx.Reason("TP-3.5",
               absl::StrCat(employee.full_name(),
                            " is unlisted: give the unit's number, not a direct number"),
               "employee", employee.employee_id());
  }
}

absl::Status RouteToEmployee(RouteContext& ctx, const cti::v1::Employee& employee) {
  ctx.response->set_resolved_target(
      absl::StrCat("employee ", employee.employee_id(), " (", employee.full_name(), ")"));
  if (!employee.active()) {
    ctx.Reason("TP-5.2",
               absl::StrCat(employee.full_name(), " no longer works here: the unit answers"),
               "employee", employee.employee_id());
    cti::v1::Unit unit;
    CTI_ASSIGN_OR_RETURN(bool found, route::LoadUnit(ctx, employee.unit_id(), &unit));
    if (found && unit.active()) return route::RouteUnit(ctx, unit, 0);
    return absl::OkStatus();
  }
  TellEmployee(ctx, employee);
  cti::v1::Unit unit;
  CTI_ASSIGN_OR_RETURN(bool found, route::LoadUnit(ctx, employee.unit_id(), &unit));
  if (found) {
    route::UnitPhoneHours hours;
    CTI_RETURN_IF_ERROR(route::PhoneHoursOf(ctx, unit, &hours));
    route::TellUnit(ctx, unit, hours);
    if (!hours.now.open) {
      // Outside the unit's phone hours the employee is not expected at the phone.
      route::ReasonClosed(ctx, unit, hours);
      if (cti::v1::RouteStep* step = ctx.Step(cti::v1::STEP_KIND_VOICEMAIL)) {
        step->set_employee_id(employee.employee_id());
        step->set_unit_id(unit.unit_id());
        step->set_display_name(absl::StrCat(employee.full_name(), ", telefonsvarer"));
        step->set_why("outside phone hours: the voicemail, listened to daily");
        step->add_rules("TP-3.14");
      }
      return absl::OkStatus();
    }
  }
  return route::RouteEmployee(ctx, employee, 0);
}

absl::Status RouteToUnit(RouteContext& ctx, const cti::v1::Unit& unit) {
  ctx.response->set_resolved_target(absl::StrCat("unit ", unit.unit_id(), " (", unit.name(), ")"));
  if (!unit.active()) {
    ctx.Reason("TP-5.2", absl::StrCat(unit.name(), " has been closed down"), "unit",
               unit.unit_id());
    return absl::OkStatus();
  }
  return route::RouteUnit(ctx, unit, 0);
}

absl::StatusOr<cti::v1::Employee> EmployeeById(RouteContext& ctx, const std::string& field,
                                               const std::string& id) {
  cti::v1::Employee employee;
  CTI_ASSIGN_OR_RETURN(bool found, route::LoadEmployee(ctx, id, &employee));
  if (!found) return internal::NotFound(field, id);
  return employee;
}

// An employee by name: an exact (folded) full-name match among the search hits, else
// the only hit; FAILED_PRECONDITION listing them when several match.
absl::StatusOr<cti::v1::Employee> EmployeeByName(RouteContext& ctx, const Store& store,
                                                 const std::string& tenant,
                                                 const std::string& name) {
  cti::v1::SearchRequest search;
  search.set_tenant(tenant);
  search.set_query(name);
  search.set_kind(cti::v1::SEARCH_KIND_EMPLOYEE);
  search.set_limit(10);
  CTI_ASSIGN_OR_RETURN(cti::v1::SearchResponse found, Directory(&store, ctx.as_of).Search(search));
  const std::string folded = internal::FoldText(name);
  std::vector<std::string> names;
  for (const cti::v1::SearchHit& hit : found.hits()) {
    if (hit.matched() != "name") continue;
    if (internal::FoldText(hit.employee().full_name()) == folded) {
      return EmployeeById(ctx, "target.name", hit.employee().employee_id());
    }
    names.push_back(
        absl::StrCat(hit.employee().full_name(), " (", hit.employee().employee_id(), ")"));
  }
  if (names.empty()) {
    return absl::NotFoundError(absl::StrCat("target.name: no employee is called '", name, "'"));
  }
  if (names.size() > 1) {
    return absl::FailedPreconditionError(absl::StrCat("target.name '", name, "' matches ",
                                                      names.size(),
                                                      " employees: ", absl::StrJoin(names, ", ")));
  }
  for (const cti::v1::SearchHit& hit : found.hits()) {
    if (hit.matched() == "name")
      return EmployeeById(ctx, "target.name", hit.employee().employee_id());
  }
  return absl::InternalError("unreachable");
}

using StringList = std::vector<std::string>;
using Hotlines = std::vector<cti::v1::HotlineSet>;

// The units with distribution rules for `task`, through the cache.
absl::StatusOr<std::shared_ptr<const StringList>> CachedUnitsWithDistribution(
    RouteContext& ctx, const std::string& task) {
  return route::Cached<StringList>(ctx, absl::StrCat("D", ctx.t, internal::FoldTask(task)),
                                   [&]() -> absl::StatusOr<std::shared_ptr<const StringList>> {
                                     CTI_ASSIGN_OR_RETURN(
                                         StringList units,
                                         internal::UnitsWithDistribution(ctx.txn, ctx.t, task));
                                     return std::make_shared<const StringList>(std::move(units));
                                   });
}

// A unit's rules for a task, with their compiled form, through the cache.
struct Rules {
  cti::v1::DistributionRulesSet set;
  distribution::CompiledRuleSet compiled;
};
absl::StatusOr<std::shared_ptr<const Rules>> CachedRules(RouteContext& ctx,
                                                         const std::string& unit_id,
                                                         const std::string& task) {
  return route::Cached<Rules>(
      ctx, absl::StrCat("d", ctx.t, unit_id, std::string(1, '\0'), internal::FoldTask(task)),
      [&]() -> absl::StatusOr<std::shared_ptr<const Rules>> {
        cti::v1::DistributionRulesSet set;
        CTI_ASSIGN_OR_RETURN(bool found,
                             internal::LoadDistribution(ctx.txn, ctx.t, unit_id, task, &set));
        if (!found) return std::shared_ptr<const Rules>();
        absl::StatusOr<distribution::CompiledRuleSet> compiled =
            distribution::CompiledRuleSet::Compile(internal::RuleSetOf(set));
        if (!compiled.ok()) {
          return absl::InternalError(absl::StrCat("stored rules: ", compiled.status().message()));
        }
        return std::make_shared<const Rules>(Rules{std::move(set), *std::move(compiled)});
      });
}

// Where a task keyword leads by the directory: the best unit (or else employee) whose
// tasks match, through the cache. Null when none.
absl::StatusOr<std::shared_ptr<const cti::v1::SearchHit>> CachedTaskHit(RouteContext& ctx,
                                                                        const Store& store,
                                                                        const std::string& tenant,
                                                                        const std::string& task) {
  return route::Cached<cti::v1::SearchHit>(
      ctx, absl::StrCat("T", ctx.t, internal::FoldTask(task)),
      [&]() -> absl::StatusOr<std::shared_ptr<const cti::v1::SearchHit>> {
        cti::v1::SearchRequest search;
        search.set_tenant(tenant);
        search.set_query(task);
        search.set_limit(20);
        CTI_ASSIGN_OR_RETURN(cti::v1::SearchResponse found,
                             Directory(&store, ctx.as_of).Search(search));
        const cti::v1::SearchHit* best = nullptr;
        for (const cti::v1::SearchHit& hit : found.hits()) {
          if (hit.matched() != "task") continue;
          if (best == nullptr || (hit.has_unit() && !best->has_unit())) best = &hit;
          if (best->has_unit()) break;
        }
        if (best == nullptr) return std::shared_ptr<const cti::v1::SearchHit>();
        return std::make_shared<const cti::v1::SearchHit>(*best);
      });
}

// A task: a hotline running now (TP-5.1), else the best unit or employee with the task.
absl::Status RouteToTask(RouteContext& ctx, const Store& store, const std::string& tenant,
                         const std::string& task) {
  CTI_ASSIGN_OR_RETURN(
      std::shared_ptr<const Hotlines> hotlines,
      route::Cached<Hotlines>(ctx, absl::StrCat("L", ctx.t, internal::FoldTask(task)),
                              [&]() -> absl::StatusOr<std::shared_ptr<const Hotlines>> {
                                CTI_ASSIGN_OR_RETURN(
                                    Hotlines all, internal::HotlinesOfTask(ctx.txn, ctx.t, task));
                                return std::make_shared<const Hotlines>(std::move(all));
                              }));
  for (const cti::v1::HotlineSet& hotline : *hotlines) {
    ctx.ChangesAt(TimeOf(hotline.from()));
    ctx.ChangesAt(TimeOf(hotline.until()));
  }
  for (const cti::v1::HotlineSet& hotline : *hotlines) {
    if (TimeOf(hotline.from()) > ctx.at || TimeOf(hotline.until()) <= ctx.at) continue;
    cti::v1::Group group;
    CTI_ASSIGN_OR_RETURN(bool found, route::LoadGroup(ctx, hotline.group_id(), &group));
    if (!found || !group.active()) continue;
    ctx.response->set_resolved_target(
        absl::StrCat("task '", task, "': hotline ", hotline.hotline_id()));
    ctx.Reason(
        "TP-5.1",
        absl::StrCat("hotline for '", hotline.task(), "' until ",
                     ctx.LocalDa(TimeOf(hotline.until())),
                     hotline.reason().empty() ? "" : absl::StrCat(" (", hotline.reason(), ")")),
        "hotline", hotline.hotline_id());
    CTI_ASSIGN_OR_RETURN(bool added, route::AddGroupStep(ctx, group, cti::v1::STEP_KIND_HOTLINE,
                                                         "the hotline's group", "TP-5.1"));
    cti::v1::Unit unit;
    CTI_ASSIGN_OR_RETURN(bool has_unit, route::LoadUnit(ctx, hotline.unit_id(), &unit));
    if (has_unit) {
      route::UnitPhoneHours hours;
      CTI_RETURN_IF_ERROR(route::PhoneHoursOf(ctx, unit, &hours));
      route::TellUnit(ctx, unit, hours);
      if (!hotline.phone_number().empty()) {
        ctx.response->mutable_tell_caller()->set_unit_number(hotline.phone_number());
      }
      if (!added && unit.active()) return route::RouteUnit(ctx, unit, 1);
    }
    return absl::OkStatus();
  }
  CTI_ASSIGN_OR_RETURN(std::shared_ptr<const cti::v1::SearchHit> hit,
                       CachedTaskHit(ctx, store, tenant, task));
  const cti::v1::SearchHit* best = hit.get();
  if (best == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("target.task: no unit or employee handles '", task, "'"));
  }
  CTI_ASSIGN_OR_RETURN(std::shared_ptr<const StringList> distributed_units,
                       CachedUnitsWithDistribution(ctx, task));
  const StringList& distributed = *distributed_units;
  if (!distributed.empty()) {
    ctx.Reason("TP-5.1",
               absl::StrCat("cases of '", task, "' are distributed among caseworkers in ",
                            absl::StrJoin(distributed, ", "),
                            ": ask for the case key (CPR, address or surname) to reach the "
                            "caseworker"),
               "distribution rules", distributed.front());
  }
  ctx.Reason("TP-1.1",
             absl::StrCat("'", task, "' is a task of ",
                          best->has_unit() ? best->unit().name() : best->employee().full_name()));
  if (best->has_unit()) {
    cti::v1::Unit unit;
    CTI_ASSIGN_OR_RETURN(bool ok, route::LoadUnit(ctx, best->unit().unit_id(), &unit));
    if (!ok) return internal::NotFound("unit_id", best->unit().unit_id());
    CTI_RETURN_IF_ERROR(RouteToUnit(ctx, unit));
  } else {
    CTI_ASSIGN_OR_RETURN(cti::v1::Employee employee,
                         EmployeeById(ctx, "employee_id", best->employee().employee_id()));
    CTI_RETURN_IF_ERROR(RouteToEmployee(ctx, employee));
  }
  ctx.response->set_resolved_target(
      absl::StrCat("task '", task, "': ", ctx.response->resolved_target()));
  return absl::OkStatus();
}

// The case key of `target` for the rules `rules` need. The CPR number never leaves
// this function: only the day or the last digit does.
absl::StatusOr<distribution::CaseKey> CaseKeyOf(const cti::v1::CaseTarget& target,
                                                const distribution::CompiledRuleSet& rules) {
  switch (target.key_case()) {
    case cti::v1::CaseTarget::kCaseKey: {
      absl::StatusOr<distribution::CaseKey> key = distribution::ParseCaseKey(target.case_key());
      if (!key.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("target.case_target.case_key: ", key.status().message()));
      }
      return key;
    }
    case cti::v1::CaseTarget::kCpr: {
      std::optional<distribution::KeyKind> kind = rules.CprKeyKind();
      if (!kind.has_value()) {
        return absl::InvalidArgumentError(
            "target.case_target.cpr: these rules do not distribute by CPR number; give an "
            "address or surname");
      }
      absl::StatusOr<distribution::CaseKey> key = distribution::KeyFromCpr(target.cpr(), *kind);
      if (!key.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("target.case_target.cpr: ", key.status().message(), " (TP-4.2)"));
      }
      return key;
    }
    case cti::v1::CaseTarget::kAddress: {
      absl::StatusOr<distribution::CaseKey> key = distribution::KeyFromAddress(target.address());
      if (!key.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("target.case_target.address: ", key.status().message()));
      }
      return key;
    }
    case cti::v1::CaseTarget::kSurname: {
      absl::StatusOr<distribution::CaseKey> key = distribution::KeyFromSurname(target.surname());
      if (!key.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("target.case_target.surname: ", key.status().message()));
      }
      return key;
    }
    case cti::v1::CaseTarget::KEY_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError(
      "target.case_target: one of case_key, cpr, address, surname is required");
}

absl::Status RouteToCase(RouteContext& ctx, const cti::v1::CaseTarget& target) {
  if (absl::StripAsciiWhitespace(target.task()).empty()) {
    return absl::InvalidArgumentError("target.case_target.task is required");
  }
  std::string unit_id = target.unit_id();
  if (unit_id.empty()) {
    CTI_ASSIGN_OR_RETURN(std::shared_ptr<const StringList> unit_list,
                         CachedUnitsWithDistribution(ctx, target.task()));
    const StringList& units = *unit_list;
    if (units.empty()) {
      return absl::NotFoundError(absl::StrCat("target.case_target.task: no unit distributes '",
                                              target.task(), "' by case"));
    }
    if (units.size() > 1) {
      return absl::FailedPreconditionError(
          absl::StrCat("target.case_target.task '", target.task(), "' is distributed by ",
                       absl::StrJoin(units, ", "), ": give unit_id"));
    }
    unit_id = units.front();
  }
  CTI_ASSIGN_OR_RETURN(std::shared_ptr<const Rules> cached_rules,
                       CachedRules(ctx, unit_id, target.task()));
  if (cached_rules == nullptr) {
    return absl::NotFoundError(absl::StrCat("target.case_target: unit_id '", unit_id,
                                            "' has no distribution rules for '", target.task(),
                                            "'"));
  }
  const cti::v1::DistributionRulesSet& set = cached_rules->set;
  const distribution::CompiledRuleSet* rules = &cached_rules->compiled;
  CTI_ASSIGN_OR_RETURN(distribution::CaseKey key, CaseKeyOf(target, *rules));
  ctx.response->set_resolved_target(absl::StrCat("case ", distribution::FormatCaseKey(key), " of ",
                                                 set.task(), " in ", unit_id, " (rules v",
                                                 set.version(), ")"));
  absl::StatusOr<distribution::MatchResult> match = rules->Match(key);
  cti::v1::Unit unit;
  CTI_ASSIGN_OR_RETURN(bool has_unit, route::LoadUnit(ctx, unit_id, &unit));
  if (!match.ok()) {
    ctx.Reason("TP-4.8",
               absl::StrCat("no rule covers ", distribution::DescribeKey(key), ": ",
                            match.status().message()),
               "distribution rules", set.task(), unit_id, set.version());
    if (has_unit && unit.active()) return route::RouteUnit(ctx, unit, 0);
    return absl::OkStatus();
  }
  auto name = [&](distribution::Fallback::Kind kind, absl::string_view id) -> std::string {
    if (kind == distribution::Fallback::Kind::kEmployee) {
      cti::v1::Employee e;
      absl::StatusOr<bool> ok = route::LoadEmployee(ctx, id, &e);
      return ok.ok() && *ok ? e.full_name() : std::string(id);
    }
    cti::v1::Unit u;
    absl::StatusOr<bool> ok = route::LoadUnit(ctx, id, &u);
    return ok.ok() && *ok ? u.name() : std::string(id);
  };
  ctx.Reason("TP-5.1", distribution::Explain(*match, key, name), "distribution rules", set.task(),
             unit_id, set.version());
  if (match->fallback != nullptr) {
    if (match->fallback->kind == distribution::Fallback::Kind::kEmployee) {
      CTI_ASSIGN_OR_RETURN(cti::v1::Employee e, EmployeeById(ctx, "fallback", match->fallback->id));
      return RouteToEmployee(ctx, e);
    }
    cti::v1::Unit fallback;
    CTI_ASSIGN_OR_RETURN(bool ok, route::LoadUnit(ctx, match->fallback->id, &fallback));
    if (ok) return RouteToUnit(ctx, fallback);
    return absl::OkStatus();
  }
  // The caseworker first; stand-ins are tried in order when the first is away.
  bool first = true;
  for (const std::string& id : match->employee_ids) {
    CTI_ASSIGN_OR_RETURN(cti::v1::Employee e, EmployeeById(ctx, "employee_ids", id));
    if (!e.active()) continue;
    CTI_ASSIGN_OR_RETURN(route::Presence presence, route::PresenceOf(ctx, id));
    if (!presence.available && id != match->employee_ids.back()) {
      ctx.Reason("TP-3.7",
                 absl::StrCat(e.full_name(), " is absent (calendar) until ",
                              ctx.LocalDa(presence.available_from), ": the next caseworker"),
                 "calendar entry", presence.entry->entry_id(), id);
      continue;
    }
    if (first) TellEmployee(ctx, e);
    first = false;
    const std::string resolved = ctx.response->resolved_target();
    CTI_RETURN_IF_ERROR(RouteToEmployee(ctx, e));
    ctx.response->set_resolved_target(resolved);
    return absl::OkStatus();
  }
  if (has_unit && unit.active()) return route::RouteUnit(ctx, unit, 0);
  return absl::OkStatus();
}

// What reception may say, in Danish (TP-6.3, TP-3.14): the absence already said, the
// unit's hours now, and the number to give.
void ComposeSay(RouteContext& ctx) {
  cti::v1::CallerInfo* tell = ctx.response->mutable_tell_caller();
  std::vector<std::string> parts;
  if (!tell->say().empty()) parts.push_back(tell->say());
  if (!tell->unit_name().empty()) {
    if (tell->open_now() && tell->has_closes_at()) {
      parts.push_back(absl::StrCat(tell->unit_name(), " har telefontid til kl. ",
                                   ctx.Clock(TimeOf(tell->closes_at())), "."));
    } else if (!tell->open_now() && tell->has_next_opening()) {
      parts.push_back(absl::StrCat(tell->unit_name(), " har lukket nu og åbner igen ",
                                   ctx.LocalDa(TimeOf(tell->next_opening())), "."));
    }
  }
  if (!tell->direct_number().empty()) {
    parts.push_back(absl::StrCat("Direkte nummer: ", tell->direct_number(), "."));
  } else if (!tell->unit_number().empty()) {
    parts.push_back(absl::StrCat("Afdelingens nummer: ", tell->unit_number(), "."));
  }
  tell->set_say(absl::StrJoin(parts, " "));
}

// The answer cache's key for `request`, or "" when its answer must not be kept.
// A case given as a CPR number, an address or a surname is keyed by what distribution
// rules can read of it, reduced as RouteToCase reduces it: both the day of birth and the
// last digit of a CPR number (which one the rules use is part of the routing version),
// the normalised street and house number, the initial. Its answer depends on nothing
// else of the citizen's text, so such questions share kept answers, and neither the key
// nor the answer holds more than a case_key question would: never the CPR number
// (TP-4.2). Text that gives no key is not kept: Build answers its error.
std::string AnswerKey(const cti::v1::RouteRequest& request) {
  const cti::v1::RouteTarget& target = request.target();
  // Answers for now read busy state, answers for a given instant do not: kept apart.
  std::string key =
      absl::StrCat(request.has_at() ? "A" : "R", request.tenant(), absl::string_view("\0", 1));
  if (!target.has_case_target() ||
      target.case_target().key_case() == cti::v1::CaseTarget::kCaseKey) {
    if (!target.AppendToString(&key)) return std::string();
    return key;
  }
  const cti::v1::CaseTarget& given = target.case_target();
  // The same oneof field carries the reduced text: a raw question and a case_key
  // question never share a key, and two raw questions share one only when they reduce
  // alike.
  cti::v1::RouteTarget reduced;
  cti::v1::CaseTarget* as_key = reduced.mutable_case_target();
  as_key->set_task(given.task());
  as_key->set_unit_id(given.unit_id());
  switch (given.key_case()) {
    case cti::v1::CaseTarget::kCpr: {
      absl::StatusOr<distribution::CaseKey> day =
          distribution::KeyFromCpr(given.cpr(), distribution::KeyKind::kCprDay);
      absl::StatusOr<distribution::CaseKey> digit =
          distribution::KeyFromCpr(given.cpr(), distribution::KeyKind::kCprDigit);
      if (!day.ok() || !digit.ok()) return std::string();
      as_key->set_cpr(absl::StrCat(distribution::FormatCaseKey(*day), " ",
                                   distribution::FormatCaseKey(*digit)));
      break;
    }
    case cti::v1::CaseTarget::kAddress: {
      absl::StatusOr<distribution::CaseKey> address = distribution::KeyFromAddress(given.address());
      if (!address.ok()) return std::string();
      as_key->set_address(distribution::FormatCaseKey(*address));
      break;
    }
    case cti::v1::CaseTarget::kSurname: {
      absl::StatusOr<distribution::CaseKey> initial = distribution::KeyFromSurname(given.surname());
      if (!initial.ok()) return std::string();
      as_key->set_surname(distribution::FormatCaseKey(*initial));
      break;
    }
    default:
      return std::string();
  }
  if (!reduced.AppendToString(&key)) return std::string();
  return key;
}

// The instant `request` routes for (its `at`, else `now`) once tenant and `at` are valid.
absl::StatusOr<absl::Time> InstantOf(const cti::v1::RouteRequest& request, absl::Time now) {
  if (request.tenant().empty()) return absl::InvalidArgumentError("tenant is required");
  if (!internal::IsValidId(request.tenant())) {
    return absl::InvalidArgumentError("tenant: must be 1 to 64 characters [A-Za-z0-9._:-]");
  }
  if (!request.call_id().empty()) {
    // Named in the decision trace (CallRouteDecided) under this id.
    CTI_RETURN_IF_ERROR(internal::CheckOpaqueId(internal::FieldPath("call_id"), request.call_id()));
  }
  if (!request.has_at()) return now;
  if (request.at().seconds() < internal::kMinSeconds ||
      request.at().seconds() >= internal::kMaxSecondsExclusive) {
    return absl::InvalidArgumentError("at: must lie between 1970 and 2200");
  }
  return TimeOf(request.at());
}

}  // namespace

// A finished answer, reused by calls of the same routing version for instants in
// [from, until) (RouteContext::valid_until says why that is safe). `response` and `wire`
// (its serialized form) have no `at` and no position: each call sets its own.
struct CachedAnswer {
  absl::Time from;
  absl::Time until;
  // Set when the answer read call state: the calls version it read at.
  std::optional<uint64_t> calls_version;
  // The busy keys the answer read and their generations (RouteCache::BusyGenerationsAt).
  std::vector<std::string> busy_keys;
  std::vector<uint64_t> busy_generations;
  cti::v1::RouteResponse response;
  std::shared_ptr<const std::string> wire;
};

std::shared_ptr<const CachedAnswer> Router::Kept(const std::string& key, absl::Time at,
                                                 std::optional<uint64_t> applied) const {
  if (key.empty()) return nullptr;
  std::optional<uint64_t> calls_version;
  const uint64_t position = applied.has_value() ? *applied : store_->AppliedPosition(partition_);
  std::optional<std::shared_ptr<const CachedAnswer>> kept =
      cache_->FindAt<CachedAnswer>(partition_, position, key, &calls_version);
  if (!kept.has_value() || *kept == nullptr) return nullptr;
  const CachedAnswer& answer = **kept;
  if (at < answer.from || at >= answer.until) return nullptr;
  if (answer.calls_version.has_value() && calls_version != answer.calls_version) return nullptr;
  if (!answer.busy_keys.empty() &&
      !cache_->BusyGenerationsHold(partition_, position, answer.busy_keys,
                                   answer.busy_generations)) {
    return nullptr;
  }
  cache_->CountAnswer(/*reused=*/true);
  return *std::move(kept);
}

absl::StatusOr<cti::v1::RouteResponse> Router::Route(const cti::v1::RouteRequest& request,
                                                     absl::Time now) const {
  CTI_ASSIGN_OR_RETURN(const absl::Time at, InstantOf(request, now));
  const std::string key = cache_ != nullptr ? AnswerKey(request) : std::string();
  if (std::shared_ptr<const CachedAnswer> kept = Kept(key, at, std::nullopt)) {
    cti::v1::RouteResponse response = kept->response;
    *response.mutable_at() = ToProto(at);
    return response;
  }
  return Build(request, at, key, nullptr);
}

absl::StatusOr<Router::WireAnswer> Router::RouteWire(const cti::v1::RouteRequest& request,
                                                     absl::Time now,
                                                     std::optional<uint64_t> applied) const {
  CTI_ASSIGN_OR_RETURN(const absl::Time at, InstantOf(request, now));
  const std::string key = cache_ != nullptr ? AnswerKey(request) : std::string();
  if (std::shared_ptr<const CachedAnswer> kept = Kept(key, at, applied)) {
    return WireAnswer{kept->wire, at};
  }
  std::shared_ptr<const std::string> wire;
  CTI_ASSIGN_OR_RETURN(cti::v1::RouteResponse response, Build(request, at, key, &wire));
  if (wire == nullptr) {
    response.clear_at();
    auto bytes = std::make_shared<std::string>();
    if (!response.SerializeToString(bytes.get())) {
      return absl::InternalError("route answer: cannot serialize");
    }
    wire = std::move(bytes);
  }
  return WireAnswer{std::move(wire), at};
}

absl::StatusOr<cti::v1::RouteResponse> Router::RouteAsOf(const cti::v1::RouteRequest& request,
                                                         uint64_t known_position) const {
  if (!request.has_at()) {
    return absl::InvalidArgumentError(
        "at: is required: a question about the past names the instant it asks about");
  }
  CTI_ASSIGN_OR_RETURN(const absl::Time at, InstantOf(request, absl::UnixEpoch()));
  return Build(request, at, /*answer_key=*/"", /*wire=*/nullptr, known_position);
}

absl::StatusOr<cti::v1::RouteResponse> Router::Build(const cti::v1::RouteRequest& request,
                                                     absl::Time at, const std::string& answer_key,
                                                     std::shared_ptr<const std::string>* wire,
                                                     std::optional<uint64_t> as_of) const {
  const internal::StoreImpl& impl = internal::ImplOf(*store_);
  const rocksdb::Snapshot* snapshot = impl.db()->GetSnapshot();
  struct Release {
    const internal::StoreImpl& impl;
    const rocksdb::Snapshot* snapshot;
    ~Release() { impl.db()->ReleaseSnapshot(snapshot); }
  } release{impl, snapshot};
  internal::Overlay scratch;
  internal::Txn txn(impl, &scratch, /*cache=*/nullptr, snapshot, as_of);
  const std::string t = internal::TenantPrefix(request.tenant());

  cti::v1::RouteResponse response;
  *response.mutable_at() = ToProto(at);
  RouteContext ctx{txn, t, at, zone_, &response, nullptr, 0, std::nullopt, nullptr, {}};
  ctx.live = !request.has_at();
  ctx.tenant = request.tenant();
  ctx.as_of = as_of;
  uint64_t snapshot_position = 0;
  if (cache_ != nullptr && !as_of.has_value()) {
    // The snapshot's checkpoint tells which cached records this call may use.
    std::string checkpoint;
    CTI_ASSIGN_OR_RETURN(
        bool has, txn.Get(internal::Cf::kMeta, internal::CheckpointKey(partition_), &checkpoint));
    if (has && checkpoint.size() == 8) {
      snapshot_position = internal::DecodeBigEndian64(checkpoint);
      ctx.cache = cache_;
      ctx.partition = partition_;
      ctx.version = cache_->VersionFor(partition_, snapshot_position);
    }
  }
  CTI_ASSIGN_OR_RETURN(ctx.holidays, route::HolidaysOf(ctx));
  const cti::v1::RouteTarget& target = request.target();
  switch (target.target_case()) {
    case cti::v1::RouteTarget::kEmployeeId: {
      CTI_ASSIGN_OR_RETURN(cti::v1::Employee e,
                           EmployeeById(ctx, "target.employee_id", target.employee_id()));
      CTI_RETURN_IF_ERROR(RouteToEmployee(ctx, e));
      break;
    }
    case cti::v1::RouteTarget::kExtension: {
      CTI_ASSIGN_OR_RETURN(std::string employee_id,
                           route::EmployeeWithExtension(ctx, target.extension()));
      if (employee_id.empty()) return internal::NotFound("target.extension", target.extension());
      CTI_ASSIGN_OR_RETURN(cti::v1::Employee e, EmployeeById(ctx, "employee_id", employee_id));
      CTI_RETURN_IF_ERROR(RouteToEmployee(ctx, e));
      break;
    }
    case cti::v1::RouteTarget::kName: {
      CTI_ASSIGN_OR_RETURN(cti::v1::Employee e,
                           EmployeeByName(ctx, *store_, request.tenant(), target.name()));
      CTI_RETURN_IF_ERROR(RouteToEmployee(ctx, e));
      break;
    }
    case cti::v1::RouteTarget::kUnitId: {
      cti::v1::Unit unit;
      CTI_ASSIGN_OR_RETURN(bool found, route::LoadUnit(ctx, target.unit_id(), &unit));
      if (!found) return internal::NotFound("target.unit_id", target.unit_id());
      CTI_RETURN_IF_ERROR(RouteToUnit(ctx, unit));
      break;
    }
    case cti::v1::RouteTarget::kTask:
      if (absl::StripAsciiWhitespace(target.task()).empty()) {
        return absl::InvalidArgumentError("target.task must not be empty");
      }
      CTI_RETURN_IF_ERROR(RouteToTask(ctx, *store_, request.tenant(), target.task()));
      break;
    case cti::v1::RouteTarget::kCaseTarget:
      CTI_RETURN_IF_ERROR(RouteToCase(ctx, target.case_target()));
      break;
    case cti::v1::RouteTarget::TARGET_NOT_SET:
      return absl::InvalidArgumentError(
          "target: one of employee_id, extension, name, unit_id, task, case_target is required");
  }
  route::AddReceptionStep(
      ctx, response.resolved_target().empty() ? "the caller" : response.resolved_target());
  ctx.Reason("TP-6.2", "the last resort: reception takes a message and the call is returned");
  ComposeSay(ctx);
  std::optional<uint64_t> calls_version;
  if (ctx.reads_calls && ctx.version.has_value()) {
    calls_version = cache_->CallsVersionFor(partition_, snapshot_position);
  }
  std::vector<uint64_t> busy_generations;
  const bool busy_known =
      ctx.busy_keys.empty() ||
      (ctx.version.has_value() &&
       cache_->BusyGenerationsAt(partition_, snapshot_position, ctx.busy_keys, &busy_generations));
  if (!answer_key.empty() && ctx.version.has_value() &&
      (!ctx.reads_calls || calls_version.has_value()) && busy_known) {
    auto kept = std::make_shared<CachedAnswer>();
    kept->from = at;
    kept->until = ctx.valid_until;
    kept->calls_version = calls_version;
    kept->busy_keys = std::move(ctx.busy_keys);
    kept->busy_generations = std::move(busy_generations);
    kept->response = response;
    kept->response.clear_at();
    auto bytes = std::make_shared<std::string>();
    if (kept->response.SerializeToString(bytes.get())) {
      kept->wire = std::move(bytes);
      if (wire != nullptr) *wire = kept->wire;
      cache_->Put<CachedAnswer>(partition_, *ctx.version, answer_key, std::move(kept));
    }
  }
  if (cache_ != nullptr && !as_of.has_value()) cache_->CountAnswer(/*reused=*/false);
  return response;
}

}  // namespace cti::projections
