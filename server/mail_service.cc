#include "server/mail_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/append.h"
#include "server/projector_runner.h"
#include "spdlog/spdlog.h"

namespace cti::server {

// Appends as EventService.Append does, without the wait for unapplied appends (the
// mailer reads the outbox from the projection, so what it refers to is applied).
class MailService::Appender final : public cti::mail::EventAppender {
 public:
  explicit Appender(const ServiceDeps* deps) : deps_(*deps) {
    actor_.set_id("ctid-mailer");
    actor_.set_role(cti::v1::ROLE_SYSTEM);
  }

  absl::StatusOr<uint64_t> Append(cti::v1::Event event) override {
    absl::StatusOr<cti::v1::Event> prepared = PrepareEvent(event, "event", actor_);
    if (!prepared.ok()) return prepared.status();
    std::shared_ptr<cti::projections::Store> store = deps_.stores->Get();
    if (store == nullptr) return absl::UnavailableError("the server is stopping");
    absl::StatusOr<std::optional<cti::v1::AppendResponse>> checked =
        CheckAppend(*prepared, /*client_event_id=*/true, *store, *deps_.log);
    if (!checked.ok()) return checked.status();
    if (checked->has_value()) return (*checked)->position();  // A repeat, applied.
    absl::StatusOr<cti::log::AppendResult> appended = deps_.log->Append(*std::move(prepared));
    if (!appended.ok()) return appended.status();
    return appended->position;
  }

 private:
  const ServiceDeps& deps_;
  cti::v1::Actor actor_;
};

// Wakes the mailer when a batch brings an accepted MessageTaken.
class MailService::Feed final : public HubListener {
 public:
  explicit Feed(cti::mail::MessageMailer* mailer) : mailer_(mailer) {}
  void OnBatch(const std::shared_ptr<const AppliedBatch>& batch) override {
    for (const cti::v1::LogRecord* record : batch->records.records()) {
      if (record->event().call().has_message_taken() && !record->outcome().rejected()) {
        mailer_->Wake();
        return;
      }
    }
  }
  void OnShutdown() override {}

 private:
  cti::mail::MessageMailer* const mailer_;
};

absl::StatusOr<std::unique_ptr<MailService>> MailService::Start(MailOptions options,
                                                                const ServiceDeps* deps) {
  if (options.smtp_url.empty()) {
    spdlog::info("mail is off (no --smtp-url): messages taken stay in the outbox unsent");
    return nullptr;
  }
  const std::string& from = options.mailer.from_address;
  if (from.empty() || from.find('@') == std::string::npos || from.find(' ') != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--mail-from: an e-mail address is required with --smtp-url, got \"", from, "\""));
  }
  cti::mail::SmtpOptions smtp;
  smtp.url = options.smtp_url;
  smtp.require_starttls = options.require_starttls;
  smtp.user = options.smtp_user;
  smtp.password = options.smtp_password;
  absl::StatusOr<std::unique_ptr<cti::mail::CurlSmtpSender>> sender =
      cti::mail::CurlSmtpSender::Create(std::move(smtp));
  if (!sender.ok()) return sender.status();

  std::unique_ptr<MailService> service(new MailService);
  service->deps_ = deps;
  service->sender_ = *std::move(sender);
  service->appender_ = std::make_unique<Appender>(deps);
  options.mailer.zone = deps->zone;
  auto store = [deps]() -> std::shared_ptr<const cti::projections::Store> {
    if (deps->runner != nullptr && !deps->runner->caught_up()) return nullptr;
    if (!ServingGate(*deps).ok()) return nullptr;
    return deps->stores->Get();
  };
  service->mailer_ = std::make_unique<cti::mail::MessageMailer>(
      options.mailer, std::move(store), service->sender_.get(), service->appender_.get(),
      deps->clock);
  service->feed_ = std::make_shared<Feed>(service->mailer_.get());
  for (int p = 0; p < deps->log->partition_count(); ++p) {
    if (absl::StatusOr<uint64_t> added = deps->hub->Add(p, service->feed_); !added.ok()) {
      return added.status();
    }
  }
  service->mailer_->Start();
  spdlog::info("mail is on: messages go out via {} from {}", options.smtp_url, from);
  return service;
}

MailService::~MailService() { Stop(); }

void MailService::Stop() {
  if (deps_ != nullptr && feed_ != nullptr) deps_->hub->Remove(feed_.get());
  if (sender_ != nullptr) sender_->Cancel();
  if (mailer_ != nullptr) mailer_->Stop();
}

}  // namespace cti::server
