// GET /kamailio/route against an in-process ctid holding the demo municipality
// (deploy/demo), over real HTTP with libcurl.
#include "server/kamailio/route_endpoint.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/testing/server_fixture.h"

namespace cti::server::kamailio {
namespace {

using Json = nlohmann::json;
using ::cti::server::testing::FixtureOptions;
using ::cti::server::testing::ServerFixture;

constexpr char kDomain[] = "sip.sydby.dk";

// Copenhagen local time (winter, +01:00) as an absl::Time.
absl::Time Local(int year, int month, int day, int hour, int minute) {
  return absl::FromCivil(absl::CivilMinute(year, month, day, hour, minute),
                         absl::FixedTimeZone(3600));
}

struct Answer {
  long status = 0;  // NOLINT(runtime/int): libcurl's type
  std::string body;
  long connects = 0;  // NOLINT(runtime/int): new connections this request opened
};

size_t Collect(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// One kept-alive HTTP connection (a libcurl easy handle reused).
class Client {
 public:
  explicit Client(int port) : base_(absl::StrCat("http://127.0.0.1:", port)) {
    curl_ = curl_easy_init();
  }
  ~Client() { curl_easy_cleanup(curl_); }

  Answer Get(const std::string& path_and_query) {
    Answer answer;
    const std::string url = base_ + path_and_query;
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(curl_, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, Collect);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &answer.body);
    if (curl_easy_perform(curl_) != CURLE_OK) return answer;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &answer.status);
    curl_easy_getinfo(curl_, CURLINFO_NUM_CONNECTS, &answer.connects);
    return answer;
  }

 private:
  std::string base_;
  CURL* curl_;
};

std::string Lookup(const std::string& to, const std::string& call_id,
                   const std::string& from = "%2B4512345678") {
  return absl::StrCat(kRoutePath, "?tenant=demo&to=", to, "&from=", from, "&call_id=", call_id);
}

// Appends every event of a JSON Lines file of deploy/demo as `actor` with `role`.
void Load(ServerFixture& fixture, const std::string& file, const std::string& actor,
          const std::string& role) {
  const std::string path = absl::StrCat(CTI_SOURCE_DIR, "/deploy/demo/", file);
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot read " << path;
  std::vector<cti::v1::Event> events;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    cti::v1::Event event;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &event).ok()) << line;
    events.push_back(std::move(event));
  }
  for (size_t i = 0; i < events.size(); i += 500) {
    cti::v1::AppendBatchRequest request;
    for (size_t j = i; j < events.size() && j < i + 500; ++j) *request.add_events() = events[j];
    cti::v1::AppendBatchResponse response;
    std::unique_ptr<grpc::ClientContext> context =
        cti::server::testing::NewContext(/*identity=*/false, absl::Seconds(60));
    context->AddMetadata(std::string(kActorHeader), actor);
    context->AddMetadata(std::string(kRoleHeader), role);
    grpc::Status status = fixture.events().AppendBatch(context.get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const cti::v1::AppendBatchResult& result : response.results()) {
      ASSERT_EQ(result.code(), 0) << file << ": " << result.message();
    }
  }
}

class KamailioRouteEndpointTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fixture_ = new ServerFixture(FixtureOptions{.configure = [](CtidOptions* options) {
      options->http_listen = "127.0.0.1:0";
      options->kamailio.sip_domain = kDomain;
    }});
    fixture_->clock().Set(Local(2026, 12, 1, 10, 0));
    Load(*fixture_, "demo.jsonl", "demo-loader", "system");
    Load(*fixture_, "demo-director.jsonl", "e314", "director");
    fixture_->Status(fixture_->server().log()->EndPosition(0).value());  // all applied
  }
  static void TearDownTestSuite() {
    delete fixture_;
    fixture_ = nullptr;
  }
  void SetUp() override { fixture_->clock().Set(Local(2026, 12, 1, 10, 0)); }

  static Json Routes(const Answer& answer) {
    EXPECT_EQ(answer.status, 200) << answer.body;
    if (answer.status != 200) return Json();
    Json doc = Json::parse(answer.body);
    EXPECT_EQ(doc["routing"], "serial");
    EXPECT_EQ(doc["routes"].back()["kind"], "reception_message") << answer.body;
    return doc["routes"];
  }

  // The records of the log with `event_id`.
  static int RecordsWithId(const std::string& event_id) {
    cti::log::EventLog& log = *fixture_->server().log();
    auto reader = log.OpenReader(0, 1);
    EXPECT_TRUE(reader.ok());
    int count = 0;
    for (;;) {
      auto records = (*reader)->Next(1000, absl::ZeroDuration());
      EXPECT_TRUE(records.ok());
      if (!records.ok() || records->empty()) break;
      for (const cti::v1::LogRecord& record : *records) {
        if (record.event().event_id() == event_id) ++count;
      }
    }
    return count;
  }

  static void WaitForRecordings(uint64_t at_least) {
    const KamailioRouteEndpoint& endpoint = *fixture_->server().kamailio();
    for (int i = 0; i < 500 && endpoint.recordings() < at_least; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_GE(endpoint.recordings(), at_least);
    EXPECT_EQ(endpoint.recording_failures(), 0u);
  }

  static ServerFixture* fixture_;
};

ServerFixture* KamailioRouteEndpointTest::fixture_ = nullptr;

TEST_F(KamailioRouteEndpointTest, DirectNumberOfASickEmployeeRingsTheForwarding) {
  // Morten Poulsen (e127, +4573764236) is sick and forwarded to Line Nielsen (ext 4239)
  // (deploy/demo/ROUTES.md), then his colleagues of ydelse-tlf, then reception.
  Client client(fixture_->server().http_port());
  const Json routes = Routes(client.Get(Lookup("%2B4573764236", "sick-1@192.0.2.1")));
  ASSERT_GE(routes.size(), 3u);
  EXPECT_EQ(routes[0]["uri"], absl::StrCat("sip:4239@", kDomain));
  EXPECT_EQ(routes[0]["kind"], "ring_employee");
  EXPECT_GT(routes[0]["fr_inv_timer"].get<int>(), 0);
  EXPECT_EQ(routes.back()["uri"], absl::StrCat("sip:reception@", kDomain));
}

TEST_F(KamailioRouteEndpointTest, UnitNumberHuntsItsGroupSerially) {
  // Ydelsesteamet (+4573767830) hunts ydelse-tlf over three members, Morten left out.
  Client client(fixture_->server().http_port());
  const Json routes = Routes(client.Get(Lookup("%2B4573767830", "unit-1@192.0.2.1")));
  ASSERT_EQ(routes.size(), 4u) << routes.dump();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(routes[i]["kind"], "hunt_group");
    EXPECT_EQ(routes[i]["step"], 0);
    EXPECT_FALSE(routes[i].contains("parallel"));
    EXPECT_GT(routes[i]["fr_inv_timer"].get<int>(), 0);
    EXPECT_NE(routes[i]["uri"], absl::StrCat("sip:4236@", kDomain));  // not Morten
  }
}

TEST_F(KamailioRouteEndpointTest, ExtensionOfAnUnlistedEmployee) {
  Client client(fixture_->server().http_port());
  const Json routes = Routes(client.Get(Lookup("4191", "ext-1@192.0.2.1")));
  ASSERT_GE(routes.size(), 2u);
  EXPECT_EQ(routes[0]["uri"], absl::StrCat("sip:4191@", kDomain));
}

