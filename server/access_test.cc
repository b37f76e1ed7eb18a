// The role × RPC matrix, cell by cell, against a real in-process ctid that knows its
// callers from an identities file of bearer tokens (issue 7, item 2): every RPC of every
// service, as every role, for the caller's own tenant, another tenant, and with no or
// an unknown credential. The expected matrix is written out here independently of
// server/access.cc: a change to either that the other does not share fails.
#include "server/access.h"

#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "cti/v1/admin_service.grpc.pb.h"
#include "cti/v1/audit_service.grpc.pb.h"
#include "cti/v1/call_service.grpc.pb.h"
#include "cti/v1/directory_service.grpc.pb.h"
#include "cti/v1/event_service.grpc.pb.h"
#include "cti/v1/route_service.grpc.pb.h"
#include "gtest/gtest.h"
#include "server/credentials.h"
#include "server/testing/server_fixture.h"

namespace cti::server {
namespace {

using testing::kOtherTenant;
using testing::kTenant;

// Roles by letter, as the expected matrix spells them.
const std::map<char, std::string> kRoleByLetter = {{'S', "softphone"}, {'R', "reception"},
                                                   {'A', "admin"},     {'D', "director"},
                                                   {'U', "auditor"},   {'Y', "system"}};

// Who may call what (S softphone, R reception, A admin, D director, U auditor, Y system).
// "server" RPCs are called without a tenant and need an identity for every tenant.
struct Expected {
  const char* method;
  const char* roles;
  bool server_wide;
};
const std::vector<Expected> kExpected = {
    {"/cti.v1.AdminService/GetStatus", "ADUY", true},
    {"/cti.v1.AdminService/Rebuild", "AY", true},
    {"/cti.v1.AdminService/Backup", "AY", true},
    {"/cti.v1.AdminService/Ping", "SRADUY", false},
    {"/cti.v1.AuditService/Replay", "ADU", false},
    {"/cti.v1.AuditService/RouteAsOf", "ADU", false},
    {"/cti.v1.AuditService/ComplianceReport", "ADU", false},
    {"/cti.v1.CallService/ListLiveCalls", "SRADU", false},
    {"/cti.v1.CallService/ListCallbacks", "RADU", false},
    {"/cti.v1.CallService/GetVoicemailDuty", "RADU", false},
    {"/cti.v1.CallService/ListCallCounts", "RADU", false},
    {"/cti.v1.DirectoryService/Search", "SRADUY", false},
    {"/cti.v1.DirectoryService/GetEmployee", "SRADUY", false},
    {"/cti.v1.DirectoryService/GetUnit", "SRADUY", false},
    {"/cti.v1.EventService/Append", "SRADY", false},
    {"/cti.v1.EventService/AppendBatch", "SRADY", false},
    {"/cti.v1.EventService/Subscribe", "SRADUY", false},
    {"/cti.v1.RouteService/Route", "SRADUY", false},
    {"/cti.v1.RouteService/Check", "RADUY", false},
};

std::string Token(const std::string& name) { return absl::StrCat("secret-token-of-", name); }

// The identities file: per role, one token for kTenant and one for every tenant.
std::string IdentitiesText() {
  std::string text = "# access_test identities\n";
  for (const auto& [letter, role] : kRoleByLetter) {
    absl::StrAppend(&text, "token ", TokenHash(Token(role + "-" + kTenant)), " ", role, "-1 ", role,
                    " ", kTenant, "\n");
    absl::StrAppend(&text, "token ", TokenHash(Token(role + "-all")), " ", role, "-ops ", role,
                    " *\n");
  }
  return text;
}

// One call of `method` for `tenant` (empty: none) with `token` (empty: no credential):
// its status. Streams are read to their first message (then cancelled) or their end.
using RpcCall = std::function<grpc::Status(const std::shared_ptr<grpc::Channel>&,
                                           grpc::ClientContext*, const std::string&)>;

template <typename Reader, typename Message>
grpc::Status ReadFirst(grpc::ClientContext* context, Reader* reader) {
  Message message;
  if (reader->Read(&message)) {
    context->TryCancel();
    while (reader->Read(&message)) {
    }
    reader->Finish();
    return grpc::Status::OK;
  }
  return reader->Finish();
}

std::map<std::string, RpcCall> Calls() {
  using namespace cti::v1;  // NOLINT: the request types of every service
  std::map<std::string, RpcCall> calls;
  calls["/cti.v1.AdminService/GetStatus"] = [](const std::shared_ptr<grpc::Channel>& c,
                                               grpc::ClientContext* ctx,
                                               const std::string& tenant) {
    GetStatusRequest request;
    request.set_tenant(tenant);
    GetStatusResponse response;
    return AdminService::NewStub(c)->GetStatus(ctx, request, &response);
  };
  calls["/cti.v1.AdminService/Rebuild"] = [](const std::shared_ptr<grpc::Channel>& c,
                                             grpc::ClientContext* ctx, const std::string&) {
    auto reader = AdminService::NewStub(c)->Rebuild(ctx, RebuildRequest());
    return ReadFirst<grpc::ClientReader<RebuildProgress>, RebuildProgress>(ctx, reader.get());
  };
  calls["/cti.v1.AdminService/Backup"] = [](const std::shared_ptr<grpc::Channel>& c,
                                            grpc::ClientContext* ctx, const std::string&) {
    BackupResponse response;
    return AdminService::NewStub(c)->Backup(ctx, BackupRequest(), &response);
  };
  calls["/cti.v1.AdminService/Ping"] = [](const std::shared_ptr<grpc::Channel>& c,
                                          grpc::ClientContext* ctx, const std::string&) {
    PingResponse response;
    return AdminService::NewStub(c)->Ping(ctx, PingRequest(), &response);
  };
  calls["/cti.v1.AuditService/Replay"] = [](const std::shared_ptr<grpc::Channel>& c,
                                            grpc::ClientContext* ctx, const std::string& tenant) {
    ReplayRequest request;
    request.set_tenant(tenant);
    auto reader = AuditService::NewStub(c)->Replay(ctx, request);
    return ReadFirst<grpc::ClientReader<ReplayResponse>, ReplayResponse>(ctx, reader.get());
  };
  calls["/cti.v1.AuditService/RouteAsOf"] = [](const std::shared_ptr<grpc::Channel>& c,
                                               grpc::ClientContext* ctx,
                                               const std::string& tenant) {
    RouteAsOfRequest request;
    request.mutable_route()->set_tenant(tenant);
    request.mutable_route()->mutable_target()->set_unit_id("sundhed");
    request.mutable_route()->mutable_at()->set_seconds(testing::kStartSeconds);
    RouteAsOfResponse response;
    return AuditService::NewStub(c)->RouteAsOf(ctx, request, &response);
  };
  calls["/cti.v1.AuditService/ComplianceReport"] = [](const std::shared_ptr<grpc::Channel>& c,
                                                      grpc::ClientContext* ctx,
                                                      const std::string& tenant) {
    ComplianceReportRequest request;
    request.set_tenant(tenant);
    ComplianceReportResponse response;
    return AuditService::NewStub(c)->ComplianceReport(ctx, request, &response);
  };
  calls["/cti.v1.CallService/ListLiveCalls"] = [](const std::shared_ptr<grpc::Channel>& c,
                                                  grpc::ClientContext* ctx,
                                                  const std::string& tenant) {
    ListLiveCallsRequest request;
    request.set_tenant(tenant);
    ListLiveCallsResponse response;
    return CallService::NewStub(c)->ListLiveCalls(ctx, request, &response);
  };
  calls["/cti.v1.CallService/ListCallbacks"] = [](const std::shared_ptr<grpc::Channel>& c,
                                                  grpc::ClientContext* ctx,
                                                  const std::string& tenant) {
    ListCallbacksRequest request;
    request.set_tenant(tenant);
    ListCallbacksResponse response;
    return CallService::NewStub(c)->ListCallbacks(ctx, request, &response);
  };
  calls["/cti.v1.CallService/GetVoicemailDuty"] = [](const std::shared_ptr<grpc::Channel>& c,
                                                     grpc::ClientContext* ctx,
                                                     const std::string& tenant) {
    GetVoicemailDutyRequest request;
    request.set_tenant(tenant);
    GetVoicemailDutyResponse response;
    return CallService::NewStub(c)->GetVoicemailDuty(ctx, request, &response);
  };
  calls["/cti.v1.CallService/ListCallCounts"] = [](const std::shared_ptr<grpc::Channel>& c,
                                                   grpc::ClientContext* ctx,
                                                   const std::string& tenant) {
    ListCallCountsRequest request;
    request.set_tenant(tenant);
    ListCallCountsResponse response;
    return CallService::NewStub(c)->ListCallCounts(ctx, request, &response);
  };
  calls["/cti.v1.DirectoryService/Search"] = [](const std::shared_ptr<grpc::Channel>& c,
                                                grpc::ClientContext* ctx,
                                                const std::string& tenant) {
    SearchRequest request;
    request.set_tenant(tenant);
    request.set_query("sundhed");
    SearchResponse response;
    return DirectoryService::NewStub(c)->Search(ctx, request, &response);
  };
  calls["/cti.v1.DirectoryService/GetEmployee"] = [](const std::shared_ptr<grpc::Channel>& c,
                                                     grpc::ClientContext* ctx,
                                                     const std::string& tenant) {
    GetEmployeeRequest request;
    request.set_tenant(tenant);
    request.set_employee_id("e1");
    GetEmployeeResponse response;
    return DirectoryService::NewStub(c)->GetEmployee(ctx, request, &response);
  };
  calls["/cti.v1.DirectoryService/GetUnit"] = [](const std::shared_ptr<grpc::Channel>& c,
                                                 grpc::ClientContext* ctx,
                                                 const std::string& tenant) {
    GetUnitRequest request;
    request.set_tenant(tenant);
    request.set_unit_id("sundhed");
    GetUnitResponse response;
    return DirectoryService::NewStub(c)->GetUnit(ctx, request, &response);
  };
  calls["/cti.v1.EventService/Append"] = [](const std::shared_ptr<grpc::Channel>& c,
                                            grpc::ClientContext* ctx, const std::string& tenant) {
    AppendRequest request;
    *request.mutable_event() = testing::CallOffered("access-call", tenant);
    AppendResponse response;
    return EventService::NewStub(c)->Append(ctx, request, &response);
  };
  calls["/cti.v1.EventService/AppendBatch"] = [](const std::shared_ptr<grpc::Channel>& c,
                                                 grpc::ClientContext* ctx,
                                                 const std::string& tenant) {
    AppendBatchRequest request;
    *request.add_events() = testing::CallOffered("access-batch-call", tenant);
    AppendBatchResponse response;
    return EventService::NewStub(c)->AppendBatch(ctx, request, &response);
  };
  calls["/cti.v1.EventService/Subscribe"] = [](const std::shared_ptr<grpc::Channel>& c,
                                               grpc::ClientContext* ctx,
                                               const std::string& tenant) {
    SubscribeRequest request;
    request.set_tenant(tenant);
    request.set_snapshot(true);  // the first message comes at once
    auto reader = EventService::NewStub(c)->Subscribe(ctx, request);
    return ReadFirst<grpc::ClientReader<SubscribeResponse>, SubscribeResponse>(ctx, reader.get());
  };
  calls["/cti.v1.RouteService/Route"] = [](const std::shared_ptr<grpc::Channel>& c,
                                           grpc::ClientContext* ctx, const std::string& tenant) {
    RouteRequest request;
    request.set_tenant(tenant);
    request.mutable_target()->set_unit_id("sundhed");
    RouteResponse response;
    return RouteService::NewStub(c)->Route(ctx, request, &response);
  };
  calls["/cti.v1.RouteService/Check"] = [](const std::shared_ptr<grpc::Channel>& c,
                                           grpc::ClientContext* ctx, const std::string& tenant) {
    CheckRequest request;
    request.set_tenant(tenant);
    CheckResponse response;
    return RouteService::NewStub(c)->Check(ctx, request, &response);
  };
  return calls;
}

class AccessTest : public ::testing::Test {
 protected:
  AccessTest() {
    const std::string path = identities_dir_.path() + "/identities";
    std::ofstream(path) << IdentitiesText();
    testing::FixtureOptions options;
    options.configure = [path](CtidOptions* o) {
      o->insecure_dev_identity = false;
      o->identities_file = path;
    };
    fixture_ = std::make_unique<testing::ServerFixture>(options);
  }

