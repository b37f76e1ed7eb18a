#include "connection.h"

#include <chrono>

#include "exit_codes.h"

namespace cti::ctictl {
namespace {

// Reconnect quickly after the server comes back: gRPC's default backoff grows to two
// minutes, far too long for someone watching a terminal.
constexpr int kMinReconnectBackoffMs = 100;
constexpr int kMaxReconnectBackoffMs = 2000;
// Event files may hold large records; the server refuses what it will not take.
constexpr int kMaxMessageBytes = 64 * 1024 * 1024;

}  // namespace

Connection::Connection(GlobalOptions options) : options_(std::move(options)) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, kMinReconnectBackoffMs);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, kMinReconnectBackoffMs);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, kMaxReconnectBackoffMs);
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  args.SetUserAgentPrefix("ctictl");
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (options_.tls || !options_.tls_ca_pem.empty()) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = options_.tls_ca_pem;
    ssl.pem_cert_chain = options_.tls_cert_pem;
    ssl.pem_private_key = options_.tls_key_pem;
    credentials = grpc::SslCredentials(ssl);
    if (!options_.tls_server_name.empty()) {
      args.SetSslTargetNameOverride(options_.tls_server_name);
    }
  }
  channel_ = grpc::CreateCustomChannel(options_.server, credentials, args);
  events_ = cti::v1::EventService::NewStub(channel_);
  directory_ = cti::v1::DirectoryService::NewStub(channel_);
  admin_ = cti::v1::AdminService::NewStub(channel_);
  calls_ = cti::v1::CallService::NewStub(channel_);
  route_ = cti::v1::RouteService::NewStub(channel_);
  audit_ = cti::v1::AuditService::NewStub(channel_);
}

std::unique_ptr<grpc::ClientContext> Connection::NewContext(bool with_deadline) const {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!options_.token.empty()) {
    context->AddMetadata("authorization", "Bearer " + options_.token);
  } else {
    context->AddMetadata("x-cti-actor", options_.actor);
    context->AddMetadata("x-cti-role", options_.role);
  }
  if (with_deadline) {
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::duration_cast<std::chrono::system_clock::duration>(
                              std::chrono::duration<double>(options_.timeout_seconds)));
  }
  return context;
}

int ReportRpcError(std::ostream& err, absl::string_view what, const grpc::Status& status) {
  err << "ctictl: " << what << ": " << DescribeStatus(status) << "\n";
  return ExitCodeFor(status.error_code());
}

}  // namespace cti::ctictl
