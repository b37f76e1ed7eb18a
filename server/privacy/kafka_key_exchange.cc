#include "server/privacy/kafka_key_exchange.h"

#include <librdkafka/rdkafkacpp.h>
#include <pthread.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/log/kafka_support.h"
#include "server/privacy/key_vault.h"
#include "spdlog/spdlog.h"

namespace cti::server::privacy {

using cti::log::KafkaError;
using cti::log::KafkaMillis;
using cti::log::SetKafkaProperties;
using cti::log::SetKafkaProperty;

namespace {
constexpr int kPartition = 0;
// Records handed to the vault per Learn at most.
constexpr size_t kLearnBatch = 1000;
}  // namespace

// What one Publish waits for: a delivery report per record.
struct KafkaKeyExchange::Delivery {
  absl::Mutex mu;
  size_t outstanding ABSL_GUARDED_BY(mu) = 0;
  absl::Status first_error ABSL_GUARDED_BY(mu);
};

// The producer's delivery reports; each message's opaque is a heap-held shared_ptr to its
// Publish's Delivery, freed here (a Publish that gave up waiting is not touched).
class KafkaKeyExchange::Reports final : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    std::unique_ptr<std::shared_ptr<Delivery>> held(
        static_cast<std::shared_ptr<Delivery>*>(message.msg_opaque()));
    if (held == nullptr) return;
    Delivery& delivery = **held;
    absl::MutexLock lock(&delivery.mu);
    if (message.err() != RdKafka::ERR_NO_ERROR && delivery.first_error.ok()) {
      delivery.first_error = KafkaError(message.err(), "publishing a key to the keys topic");
    }
    --delivery.outstanding;
  }
};

KafkaKeyExchange::KafkaKeyExchange(KafkaKeyExchangeOptions options)
    : options_(std::move(options)), reports_(std::make_unique<Reports>()) {}

absl::StatusOr<std::unique_ptr<KafkaKeyExchange>> KafkaKeyExchange::Open(
    KafkaKeyExchangeOptions options) {
  if (options.brokers.empty()) return absl::InvalidArgumentError("--brokers: must not be empty");
  if (options.topic.empty()) {
    return absl::InvalidArgumentError("--kafka-keys-topic: must not be empty");
  }
  std::unique_ptr<KafkaKeyExchange> exchange(new KafkaKeyExchange(std::move(options)));
  const KafkaKeyExchangeOptions& o = exchange->options_;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"bootstrap.servers", o.brokers},
           {"enable.idempotence", "true"},
           {"acks", "all"},
           {"message.timeout.ms", std::to_string(std::max(1, KafkaMillis(o.timeout)))},
           {"linger.ms", "0"},
           {"reconnect.backoff.max.ms", "1000"},
           {"client.id", "ctid-keys"}}) {
    if (absl::Status s = SetKafkaProperty(*conf, name, value); !s.ok()) return s;
  }
  if (absl::Status s = SetKafkaProperties(*conf, o.properties); !s.ok()) return s;
  std::string error;
  if (conf->set("dr_cb", exchange->reports_.get(), error) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(absl::StrCat("kafka dr_cb: ", error));
  }
  exchange->producer_.reset(RdKafka::Producer::create(conf.get(), error));
  if (exchange->producer_ == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("kafka keys producer: ", error));
  }
  int64_t low = 0;
  int64_t high = 0;
  if (const RdKafka::ErrorCode code = exchange->producer_->query_watermark_offsets(
          o.topic, kPartition, &low, &high, KafkaMillis(o.timeout));
      code != RdKafka::ERR_NO_ERROR) {
    return KafkaError(code, absl::StrCat("kafka keys topic ", o.topic,
                                         " (create it first: "
                                         "deploy/README.md)"));
  }
  exchange->poller_ = std::thread([raw = exchange.get()] {
    pthread_setname_np(pthread_self(), "cti-keys-dr");
    while (!raw->stopping_.load(std::memory_order_acquire)) raw->producer_->poll(50);
  });
  return exchange;
}

