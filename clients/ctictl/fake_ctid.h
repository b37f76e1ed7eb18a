// A fake of ctid's gRPC services for ctictl's tests: EventService, DirectoryService,
// AdminService and AuditService on 127.0.0.1 (port chosen by the kernel), recording what they
// receive and answering what each test scripts. Not thread-safe beyond what each fake documents.
#ifndef CTI_CLIENTS_CTICTL_FAKE_CTID_H_
#define CTI_CLIENTS_CTICTL_FAKE_CTID_H_

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <sstream>
#include <thread>

#include "connection.h"

namespace cti::ctictl::fake {

inline std::string Metadata(grpc::ServerContext* context, const std::string& key) {
  const auto& metadata = context->client_metadata();
  auto it = metadata.find(key);
  return it == metadata.end() ? "" : std::string(it->second.data(), it->second.size());
}

class FakeEvents final : public cti::v1::EventService::Service {
 public:
  grpc::Status Append(grpc::ServerContext* context, const cti::v1::AppendRequest* request,
                      cti::v1::AppendResponse* response) override {
    std::lock_guard<std::mutex> lock(mu);
    actor = Metadata(context, "x-cti-actor");
    role = Metadata(context, "x-cti-role");
    received.push_back(request->event());
    const std::string& id = request->event().event_id();
    if (id.rfind("refuse", 0) == 0) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "employee.full_name: required");
    }
    response->set_event_id(id);
    response->set_duplicate(id.rfind("dup", 0) == 0);
    response->set_position(++position);
    return grpc::Status::OK;
  }

  grpc::Status Subscribe(grpc::ServerContext* context, const cti::v1::SubscribeRequest* request,
                         grpc::ServerWriter<cti::v1::SubscribeResponse>* writer) override {
    int call = 0;
    {
      std::lock_guard<std::mutex> lock(mu);
      subscribes.push_back(*request);
      call = static_cast<int>(subscribes.size()) - 1;
    }
    return subscribe_script(call, context, writer);
  }

  std::mutex mu;
  std::vector<cti::v1::Event> received;
  std::vector<cti::v1::SubscribeRequest> subscribes;
  std::string actor;
  std::string role;
  uint64_t position = 100;
  std::function<grpc::Status(int, grpc::ServerContext*,
                             grpc::ServerWriter<cti::v1::SubscribeResponse>*)>
      subscribe_script;
};

class FakeDirectory final : public cti::v1::DirectoryService::Service {
 public:
  grpc::Status Search(grpc::ServerContext*, const cti::v1::SearchRequest* request,
                      cti::v1::SearchResponse* response) override {
    last_search = *request;
    auto* employee = response->add_hits()->mutable_employee();
    employee->set_employee_id("e3");
    employee->set_full_name("Mette Løvgren");
    employee->set_extension("4820");
    employee->set_unlisted(true);
    return grpc::Status::OK;
  }
  grpc::Status GetEmployee(grpc::ServerContext*, const cti::v1::GetEmployeeRequest* request,
                           cti::v1::GetEmployeeResponse*) override {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        "employee_id '" + request->employee_id() + "' not found");
  }
  cti::v1::SearchRequest last_search;
};

