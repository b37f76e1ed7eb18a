// KeyExchange: how the replicas of one log share their key vaults (GDPR erasure by
// crypto-shredding with Kafka; kafka_key_exchange.h is the implementation, a compacted
// topic beside the log's).
//
// Every replica seals with keys it makes itself and must open records other replicas
// sealed, so every key a replica makes is published before anything sealed with it
// reaches the log, and every replica's vault learns every published key
// (KeyVault::Learn). Erasing a subject publishes a tombstone per key: every vault
// forgets the key, and the exchange forgets it too (compaction), so no copy is left.
// The tenant's pseudonym secret is agreed the same way: each replica that needs one and
// finds none publishes a candidate; the candidate earliest in the exchange's order wins
// everywhere.
//
// Contract of an implementation:
// - Publish returns OK only once the records are durable in the exchange: every
//   replica will be handed them, in one total order (ExchangedKey::order), by
//   KeyVault::Learn. On an error some may have been published; publishing the same
//   record again is harmless.
// - CatchUp returns OK only once every record any replica published before the call
//   began has been handed to this replica's vault. UNAVAILABLE when the exchange cannot
//   be reached within the implementation's timeout.
// - Thread-safe; neither method is called with the vault's lock held.
#ifndef CTI_SERVER_PRIVACY_KEY_EXCHANGE_H_
#define CTI_SERVER_PRIVACY_KEY_EXCHANGE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cti::server::privacy {

struct ExchangedKey {
  enum class Kind {
    kKey,              // a subject's key: subject, id = key_id, value = the key
    kSecretCandidate,  // a candidate pseudonym secret: id = candidate id, value = secret
  };
  Kind kind = Kind::kKey;
  std::string tenant;
  std::string subject;  // kKey only
  std::string id;
  // kKeyBytes bytes; empty: the key is erased (a tombstone; kKey only).
  std::string value;
  // The exchange's total order (set when handed to Learn; ignored by Publish).
  uint64_t order = 0;

  bool operator==(const ExchangedKey&) const = default;
};

// The exchange's message key and value of a record, and back: the same bytes in every
// implementation and release. The key is what compaction keeps one value of.
std::string ExchangeKeyOf(const ExchangedKey& record);
// INVALID_ARGUMENT for bytes no release wrote (a foreign record on the topic).
absl::StatusOr<ExchangedKey> ParseExchanged(absl::string_view key, absl::string_view value);

class KeyExchange {
 public:
  virtual ~KeyExchange() = default;
  virtual absl::Status Publish(const std::vector<ExchangedKey>& records) = 0;
  virtual absl::Status CatchUp() = 0;
};

}  // namespace cti::server::privacy

#endif  // CTI_SERVER_PRIVACY_KEY_EXCHANGE_H_
