// Who is calling: the caller's identity as the server stamps it on every appended
// record (DESIGN.md, "Privacy and security").
//
// IdentityResolver is the seam the security issue replaces (tokens, mutual TLS). Today's
// MetadataIdentityResolver trusts two gRPC metadata headers:
//   x-cti-actor: the actor id, 1 to 64 characters from [A-Za-z0-9._:@-]
//   x-cti-role:  a Role name ("ROLE_ADMIN") or its short lowercase form ("admin")
//
// Example:
//   MetadataIdentityResolver resolver;
//   absl::StatusOr<cti::v1::Actor> actor = resolver.Resolve(*context);
//   if (!actor.ok()) return Finish(ToGrpcStatus(actor.status()));  // UNAUTHENTICATED
#ifndef CTI_SERVER_IDENTITY_H_
#define CTI_SERVER_IDENTITY_H_

#include <grpcpp/server_context.h>

#include <string_view>

#include "absl/status/statusor.h"
#include "cti/v1/common.pb.h"

namespace cti::server {

inline constexpr char kActorHeader[] = "x-cti-actor";
inline constexpr char kRoleHeader[] = "x-cti-role";

// Thread safety: implementations are safe to call from many threads at once.
class IdentityResolver {
 public:
  virtual ~IdentityResolver() = default;

  // The authenticated actor of the call (id and role; display_name may be empty).
  // UNAUTHENTICATED, naming the header or credential at fault, when the caller cannot
  // be identified.
  virtual absl::StatusOr<cti::v1::Actor> Resolve(const grpc::ServerContextBase& context) const = 0;
};

// Trusts the x-cti-actor and x-cti-role metadata headers (no authentication yet).
class MetadataIdentityResolver final : public IdentityResolver {
 public:
  absl::StatusOr<cti::v1::Actor> Resolve(const grpc::ServerContextBase& context) const override;
};

// Parses a role as accepted in x-cti-role: the enum name ("ROLE_RECEPTION") or the
// short lowercase name ("reception"). ROLE_UNSPECIFIED is refused. INVALID_ARGUMENT
// naming the value otherwise.
absl::StatusOr<cti::v1::Role> ParseRole(std::string_view text);

}  // namespace cti::server

#endif  // CTI_SERVER_IDENTITY_H_