KafkaKeyExchange::~KafkaKeyExchange() {
  Stop();
  if (producer_ != nullptr) producer_->flush(KafkaMillis(options_.timeout));
  stopping_.store(true, std::memory_order_release);
  if (poller_.joinable()) poller_.join();
  // Reports not yet delivered free their opaques with the producer's purge.
  if (producer_ != nullptr) {
    producer_->purge(RdKafka::Producer::PURGE_QUEUE | RdKafka::Producer::PURGE_INFLIGHT);
    producer_->poll(0);
  }
}

absl::Status KafkaKeyExchange::Start(KeyVault* vault) {
  absl::StatusOr<uint64_t> from = vault->ExchangeOffset();
  if (!from.ok()) return from.status();
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"bootstrap.servers", options_.brokers},
           // Required by the KafkaConsumer; never joined (assign()) and nothing committed:
           // the vault stores the offset with what it learned.
           {"group.id", "ctid-keys"},
           {"enable.auto.commit", "false"},
           {"enable.auto.offset.store", "false"},
           {"auto.offset.reset", "earliest"},
           {"enable.partition.eof", "true"},
           {"fetch.wait.max.ms", "5"},
           {"fetch.error.backoff.ms", "50"},
           {"reconnect.backoff.max.ms", "1000"},
           {"client.id", "ctid-keys"}}) {
    if (absl::Status s = SetKafkaProperty(*conf, name, value); !s.ok()) return s;
  }
  if (absl::Status s = SetKafkaProperties(*conf, options_.properties); !s.ok()) return s;
  std::string error;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf.get(), error));
  if (consumer == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("kafka keys consumer: ", error));
  }
  std::unique_ptr<RdKafka::TopicPartition> at(
      RdKafka::TopicPartition::create(options_.topic, kPartition, static_cast<int64_t>(*from)));
  std::vector<RdKafka::TopicPartition*> assignment = {at.get()};
  if (const RdKafka::ErrorCode code = consumer->assign(assignment); code != RdKafka::ERR_NO_ERROR) {
    return KafkaError(code, absl::StrCat("kafka assign of keys topic ", options_.topic));
  }
  {
    absl::MutexLock lock(&mu_);
    handed_ = *from;
  }
  consumer_ = std::thread([this, vault, consumer = std::move(consumer)]() mutable {
    Consume(vault, std::move(consumer));
  });
  return absl::OkStatus();
}

void KafkaKeyExchange::Stop() {
  stop_consumer_.store(true, std::memory_order_release);
  if (consumer_.joinable()) consumer_.join();
}

void KafkaKeyExchange::Consume(KeyVault* vault, std::unique_ptr<RdKafka::KafkaConsumer> consumer) {
  pthread_setname_np(pthread_self(), "cti-keys-read");
  std::vector<ExchangedKey> batch;
  uint64_t next = 0;
  {
    absl::MutexLock lock(&mu_);
    next = handed_;
  }
  // Hands `batch` and the offset after it to the vault; on a failure (a full disk) the
  // consumer goes back to where the vault stands and reads again.
  auto hand = [&](uint64_t through) -> bool {
    if (batch.empty() && through <= next) return true;
    absl::Status learned = vault->Learn(batch, through);
    batch.clear();
    if (!learned.ok()) {
      spdlog::error("key vault: learning keys from the keys topic: {}; reading them again",
                    std::string(learned.message()));
      absl::MutexLock lock(&mu_);
      consume_error_ = std::string(learned.message());
      return false;
    }
    next = through;
    absl::MutexLock lock(&mu_);
    handed_ = std::max(handed_, through);
    consume_error_.clear();
    return true;
  };
  uint64_t read_through = next;  // offset after the last message taken into `batch`
  while (!stop_consumer_.load(std::memory_order_acquire)) {
    std::unique_ptr<RdKafka::Message> message(consumer->consume(100));
    bool flush = false;
    switch (message->err()) {
      case RdKafka::ERR_NO_ERROR: {
        const std::string key = message->key() == nullptr ? std::string() : *message->key();
        absl::StatusOr<ExchangedKey> record = ParseExchanged(
            key, absl::string_view(static_cast<const char*>(message->payload()), message->len()));
        if (record.ok()) {
          record->order = static_cast<uint64_t>(message->offset()) + 1;
          batch.push_back(*std::move(record));
        } else {
          spdlog::warn("keys topic {} offset {}: {} (skipped)", options_.topic, message->offset(),
                       std::string(record.status().message()));
        }
        read_through = static_cast<uint64_t>(message->offset()) + 1;
        flush = batch.size() >= kLearnBatch;
        break;
      }
      case RdKafka::ERR__PARTITION_EOF:
        read_through = std::max(read_through, static_cast<uint64_t>(message->offset()));
        flush = true;
        break;
      case RdKafka::ERR__TIMED_OUT:
        flush = true;
        break;
      default: {
        absl::MutexLock lock(&mu_);
        consume_error_ = message->errstr();
        flush = true;
      }
    }
    if (flush && !hand(read_through)) {
      // Back to what the vault holds.
      std::unique_ptr<RdKafka::TopicPartition> at(
          RdKafka::TopicPartition::create(options_.topic, kPartition, static_cast<int64_t>(next)));
      std::vector<RdKafka::TopicPartition*> assignment = {at.get()};
      consumer->assign(assignment);
      read_through = next;
      absl::SleepFor(absl::Milliseconds(200));
    }
  }
  hand(read_through);
  consumer->close();
}

