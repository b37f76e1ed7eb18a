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
//
// New keys are group-committed: a record sealed with a key not yet synced waits in a
// queue; the log's own thread syncs the vault once for everything queued, then hands the
// records on in the order they came. While anything waits, later appends queue behind
// it, so the order of one caller's appends is kept. A failed sync fails the appends
// that waited for it (nothing of them reaches the log).
// Thread-safe as the wrapped log; readers as the wrapped log's readers.
#ifndef CTI_SERVER_PRIVACY_PERSONAL_DATA_LOG_H_
#define CTI_SERVER_PRIVACY_PERSONAL_DATA_LOG_H_

#include <deque>
#include <memory>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "server/log/forwarding_log.h"
#include "server/privacy/key_vault.h"

namespace cti::server::privacy {

class PersonalDataLog final : public cti::log::ForwardingLog {
 public:
  // `vault` must outlive the log.
  PersonalDataLog(std::unique_ptr<cti::log::EventLog> inner, KeyVault* vault);
  // Hands on (or fails) what still waits, then stops the thread.
  ~PersonalDataLog() override;

  void AppendAsync(cti::v1::Event event, AppendCallback done) override;
  absl::StatusOr<std::unique_ptr<cti::log::LogReader>> OpenReader(int partition,
                                                                  uint64_t from) override;

  // For tests and figures: vault syncs made for new keys.
  uint64_t key_syncs() const;

 private:
  struct Waiting {
    cti::v1::Event event;
    AppendCallback done;
  };
  void Run();

  KeyVault* const vault_;
  mutable absl::Mutex mu_;
  std::deque<Waiting> waiting_ ABSL_GUARDED_BY(mu_);
  bool handing_on_ ABSL_GUARDED_BY(mu_) = false;  // the thread forwards a taken batch
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t key_syncs_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

// Opens `event` when it is sealed and every key is there; otherwise leaves it as it is
// (logging a record that does not open although its keys are there: it reads as
// erased). UNAVAILABLE, leaving it sealed, when the vault cannot say yet whether a key
// is erased (the key exchange is out of reach): the record must not be read as erased,
// so the caller reads it again later.
absl::Status OpenAll(KeyVault& vault, cti::v1::Event* event);

}  // namespace cti::server::privacy

#endif  // CTI_SERVER_PRIVACY_PERSONAL_DATA_LOG_H_
