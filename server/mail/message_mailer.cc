#include "server/mail/message_mailer.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "server/logging.h"
#include "server/mail/message_mail.h"
#include "spdlog/spdlog.h"

namespace cti::mail {
namespace {

using cti::projections::OutboxMessage;
using cti::server::RedactForLog;

// Whom a message is for, by id (log lines name no address).
std::string Recipient(const OutboxMessage& message) {
  if (!message.for_target.employee_id().empty()) {
    return absl::StrCat("employee ", message.for_target.employee_id());
  }
  return absl::StrCat("unit ", message.for_target.unit_id());
}

// A pass ends at a retry at most this soon (real time), so a retry due at once does
// not spin the thread.
constexpr absl::Duration kMinWait = absl::Milliseconds(10);
// How soon to look again while the projections are not readable yet.
constexpr absl::Duration kNotReadableWait = absl::Milliseconds(100);

bool Permanent(const absl::Status& status) {
  return absl::IsFailedPrecondition(status) || absl::IsInvalidArgument(status);
}

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  google::protobuf::Timestamp ts;
  const int64_t micros = absl::ToUnixMicros(t);
  ts.set_seconds(micros / 1000000);
  ts.set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
  return ts;
}

// `text` as the event's checks take it: printable ASCII (SMTP replies and libcurl's
// messages are ASCII; anything else becomes '?'), at most `max_bytes`.
std::string Printable(std::string text, size_t max_bytes) {
  for (char& c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) c = '?';
  }
  if (text.size() > max_bytes) text.resize(max_bytes);
  return text;
}

}  // namespace

MessageMailer::MessageMailer(MailerOptions options, StoreSource store, MailSender* sender,
                             EventAppender* appender, cti::Clock* clock)
    : options_(std::move(options)),
      store_(std::move(store)),
      sender_(sender),
      appender_(appender),
      clock_(clock) {}

MessageMailer::~MessageMailer() { Stop(); }

absl::Duration MessageMailer::Backoff(const MailerOptions& options, int attempts) {
  const double factor = std::pow(options.backoff_factor, std::max(0, attempts - 1));
  const absl::Duration wait = options.initial_backoff * factor;
  return std::min(wait, options.max_backoff);
}

void MessageMailer::Start() {
  thread_ = std::thread([this] { Run(); });
}

void MessageMailer::Wake() {
  absl::MutexLock lock(&mu_);
  wake_ = true;
}

void MessageMailer::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void MessageMailer::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stop_) return;
      wake_ = false;
    }
    const PassResult pass = RunOnce();
    absl::Duration wait = options_.poll_interval;
    if (pass.next_attempt != absl::InfiniteFuture()) {
      wait = std::clamp(pass.next_attempt - clock_->Now(), kMinWait, options_.poll_interval);
    }
    if (absl::IsUnavailable(pass.error)) {
      wait = std::min(wait, kNotReadableWait);  // Start-up: the projector catches up.
    } else if (!pass.error.ok()) {
      spdlog::warn("mailer: reading the outbox: {}", pass.error.ToString());
    }
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(this, &MessageMailer::Woken), wait);
  }
}

MessageMailer::PassResult MessageMailer::RunOnce() {
  PassResult result;
  std::shared_ptr<const cti::projections::Store> store = store_();
  if (store == nullptr) {
    result.error = absl::UnavailableError("the projections are not readable yet");
    return result;
  }
  cti::projections::Outbox outbox(store.get());
  absl::StatusOr<std::vector<std::string>> tenants = outbox.TenantsWithPending();
  if (!tenants.ok()) {
    result.error = tenants.status();
    return result;
  }
  absl::flat_hash_set<std::string> seen;
  for (const std::string& tenant : *tenants) {
    absl::StatusOr<std::vector<OutboxMessage>> pending = outbox.Pending(tenant);
    if (!pending.ok()) {
      result.error = pending.status();
      return result;  // Nothing forgotten: the state of the messages not read stays.
    }
    for (const OutboxMessage& message : *pending) {
      std::string key = absl::StrCat(tenant, std::string(1, '\0'), message.message_id);
      Attempts& attempts = attempts_[key];
      seen.insert(std::move(key));
      if (attempts.recorded) continue;  // Its outcome is on the log, not applied yet.
      if (attempts.next_at > clock_->Now()) {
        result.next_attempt = std::min(result.next_attempt, attempts.next_at);
        continue;
      }
      Handle(message, attempts, result);
      if (!attempts.recorded) result.next_attempt = std::min(result.next_attempt, attempts.next_at);
    }
  }
  // Messages out of the outbox (their outcome applied) need no memory any more.
  absl::erase_if(attempts_, [&seen](const auto& entry) { return !seen.contains(entry.first); });
  return result;
}

