// PersonalDataLog: the EventLog as ctid's services and projector see it. Appends go to
// the log with their personal data sealed (sealer.h), so the log holds ciphertext only;
// reads come back opened wherever every key is still there, and still sealed where one
// was erased (the projector then reads the fields as erased, projections/personal_data.h).
// A PersonalDataErased naming a caller's number is appended with the caller's subject
// instead: the number never reaches the log.
//
// A record that does not open although its keys are there (damaged or forged) is
// logged as an error and handed on sealed, so it reads as erased rather than stopping
// the projector.
// Thread-safe as the wrapped log; readers as the wrapped log's readers.
#ifndef CTI_SERVER_PRIVACY_PERSONAL_DATA_LOG_H_
#define CTI_SERVER_PRIVACY_PERSONAL_DATA_LOG_H_

#include <memory>
#include <utility>

#include "server/log/forwarding_log.h"
#include "server/privacy/key_vault.h"

namespace cti::server::privacy {

class PersonalDataLog final : public cti::log::ForwardingLog {
 public:
  // `vault` must outlive the log.
  PersonalDataLog(std::unique_ptr<cti::log::EventLog> inner, KeyVault* vault)
      : ForwardingLog(std::move(inner)), vault_(vault) {}

  void AppendAsync(cti::v1::Event event, AppendCallback done) override;
  absl::StatusOr<std::unique_ptr<cti::log::LogReader>> OpenReader(int partition,
                                                                  uint64_t from) override;

 private:
  KeyVault* const vault_;
};

// Opens `event` when it is sealed and every key is there; otherwise leaves it as it is
// (logging a record that does not open although its keys are there).
void OpenAll(KeyVault& vault, cti::v1::Event* event);

}  // namespace cti::server::privacy

#endif  // CTI_SERVER_PRIVACY_PERSONAL_DATA_LOG_H_
