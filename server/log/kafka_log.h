// KafkaLog: the EventLog backend on an Apache Kafka topic (the production log of record;
// DESIGN.md). Several ctid processes on one topic are replicas: each appends through the
// topic and folds all of it into its own projections.
//
// Mapping. The topic's partitions are the log's partitions; a tenant's partition is a
// stable hash of its name (FNV-1a 64 modulo the partition count, the same in every
// process and release), so one tenant's records have one order. A record's position is
// its Kafka offset + 1. Each record is one message: key = tenant, value = the serialized
// cti.v1.Event (recorded_at set by this log from the injected clock, never earlier than
// the one this process gave before), timestamp = recorded_at, headers "cti-event-type"
// (e.g. "call.offered", "staff.employee_hired"), "cti-schema-version" (decimal) and
// "cti-event-id". The producer compresses its batches with lz4 (compression.type; a
// --kafka-property may change it). kcat or any Kafka client can read the topic;
// `protoc --decode cti.v1.Event` or `ctictl decode` turns a value into text.
//
// Durability. The producer is idempotent with acks=all: an append is answered only from
// its delivery report, once every in-sync replica has the record; retries inside the
// producer never duplicate or reorder. An append the cluster does not acknowledge within
// `append_timeout` fails UNAVAILABLE with librdkafka's words (the broker's, where it
// gave some); it may still have been written (Kafka cannot say), so a retry must reuse
// the event_id: the projector drops the second copy at apply time (duplicate event_id).
//
// Idempotency on event_id. This log keeps no index of the topic: it answers every append
// as new. The server checks the projection before appending (a repeat of an applied
// record is answered from there), and the projector rejects a record whose event_id was
// already applied (two replicas appending the same event at once, a retry after a
// timeout): the final arbiter.
//
// Readers. OpenReader makes a KafkaConsumer that assign()s the one partition at the
// offset of `from` (no consumer group, no committed offsets: the projection stores its
// position in its own WriteBatch). Messages are taken in chunks (librdkafka's batch
// consume) and NextBatch parses them onto one arena per batch. The consumer's
// fetch.wait.max.ms is 5: the test broker answers an idle fetch only when that wait ends
// (a real broker answers as soon as a record arrives, so there it only sets how often an
// idle reader asks). A position no longer in the topic (retention, the test
// broker's ~5 MiB per partition) is DATA_LOSS naming it; a broker outage is UNAVAILABLE
// from Next with the client's words, and the reader may be retried.
//
// Concurrency. All EventLog methods are thread-safe. Append callbacks run on the log's
// delivery thread ("cti-kafka-dr"), which polls the producer; they must be quick.
// Destruction flushes for up to `close_timeout`, then answers what is left UNAVAILABLE
// "log closing".
#ifndef CTI_SERVER_LOG_KAFKA_LOG_H_
#define CTI_SERVER_LOG_KAFKA_LOG_H_

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/clock.h"
#include "server/log/event_log.h"

namespace RdKafka {
class Producer;
}  // namespace RdKafka

