// DirectoryServiceImpl: cti.v1.DirectoryService on the gRPC callback API (see
// proto/cti/v1/directory_service.proto). Each call waits for its min_position
// (PositionGate), then answers from projections::Directory over the live store; the
// answer's position is the store's applied position of the tenant's partition, read
// before the query.
// Thread safety: gRPC calls the methods from many threads at once.
#ifndef CTI_SERVER_DIRECTORY_SERVICE_H_
#define CTI_SERVER_DIRECTORY_SERVICE_H_

#include "cti/v1/directory_service.grpc.pb.h"
#include "server/service_deps.h"

namespace cti::server {

class DirectoryServiceImpl final : public cti::v1::DirectoryService::CallbackService {
 public:
  // The generated synchronous overloads stay visible (and unimplemented).
  using cti::v1::DirectoryService::CallbackService::GetEmployee;
  using cti::v1::DirectoryService::CallbackService::GetUnit;
  using cti::v1::DirectoryService::CallbackService::Search;

  // `deps` must outlive the service.
  explicit DirectoryServiceImpl(const ServiceDeps* deps) : deps_(*deps) {}

  grpc::ServerUnaryReactor* Search(grpc::CallbackServerContext* context,
                                   const cti::v1::SearchRequest* request,
                                   cti::v1::SearchResponse* response) override;
  grpc::ServerUnaryReactor* GetEmployee(grpc::CallbackServerContext* context,
                                        const cti::v1::GetEmployeeRequest* request,
                                        cti::v1::GetEmployeeResponse* response) override;
  grpc::ServerUnaryReactor* GetUnit(grpc::CallbackServerContext* context,
                                    const cti::v1::GetUnitRequest* request,
                                    cti::v1::GetUnitResponse* response) override;

 private:
  const ServiceDeps& deps_;
};

}  // namespace cti::server

#endif  // CTI_SERVER_DIRECTORY_SERVICE_H_
