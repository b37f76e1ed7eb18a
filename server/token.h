// Bearer tokens of ctid's identities file (server/credentials.h): making one and the
// form it is stored in. A library of its own so that ctictl (`ctictl token new`) shares
// it without the server.
//
// Thread safety: both functions are safe to call from any thread.
#ifndef CTI_SERVER_TOKEN_H_
#define CTI_SERVER_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cti::server {

// "sha256:" and the lowercase hex SHA-256 of `token`, as the identities file stores it.
std::string TokenHash(absl::string_view token);

// A new random token: 32 bytes from OpenSSL's RAND_bytes, base64url without padding
// (43 characters).
absl::StatusOr<std::string> NewToken();

}  // namespace cti::server

#endif  // CTI_SERVER_TOKEN_H_
