#include "server/testing/server_fixture.h"

#include <grpcpp/generic/generic_stub.h>
#include <stdlib.h>

#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "server/identity.h"
#include "server/log/memory_log.h"

namespace cti::server::testing {

TempDir::TempDir() {
  const char* base = getenv("TEST_TMPDIR");
  std::string pattern = absl::StrCat(base != nullptr ? base : "/tmp", "/ctid-test-XXXXXX");
  const char* made = mkdtemp(pattern.data());
  path_ = made != nullptr ? made : "";
  EXPECT_FALSE(path_.empty()) << "mkdtemp failed";
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

ServerFixture::ServerFixture(FixtureOptions options)
    : options_(options), clock_(absl::FromUnixSeconds(kStartSeconds)) {
  Start();
}

ServerFixture::~ServerFixture() { Stop(); }

void ServerFixture::Start() {
  CtidOptions options;
  options.plaintext = true;  // loopback tests: no TLS, identity from headers
  options.insecure_dev_identity = true;
  options.data_dir = dir_.path();
  options.listen = "127.0.0.1:0";
  options.work_threads = 2;
  options.service.subscriber_buffer = options_.subscriber_buffer;
  options.service.default_heartbeat = options_.heartbeat;
  options.runner.read_wait = absl::Milliseconds(20);
  options.runner.batch_size = options_.runner_batch_size;
  options.rebuild.batch_size = options_.rebuild_batch_size;
  if (options_.configure) options_.configure(&options);
  std::unique_ptr<cti::log::EventLog> log;
  if (!options_.embedded_log) {
    log = std::make_unique<cti::log::MemoryLog>(&clock_, options_.partitions);
  }
  absl::StatusOr<std::unique_ptr<CtidServer>> server =
      CtidServer::Start(options, &clock_, std::move(log));
  ASSERT_TRUE(server.ok()) << server.status();
  server_ = *std::move(server);
  ASSERT_TRUE(server_->WaitUntilServing(absl::Seconds(30)));
  channel_ = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
  events_ = cti::v1::EventService::NewStub(channel_);
  directory_ = cti::v1::DirectoryService::NewStub(channel_);
  admin_ = cti::v1::AdminService::NewStub(channel_);
}

void ServerFixture::Stop() {
  events_.reset();
  directory_.reset();
  admin_.reset();
  channel_.reset();
  if (server_ != nullptr) server_->Shutdown();
  server_.reset();
}

void ServerFixture::Restart() {
  Stop();
  Start();
}

grpc::Status ServerFixture::Append(const cti::v1::Event& event, cti::v1::AppendResponse* response) {
  cti::v1::AppendRequest request;
  *request.mutable_event() = event;
  std::unique_ptr<grpc::ClientContext> context = NewContext();
  return events_->Append(context.get(), request, response);
}

cti::v1::GetStatusResponse ServerFixture::Status(uint64_t min_position) {
  cti::v1::GetStatusRequest request;
  request.set_min_position(min_position);
  cti::v1::GetStatusResponse response;
  std::unique_ptr<grpc::ClientContext> context = NewContext();
  grpc::Status status = admin_->GetStatus(context.get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
  return response;
}

std::unique_ptr<grpc::ClientContext> NewContext(bool identity, absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout));
  if (identity) {
    context->AddMetadata(kActorHeader, "test-admin");
    context->AddMetadata(kRoleHeader, "admin");
  }
  return context;
}

int HealthCheck(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                grpc::Status* error) {
  // HealthCheckRequest { string service = 1; } by hand: no generated health code here.
  std::string request_bytes;
  if (!service.empty()) {
    request_bytes.push_back(0x0a);
    request_bytes.push_back(static_cast<char>(service.size()));
    request_bytes += service;
  }
  grpc::Slice slice(request_bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  grpc::GenericStub stub(channel);
  std::unique_ptr<grpc::ClientContext> context = NewContext(false, absl::Seconds(5));
  absl::Notification done;
  grpc::Status status;
  stub.UnaryCall(context.get(), "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request,
                 &response, [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  if (error != nullptr) *error = status;
  if (!status.ok()) return -1;
  std::vector<grpc::Slice> slices;
  if (!response.Dump(&slices).ok()) return -1;
  std::string bytes;
  for (const grpc::Slice& s : slices)
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  // HealthCheckResponse { ServingStatus status = 1; }: absent means UNKNOWN (0).
  if (bytes.size() >= 2 && bytes[0] == 0x08) return bytes[1];
  return 0;
}

namespace {

cti::v1::Event Envelope(cti::v1::Event event, const std::string& tenant) {
  event.set_tenant(tenant);
  event.mutable_occurred_at()->set_seconds(kStartSeconds);
  return event;
}

}  // namespace

cti::v1::Event Administration(const std::string& unit_id, const std::string& name,
                              const std::string& tenant) {
  cti::v1::Event event;
  cti::v1::Unit* unit = event.mutable_staff()->mutable_unit_defined()->mutable_unit();
  unit->set_unit_id(unit_id);
  unit->set_kind(cti::v1::UNIT_KIND_ADMINISTRATION);
  unit->set_name(name);
  return Envelope(std::move(event), tenant);
}

cti::v1::Event Hire(const std::string& employee_id, const std::string& name,
                    const std::string& unit_id, const std::string& tenant) {
  cti::v1::Event event;
  cti::v1::Employee* employee = event.mutable_staff()->mutable_employee_hired()->mutable_employee();
  employee->set_employee_id(employee_id);
  employee->set_full_name(name);
  employee->set_unit_id(unit_id);
  return Envelope(std::move(event), tenant);
}

cti::v1::Event CallOffered(const std::string& call_id, const std::string& tenant) {
  cti::v1::Event event;
  event.mutable_call()->set_call_id(call_id);
  event.mutable_call()->mutable_offered()->set_caller_number("+4512345678");
  return Envelope(std::move(event), tenant);
}

}  // namespace cti::server::testing
