// The e-mail for a message reception took (TP-6.2), in Danish: whom to call back, on
// which number, what it is about, whether a call back is wanted (TP-4.3: the same day)
// and when the message was taken, in Europe/Copenhagen time.
//
// Subject: "Besked fra <caller name> (<number>)". Message-ID:
// "ctid-message.<message_id>.<tenant>@<domain of the sender address>", each id written
// with MessageIdAtom: every mail for one message carries the same id, so a mail sent
// again after a crash (at-least-once delivery, message_mailer.h) can be recognised.
#ifndef CTI_SERVER_MAIL_MESSAGE_MAIL_H_
#define CTI_SERVER_MAIL_MESSAGE_MAIL_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "projections/outbox.h"
#include "server/mail/mail.h"

namespace cti::mail {

// The mail for `message` (whose address is set), from `from_address` / `from_name`,
// dated `now`, times shown in `zone`.
Mail MailForMessage(const cti::projections::OutboxMessage& message, absl::string_view from_address,
                    absl::string_view from_name, absl::Time now, absl::TimeZone zone);

// "Besked fra Søren Kierkegaard (+4520123456)"; the parts missing are left out.
std::string SubjectFor(const cti::projections::OutboxMessage& message);

// The Message-ID (without angle brackets) of every mail for `message`.
std::string MessageIdFor(const cti::projections::OutboxMessage& message,
                         absl::string_view from_address);

// `at` in Danish: "tirsdag den 1. december 2026 kl. 10.05".
std::string DanishTime(absl::Time at, absl::TimeZone zone);

}  // namespace cti::mail

#endif  // CTI_SERVER_MAIL_MESSAGE_MAIL_H_
