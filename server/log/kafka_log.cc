#include "server/log/kafka_log.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <chrono>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "server/log/kafka_support.h"

namespace cti::log {
namespace {

constexpr char kTypeHeader[] = "cti-event-type";
constexpr char kSchemaHeader[] = "cti-schema-version";
constexpr char kEventIdHeader[] = "cti-event-id";

// One append on its way: what to call, and the recorded_at the event carries.
struct Pending {
  EventLog::AppendCallback done;
  absl::Time recorded_at;
};

class KafkaReader final : public LogReader {
 public:
  KafkaReader(std::unique_ptr<RdKafka::KafkaConsumer> consumer, std::string topic, int partition,
              uint64_t from, std::shared_ptr<const std::atomic<bool>> log_closed,
              std::shared_ptr<const std::vector<std::atomic<uint64_t>>> acked_end)
      : log_closed_(std::move(log_closed)),
        acked_end_(std::move(acked_end)),
        consumer_(std::move(consumer)),
        queue_(rd_kafka_queue_get_consumer(consumer_->c_ptr())),
        topic_(std::move(topic)),
        partition_(partition),
        next_(from) {}
  ~KafkaReader() override {
    if (queue_ != nullptr) rd_kafka_queue_destroy(queue_);
    if (consumer_ != nullptr) consumer_->close();
  }

  absl::StatusOr<std::vector<cti::v1::LogRecord>> Next(size_t max_records,
                                                       absl::Duration wait) override {
    std::vector<cti::v1::LogRecord> records;
    absl::Status status = Read(
        max_records, wait, [&records] { return &records.emplace_back(); },
        [&records] { records.pop_back(); });
    if (!status.ok() && records.empty()) return status;
    return records;
  }

  // Parsed onto one arena per batch: a replay's records are used once and dropped.
  absl::StatusOr<RecordBatch> NextBatch(size_t max_records, absl::Duration wait) override {
    RecordBatch batch;
    absl::Status status = Read(
        max_records, wait, [&batch] { return batch.AddOnArena(kArenaBlock); },
        [&batch] { batch.PopBack(); });
    if (!status.ok() && batch.empty()) return status;
    return batch;
  }

 private:
  // Messages taken from the consumer's queue per call (librdkafka's batch consume: one
  // queue lock and wake-up per chunk rather than per message).
  static constexpr size_t kChunk = 1024;
  // Arena blocks of a batch: below glibc's mmap threshold, so that a replay's batches
  // reuse heap memory rather than map (and fault in) fresh pages each time.
  static constexpr size_t kArenaBlock = 64 << 10;

  // Reads up to `max_records` records into records made by `add` (`drop` takes back the
  // last one when it cannot be decoded), waiting as Next says. On an error after some
  // records were read, those stay and the error is answered on the next call.
  template <typename Add, typename Drop>
  absl::Status Read(size_t max_records, absl::Duration wait, Add add, Drop drop) {
    if (log_closed_->load(std::memory_order_acquire)) {
      return absl::UnavailableError("log closed");
    }
    if (max_records == 0) return absl::InvalidArgumentError("max_records must be at least 1");
    if (!pending_error_.ok()) return std::exchange(pending_error_, absl::OkStatus());
    const absl::Time start = absl::Now();
    const absl::Time deadline = start + wait;
    // A reader opened past the end (or moved there) starts fetching once the partition
    // reaches its position: Kafka refuses a fetch beyond the end.
    while (!assigned_) {
      absl::StatusOr<bool> ready = AssignIfReached();
      if (!ready.ok()) return ready.status();
      if (*ready) break;
      if (absl::Now() >= deadline) return absl::OkStatus();
      absl::SleepFor(std::min(absl::Milliseconds(20), deadline - absl::Now()));
    }
    // Records the topic holds already are answered without the caller having to wait for
    // them (the contract of LogReader::Next), up to kCatchUpWait for their fetch. Only as
    // many are asked for as are known to be there (a batch consume waits to fill up).
    const absl::Time catch_up_deadline = start + kCatchUpWait;
    size_t read = 0;
    rd_kafka_message_t* messages[kChunk];
    while (read < max_records) {
      const uint64_t known = KnownEnd();
      const bool behind = known >= next_;
      const absl::Time now = absl::Now();
      absl::Duration timeout = absl::ZeroDuration();
      size_t want = std::min(kChunk, max_records - read);
      if (behind) {
        timeout = catch_up_deadline - now;
        want = static_cast<size_t>(std::min<uint64_t>(want, known - next_ + 1));
      } else if (read == 0) {
        timeout = deadline - now;
        want = 1;
      }
      const ssize_t got = rd_kafka_consume_batch_queue(
          queue_, KafkaMillis(std::max(timeout, absl::ZeroDuration())), messages, want);
      if (got < 0) {
        return KafkaError(static_cast<RdKafka::ErrorCode>(rd_kafka_last_error()),
                          absl::StrCat("kafka topic ", topic_, " partition ", partition_));
      }
      if (got == 0) break;  // timed out
      bool stop = false;
      absl::Status failed;
      for (ssize_t i = 0; i < got; ++i) {
        rd_kafka_message_t* message = messages[i];
        if (failed.ok() && !stop) {
          Take(*message, add, drop, &read, &stop, &failed, catch_up_deadline, deadline);
        }
        rd_kafka_message_destroy(message);
      }
      if (!failed.ok()) {
        if (read == 0) return failed;
        // A lost position or an undecodable record comes again; other errors pass.
        if (failed.code() == absl::StatusCode::kDataLoss) pending_error_ = failed;
        break;
      }
      if (stop) break;
    }
    return absl::OkStatus();
  }