namespace cti::log {

struct KafkaLogOptions {
  // bootstrap.servers: "HOST:PORT,HOST:PORT". Required.
  std::string brokers;
  // The topic; it must exist (the log does not create topics). Required.
  std::string topic;
  // An append not acknowledged by the cluster within this fails UNAVAILABLE
  // (message.timeout.ms).
  absl::Duration append_timeout = absl::Seconds(10);
  // How long Open waits for the cluster's metadata.
  absl::Duration metadata_timeout = absl::Seconds(10);
  // EndPosition answers from the partitions' ends as a watcher thread last heard them
  // (asking every `end_refresh`), never waiting on the network: it runs on request
  // threads (Append asks it), which a broker outage must not hold. Ends older than
  // `end_staleness` are not answered: UNAVAILABLE (the cluster is out of reach).
  absl::Duration end_refresh = absl::Milliseconds(200);
  absl::Duration end_staleness = absl::Seconds(2);
  // How long the destructor flushes before it gives up on queued appends.
  absl::Duration close_timeout = absl::Seconds(5);
  // How long the producer gathers appends into one request (linger.ms): the group commit
  // of this backend.
  absl::Duration linger = absl::Milliseconds(1);
  // Further librdkafka properties for producer and readers alike (e.g.
  // security.protocol, ssl.ca.location), applied after the ones above.
  std::map<std::string, std::string> properties;
};

// The partition of `tenant` among `partitions` (FNV-1a 64 of the bytes, modulo).
int KafkaPartitionOf(std::string_view tenant, int partitions);

class KafkaLog final : public EventLog {
 public:
  // Connects and reads the topic's partition count. Errors: INVALID_ARGUMENT naming the
  // option (empty brokers or topic, a property librdkafka refuses); UNAVAILABLE with
  // librdkafka's words when the cluster does not answer within metadata_timeout;
  // NOT_FOUND when the topic does not exist. `clock` must outlive the log.
  static absl::StatusOr<std::unique_ptr<KafkaLog>> Open(KafkaLogOptions options, cti::Clock* clock);
  ~KafkaLog() override;

  std::string_view backend_name() const override { return "kafka"; }
  // "kafka topic NAME of cluster ID" (the cluster id Kafka reports, read at Open).
  std::string identity() const override {
    return "kafka topic " + options_.topic + " of cluster " + cluster_id_;
  }
  int partition_count() const override { return partitions_; }
  int PartitionOf(std::string_view tenant) const override {
    return KafkaPartitionOf(tenant, partitions_);
  }
  void AppendAsync(cti::v1::Event event, AppendCallback done) override;
  absl::StatusOr<uint64_t> EndPosition(int partition) override;
  absl::StatusOr<std::unique_ptr<LogReader>> OpenReader(int partition, uint64_t from) override;
  // FAILED_PRECONDITION: a replica keeps no log of its own to back up (see there).
  absl::StatusOr<std::vector<uint64_t>> Checkpoint(const std::string& dir) override;
  int64_t PendingAppends() const override;

  const KafkaLogOptions& options() const { return options_; }

 private:
  KafkaLog(KafkaLogOptions options, cti::Clock* clock);
  void PollLoop();
  void WatchEnds();
  // Every partition's end (high watermark) as the cluster answers now.
  absl::StatusOr<std::vector<uint64_t>> QueryEnds(absl::Duration timeout);

  const KafkaLogOptions options_;
  cti::Clock* const clock_;
  int partitions_ = 0;
  std::string cluster_id_;
  std::unique_ptr<RdKafka::Producer> producer_;
  class DeliveryReports;
  std::unique_ptr<DeliveryReports> reports_;
  std::atomic<bool> closing_{false};
  // Per partition, the position of the last record this log's appends were acknowledged
  // at: readers use it to know records are there before they fetched them.
  std::shared_ptr<std::vector<std::atomic<uint64_t>>> acked_end_;
  // Set when the log is destroyed: its readers then answer UNAVAILABLE.
  std::shared_ptr<std::atomic<bool>> closed_ = std::make_shared<std::atomic<bool>>(false);
  // The latest recorded_at given: later appends never get an earlier one, even when the
  // clock steps back (within this process; replicas' clocks are their own).
  absl::Mutex recorded_mu_;
  absl::Time last_recorded_at_ ABSL_GUARDED_BY(recorded_mu_) = absl::InfinitePast();
  std::thread poller_;
  // The partitions' ends as the watcher last heard them, and when.
  absl::Mutex ends_mu_;
  std::vector<uint64_t> ends_ ABSL_GUARDED_BY(ends_mu_);
  absl::Time ends_heard_ ABSL_GUARDED_BY(ends_mu_) = absl::InfinitePast();
  std::string ends_error_ ABSL_GUARDED_BY(ends_mu_);
  std::thread watcher_;
};

}  // namespace cti::log

#endif  // CTI_SERVER_LOG_KAFKA_LOG_H_
