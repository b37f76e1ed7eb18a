// Router::Check: every place where a call can end with nobody before reception
// (TP-4.8). A scan of the tenant's routing records, units and forwardings.
#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "projections/distribution/compiled_rule_set.h"
#include "projections/internal/directory_records.h"
#include "projections/internal/keys.h"
#include "projections/internal/overlay.h"
#include "projections/internal/routing_convert.h"
#include "projections/internal/routing_records.h"
#include "projections/internal/status_macros.h"
#include "projections/internal/store_impl.h"
#include "projections/router.h"

namespace cti::projections {
namespace {

using internal::Cf;

absl::Time TimeOf(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

class Checker {
 public:
  Checker(internal::Txn& txn, std::string t, absl::Time now)
      : txn_(txn), t_(std::move(t)), now_(now) {}

  absl::Status Run() {
    CTI_RETURN_IF_ERROR(Groups());
    CTI_RETURN_IF_ERROR(Units());
    CTI_RETURN_IF_ERROR(Distribution());
    CTI_RETURN_IF_ERROR(Hotlines());
    CTI_RETURN_IF_ERROR(Forwardings());
    return absl::OkStatus();
  }

  cti::v1::CheckResponse TakeResponse() {
    auto* findings = response_.mutable_findings();
    std::sort(findings->begin(), findings->end(),
              [](const cti::v1::CheckFinding& a, const cti::v1::CheckFinding& b) {
                return std::tie(a.subject_kind(), a.subject_id(), a.problem()) <
                       std::tie(b.subject_kind(), b.subject_id(), b.problem());
              });
    return std::move(response_);
  }

 private:
  void Finding(absl::string_view kind, absl::string_view id, std::string problem) {
    cti::v1::CheckFinding* f = response_.add_findings();
    f->set_subject_kind(std::string(kind));
    f->set_subject_id(std::string(id));
    f->set_rule("TP-4.8");
    f->set_problem(std::move(problem));
  }

  absl::StatusOr<bool> ActiveEmployee(absl::string_view id) {
    cti::v1::Employee e;
    CTI_ASSIGN_OR_RETURN(bool found, internal::LoadEmployee(txn_, t_, id, &e));
    return found && e.active();
  }

  template <typename Message, typename Fn>
  absl::Status ScanRecords(Cf cf, char tag, Fn fn) {
    const std::string prefix = internal::TaggedKey(t_, tag, "");
    absl::Status inner;
    CTI_RETURN_IF_ERROR(txn_.Scan(cf, prefix, [&](absl::string_view, absl::string_view value) {
      Message message;
      if (!message.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
        inner = absl::DataLossError("a stored routing record does not parse");
        return false;
      }
      inner = fn(message);
      return inner.ok();
    }));
    return inner;
  }

  absl::Status Groups() {
    return ScanRecords<cti::v1::Group>(
        Cf::kRouting, internal::kGroupTag, [&](const cti::v1::Group& group) -> absl::Status {
          if (!group.active()) return absl::OkStatus();
          std::vector<std::string> gone;
          for (const cti::v1::GroupMember& m : group.members()) {
            CTI_ASSIGN_OR_RETURN(bool active, ActiveEmployee(m.employee_id()));
            if (!active) gone.push_back(m.employee_id());
          }
          if (gone.size() == static_cast<size_t>(group.members_size())) {
            Finding("group", group.group_id(),
                    absl::StrCat("group ", group.group_id(), " (", group.name(),
                                 ") has no active member: its calls ring nobody before reception"));
          } else if (!gone.empty()) {
            Finding("group", group.group_id(),
                    absl::StrCat("group ", group.group_id(), " still lists former employees ",
                                 absl::StrJoin(gone, ", "), ": update its members (TP-5.2)"));
          }
          return absl::OkStatus();
        });
  }

  absl::Status Units() {
    return ScanRecords<cti::v1::Unit>(
        Cf::kDirectory, internal::kUnitTag, [&](const cti::v1::Unit& unit) -> absl::Status {
          if (!unit.active() || unit.kind() == cti::v1::UNIT_KIND_RECEPTION)
            return absl::OkStatus();
          cti::v1::UnitRoutingSet routing;
          CTI_ASSIGN_OR_RETURN(bool has,
                               internal::LoadUnitRouting(txn_, t_, unit.unit_id(), &routing));
          bool answered = !unit.phone_number().empty();
          if (has && !routing.default_group_id().empty()) {
            cti::v1::Group group;
            CTI_ASSIGN_OR_RETURN(bool found,
                                 internal::LoadGroup(txn_, t_, routing.default_group_id(), &group));
            if (found && group.active()) answered = true;
          }
          if (has && routing.restriction().has_employee_id()) {
            CTI_ASSIGN_OR_RETURN(bool active, ActiveEmployee(routing.restriction().employee_id()));
            if (!active) {
              Finding("unit", unit.unit_id(),
                      absl::StrCat("unit ", unit.unit_id(), " may only transfer to ",
                                   routing.restriction().employee_id(),
                                   ", who is no longer employed (TP-5.1)"));
            }
          }
          for (const std::string& id : unit.phone_responsible_employee_ids()) {
            CTI_ASSIGN_OR_RETURN(bool active, ActiveEmployee(id));
            if (active) answered = true;
          }
          if (!answered) {
            Finding("unit", unit.unit_id(),
                    absl::StrCat("unit ", unit.unit_id(), " (", unit.name(),
                                 ") has no default group, no active phone-responsible person and "
                                 "no phone number: its calls go straight to reception"));
          }
          return absl::OkStatus();
        });
  }

  absl::Status Distribution() {
    return ScanRecords<cti::v1::DistributionRulesSet>(
        Cf::kRouting, internal::kDistributionTag,
        [&](const cti::v1::DistributionRulesSet& set) -> absl::Status {
          const std::string id = absl::StrCat(set.unit_id(), "/", set.task());
          for (const cti::v1::DistributionRule& rule : set.rules()) {
            for (const std::string& employee : rule.employee_ids()) {
              CTI_ASSIGN_OR_RETURN(bool active, ActiveEmployee(employee));
              if (!active) {
                Finding("distribution rules", id,
                        absl::StrCat("rules v", set.version(), " for '", set.task(), "' in ",
                                     set.unit_id(), " name ", employee,
                                     ", who is no longer employed (TP-5.2)"));
              }
            }
          }
          absl::StatusOr<distribution::CompiledRuleSet> compiled =
              distribution::CompiledRuleSet::Compile(internal::RuleSetOf(set));
          if (compiled.ok()) {
            const distribution::CoverageReport coverage = compiled->Coverage();
            if (coverage.EndsWithNobody()) {
              Finding("distribution rules", id,
                      absl::StrCat("rules v", set.version(), " for '", set.task(), "' in ",
                                   set.unit_id(), ": ", coverage.ToString()));
            }
          }
          return absl::OkStatus();
        });
  }

  absl::Status Hotlines() {
    return ScanRecords<cti::v1::HotlineSet>(
        Cf::kRouting, internal::kHotlineTag, [&](const cti::v1::HotlineSet& h) -> absl::Status {
          if (TimeOf(h.until()) <= now_) return absl::OkStatus();
          cti::v1::Group group;
          CTI_ASSIGN_OR_RETURN(bool found, internal::LoadGroup(txn_, t_, h.group_id(), &group));
          if (!found || !group.active()) {
            Finding("hotline", h.hotline_id(),
                    absl::StrCat("hotline ", h.hotline_id(), " rings group ", h.group_id(),
                                 ", which is retired"));
          }
          return absl::OkStatus();
        });
  }

  absl::Status Forwardings() {
    return ScanRecords<cti::v1::ForwardingSet>(
        Cf::kCalendar, 'f', [&](const cti::v1::ForwardingSet& f) -> absl::Status {
          if (f.has_valid_until() && TimeOf(f.valid_until()) <= now_) return absl::OkStatus();
          CTI_ASSIGN_OR_RETURN(bool owner_active, ActiveEmployee(f.employee_id()));
          if (!owner_active) return absl::OkStatus();
          if (f.destination().has_employee_id()) {
            CTI_ASSIGN_OR_RETURN(bool active, ActiveEmployee(f.destination().employee_id()));
            if (!active) {
              Finding("employee", f.employee_id(),
                      absl::StrCat("forwarding ", f.forwarding_id(), " of ", f.employee_id(),
                                   " goes to ", f.destination().employee_id(),
                                   ", who is no longer employed (TP-4.4)"));
            }
          } else if (f.destination().has_unit_id()) {
            cti::v1::Unit unit;
            CTI_ASSIGN_OR_RETURN(bool found,
                                 internal::LoadUnit(txn_, t_, f.destination().unit_id(), &unit));
            if (!found || !unit.active()) {
              Finding("employee", f.employee_id(),
                      absl::StrCat("forwarding ", f.forwarding_id(), " of ", f.employee_id(),
                                   " goes to unit ", f.destination().unit_id(),
                                   ", which is retired (TP-4.4)"));
            }
          }
          return absl::OkStatus();
        });
  }

  internal::Txn& txn_;
  const std::string t_;
  const absl::Time now_;
  cti::v1::CheckResponse response_;
};

}  // namespace

absl::StatusOr<cti::v1::CheckResponse> Router::Check(const cti::v1::CheckRequest& request,
                                                     absl::Time now,
                                                     std::optional<uint64_t> as_of) const {
  if (request.tenant().empty()) return absl::InvalidArgumentError("tenant is required");
  const internal::StoreImpl& impl = internal::ImplOf(*store_);
  const rocksdb::Snapshot* snapshot = impl.db()->GetSnapshot();
  internal::Overlay scratch;
  internal::Txn txn(impl, &scratch, /*cache=*/nullptr, snapshot, as_of);
  Checker checker(txn, internal::TenantPrefix(request.tenant()), now);
  absl::Status status = checker.Run();
  impl.db()->ReleaseSnapshot(snapshot);
  if (!status.ok()) return status;
  return checker.TakeResponse();
}

}  // namespace cti::projections
