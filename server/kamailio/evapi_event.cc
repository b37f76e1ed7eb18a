#include "server/kamailio/evapi_event.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "projections/internal/cpr.h"
#include "server/append.h"
#include "server/kamailio/route_endpoint.h"
#include "server/status_mapping.h"

namespace cti::server::kamailio {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxIdBytes = 256;
constexpr size_t kMaxReasonChars = 200;
constexpr size_t kMaxCorrelationIdBytes = 128;

struct KindName {
  EvapiKind kind;
  const char* name;
};
constexpr KindName kKinds[] = {
    {EvapiKind::kInvite, "invite"},       {EvapiKind::kRinging, "ringing"},
    {EvapiKind::kAnswered, "answered"},   {EvapiKind::kBranchFailed, "branch-failed"},
    {EvapiKind::kAbandoned, "abandoned"}, {EvapiKind::kEnded, "ended"},
    {EvapiKind::kFailed, "failed"},       {EvapiKind::kRoutingFailed, "routing-failed"},
};

bool IsPhoneNumber(std::string_view number) {
  if (!number.empty() && number.front() == '+') number.remove_prefix(1);
  if (number.size() < 2 || number.size() > 20) return false;
  for (char c : number) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

absl::Status Bad(absl::string_view key, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(key, ": ", what));
}

// An optional string key; INVALID_ARGUMENT when present with another type.
absl::Status OptionalString(const Json& object, const char* key, std::string* out) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return absl::OkStatus();
  if (!it->is_string()) return Bad(key, "must be a string");
  *out = it->get<std::string>();
  return absl::OkStatus();
}

absl::Status OptionalInt(const Json& object, const char* key, std::optional<int64_t>* out) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return absl::OkStatus();
  if (it->is_number_integer()) {
    *out = it->get<int64_t>();
    return absl::OkStatus();
  }
  int64_t value = 0;
  if (it->is_string() && absl::SimpleAtoi(it->get<std::string>(), &value)) {
    *out = value;  // Kamailio's pseudo-variables are often strings: "486"
    return absl::OkStatus();
  }
  return Bad(key, "must be an integer");
}

absl::StatusOr<absl::Time> ParseTs(const Json& ts) {
  if (ts.is_number_integer()) return absl::FromUnixMicros(ts.get<int64_t>());
  if (ts.is_number_float())
    return absl::FromUnixMicros(static_cast<int64_t>(ts.get<double>() * 1e6));
  if (!ts.is_string()) return Bad("ts", "must be a number or a \"SEC.USEC\" string");
  const std::string text = ts.get<std::string>();
  const size_t dot = text.find('.');
  int64_t seconds = 0;
  int64_t micros = 0;
  if (!absl::SimpleAtoi(text.substr(0, dot), &seconds) ||
      (dot != std::string::npos &&
       (!absl::SimpleAtoi(text.substr(dot + 1), &micros) || micros < 0 || micros > 999999))) {
    return Bad("ts", "must be a number or a \"SEC.USEC\" string");
  }
  return absl::FromUnixSeconds(seconds) + absl::Microseconds(micros);
}

// Printable ASCII only (anything else becomes '?'), at most kMaxReasonChars.
// The PBX's reason phrase as the log may hold it: printable ASCII, and a CPR number in
// it masked (TP-4.2) rather than the call's event refused, since no one can correct
// what the PBX sent.
std::string CleanReason(std::string_view reason) {
  std::string out;
  for (char c : reason.substr(0, kMaxReasonChars)) {
    out.push_back(c >= ' ' && c <= '~' ? c : '?');
  }
  return cti::projections::internal::MaskCprNumbers(absl::StripAsciiWhitespace(out), kCprMask);
}

absl::StatusOr<uint32_t> FailureCode(const EvapiMessage& message) {
  if (!message.code.has_value()) return Bad("code", "is required");
  if (*message.code < 300 || *message.code > 699) {
    return Bad("code",
               absl::StrCat("must be a SIP failure status 300 to 699, not ", *message.code));
  }
  return static_cast<uint32_t>(*message.code);
}

}  // namespace

const char* EvapiKindName(EvapiKind kind) {
  for (const KindName& k : kKinds) {
    if (k.kind == kind) return k.name;
  }
  return "unknown";
}

absl::StatusOr<EvapiMessage> ParseEvapiMessage(std::string_view frame, std::string* id) {
  Json object = Json::parse(frame.begin(), frame.end(), nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded() || !object.is_object()) {
    return absl::InvalidArgumentError("not a JSON object");
  }
  EvapiMessage message;
  auto id_it = object.find("id");
  if (id_it == object.end() || !id_it->is_string() || id_it->get<std::string>().empty() ||
      id_it->get<std::string>().size() > kMaxIdBytes) {
    return Bad("id", "must be a string of 1 to 256 bytes");
  }
  message.id = id_it->get<std::string>();
  if (id != nullptr) *id = message.id;

  auto v = object.find("v");
  if (v == object.end() || !v->is_number_integer() || v->get<int64_t>() != 1) {
    return Bad("v", "must be 1");
  }
  std::string ev;
  if (absl::Status s = OptionalString(object, "ev", &ev); !s.ok()) return s;
  bool known = false;
  for (const KindName& k : kKinds) {
    if (k.name == ev) {
      message.kind = k.kind;
      known = true;
    }
  }
  if (!known) return Bad("ev", absl::StrCat("unknown kind '", ev.substr(0, 32), "'"));
  for (const auto& [key, out] : {std::pair<const char*, std::string*>{"tenant", &message.tenant},
                                 {"call_id", &message.call_id},
                                 {"from", &message.from},
                                 {"to", &message.to},
                                 {"uri", &message.uri},
                                 {"reason", &message.reason}}) {
    if (absl::Status s = OptionalString(object, key, out); !s.ok()) return s;
  }
  if (message.tenant.empty()) return Bad("tenant", "is required");
  if (message.call_id.empty()) return Bad("call_id", "is required");
  if (absl::Status s = OptionalInt(object, "branch", &message.branch); !s.ok()) return s;
  if (absl::Status s = OptionalInt(object, "code", &message.code); !s.ok()) return s;
  if (auto ts = object.find("ts"); ts != object.end() && !ts->is_null()) {
    absl::StatusOr<absl::Time> parsed = ParseTs(*ts);
    if (!parsed.ok()) return parsed.status();
    message.ts = *parsed;
  }
  return message;
}