  // One message of a batch: a record (parsed into add()), the partition's end, or an
  // error. Sets *stop when the read should end after this message, *failed when the
  // reader must answer an error (after the records read before it).
  template <typename Add, typename Drop>
  void Take(const rd_kafka_message_t& message, Add& add, Drop& drop, size_t* read, bool* stop,
            absl::Status* failed, absl::Time catch_up_deadline, absl::Time deadline) {
    const rd_kafka_resp_err_t code = message.err;
    if (code == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      // An end reached before a record we know of was fetched, or with time left to
      // wait for an append: go on.
      if (KnownEnd() >= next_ && absl::Now() < catch_up_deadline) return;
      if (*read == 0 && absl::Now() < deadline) return;
      *stop = true;
      return;
    }
    if (code == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET ||
        code == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE) {
      // Past the end: wait for the partition to get there. Before its start: lost.
      int64_t low = -1;
      int64_t high = -1;
      const RdKafka::ErrorCode asked = consumer_->query_watermark_offsets(
          topic_, partition_, &low, &high, KafkaMillis(kCatchUpWait));
      if (asked == RdKafka::ERR_NO_ERROR && static_cast<int64_t>(next_ - 1) > high) {
        consumer_->unassign();
        assigned_ = false;
        *stop = true;
        return;
      }
      *failed = absl::DataLossError(
          absl::StrCat("kafka topic ", topic_, " partition ", partition_, ": position ", next_,
                       " is no longer in the topic (", rd_kafka_message_errstr(&message), ")"));
      return;
    }
    if (code != RD_KAFKA_RESP_ERR_NO_ERROR) {
      // Answered when nothing was read; after records those are answered (the client
      // retries its fetches, and a lasting error comes again).
      if (*read > 0) {
        *stop = true;
        return;
      }
      *failed = KafkaError(static_cast<RdKafka::ErrorCode>(code),
                           absl::StrCat("kafka topic ", topic_, " partition ", partition_, ": ",
                                        rd_kafka_message_errstr(&message)));
      return;
    }
    const uint64_t position = static_cast<uint64_t>(message.offset) + 1;
    if (position < next_) return;  // re-delivered after a seek; already answered
    cti::v1::LogRecord* record = add();
    record->set_position(position);
    if (!record->mutable_event()->ParseFromArray(message.payload, static_cast<int>(message.len))) {
      drop();
      *failed = absl::DataLossError(absl::StrCat("kafka topic ", topic_, " partition ", partition_,
                                                 ": the record at position ", position,
                                                 " is not a cti.v1.Event"));
      return;
    }
    next_ = position + 1;
    ++*read;
  }

 public:
  // Longest a reader waits for the fetch of a record it knows the topic holds.
  static constexpr absl::Duration kCatchUpWait = absl::Seconds(5);

