// MessageMailer: e-mails the messages reception takes (TP-6.2) from the outbox
// projection (projections/outbox.h) and records the outcome on the log.
//
// Operation: one thread. It wakes when told a MessageTaken was applied (Wake), when a
// retry falls due, and every poll_interval; each time it reads the outbox of every
// tenant (one snapshot per tenant) and, for each pending message that is due, sends one
// mail through the MailSender and appends, through the EventAppender (the same checks
// as EventService.Append, actor ROLE_SYSTEM):
//   - MessageDelivered once the SMTP server accepted the mail;
//   - MessageDeliveryFailed at once when nobody has an address (attempts 0) or the
//     server refused the mail for good (FAILED_PRECONDITION / INVALID_ARGUMENT from
//     the sender, e.g. a 5xx reply), and after max_attempts transient failures;
//   - nothing after a transient failure (UNAVAILABLE, a timeout, a 4xx reply): the
//     message is tried again after a backoff of initial_backoff * backoff_factor^(n-1)
//     after the n-th failed attempt, at most max_backoff (defaults 1 s, 2, 5 min; with 8
//     attempts the last comes about 2 minutes after the first).
// A message leaves the outbox when its event is applied; until then the mailer
// remembers it recorded one and does not send it again. An event the log did not take
// (the log out of reach) is appended again, unchanged, when the message is next due;
// its event_id is made from the message_id ("mail-delivered.<id>", "mail-failed.<id>"),
// so a repeat is answered as a duplicate and no message gets two outcomes. An outcome the
// checks refuse (e.g. another replica recorded one first) is logged, and the message is
// left alone until a restart.
//
// Contract: at-least-once delivery. Attempts and backoff are kept in memory only: a
// restart starts counting again, and a mail accepted by the SMTP server just before a
// crash (before MessageDelivered was durable) is sent again. Every mail for a message
// has the same Message-ID header (message_mail.h), so a recipient or a filter can
// recognise the repeat. Run the mailer on one replica of a log only: two mailers on one
// outbox each send every message.
//
// Concurrency: Start, Wake and Stop may be called from any thread; RunOnce only while
// the thread is not started (tests). The sender and the appender are called from the
// mailer's thread only (or RunOnce's caller).
#ifndef CTI_SERVER_MAIL_MESSAGE_MAILER_H_
#define CTI_SERVER_MAIL_MESSAGE_MAILER_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cti/v1/event.pb.h"
#include "projections/outbox.h"
#include "projections/store.h"
#include "server/clock.h"
#include "server/mail/mail_sender.h"

namespace cti::mail {

// Appends the mailer's events. Implemented in server/ over the append path.
class EventAppender {
 public:
  virtual ~EventAppender() = default;
  // Appends `event` (tenant, event_id, occurred_at and the payload set; the appender
  // stamps the actor) after the checks every append meets, and answers once it is
  // durable: its position, or the earlier position when `event` repeats an event_id
  // with the same payload. Refusals are the checks' (e.g. FAILED_PRECONDITION
  // "message_id 'm1' was already delivered ..."); UNAVAILABLE when the log is out of
  // reach.
  virtual absl::StatusOr<uint64_t> Append(cti::v1::Event event) = 0;
};

struct MailerOptions {
  // Envelope sender and From: header, e.g. "reception@sydby.dk"; required.
  std::string from_address;
  // The From: header's display name.
  std::string from_name = "Receptionen";
  // Times in the mail are shown here (Europe/Copenhagen).
  absl::TimeZone zone;
  // Backoff after a transient failure (see above). initial 1 s, factor 2, at most 5 min.
  absl::Duration initial_backoff = absl::Seconds(1);
  double backoff_factor = 2.0;
  absl::Duration max_backoff = absl::Minutes(5);
  // Attempts before a transient failure becomes final (MessageDeliveryFailed).
  int max_attempts = 8;
  // The thread looks at the outbox at least this often (real time), woken or not.
  absl::Duration poll_interval = absl::Seconds(30);
};

class MessageMailer {
 public:
  // The store to read; nullptr while the projections may not be read yet.
  using StoreSource = std::function<std::shared_ptr<const cti::projections::Store>()>;

  // `sender`, `appender` and `clock` must outlive the mailer.
  MessageMailer(MailerOptions options, StoreSource store, MailSender* sender,
                EventAppender* appender, cti::Clock* clock);
  ~MessageMailer();  // Stops the thread.
  MessageMailer(const MessageMailer&) = delete;
  MessageMailer& operator=(const MessageMailer&) = delete;

  // Starts the thread; it makes a first pass at once.
  void Start();
  // Asks for a pass now (e.g. a MessageTaken was applied). Never blocks.
  void Wake();
  // Ends the thread after the pass in progress (one mail at most). Idempotent.
  void Stop();

  // What one pass did.
  struct PassResult {
    int delivered = 0;  // MessageDelivered recorded
    int failed = 0;     // MessageDeliveryFailed recorded
    int retried = 0;    // transient failures, to be tried again
    // The earliest retry due (InfiniteFuture when none).
    absl::Time next_attempt = absl::InfiniteFuture();
    // Reading the outbox failed, or the store was not readable (UNAVAILABLE).
    absl::Status error;
  };
  // One pass over the outbox now (see above). Not while the thread runs.
  PassResult RunOnce();

  // The default backoff after the n-th failed attempt (n >= 1).
  static absl::Duration Backoff(const MailerOptions& options, int attempts);

 private:
  struct Attempts {
    int made = 0;
    absl::Time next_at = absl::InfinitePast();
    // The outcome event the log has not taken yet: appended again when due, unchanged.
    std::optional<cti::v1::Event> unrecorded;
    bool recorded = false;  // appended; waiting for it to be applied
  };

  void Run();
  bool Woken() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return wake_ || stop_; }
  // Sends one message (or records its failure), updating `attempts` and `result`.
  void Handle(const cti::projections::OutboxMessage& message, Attempts& attempts,
              PassResult& result);
  // Appends `event`; false (kept for later) when the log did not take it.
  bool Record(cti::v1::Event event, Attempts& attempts);
  cti::v1::Event Delivered(const cti::projections::OutboxMessage& message, const std::string& reply,
                           int attempts);
  cti::v1::Event Failed(const cti::projections::OutboxMessage& message, const std::string& reason,
                        int attempts);

  const MailerOptions options_;
  const StoreSource store_;
  MailSender* const sender_;
  EventAppender* const appender_;
  cti::Clock* const clock_;

  // By tenant NUL message_id. Only the pass (one thread) uses it.
  absl::flat_hash_map<std::string, Attempts> attempts_;

  mutable absl::Mutex mu_;
  bool wake_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace cti::mail

#endif  // CTI_SERVER_MAIL_MESSAGE_MAILER_H_