class FakeAdmin final : public cti::v1::AdminService::Service {
 public:
  grpc::Status GetStatus(grpc::ServerContext* context, const cti::v1::GetStatusRequest* request,
                         cti::v1::GetStatusResponse* response) override {
    role = Metadata(context, "x-cti-role");
    tenant = request->tenant();
    if (delay.count() > 0) std::this_thread::sleep_for(delay);
    response->set_log_end_position(42);
    response->set_applied_position(42);
    response->set_state_digest("c0ffee");
    return grpc::Status::OK;
  }
  grpc::Status Rebuild(grpc::ServerContext*, const cti::v1::RebuildRequest*,
                       grpc::ServerWriter<cti::v1::RebuildProgress>* writer) override {
    if (refuse_rebuild) {
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "a rebuild is running");
    }
    for (uint64_t applied : {100u, 200u, 300u}) {
      cti::v1::RebuildProgress progress;
      progress.set_applied(applied);
      progress.set_total(300);
      progress.set_records_per_second(5000);
      if (applied == 300 && finish_rebuild) {
        progress.set_done(true);
        progress.set_state_digest("beef42");
      }
      writer->Write(progress);
    }
    return grpc::Status::OK;
  }
  grpc::Status Backup(grpc::ServerContext* context, const cti::v1::BackupRequest* request,
                      cti::v1::BackupResponse* response) override {
    role = Metadata(context, "x-cti-role");
    backup_directory = request->directory();
    if (request->directory().empty() || request->directory()[0] != '/') {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "directory: must be an absolute path on the server's machine");
    }
    response->set_directory(request->directory());
    response->set_log_end_position(42);
    response->set_applied_position(42);
    response->set_state_digest("c0ffee");
    response->set_files(12);
    response->set_bytes(3 << 20);
    response->mutable_duration()->set_nanos(250000000);
    response->mutable_projector_paused()->set_nanos(4000000);
    response->set_log_backend("embedded");
    return grpc::Status::OK;
  }
  std::string role;
  std::string tenant;
  std::string backup_directory;
  std::chrono::milliseconds delay{0};
  bool refuse_rebuild = false;
  bool finish_rebuild = true;
};

// Replays positions first..last of a scripted log of staff records (employee_left of
// "e<position>"), two records per message, and answers a scripted compliance report; or
// refuses.
class FakeAudit final : public cti::v1::AuditService::Service {
 public:
  grpc::Status Replay(grpc::ServerContext*, const cti::v1::ReplayRequest* request,
                      grpc::ServerWriter<cti::v1::ReplayResponse>* writer) override {
    {
      std::lock_guard<std::mutex> lock(mu);
      requests.push_back(*request);
    }
    if (refuse) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "kinds[0]: unknown");
    cti::v1::ReplayResponse message;
    for (uint64_t position = first; position <= last; ++position) {
      cti::v1::LogRecord* record = message.add_records();
      record->set_position(position);
      record->mutable_event()->mutable_staff()->mutable_employee_left()->set_employee_id(
          "e" + std::to_string(position));
      if (message.records_size() == 2 || position == last) {
        message.set_first_position(first);
        message.set_last_position(last);
        message.set_scanned_through(position);
        writer->Write(message);
        message.Clear();
      }
    }
    return grpc::Status::OK;
  }
  // Answers `report` (or refuses with INVALID_ARGUMENT when refuse is set).
  grpc::Status ComplianceReport(grpc::ServerContext*,
                                const cti::v1::ComplianceReportRequest* request,
                                cti::v1::ComplianceReportResponse* response) override {
    {
      std::lock_guard<std::mutex> lock(mu);
      report_requests.push_back(*request);
    }
    if (refuse)
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "to_day: is before from_day");
    *response = report;
    return grpc::Status::OK;
  }
  std::mutex mu;
  std::vector<cti::v1::ReplayRequest> requests;
  std::vector<cti::v1::ComplianceReportRequest> report_requests;
  cti::v1::ComplianceReportResponse report;
  uint64_t first = 1;
  uint64_t last = 5;
  bool refuse = false;
};

class FakeCtidTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&events_);
    builder.RegisterService(&directory_);
    builder.RegisterService(&admin_);
    builder.RegisterService(&audit_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port_, 0);
    options_.server = "127.0.0.1:" + std::to_string(port_);
    options_.tenant = "demo";
    options_.actor = "tester";
    options_.role = "reception";
    options_.timeout_seconds = 5;
  }
  void TearDown() override {
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  }

  static cti::v1::SubscribeResponse Record(uint64_t position) {
    cti::v1::SubscribeResponse response;
    response.mutable_record()->set_position(position);
    response.mutable_record()
        ->mutable_event()
        ->mutable_staff()
        ->mutable_employee_left()
        ->set_employee_id("e" + std::to_string(position));
    return response;
  }

  FakeEvents events_;
  FakeDirectory directory_;
  FakeAdmin admin_;
  FakeAudit audit_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  GlobalOptions options_;
  std::ostringstream out_;
  std::ostringstream err_;
};

}  // namespace cti::ctictl::fake

#endif  // CTI_CLIENTS_CTICTL_FAKE_CTID_H_