std::string EvapiEventId(const EvapiMessage& message) {
  if (message.kind == EvapiKind::kInvite) return RouteEventId(message.call_id);
  std::string key = absl::StrCat(message.call_id, "|", EvapiKindName(message.kind));
  if (message.kind == EvapiKind::kRinging || message.kind == EvapiKind::kAnswered ||
      message.kind == EvapiKind::kBranchFailed) {
    absl::StrAppend(&key, "|", message.branch.value_or(0));
  }
  return RouteEventId(key);
}

std::string UriUser(std::string_view uri) {
  const size_t at = uri.find('@');
  if (at == std::string_view::npos) {
    if (uri.find(':') != std::string_view::npos) return "";  // "sip:host": no user part
    return std::string(uri.substr(0, uri.find_first_of(";?")));
  }
  std::string_view user = uri.substr(0, at);
  if (const size_t colon = user.find(':'); colon != std::string_view::npos) {
    user.remove_prefix(colon + 1);  // the scheme
  }
  if (const size_t colon = user.find(':'); colon != std::string_view::npos) {
    user = user.substr(0, colon);  // a password
  }
  return std::string(user.substr(0, user.find(';')));  // user parameters
}

std::optional<std::string> MatchUriTemplate(std::string_view uri_template,
                                            std::string_view placeholder, std::string_view user) {
  const std::string pattern = UriUser(uri_template);
  const size_t at = pattern.find(placeholder);
  if (at == std::string::npos) {
    if (user == pattern) return std::string();
    return std::nullopt;
  }
  const std::string_view prefix = std::string_view(pattern).substr(0, at);
  const std::string_view suffix = std::string_view(pattern).substr(at + placeholder.size());
  if (user.size() <= prefix.size() + suffix.size() || user.substr(0, prefix.size()) != prefix ||
      user.substr(user.size() - suffix.size()) != suffix) {
    return std::nullopt;
  }
  return std::string(user.substr(prefix.size(), user.size() - prefix.size() - suffix.size()));
}

absl::StatusOr<cti::v1::Event> MapEvapiMessage(const EvapiMessage& message,
                                               const std::optional<EvapiDestination>& destination,
                                               absl::Time occurred_at) {
  cti::v1::Event event;
  event.set_event_id(EvapiEventId(message));
  event.set_tenant(message.tenant);
  *event.mutable_occurred_at() = ToProtoTimestamp(occurred_at);
  if (message.call_id.size() <= kMaxCorrelationIdBytes) event.set_correlation_id(message.call_id);
  cti::v1::CallEvent* call = event.mutable_call();
  call->set_call_id(message.call_id);
  const bool needs_target = message.kind == EvapiKind::kRinging ||
                            message.kind == EvapiKind::kAnswered ||
                            message.kind == EvapiKind::kBranchFailed;
  if (needs_target && !destination.has_value()) {
    return Bad("uri", message.uri.empty()
                          ? "is absent and the call rings nowhere known"
                          : "names no employee, unit or number, and the call rings nowhere known");
  }
  switch (message.kind) {
    case EvapiKind::kInvite: {
      cti::v1::CallOffered* offered = call->mutable_offered();
      if (IsPhoneNumber(message.from)) offered->set_caller_number(message.from);
      if (IsPhoneNumber(message.to)) offered->set_dialled_number(message.to);
      break;
    }
    case EvapiKind::kRinging:
      *call->mutable_ringing()->mutable_target() = destination->target;
      call->mutable_ringing()->set_voicemail(destination->voicemail);
      break;
    case EvapiKind::kAnswered:
      *call->mutable_answered()->mutable_by() = destination->target;
      call->mutable_answered()->set_voicemail(destination->voicemail);
      break;
    case EvapiKind::kBranchFailed: {
      absl::StatusOr<uint32_t> code = FailureCode(message);
      if (!code.ok()) return code.status();
      cti::v1::CallBranchFailed* failed = call->mutable_branch_failed();
      *failed->mutable_target() = destination->target;
      failed->set_voicemail(destination->voicemail);
      failed->set_sip_code(*code);
      failed->set_reason(CleanReason(message.reason));
      break;
    }
    case EvapiKind::kAbandoned:
      call->mutable_abandoned();
      break;
    case EvapiKind::kEnded:
      call->mutable_ended();
      break;
    case EvapiKind::kFailed: {
      absl::StatusOr<uint32_t> code = FailureCode(message);
      if (!code.ok()) return code.status();
      call->mutable_failed()->set_sip_code(*code);
      call->mutable_failed()->set_reason(CleanReason(message.reason));
      break;
    }
    case EvapiKind::kRoutingFailed:
      call->mutable_failed()->set_sip_code(503);
      call->mutable_failed()->set_reason(
          CleanReason(message.reason.empty() ? "Service Unavailable" : message.reason));
      break;
  }
  return event;
}

}  // namespace cti::server::kamailio