TEST_F(KamailioRouteEndpointTest, ClosedUnitGoesToVoicemailThenReception) {
  // Byggesagsafdelingen (+4573767890) is closed 14-15 Dec for its move.
  fixture_->clock().Set(Local(2026, 12, 14, 10, 0));
  Client client(fixture_->server().http_port());
  const Json routes = Routes(client.Get(Lookup("%2B4573767890", "closed-1@192.0.2.1")));
  ASSERT_EQ(routes.size(), 2u) << routes.dump();
  EXPECT_EQ(routes[0]["uri"], absl::StrCat("sip:voicemail-byggesag@", kDomain));
  EXPECT_EQ(routes[0]["kind"], "voicemail");
}

TEST_F(KamailioRouteEndpointTest, BadParametersAre400NamingTheParameter) {
  Client client(fixture_->server().http_port());
  const struct {
    std::string query;
    std::string parameter;
  } cases[] = {
      {"?to=4191&call_id=x", "tenant"},
      {"?tenant=demo&call_id=x", "to"},
      {"?tenant=demo&to=abc&call_id=x", "to"},
      {"?tenant=demo&to=4191", "call_id"},
      {"?tenant=demo&to=4191&call_id=a%20b", "call_id"},
      {"?tenant=de%20mo&to=4191&call_id=x", "tenant"},
  };
  for (const auto& c : cases) {
    const Answer answer = client.Get(absl::StrCat(kRoutePath, c.query));
    EXPECT_EQ(answer.status, 400) << c.query;
    EXPECT_EQ(answer.body.rfind(c.parameter + ":", 0), 0u) << c.query << ": " << answer.body;
  }
}

TEST_F(KamailioRouteEndpointTest, UnknownNumberOrExtensionIs404) {
  Client client(fixture_->server().http_port());
  for (const std::string to : {"%2B4500000000", "9999", "12345678901"}) {
    const Answer answer = client.Get(Lookup(to, "unknown@192.0.2.1"));
    EXPECT_EQ(answer.status, 404) << to << ": " << answer.body;
    EXPECT_EQ(answer.body.rfind("to:", 0), 0u) << answer.body;
  }
}

TEST_F(KamailioRouteEndpointTest, NotServingIs503) {
  KamailioRouteEndpoint endpoint(&fixture_->server().deps(), RtjsonOptions{.sip_domain = kDomain},
                                 [] { return false; });
  http::Request request;
  request.query = {{"tenant", "demo"}, {"to", "4191"}, {"call_id", "x"}};
  EXPECT_EQ(endpoint.Handle(request).status, 503);
}

TEST_F(KamailioRouteEndpointTest, KeptAliveConnectionServesSeveralLookups) {
  Client client(fixture_->server().http_port());
  const Answer first = client.Get(Lookup("4191", "alive-1@192.0.2.1"));
  const Answer second = client.Get(Lookup("4191", "alive-2@192.0.2.1"));
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(first.connects, 1);
  EXPECT_EQ(second.connects, 0) << "the second lookup opened a new connection";
}