 private:
  // Assigns the partition at next_ once the partition holds next_ - 1 records (a fetch
  // at the end waits for the next record; beyond it Kafka answers out of range).
  absl::StatusOr<bool> AssignIfReached() {
    uint64_t end = (*acked_end_)[partition_].load(std::memory_order_acquire);
    if (end + 1 < next_) {
      int64_t low = -1;
      int64_t high = -1;
      const RdKafka::ErrorCode code = consumer_->query_watermark_offsets(
          topic_, partition_, &low, &high, KafkaMillis(kCatchUpWait));
      if (code != RdKafka::ERR_NO_ERROR) {
        return KafkaError(
            code, absl::StrCat("kafka topic ", topic_, " partition ", partition_, ": end offset"));
      }
      end = std::max<uint64_t>(end, high < 0 ? 0 : static_cast<uint64_t>(high));
    }
    if (end + 1 < next_) return false;
    std::unique_ptr<RdKafka::TopicPartition> at(
        RdKafka::TopicPartition::create(topic_, partition_, static_cast<int64_t>(next_ - 1)));
    std::vector<RdKafka::TopicPartition*> assignment = {at.get()};
    if (const RdKafka::ErrorCode code = consumer_->assign(assignment);
        code != RdKafka::ERR_NO_ERROR) {
      return KafkaError(code,
                        absl::StrCat("kafka assign of topic ", topic_, " partition ", partition_));
    }
    assigned_ = true;
    return true;
  }

  // The position of the last record the partition is known to hold (its high watermark,
  // as last fetched; asked of the cluster when none was fetched yet), or 0.
  uint64_t KnownEnd() {
    int64_t low = -1;
    int64_t high = -1;
    consumer_->get_watermark_offsets(topic_, partition_, &low, &high);
    if (high < 0 && !asked_end_) {
      asked_end_ = true;
      if (consumer_->query_watermark_offsets(topic_, partition_, &low, &high,
                                             KafkaMillis(kCatchUpWait)) != RdKafka::ERR_NO_ERROR) {
        high = -1;
      }
      remote_end_ = high;
    }
    if (high < 0) high = remote_end_;
    const uint64_t acked = (*acked_end_)[partition_].load(std::memory_order_acquire);
    return std::max<uint64_t>(acked, high < 0 ? 0 : static_cast<uint64_t>(high));
  }

  bool assigned_ = false;
  bool asked_end_ = false;
  absl::Status pending_error_;  // answered by the next read
  int64_t remote_end_ = -1;
  const std::shared_ptr<const std::atomic<bool>> log_closed_;
  const std::shared_ptr<const std::vector<std::atomic<uint64_t>>> acked_end_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  rd_kafka_queue_t* const queue_;  // the consumer's queue (its fetched messages)
  const std::string topic_;
  const int partition_;
  uint64_t next_;
};

}  // namespace

// Answers each delivery report from the message's opaque Pending.
class KafkaLog::DeliveryReports final : public RdKafka::DeliveryReportCb {
 public:
  // `acked_end` gets each acknowledged position (the highest per partition).
  void set_acked_end(std::vector<std::atomic<uint64_t>>* acked_end) { acked_end_ = acked_end; }

  void dr_cb(RdKafka::Message& message) override {
    std::unique_ptr<Pending> pending(static_cast<Pending*>(message.msg_opaque()));
    if (pending == nullptr) return;
    if (message.err() != RdKafka::ERR_NO_ERROR) {
      const bool purged = message.err() == RdKafka::ERR__PURGE_QUEUE ||
                          message.err() == RdKafka::ERR__PURGE_INFLIGHT;
      std::move(pending->done)(
          purged ? absl::UnavailableError("log closing")
                 : KafkaError(message.err(), absl::StrCat("kafka append not acknowledged (",
                                                          message.errstr(), ")")));
      return;
    }
    AppendResult result;
    result.position = static_cast<uint64_t>(message.offset()) + 1;
    result.recorded_at = pending->recorded_at;
    if (acked_end_ != nullptr && message.partition() >= 0 &&
        static_cast<size_t>(message.partition()) < acked_end_->size()) {
      std::atomic<uint64_t>& end = (*acked_end_)[static_cast<size_t>(message.partition())];
      uint64_t seen = end.load(std::memory_order_relaxed);
      while (seen < result.position &&
             !end.compare_exchange_weak(seen, result.position, std::memory_order_release)) {
      }
    }
    std::move(pending->done)(result);
  }

