// ServerFixture: an in-process ctid (CtidServer) on 127.0.0.1:0 for the service tests,
// with a temporary data directory, a SimulatedClock and a MemoryLog (or the embedded
// log), plus gRPC stubs and event helpers.
//
// Example:
//   ServerFixture fixture;
//   cti::v1::AppendResponse appended;
//   ASSERT_TRUE(fixture.Append(Unit("borgerservice"), &appended).ok());
#ifndef CTI_SERVER_TESTING_SERVER_FIXTURE_H_
#define CTI_SERVER_TESTING_SERVER_FIXTURE_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "cti/v1/admin_service.grpc.pb.h"
#include "cti/v1/directory_service.grpc.pb.h"
#include "cti/v1/event_service.grpc.pb.h"
#include "gtest/gtest.h"
#include "server/clock.h"
#include "server/ctid_server.h"

namespace cti::server::testing {

inline constexpr char kTenant[] = "aarhus";
inline constexpr char kOtherTenant[] = "odense";
// 2024-03-01T08:00:00Z: where the simulated clock starts.
inline constexpr int64_t kStartSeconds = 1709280000;

// A fresh directory under $TEST_TMPDIR (or /tmp), removed with its contents.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct FixtureOptions {
  int partitions = 1;         // MemoryLog partitions.
  bool embedded_log = false;  // The durable log in the data directory instead.
  size_t subscriber_buffer = 10000;
  absl::Duration heartbeat = absl::Seconds(5);
  size_t runner_batch_size = 1000;
  size_t rebuild_batch_size = 1000;
  // Changes the server's options last, before each start (e.g. options->mail).
  std::function<void(CtidOptions*)> configure;
};

class ServerFixture {
 public:
  explicit ServerFixture(FixtureOptions options = {});
  ~ServerFixture();

  // Stops the server (idempotent).
  void Stop();
  // Stops the server and starts it again on the same data directory (embedded log
  // only: a MemoryLog does not survive).
  void Restart();

  cti::SimulatedClock& clock() { return clock_; }
  CtidServer& server() { return *server_; }
  const std::string& data_dir() const { return dir_.path(); }
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  cti::v1::EventService::Stub& events() { return *events_; }
  cti::v1::DirectoryService::Stub& directory() { return *directory_; }
  cti::v1::AdminService::Stub& admin() { return *admin_; }

  // Appends `event` as actor "test-admin" (ROLE_ADMIN).
  grpc::Status Append(const cti::v1::Event& event, cti::v1::AppendResponse* response);
  // GetStatus for the whole log; fails the test on error.
  cti::v1::GetStatusResponse Status(uint64_t min_position = 0);

 private:
  void Start();

  FixtureOptions options_;
  cti::SimulatedClock clock_;
  TempDir dir_;
  std::unique_ptr<CtidServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<cti::v1::EventService::Stub> events_;
  std::unique_ptr<cti::v1::DirectoryService::Stub> directory_;
  std::unique_ptr<cti::v1::AdminService::Stub> admin_;
};

// Asserts a gRPC status is OK, printing code and message otherwise:
//   ASSERT_TRUE(IsOk(fixture.Append(event, &response)));
inline ::testing::AssertionResult IsOk(const grpc::Status& status) {
  if (status.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "gRPC status " << status.error_code() << ": " << status.error_message();
}

// A client context with a real-time deadline and, when `identity`, the x-cti-actor
// ("test-admin") and x-cti-role ("admin") headers.
std::unique_ptr<grpc::ClientContext> NewContext(bool identity = true,
                                                absl::Duration timeout = absl::Seconds(10));

// grpc.health.v1.Health/Check for `service` ("" = the server) over `channel`: 1 SERVING,
// 2 NOT_SERVING, 0 UNKNOWN, -1 when the call failed (the status is in *error).
int HealthCheck(const std::shared_ptr<grpc::Channel>& channel, const std::string& service = "",
                grpc::Status* error = nullptr);

// Events of kTenant (or `tenant`) with occurred_at set; ids as given.
cti::v1::Event Administration(const std::string& unit_id, const std::string& name,
                              const std::string& tenant = kTenant);
cti::v1::Event Hire(const std::string& employee_id, const std::string& name,
                    const std::string& unit_id, const std::string& tenant = kTenant);
cti::v1::Event CallOffered(const std::string& call_id, const std::string& tenant = kTenant);

}  // namespace cti::server::testing

#endif  // CTI_SERVER_TESTING_SERVER_FIXTURE_H_
