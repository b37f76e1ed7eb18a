// kafka_test_broker_test: the test broker as the Kafka tests and .ci/run use it, through
// KafkaBrokerProcess and librdkafka's C++ API: an idempotent acks=all producer, a
// consumer with assign() (no group commits), a broker outage and its recovery, and the
// command line's refusals.
#include <gtest/gtest.h>
#include <librdkafka/rdkafkacpp.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/support/kafka_broker_process.h"
#include "tests/support/subprocess.h"

namespace cti::test_support {
namespace {

constexpr char kTopic[] = "cti.events";
constexpr int kPartitions = 4;
constexpr int kMessages = 1000;
// Monday 4 November 2024 08:00 Copenhagen, ms since the epoch: the base of CreateTime.
constexpr int64_t kBaseTimestampMs = 1730703600000;

// What the i-th test message carries: partition i % 4, so offset i / 4 in it.
int32_t PartitionOf(int i) { return i % kPartitions; }
std::string KeyOf(int i) { return absl::StrCat("aabenraa-", i % 7); }
std::string PayloadOf(int i) {
  return absl::StrCat("call.offered #", i, ": Aabenraa Kommune, Borgerservice, Søndergård");
}

std::unique_ptr<RdKafka::Conf> MakeConf(const std::map<std::string, std::string>& settings) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string errstr;
  for (const auto& [name, value] : settings) {
    EXPECT_EQ(conf->set(name, value, errstr), RdKafka::Conf::CONF_OK) << name << ": " << errstr;
  }
  return conf;
}

struct Delivery {
  RdKafka::ErrorCode err;
  int32_t partition;
  int64_t offset;
};

// Delivery reports by message index (the msg_opaque).
class DeliveryRecorder : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    absl::MutexLock lock(&mu_);
    const auto index = static_cast<int>(reinterpret_cast<intptr_t>(message.msg_opaque()));
    deliveries_[index] = {message.err(), message.partition(), message.offset()};
  }
  std::map<int, Delivery> deliveries() {
    absl::MutexLock lock(&mu_);
    return deliveries_;
  }

 private:
  absl::Mutex mu_;
  std::map<int, Delivery> deliveries_ ABSL_GUARDED_BY(mu_);
};

// A producer at `bootstrap` with the given extra settings, reporting to `recorder`.
std::unique_ptr<RdKafka::Producer> MakeProducer(const std::string& bootstrap,
                                                std::map<std::string, std::string> settings,
                                                DeliveryRecorder* recorder) {
  settings.emplace("bootstrap.servers", bootstrap);
  settings.emplace("reconnect.backoff.ms", "50");
  settings.emplace("reconnect.backoff.max.ms", "500");
  std::unique_ptr<RdKafka::Conf> conf = MakeConf(settings);
  std::string errstr;
  EXPECT_EQ(conf->set("dr_cb", recorder, errstr), RdKafka::Conf::CONF_OK) << errstr;
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), errstr));
  EXPECT_NE(producer, nullptr) << errstr;
  return producer;
}

// Produces test messages [first, end) to their partitions, with key, headers and
// CreateTime; true when librdkafka queued all of them.
bool ProduceRange(RdKafka::Producer& producer, int first, int end) {
  for (int i = first; i < end; ++i) {
    const std::string key = KeyOf(i);
    std::string payload = PayloadOf(i);
    RdKafka::Headers* headers = RdKafka::Headers::create();
    headers->add("cti-event-type", "call.offered");
    headers->add("cti-seq", absl::StrCat(i));
    const RdKafka::ErrorCode err =
        producer.produce(kTopic, PartitionOf(i), RdKafka::Producer::RK_MSG_COPY, payload.data(),
                         payload.size(), key.data(), key.size(), kBaseTimestampMs + i, headers,
                         reinterpret_cast<void*>(static_cast<intptr_t>(i)));
    if (err != RdKafka::ERR_NO_ERROR) {
      delete headers;  // Ours again when produce fails.
      ADD_FAILURE() << "produce #" << i << ": " << RdKafka::err2str(err);
      return false;
    }
    producer.poll(0);
  }
  return true;
}

// Every message in [first, end) was delivered, at offset i / 4 of partition i % 4.
void ExpectDeliveredInOrder(const std::map<int, Delivery>& deliveries, int first, int end) {
  ASSERT_EQ(deliveries.size(), static_cast<size_t>(end - first));
  for (int i = first; i < end; ++i) {
    auto it = deliveries.find(i);
    ASSERT_NE(it, deliveries.end()) << "no delivery report for #" << i;
    ASSERT_EQ(it->second.err, RdKafka::ERR_NO_ERROR)
        << "#" << i << ": " << RdKafka::err2str(it->second.err);
    ASSERT_EQ(it->second.partition, PartitionOf(i)) << "#" << i;
    ASSERT_EQ(it->second.offset, i / kPartitions) << "#" << i;
  }
}

