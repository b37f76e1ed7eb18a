#include "server/admin_service.h"

#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "projections/store.h"
#include "server/access.h"
#include "server/backup.h"
#include "server/erasure_monitor.h"
#include "server/position_gate.h"
#include "server/projector_runner.h"
#include "server/rebuilder.h"
#include "server/status_mapping.h"

namespace cti::server {
namespace {

// How often GetStatus retries when the projector moved while the digest was taken.
constexpr int kDigestAttempts = 5;

// Sum over `partitions` of `position(p)`, or position(partition) for one.
template <typename F>
absl::StatusOr<uint64_t> PositionOf(std::optional<int> partition, int partitions, F position) {
  if (partition.has_value()) return position(*partition);
  uint64_t sum = 0;
  for (int p = 0; p < partitions; ++p) {
    absl::StatusOr<uint64_t> one = position(p);
    if (!one.ok()) return one.status();
    sum += *one;
  }
  return sum;
}

absl::Status AnswerStatus(const ServiceDeps& deps, std::optional<int> partition,
                          absl::string_view tenant, cti::v1::GetStatusResponse* response) {
  std::shared_ptr<cti::projections::Store> store = deps.stores->Get();
  const int partitions = deps.log->partition_count();
  auto applied = [&store](int p) -> absl::StatusOr<uint64_t> { return store->AppliedPosition(p); };
  uint64_t applied_position = 0;
  std::string digest;
  const bool building = deps.runner != nullptr && deps.runner->building();
  for (int attempt = 0; attempt < kDigestAttempts && !building; ++attempt) {
    absl::StatusOr<uint64_t> before = PositionOf(partition, partitions, applied);
    absl::StatusOr<std::string> taken = store->Digest();
    if (!taken.ok()) return taken.status();
    absl::StatusOr<uint64_t> after = PositionOf(partition, partitions, applied);
    applied_position = *after;
    digest = *std::move(taken);
    if (*before == *after) break;
  }
  if (building) {  // no digest of a store being built (Store::Digest refuses it)
    absl::StatusOr<uint64_t> now = PositionOf(partition, partitions, applied);
    if (!now.ok()) return now.status();
    applied_position = *now;
  }
  absl::StatusOr<uint64_t> end =
      PositionOf(partition, partitions, [&deps](int p) { return deps.log->EndPosition(p); });
  if (!end.ok() && end.status().code() == absl::StatusCode::kUnavailable) {
    // The state is still answered; that the log is out of reach is said.
    response->set_log_unreachable(std::string(end.status().message()));
    end = applied_position;
  }
  if (!end.ok()) return end.status();
  response->set_log_backend(std::string(deps.log->backend_name()));
  response->set_log_end_position(*end);
  response->set_applied_position(applied_position);
  response->set_state_digest(std::move(digest));
  response->set_projection_schema_version(cti::projections::kSchemaVersion);
  response->set_records_applied(store->records_applied());
  response->set_records_rejected(store->records_rejected());
  *response->mutable_started_at() = ToProtoTimestamp(deps.started_at);
  response->set_server_version(deps.options.server_version);
  response->set_building(building);
  if (deps.runner != nullptr) {
    if (absl::Status error = deps.runner->last_error(); !error.ok()) {
      response->set_projector_error(error.ToString());
    }
  }
  if (deps.erasure != nullptr && !building) {
    absl::StatusOr<uint64_t> outstanding = deps.erasure->Outstanding(*store, tenant);
    if (!outstanding.ok()) return outstanding.status();
    response->set_erasures_pending(static_cast<uint32_t>(*outstanding));
  }
  return absl::OkStatus();
}

// One Rebuild call: relays the Rebuilder's reports, newest first-come.
class RebuildStream final : public grpc::ServerWriteReactor<cti::v1::RebuildProgress>,
                            public std::enable_shared_from_this<RebuildStream> {
 public:
  explicit RebuildStream(const ServiceDeps& deps) : deps_(deps) {}

  void Begin() {
    self_ = shared_from_this();
    std::shared_ptr<RebuildStream> self = self_;
    absl::Status started = deps_.rebuilder->Start(
        [self](const cti::v1::RebuildProgress& progress) { self->Offer(progress, false); },
        [self](absl::Status status, const cti::v1::RebuildProgress& last) {
          self->Complete(std::move(status), last);
        });
    if (!started.ok()) {
      {
        absl::MutexLock lock(&mu_);
        finish_started_ = true;
      }
      Finish(ToGrpcStatus(started));
    }
  }

  void OnWriteDone(bool ok) override {
    {
      absl::MutexLock lock(&mu_);
      write_in_flight_ = false;
      if (!ok && !final_status_.has_value()) cancelled_ = true;
    }
    if (!ok) deps_.rebuilder->Cancel();
    Pump();
  }

  void OnCancel() override {
    {
      absl::MutexLock lock(&mu_);
      cancelled_ = true;
    }
    deps_.rebuilder->Cancel();
    Pump();
  }

  void OnDone() override {
    std::shared_ptr<RebuildStream> keep = std::move(self_);
    absl::MutexLock lock(&mu_);
    done_ = true;
  }

 private:
  void Offer(const cti::v1::RebuildProgress& progress, bool last) {
    {
      absl::MutexLock lock(&mu_);
      if (finish_started_ || done_) return;
      pending_ = progress;
      pending_is_last_ = last;
    }
    Pump();
  }

  void Complete(absl::Status status, const cti::v1::RebuildProgress& last) {
    {
      absl::MutexLock lock(&mu_);
      final_status_ = ToGrpcStatus(status);
    }
    if (status.ok()) {
      Offer(last, true);
    } else {
      Pump();
    }
  }

  void Pump() {
    enum class Action { kNone, kWrite, kFinish } action = Action::kNone;
    grpc::Status status;
    {
      absl::MutexLock lock(&mu_);
      if (write_in_flight_ || finish_started_ || done_) return;
      if (pending_.has_value() && !cancelled_) {
        writing_ = *std::move(pending_);
        pending_.reset();
        wrote_last_ = pending_is_last_;
        write_in_flight_ = true;
        action = Action::kWrite;
      } else if (final_status_.has_value() && (wrote_last_ || !final_status_->ok())) {
        finish_started_ = true;
        status = *final_status_;
        action = Action::kFinish;
      }
    }
    if (action == Action::kWrite) StartWrite(&writing_);
    if (action == Action::kFinish) Finish(status);
  }

  const ServiceDeps& deps_;
  std::shared_ptr<RebuildStream> self_;
  absl::Mutex mu_;
  std::optional<cti::v1::RebuildProgress> pending_ ABSL_GUARDED_BY(mu_);
  bool pending_is_last_ ABSL_GUARDED_BY(mu_) = false;
  bool wrote_last_ ABSL_GUARDED_BY(mu_) = false;
  bool write_in_flight_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool finish_started_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<grpc::Status> final_status_ ABSL_GUARDED_BY(mu_);
  cti::v1::RebuildProgress writing_;  // Owned by the write in flight.
};

}  // namespace

grpc::ServerUnaryReactor* AdminServiceImpl::GetStatus(grpc::CallbackServerContext* context,
                                                      const cti::v1::GetStatusRequest* request,
                                                      cti::v1::GetStatusResponse* response) {
  if (absl::StatusOr<Caller> caller =
          Authorize(deps_, *context, Rpc::kAdminGetStatus, request->tenant());
      !caller.ok()) {
    return Refuse(context, caller.status());
  }
  std::optional<int> partition;
  if (!request->tenant().empty()) {
    partition = deps_.log->PartitionOf(request->tenant());
  } else if (deps_.log->partition_count() == 1) {
    partition = 0;
  } else if (request->min_position() != 0) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                 "min_position needs a tenant when the log has several "
                                 "partitions"));
    return reactor;
  }
  const ServiceDeps& deps = deps_;
  GateOptions gate;
  gate.pool = deps_.work;  // The digest reads the whole store.
  gate.while_building = true;
  return StartPositionGated(context, deps_, partition.value_or(0), request->min_position(),
                            std::move(gate),
                            [&deps, partition, tenant = request->tenant(), response] {
                              return AnswerStatus(deps, partition, tenant, response);
                            });
}

