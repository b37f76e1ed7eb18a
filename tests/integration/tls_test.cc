// ctid as deployed: TLS on the gRPC port, callers known by bearer tokens or by client
// certificates (mutual TLS), from an identities file (issue 7, items 1-3). The test
// makes its own CA and certificates with the openssl command; nothing is committed.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cti/v1/admin_service.grpc.pb.h"
#include "cti/v1/directory_service.grpc.pb.h"
#include "cti/v1/event_service.grpc.pb.h"
#include "gtest/gtest.h"
#include "server/token.h"
#include "tests/support/child_process.h"
#include "tests/support/ctid_process.h"
#include "tests/support/danish_events.h"
#include "tests/support/grpc_clients.h"
#include "tests/support/subprocess.h"

#ifndef CTICTL_PATH
#error "CTICTL_PATH must name the ctictl executable"
#endif

namespace cti::test_support {
namespace {

// Runs openssl with `args` in `dir`; fails the test on error.
void OpenSsl(const std::string& dir, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  for (std::string& arg : argv) {
    if (arg.rfind("@", 0) == 0) arg = dir + "/" + arg.substr(1);
  }
  absl::StatusOr<ProcessResult> run = RunProcess(argv, absl::Seconds(60));
  ASSERT_TRUE(run.ok()) << run.status();
  ASSERT_EQ(run->exit_code, 0) << args[0] << ": " << run->err;
}

// A CA, a server certificate for localhost and 127.0.0.1, a client certificate with
// CN=pbx1.test from that CA, and one with the same CN from a CA the server does not
// trust.
void MakeCertificates(const std::string& dir) {
  std::ofstream(dir + "/server.ext") << "subjectAltName=DNS:localhost,IP:127.0.0.1\n";
  const std::vector<std::string> ec = {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                                       "-nodes"};
  for (const char* ca : {"ca", "rogue-ca"}) {
    std::vector<std::string> args = {"req", "-x509"};
    args.insert(args.end(), ec.begin(), ec.end());
    args.insert(args.end(),
                {"-keyout", absl::StrCat("@", ca, ".key"), "-out", absl::StrCat("@", ca, ".pem"),
                 "-days", "2", "-subj", absl::StrCat("/CN=", ca, " of the cti tests")});
    OpenSsl(dir, args);
  }
  struct Leaf {
    const char* name;
    const char* subject;
    const char* ca;
    bool server;
  };
  for (const Leaf& leaf :
       {Leaf{"server", "/CN=localhost", "ca", true}, Leaf{"pbx", "/CN=pbx1.test", "ca", false},
        Leaf{"rogue", "/CN=pbx1.test", "rogue-ca", false}}) {
    std::vector<std::string> request = {"req"};
    request.insert(request.end(), ec.begin(), ec.end());
    request.insert(request.end(), {"-keyout", absl::StrCat("@", leaf.name, ".key"), "-out",
                                   absl::StrCat("@", leaf.name, ".csr"), "-subj", leaf.subject});
    OpenSsl(dir, request);
    std::vector<std::string> sign = {"x509",
                                     "-req",
                                     "-in",
                                     absl::StrCat("@", leaf.name, ".csr"),
                                     "-CA",
                                     absl::StrCat("@", leaf.ca, ".pem"),
                                     "-CAkey",
                                     absl::StrCat("@", leaf.ca, ".key"),
                                     "-CAcreateserial",
                                     "-out",
                                     absl::StrCat("@", leaf.name, ".pem"),
                                     "-days",
                                     "2"};
    if (leaf.server) sign.insert(sign.end(), {"-extfile", "@server.ext"});
    OpenSsl(dir, sign);
  }
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeCertificates(dir_.path()));
    token_ = "reception-secret-of-the-tls-test";
    std::ofstream(dir_.path() + "/identities")
        << "# tls_test\n"
        << "token " << cti::server::TokenHash(token_) << " reception-7 reception " << kTenant
        << "\n"
        << "token " << cti::server::TokenHash("ops-secret") << " it-drift admin *\n"
        << "cert pbx1.test pbx-1 softphone " << kTenant << "\n";
    CtidOptions options;
    options.dev_security = false;
    options.extra_args = {"--tls-cert",      dir_.path() + "/server.pem",
                          "--tls-key",       dir_.path() + "/server.key",
                          "--tls-client-ca", dir_.path() + "/ca.pem",
                          "--identities",    dir_.path() + "/identities"};
    options.tls.ca_pem = ReadWholeFile(dir_.path() + "/ca.pem");
    options.tls.server_name = "localhost";
    absl::StatusOr<std::unique_ptr<CtidProcess>> started = CtidProcess::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    ctid_ = *std::move(started);
  }

