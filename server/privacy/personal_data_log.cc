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

void PersonalDataLog::AppendAsync(cti::v1::Event event, AppendCallback done) {
  absl::Status sealed = PseudonymizeErasure(*vault_, &event);
  if (sealed.ok()) sealed = Seal(*vault_, &event);
  if (!sealed.ok()) {
    std::move(done)(sealed);
    return;
  }
  ForwardingLog::AppendAsync(std::move(event), std::move(done));
}

absl::StatusOr<std::unique_ptr<cti::log::LogReader>> PersonalDataLog::OpenReader(int partition,
                                                                                 uint64_t from) {
  absl::StatusOr<std::unique_ptr<cti::log::LogReader>> inner =
      ForwardingLog::OpenReader(partition, from);
  if (!inner.ok()) return inner.status();
  return std::unique_ptr<cti::log::LogReader>(new OpeningReader(*std::move(inner), vault_));
}

}  // namespace cti::server::privacy
