#include "server/log/kafka_support.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/str_cat.h"

namespace cti::log {

int KafkaMillis(absl::Duration d) {
  return static_cast<int>(std::clamp<int64_t>(absl::ToInt64Milliseconds(d), 0, 1 << 30));
}

absl::Status KafkaError(RdKafka::ErrorCode code, const std::string& what) {
  const std::string words = absl::StrCat(what, ": ", RdKafka::err2str(code));
  switch (code) {
    case RdKafka::ERR_NO_ERROR:
      return absl::OkStatus();
    case RdKafka::ERR__QUEUE_FULL:
      return absl::ResourceExhaustedError(words);
    case RdKafka::ERR_MSG_SIZE_TOO_LARGE:
      return absl::ResourceExhaustedError(words);
    case RdKafka::ERR__UNKNOWN_TOPIC:
    case RdKafka::ERR_UNKNOWN_TOPIC_OR_PART:
      return absl::NotFoundError(words);
    case RdKafka::ERR__UNKNOWN_PARTITION:
    case RdKafka::ERR__INVALID_ARG:
      return absl::InvalidArgumentError(words);
    case RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED:
    case RdKafka::ERR_CLUSTER_AUTHORIZATION_FAILED:
      return absl::PermissionDeniedError(words);
    default:
      return absl::UnavailableError(words);
  }
}

absl::Status SetKafkaProperty(RdKafka::Conf& conf, const std::string& name,
                              const std::string& value) {
  std::string error;
  if (conf.set(name, value, error) != RdKafka::Conf::CONF_OK) {
    return absl::InvalidArgumentError(absl::StrCat("kafka property ", name, ": ", error));
  }
  return absl::OkStatus();
}

absl::Status SetKafkaProperties(RdKafka::Conf& conf,
                                const std::map<std::string, std::string>& properties) {
  for (const auto& [name, value] : properties) {
    if (absl::Status s = SetKafkaProperty(conf, name, value); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace cti::log