  ChannelTls Tls(const std::string& client = "") const {
    ChannelTls tls;
    tls.ca_pem = ReadWholeFile(dir_.path() + "/ca.pem");
    tls.server_name = "localhost";
    if (!client.empty()) {
      tls.cert_pem = ReadWholeFile(dir_.path() + "/" + client + ".pem");
      tls.key_pem = ReadWholeFile(dir_.path() + "/" + client + ".key");
    }
    return tls;
  }

  grpc::Status Search(const std::shared_ptr<grpc::Channel>& channel,
                      const std::string& tenant = kTenant) {
    cti::v1::SearchRequest request;
    request.set_tenant(tenant);
    request.set_query("borgerservice");
    cti::v1::SearchResponse response;
    auto context = Ctx(absl::Seconds(10));
    return cti::v1::DirectoryService::NewStub(channel)->Search(context.get(), request, &response);
  }

  // Holds the certificates and the identities file; removed with the test.
  struct Dir {
    Dir() : path_(MakeTempDir("cti-tls-test-")) {}
    ~Dir() {
      std::error_code ignored;
      std::filesystem::remove_all(path_, ignored);
    }
    const std::string& path() const { return path_; }
    std::string path_;
  } dir_;
  std::string token_;
  std::unique_ptr<CtidProcess> ctid_;
};

TEST_F(TlsTest, ATokenOverTlsIsServedAndTheSameCallInPlaintextIsNot) {
  Identity reception;
  reception.token = token_;
  const grpc::Status over_tls =
      Search(IdentityChannel(ctid_->address(), reception, nullptr, Tls()));
  EXPECT_TRUE(over_tls.ok()) << Describe(over_tls);
  // The same port without TLS: the handshake fails, nothing is served.
  const grpc::Status plaintext = Search(IdentityChannel(ctid_->address(), reception));
  EXPECT_EQ(plaintext.error_code(), grpc::StatusCode::UNAVAILABLE) << Describe(plaintext);
  // A CA the server's certificate does not chain to: refused by the client.
  ChannelTls wrong_ca = Tls();
  wrong_ca.ca_pem = ReadWholeFile(dir_.path() + "/rogue-ca.pem");
  const grpc::Status untrusted =
      Search(IdentityChannel(ctid_->address(), reception, nullptr, wrong_ca));
  EXPECT_EQ(untrusted.error_code(), grpc::StatusCode::UNAVAILABLE) << Describe(untrusted);
}

