#include "server/identity.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace cti::server {
namespace {

constexpr size_t kMaxActorLength = 64;

bool IsActorChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == ':' ||
         c == '-' || c == '@';
}

// The single value of `header`, or an UNAUTHENTICATED status naming it.
absl::StatusOr<std::string> SingleHeader(const grpc::ServerContextBase& context,
                                         const char* header) {
  const auto& metadata = context.client_metadata();
  auto [begin, end] = metadata.equal_range(header);
  if (begin == end) {
    return absl::UnauthenticatedError(absl::StrCat("missing metadata header ", header));
  }
  std::string value(begin->second.data(), begin->second.size());
  if (++begin != end) {
    return absl::UnauthenticatedError(
        absl::StrCat("metadata header ", header, " given more than once"));
  }
  return value;
}

}  // namespace

absl::StatusOr<cti::v1::Role> ParseRole(std::string_view text) {
  cti::v1::Role role = cti::v1::ROLE_UNSPECIFIED;
  std::string name(text);
  const bool is_lower_short =
      !name.empty() && absl::AsciiStrToLower(name) == name && name.find('_') == std::string::npos;
  if (is_lower_short) name = absl::StrCat("ROLE_", absl::AsciiStrToUpper(name));
  if (!cti::v1::Role_Parse(name, &role) || role == cti::v1::ROLE_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", absl::string_view(text.data(), text.size()),
                     "' is not a role (expected e.g. ROLE_ADMIN or admin, reception, softphone, "
                     "director, auditor, system)"));
  }
  return role;
}

absl::Status CheckActorId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxActorLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("must be 1 to ", kMaxActorLength, " characters"));
  }
  for (char c : id) {
    if (!IsActorChar(c)) {
      return absl::InvalidArgumentError("may only contain [A-Za-z0-9._:@-]");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Caller> MetadataIdentityResolver::Resolve(
    const grpc::ServerContextBase& context) const {
  absl::StatusOr<std::string> id = SingleHeader(context, kActorHeader);
  if (!id.ok()) return id.status();
  if (absl::Status valid = CheckActorId(*id); !valid.ok()) {
    return absl::UnauthenticatedError(
        absl::StrCat("metadata header ", kActorHeader, " ", valid.message()));
  }
  absl::StatusOr<std::string> role_text = SingleHeader(context, kRoleHeader);
  if (!role_text.ok()) return role_text.status();
  absl::StatusOr<cti::v1::Role> role = ParseRole(*role_text);
  if (!role.ok()) {
    return absl::UnauthenticatedError(
        absl::StrCat("metadata header ", kRoleHeader, ": ", role.status().message()));
  }
  Caller caller;
  caller.actor.set_id(*std::move(id));
  caller.actor.set_role(*role);
  caller.all_tenants = true;
  return caller;
}

}  // namespace cti::server