 private:
  std::vector<std::atomic<uint64_t>>* acked_end_ = nullptr;
};

int KafkaPartitionOf(std::string_view tenant, int partitions) {
  uint64_t hash = 14695981039346656037ull;
  for (const char c : tenant) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return partitions <= 1 ? 0 : static_cast<int>(hash % static_cast<uint64_t>(partitions));
}

KafkaLog::KafkaLog(KafkaLogOptions options, cti::Clock* clock)
    : options_(std::move(options)), clock_(clock), reports_(std::make_unique<DeliveryReports>()) {}

absl::StatusOr<std::unique_ptr<KafkaLog>> KafkaLog::Open(KafkaLogOptions options,
                                                         cti::Clock* clock) {
  if (options.brokers.empty()) return absl::InvalidArgumentError("--brokers: must not be empty");
  if (options.topic.empty()) return absl::InvalidArgumentError("--topic: must not be empty");
  std::unique_ptr<KafkaLog> log(new KafkaLog(std::move(options), clock));
  const KafkaLogOptions& o = log->options_;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"bootstrap.servers", o.brokers},
           {"enable.idempotence", "true"},
           {"acks", "all"},
           {"message.timeout.ms", std::to_string(std::max(1, KafkaMillis(o.append_timeout)))},
           {"linger.ms", std::to_string(KafkaMillis(o.linger))},
           {"message.max.bytes", std::to_string(5 << 20)},
           // Batches compressed on the way (the brokers keep them so): events are small
           // and alike, and lz4 is cheap to undo for the readers.
           {"compression.type", "lz4"},
           // Back within a second of a broker's return (librdkafka's default waits up to 10).
           {"reconnect.backoff.max.ms", "1000"},
           {"client.id", "ctid"}}) {
    if (absl::Status s = SetKafkaProperty(*conf, name, value); !s.ok()) return s;
  }
  if (absl::Status s = SetKafkaProperties(*conf, o.properties); !s.ok()) return s;
  std::string error;
  if (conf->set("dr_cb", log->reports_.get(), error) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(absl::StrCat("kafka dr_cb: ", error));
  }
  log->producer_.reset(RdKafka::Producer::create(conf.get(), error));
  if (log->producer_ == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("kafka producer: ", error));
  }

  // The partition count, from the cluster's metadata.
  std::string topic_error;
  std::unique_ptr<RdKafka::Topic> topic(
      RdKafka::Topic::create(log->producer_.get(), o.topic, nullptr, topic_error));
  if (topic == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("--topic ", o.topic, ": ", topic_error));
  }
  RdKafka::Metadata* raw = nullptr;
  const RdKafka::ErrorCode code =
      log->producer_->metadata(false, topic.get(), &raw, KafkaMillis(o.metadata_timeout));
  std::unique_ptr<RdKafka::Metadata> metadata(raw);
  if (code != RdKafka::ERR_NO_ERROR) {
    return KafkaError(code, absl::StrCat("kafka metadata of topic ", o.topic, " from ", o.brokers));
  }
  for (const RdKafka::TopicMetadata* t : *metadata->topics()) {
    if (t->topic() != o.topic) continue;
    if (t->err() != RdKafka::ERR_NO_ERROR) {
      return KafkaError(t->err(), absl::StrCat("kafka topic ", o.topic));
    }
    log->partitions_ = static_cast<int>(t->partitions()->size());
  }
  if (log->partitions_ == 0) {
    return absl::NotFoundError(absl::StrCat("kafka topic ", o.topic, " has no partitions on ",
                                            o.brokers, " (create it first)"));
  }
  log->acked_end_ =
      std::make_shared<std::vector<std::atomic<uint64_t>>>(static_cast<size_t>(log->partitions_));
  log->reports_->set_acked_end(log->acked_end_.get());
  log->cluster_id_ = log->producer_->clusterid(KafkaMillis(o.metadata_timeout));
  if (log->cluster_id_.empty()) {
    return absl::UnavailableError(
        absl::StrCat("kafka cluster at ", o.brokers, " did not tell its cluster id"));
  }
  // The ends as they are now, so that EndPosition answers from the start.
  absl::StatusOr<std::vector<uint64_t>> ends = log->QueryEnds(o.metadata_timeout);
  if (!ends.ok()) return ends.status();
  {
    absl::MutexLock lock(&log->ends_mu_);
    log->ends_ = *std::move(ends);
    log->ends_heard_ = absl::Now();
  }
  log->poller_ = std::thread([raw_log = log.get()] { raw_log->PollLoop(); });
  log->watcher_ = std::thread([raw_log = log.get()] { raw_log->WatchEnds(); });
  return log;
}