struct Record {
  int64_t offset;
  std::string key;
  std::string payload;
  std::map<std::string, std::string> headers;
  int64_t timestamp_ms;
  bool create_time;
};

std::string HeaderValue(const RdKafka::Headers::Header& header) {
  if (header.err() != RdKafka::ERR_NO_ERROR || header.value() == nullptr) return "";
  return std::string(static_cast<const char*>(header.value()), header.value_size());
}

// Reads every partition of kTopic from offset 0 with assign() until each holds
// `per_partition` records (or 30 s pass), without a group join or offset commits.
std::map<int32_t, std::vector<Record>> ReadAll(const std::string& bootstrap, size_t per_partition) {
  std::unique_ptr<RdKafka::Conf> conf = MakeConf({{"bootstrap.servers", bootstrap},
                                                  {"group.id", "kafka-test-broker-test"},
                                                  {"enable.auto.commit", "false"},
                                                  {"enable.auto.offset.store", "false"},
                                                  {"reconnect.backoff.max.ms", "500"}});
  std::string errstr;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf.get(), errstr));
  std::map<int32_t, std::vector<Record>> records;
  if (consumer == nullptr) {
    ADD_FAILURE() << "consumer: " << errstr;
    return records;
  }
  std::vector<RdKafka::TopicPartition*> partitions;
  for (int p = 0; p < kPartitions; ++p) {
    partitions.push_back(RdKafka::TopicPartition::create(kTopic, p, 0));
  }
  EXPECT_EQ(consumer->assign(partitions), RdKafka::ERR_NO_ERROR);
  RdKafka::TopicPartition::destroy(partitions);

  size_t total = 0;
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (total < per_partition * kPartitions && absl::Now() < deadline) {
    std::unique_ptr<RdKafka::Message> message(consumer->consume(200));
    if (message->err() == RdKafka::ERR__TIMED_OUT) continue;
    if (message->err() != RdKafka::ERR_NO_ERROR) {
      ADD_FAILURE() << "consume: " << message->errstr();
      break;
    }
    Record record;
    record.offset = message->offset();
    record.key = message->key() != nullptr ? *message->key() : "";
    record.payload.assign(static_cast<const char*>(message->payload()), message->len());
    if (const RdKafka::Headers* headers = message->headers(); headers != nullptr) {
      for (const RdKafka::Headers::Header& header : headers->get_all()) {
        record.headers[header.key()] = HeaderValue(header);
      }
    }
    record.timestamp_ms = message->timestamp().timestamp;
    record.create_time =
        message->timestamp().type == RdKafka::MessageTimestamp::MSG_TIMESTAMP_CREATE_TIME;
    records[message->partition()].push_back(std::move(record));
    ++total;
  }
  EXPECT_EQ(consumer->close(), RdKafka::ERR_NO_ERROR);
  return records;
}

// The topic holds exactly test messages [0, end), in order, as produced.
void ExpectTopicHolds(const std::string& bootstrap, int end) {
  ASSERT_EQ(end % kPartitions, 0);
  const size_t per_partition = end / kPartitions;
  std::map<int32_t, std::vector<Record>> records = ReadAll(bootstrap, per_partition);
  for (int32_t p = 0; p < kPartitions; ++p) {
    ASSERT_EQ(records[p].size(), per_partition) << "partition " << p;
    for (size_t j = 0; j < per_partition; ++j) {
      const Record& record = records[p][j];
      const int i = static_cast<int>(j) * kPartitions + p;
      ASSERT_EQ(record.offset, static_cast<int64_t>(j)) << "partition " << p;
      ASSERT_EQ(record.key, KeyOf(i)) << "#" << i;
      ASSERT_EQ(record.payload, PayloadOf(i)) << "#" << i;
      const std::map<std::string, std::string> headers = {{"cti-event-type", "call.offered"},
                                                          {"cti-seq", absl::StrCat(i)}};
      ASSERT_EQ(record.headers, headers) << "#" << i;
      ASSERT_TRUE(record.create_time) << "#" << i;
      ASSERT_EQ(record.timestamp_ms, kBaseTimestampMs + i) << "#" << i;
    }
  }
}

