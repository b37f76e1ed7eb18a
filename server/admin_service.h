// AdminServiceImpl: cti.v1.AdminService on the gRPC callback API (see
// proto/cti/v1/admin_service.proto).
//
// GetStatus: positions of the tenant's partition (with an empty tenant: the only
// partition of a one-partition log, or sums over all partitions, where min_position
// cannot be given), the store's digest (computed on the work pool, taken while the
// applied position stood still), counters, start time and version.
// Rebuild: runs the Rebuilder and streams its progress (the newest report is sent
// whenever the previous write is done, so a slow client sees fewer reports, never a
// backlog). Cancelling the call cancels the rebuild, which then leaves the live store
// as it was.
// Backup: admin role only (PERMISSION_DENIED otherwise); runs the BackupMaker on its
// own thread and answers when it has finished (cancelling the call does not stop it).
// Ping: answers OK at once on the gRPC thread, reading nothing (the latency baseline).
// Thread safety: gRPC calls the methods from many threads at once.
#ifndef CTI_SERVER_ADMIN_SERVICE_H_
#define CTI_SERVER_ADMIN_SERVICE_H_

#include "cti/v1/admin_service.grpc.pb.h"
#include "server/service_deps.h"

namespace cti::server {

class AdminServiceImpl final : public cti::v1::AdminService::CallbackService {
 public:
  // The generated synchronous overloads stay visible (and unimplemented).
  using cti::v1::AdminService::CallbackService::Backup;
  using cti::v1::AdminService::CallbackService::GetStatus;
  using cti::v1::AdminService::CallbackService::Ping;
  using cti::v1::AdminService::CallbackService::Rebuild;

  // `deps` must outlive the service.
  explicit AdminServiceImpl(const ServiceDeps* deps) : deps_(*deps) {}

  grpc::ServerUnaryReactor* GetStatus(grpc::CallbackServerContext* context,
                                      const cti::v1::GetStatusRequest* request,
                                      cti::v1::GetStatusResponse* response) override;

  grpc::ServerWriteReactor<cti::v1::RebuildProgress>* Rebuild(
      grpc::CallbackServerContext* context, const cti::v1::RebuildRequest* request) override;

  grpc::ServerUnaryReactor* Backup(grpc::CallbackServerContext* context,
                                   const cti::v1::BackupRequest* request,
                                   cti::v1::BackupResponse* response) override;

  grpc::ServerUnaryReactor* Ping(grpc::CallbackServerContext* context,
                                 const cti::v1::PingRequest* request,
                                 cti::v1::PingResponse* response) override;

 private:
  const ServiceDeps& deps_;
};

}  // namespace cti::server

#endif  // CTI_SERVER_ADMIN_SERVICE_H_
