// CurlSmtpSender: one libcurl easy handle per mail (a connection per mail: messages are
// few, and nothing is shared between threads).
#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/mail/mail_sender.h"

namespace cti::mail {
namespace {

// What the callbacks of one transfer read and write.
struct Transfer {
  const std::atomic<bool>* cancelled = nullptr;
  std::string data;  // the RFC 5322 text
  size_t sent = 0;
  std::string last_reply;   // the server's last reply line, CRLF stripped
  std::string error_reply;  // its last 4xx or 5xx reply line
};

size_t ReadData(char* buffer, size_t size, size_t items, void* user) {
  Transfer* transfer = static_cast<Transfer*>(user);
  const size_t n = std::min(size * items, transfer->data.size() - transfer->sent);
  std::memcpy(buffer, transfer->data.data() + transfer->sent, n);
  transfer->sent += n;
  return n;
}

// Keeps the server's replies (libcurl reports SMTP replies as incoming "headers").
int Debug(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  if (type != CURLINFO_HEADER_IN) return 0;
  Transfer* transfer = static_cast<Transfer*>(user);
  absl::string_view text(data, size);
  // A reply may come in one piece with several lines; keep the last non-empty one.
  text = absl::StripTrailingAsciiWhitespace(text);
  const size_t newline = text.rfind('\n');
  if (newline != absl::string_view::npos) text = text.substr(newline + 1);
  if (!text.empty()) transfer->last_reply = std::string(text);
  if (!text.empty() && (text[0] == '4' || text[0] == '5'))
    transfer->error_reply = std::string(text);
  return 0;
}

// Non-zero ends the transfer (CURLE_ABORTED_BY_CALLBACK).
int Progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<Transfer*>(user)->cancelled->load() ? 1 : 0;
}

absl::Status CurlError(CURLcode code, absl::string_view what) {
  return absl::InternalError(
      absl::StrCat("libcurl: setting ", what, ": ", curl_easy_strerror(code)));
}

// Whether the address may go into MAIL FROM / RCPT TO as it is.
bool PlainAddress(absl::string_view address) {
  if (address.empty() || address.find('@') == absl::string_view::npos) return false;
  return std::none_of(address.begin(), address.end(), [](char c) {
    const unsigned char u = static_cast<unsigned char>(c);
    return u <= ' ' || u == 0x7f || c == '<' || c == '>' || c == ',' || c == '"';
  });
}

struct EasyDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct ListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace

absl::StatusOr<std::unique_ptr<CurlSmtpSender>> CurlSmtpSender::Create(SmtpOptions options) {
  if (!absl::StartsWith(options.url, "smtp://") && !absl::StartsWith(options.url, "smtps://")) {
    return absl::InvalidArgumentError(
        absl::StrCat("--smtp-url: expected smtp://HOST[:PORT] or smtps://HOST[:PORT], got \"",
                     options.url, "\""));
  }
  if (options.user.empty() != options.password.empty()) {
    return absl::InvalidArgumentError("--smtp-user, --smtp-password-file: give both or neither");
  }
  static std::once_flag once;
  static CURLcode global = CURLE_OK;
  std::call_once(once, [] { global = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (global != CURLE_OK) {
    return absl::InternalError(
        absl::StrCat("libcurl: curl_global_init: ", curl_easy_strerror(global)));
  }
  return std::unique_ptr<CurlSmtpSender>(new CurlSmtpSender(std::move(options)));
}

absl::StatusOr<std::string> CurlSmtpSender::Send(const Mail& mail) {
  if (!PlainAddress(mail.from_address)) {
    return absl::InvalidArgumentError(
        absl::StrCat("sender address \"", mail.from_address, "\" cannot be used in SMTP"));
  }
  if (!PlainAddress(mail.to_address)) {
    return absl::InvalidArgumentError(
        absl::StrCat("recipient address \"", mail.to_address, "\" cannot be used in SMTP"));
  }
  if (cancelled_.load()) return absl::UnavailableError("SMTP: cancelled");
  std::unique_ptr<CURL, EasyDeleter> curl(curl_easy_init());
  if (curl == nullptr) return absl::ResourceExhaustedError("libcurl: curl_easy_init failed");
  Transfer transfer;
  transfer.cancelled = &cancelled_;
  transfer.data = RenderMail(mail);
  std::unique_ptr<curl_slist, ListDeleter> recipients(
      curl_slist_append(nullptr, absl::StrCat("<", mail.to_address, ">").c_str()));
  if (recipients == nullptr) return absl::ResourceExhaustedError("libcurl: curl_slist_append");
  const std::string from = absl::StrCat("<", mail.from_address, ">");
  char error[CURL_ERROR_SIZE] = {0};
  CURL* c = curl.get();

#define CTI_CURL_SET(option, value)                                         \
  if (CURLcode code = curl_easy_setopt(c, option, value); code != CURLE_OK) \
  return CurlError(code, #option)

  CTI_CURL_SET(CURLOPT_URL, options_.url.c_str());
  CTI_CURL_SET(CURLOPT_NOSIGNAL, 1L);
  CTI_CURL_SET(CURLOPT_ERRORBUFFER, error);
  CTI_CURL_SET(CURLOPT_CONNECTTIMEOUT_MS,
               static_cast<long>(absl::ToInt64Milliseconds(options_.connect_timeout)));
  CTI_CURL_SET(CURLOPT_TIMEOUT_MS, static_cast<long>(absl::ToInt64Milliseconds(options_.timeout)));
  if (options_.require_starttls) CTI_CURL_SET(CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!options_.user.empty()) {
    CTI_CURL_SET(CURLOPT_USERNAME, options_.user.c_str());
    CTI_CURL_SET(CURLOPT_PASSWORD, options_.password.c_str());
  }
  CTI_CURL_SET(CURLOPT_MAIL_FROM, from.c_str());
  CTI_CURL_SET(CURLOPT_MAIL_RCPT, recipients.get());
  CTI_CURL_SET(CURLOPT_UPLOAD, 1L);
  CTI_CURL_SET(CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(transfer.data.size()));
  CTI_CURL_SET(CURLOPT_READFUNCTION, ReadData);
  CTI_CURL_SET(CURLOPT_READDATA, &transfer);
  CTI_CURL_SET(CURLOPT_DEBUGFUNCTION, Debug);
  CTI_CURL_SET(CURLOPT_DEBUGDATA, &transfer);
  CTI_CURL_SET(CURLOPT_XFERINFOFUNCTION, Progress);
  CTI_CURL_SET(CURLOPT_XFERINFODATA, &transfer);
  CTI_CURL_SET(CURLOPT_NOPROGRESS, 0L);
  CTI_CURL_SET(CURLOPT_VERBOSE, 1L);  // The debug function sees the replies; prints nothing.
#undef CTI_CURL_SET

  const CURLcode result = curl_easy_perform(c);
  long reply_code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply_code);
  if (result == CURLE_OK) {
    return transfer.last_reply.empty() ? absl::StrCat(reply_code) : transfer.last_reply;
  }
  const std::string detail = absl::StrCat(
      error[0] != '\0' ? error : curl_easy_strerror(result),
      transfer.error_reply.empty() ? ""
                                   : absl::StrCat(" (server: \"", transfer.error_reply, "\")"));
  switch (result) {
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_WEIRD_SERVER_REPLY:
      // A refusal of MAIL FROM, RCPT TO or the data: 5xx is final, 4xx is for later.
      if (reply_code >= 500 && reply_code <= 599) {
        return absl::FailedPreconditionError(
            absl::StrCat("the SMTP server refused the mail: ", detail));
      }
      return absl::UnavailableError(absl::StrCat("SMTP: ", detail));
    case CURLE_ABORTED_BY_CALLBACK:
      return absl::UnavailableError("SMTP: cancelled");
    case CURLE_OPERATION_TIMEDOUT:
      return absl::DeadlineExceededError(absl::StrCat("SMTP: ", detail));
    default:
      // No connection, TLS, login (CURLE_LOGIN_DENIED), a bad URL, out of memory: the
      // server or the configuration, not this mail.
      return absl::UnavailableError(absl::StrCat("SMTP: ", detail));
  }
}

}  // namespace cti::mail
