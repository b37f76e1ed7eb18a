#include "server/logging.h"

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "spdlog/pattern_formatter.h"
#include "spdlog/sinks/stdout_sinks.h"

namespace cti::server {
namespace {

// The fields of the line being logged on this thread (LogWithFields); spdlog's default
// logger formats on the calling thread, so the formatter sees them.
thread_local const std::vector<LogField>* current_fields = nullptr;

std::string Timestamp(const spdlog::details::log_msg& msg) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromChrono(msg.time), absl::UTCTimeZone());
}

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string line = absl::StrCat(
        "{\"time\":\"", Timestamp(msg), "\",\"level\":\"",
        absl::string_view(spdlog::level::to_string_view(msg.level).data(),
                          spdlog::level::to_string_view(msg.level).size()),
        "\",\"msg\":", JsonQuote(absl::string_view(msg.payload.data(), msg.payload.size())));
    if (current_fields != nullptr) {
      for (const LogField& field : *current_fields) {
        absl::StrAppend(&line, ",", JsonQuote(field.key), ":",
                        field.number ? field.value : JsonQuote(field.value));
      }
    }
    line.append("}\n");
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

// spdlog's usual text ("[time] [level] message") and the fields as key=value.
class TextFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    spdlog::memory_buf_t plain;
    base_.format(msg, plain);
    std::string line(plain.data(), plain.size());
    if (!line.empty() && line.back() == '\n') line.pop_back();
    if (current_fields != nullptr) {
      for (const LogField& field : *current_fields) {
        const bool bare = field.number || (!field.value.empty() &&
                                           field.value.find_first_of(" \"=") == std::string::npos);
        absl::StrAppend(&line, " ", field.key, "=", bare ? field.value : JsonQuote(field.value));
      }
    }
    line.push_back('\n');
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<TextFormatter>();
  }

 private:
  spdlog::pattern_formatter base_;
};

}  // namespace

std::string JsonQuote(absl::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppend(&out, absl::StrFormat("\\u%04x", static_cast<unsigned char>(c)));
        } else {
          out.push_back(c);  // UTF-8 passes through
        }
    }
  }
  out.push_back('"');
  return out;
}

std::string RedactForLog(absl::string_view text) {
  const auto is_address_char = [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ||
           c == '+' || c == '%';
  };
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    // An e-mail address: the word around an '@'.
    if (text[i] == '@') {
      size_t start = out.size();
      while (start > 0 && is_address_char(out[start - 1])) --start;
      size_t end = i + 1;
      while (end < text.size() && is_address_char(text[end])) ++end;
      if (start < out.size() && end > i + 1) {
        out.resize(start);
        out.append("<address>");
        i = end;
        continue;
      }
    }
    // A number: digits, and the separators inside it.
    if (absl::ascii_isdigit(static_cast<unsigned char>(text[i])) || text[i] == '+') {
      size_t end = i;
      int digits = 0;
      while (end < text.size() && (absl::ascii_isdigit(static_cast<unsigned char>(text[end])) ||
                                   text[end] == ' ' || text[end] == '-' || text[end] == '+')) {
        if (absl::ascii_isdigit(static_cast<unsigned char>(text[end]))) ++digits;
        ++end;
      }
      while (end > i && !absl::ascii_isdigit(static_cast<unsigned char>(text[end - 1]))) --end;
      if (digits >= 6) {
        out.append("<number>");
        i = end;
        continue;
      }
      if (end > i) {
        out.append(text.data() + i, end - i);
        i = end;
        continue;
      }
    }
    out.push_back(text[i]);
    ++i;
  }
  return out;
}

std::unique_ptr<spdlog::formatter> NewLogFormatter(LogFormat format) {
  if (format == LogFormat::kJson) return std::make_unique<JsonFormatter>();
  return std::make_unique<TextFormatter>();
}

void ConfigureLogging(LogFormat format) {
  auto logger =
      std::make_shared<spdlog::logger>("ctid", std::make_shared<spdlog::sinks::stdout_sink_mt>());
  logger->set_formatter(NewLogFormatter(format));
  logger->set_level(spdlog::get_level());
  spdlog::set_default_logger(std::move(logger));
}

void LogWithFields(spdlog::level::level_enum level, absl::string_view message,
                   const std::vector<LogField>& fields) {
  current_fields = &fields;
  spdlog::log(level, "{}", std::string(message));
  current_fields = nullptr;
}

}  // namespace cti::server
