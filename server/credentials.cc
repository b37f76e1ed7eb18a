#include "server/credentials.h"

#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "projections/internal/shape.h"

namespace cti::server {
namespace {

constexpr absl::string_view kHashPrefix = "sha256:";
constexpr absl::string_view kBearer = "Bearer ";

bool IsLowerHex(absl::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)) && (c < 'a' || c > 'f')) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<Identities> Identities::Parse(absl::string_view text, absl::string_view source) {
  Identities identities;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || absl::StartsWith(line, "#")) continue;
    const std::string where = absl::StrCat(source, ":", number, ": ");
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (fields.size() != 5) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, "expected 5 fields (token|cert, credential, actor, role, tenants), got ",
          fields.size()));
    }
    const absl::string_view kind = fields[0];
    if (kind != "token" && kind != "cert") {
      return absl::InvalidArgumentError(
          absl::StrCat(where, "kind: '", kind, "' is neither token nor cert"));
    }
    std::string key(fields[1]);
    if (kind == "token") {
      absl::string_view hex = fields[1];
      if (!absl::ConsumePrefix(&hex, kHashPrefix) || hex.size() != 64 || !IsLowerHex(hex)) {
        return absl::InvalidArgumentError(absl::StrCat(
            where,
            "credential: a token is given as sha256: and 64 lowercase hex digits (the hash, "
            "never the token itself; ctictl token new prints the line)"));
      }
    }
    Caller caller;
    if (absl::Status valid = CheckActorId(fields[2]); !valid.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, "actor: '", fields[2], "' ", valid.message()));
    }
    caller.actor.set_id(std::string(fields[2]));
    absl::StatusOr<cti::v1::Role> role = ParseRole(std::string(fields[3]));
    if (!role.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(where, "role: ", role.status().message()));
    }
    caller.actor.set_role(*role);
    if (fields[4] == "*") {
      caller.all_tenants = true;
    } else {
      for (absl::string_view tenant : absl::StrSplit(fields[4], ',')) {
        if (!cti::projections::internal::IsValidId(tenant)) {
          return absl::InvalidArgumentError(
              absl::StrCat(where, "tenants: '", tenant,
                           "' is not a tenant id (1-64 of [A-Za-z0-9._:-]; * for every tenant)"));
        }
        caller.tenants.emplace_back(tenant);
      }
    }
    auto& table = kind == "token" ? identities.tokens_ : identities.certificates_;
    if (!table.emplace(key, std::move(caller)).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, "credential: ", key, " is given twice in ", source));
    }
  }
  return identities;
}

absl::StatusOr<Identities> Identities::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read identities file ", path));
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path);
}

const Caller* Identities::ForTokenHash(absl::string_view hash) const {
  auto it = tokens_.find(hash);
  return it == tokens_.end() ? nullptr : &it->second;
}

const Caller* Identities::ForCertificate(absl::string_view common_name) const {
  auto it = certificates_.find(common_name);
  return it == certificates_.end() ? nullptr : &it->second;
}

void CredentialIdentityResolver::Replace(std::shared_ptr<const Identities> identities) {
  absl::MutexLock lock(&mu_);
  identities_ = std::move(identities);
}

std::shared_ptr<const Identities> CredentialIdentityResolver::Current() const {
  absl::ReaderMutexLock lock(&mu_);
  return identities_;
}

absl::StatusOr<Caller> CredentialIdentityResolver::Resolve(
    const grpc::ServerContextBase& context) const {
  const std::shared_ptr<const Identities> identities = Current();
  const auto& metadata = context.client_metadata();
  auto [begin, end] = metadata.equal_range(kAuthorizationHeader);
  if (begin != end) {
    absl::string_view value(begin->second.data(), begin->second.size());
    if (std::next(begin) != end) {
      return absl::UnauthenticatedError("metadata header authorization given more than once");
    }
    if (!absl::ConsumePrefix(&value, kBearer) || value.empty()) {
      return absl::UnauthenticatedError(
          "metadata header authorization: expected \"Bearer <token>\"");
    }
    const Caller* caller = identities->ForTokenHash(TokenHash(value));
    if (caller == nullptr) {
      return absl::UnauthenticatedError(
          "the bearer token is not in this server's identities file (revoked, or for another "
          "server)");
    }
    return *caller;
  }
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth != nullptr && auth->IsPeerAuthenticated()) {
    for (const grpc::string_ref& name : auth->FindPropertyValues("x509_common_name")) {
      const absl::string_view common_name(name.data(), name.size());
      if (const Caller* caller = identities->ForCertificate(common_name)) return *caller;
      return absl::UnauthenticatedError(absl::StrCat("client certificate CN=", common_name,
                                                     " is not in this server's identities file"));
    }
  }
  return absl::UnauthenticatedError(
      "no credential: send \"authorization: Bearer <token>\" or a client certificate");
}

}  // namespace cti::server
