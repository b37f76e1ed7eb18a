// Who may call ctid in production: bearer tokens and client certificates, mapped to an
// actor, a role and tenants by the identities file (ctid --identities FILE).
//
// The file holds one identity per line; blank lines and lines starting with # are
// skipped:
//   token sha256:<64 hex digits>  ACTOR  ROLE  TENANTS
//   cert  COMMON-NAME             ACTOR  ROLE  TENANTS
// - A token is stored only as the SHA-256 of the secret (`ctictl token new` makes a
//   random secret and prints its line). Tokens are 32 random bytes, so a plain hash is
//   enough: nobody can guess one from its hash.
// - A cert line matches a client certificate that the server's --tls-client-ca verified,
//   by the subject's common name (mutual TLS, for PBX adapters and replicas).
// - ACTOR is the id stamped on what the caller appends ([A-Za-z0-9._:@-], 1-64); ROLE a
//   role name (softphone, reception, admin, director, auditor, system); TENANTS a
//   comma-separated list of tenant ids, or * for every tenant (server operators).
// A malformed line makes the whole file refused, naming the line and the field: ctid
// does not start with half its identities, and a reload (SIGHUP) of a malformed file
// keeps the identities in use.
//
// Thread safety: Identities is immutable once parsed; the resolver is safe to share.
#ifndef CTI_SERVER_CREDENTIALS_H_
#define CTI_SERVER_CREDENTIALS_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "server/identity.h"
#include "server/token.h"

namespace cti::server {

// The request header a bearer token travels in: "authorization: Bearer <token>".
inline constexpr char kAuthorizationHeader[] = "authorization";

class Identities {
 public:
  // Parses the file's text; `source` names it in errors ("FILE:LINE: field: ...").
  static absl::StatusOr<Identities> Parse(absl::string_view text, absl::string_view source);
  // Reads and parses `path`. NOT_FOUND when it cannot be read.
  static absl::StatusOr<Identities> Load(const std::string& path);

  // The identity of a token by its hash ("sha256:<hex>"), or of a certificate by its
  // common name; nullptr when unknown.
  const Caller* ForTokenHash(absl::string_view hash) const;
  const Caller* ForCertificate(absl::string_view common_name) const;

  size_t size() const { return tokens_.size() + certificates_.size(); }

 private:
  absl::flat_hash_map<std::string, Caller> tokens_;
  absl::flat_hash_map<std::string, Caller> certificates_;
};

// Resolves a call's caller from its bearer token, else from its verified client
// certificate. UNAUTHENTICATED naming what was wrong: no credential, a malformed
// authorization header, an unknown token or certificate.
class CredentialIdentityResolver final : public IdentityResolver {
 public:
  explicit CredentialIdentityResolver(std::shared_ptr<const Identities> identities)
      : identities_(std::move(identities)) {}
  absl::StatusOr<Caller> Resolve(const grpc::ServerContextBase& context) const override;

  // Uses `identities` from now on (ctid reloads its file on SIGHUP); calls already
  // resolved keep their caller.
  void Replace(std::shared_ptr<const Identities> identities);

 private:
  std::shared_ptr<const Identities> Current() const;

  mutable absl::Mutex mu_;
  std::shared_ptr<const Identities> identities_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cti::server

#endif  // CTI_SERVER_CREDENTIALS_H_