TEST(KafkaTestBrokerTest, IdempotentProduceReadBackOutageAndRecovery) {
  KafkaBrokerOptions options;
  options.topics.push_back({.name = kTopic, .partitions = kPartitions, .replication = 0});
  absl::StatusOr<std::unique_ptr<KafkaBrokerProcess>> started = KafkaBrokerProcess::Start(options);
  ASSERT_TRUE(started.ok()) << started.status();
  KafkaBrokerProcess& kafka = **started;
  const std::string bootstrap = kafka.bootstrap_servers();

  DeliveryRecorder recorded;
  std::unique_ptr<RdKafka::Producer> producer = MakeProducer(
      bootstrap, {{"enable.idempotence", "true"}, {"acks", "all"}, {"message.timeout.ms", "30000"}},
      &recorded);
  ASSERT_NE(producer, nullptr);
  ASSERT_TRUE(ProduceRange(*producer, 0, kMessages));
  ASSERT_EQ(producer->flush(30000), RdKafka::ERR_NO_ERROR);
  ExpectDeliveredInOrder(recorded.deliveries(), 0, kMessages);
  ExpectTopicHolds(bootstrap, kMessages);

  // Outage: a producer that knows the leaders is refused and times out in ~2 s.
  {
    DeliveryRecorder refused;
    std::unique_ptr<RdKafka::Producer> late =
        MakeProducer(bootstrap, {{"acks", "all"}, {"message.timeout.ms", "2000"}}, &refused);
    ASSERT_NE(late, nullptr);
    RdKafka::Metadata* metadata = nullptr;
    std::string errstr;
    std::unique_ptr<RdKafka::Topic> topic(
        RdKafka::Topic::create(late.get(), kTopic, nullptr, errstr));
    ASSERT_NE(topic, nullptr) << errstr;
    ASSERT_EQ(late->metadata(false, topic.get(), &metadata, 5000), RdKafka::ERR_NO_ERROR);
    delete metadata;

    ASSERT_TRUE(kafka.Outage().ok());
    const absl::Time sent = absl::Now();
    ASSERT_TRUE(ProduceRange(*late, kMessages, kMessages + 1));
    while (refused.deliveries().empty() && absl::Now() < sent + absl::Seconds(10)) {
      late->poll(50);
    }
    const absl::Duration took = absl::Now() - sent;
    const std::map<int, Delivery> deliveries = refused.deliveries();
    ASSERT_EQ(deliveries.size(), 1u) << "no delivery report within 10 s of the outage";
    const RdKafka::ErrorCode err = deliveries.begin()->second.err;
    EXPECT_TRUE(err == RdKafka::ERR__MSG_TIMED_OUT || err == RdKafka::ERR__TIMED_OUT ||
                err == RdKafka::ERR__TRANSPORT || err == RdKafka::ERR_REQUEST_TIMED_OUT)
        << RdKafka::err2str(err);
    EXPECT_LT(took, absl::Seconds(5)) << "the delivery error took " << took;
    std::cout << "outage: the delivery failed after " << took << ": " << RdKafka::err2str(err)
              << "\n";
  }

  // Recovery: the idempotent producer goes on where it was; nothing was lost.
  ASSERT_TRUE(kafka.Recover().ok());
  const int more = kMessages + 10 * kPartitions;
  ASSERT_TRUE(ProduceRange(*producer, kMessages, more));
  ASSERT_EQ(producer->flush(30000), RdKafka::ERR_NO_ERROR);
  ExpectDeliveredInOrder(recorded.deliveries(), 0, more);
  ExpectTopicHolds(bootstrap, more);
  producer.reset();

  ASSERT_TRUE(kafka.Stop().ok());
  EXPECT_FALSE(std::filesystem::exists(kafka.bootstrap_file()))
      << "the bootstrap file outlived the broker";
}