  // `method` called by `token` (empty: none) for `tenant`.
  grpc::Status CallAs(const std::string& method, const std::string& token,
                      const std::string& tenant,
                      const std::multimap<std::string, std::string>& headers = {}) {
    auto context = testing::NewContext(/*identity=*/false, absl::Seconds(10));
    if (!token.empty()) context->AddMetadata(kAuthorizationHeader, "Bearer " + token);
    for (const auto& [name, value] : headers) context->AddMetadata(name, value);
    return calls_.at(method)(fixture_->channel(), context.get(), tenant);
  }

  testing::TempDir identities_dir_;
  std::unique_ptr<testing::ServerFixture> fixture_;
  const std::map<std::string, RpcCall> calls_ = Calls();
};

bool Refused(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::PERMISSION_DENIED ||
         status.error_code() == grpc::StatusCode::UNAUTHENTICATED;
}

std::string Show(const grpc::Status& status) {
  return absl::StrCat(status.error_code(), " ", status.error_message());
}

// The server's matrix has one row per RPC it serves, with the method names of the
// proto services, and agrees with the matrix written out above.
TEST_F(AccessTest, TheMatrixCoversEveryRpcOfEveryServiceAndAgreesWithTheSpecification) {
  std::set<std::string> served;
  for (const char* service :
       {"cti.v1.AdminService", "cti.v1.AuditService", "cti.v1.CallService",
        "cti.v1.DirectoryService", "cti.v1.EventService", "cti.v1.RouteService"}) {
    const google::protobuf::ServiceDescriptor* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
    ASSERT_NE(descriptor, nullptr) << service;
    for (int m = 0; m < descriptor->method_count(); ++m) {
      served.insert(absl::StrCat("/", service, "/", descriptor->method(m)->name()));
    }
  }
  std::set<std::string> in_matrix;
  for (const AccessRule& rule : AccessMatrix()) in_matrix.insert(std::string(rule.method));
  std::set<std::string> expected;
  for (const Expected& e : kExpected) expected.insert(e.method);
  EXPECT_EQ(in_matrix, served);
  EXPECT_EQ(expected, served);
  EXPECT_EQ(calls_.size(), served.size());
  for (const Expected& e : kExpected) {
    const AccessRule* rule = nullptr;
    for (const AccessRule& r : AccessMatrix()) {
      if (r.method == e.method) rule = &r;
    }
    ASSERT_NE(rule, nullptr) << e.method;
    for (const auto& [letter, role] : kRoleByLetter) {
      cti::v1::Role parsed = cti::v1::ROLE_UNSPECIFIED;
      ASSERT_TRUE(cti::v1::Role_Parse("ROLE_" + absl::AsciiStrToUpper(role), &parsed));
      EXPECT_EQ(rule->Allows(parsed), std::string(e.roles).find(letter) != std::string::npos)
          << e.method << " " << role;
    }
    EXPECT_EQ(rule->scope == Scope::kServer, e.server_wide) << e.method;
  }
}

// Every cell: each role calls each RPC for its own tenant (or, server-wide, with an
// identity for every tenant). Allowed cells are not refused (they may still fail for
// what the request asks); the others are PERMISSION_DENIED.
TEST_F(AccessTest, EveryRoleTimesEveryRpcIsAllowedOrDeniedAsTheMatrixSays) {
  int allowed = 0, denied = 0;
  for (const Expected& e : kExpected) {
    for (const auto& [letter, role] : kRoleByLetter) {
      const bool may = std::string(e.roles).find(letter) != std::string::npos;
      const std::string token = Token(role + (e.server_wide ? "-all" : std::string("-") + kTenant));
      const grpc::Status status = CallAs(e.method, token, e.server_wide ? "" : kTenant);
      if (may) {
        EXPECT_FALSE(Refused(status)) << e.method << " as " << role << ": " << Show(status);
        ++allowed;
      } else {
        EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
            << e.method << " as " << role << ": " << Show(status);
        EXPECT_NE(status.error_message().find(role), std::string::npos) << Show(status);
        ++denied;
      }
    }
  }
  // 19 RPCs x 6 roles.
  EXPECT_EQ(allowed + denied, 114);
  EXPECT_GT(denied, 20);
}

// A token of tenant aarhus never reads or writes tenant odense, nor calls the
// server-wide RPCs, whatever its role; Ping asks for no tenant.
TEST_F(AccessTest, ATokenOfOneTenantIsDeniedEveryOtherTenantAndTheServerWideCalls) {
  for (const Expected& e : kExpected) {
    if (std::string(e.method) == "/cti.v1.AdminService/Ping") continue;
    for (const auto& [letter, role] : kRoleByLetter) {
      if (std::string(e.roles).find(letter) == std::string::npos) continue;
      const grpc::Status status =
          CallAs(e.method, Token(role + "-" + kTenant), e.server_wide ? "" : kOtherTenant);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
          << e.method << " as " << role << ": " << Show(status);
      EXPECT_NE(status.error_message().find(kTenant), std::string::npos) << Show(status);
    }
  }
  // The same tokens with their own tenant in GetStatus are allowed for their roles.
  EXPECT_TRUE(
      CallAs("/cti.v1.AdminService/GetStatus", Token(std::string("auditor-") + kTenant), kTenant)
          .ok());
}

// No credential, an unknown token, a malformed header or the development headers (which
// this server does not trust): UNAUTHENTICATED on every RPC, Ping included.
TEST_F(AccessTest, CallsWithoutAKnownCredentialAreUnauthenticated) {
  for (const Expected& e : kExpected) {
    const std::string tenant = e.server_wide ? "" : kTenant;
    for (const auto& [token, headers] :
         std::vector<std::pair<std::string, std::multimap<std::string, std::string>>>{
             {"", {}},
             {"not-a-known-token", {}},
             {"", {{"x-cti-actor", "mallory"}, {"x-cti-role", "admin"}}},
             {"", {{"authorization", "Basic bWFsbG9yeTpzZWNyZXQ="}}}}) {
      const grpc::Status status = CallAs(e.method, token, tenant, headers);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
          << e.method << " token '" << token << "': " << Show(status);
    }
  }
}

// The actor of an appended record is the token's identity, never the one in the body.
TEST_F(AccessTest, TheActorOfAnAppendIsTheTokensIdentityNotTheBodys) {
  cti::v1::AppendRequest request;
  *request.mutable_event() = testing::CallOffered("stamped-call");
  request.mutable_event()->mutable_actor()->set_id("mallory");
  request.mutable_event()->mutable_actor()->set_role(cti::v1::ROLE_DIRECTOR);
  auto context = testing::NewContext(false, absl::Seconds(10));
  context->AddMetadata(kAuthorizationHeader,
                       "Bearer " + Token(std::string("softphone-") + kTenant));
  cti::v1::AppendResponse appended;
  grpc::Status status = fixture_->events().Append(context.get(), request, &appended);
  ASSERT_TRUE(status.ok()) << Show(status);

  cti::v1::SubscribeRequest subscribe;
  subscribe.set_tenant(kTenant);
  auto stream_context = testing::NewContext(false, absl::Seconds(10));
  stream_context->AddMetadata(kAuthorizationHeader,
                              "Bearer " + Token(std::string("auditor-") + kTenant));
  auto reader = fixture_->events().Subscribe(stream_context.get(), subscribe);
  cti::v1::SubscribeResponse message;
  bool found = false;
  while (!found && reader->Read(&message)) {
    for (const cti::v1::LogRecord& record : message.batch().records()) {
      if (record.position() != appended.position()) continue;
      EXPECT_EQ(record.event().actor().id(), "softphone-1");
      EXPECT_EQ(record.event().actor().role(), cti::v1::ROLE_SOFTPHONE);
      found = true;
    }
    if (message.has_record() && message.record().position() == appended.position()) {
      EXPECT_EQ(message.record().event().actor().id(), "softphone-1");
      EXPECT_EQ(message.record().event().actor().role(), cti::v1::ROLE_SOFTPHONE);
      found = true;
    }
  }
  stream_context->TryCancel();
  EXPECT_TRUE(found);
}

TEST(IdentitiesTest, MalformedLinesAreRefusedNamingTheLineAndTheField) {
  const std::string hash = TokenHash("x");
  for (const auto& [text, expected] : std::vector<std::pair<std::string, std::string>>{
           {"token " + hash + " a admin", "f:1: expected 5 fields"},
           {"# c\npassword " + hash + " a admin t", "f:2: kind: 'password'"},
           {"token plain-secret a admin t", "f:1: credential: a token is given as sha256:"},
           {"token " + hash + " bad/actor admin t", "f:1: actor: 'bad/actor'"},
           {"token " + hash + " a boss t", "f:1: role: 'boss' is not a role"},
           {"token " + hash + " a admin t,bad/t", "f:1: tenants: 'bad/t'"},
           {"token " + hash + " a admin t\ntoken " + hash + " b admin t", "f:2: credential: "},
       }) {
    absl::StatusOr<Identities> parsed = Identities::Parse(text, "f");
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(parsed.status().message().find(expected), std::string::npos)
        << parsed.status().message();
  }
  absl::StatusOr<Identities> good =
      Identities::Parse("\n# ok\ntoken " + hash +
                            "  e314\tdirector  demo,aarhus\ncert pbx1.demo.dk pbx-1 softphone *",
                        "f");
  ASSERT_TRUE(good.ok()) << good.status();
  EXPECT_EQ(good->size(), 2u);
  const Caller* director = good->ForTokenHash(hash);
  ASSERT_NE(director, nullptr);
  EXPECT_EQ(director->actor.id(), "e314");
  EXPECT_TRUE(director->MayUse("aarhus"));
  EXPECT_FALSE(director->MayUse("odense"));
  const Caller* pbx = good->ForCertificate("pbx1.demo.dk");
  ASSERT_NE(pbx, nullptr);
  EXPECT_TRUE(pbx->all_tenants);
  EXPECT_EQ(good->ForTokenHash(TokenHash("y")), nullptr);
}

TEST(IdentitiesTest, TokensAreRandomAndStoredOnlyAsTheirHash) {
  absl::StatusOr<std::string> a = NewToken();
  absl::StatusOr<std::string> b = NewToken();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 43u);
  EXPECT_NE(*a, *b);
  // SHA-256 of "abc" (FIPS 180-2, appendix B.1).
  EXPECT_EQ(TokenHash("abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(TokenHash(*a).find(*a), std::string::npos);
}

}  // namespace
}  // namespace cti::server
