#include "server/directory_service.h"

#include <memory>
#include <utility>

#include "projections/directory.h"
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
                                              const ServiceDeps& deps, const Request* request,
                                              Response* response, Query query) {
  return StartTenantQuery(
      context, deps, request->tenant(), request->min_position(), {},
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
  return StartDirectoryQuery(context, deps_, request, response,
                             [](const cti::projections::Directory& d,
                                const cti::v1::SearchRequest& r) { return d.Search(r); });
}

grpc::ServerUnaryReactor* DirectoryServiceImpl::GetEmployee(
    grpc::CallbackServerContext* context, const cti::v1::GetEmployeeRequest* request,
    cti::v1::GetEmployeeResponse* response) {
  return StartDirectoryQuery(context, deps_, request, response,
                             [](const cti::projections::Directory& d,
                                const cti::v1::GetEmployeeRequest& r) { return d.GetEmployee(r); });
}

grpc::ServerUnaryReactor* DirectoryServiceImpl::GetUnit(grpc::CallbackServerContext* context,
                                                        const cti::v1::GetUnitRequest* request,
                                                        cti::v1::GetUnitResponse* response) {
  return StartDirectoryQuery(context, deps_, request, response,
                             [](const cti::projections::Directory& d,
                                const cti::v1::GetUnitRequest& r) { return d.GetUnit(r); });
}

}  // namespace cti::server
