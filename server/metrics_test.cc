// ctid's Prometheus metrics: the text format, the per-RPC counts and histograms, and
// GET /metrics on a running server, checked by promtool (Debian's prometheus package).
#include "server/metrics.h"

#include <curl/curl.h>
#include <grpcpp/grpcpp.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cti/v1/event_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/file_util.h"
#include "server/testing/server_fixture.h"
#include "server/testing/subscribe_client.h"

namespace cti::server {
namespace {

using testing::Administration;
using testing::CallOffered;
using testing::FixtureOptions;
using ::testing::HasSubstr;
using testing::IsOk;
using testing::kTenant;
using testing::NewContext;
using testing::ServerFixture;

// GET `url`: the status code and body; -1 when the request failed.
int HttpGet(const std::string& url, std::string* body) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return -1;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt(
      curl, CURLOPT_WRITEFUNCTION, +[](char* data, size_t size, size_t n, void* out) {
        static_cast<std::string*>(out)->append(data, size * n);
        return size * n;
      });
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, body);
  long code = -1;
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  curl_easy_cleanup(curl);
  return static_cast<int>(code);
}

// The value of the sample line that starts with `series` (name and labels exactly as
// written), or -1.
double Value(const std::string& text, const std::string& series) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::StartsWith(line, series + " ")) {
      double value = -1;
      if (absl::SimpleAtod(line.substr(series.size() + 1), &value)) return value;
    }
  }
  return -1;
}

TEST(PrometheusTextTest, FamiliesSamplesAndEscapedLabels) {
  PrometheusText out;
  out.Family("ctid_x_total", "counter", "Things.");
  out.Sample("ctid_x_total", {{"method", "a\"b\\c\nd"}}, 3);
  out.Single("ctid_y", "gauge", "A ratio.", 0.25);
  EXPECT_EQ(out.text(),
            "# HELP ctid_x_total Things.\n# TYPE ctid_x_total counter\n"
            "ctid_x_total{method=\"a\\\"b\\\\c\\nd\"} 3\n"
            "# HELP ctid_y A ratio.\n# TYPE ctid_y gauge\nctid_y 0.25\n");
}

TEST(RpcMetricsTest, CountsByCodeAndCumulativeBuckets) {
  RpcMetrics metrics;
  metrics.Record("/cti.v1.RouteService/Route", 0, 0.0002);
  metrics.Record("/cti.v1.RouteService/Route", 0, 0.003);
  metrics.Record("/cti.v1.RouteService/Route", 3, 20);  // beyond the last bucket
  PrometheusText out;
  metrics.Write(&out);
  const std::string& text = out.text();
  const std::string route = "method=\"/cti.v1.RouteService/Route\"";
  EXPECT_EQ(Value(text, "ctid_grpc_requests_total{" + route + ",code=\"OK\"}"), 2);
  EXPECT_EQ(Value(text, "ctid_grpc_requests_total{" + route + ",code=\"INVALID_ARGUMENT\"}"), 1);
  EXPECT_EQ(Value(text, "ctid_grpc_request_duration_seconds_bucket{" + route + ",le=\"0.0001\"}"),
            0);
  EXPECT_EQ(Value(text, "ctid_grpc_request_duration_seconds_bucket{" + route + ",le=\"0.00025\"}"),
            1);
  EXPECT_EQ(Value(text, "ctid_grpc_request_duration_seconds_bucket{" + route + ",le=\"0.005\"}"),
            2);
  EXPECT_EQ(Value(text, "ctid_grpc_request_duration_seconds_bucket{" + route + ",le=\"10\"}"), 2);
  EXPECT_EQ(Value(text, "ctid_grpc_request_duration_seconds_bucket{" + route + ",le=\"+Inf\"}"), 3);
  EXPECT_EQ(Value(text, "ctid_grpc_request_duration_seconds_count{" + route + "}"), 3);
  EXPECT_NEAR(Value(text, "ctid_grpc_request_duration_seconds_sum{" + route + "}"), 20.0032, 1e-6);
}