TEST_F(TlsTest, TokensMapToRoleAndTenant) {
  Identity reception;
  reception.token = token_;
  auto channel = IdentityChannel(ctid_->address(), reception, nullptr, Tls());
  // Another tenant: PERMISSION_DENIED naming the tenant.
  const grpc::Status other = Search(channel, "odense");
  EXPECT_EQ(other.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(other);
  EXPECT_NE(other.error_message().find("odense"), std::string::npos);
  // Reception does not rebuild.
  auto context = Ctx(absl::Seconds(10));
  auto rebuild =
      cti::v1::AdminService::NewStub(channel)->Rebuild(context.get(), cti::v1::RebuildRequest());
  cti::v1::RebuildProgress progress;
  EXPECT_FALSE(rebuild->Read(&progress));
  EXPECT_EQ(rebuild->Finish().error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // The development headers are not trusted here.
  const grpc::Status headers =
      Search(IdentityChannel(ctid_->address(), {"it-drift", "admin", ""}, nullptr, Tls()));
  EXPECT_EQ(headers.error_code(), grpc::StatusCode::UNAUTHENTICATED) << Describe(headers);
}

// Mutual TLS: a PBX adapter known by its certificate appends as its identity.
TEST_F(TlsTest, AClientCertificateFromTheTrustedCaIsAnIdentity) {
  auto pbx = IdentityChannel(ctid_->address(), Anonymous(), nullptr, Tls("pbx"));
  EXPECT_TRUE(Search(pbx).ok());
  cti::v1::AppendRequest request;
  *request.mutable_event() = EventFactory(kTenant, "tls").CallOffered("tls-call-1", "+4512345678");
  cti::v1::AppendResponse appended;
  auto context = Ctx(absl::Seconds(10));
  grpc::Status status =
      cti::v1::EventService::NewStub(pbx)->Append(context.get(), request, &appended);
  ASSERT_TRUE(status.ok()) << Describe(status);

  Identity ops;
  ops.token = "ops-secret";
  auto admin = IdentityChannel(ctid_->address(), ops, nullptr, Tls());
  cti::v1::SubscribeRequest subscribe;
  subscribe.set_tenant(kTenant);
  auto stream_context = Ctx(absl::Seconds(10));
  auto reader = cti::v1::EventService::NewStub(admin)->Subscribe(stream_context.get(), subscribe);
  cti::v1::SubscribeResponse message;
  bool found = false;
  while (!found && reader->Read(&message)) {
    if (message.has_record() && message.record().position() == appended.position()) {
      EXPECT_EQ(message.record().event().actor().id(), "pbx-1");
      EXPECT_EQ(message.record().event().actor().role(), cti::v1::ROLE_SOFTPHONE);
      found = true;
    }
  }
  stream_context->TryCancel();
  EXPECT_TRUE(found);

  // The same common name from a CA the server does not trust gets no connection.
  const grpc::Status rogue =
      Search(IdentityChannel(ctid_->address(), Anonymous(), nullptr, Tls("rogue")));
  EXPECT_EQ(rogue.error_code(), grpc::StatusCode::UNAVAILABLE) << Describe(rogue);
  // No certificate and no token: the connection is made (certificates are optional
  // here) but the call is not served.
  const grpc::Status anonymous =
      Search(IdentityChannel(ctid_->address(), Anonymous(), nullptr, Tls()));
  EXPECT_EQ(anonymous.error_code(), grpc::StatusCode::UNAUTHENTICATED) << Describe(anonymous);
}

// ctictl speaks TLS and tokens as an administrator would use them.
TEST_F(TlsTest, CtictlConnectsWithTlsAndATokenFile) {
  std::ofstream(dir_.path() + "/token") << token_ << "\n";
  absl::StatusOr<ProcessResult> run =
      RunProcess({CTICTL_PATH, "--server", ctid_->address(), "--tenant", kTenant, "--tls-ca",
                  dir_.path() + "/ca.pem", "--tls-server-name", "localhost", "--token-file",
                  dir_.path() + "/token", "search", "borgerservice"});
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->exit_code, 0) << run->err;
  // Without the token: refused, exit code 1 (refused by the server).
  run = RunProcess({CTICTL_PATH, "--server", ctid_->address(), "--tenant", kTenant, "--tls-ca",
                    dir_.path() + "/ca.pem", "--tls-server-name", "localhost", "search",
                    "borgerservice"});
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->exit_code, 1) << run->err;
  EXPECT_NE(run->err.find("UNAUTHENTICATED"), std::string::npos) << run->err;
  // A token file that cannot be read is a usage error naming it.
  run = RunProcess({CTICTL_PATH, "--server", ctid_->address(), "--token-file",
                    dir_.path() + "/missing", "status"});
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->exit_code, 2) << run->err;
  EXPECT_NE(run->err.find("missing"), std::string::npos) << run->err;
}

TEST(CtictlTokenTest, TokenNewPrintsASecretAndTheLineWithOnlyItsHash) {
  absl::StatusOr<ProcessResult> run = RunProcess(
      {CTICTL_PATH, "token", "new", "--for", "e314", "--as", "director", "--tenants", "demo"});
  ASSERT_TRUE(run.ok()) << run.status();
  ASSERT_EQ(run->exit_code, 0) << run->err;
  const size_t at = run->out.find("token: ");
  ASSERT_NE(at, std::string::npos) << run->out;
  const std::string secret = run->out.substr(at + 7, 43);
  EXPECT_NE(run->out.find(absl::StrCat("identities line: token ", cti::server::TokenHash(secret),
                                       " e314 director demo\n")),
            std::string::npos)
      << run->out;
}

}  // namespace
}  // namespace cti::test_support
