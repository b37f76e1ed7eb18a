// Directory: reception's queries over the directory projection (TP-3.5, TP-5.1, TP-5.2).
//
// Each call reads one consistent snapshot of the store. Answers use the cti.v1 request
// and response messages but know nothing of gRPC.
#ifndef CTI_PROJECTIONS_DIRECTORY_H_
#define CTI_PROJECTIONS_DIRECTORY_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "cti/v1/directory_service.pb.h"
#include "projections/store.h"

namespace cti::projections {

// Thread safety: safe to use from many threads at once.
class Directory {
 public:
  // `store` must outlive the directory. With `as_of`, answers are as they were after
  // the record at that log position (the projection's history, internal/history.h), for
  // questions about the past (AuditService.RouteAsOf).
  explicit Directory(const Store* store, std::optional<uint64_t> as_of = std::nullopt)
      : store_(store), as_of_(as_of) {}

  // See DirectoryService.Search. INVALID_ARGUMENT for an empty or over-long query.
  // The position field of the answer is left 0 (the caller knows it).
  absl::StatusOr<cti::v1::SearchResponse> Search(const cti::v1::SearchRequest& request) const;

  // See DirectoryService.GetEmployee. NOT_FOUND naming the id if never hired.
  absl::StatusOr<cti::v1::GetEmployeeResponse> GetEmployee(
      const cti::v1::GetEmployeeRequest& request) const;

  // See DirectoryService.GetUnit. NOT_FOUND naming the id if never defined.
  absl::StatusOr<cti::v1::GetUnitResponse> GetUnit(const cti::v1::GetUnitRequest& request) const;

 private:
  const Store* store_;
  std::optional<uint64_t> as_of_;
};

}  // namespace cti::projections

#endif  // CTI_PROJECTIONS_DIRECTORY_H_
