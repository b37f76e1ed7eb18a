#include "tests/support/grpc_clients.h"

#include <google/protobuf/descriptor.pb.h>
#include <grpcpp/support/client_interceptor.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"

namespace cti::test_support {
namespace {

namespace refl = grpc::reflection::v1alpha;

// Adds the identity metadata to every call of a channel.
class IdentityInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit IdentityInterceptor(const Identity* identity) : identity_(identity) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      std::multimap<std::string, std::string>* metadata = methods->GetSendInitialMetadata();
      if (!identity_->actor.empty()) metadata->emplace("x-cti-actor", identity_->actor);
      if (!identity_->role.empty()) metadata->emplace("x-cti-role", identity_->role);
      if (!identity_->token.empty()) {
        metadata->emplace("authorization", absl::StrCat("Bearer ", identity_->token));
      }
    }
    methods->Proceed();
  }

 private:
  const Identity* identity_;
};

class IdentityInterceptorFactory final
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit IdentityInterceptorFactory(Identity identity) : identity_(std::move(identity)) {}

  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* /*info*/) override {
    return new IdentityInterceptor(&identity_);
  }

 private:
  Identity identity_;  // Outlives the interceptors: the channel owns this factory.
};

// Runs one reflection request on a fresh stream and answers the response.
absl::StatusOr<refl::ServerReflectionResponse> ReflectionCall(
    const std::shared_ptr<grpc::Channel>& channel, const refl::ServerReflectionRequest& req) {
  auto stub = refl::ServerReflection::NewStub(channel);
  auto ctx = Ctx(absl::Seconds(10));
  auto stream = stub->ServerReflectionInfo(ctx.get());
  if (!stream->Write(req)) {
    return absl::UnavailableError(
        absl::StrCat("reflection write failed: ", Describe(stream->Finish())));
  }
  stream->WritesDone();
  refl::ServerReflectionResponse response;
  const bool got = stream->Read(&response);
  refl::ServerReflectionResponse extra;
  while (stream->Read(&extra)) {
  }
  grpc::Status status = stream->Finish();
  if (!status.ok()) return absl::UnavailableError(Describe(status));
  if (!got) return absl::UnavailableError("reflection stream ended without an answer");
  if (response.has_error_response()) {
    return absl::NotFoundError(absl::StrCat("reflection error ",
                                            response.error_response().error_code(), ": ",
                                            response.error_response().error_message()));
  }
  return response;
}

}  // namespace

std::shared_ptr<grpc::Channel> IdentityChannel(const std::string& address, const Identity& identity,
                                               const grpc::ChannelArguments* args,
                                               const ChannelTls& tls) {
  grpc::ChannelArguments channel_args;
  if (args != nullptr) channel_args = *args;
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (!tls.ca_pem.empty()) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = tls.ca_pem;
    ssl.pem_cert_chain = tls.cert_pem;
    ssl.pem_private_key = tls.key_pem;
    credentials = grpc::SslCredentials(ssl);
    if (!tls.server_name.empty()) {
      channel_args.SetSslTargetNameOverride(tls.server_name);
    }
  }
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> factories;
  factories.push_back(std::make_unique<IdentityInterceptorFactory>(identity));
  return grpc::experimental::CreateCustomChannelWithInterceptors(address, credentials, channel_args,
                                                                 std::move(factories));
}

std::unique_ptr<grpc::ClientContext> Ctx(absl::Duration timeout) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return ctx;
}

absl::StatusOr<std::string> HealthCheck(const std::shared_ptr<grpc::Channel>& channel,
                                        const std::string& service, absl::Duration timeout) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  auto ctx = Ctx(timeout);
  grpc::Status status = stub->Check(ctx.get(), request, &response);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  }
  return grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status());
}

absl::StatusOr<std::vector<std::string>> ReflectionListServices(
    const std::shared_ptr<grpc::Channel>& channel) {
  refl::ServerReflectionRequest request;
  request.set_list_services("*");
  absl::StatusOr<refl::ServerReflectionResponse> response = ReflectionCall(channel, request);
  if (!response.ok()) return response.status();
  std::vector<std::string> names;
  for (const refl::ServiceResponse& service : response->list_services_response().service()) {
    names.push_back(service.name());
  }
  std::sort(names.begin(), names.end());
  return names;
}

absl::StatusOr<std::vector<std::string>> ReflectionServiceMethods(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& service) {
  refl::ServerReflectionRequest request;
  request.set_file_containing_symbol(service);
  absl::StatusOr<refl::ServerReflectionResponse> response = ReflectionCall(channel, request);
  if (!response.ok()) return response.status();
  const std::string short_name = service.substr(service.rfind('.') + 1);
  for (const std::string& bytes : response->file_descriptor_response().file_descriptor_proto()) {
    google::protobuf::FileDescriptorProto file;
    if (!file.ParseFromString(bytes)) return absl::DataLossError("bad FileDescriptorProto");
    for (const google::protobuf::ServiceDescriptorProto& s : file.service()) {
      if (absl::StrCat(file.package(), ".", s.name()) != service && s.name() != short_name) {
        continue;
      }
      std::vector<std::string> methods;
      for (const google::protobuf::MethodDescriptorProto& m : s.method()) {
        methods.push_back(m.name());
      }
      return methods;
    }
  }
  return absl::NotFoundError(absl::StrCat("no descriptor for service ", service));
}

std::string Describe(const grpc::Status& status) {
  static const char* const kNames[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  const int code = static_cast<int>(status.error_code());
  const char* name = (code >= 0 && code <= 16) ? kNames[code] : "?";
  return absl::StrCat(name, ": ", status.error_message());
}

}  // namespace cti::test_support