TEST(KafkaTestBrokerTest, ServesEveryBrokerAndTopicOnLoopback) {
  KafkaBrokerOptions options;
  options.brokers = 3;
  options.topics.push_back({.name = "cti.events", .partitions = 4, .replication = 0});
  options.topics.push_back({.name = "cti.calendar", .partitions = 2, .replication = 3});
  absl::StatusOr<std::unique_ptr<KafkaBrokerProcess>> started = KafkaBrokerProcess::Start(options);
  ASSERT_TRUE(started.ok()) << started.status();
  KafkaBrokerProcess& kafka = **started;

  // Three loopback brokers, and the same line on stdout as in the bootstrap file.
  const std::vector<std::string> servers = absl::StrSplit(kafka.bootstrap_servers(), ',');
  ASSERT_EQ(servers.size(), 3u) << kafka.bootstrap_servers();
  for (const std::string& server : servers) {
    EXPECT_TRUE(absl::StartsWith(server, "127.0.0.1:")) << server;
  }
  std::ifstream stdout_file(kafka.stdout_path());
  std::stringstream out;
  out << stdout_file.rdbuf();
  EXPECT_EQ(out.str(), kafka.bootstrap_servers() + "\n");

  DeliveryRecorder unused;
  std::unique_ptr<RdKafka::Producer> client = MakeProducer(kafka.bootstrap_servers(), {}, &unused);
  ASSERT_NE(client, nullptr);
  RdKafka::Metadata* raw = nullptr;
  ASSERT_EQ(client->metadata(true, nullptr, &raw, 5000), RdKafka::ERR_NO_ERROR);
  std::unique_ptr<RdKafka::Metadata> metadata(raw);
  ASSERT_EQ(metadata->brokers()->size(), 3u);
  for (const RdKafka::BrokerMetadata* broker : *metadata->brokers()) {
    EXPECT_EQ(broker->host(), "127.0.0.1") << "broker " << broker->id();
  }
  std::map<std::string, std::pair<size_t, size_t>> shapes;  // partitions, replicas of p0
  for (const RdKafka::TopicMetadata* topic : *metadata->topics()) {
    ASSERT_EQ(topic->err(), RdKafka::ERR_NO_ERROR) << topic->topic();
    ASSERT_FALSE(topic->partitions()->empty()) << topic->topic();
    for (const RdKafka::PartitionMetadata* partition : *topic->partitions()) {
      EXPECT_GE(partition->leader(), 1) << topic->topic() << " " << partition->id();
    }
    shapes[topic->topic()] = {topic->partitions()->size(),
                              topic->partitions()->front()->replicas()->size()};
  }
  const std::map<std::string, std::pair<size_t, size_t>> expected = {{"cti.events", {4, 3}},
                                                                     {"cti.calendar", {2, 3}}};
  EXPECT_EQ(shapes, expected);
  client.reset();

  ASSERT_TRUE(kafka.Stop().ok());
}

TEST(KafkaTestBrokerTest, StartFailsWithTheBrokersWords) {
  KafkaBrokerOptions options;
  options.topics.push_back({.name = "cti.events", .partitions = 4, .replication = 1});
  absl::StatusOr<std::unique_ptr<KafkaBrokerProcess>> started = KafkaBrokerProcess::Start(options);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.status().code(), absl::StatusCode::kInternal) << started.status();
  EXPECT_TRUE(absl::StrContains(started.status().message(), "exited before serving"))
      << started.status();
  EXPECT_TRUE(absl::StrContains(started.status().message(), "--topic: replication of"))
      << started.status();
}

TEST(KafkaTestBrokerTest, BadFlagsExit2NamingTheFlag) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--brokers", "0"}, "--brokers"},
      {{"--brokers", "33"}, "--brokers"},
      {{"--brokers", "three"}, "--brokers"},
      {{"--topic", ""}, "--topic"},
      {{"--topic", "bad name"}, "--topic"},
      {{"--topic", "cti.events:0"}, "--topic"},
      {{"--topic", "cti.events:four"}, "--topic"},
      // The mock serves min(3, brokers) replicas and nothing else.
      {{"--topic", "cti.events:4:4"}, "--topic"},
      {{"--topic", "cti.events:4:1"}, "--topic"},
      {{"--brokers", "1", "--topic", "cti.events:4:2"}, "--topic"},
      {{"--topic", "cti.events:4:1:1"}, "--topic"},
      {{"--topic", "cti.events", "--topic", "cti.events:2"}, "--topic"},
      {{"--bootstrap-file", "/nonexistent-dir/kafka.bootstrap"}, "--bootstrap-file"},
      {{"--bootstrap-file", ""}, "--bootstrap-file"},
      {{"--frobnicate"}, "--frobnicate"},
  };
  for (const auto& [flags, named] : cases) {
    std::vector<std::string> argv = {KafkaTestBrokerBinary()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    const std::string line = absl::StrJoin(flags, " ");
    absl::StatusOr<ProcessResult> run = RunProcess(argv, absl::Seconds(10));
    ASSERT_TRUE(run.ok()) << line << ": " << run.status();
    EXPECT_EQ(run->exit_code, 2) << line << "; stderr: " << run->err;
    EXPECT_TRUE(absl::StrContains(run->err, named)) << line << "; stderr: " << run->err;
    EXPECT_EQ(run->out, "") << line;
  }
}

}  // namespace
}  // namespace cti::test_support
