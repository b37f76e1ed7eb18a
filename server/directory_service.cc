#include "server/directory_service.h"

#include <memory>
#include <utility>

#include "projections/directory.h"
#include "server/position_gate.h"
#include "server/status_mapping.h"

namespace cti::server {
namespace {

// Finishes at once with INVALID_ARGUMENT when `tenant` is empty; returns nullptr when
// the call may go on.
grpc::ServerUnaryReactor* RefuseWithoutTenant(grpc::CallbackServerContext* context,
                                              const std::string& tenant) {
  if (!tenant.empty()) return nullptr;
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "tenant is required"));
  return reactor;
}

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

}  // namespace

grpc::ServerUnaryReactor* DirectoryServiceImpl::Search(grpc::CallbackServerContext* context,
                                                       const cti::v1::SearchRequest* request,
                                                       cti::v1::SearchResponse* response) {
  if (auto* refused = RefuseWithoutTenant(context, request->tenant())) return refused;
  const int partition = deps_.log->PartitionOf(request->tenant());
  const ServiceDeps& deps = deps_;
  return StartPositionGated(
      context, deps_, partition, request->min_position(), {},
      [&deps, partition, request, response] {
        return AnswerFromStore(
            deps, partition, response,
            [request](const cti::projections::Directory& d) { return d.Search(*request); });
      });
}

grpc::ServerUnaryReactor* DirectoryServiceImpl::GetEmployee(
    grpc::CallbackServerContext* context, const cti::v1::GetEmployeeRequest* request,
    cti::v1::GetEmployeeResponse* response) {
  if (auto* refused = RefuseWithoutTenant(context, request->tenant())) return refused;
  const int partition = deps_.log->PartitionOf(request->tenant());
  const ServiceDeps& deps = deps_;
  return StartPositionGated(
      context, deps_, partition, request->min_position(), {},
      [&deps, partition, request, response] {
        return AnswerFromStore(
            deps, partition, response,
            [request](const cti::projections::Directory& d) { return d.GetEmployee(*request); });
      });
}

grpc::ServerUnaryReactor* DirectoryServiceImpl::GetUnit(grpc::CallbackServerContext* context,
                                                        const cti::v1::GetUnitRequest* request,
                                                        cti::v1::GetUnitResponse* response) {
  if (auto* refused = RefuseWithoutTenant(context, request->tenant())) return refused;
  const int partition = deps_.log->PartitionOf(request->tenant());
  const ServiceDeps& deps = deps_;
  return StartPositionGated(
      context, deps_, partition, request->min_position(), {},
      [&deps, partition, request, response] {
        return AnswerFromStore(
            deps, partition, response,
            [request](const cti::projections::Directory& d) { return d.GetUnit(*request); });
      });
}

}  // namespace cti::server
