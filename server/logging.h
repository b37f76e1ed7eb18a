// ctid's log lines: spdlog's default logger on stdout, as text (the default) or as JSON
// lines (--log-format json), with structured fields where a line has them.
//
//   {"time":"2026-11-30T09:15:02.123Z","level":"info","msg":"ctid listening on ..."}
//   {"time":"...","level":"info","msg":"rpc","request_id":"4f0c...","method":
//    "/cti.v1.RouteService/Route","code":"OK","ms":0.41,"tenant":"aabenraa",
//    "actor":"reception-1"}
//
// In text the fields follow the message as key=value pairs. LogWithFields adds fields
// to one line; plain spdlog calls have none.
//
// Privacy (TP-4.2, GDPR): log lines carry ids (tenant, actor, employee and unit ids,
// request ids, positions) and outcomes, never what people typed or who they are: no
// names, phone numbers, e-mail addresses, message or calendar text, and no CPR number.
// e2e_log_privacy_test drives a realistic workload and scans the output.
//
// Thread safety: ConfigureLogging once at start, before other threads log.
#ifndef CTI_SERVER_LOGGING_H_
#define CTI_SERVER_LOGGING_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "spdlog/formatter.h"
#include "spdlog/spdlog.h"

namespace cti::server {

enum class LogFormat { kText, kJson };

// Installs the format on spdlog's default logger (stdout, as before).
void ConfigureLogging(LogFormat format);

// The formatter ConfigureLogging installs (for a logger of one's own, e.g. in tests).
std::unique_ptr<spdlog::formatter> NewLogFormatter(LogFormat format);

// A field of a log line; numbers are given as text and written unquoted in JSON when
// `number`.
struct LogField {
  std::string key;
  std::string value;
  bool number = false;
};

// Logs `message` at `level` with `fields` (on the calling thread).
void LogWithFields(spdlog::level::level_enum level, absl::string_view message,
                   const std::vector<LogField>& fields);

// `text` (a reply or error from another system, e.g. an SMTP server) with what could
// identify a person replaced: e-mail addresses by "<address>", runs of six or more
// digits (with the spaces, dashes and plus signs between them: phone and CPR numbers)
// by "<number>".
std::string RedactForLog(absl::string_view text);

// `text` as a JSON string literal, quotes included.
std::string JsonQuote(absl::string_view text);

}  // namespace cti::server

#endif  // CTI_SERVER_LOGGING_H_
