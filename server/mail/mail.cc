#include "server/mail/mail.h"

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cti::mail {
namespace {

constexpr size_t kMaxQpLine = 76;
constexpr size_t kMaxEncodedWord = 75;
constexpr absl::string_view kWordStart = "=?UTF-8?B?";
constexpr absl::string_view kWordEnd = "?=";

bool IsPrintableAscii(absl::string_view text) {
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) return false;
  }
  return true;
}

// Length of the UTF-8 character starting with byte `lead` (1 for a stray byte).
size_t Utf8Length(unsigned char lead) {
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  if (lead >= 0xc0) return 2;
  return 1;
}

// "Name <address>", the name encoded and quoted as needed; just the address without a
// name.
std::string Mailbox(absl::string_view name, absl::string_view address) {
  if (name.empty()) return std::string(address);
  if (IsPrintableAscii(name)) {
    std::string quoted;
    for (char c : name) {
      if (c == '"' || c == '\\') quoted.push_back('\\');
      quoted.push_back(c);
    }
    return absl::StrCat("\"", quoted, "\" <", address, ">");
  }
  return absl::StrCat(EncodedWords(name), " <", address, ">");
}

// Appends one line of quoted-printable (no line end) for `line`.
void AppendQpLine(absl::string_view line, std::string* out) {
  size_t column = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(line[i]);
    const bool last = i + 1 == line.size();
    // Trailing space or tab must be encoded; '=' and non-ASCII always.
    const bool plain = (c >= 0x21 && c <= 0x7e && c != '=') || ((c == ' ' || c == '\t') && !last);
    const std::string piece =
        plain ? std::string(1, static_cast<char>(c)) : absl::StrFormat("=%02X", c);
    // Keep room for a soft break "=" within the 76 columns.
    if (column + piece.size() > kMaxQpLine - 1) {
      out->append("=\r\n");
      column = 0;
    }
    out->append(piece);
    column += piece.size();
  }
}

}  // namespace

std::string QuotedPrintable(absl::string_view text) {
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    const bool has_end = end != absl::string_view::npos;
    if (!has_end) end = text.size();
    absl::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    AppendQpLine(line, &out);
    if (!has_end) break;
    out.append("\r\n");
    start = end + 1;
  }
  return out;
}

std::string EncodedWords(absl::string_view text) {
  if (IsPrintableAscii(text)) return std::string(text);
  // Base64 of n bytes takes 4 * ceil(n / 3) characters.
  const size_t max_bytes = (kMaxEncodedWord - kWordStart.size() - kWordEnd.size()) / 4 * 3;
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = i;
    while (end < text.size()) {
      const size_t length = Utf8Length(static_cast<unsigned char>(text[end]));
      if (end + length - i > max_bytes) break;
      end += length;
    }
    if (end == i) end = std::min(text.size(), i + 1);  // A stray byte longer than a word.
    if (!out.empty()) out.append("\r\n ");
    absl::StrAppend(&out, kWordStart, absl::Base64Escape(text.substr(i, end - i)), kWordEnd);
    i = end;
  }
  return out;
}

std::string MessageIdAtom(absl::string_view id) {
  std::string out;
  for (char c : id) {
    const unsigned char u = static_cast<unsigned char>(c);
    if ((u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u == '_' ||
        u == '-') {
      out.push_back(c);
    } else {
      absl::StrAppendFormat(&out, "=%02X", u);
    }
  }
  return out;
}

std::string RenderMail(const Mail& mail) {
  std::string out;
  absl::StrAppend(
      &out, "Date: ", absl::FormatTime("%a, %d %b %Y %H:%M:%S %z", mail.date, mail.zone), "\r\n");
  absl::StrAppend(&out, "From: ", Mailbox(mail.from_name, mail.from_address), "\r\n");
  absl::StrAppend(&out, "To: ", Mailbox(mail.to_name, mail.to_address), "\r\n");
  absl::StrAppend(&out, "Subject: ", EncodedWords(mail.subject), "\r\n");
  absl::StrAppend(&out, "Message-ID: <", mail.message_id, ">\r\n");
  out.append("MIME-Version: 1.0\r\n");
  out.append("Content-Type: text/plain; charset=UTF-8\r\n");
  out.append("Content-Transfer-Encoding: quoted-printable\r\n");
  out.append("\r\n");
  out.append(QuotedPrintable(mail.body));
  if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) out.append("\r\n");
  return out;
}

}  // namespace cti::mail
