// How ctictl reaches ctid: the global options every command shares, one gRPC channel
// with the cti.v1 stubs, and client contexts that carry the caller's identity.
//
// The identity travels as a bearer token ("authorization: Bearer ...", for a ctid with
// --identities) or, without a token, as the development headers "x-cti-actor" and
// "x-cti-role" (a ctid with --insecure-dev-identity). The channel uses TLS with --tls or
// --tls-ca (and a client certificate with --tls-cert/--tls-key), else plaintext.
#ifndef CTI_CLIENTS_CTICTL_CONNECTION_H_
#define CTI_CLIENTS_CTICTL_CONNECTION_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <ostream>
#include <string>

#include "absl/strings/string_view.h"
#include "cti/v1/admin_service.grpc.pb.h"
#include "cti/v1/audit_service.grpc.pb.h"
#include "cti/v1/call_service.grpc.pb.h"
#include "cti/v1/directory_service.grpc.pb.h"
#include "cti/v1/event_service.grpc.pb.h"
#include "cti/v1/route_service.grpc.pb.h"

namespace cti::ctictl {

// Options given before (or after) any command; see `ctictl --help`.
struct GlobalOptions {
  // host:port of ctid.
  std::string server = "127.0.0.1:7878";
  // The tenant (municipality) every request is about.
  std::string tenant = "demo";
  // Who the caller is (x-cti-actor).
  std::string actor = "ctictl";
  // The role the caller acts in (x-cti-role), e.g. "admin".
  std::string role = "admin";
  // Deadline of each unary call, in seconds. Streams (watch, rebuild) have none.
  double timeout_seconds = 10;
  // Bearer token; when set, actor and role are not sent (the server knows them).
  std::string token;
  // TLS: on when `tls` or a CA is given. PEM texts (LoadCredentialFiles fills them from
  // the files named by the flags); an empty CA means the system's CAs.
  bool tls = false;
  std::string tls_ca_pem;
  std::string tls_cert_pem;
  std::string tls_key_pem;
  // The name the server's certificate must hold, when not the --server host.
  std::string tls_server_name;
};

// One channel to ctid and the stubs on it. Creating it does not connect; the first call
// does. Thread-safe like the gRPC stubs it holds.
class Connection {
 public:
  explicit Connection(GlobalOptions options);

  const GlobalOptions& options() const { return options_; }

  // A fresh context for one call, with the identity metadata and, when `with_deadline`,
  // a deadline of options().timeout_seconds from now.
  std::unique_ptr<grpc::ClientContext> NewContext(bool with_deadline) const;

  cti::v1::EventService::Stub& events() { return *events_; }
  cti::v1::DirectoryService::Stub& directory() { return *directory_; }
  cti::v1::AdminService::Stub& admin() { return *admin_; }
  cti::v1::CallService::Stub& calls() { return *calls_; }
  cti::v1::RouteService::Stub& route() { return *route_; }
  cti::v1::AuditService::Stub& audit() { return *audit_; }

 private:
  GlobalOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<cti::v1::EventService::Stub> events_;
  std::unique_ptr<cti::v1::DirectoryService::Stub> directory_;
  std::unique_ptr<cti::v1::AdminService::Stub> admin_;
  std::unique_ptr<cti::v1::CallService::Stub> calls_;
  std::unique_ptr<cti::v1::RouteService::Stub> route_;
  std::unique_ptr<cti::v1::AuditService::Stub> audit_;
};

// Prints "ctictl: <what>: <CODE>: <message>" to `err` and answers the exit code for the
// status (ExitCodeFor).
int ReportRpcError(std::ostream& err, absl::string_view what, const grpc::Status& status);

}  // namespace cti::ctictl

#endif  // CTI_CLIENTS_CTICTL_CONNECTION_H_
