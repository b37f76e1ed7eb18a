#include "server/privacy/key_exchange.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "server/privacy/key_vault.h"

namespace cti::server::privacy {

// Message key: a tag ('k' key, 's' secret candidate), one length byte and the tenant,
// then for 'k' the subject, NUL and the key id, for 's' the candidate id. Value: the
// raw key or secret; none for a tombstone.
std::string ExchangeKeyOf(const ExchangedKey& record) {
  std::string key(1, record.kind == ExchangedKey::Kind::kKey ? 'k' : 's');
  const size_t tenant_size = std::min<size_t>(record.tenant.size(), 255);
  key.push_back(static_cast<char>(tenant_size));
  key.append(record.tenant, 0, tenant_size);
  if (record.kind == ExchangedKey::Kind::kKey) {
    absl::StrAppend(&key, record.subject, absl::string_view("\0", 1));
  }
  key.append(record.id);
  return key;
}

absl::StatusOr<ExchangedKey> ParseExchanged(absl::string_view key, absl::string_view value) {
  auto invalid = [](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("a key exchange record ", why));
  };
  if (key.size() < 2 || (key[0] != 'k' && key[0] != 's')) return invalid("has an unknown tag");
  ExchangedKey record;
  record.kind = key[0] == 'k' ? ExchangedKey::Kind::kKey : ExchangedKey::Kind::kSecretCandidate;
  const size_t tenant_size = static_cast<unsigned char>(key[1]);
  if (tenant_size == 0 || key.size() < 2 + tenant_size + 1) return invalid("is too short");
  record.tenant = std::string(key.substr(2, tenant_size));
  absl::string_view rest = key.substr(2 + tenant_size);
  if (record.kind == ExchangedKey::Kind::kKey) {
    const size_t nul = rest.find('\0');
    if (nul == absl::string_view::npos || nul == 0 || nul + 1 == rest.size()) {
      return invalid("names no subject or key id");
    }
    record.subject = std::string(rest.substr(0, nul));
    record.id = std::string(rest.substr(nul + 1));
  } else {
    record.id = std::string(rest);
  }
  if (!value.empty() && value.size() != kKeyBytes) return invalid("holds a malformed key");
  if (value.empty() && record.kind != ExchangedKey::Kind::kKey) {
    return invalid("is a secret candidate without a secret");
  }
  record.value = std::string(value);
  return record;
}

}  // namespace cti::server::privacy