grpc::ServerWriteReactor<cti::v1::RebuildProgress>* AdminServiceImpl::Rebuild(
    grpc::CallbackServerContext* context, const cti::v1::RebuildRequest* request) {
  (void)request;
  if (absl::StatusOr<Caller> caller = Authorize(deps_, *context, Rpc::kAdminRebuild, "");
      !caller.ok()) {
    return RefuseStream<cti::v1::RebuildProgress>(caller.status());
  }
  auto stream = std::make_shared<RebuildStream>(deps_);
  stream->Begin();
  return stream.get();
}

grpc::ServerUnaryReactor* AdminServiceImpl::Backup(grpc::CallbackServerContext* context,
                                                   const cti::v1::BackupRequest* request,
                                                   cti::v1::BackupResponse* response) {
  if (absl::StatusOr<Caller> caller = Authorize(deps_, *context, Rpc::kAdminBackup, "");
      !caller.ok()) {
    return Refuse(context, caller.status());
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (deps_.backups == nullptr) {
    reactor->Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "this server makes no backups"));
    return reactor;
  }
  absl::Status started = deps_.backups->Start(
      request->directory(), [reactor, response](absl::StatusOr<cti::v1::BackupResponse> result) {
        if (!result.ok()) {
          reactor->Finish(ToGrpcStatus(result.status()));
          return;
        }
        *response = *std::move(result);
        reactor->Finish(grpc::Status::OK);
      });
  if (!started.ok()) reactor->Finish(ToGrpcStatus(started));
  return reactor;
}

grpc::ServerUnaryReactor* AdminServiceImpl::Ping(grpc::CallbackServerContext* context,
                                                 const cti::v1::PingRequest* request,
                                                 cti::v1::PingResponse* response) {
  (void)request;
  (void)response;
  // Answers OK to any identified caller (UNAUTHENTICATED otherwise).
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(Authorize(deps_, *context, Rpc::kAdminPing, "").status()));
  return reactor;
}

}  // namespace cti::server
