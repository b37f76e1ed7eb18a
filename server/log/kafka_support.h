// Helpers shared by the users of librdkafka (the Kafka log, the key exchange): statuses
// from librdkafka's error codes and configuration with errors that name the property.
#ifndef CTI_SERVER_LOG_KAFKA_SUPPORT_H_
#define CTI_SERVER_LOG_KAFKA_SUPPORT_H_

#include <librdkafka/rdkafkacpp.h>

#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace cti::log {

// A duration as librdkafka's int milliseconds (clamped to 0..2^30).
int KafkaMillis(absl::Duration d);

// The status for a librdkafka error, `what` first: UNAVAILABLE with its words for
// everything the cluster or the network may cure; NOT_FOUND for an unknown topic,
// PERMISSION_DENIED for a refused authorization, RESOURCE_EXHAUSTED for a full queue or
// a too large message; OK for ERR_NO_ERROR.
absl::Status KafkaError(RdKafka::ErrorCode code, const std::string& what);

// Sets `name` to `value` on `conf`; INVALID_ARGUMENT naming it when librdkafka refuses.
absl::Status SetKafkaProperty(RdKafka::Conf& conf, const std::string& name,
                              const std::string& value);
absl::Status SetKafkaProperties(RdKafka::Conf& conf,
                                const std::map<std::string, std::string>& properties);

}  // namespace cti::log

#endif  // CTI_SERVER_LOG_KAFKA_SUPPORT_H_
