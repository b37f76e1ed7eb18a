// MailSender: hands one e-mail to a mail server. CurlSmtpSender does it over SMTP with
// libcurl (smtp:// or smtps://, optional STARTTLS required, optional login).
//
// Errors say whether trying again may help:
//   UNAVAILABLE / DEADLINE_EXCEEDED: transient (no connection, a timeout, a 4xx reply,
//     a refused login or TLS handshake: the server or its configuration, not the mail);
//   FAILED_PRECONDITION: the server refused the mail for good (a 5xx reply to MAIL FROM,
//     RCPT TO or the data), the reply in the message;
//   INVALID_ARGUMENT: the mail cannot be sent at all (e.g. an address with spaces).
// The mailer (message_mailer.h) retries the first kind and gives up at once on the others.
#ifndef CTI_SERVER_MAIL_MAIL_SENDER_H_
#define CTI_SERVER_MAIL_MAIL_SENDER_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/mail/mail.h"

namespace cti::mail {

// Thread safety: implementations are safe to call from one thread at a time.
class MailSender {
 public:
  virtual ~MailSender() = default;
  // Sends `mail` to its one recipient. On success, the server's reply to the end of the
  // data (e.g. "250 2.0.0 Ok: queued as 4F3A1"): the mail is the server's from then on.
  virtual absl::StatusOr<std::string> Send(const Mail& mail) = 0;
};

struct SmtpOptions {
  // "smtp://HOST[:PORT]" (port 25 by default) or "smtps://HOST[:PORT]" (TLS from the
  // start, port 465 by default).
  std::string url;
  // For smtp://: refuse to send unless the server upgrades with STARTTLS.
  bool require_starttls = false;
  // Login (AUTH); both empty: none.
  std::string user;
  std::string password;
  // Longest wait for the connection, and for one whole mail.
  absl::Duration connect_timeout = absl::Seconds(10);
  absl::Duration timeout = absl::Seconds(60);
};

class CurlSmtpSender final : public MailSender {
 public:
  // INVALID_ARGUMENT naming the option when the URL is not smtp:// or smtps://.
  static absl::StatusOr<std::unique_ptr<CurlSmtpSender>> Create(SmtpOptions options);

  absl::StatusOr<std::string> Send(const Mail& mail) override;

  // Ends a Send in progress (from any thread) and makes later ones fail at once, both
  // UNAVAILABLE "cancelled": for shutdown.
  void Cancel() { cancelled_.store(true); }

 private:
  explicit CurlSmtpSender(SmtpOptions options) : options_(std::move(options)) {}
  SmtpOptions options_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace cti::mail

#endif  // CTI_SERVER_MAIL_MAIL_SENDER_H_