absl::Status KafkaKeyExchange::Publish(const std::vector<ExchangedKey>& records) {
  if (records.empty()) return absl::OkStatus();
  auto delivery = std::make_shared<Delivery>();
  {
    absl::MutexLock lock(&delivery->mu);
    delivery->outstanding = records.size();
  }
  for (const ExchangedKey& record : records) {
    const std::string key = ExchangeKeyOf(record);
    auto* opaque = new std::shared_ptr<Delivery>(delivery);
    const RdKafka::ErrorCode code =
        producer_->produce(options_.topic, kPartition, RdKafka::Producer::RK_MSG_COPY,
                           record.value.empty() ? nullptr : const_cast<char*>(record.value.data()),
                           record.value.size(), key.data(), key.size(), 0, opaque);
    if (code != RdKafka::ERR_NO_ERROR) {
      delete opaque;
      absl::MutexLock lock(&delivery->mu);
      --delivery->outstanding;
      if (delivery->first_error.ok()) {
        delivery->first_error = KafkaError(code, "publishing a key to the keys topic");
      }
    }
  }
  absl::MutexLock lock(&delivery->mu);
  auto done = [d = delivery.get()]()
                  ABSL_EXCLUSIVE_LOCKS_REQUIRED(d->mu) { return d->outstanding == 0; };
  // message.timeout.ms is options_.timeout: every report comes within it.
  if (!delivery->mu.AwaitWithTimeout(absl::Condition(&done), options_.timeout + absl::Seconds(1))) {
    return absl::UnavailableError(absl::StrCat("kafka keys topic ", options_.topic,
                                               ": no acknowledgement within ",
                                               absl::FormatDuration(options_.timeout)));
  }
  return delivery->first_error;
}

absl::Status KafkaKeyExchange::CatchUp() {
  int64_t low = 0;
  int64_t high = 0;
  if (const RdKafka::ErrorCode code = producer_->query_watermark_offsets(
          options_.topic, kPartition, &low, &high, KafkaMillis(options_.timeout));
      code != RdKafka::ERR_NO_ERROR) {
    return KafkaError(code, absl::StrCat("kafka keys topic ", options_.topic, ": end offset"));
  }
  const uint64_t target = static_cast<uint64_t>(std::max<int64_t>(0, high));
  absl::MutexLock lock(&mu_);
  auto reached = [this, target]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return handed_ >= target; };
  if (!mu_.AwaitWithTimeout(absl::Condition(&reached), options_.timeout)) {
    return absl::UnavailableError(absl::StrCat(
        "kafka keys topic ", options_.topic, ": the keys up to offset ", target,
        " were not read within ", absl::FormatDuration(options_.timeout), " (read up to ", handed_,
        consume_error_.empty() ? "" : "; ", consume_error_, ")"));
  }
  return absl::OkStatus();
}

}  // namespace cti::server::privacy