void KafkaLog::PollLoop() {
  pthread_setname_np(pthread_self(), "cti-kafka-dr");
  while (!closing_.load(std::memory_order_acquire)) producer_->poll(50);
}

absl::StatusOr<std::vector<uint64_t>> KafkaLog::QueryEnds(absl::Duration timeout) {
  std::vector<uint64_t> ends(static_cast<size_t>(partitions_));
  for (int p = 0; p < partitions_; ++p) {
    int64_t low = 0;
    int64_t high = 0;
    const RdKafka::ErrorCode code =
        producer_->query_watermark_offsets(options_.topic, p, &low, &high, KafkaMillis(timeout));
    if (code != RdKafka::ERR_NO_ERROR) {
      return KafkaError(code,
                        absl::StrCat("kafka end of topic ", options_.topic, " partition ", p));
    }
    ends[static_cast<size_t>(p)] = static_cast<uint64_t>(std::max<int64_t>(0, high));
  }
  return ends;
}

void KafkaLog::WatchEnds() {
  pthread_setname_np(pthread_self(), "cti-kafka-end");
  while (!closing_.load(std::memory_order_acquire)) {
    absl::StatusOr<std::vector<uint64_t>> ends = QueryEnds(options_.end_staleness);
    {
      absl::MutexLock lock(&ends_mu_);
      if (ends.ok()) {
        for (size_t p = 0; p < ends->size(); ++p) ends_[p] = std::max(ends_[p], (*ends)[p]);
        ends_heard_ = absl::Now();
      } else {
        ends_error_ = std::string(ends.status().message());
      }
      // Sleeps until the next refresh, or until the log closes.
      ends_mu_.AwaitWithTimeout(
          absl::Condition(
              +[](std::atomic<bool>* closing) { return closing->load(std::memory_order_acquire); },
              &closing_),
          options_.end_refresh);
    }
  }
}

KafkaLog::~KafkaLog() {
  closed_->store(true, std::memory_order_release);
  if (producer_ != nullptr && poller_.joinable()) {
    // Deliver what can be delivered, then answer the rest "log closing".
    producer_->flush(KafkaMillis(options_.close_timeout));
    producer_->purge(RdKafka::Producer::PURGE_QUEUE | RdKafka::Producer::PURGE_INFLIGHT);
    producer_->flush(KafkaMillis(options_.close_timeout));
    {
      absl::MutexLock lock(&ends_mu_);  // wakes the watcher
      closing_.store(true, std::memory_order_release);
    }
    poller_.join();
    if (watcher_.joinable()) watcher_.join();
    producer_->poll(0);  // reports that came after the thread stopped
  }
}