// A running server answers GET /metrics on its HTTP listener: every call counted by
// method and code, the log and projection positions, the open streams; promtool accepts
// the page.
TEST(MetricsEndpointTest, ServesPrometheusTextThatPromtoolAccepts) {
  ServerFixture fixture(FixtureOptions{.embedded_log = true, .configure = [](CtidOptions* options) {
                                         options->http_listen = "127.0.0.1:0";
                                       }});
  ASSERT_GT(fixture.server().http_port(), 0);
  cti::v1::AppendResponse response;
  ASSERT_TRUE(IsOk(fixture.Append(Administration("sundhed", "Sundhed"), &response)));
  for (const char* call : {"c1", "c2"}) {
    ASSERT_TRUE(IsOk(fixture.Append(CallOffered(call), &response)));
  }
  cti::v1::Event bad = CallOffered("c3");
  bad.set_tenant("");
  EXPECT_FALSE(fixture.Append(bad, &response).ok());
  fixture.Status(3);
  cti::v1::SubscribeRequest follow;
  follow.set_tenant(kTenant);
  follow.set_from_now(true);
  testing::Stream stream = testing::Subscribe(fixture, follow);

  const std::string url = absl::StrCat("http://127.0.0.1:", fixture.server().http_port());
  std::string text;
  ASSERT_EQ(HttpGet(url + "/metrics", &text), 200) << text;
  const std::string append = "method=\"/cti.v1.EventService/Append\"";
  EXPECT_EQ(Value(text, "ctid_grpc_requests_total{" + append + ",code=\"OK\"}"), 3) << text;
  EXPECT_EQ(Value(text, "ctid_grpc_requests_total{" + append + ",code=\"INVALID_ARGUMENT\"}"), 1);
  EXPECT_EQ(Value(text, "ctid_grpc_request_duration_seconds_count{" + append + "}"), 4);
  EXPECT_EQ(Value(text, "ctid_log_end_position{partition=\"0\"}"), 3);
  EXPECT_EQ(Value(text, "ctid_projection_applied_position{partition=\"0\"}"), 3);
  EXPECT_EQ(Value(text, "ctid_projector_lag_records{partition=\"0\"}"), 0);
  EXPECT_EQ(Value(text, "ctid_projector_lag_seconds{partition=\"0\"}"), 0);
  EXPECT_EQ(Value(text, "ctid_records_applied_total"), 3);
  // The test's stream; not the server's own followers of the log (route cache, checks).
  EXPECT_EQ(Value(text, "ctid_subscribe_streams"), 1);
  EXPECT_EQ(Value(text, "ctid_serving"), 1);
  EXPECT_EQ(Value(text, "ctid_mail_enabled"), 0);
  EXPECT_EQ(Value(text, "ctid_mail_outbox_messages"), 0);
  // Personal data is sealed on the embedded log: erasures are counted.
  EXPECT_EQ(Value(text, "ctid_erasures_pending"), 0);
  EXPECT_EQ(Value(text, "ctid_erasure_rebuilds_total"), 0);
  EXPECT_GE(Value(text, "ctid_rocksdb_block_cache_hits_total"), 0);
  EXPECT_GE(Value(text, "ctid_rocksdb_pending_compaction_bytes"), 0);
  EXPECT_THAT(text, HasSubstr("# TYPE ctid_grpc_request_duration_seconds histogram"));
  stream.context->TryCancel();

  std::string missing;
  EXPECT_EQ(HttpGet(url + "/nothing-here", &missing), 404);

  // The exposition format, checked by Prometheus' own tool.
  testing::TempDir dir;
  const std::string page = dir.path() + "/metrics.txt";
  const std::string report = dir.path() + "/promtool.txt";
  ASSERT_TRUE(WriteFileAtomically(page, text).ok());
  ASSERT_EQ(std::system("test -x /usr/bin/promtool"), 0)
      << "promtool is missing: deploy/setup.sh installs Debian's prometheus package";
  const int checked = std::system(
      absl::StrCat("/usr/bin/promtool check metrics < ", page, " > ", report, " 2>&1").c_str());
  EXPECT_EQ(checked, 0) << *ReadFile(report) << "\n" << text;
}

}  // namespace
}  // namespace cti::server
