// Who is calling: the caller's identity as the server stamps it on every appended
// record (DESIGN.md, "Privacy and security"), and the tenants it may touch.
//
// Two resolvers:
// - CredentialIdentityResolver (server/credentials.h): bearer tokens and client
//   certificates mapped to identities by the server's identities file. The default.
// - MetadataIdentityResolver: for local development only (ctid --insecure-dev-identity),
//   trusts two gRPC metadata headers and grants every tenant:
//     x-cti-actor: the actor id, 1 to 64 characters from [A-Za-z0-9._:@-]
//     x-cti-role:  a Role name ("ROLE_ADMIN") or its short lowercase form ("admin")
// What each identity may call is server/access.h's matrix.
//
// Example:
//   absl::StatusOr<Caller> caller = resolver.Resolve(*context);
//   if (!caller.ok()) return Finish(ToGrpcStatus(caller.status()));  // UNAUTHENTICATED
#ifndef CTI_SERVER_IDENTITY_H_
#define CTI_SERVER_IDENTITY_H_

#include <grpcpp/server_context.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cti/v1/common.pb.h"

namespace cti::server {

inline constexpr char kActorHeader[] = "x-cti-actor";
inline constexpr char kRoleHeader[] = "x-cti-role";

// An authenticated caller.
struct Caller {
  // Stamped on every record the caller appends (id and role; display_name may be empty).
  cti::v1::Actor actor;
  // The tenants the caller may read and write; with all_tenants, every tenant and the
  // server-wide operations (status, rebuild, backup).
  std::vector<std::string> tenants;
  bool all_tenants = false;

  bool MayUse(absl::string_view tenant) const {
    return all_tenants || std::find(tenants.begin(), tenants.end(), tenant) != tenants.end();
  }
};

// Thread safety: implementations are safe to call from many threads at once.
class IdentityResolver {
 public:
  virtual ~IdentityResolver() = default;

  // The authenticated caller. UNAUTHENTICATED, naming the header or credential at
  // fault, when the caller cannot be identified.
  virtual absl::StatusOr<Caller> Resolve(const grpc::ServerContextBase& context) const = 0;
};

// Trusts the x-cti-actor and x-cti-role metadata headers, every tenant: no
// authentication, for local development and tests only.
class MetadataIdentityResolver final : public IdentityResolver {
 public:
  absl::StatusOr<Caller> Resolve(const grpc::ServerContextBase& context) const override;
};

// Checks an actor id as the headers and the identities file accept it: 1 to 64
// characters from [A-Za-z0-9._:@-]. INVALID_ARGUMENT saying so otherwise.
absl::Status CheckActorId(absl::string_view id);

// Parses a role as accepted in x-cti-role: the enum name ("ROLE_RECEPTION") or the
// short lowercase name ("reception"). ROLE_UNSPECIFIED is refused. INVALID_ARGUMENT
// naming the value otherwise.
absl::StatusOr<cti::v1::Role> ParseRole(std::string_view text);

}  // namespace cti::server

#endif  // CTI_SERVER_IDENTITY_H_
