#include "server/privacy/personal_data_log.h"

#include <utility>
#include <vector>

#include "server/privacy/sealer.h"
#include "spdlog/spdlog.h"

namespace cti::server::privacy {
namespace {

class OpeningReader final : public cti::log::LogReader {
 public:
  OpeningReader(std::unique_ptr<cti::log::LogReader> inner, KeyVault* vault)
      : inner_(std::move(inner)), vault_(vault) {}

  absl::StatusOr<std::vector<cti::v1::LogRecord>> Next(size_t max_records,
                                                       absl::Duration wait) override {
    absl::StatusOr<std::vector<cti::v1::LogRecord>> records = inner_->Next(max_records, wait);
    if (records.ok()) {
      for (cti::v1::LogRecord& record : *records) OpenAll(*vault_, record.mutable_event());
    }
    return records;
  }

  absl::StatusOr<cti::log::RecordBatch> NextBatch(size_t max_records,
                                                  absl::Duration wait) override {
    absl::StatusOr<cti::log::RecordBatch> batch = inner_->NextBatch(max_records, wait);
    if (batch.ok()) {
      for (size_t i = 0; i < batch->size(); ++i) {
        if (batch->records()[i]->event().has_personal()) {
          OpenAll(*vault_, batch->mutable_record(i)->mutable_event());
        }
      }
    }
    return batch;
  }

 private:
  std::unique_ptr<cti::log::LogReader> inner_;
  KeyVault* const vault_;
};

}  // namespace

void OpenAll(KeyVault& vault, cti::v1::Event* event) {
  if (!event->has_personal()) return;
  absl::StatusOr<OpenResult> opened = Open(vault, event);
  if (!opened.ok()) {
    spdlog::error("tenant {}: {} (read as erased)", event->tenant(),
                  std::string(opened.status().message()));
  }
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
