#include "server/access.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/rate_limit.h"
#include "server/service_deps.h"

namespace cti::server {
namespace {

using cti::v1::Role;

constexpr uint32_t Bit(Role role) { return 1u << static_cast<unsigned>(role); }

constexpr uint32_t kSoftphone = Bit(cti::v1::ROLE_SOFTPHONE);
constexpr uint32_t kReception = Bit(cti::v1::ROLE_RECEPTION);
constexpr uint32_t kAdmin = Bit(cti::v1::ROLE_ADMIN);
constexpr uint32_t kDirector = Bit(cti::v1::ROLE_DIRECTOR);
constexpr uint32_t kAuditor = Bit(cti::v1::ROLE_AUDITOR);
constexpr uint32_t kSystem = Bit(cti::v1::ROLE_SYSTEM);
constexpr uint32_t kEveryone = kSoftphone | kReception | kAdmin | kDirector | kAuditor | kSystem;
// Those who read a tenant's calls, messages and callbacks: reception and the people who
// answer for the service (TP-6, TP-7).
constexpr uint32_t kCallReaders = kReception | kAdmin | kDirector | kAuditor;

// One row per RPC, in Rpc order. Why each row is as it is:
// - Ping: a liveness check for anyone identified.
// - GetStatus, Rebuild, Backup: operators of the server (every tenant); Rebuild and
//   Backup change or copy everything, so admin and system only.
// - Audit: history is read by auditors, admins and directors; reception and phones do
//   not replay the log.
// - Calls: the live queue is also the softphone's; callbacks, voicemail duty and counts
//   are reception's and its managers' work lists.
// - Directory and Route: everyone who takes or places a call looks people up and asks
//   where a call goes; Check (the TP-4.8 report) is for those who fix the routes.
// - Append: everyone but the auditor, who only reads (DESIGN.md); Subscribe: everyone.
constexpr std::array<AccessRule, kRpcCount> kAccessMatrix = {{
    {Rpc::kAdminGetStatus, "/cti.v1.AdminService/GetStatus", Scope::kServer,
     kAdmin | kDirector | kAuditor | kSystem},
    {Rpc::kAdminRebuild, "/cti.v1.AdminService/Rebuild", Scope::kServer, kAdmin | kSystem},
    {Rpc::kAdminBackup, "/cti.v1.AdminService/Backup", Scope::kServer, kAdmin | kSystem},
    {Rpc::kAdminPing, "/cti.v1.AdminService/Ping", Scope::kAnyone, kEveryone},
    {Rpc::kAuditReplay, "/cti.v1.AuditService/Replay", Scope::kTenant,
     kAuditor | kAdmin | kDirector},
    {Rpc::kAuditRouteAsOf, "/cti.v1.AuditService/RouteAsOf", Scope::kTenant,
     kAuditor | kAdmin | kDirector},
    {Rpc::kAuditComplianceReport, "/cti.v1.AuditService/ComplianceReport", Scope::kTenant,
     kAuditor | kAdmin | kDirector},
    {Rpc::kCallListLiveCalls, "/cti.v1.CallService/ListLiveCalls", Scope::kTenant,
     kCallReaders | kSoftphone},
    {Rpc::kCallListCallbacks, "/cti.v1.CallService/ListCallbacks", Scope::kTenant, kCallReaders},
    {Rpc::kCallGetVoicemailDuty, "/cti.v1.CallService/GetVoicemailDuty", Scope::kTenant,
     kCallReaders},
    {Rpc::kCallListCallCounts, "/cti.v1.CallService/ListCallCounts", Scope::kTenant, kCallReaders},
    {Rpc::kDirectorySearch, "/cti.v1.DirectoryService/Search", Scope::kTenant, kEveryone},
    {Rpc::kDirectoryGetEmployee, "/cti.v1.DirectoryService/GetEmployee", Scope::kTenant, kEveryone},
    {Rpc::kDirectoryGetUnit, "/cti.v1.DirectoryService/GetUnit", Scope::kTenant, kEveryone},
    {Rpc::kEventAppend, "/cti.v1.EventService/Append", Scope::kTenant, kEveryone & ~kAuditor},
    {Rpc::kEventAppendBatch, "/cti.v1.EventService/AppendBatch", Scope::kTenant,
     kEveryone & ~kAuditor},
    {Rpc::kEventSubscribe, "/cti.v1.EventService/Subscribe", Scope::kTenant, kEveryone},
    {Rpc::kRouteRoute, "/cti.v1.RouteService/Route", Scope::kTenant, kEveryone},
    {Rpc::kRouteCheck, "/cti.v1.RouteService/Check", Scope::kTenant,
     kReception | kAdmin | kDirector | kAuditor | kSystem},
}};

constexpr bool InRpcOrder() {
  for (size_t i = 0; i < kAccessMatrix.size(); ++i) {
    if (static_cast<size_t>(kAccessMatrix[i].rpc) != i) return false;
  }
  return true;
}
static_assert(InRpcOrder(), "kAccessMatrix rows must be in Rpc order");

std::string RoleName(Role role) {
  std::string name = cti::v1::Role_Name(role);
  return name.empty() ? absl::StrCat(static_cast<int>(role)) : name;
}

std::string AllowedRoles(const AccessRule& rule) {
  std::vector<std::string> names;
  for (int r = cti::v1::Role_MIN; r <= cti::v1::Role_MAX; ++r) {
    if (rule.Allows(static_cast<Role>(r))) names.push_back(RoleName(static_cast<Role>(r)));
  }
  return absl::StrJoin(names, ", ");
}

}  // namespace

const std::array<AccessRule, kRpcCount>& AccessMatrix() { return kAccessMatrix; }

absl::Status CheckAccess(const Caller& caller, Rpc rpc, absl::string_view tenant) {
  const AccessRule& rule = kAccessMatrix[static_cast<size_t>(rpc)];
  if (!rule.Allows(caller.actor.role())) {
    return absl::PermissionDeniedError(absl::StrCat(rule.method, " is not for ", caller.actor.id(),
                                                    " (", RoleName(caller.actor.role()),
                                                    "); it is for ", AllowedRoles(rule)));
  }
  const bool server_wide = rule.scope == Scope::kServer && tenant.empty();
  if (server_wide && !caller.all_tenants) {
    return absl::PermissionDeniedError(
        absl::StrCat(rule.method, " without a tenant covers every tenant; ", caller.actor.id(),
                     " may only use tenant(s) ", absl::StrJoin(caller.tenants, ", ")));
  }
  if (rule.scope != Scope::kAnyone && !tenant.empty() && !caller.MayUse(tenant)) {
    return absl::PermissionDeniedError(absl::StrCat("tenant '", tenant, "': ", caller.actor.id(),
                                                    " may only use tenant(s) ",
                                                    absl::StrJoin(caller.tenants, ", ")));
  }
  return absl::OkStatus();
}

absl::StatusOr<Caller> Identify(const ServiceDeps& deps, const grpc::ServerContextBase& context) {
  absl::StatusOr<Caller> caller = deps.identity->Resolve(context);
  if (!caller.ok()) return caller.status();
  if (deps.limiter != nullptr) {
    if (absl::Status admitted = deps.limiter->Admit(caller->actor.id()); !admitted.ok()) {
      return admitted;
    }
  }
  return caller;
}

absl::StatusOr<Caller> Authorize(const ServiceDeps& deps, const grpc::ServerContextBase& context,
                                 Rpc rpc, absl::string_view tenant) {
  absl::StatusOr<Caller> caller = Identify(deps, context);
  if (!caller.ok()) return caller.status();
  if (absl::Status allowed = CheckAccess(*caller, rpc, tenant); !allowed.ok()) return allowed;
  return caller;
}

}  // namespace cti::server