void MessageMailer::Handle(const OutboxMessage& message, Attempts& attempts, PassResult& result) {
  if (attempts.unrecorded.has_value()) {
    // Sent (or given up) before; only the log did not take the outcome.
    const bool delivered = attempts.unrecorded->call().has_message_delivered();
    if (Record(*attempts.unrecorded, attempts)) ++(delivered ? result.delivered : result.failed);
    return;
  }
  if (message.address.empty()) {
    spdlog::warn("mailer: message {} of {}: {}", message.message_id, message.tenant,
                 message.no_address_reason);
    if (Record(Failed(message, message.no_address_reason, 0), attempts)) ++result.failed;
    return;
  }
  const absl::Time now = clock_->Now();
  const Mail mail =
      MailForMessage(message, options_.from_address, options_.from_name, now, options_.zone);
  const absl::StatusOr<std::string> reply = sender_->Send(mail);
  ++attempts.made;
  if (reply.ok()) {
    spdlog::info("mailer: message {} of {} sent to {} ({})", message.message_id, message.tenant,
                 Recipient(message), RedactForLog(*reply));
    if (Record(Delivered(message, *reply, attempts.made), attempts)) ++result.delivered;
    return;
  }
  const std::string why(reply.status().message());
  if (Permanent(reply.status()) || attempts.made >= options_.max_attempts) {
    const std::string reason =
        Permanent(reply.status())
            ? why
            : absl::StrCat("gave up after ", attempts.made, " attempts; the last: ", why);
    spdlog::warn("mailer: message {} of {} to {} failed for good: {}", message.message_id,
                 message.tenant, Recipient(message), RedactForLog(reason));
    if (Record(Failed(message, reason, attempts.made), attempts)) ++result.failed;
    return;
  }
  attempts.next_at = now + Backoff(options_, attempts.made);
  ++result.retried;
  spdlog::warn("mailer: message {} of {} to {}: attempt {} failed, next in {}: {}",
               message.message_id, message.tenant, Recipient(message), attempts.made,
               absl::FormatDuration(attempts.next_at - now), RedactForLog(why));
}

bool MessageMailer::Record(cti::v1::Event event, Attempts& attempts) {
  absl::StatusOr<uint64_t> position = appender_->Append(event);
  if (position.ok() || absl::IsFailedPrecondition(position.status()) ||
      absl::IsNotFound(position.status()) || absl::IsInvalidArgument(position.status())) {
    // Refused: the message got its outcome elsewhere (or vanished), or the event does
    // not pass the checks (trying again would not help). The mailer leaves the message
    // alone until a restart.
    if (!position.ok()) {
      spdlog::warn("mailer: the log refused {}: {}", event.event_id(),
                   position.status().ToString());
    }
    attempts.recorded = true;
    attempts.unrecorded.reset();
    return position.ok();
  }
  spdlog::warn("mailer: recording {} failed, trying again later: {}", event.event_id(),
               position.status().ToString());
  attempts.unrecorded = std::move(event);
  attempts.next_at = clock_->Now() + Backoff(options_, 1);
  return false;
}

cti::v1::Event MessageMailer::Delivered(const OutboxMessage& message, const std::string& reply,
                                        int attempts) {
  cti::v1::Event event;
  event.set_tenant(message.tenant);
  event.set_event_id(absl::StrCat("mail-delivered.", message.message_id));
  *event.mutable_occurred_at() = ToTimestamp(clock_->Now());
  cti::v1::CallEvent* call = event.mutable_call();
  call->set_call_id(message.call_id);
  cti::v1::MessageDelivered* delivered = call->mutable_message_delivered();
  delivered->set_message_id(message.message_id);
  delivered->set_address(message.address);
  delivered->set_smtp_reply(Printable(reply, 500));
  delivered->set_attempts(static_cast<uint32_t>(attempts));
  return event;
}

cti::v1::Event MessageMailer::Failed(const OutboxMessage& message, const std::string& reason,
                                     int attempts) {
  cti::v1::Event event;
  event.set_tenant(message.tenant);
  event.set_event_id(absl::StrCat("mail-failed.", message.message_id));
  *event.mutable_occurred_at() = ToTimestamp(clock_->Now());
  cti::v1::CallEvent* call = event.mutable_call();
  call->set_call_id(message.call_id);
  cti::v1::MessageDeliveryFailed* failed = call->mutable_message_delivery_failed();
  failed->set_message_id(message.message_id);
  failed->set_address(message.address);
  failed->set_reason(Printable(reason.empty() ? "unknown" : reason, 1000));
  failed->set_attempts(static_cast<uint32_t>(attempts));
  return event;
}

}  // namespace cti::mail
