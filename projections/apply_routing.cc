// Routing rules: ring and hunt groups (TP-4.8), unit routing and transfer restrictions
// (TP-5.1), case distribution (TP-5.1, TP-5.2) and hotlines (TP-5.1). Records:
// routing_records.h.
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cti/v1/routing_rules.pb.h"
#include "projections/distribution/rule_set.h"
#include "projections/internal/directory_records.h"
#include "projections/internal/keys.h"
#include "projections/internal/routing_convert.h"
#include "projections/internal/routing_records.h"
#include "projections/internal/rules.h"
#include "projections/internal/status_macros.h"

namespace cti::projections::internal {
namespace {

constexpr int kMaxGroupMembers = 100;
constexpr uint32_t kMaxRingSeconds = 300;
constexpr uint32_t kMinGroupRingSeconds = 5;
constexpr int64_t kMaxHotlineSeconds = 366 * 24 * 3600;

std::string GroupUserKey(absl::string_view t, absl::string_view group_id, absl::string_view user) {
  return TaggedKey(t, kGroupUserTag, group_id, user);
}

// The group `id` (field `path`) must exist and be active.
absl::Status CheckActiveGroup(Txn& txn, absl::string_view t, const FieldPath& path,
                              absl::string_view id) {
  CTI_RETURN_IF_ERROR(CheckId(path, id));
  cti::v1::Group group;
  CTI_ASSIGN_OR_RETURN(bool found, LoadGroup(txn, t, id, &group));
  if (!found) return NotFound(path.ToString(), id);
  if (!group.active()) {
    return absl::FailedPreconditionError(
        absl::StrCat(path.ToString(), ": group '", id, "' has been retired"));
  }
  return absl::OkStatus();
}

absl::Status CheckGroupShape(const FieldPath& path, const cti::v1::Group& group) {
  CTI_RETURN_IF_ERROR(CheckId(path / "group_id", group.group_id()));
  CTI_RETURN_IF_ERROR(CheckRequiredText(path / "name", group.name(), kMaxNameChars));
  CTI_RETURN_IF_ERROR(CheckId(path / "unit_id", group.unit_id()));
  if (!cti::v1::GroupStrategy_IsValid(group.strategy()) ||
      group.strategy() == cti::v1::GROUP_STRATEGY_UNSPECIFIED) {
    return InvalidField(path / "strategy", "must be given (ring all or a hunt strategy)");
  }
  if (group.ring_seconds() != 0 &&
      (group.ring_seconds() < kMinGroupRingSeconds || group.ring_seconds() > kMaxRingSeconds)) {
    return InvalidField(path / "ring_seconds", "must be 0 (20 s) or 5 to 300");
  }
  if (group.members().empty()) {
    return InvalidField(
        path / "members",
        "needs at least one member (TP-4.8: a phone must never ring into thin air)");
  }
  if (group.members_size() > kMaxGroupMembers) {
    return InvalidField(path / "members", absl::StrCat("at most ", kMaxGroupMembers, " members"));
  }
  absl::flat_hash_set<absl::string_view> seen;
  for (int i = 0; i < group.members_size(); ++i) {
    const cti::v1::GroupMember& m = group.members(i);
    const FieldPath p = (path / "members").At(i);
    CTI_RETURN_IF_ERROR(CheckId(p / "employee_id", m.employee_id()));
    if (!seen.insert(m.employee_id()).second) {
      return InvalidField(p / "employee_id",
                          absl::StrCat("'", m.employee_id(), "' is a member twice"));
    }
    if (m.ring_seconds() > kMaxRingSeconds) {
      return InvalidField(p / "ring_seconds", "must be at most 300");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyGroupDefined(ApplyContext& ctx, const FieldPath& path,
                               const cti::v1::GroupDefined& change) {
  const FieldPath p = path / "group";
  const cti::v1::Group& group = change.group();
  CTI_RETURN_IF_ERROR(CheckGroupShape(p, group));
  const std::string& t = ctx.tenant_prefix;
  CTI_RETURN_IF_ERROR(CheckActiveUnit(ctx.txn, t, p / "unit_id", group.unit_id()));
  for (int i = 0; i < group.members_size(); ++i) {
    CTI_RETURN_IF_ERROR(CheckActiveEmployee(ctx.txn, t, (p / "members").At(i) / "employee_id",
                                            group.members(i).employee_id()));
  }
  cti::v1::Group stored = group;
  stored.set_active(true);
  return ctx.txn.PutProto(Cf::kRouting, TaggedKey(t, kGroupTag, group.group_id()), stored);
}

absl::Status ApplyGroupRetired(ApplyContext& ctx, const FieldPath& path,
                               const cti::v1::GroupRetired& change) {
  const std::string& t = ctx.tenant_prefix;
  CTI_RETURN_IF_ERROR(CheckActiveGroup(ctx.txn, t, path / "group_id", change.group_id()));
  CTI_ASSIGN_OR_RETURN(std::vector<std::string> users, GroupUsers(ctx.txn, t, change.group_id()));
  if (!users.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("group_id '", change.group_id(), "' is still used by ",
                     absl::StrJoin(users, ", "), ": route those elsewhere first (TP-4.8)"));
  }
  cti::v1::Group group;
  CTI_RETURN_IF_ERROR(LoadGroup(ctx.txn, t, change.group_id(), &group).status());
  group.set_active(false);
  return ctx.txn.PutProto(Cf::kRouting, TaggedKey(t, kGroupTag, change.group_id()), group);
}

absl::Status ApplyUnitRoutingSet(ApplyContext& ctx, const FieldPath& path,
                                 const cti::v1::UnitRoutingSet& change) {
  const std::string& t = ctx.tenant_prefix;
  CTI_RETURN_IF_ERROR(CheckId(path / "unit_id", change.unit_id()));
  if (change.has_restriction()) {
    const FieldPath r = path / "restriction";
    const cti::v1::TransferRestriction& restriction = change.restriction();
    switch (restriction.only_to_case()) {
      case cti::v1::TransferRestriction::kEmployeeId:
        CTI_RETURN_IF_ERROR(CheckId(r / "employee_id", restriction.employee_id()));
        break;
      case cti::v1::TransferRestriction::kExtension:
        if (restriction.extension().empty()) {
          return InvalidField(r / "extension", "is required");
        }
        CTI_RETURN_IF_ERROR(CheckExtension(r / "extension", restriction.extension()));
        break;
      case cti::v1::TransferRestriction::ONLY_TO_NOT_SET:
        return InvalidField(r / "only_to", "exactly one of employee_id, extension is required");
    }
    CTI_RETURN_IF_ERROR(CheckOptionalText(r / "reason", restriction.reason(), kMaxReasonChars));
    CTI_RETURN_IF_ERROR(CheckNoCpr(r / "reason", restriction.reason()));
  }
  CTI_RETURN_IF_ERROR(CheckActiveUnit(ctx.txn, t, path / "unit_id", change.unit_id()));
  if (!change.default_group_id().empty()) {
    CTI_RETURN_IF_ERROR(
        CheckActiveGroup(ctx.txn, t, path / "default_group_id", change.default_group_id()));
  }
  if (change.restriction().has_employee_id()) {
    CTI_RETURN_IF_ERROR(CheckActiveEmployee(ctx.txn, t, path / "restriction" / "employee_id",
                                            change.restriction().employee_id()));
  }
  const std::string user = absl::StrCat("unit:", change.unit_id());
  cti::v1::UnitRoutingSet earlier;
  CTI_ASSIGN_OR_RETURN(bool replaced, LoadUnitRouting(ctx.txn, t, change.unit_id(), &earlier));
  if (replaced && !earlier.default_group_id().empty()) {
    CTI_RETURN_IF_ERROR(
        ctx.txn.Delete(Cf::kRouting, GroupUserKey(t, earlier.default_group_id(), user)));
  }
  if (!change.default_group_id().empty()) {
    CTI_RETURN_IF_ERROR(
        ctx.txn.Put(Cf::kRouting, GroupUserKey(t, change.default_group_id(), user), ""));
  }
  return ctx.txn.PutProto(Cf::kRouting, TaggedKey(t, kUnitRoutingTag, change.unit_id()), change);
}

absl::Status ApplyDistributionRulesSet(ApplyContext& ctx, const FieldPath& path,
                                       const cti::v1::DistributionRulesSet& change) {
  const std::string& t = ctx.tenant_prefix;
  CTI_RETURN_IF_ERROR(CheckId(path / "unit_id", change.unit_id()));
  CTI_RETURN_IF_ERROR(CheckRequiredText(path / "task", change.task(), kMaxTaskChars));
  for (int i = 0; i < change.rules_size(); ++i) {
    if (change.rules(i).range_case() == cti::v1::DistributionRule::RANGE_NOT_SET) {
      return InvalidField((path / "rules").At(i) / "range",
                          "exactly one of cpr_day, cpr_digits, address, surname is required");
    }
  }
  if (absl::Status s = cti::distribution::ValidateRuleSet(RuleSetOf(change)); !s.ok()) {
    return InvalidField(path, s.message());
  }
  CTI_RETURN_IF_ERROR(CheckActiveUnit(ctx.txn, t, path / "unit_id", change.unit_id()));
  for (int i = 0; i < change.rules_size(); ++i) {
    const cti::v1::DistributionRule& rule = change.rules(i);
    for (int j = 0; j < rule.employee_ids_size(); ++j) {
      CTI_RETURN_IF_ERROR(CheckActiveEmployee(
          ctx.txn, t, ((path / "rules").At(i) / "employee_ids").At(j), rule.employee_ids(j)));
    }
  }
  if (change.has_fallback_unit_id()) {
    CTI_RETURN_IF_ERROR(
        CheckActiveUnit(ctx.txn, t, path / "fallback_unit_id", change.fallback_unit_id()));
  } else if (change.has_fallback_employee_id()) {
    CTI_RETURN_IF_ERROR(CheckActiveEmployee(ctx.txn, t, path / "fallback_employee_id",
                                            change.fallback_employee_id()));
  }
  cti::v1::DistributionRulesSet earlier;
  CTI_ASSIGN_OR_RETURN(bool replaced,
                       LoadDistribution(ctx.txn, t, change.unit_id(), change.task(), &earlier));
  if (replaced && change.version() <= earlier.version()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "version ", change.version(), " of the rules for task '", change.task(), "' in unit_id '",
        change.unit_id(), "' is not after the current version ", earlier.version(), " (TP-5.2)"));
  }
  const std::string task = FoldTask(change.task());
  CTI_RETURN_IF_ERROR(
      ctx.txn.Put(Cf::kRouting, TaggedKey(t, kDistributionByTaskTag, task, change.unit_id()), ""));
  return ctx.txn.PutProto(Cf::kRouting, TaggedKey(t, kDistributionTag, change.unit_id(), task),
                          change);
}

absl::Status ApplyDistributionRulesRemoved(ApplyContext& ctx, const FieldPath& path,
                                           const cti::v1::DistributionRulesRemoved& change) {
  const std::string& t = ctx.tenant_prefix;
  CTI_RETURN_IF_ERROR(CheckId(path / "unit_id", change.unit_id()));
  CTI_RETURN_IF_ERROR(CheckRequiredText(path / "task", change.task(), kMaxTaskChars));
  cti::v1::DistributionRulesSet earlier;
  CTI_ASSIGN_OR_RETURN(bool found,
                       LoadDistribution(ctx.txn, t, change.unit_id(), change.task(), &earlier));
  if (!found) {
    return absl::NotFoundError(absl::StrCat("no distribution rules for task '", change.task(),
                                            "' in unit_id '", change.unit_id(), "'"));
  }
  const std::string task = FoldTask(change.task());
  CTI_RETURN_IF_ERROR(
      ctx.txn.Delete(Cf::kRouting, TaggedKey(t, kDistributionByTaskTag, task, change.unit_id())));
  return ctx.txn.Delete(Cf::kRouting, TaggedKey(t, kDistributionTag, change.unit_id(), task));
}

namespace {

absl::Status ForgetHotline(ApplyContext& ctx, const cti::v1::HotlineSet& hotline) {
  const std::string& t = ctx.tenant_prefix;
  CTI_RETURN_IF_ERROR(ctx.txn.Delete(
      Cf::kRouting,
      TaggedKey(t, kHotlineByTaskTag, FoldTask(hotline.task()), hotline.hotline_id())));
  return ctx.txn.Delete(Cf::kRouting, GroupUserKey(t, hotline.group_id(),
                                                   absl::StrCat("hotline:", hotline.hotline_id())));
}

}  // namespace

absl::Status ApplyHotlineSet(ApplyContext& ctx, const FieldPath& path,
                             const cti::v1::HotlineSet& change) {
  const std::string& t = ctx.tenant_prefix;
  CTI_RETURN_IF_ERROR(CheckId(path / "hotline_id", change.hotline_id()));
  CTI_RETURN_IF_ERROR(CheckRequiredText(path / "task", change.task(), kMaxTaskChars));
  CTI_RETURN_IF_ERROR(CheckId(path / "unit_id", change.unit_id()));
  CTI_RETURN_IF_ERROR(CheckId(path / "group_id", change.group_id()));
  CTI_RETURN_IF_ERROR(CheckPhoneNumber(path / "phone_number", change.phone_number(), false));
  CTI_RETURN_IF_ERROR(CheckTimestamp(path / "from", change.has_from(), change.from(), true));
  CTI_RETURN_IF_ERROR(CheckTimestamp(path / "until", change.has_until(), change.until(), true));
  if (!Before(change.from(), change.until())) {
    return InvalidField(path / "until", "must be after from");
  }
  if (change.until().seconds() - change.from().seconds() > kMaxHotlineSeconds) {
    return InvalidField(path / "until",
                        "a hotline runs at most 366 days (TP-5.1: for a stated period)");
  }
  CTI_RETURN_IF_ERROR(CheckOptionalText(path / "reason", change.reason(), kMaxReasonChars));
  CTI_RETURN_IF_ERROR(CheckNoCpr(path / "reason", change.reason()));
  CTI_RETURN_IF_ERROR(CheckActiveUnit(ctx.txn, t, path / "unit_id", change.unit_id()));
  CTI_RETURN_IF_ERROR(CheckActiveGroup(ctx.txn, t, path / "group_id", change.group_id()));
  const std::string key = TaggedKey(t, kHotlineTag, change.hotline_id());
  cti::v1::HotlineSet earlier;
  CTI_ASSIGN_OR_RETURN(bool replaced, ctx.txn.GetProto(Cf::kRouting, key, &earlier));
  if (replaced) CTI_RETURN_IF_ERROR(ForgetHotline(ctx, earlier));
  CTI_RETURN_IF_ERROR(ctx.txn.Put(
      Cf::kRouting, TaggedKey(t, kHotlineByTaskTag, FoldTask(change.task()), change.hotline_id()),
      ""));
  CTI_RETURN_IF_ERROR(ctx.txn.Put(
      Cf::kRouting,
      GroupUserKey(t, change.group_id(), absl::StrCat("hotline:", change.hotline_id())), ""));
  return ctx.txn.PutProto(Cf::kRouting, key, change);
}

absl::Status ApplyHotlineEnded(ApplyContext& ctx, const FieldPath& path,
                               const cti::v1::HotlineEnded& change) {
  CTI_RETURN_IF_ERROR(CheckId(path / "hotline_id", change.hotline_id()));
  const std::string key = TaggedKey(ctx.tenant_prefix, kHotlineTag, change.hotline_id());
  cti::v1::HotlineSet hotline;
  CTI_ASSIGN_OR_RETURN(bool found, ctx.txn.GetProto(Cf::kRouting, key, &hotline));
  if (!found) return NotFound("hotline_id", change.hotline_id());
  CTI_RETURN_IF_ERROR(ForgetHotline(ctx, hotline));
  return ctx.txn.Delete(Cf::kRouting, key);
}

}  // namespace cti::projections::internal
