// MailService: ctid's e-mail of the messages reception takes (TP-6.2): a
// cti::mail::MessageMailer on its own thread, sending over SMTP with libcurl, woken by
// every applied MessageTaken and appending its MessageDelivered / MessageDeliveryFailed
// through the append path every Append takes (PrepareEvent, CheckAppend, the log), as
// actor "ctid-mailer" with ROLE_SYSTEM. The contract (at-least-once, retries, one
// replica) is message_mailer.h's.
//
// With no SMTP URL mail is off: nothing is sent, messages stay in the outbox (the
// projection keeps them until a mailer delivers them), and the server log says so.
// The mailer reads the outbox only once the projector has caught up with the log as it
// was at start, so an outcome recorded before a restart is seen before anything is sent.
//
// Thread safety: Stop may be called from any thread, once the server stops.
#ifndef CTI_SERVER_MAIL_SERVICE_H_
#define CTI_SERVER_MAIL_SERVICE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/mail/mail_sender.h"
#include "server/mail/message_mailer.h"
#include "server/service_deps.h"

namespace cti::server {

struct MailOptions {
  // "smtp://HOST[:PORT]" or "smtps://HOST[:PORT]"; empty: mail off.
  std::string smtp_url;
  // Refuse to send over smtp:// unless the server offers STARTTLS.
  bool require_starttls = false;
  // SMTP login; both or neither.
  std::string smtp_user;
  std::string smtp_password;
  // Backoff, attempts, sender address (mailer.from_address, required when mail is on)
  // and display name; mailer.zone is set by the server (Europe/Copenhagen).
  cti::mail::MailerOptions mailer;
};

class MailService {
 public:
  // Starts the mailer over `deps` (its log, stores, hub, clock and runner are used and
  // must outlive the service). nullptr (and a log line) when mail is off;
  // INVALID_ARGUMENT naming the flag for a bad URL, login or sender address.
  static absl::StatusOr<std::unique_ptr<MailService>> Start(MailOptions options,
                                                            const ServiceDeps* deps);
  ~MailService();

  // Cancels a mail being sent and ends the thread. Idempotent.
  void Stop();

 private:
  MailService() = default;

  class Appender;
  class Feed;
  std::unique_ptr<cti::mail::CurlSmtpSender> sender_;
  std::unique_ptr<Appender> appender_;
  std::unique_ptr<cti::mail::MessageMailer> mailer_;
  std::shared_ptr<Feed> feed_;
  const ServiceDeps* deps_ = nullptr;
};

}  // namespace cti::server

#endif  // CTI_SERVER_MAIL_SERVICE_H_
