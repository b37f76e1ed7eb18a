#include "server/directory_service.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "projections/directory.h"
#include "projections/presence.h"
#include "server/position_gate.h"
#include "server/status_mapping.h"

namespace cti::server {
namespace {

// Runs `query` against the live store and sets the applied position on its answer.
template <typename Response, typename Query>
absl::Status AnswerFromStore(const ServiceDeps& deps, int partition, Response* response,
                             Query query) {
  std::shared_ptr<cti::projections::Store> store = deps.stores->Get();
  const uint64_t position = store->AppliedPosition(partition);
  cti::projections::Directory directory(store.get());
  absl::StatusOr<Response> answer = query(directory);
  if (!answer.ok()) return answer.status();
  *response = *std::move(answer);
  response->set_position(position);
  return absl::OkStatus();
}

// The whole of one directory RPC: refuses a request without a tenant, waits (without
// holding a thread) for min_position, then answers `query` from the live store.
template <typename Request, typename Response, typename Query>
grpc::ServerUnaryReactor* StartDirectoryQuery(grpc::CallbackServerContext* context,
                                              const ServiceDeps& deps, Rpc rpc,
                                              const Request* request, Response* response,
                                              Query query) {
  return StartTenantQuery(
      context, deps, rpc, request->tenant(), request->min_position(), {},
      [&deps, request, response, query](int partition) {
        return AnswerFromStore(
            deps, partition, response,
            [request, query](const cti::projections::Directory& d) { return query(d, *request); });
      });
}

}  // namespace

grpc::ServerUnaryReactor* DirectoryServiceImpl::Search(grpc::CallbackServerContext* context,
                                                       const cti::v1::SearchRequest* request,
                                                       cti::v1::SearchResponse* response) {
  const ServiceDeps& deps = deps_;
  return StartTenantQuery(
      context, deps, Rpc::kDirectorySearch, request->tenant(), request->min_position(), {},
      [&deps, request, response](int partition) -> absl::Status {
        std::shared_ptr<cti::projections::Store> store = deps.stores->Get();
        const uint64_t position = store->AppliedPosition(partition);
        absl::StatusOr<cti::v1::SearchResponse> answer =
            cti::projections::Directory(store.get()).Search(*request);
        if (!answer.ok()) return answer.status();
        // Each employee found with what they are doing now (TP-3.7).
        std::vector<std::string> ids;
        for (const cti::v1::SearchHit& hit : answer->hits()) {
          if (hit.has_employee()) ids.push_back(hit.employee().employee_id());
        }
        absl::StatusOr<std::vector<cti::v1::EmployeeAvailability>> availability =
            cti::projections::PresenceView(store.get(), deps.zone)
                .Of(request->tenant(), ids, deps.clock->Now());
        if (!availability.ok()) return availability.status();
        size_t next = 0;
        for (cti::v1::SearchHit& hit : *answer->mutable_hits()) {
          if (!hit.has_employee()) continue;
          *hit.mutable_availability() = std::move(*(*availability)[next++].mutable_availability());
        }
        *response = *std::move(answer);
        response->set_position(position);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* DirectoryServiceImpl::GetEmployee(
    grpc::CallbackServerContext* context, const cti::v1::GetEmployeeRequest* request,
    cti::v1::GetEmployeeResponse* response) {
  return StartDirectoryQuery(context, deps_, Rpc::kDirectoryGetEmployee, request, response,
                             [](const cti::projections::Directory& d,
                                const cti::v1::GetEmployeeRequest& r) { return d.GetEmployee(r); });
}

grpc::ServerUnaryReactor* DirectoryServiceImpl::GetUnit(grpc::CallbackServerContext* context,
                                                        const cti::v1::GetUnitRequest* request,
                                                        cti::v1::GetUnitResponse* response) {
  return StartDirectoryQuery(context, deps_, Rpc::kDirectoryGetUnit, request, response,
                             [](const cti::projections::Directory& d,
                                const cti::v1::GetUnitRequest& r) { return d.GetUnit(r); });
}

}  // namespace cti::server
