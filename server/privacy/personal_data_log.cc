#include "server/privacy/personal_data_log.h"

#include <optional>
#include <utility>
#include <vector>

#include "server/privacy/sealer.h"
#include "spdlog/spdlog.h"

namespace cti::server::privacy {
namespace {

// Opens what the inner reader reads. Records it cannot open yet (UNAVAILABLE: the key
// exchange is out of reach) are held and the error answered; the next call opens and
// answers them before reading on, so none is skipped nor read as erased by mistake.
class OpeningReader final : public cti::log::LogReader {
 public:
  OpeningReader(std::unique_ptr<cti::log::LogReader> inner, KeyVault* vault)
      : inner_(std::move(inner)), vault_(vault) {}

  absl::StatusOr<std::vector<cti::v1::LogRecord>> Next(size_t max_records,
                                                       absl::Duration wait) override {
    if (held_batch_.has_value()) {
      return absl::InternalError("a reader's held batch must be read with NextBatch");
    }
    if (!held_records_.has_value()) {
      absl::StatusOr<std::vector<cti::v1::LogRecord>> records = inner_->Next(max_records, wait);
      if (!records.ok()) return records;
      held_records_ = *std::move(records);
    }
    for (cti::v1::LogRecord& record : *held_records_) {
      if (absl::Status s = OpenAll(*vault_, record.mutable_event()); !s.ok()) return s;
    }
    return *std::exchange(held_records_, std::nullopt);
  }

  absl::StatusOr<cti::log::RecordBatch> NextBatch(size_t max_records,
                                                  absl::Duration wait) override {
    if (held_records_.has_value()) {
      return absl::InternalError("a reader's held records must be read with Next");
    }
    if (!held_batch_.has_value()) {
      absl::StatusOr<cti::log::RecordBatch> batch = inner_->NextBatch(max_records, wait);
      if (!batch.ok()) return batch;
      held_batch_ = *std::move(batch);
    }
    for (size_t i = 0; i < held_batch_->size(); ++i) {
      if (held_batch_->records()[i]->event().has_personal()) {
        if (absl::Status s = OpenAll(*vault_, held_batch_->mutable_record(i)->mutable_event());
            !s.ok()) {
          return s;
        }
      }
    }
    return *std::exchange(held_batch_, std::nullopt);
  }

 private:
  std::unique_ptr<cti::log::LogReader> inner_;
  KeyVault* const vault_;
  std::optional<std::vector<cti::v1::LogRecord>> held_records_;
  std::optional<cti::log::RecordBatch> held_batch_;
};

}  // namespace

absl::Status OpenAll(KeyVault& vault, cti::v1::Event* event) {
  if (!event->has_personal()) return absl::OkStatus();
  absl::StatusOr<OpenResult> opened = Open(vault, event);
  if (opened.ok()) return absl::OkStatus();
  if (opened.status().code() == absl::StatusCode::kUnavailable) return opened.status();
  spdlog::error("tenant {}: {} (read as erased)", event->tenant(),
                std::string(opened.status().message()));
  return absl::OkStatus();
}

PersonalDataLog::PersonalDataLog(std::unique_ptr<cti::log::EventLog> inner, KeyVault* vault)
    : ForwardingLog(std::move(inner)), vault_(vault) {
  thread_ = std::thread([this] { Run(); });
}

PersonalDataLog::~PersonalDataLog() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

uint64_t PersonalDataLog::key_syncs() const {
  absl::MutexLock lock(&mu_);
  return key_syncs_;
}

void PersonalDataLog::AppendAsync(cti::v1::Event event, AppendCallback done) {
  absl::Status sealed = PseudonymizeErasure(*vault_, &event);
  uint64_t key_write = 0;
  if (sealed.ok()) sealed = Seal(*vault_, &event, &key_write);
  if (!sealed.ok()) {
    std::move(done)(sealed);
    return;
  }
  {
    absl::MutexLock lock(&mu_);
    if (!waiting_.empty() || handing_on_ || !vault_->Durable(key_write)) {
      waiting_.push_back(Waiting{std::move(event), std::move(done)});
      return;
    }
  }
  ForwardingLog::AppendAsync(std::move(event), std::move(done));
}

void PersonalDataLog::Run() {
  while (true) {
    std::deque<Waiting> batch;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || !waiting_.empty();
      };
      mu_.Await(absl::Condition(&ready));
      if (waiting_.empty()) return;  // stopping, nothing left
      batch.swap(waiting_);
      handing_on_ = true;
    }
    // One sync for every key the batch (and anything sealed meanwhile) was sealed with.
    const absl::Status synced = vault_->SyncKeys();
    {
      absl::MutexLock lock(&mu_);
      ++key_syncs_;
    }
    for (Waiting& waiting : batch) {
      if (synced.ok()) {
        ForwardingLog::AppendAsync(std::move(waiting.event), std::move(waiting.done));
      } else {
        std::move(waiting.done)(synced);
      }
    }
    absl::MutexLock lock(&mu_);
    handing_on_ = false;
  }
}

absl::StatusOr<std::unique_ptr<cti::log::LogReader>> PersonalDataLog::OpenReader(int partition,
                                                                                 uint64_t from) {
  absl::StatusOr<std::unique_ptr<cti::log::LogReader>> inner =
      ForwardingLog::OpenReader(partition, from);
  if (!inner.ok()) return inner.status();
  return std::unique_ptr<cti::log::LogReader>(new OpeningReader(*std::move(inner), vault_));
}

}  // namespace cti::server::privacy