void KafkaLog::AppendAsync(cti::v1::Event event, AppendCallback done) {
  if (event.tenant().empty()) {
    std::move(done)(absl::InvalidArgumentError("tenant is required"));
    return;
  }
  if (event.event_id().empty()) {
    std::move(done)(absl::InvalidArgumentError("event_id is required"));
    return;
  }
  if (closing_.load(std::memory_order_acquire)) {
    std::move(done)(absl::UnavailableError("log closing"));
    return;
  }
  // recorded_at is taken and the record handed to the producer under one lock, so that
  // within a partition (one producer keeps its order) recorded_at never decreases. `done`
  // is never called under it (it may append again).
  auto pending = std::make_unique<Pending>(Pending{std::move(done), absl::InfinitePast()});
  RdKafka::ErrorCode code = RdKafka::ERR_NO_ERROR;
  {
    absl::MutexLock lock(&recorded_mu_);
    const absl::Time now = std::max(clock_->Now(), last_recorded_at_);
    const int64_t seconds = absl::ToUnixSeconds(now);
    event.mutable_recorded_at()->set_seconds(seconds);
    event.mutable_recorded_at()->set_nanos(
        static_cast<int32_t>(absl::ToInt64Nanoseconds(now - absl::FromUnixSeconds(seconds))));
    std::string value;
    if (!event.SerializeToString(&value)) {
      code = RdKafka::ERR__INVALID_ARG;
    } else {
      RdKafka::Headers* headers = RdKafka::Headers::create();
      headers->add(kTypeHeader, EventTypeOf(event));
      headers->add(kSchemaHeader, std::to_string(event.schema_version()));
      headers->add(kEventIdHeader, event.event_id());
      pending->recorded_at = now;
      const std::string& tenant = event.tenant();
      code = producer_->produce(options_.topic, PartitionOf(tenant), RdKafka::Producer::RK_MSG_COPY,
                                value.data(), value.size(), tenant.data(), tenant.size(),
                                absl::ToUnixMillis(now), headers, pending.get());
      if (code == RdKafka::ERR_NO_ERROR) {
        last_recorded_at_ = now;
        pending.release();  // the delivery report owns it now
      } else {
        delete headers;  // produce() frees them only when it succeeds
      }
    }
  }
  if (pending != nullptr) std::move(pending->done)(KafkaError(code, "kafka append refused"));
}

absl::StatusOr<uint64_t> KafkaLog::EndPosition(int partition) {
  if (partition < 0 || partition >= partitions_) {
    return absl::InvalidArgumentError(
        absl::StrCat("partition ", partition, " is not in 0..", partitions_ - 1));
  }
  const uint64_t acked =
      (*acked_end_)[static_cast<size_t>(partition)].load(std::memory_order_acquire);
  absl::MutexLock lock(&ends_mu_);
  const absl::Duration age = absl::Now() - ends_heard_;
  if (age > options_.end_staleness) {
    return absl::UnavailableError(absl::StrCat(
        "kafka topic ", options_.topic, ": the end of partition ", partition,
        " is not known (the cluster last answered ",
        ends_heard_ == absl::InfinitePast() ? std::string("never")
                                            : absl::StrCat(absl::FormatDuration(age), " ago"),
        ends_error_.empty() ? std::string() : absl::StrCat("; ", ends_error_), ")"));
  }
  return std::max(acked, ends_[static_cast<size_t>(partition)]);
}

absl::StatusOr<std::unique_ptr<LogReader>> KafkaLog::OpenReader(int partition, uint64_t from) {
  if (partition < 0 || partition >= partitions_) {
    return absl::InvalidArgumentError(
        absl::StrCat("partition ", partition, " is not in 0..", partitions_ - 1));
  }
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"bootstrap.servers", options_.brokers},
           // Required by the KafkaConsumer; never joined: partitions are assign()ed and
           // nothing is committed.
           {"group.id", "ctid-reader"},
           {"enable.auto.commit", "false"},
           {"enable.auto.offset.store", "false"},
           {"auto.offset.reset", "error"},
           {"enable.partition.eof", "true"},
           {"fetch.wait.max.ms", "5"},
           {"fetch.error.backoff.ms", "50"},
           {"reconnect.backoff.max.ms", "1000"},
           {"client.id", "ctid-reader"}}) {
    if (absl::Status s = SetKafkaProperty(*conf, name, value); !s.ok()) return s;
  }
  if (absl::Status s = SetKafkaProperties(*conf, options_.properties); !s.ok()) return s;
  std::string error;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf.get(), error));
  if (consumer == nullptr) return absl::InvalidArgumentError(absl::StrCat("kafka reader: ", error));
  return std::unique_ptr<LogReader>(new KafkaReader(std::move(consumer), options_.topic, partition,
                                                    std::max<uint64_t>(from, 1), closed_,
                                                    acked_end_));
}

int64_t KafkaLog::PendingAppends() const { return producer_->outq_len(); }

absl::StatusOr<std::vector<uint64_t>> KafkaLog::Checkpoint(const std::string& dir) {
  (void)dir;
  return absl::FailedPreconditionError(
      "with the Kafka log there is nothing to back up on a replica: its data directory "
      "is disposable (a new or emptied one is rebuilt from the topic at start); back up "
      "the Kafka cluster instead");
}

}  // namespace cti::log
