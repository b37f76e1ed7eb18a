// Mail: one e-mail as the mailer sends it, and its RFC 5322 text.
//
// The text is ready for SMTP's DATA: CRLF line ends, header fields Date, From, To,
// Subject, Message-ID, MIME-Version, Content-Type text/plain; charset=UTF-8 and
// Content-Transfer-Encoding quoted-printable, so any UTF-8 (æ, ø, å) crosses servers
// that only speak 7-bit. Display names and the subject are RFC 2047 encoded words when
// they are not plain ASCII. Lines starting with '.' need no escaping here: libcurl
// dot-stuffs the data it sends.
#ifndef CTI_SERVER_MAIL_MAIL_H_
#define CTI_SERVER_MAIL_MAIL_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace cti::mail {

struct Mail {
  // Envelope sender and From address, e.g. "reception@sydby.dk"; the display name may
  // be empty.
  std::string from_address;
  std::string from_name;
  // The one recipient, and their display name (may be empty).
  std::string to_address;
  std::string to_name;
  // UTF-8, one line.
  std::string subject;
  // The Message-ID header without the angle brackets, e.g. "x.y@sydby.dk". A mail sent
  // again for the same message carries the same id, so a resend can be recognised.
  std::string message_id;
  // When the mail was written; shown in `zone`.
  absl::Time date;
  absl::TimeZone zone;
  // UTF-8 text, lines ending in "\n".
  std::string body;
};

// The whole message: header fields, an empty line, the quoted-printable body.
std::string RenderMail(const Mail& mail);

// Quoted-printable (RFC 2045) of UTF-8 text with "\n" or "\r\n" line ends: CRLF hard line
// breaks, soft breaks keeping lines at most 76 characters.
std::string QuotedPrintable(absl::string_view text);

// `text` as is when it is printable ASCII, otherwise as RFC 2047 "=?UTF-8?B?...?=" words
// of at most 75 characters each (never splitting a UTF-8 character), folded with
// CRLF and a space.
std::string EncodedWords(absl::string_view text);

// `id` with every character but [A-Za-z0-9_-] written "=XX" (hex), so any tenant or
// message id fits into a Message-ID's dot-atom and two ids never give the same text.
std::string MessageIdAtom(absl::string_view id);

}  // namespace cti::mail

#endif  // CTI_SERVER_MAIL_MAIL_H_
