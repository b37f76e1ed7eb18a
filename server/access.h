// Who may call what: the one role × RPC matrix of ctid (issue 7), and the guard every
// handler passes first.
//
// Each RPC has one row: the roles that may call it and its scope.
// - kTenant: the request names a tenant; the caller must hold that tenant.
// - kServer: server-wide (status of every tenant, rebuild, backup): the caller must hold
//   every tenant (an operator identity, `*` in the identities file).
// - kAnyone: any authenticated caller (Ping).
// A refusal is PERMISSION_DENIED naming the role or the tenant; a caller who cannot be
// identified gets UNAUTHENTICATED. Rules about payloads (only a director approves a
// reduction, TP-3.13, or an unmanned period, TP-4.7) are the projections' validation,
// on top of this.
//
// Example (a unary handler):
//   absl::StatusOr<Caller> caller = Authorize(deps_, *context, Rpc::kRoute, request->tenant());
//   if (!caller.ok()) return Refuse(context, caller.status());
#ifndef CTI_SERVER_ACCESS_H_
#define CTI_SERVER_ACCESS_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <array>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cti/v1/common.pb.h"
#include "server/identity.h"
#include "server/status_mapping.h"

namespace cti::server {

struct ServiceDeps;

// Every RPC ctid serves. Keep in step with kAccessMatrix (access_test checks both
// against the proto services).
enum class Rpc {
  kAdminGetStatus,
  kAdminRebuild,
  kAdminBackup,
  kAdminPing,
  kAuditReplay,
  kAuditRouteAsOf,
  kAuditComplianceReport,
  kCallListLiveCalls,
  kCallListCallbacks,
  kCallGetVoicemailDuty,
  kCallListCallCounts,
  kDirectorySearch,
  kDirectoryGetEmployee,
  kDirectoryGetUnit,
  kEventAppend,
  kEventAppendBatch,
  kEventSubscribe,
  kRouteRoute,
  kRouteCheck,
};
inline constexpr size_t kRpcCount = 19;

enum class Scope { kTenant, kServer, kAnyone };

struct AccessRule {
  Rpc rpc;
  // The full gRPC method name, e.g. "/cti.v1.RouteService/Route".
  absl::string_view method;
  Scope scope;
  // Bit (1 << Role) per role allowed.
  uint32_t roles;

  bool Allows(cti::v1::Role role) const {
    return role > 0 && role < 32 && (roles & (1u << static_cast<unsigned>(role))) != 0;
  }
};

// The matrix, indexed by Rpc.
const std::array<AccessRule, kRpcCount>& AccessMatrix();

// Resolves the caller of `context` and takes one call from its rate limit
// (deps.limiter, server/rate_limit.h). Errors: UNAUTHENTICATED, RESOURCE_EXHAUSTED.
absl::StatusOr<Caller> Identify(const ServiceDeps& deps, const grpc::ServerContextBase& context);

// Identify, then checks the matrix row of `rpc` for `tenant` (the
// request's tenant; empty for server-wide calls). kTenant rows with an empty tenant
// pass here: the handler refuses "tenant is required" itself. Errors: UNAUTHENTICATED
// (no or unknown credential), PERMISSION_DENIED (role or tenant).
absl::StatusOr<Caller> Authorize(const ServiceDeps& deps, const grpc::ServerContextBase& context,
                                 Rpc rpc, absl::string_view tenant);

// The same check for a caller already resolved.
absl::Status CheckAccess(const Caller& caller, Rpc rpc, absl::string_view tenant);

// Finishes a unary call with `status` and returns its reactor.
inline grpc::ServerUnaryReactor* Refuse(grpc::CallbackServerContext* context,
                                        const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

// A server stream that only finishes with `status` (deletes itself when done).
template <typename Message>
grpc::ServerWriteReactor<Message>* RefuseStream(const absl::Status& status) {
  class Refused final : public grpc::ServerWriteReactor<Message> {
   public:
    explicit Refused(const absl::Status& status) { this->Finish(ToGrpcStatus(status)); }
    void OnDone() override { delete this; }
  };
  return new Refused(status);
}

}  // namespace cti::server

#endif  // CTI_SERVER_ACCESS_H_