TEST_F(KamailioRouteEndpointTest, RepeatedLookupIsRecordedOnce) {
  const uint64_t before = fixture_->server().kamailio()->recordings();
  Client client(fixture_->server().http_port());
  const std::string call_id = "a84b4c76e66710@pc33.example.org";
  const std::string query = Lookup("%2B4573767830", call_id, "anonymous");
  EXPECT_EQ(client.Get(query).status, 200);
  EXPECT_EQ(client.Get(query).status, 200);  // at once: maybe not yet appended
  WaitForRecordings(before + 2);
  fixture_->Status(fixture_->server().log()->EndPosition(0).value());
  EXPECT_EQ(client.Get(query).status, 200);  // once applied
  WaitForRecordings(before + 3);
  EXPECT_EQ(RecordsWithId(RouteEventId(call_id)), 1);

  // The record: the call offered, with the SIP Call-ID as call id, the caller withheld.
  cti::log::EventLog& log = *fixture_->server().log();
  auto reader = log.OpenReader(0, 1);
  ASSERT_TRUE(reader.ok());
  bool found = false;
  for (;;) {
    auto records = (*reader)->Next(1000, absl::ZeroDuration());
    ASSERT_TRUE(records.ok());
    if (records->empty()) break;
    for (const cti::v1::LogRecord& record : *records) {
      if (record.event().event_id() != RouteEventId(call_id)) continue;
      found = true;
      EXPECT_EQ(record.event().tenant(), "demo");
      EXPECT_EQ(record.event().call().call_id(), call_id);
      EXPECT_EQ(record.event().call().offered().dialled_number(), "+4573767830");
      EXPECT_EQ(record.event().call().offered().unit_id(), "ydelse") << "whose number it is";
      EXPECT_EQ(record.event().call().offered().caller_number(), "");
      EXPECT_EQ(record.event().actor().id(), "kamailio");
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(KamailioRouteEndpointTest, EventIdsOfLongCallIdsStayShort) {
  const std::string long_id(256, 'x');
  EXPECT_EQ(RouteEventId("abc@host"), "sip:abc@host");
  EXPECT_LE(RouteEventId(long_id).size(), 256u);
  EXPECT_EQ(RouteEventId(long_id), RouteEventId(long_id));
  EXPECT_NE(RouteEventId(long_id), RouteEventId(std::string(255, 'x') + "y"));
}

// Not a timed assertion: prints the latency of lookups over one kept-alive connection.
TEST_F(KamailioRouteEndpointTest, LatencyOverAKeptAliveConnection) {
  Client client(fixture_->server().http_port());
  const char* numbers[] = {"%2B4573764236", "%2B4573767830", "4191", "%2B4573767676"};
  std::vector<double> micros;
  constexpr int kLookups = 2000;
  for (int i = 0; i < kLookups; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const Answer answer = client.Get(Lookup(numbers[i % 4], absl::StrCat("bench-", i, "@h")));
    const auto end = std::chrono::steady_clock::now();
    ASSERT_EQ(answer.status, 200) << answer.body;
    micros.push_back(std::chrono::duration<double, std::micro>(end - start).count());
  }
  // The floor: a path the HTTP layer answers itself (404), same connection.
  std::vector<double> floor;
  for (int i = 0; i < kLookups; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const Answer answer = client.Get("/no-such-path");
    const auto end = std::chrono::steady_clock::now();
    ASSERT_EQ(answer.status, 404);
    floor.push_back(std::chrono::duration<double, std::micro>(end - start).count());
  }
  // The handler alone (no HTTP), recording included (it only queues the append).
  std::vector<double> handler;
  KamailioRouteEndpoint& endpoint = *fixture_->server().kamailio();
  for (int i = 0; i < kLookups; ++i) {
    http::Request request;
    request.query = {{"tenant", "demo"},
                     {"to", i % 2 == 0 ? "+4573767830" : "4191"},
                     {"call_id", absl::StrCat("handler-", i, "@h")}};
    const auto start = std::chrono::steady_clock::now();
    const http::Response response = endpoint.Handle(request);
    const auto end = std::chrono::steady_clock::now();
    ASSERT_EQ(response.status, 200) << response.body;
    handler.push_back(std::chrono::duration<double, std::micro>(end - start).count());
  }
  for (const auto& [name, samples] :
       {std::pair{"GET /kamailio/route over one kept-alive connection (client included)", &micros},
        std::pair{"GET /no-such-path over the same connection (404: the HTTP floor)", &floor},
        std::pair{"KamailioRouteEndpoint::Handle alone (no HTTP)", &handler}}) {
    std::sort(samples->begin(), samples->end());
    std::printf(
        "%s, %d requests: p50 %.0f us, "
        "p90 %.0f us, p99 %.0f us, max %.0f us\n",
        name, kLookups, (*samples)[kLookups / 2], (*samples)[kLookups * 9 / 10],
        (*samples)[kLookups * 99 / 100], samples->back());
  }
  WaitForRecordings(2 * kLookups);
}

}  // namespace
}  // namespace cti::server::kamailio
