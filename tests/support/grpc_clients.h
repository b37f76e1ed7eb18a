// gRPC client helpers for the tests: channels that carry a caller identity, contexts with
// deadlines, and small clients for grpc.health.v1 and server reflection.
//
// Identity travels as metadata "x-cti-actor" / "x-cti-role" (a ctid started with
// --insecure-dev-identity trusts them) or as a bearer token ("authorization: Bearer ...",
// for a ctid with --identities). A channel made by IdentityChannel adds it to every call
// through a client interceptor, so every stub made from that channel speaks as that
// caller.
//
// Thread safety: all functions are safe to call from any thread.
#ifndef CTI_TESTS_SUPPORT_GRPC_CLIENTS_H_
#define CTI_TESTS_SUPPORT_GRPC_CLIENTS_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace cti::test_support {

// Who is calling. Empty fields are not sent.
struct Identity {
  Identity(std::string actor_id = "", std::string role_name = "", std::string bearer = "")
      : actor(std::move(actor_id)), role(std::move(role_name)), token(std::move(bearer)) {}
  std::string actor;
  std::string role;
  std::string token;  // sent as "authorization: Bearer <token>"
};

// TLS for a channel: PEM texts. Empty ca_pem: plaintext.
struct ChannelTls {
  std::string ca_pem;       // the CA the server's certificate must chain to
  std::string cert_pem;     // a client certificate (mutual TLS); empty: none
  std::string key_pem;      // its key
  std::string server_name;  // the name the server's certificate must hold; empty: the host
};

// Common callers.
inline Identity Admin() { return {"it-drift", "admin", ""}; }
inline Identity Reception() { return {"reception-1", "reception", ""}; }
inline Identity Anonymous() { return {"", "", ""}; }

// A channel to `address` (host:port) whose calls carry `identity`; plaintext unless
// `tls` has a CA. `args` may tune the channel (e.g. flow-control window); nullptr for
// defaults.
std::shared_ptr<grpc::Channel> IdentityChannel(const std::string& address, const Identity& identity,
                                               const grpc::ChannelArguments* args = nullptr,
                                               const ChannelTls& tls = {});

// A client context whose deadline is `timeout` from now.
std::unique_ptr<grpc::ClientContext> Ctx(absl::Duration timeout = absl::Seconds(10));

// grpc.health.v1.Health/Check for `service` ("" = the whole server). Answers the
// status name ("SERVING", "NOT_SERVING", ...) or the RPC's error.
absl::StatusOr<std::string> HealthCheck(const std::shared_ptr<grpc::Channel>& channel,
                                        const std::string& service,
                                        absl::Duration timeout = absl::Seconds(5));

// The services listed by server reflection (grpc.reflection.v1alpha), sorted.
absl::StatusOr<std::vector<std::string>> ReflectionListServices(
    const std::shared_ptr<grpc::Channel>& channel);

// The method names of `service` (e.g. "cti.v1.EventService") from the file descriptor
// that reflection answers for it.
absl::StatusOr<std::vector<std::string>> ReflectionServiceMethods(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& service);

// "CODE: message" for failure messages.
std::string Describe(const grpc::Status& status);

}  // namespace cti::test_support

#endif  // CTI_TESTS_SUPPORT_GRPC_CLIENTS_H_
