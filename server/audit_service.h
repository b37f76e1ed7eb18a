// AuditServiceImpl: cti.v1.AuditService on the gRPC callback API (see
// proto/cti/v1/audit_service.proto for the contract).
//
// Replay is a ReplayStream: the range is resolved through the projector's time index
// (projections/log_index.h) on the work pool, then a producer task on the work pool
// reads the log in order (EventLog::OpenReader, records on one arena per read), sets the
// outcome of each rejected record from the projection (RejectedBetween, one range read
// per log read), applies the filters (RecordFilter, shared with Subscribe) and the exact
// time bounds, and appends each matching record's bytes to the message it builds (no
// second copy of the record). It keeps at most a few messages ahead of the one write in
// flight: a slow client slows the scan, not the server. A message goes out when it
// holds batch_records records or the scan has passed 65,536 positions since the last
// one (progress for a narrow filter), and after the last position.
//
// RouteAsOf resolves the knowledge K to a log position P on the work pool: K = now is
// the applied position; an instant is the last record the log recorded at or before it
// (the time index finds K's second, then the few records of that second are read from
// the log); then projections::Router::RouteAsOf answers from the projection's history
// as of P. Its cost does not grow with the length of the history.
//
// ComplianceReport resolves, on the work pool, the structure position (the last record
// the log recorded before the period ended, as for RouteAsOf) and the records of the
// period the projector refused citing TP-3.13 or TP-4.7 (RejectedBetween, then each one
// read from the log for its tenant and unit); projections::Compliance builds the rest.
//
// Identity: none required yet (the security issue adds the auditor role).
// Thread safety: gRPC calls the method from many threads at once.
#ifndef CTI_SERVER_AUDIT_SERVICE_H_
#define CTI_SERVER_AUDIT_SERVICE_H_

#include "cti/v1/audit_service.grpc.pb.h"
#include "server/service_deps.h"

namespace cti::server {

class AuditServiceImpl final : public cti::v1::AuditService::WithRawCallbackMethod_Replay<
                                   cti::v1::AuditService::WithCallbackMethod_RouteAsOf<
                                       cti::v1::AuditService::WithCallbackMethod_ComplianceReport<
                                           cti::v1::AuditService::Service>>> {
 public:
  using WithCallbackMethod_ComplianceReport::ComplianceReport;
  using WithCallbackMethod_RouteAsOf::RouteAsOf;
  using WithRawCallbackMethod_Replay::Replay;

  // `deps` must outlive the service.
  explicit AuditServiceImpl(const ServiceDeps* deps) : deps_(*deps) {}

  grpc::ServerWriteReactor<grpc::ByteBuffer>* Replay(grpc::CallbackServerContext* context,
                                                     const grpc::ByteBuffer* request) override;

  grpc::ServerUnaryReactor* RouteAsOf(grpc::CallbackServerContext* context,
                                      const cti::v1::RouteAsOfRequest* request,
                                      cti::v1::RouteAsOfResponse* response) override;

  grpc::ServerUnaryReactor* ComplianceReport(grpc::CallbackServerContext* context,
                                             const cti::v1::ComplianceReportRequest* request,
                                             cti::v1::ComplianceReportResponse* response) override;

 private:
  const ServiceDeps& deps_;
};

}  // namespace cti::server

#endif  // CTI_SERVER_AUDIT_SERVICE_H_
