// KafkaKeyExchange: the KeyExchange of replicas on a Kafka log (key_exchange.h): a topic
// of its own beside the log's (--kafka-keys-topic, default "<topic>-keys"), of which
// partition 0 is used, compacted (cleanup.policy=compact), so that Kafka keeps one
// value per key and drops an erased key's bytes at its next compaction
// (deploy/README.md has the topic's settings).
//
// Records: message key and value as ExchangeKeyOf says; a tombstone has no value. The
// order of a record is its offset + 1.
//
// Publish produces with acks=all from an idempotent producer of its own and returns
// once every record has its delivery report: durable on every in-sync replica.
// A consumer thread (assign()ed at the vault's ExchangeOffset, no consumer group) hands
// what it reads to KeyVault::Learn in batches; CatchUp asks the partition's high
// watermark, then waits until the thread has handed everything below it.
//
// Keys on this topic open the log's personal data: the topic must be readable only by
// ctid's Kafka principal (ACLs), as the data directory's `keys` is only by its user.
//
// Concurrency: thread-safe. Errors: UNAVAILABLE with librdkafka's words when the cluster
// cannot be reached within `timeout`.
#ifndef CTI_SERVER_PRIVACY_KAFKA_KEY_EXCHANGE_H_
#define CTI_SERVER_PRIVACY_KAFKA_KEY_EXCHANGE_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/privacy/key_exchange.h"

namespace RdKafka {
class KafkaConsumer;
class Producer;
}  // namespace RdKafka

namespace cti::server::privacy {

class KeyVault;

struct KafkaKeyExchangeOptions {
  // bootstrap.servers. Required.
  std::string brokers;
  // The keys topic. Required; it must exist.
  std::string topic;
  // Further librdkafka properties (TLS, SASL: the log's --kafka-property).
  std::map<std::string, std::string> properties;
  // Longest wait of Publish for its acknowledgements and of CatchUp for the records.
  absl::Duration timeout = absl::Seconds(10);
};

class KafkaKeyExchange final : public KeyExchange {
 public:
  // Connects (the producer, and the topic's metadata within `timeout`). NOT_FOUND when
  // the topic does not exist.
  static absl::StatusOr<std::unique_ptr<KafkaKeyExchange>> Open(KafkaKeyExchangeOptions options);
  ~KafkaKeyExchange() override;
  KafkaKeyExchange(const KafkaKeyExchange&) = delete;
  KafkaKeyExchange& operator=(const KafkaKeyExchange&) = delete;

  // Starts handing the topic's records to `vault` (which must outlive the exchange, or
  // Stop be called first) from where it left off. Once.
  absl::Status Start(KeyVault* vault);
  // Stops the consumer thread. Idempotent.
  void Stop();

  absl::Status Publish(const std::vector<ExchangedKey>& records) override;
  absl::Status CatchUp() override;

 private:
  struct Delivery;
  class Reports;
  explicit KafkaKeyExchange(KafkaKeyExchangeOptions options);
  void Consume(KeyVault* vault, std::unique_ptr<RdKafka::KafkaConsumer> consumer);

  const KafkaKeyExchangeOptions options_;
  std::unique_ptr<Reports> reports_;
  std::unique_ptr<RdKafka::Producer> producer_;
  std::atomic<bool> stopping_{false};       // the poller's
  std::atomic<bool> stop_consumer_{false};  // the consumer's
  std::thread poller_;
  std::thread consumer_;

  absl::Mutex mu_;
  // The offset below which every record has been handed to the vault.
  uint64_t handed_ ABSL_GUARDED_BY(mu_) = 0;
  // The consumer's last error, for CatchUp's answer when it times out.
  std::string consume_error_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cti::server::privacy

#endif  // CTI_SERVER_PRIVACY_KAFKA_KEY_EXCHANGE_H_
