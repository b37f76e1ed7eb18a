// CtiClient: the cti.v1 stubs of one channel, with the calls tests make most, answering
// absl::StatusOr (the gRPC status code and message carried over unchanged).
//
// Example:
//   CtiClient client(ctid->Channel(Admin()));
//   absl::StatusOr<cti::v1::AppendResponse> r = client.Append(event);
//   absl::StatusOr<cti::v1::SearchResponse> hits = client.Search("anna", r->position());
//
// Thread safety: safe to use from many threads at once (gRPC stubs are).
#ifndef CTI_TESTS_SUPPORT_CTI_CLIENT_H_
#define CTI_TESTS_SUPPORT_CTI_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cti/v1/admin_service.grpc.pb.h"
#include "cti/v1/directory_service.grpc.pb.h"
#include "cti/v1/event_service.grpc.pb.h"

namespace cti::test_support {

// The gRPC status as an absl::Status (same code, same message).
absl::Status ToAbsl(const grpc::Status& status);

class CtiClient {
 public:
  explicit CtiClient(std::shared_ptr<grpc::Channel> channel);

  cti::v1::EventService::Stub& events() { return *events_; }
  cti::v1::DirectoryService::Stub& directory() { return *directory_; }
  cti::v1::AdminService::Stub& admin() { return *admin_; }

  absl::StatusOr<cti::v1::AppendResponse> Append(const cti::v1::Event& event,
                                                 absl::Duration timeout = absl::Seconds(10),
                                                 uint64_t min_position = 0);

  // Appends every cti.v1.Event of a JSON Lines file (blank lines and '#' comments
  // skipped) through AppendBatch, 500 at a time, in order; duplicates count as appended.
  // Answers the highest position. Errors: the file unreadable, a line that is not an
  // Event (named by its number), the first refusal (naming the file and the event).
  absl::StatusOr<uint64_t> AppendJsonLines(const std::string& path);

  // GetStatus of the whole log (or of `tenant`), waiting for `min_position`.
  absl::StatusOr<cti::v1::GetStatusResponse> Status(uint64_t min_position = 0,
                                                    const std::string& tenant = "",
                                                    absl::Duration timeout = absl::Seconds(10));

  absl::StatusOr<cti::v1::SearchResponse> Search(
      const std::string& query, uint64_t min_position = 0,
      cti::v1::SearchKind kind = cti::v1::SEARCH_KIND_UNSPECIFIED,
      const std::string& tenant = "aabenraa", absl::Duration timeout = absl::Seconds(10));
  absl::StatusOr<cti::v1::GetEmployeeResponse> GetEmployee(const std::string& employee_id,
                                                           uint64_t min_position = 0,
                                                           const std::string& tenant = "aabenraa");
  absl::StatusOr<cti::v1::GetUnitResponse> GetUnit(const std::string& unit_id,
                                                   uint64_t min_position = 0,
                                                   const std::string& tenant = "aabenraa");

  // Subscribes with `request` and collects records until one at or past `until_position`
  // arrived (or, when until_position is 0, until the stream ends). Heartbeats are skipped.
  // The stream is cancelled afterwards. Errors: the stream's status, or
  // DEADLINE_EXCEEDED when `timeout` passes first (records so far in *partial if given).
  absl::StatusOr<std::vector<cti::v1::LogRecord>> ReadRecords(
      const cti::v1::SubscribeRequest& request, uint64_t until_position,
      absl::Duration timeout = absl::Seconds(30),
      std::vector<cti::v1::LogRecord>* partial = nullptr);

  // Like ReadRecords, but when the server cuts the stream off because this reader fell
  // behind (RESOURCE_EXHAUSTED), resumes after the last record received, as a real
  // client does. `resumes` (optional) counts how often.
  absl::StatusOr<std::vector<cti::v1::LogRecord>> ReadRecordsResuming(
      const cti::v1::SubscribeRequest& request, uint64_t until_position,
      absl::Duration timeout = absl::Seconds(60), int* resumes = nullptr);

  // Runs a Rebuild to the end. Answers every progress message; the last has done = true
  // (FAILED_PRECONDITION-like errors pass through; a stream ending without done is
  // INTERNAL).
  absl::StatusOr<std::vector<cti::v1::RebuildProgress>> Rebuild(
      absl::Duration timeout = absl::Seconds(120));

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<cti::v1::EventService::Stub> events_;
  std::unique_ptr<cti::v1::DirectoryService::Stub> directory_;
  std::unique_ptr<cti::v1::AdminService::Stub> admin_;
};

// A SubscribeRequest for `tenant` after `after_position`.
cti::v1::SubscribeRequest SubscribeFrom(const std::string& tenant, uint64_t after_position);

}  // namespace cti::test_support

#endif  // CTI_TESTS_SUPPORT_CTI_CLIENT_H_
