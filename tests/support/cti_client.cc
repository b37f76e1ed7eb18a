#include "tests/support/cti_client.h"

#include <algorithm>
#include <fstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "tests/support/grpc_clients.h"

namespace cti::test_support {

absl::Status ToAbsl(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

CtiClient::CtiClient(std::shared_ptr<grpc::Channel> channel)
    : channel_(std::move(channel)),
      events_(cti::v1::EventService::NewStub(channel_)),
      directory_(cti::v1::DirectoryService::NewStub(channel_)),
      admin_(cti::v1::AdminService::NewStub(channel_)) {}

absl::StatusOr<uint64_t> CtiClient::AppendJsonLines(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::vector<cti::v1::Event> all;
  int line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (line.empty() || line[0] == '#') continue;
    cti::v1::Event event;
    if (!google::protobuf::util::JsonStringToMessage(line, &event).ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", line_number, ": not a cti.v1.Event in JSON"));
    }
    all.push_back(std::move(event));
  }
  uint64_t last = 0;
  for (size_t i = 0; i < all.size(); i += 500) {
    cti::v1::AppendBatchRequest request;
    for (size_t j = i; j < all.size() && j < i + 500; ++j) *request.add_events() = all[j];
    cti::v1::AppendBatchResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    if (grpc::Status status = events_->AppendBatch(&context, request, &response); !status.ok()) {
      return ToAbsl(status);
    }
    for (const cti::v1::AppendBatchResult& result : response.results()) {
      if (result.code() != 0) {
        return absl::FailedPreconditionError(absl::StrCat(path, ": ", result.message()));
      }
      last = std::max(last, result.appended().position());
    }
  }
  return last;
}

absl::StatusOr<cti::v1::AppendResponse> CtiClient::Append(const cti::v1::Event& event,
                                                          absl::Duration timeout,
                                                          uint64_t min_position) {
  cti::v1::AppendRequest request;
  *request.mutable_event() = event;
  request.set_min_position(min_position);
  cti::v1::AppendResponse response;
  auto ctx = Ctx(timeout);
  grpc::Status status = events_->Append(ctx.get(), request, &response);
  if (!status.ok()) return ToAbsl(status);
  return response;
}

absl::StatusOr<cti::v1::GetStatusResponse> CtiClient::Status(uint64_t min_position,
                                                             const std::string& tenant,
                                                             absl::Duration timeout) {
  cti::v1::GetStatusRequest request;
  request.set_tenant(tenant);
  request.set_min_position(min_position);
  cti::v1::GetStatusResponse response;
  auto ctx = Ctx(timeout);
  grpc::Status status = admin_->GetStatus(ctx.get(), request, &response);
  if (!status.ok()) return ToAbsl(status);
  return response;
}

absl::StatusOr<cti::v1::SearchResponse> CtiClient::Search(const std::string& query,
                                                          uint64_t min_position,
                                                          cti::v1::SearchKind kind,
                                                          const std::string& tenant,
                                                          absl::Duration timeout) {
  cti::v1::SearchRequest request;
  request.set_tenant(tenant);
  request.set_query(query);
  request.set_kind(kind);
  request.set_min_position(min_position);
  cti::v1::SearchResponse response;
  auto ctx = Ctx(timeout);
  grpc::Status status = directory_->Search(ctx.get(), request, &response);
  if (!status.ok()) return ToAbsl(status);
  return response;
}

absl::StatusOr<cti::v1::GetEmployeeResponse> CtiClient::GetEmployee(const std::string& employee_id,
                                                                    uint64_t min_position,
                                                                    const std::string& tenant) {
  cti::v1::GetEmployeeRequest request;
  request.set_tenant(tenant);
  request.set_employee_id(employee_id);
  request.set_min_position(min_position);
  cti::v1::GetEmployeeResponse response;
  auto ctx = Ctx();
  grpc::Status status = directory_->GetEmployee(ctx.get(), request, &response);
  if (!status.ok()) return ToAbsl(status);
  return response;
}

absl::StatusOr<cti::v1::GetUnitResponse> CtiClient::GetUnit(const std::string& unit_id,
                                                            uint64_t min_position,
                                                            const std::string& tenant) {
  cti::v1::GetUnitRequest request;
  request.set_tenant(tenant);
  request.set_unit_id(unit_id);
  request.set_min_position(min_position);
  cti::v1::GetUnitResponse response;
  auto ctx = Ctx();
  grpc::Status status = directory_->GetUnit(ctx.get(), request, &response);
  if (!status.ok()) return ToAbsl(status);
  return response;
}

absl::StatusOr<std::vector<cti::v1::LogRecord>> CtiClient::ReadRecords(
    const cti::v1::SubscribeRequest& request, uint64_t until_position, absl::Duration timeout,
    std::vector<cti::v1::LogRecord>* partial) {
  auto ctx = Ctx(timeout);
  std::unique_ptr<grpc::ClientReader<cti::v1::SubscribeResponse>> reader =
      events_->Subscribe(ctx.get(), request);
  std::vector<cti::v1::LogRecord> records;
  cti::v1::SubscribeResponse message;
  bool reached = false;
  while (reader->Read(&message)) {
    if (!message.has_record()) continue;
    records.push_back(message.record());
    if (until_position != 0 && message.record().position() >= until_position) {
      reached = true;
      break;
    }
  }
  if (reached) {
    ctx->TryCancel();
    reader->Finish();  // CANCELLED, by us.
    return records;
  }
  grpc::Status status = reader->Finish();
  if (partial != nullptr) *partial = records;
  if (!status.ok()) return ToAbsl(status);
  if (until_position != 0) {
    return absl::InternalError(absl::StrCat("stream ended OK after ", records.size(),
                                            " records without reaching position ", until_position));
  }
  return records;
}

absl::StatusOr<std::vector<cti::v1::LogRecord>> CtiClient::ReadRecordsResuming(
    const cti::v1::SubscribeRequest& request, uint64_t until_position, absl::Duration timeout,
    int* resumes) {
  const absl::Time deadline = absl::Now() + timeout;
  cti::v1::SubscribeRequest next = request;
  std::vector<cti::v1::LogRecord> all;
  while (true) {
    std::vector<cti::v1::LogRecord> partial;
    absl::StatusOr<std::vector<cti::v1::LogRecord>> got =
        ReadRecords(next, until_position, deadline - absl::Now(), &partial);
    if (got.ok()) {
      all.insert(all.end(), got->begin(), got->end());
      return all;
    }
    if (got.status().code() != absl::StatusCode::kResourceExhausted) return got.status();
    all.insert(all.end(), partial.begin(), partial.end());
    if (!all.empty()) next.set_after_position(all.back().position());
    next.set_from_now(false);
    if (resumes != nullptr) ++*resumes;
  }
}

absl::StatusOr<std::vector<cti::v1::RebuildProgress>> CtiClient::Rebuild(absl::Duration timeout) {
  auto ctx = Ctx(timeout);
  std::unique_ptr<grpc::ClientReader<cti::v1::RebuildProgress>> reader =
      admin_->Rebuild(ctx.get(), cti::v1::RebuildRequest());
  std::vector<cti::v1::RebuildProgress> progress;
  cti::v1::RebuildProgress message;
  while (reader->Read(&message)) progress.push_back(message);
  grpc::Status status = reader->Finish();
  if (!status.ok()) return ToAbsl(status);
  if (progress.empty() || !progress.back().done()) {
    return absl::InternalError(absl::StrCat("Rebuild stream ended OK after ", progress.size(),
                                            " messages without done = true"));
  }
  return progress;
}

cti::v1::SubscribeRequest SubscribeFrom(const std::string& tenant, uint64_t after_position) {
  cti::v1::SubscribeRequest request;
  request.set_tenant(tenant);
  request.set_after_position(after_position);
  return request;
}

}  // namespace cti::test_support
