// EvapiAdapter against an in-process ctid and a fake Kamailio evapi listener (a socket
// on 127.0.0.1, port 0): events in, records in the log, acks back.
#include "server/kamailio/evapi_adapter.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "projections/live_calls.h"
#include "server/kamailio/netstring.h"
#include "server/metrics.h"
#include "server/testing/server_fixture.h"

namespace cti::server::kamailio {
namespace {

using Json = nlohmann::json;
using ::cti::server::testing::FixtureOptions;
using ::cti::server::testing::IsOk;
using ::cti::server::testing::kTenant;
using ::cti::server::testing::ServerFixture;

constexpr char kDomain[] = "sip.test";
constexpr absl::Duration kDeadline = absl::Seconds(20);

// Kamailio's side: listens, accepts ctid, sends netstrings and reads acks.
class FakeKamailio {
 public:
  // Listens on `port` (0: a free one).
  explicit FakeKamailio(int port = 0) {
    listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int one = 1;
    setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<uint16_t>(port));
    EXPECT_EQ(bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    EXPECT_EQ(listen(listener_, 4), 0);
    socklen_t length = sizeof(address);
    getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~FakeKamailio() {
    Drop();
    close(listener_);
  }

  int port() const { return port_; }

  // Waits for ctid to connect; false after `timeout`.
  bool Accept(absl::Duration timeout = kDeadline) {
    pollfd fds[1] = {{listener_, POLLIN, 0}};
    if (poll(fds, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout))) != 1) return false;
    Drop();
    connection_ = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    decoder_.Reset();
    return connection_ >= 0;
  }
  // Closes the connection (ctid sees it lost).
  void Drop() {
    if (connection_ >= 0) close(connection_);
    connection_ = -1;
  }

  void SendRaw(const std::string& bytes) {
    ASSERT_EQ(send(connection_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
  }
  void Send(const Json& event) { SendRaw(EncodeNetstring(event.dump())); }

  // Reads acks until `count` have come in all, or `timeout`; returns the ids so far.
  const std::vector<std::string>& AcksUntil(size_t count, absl::Duration timeout = kDeadline) {
    const absl::Time until = absl::Now() + timeout;
    while (acks_.size() < count && absl::Now() < until && connection_ >= 0) {
      pollfd fds[1] = {{connection_, POLLIN, 0}};
      const int wait = static_cast<int>(absl::ToInt64Milliseconds(until - absl::Now())) + 1;
      if (poll(fds, 1, wait) != 1) continue;
      char buffer[4096];
      const ssize_t got = recv(connection_, buffer, sizeof(buffer), 0);
      if (got <= 0) break;
      EXPECT_TRUE(decoder_.Feed(std::string_view(buffer, got)).ok());
      std::string frame;
      while (decoder_.Next(&frame)) {
        const Json ack = Json::parse(frame);
        acks_.push_back(ack.at("ack").get<std::string>());
      }
    }
    return acks_;
  }
  // No ack comes within `wait`.
  bool Quiet(absl::Duration wait) {
    const size_t before = acks_.size();
    AcksUntil(before + 1, wait);
    return acks_.size() == before;
  }

 private:
  int listener_ = -1;
  int connection_ = -1;
  int port_ = 0;
  NetstringDecoder decoder_{1 << 20};
  std::vector<std::string> acks_;
};

// An event as kamailio.cfg sends it; ts is now (the wall clock), in microseconds.
Json Event(const std::string& id, const std::string& ev, const std::string& call_id) {
  return Json{{"v", 1},
              {"id", id},
              {"ev", ev},
              {"tenant", kTenant},
              {"call_id", call_id},
              {"ts", absl::ToUnixMicros(absl::Now())}};
}
Json Invite(const std::string& id, const std::string& call_id) {
  Json e = Event(id, "invite", call_id);
  e["from"] = "+4520304050";
  e["to"] = "+4589400000";
  return e;
}
Json Branch(const std::string& id, const std::string& ev, const std::string& call_id, int branch,
            const std::string& user) {
  Json e = Event(id, ev, call_id);
  e["branch"] = branch;
  if (!user.empty()) e["uri"] = absl::StrCat("sip:", user, "@", kDomain, ";transport=udp");
  return e;
}

template <typename Predicate>
bool PollUntil(Predicate done, absl::Duration timeout = kDeadline) {
  const absl::Time until = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() >= until) return false;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return true;
}

class EvapiAdapterTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(); }

  void StartServer(bool embedded_log = false) {
    FixtureOptions options;
    options.embedded_log = embedded_log;
    options.configure = [this](CtidOptions* o) {
      o->http_listen = "127.0.0.1:0";
      o->kamailio.sip_domain = kDomain;
      o->kamailio_evapi = absl::StrCat("127.0.0.1:", kamailio_.port());
    };
    fixture_ = std::make_unique<ServerFixture>(options);
    cti::v1::Event unit = testing::Administration("adm", "Borger og Arbejdsmarked");
    unit.mutable_staff()->mutable_unit_defined()->mutable_unit()->set_phone_number("+4589400000");
    cti::v1::Event e1 = testing::Hire("e1", "Anna Holm", "adm");
    e1.mutable_staff()->mutable_employee_hired()->mutable_employee()->set_extension("4711");
    cti::v1::Event e2 = testing::Hire("e2", "Bo Lund", "adm");
    e2.mutable_staff()->mutable_employee_hired()->mutable_employee()->set_extension("4712");
    e2.mutable_staff()->mutable_employee_hired()->mutable_employee()->set_direct_number(
        "+4589400012");
    cti::v1::Event reception = testing::Administration("omstilling", "Receptionen");
    reception.mutable_staff()->mutable_unit_defined()->mutable_unit()->set_kind(
        cti::v1::UNIT_KIND_RECEPTION);
    cti::v1::AppendResponse response;
    for (const cti::v1::Event& event : {unit, e1, e2, reception}) {
      ASSERT_TRUE(IsOk(fixture_->Append(event, &response)));
    }
    fixture_->Status(response.position());  // the directory applied: the plan has it
    ASSERT_TRUE(kamailio_.Accept()) << "ctid did not connect to the evapi listener";
  }

  EvapiAdapter& adapter() { return *fixture_->server().evapi(); }

  // The log's records of `call_id`, in order.
  std::vector<cti::v1::Event> Records(const std::string& call_id) {
    std::vector<cti::v1::Event> events;
    absl::StatusOr<uint64_t> end = fixture_->server().log()->EndPosition(0);
    EXPECT_TRUE(end.ok());
    auto reader = fixture_->server().log()->OpenReader(0, 1);
    EXPECT_TRUE(reader.ok());
    for (uint64_t read = 0; read < *end;) {
      absl::StatusOr<std::vector<cti::v1::LogRecord>> records =
          (*reader)->Next(1000, absl::Seconds(1));
      EXPECT_TRUE(records.ok());
      if (!records.ok() || records->empty()) break;
      for (const cti::v1::LogRecord& record : *records) {
        ++read;
        if (record.event().call().call_id() == call_id) events.push_back(record.event());
      }
    }
    return events;
  }

  static std::vector<std::string> Kinds(const std::vector<cti::v1::Event>& events) {
    std::vector<std::string> kinds;
    for (const cti::v1::Event& e : events) {
      kinds.push_back(
          std::string(e.call().GetDescriptor()->FindFieldByNumber(e.call().change_case())->name()));
    }
    return kinds;
  }

  std::vector<cti::v1::LiveCall> LiveCalls() {
    fixture_->Status(*fixture_->server().log()->EndPosition(0));  // applied up to the end
    cti::v1::ListLiveCallsRequest request;
    request.set_tenant(kTenant);
    auto listed = cti::projections::LiveCalls(fixture_->server().store().get()).List(request);
    EXPECT_TRUE(listed.ok()) << listed.status();
    return {listed->calls().begin(), listed->calls().end()};
  }

  FakeKamailio kamailio_;
  std::unique_ptr<ServerFixture> fixture_;
};

TEST_F(EvapiAdapterTest, ACallLandsOnceAlthoughEveryEventIsSentTwice) {
  const std::vector<Json> events = {
      Invite("k1", "call-1@pbx"), Branch("k2", "ringing", "call-1@pbx", 0, "4711"),
      Branch("k3", "answered", "call-1@pbx", 0, "4711"), Event("k4", "ended", "call-1@pbx")};
  for (const Json& event : events) {
    kamailio_.Send(event);
    kamailio_.Send(event);  // a retransmission, or a re-send
  }
  const std::vector<std::string>& acks = kamailio_.AcksUntil(8);
  ASSERT_EQ(acks.size(), 8u);
  EXPECT_EQ(std::set<std::string>(acks.begin(), acks.end()),
            (std::set<std::string>{"k1", "k2", "k3", "k4"}));
  EXPECT_TRUE(kamailio_.Quiet(absl::Milliseconds(100)));

  const std::vector<cti::v1::Event> records = Records("call-1@pbx");
  EXPECT_THAT(Kinds(records), ::testing::ElementsAre("offered", "ringing", "answered", "ended"));
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].event_id(), RouteEventId("call-1@pbx"));
  EXPECT_EQ(records[0].call().offered().caller_number(), "+4520304050");
  EXPECT_EQ(records[0].call().offered().dialled_number(), "+4589400000");
  EXPECT_EQ(records[1].event_id(), "sip:call-1@pbx|ringing|0");
  EXPECT_EQ(records[1].call().ringing().target().employee_id(), "e1") << "extension 4711";
  EXPECT_EQ(records[2].call().answered().by().employee_id(), "e1");
  for (const cti::v1::Event& record : records) {
    EXPECT_EQ(record.actor().id(), "kamailio");
    EXPECT_EQ(record.actor().role(), cti::v1::ROLE_SYSTEM);
    EXPECT_EQ(record.tenant(), kTenant);
    // occurred_at on the injected (simulated) clock, not the wall clock.
    EXPECT_NEAR(static_cast<double>(record.occurred_at().seconds()),
                static_cast<double>(testing::kStartSeconds), 5);
  }
  const EvapiAdapter::Counters c = adapter().counters();
  EXPECT_EQ(c.received, 8u);
  EXPECT_EQ(c.appended, 4u);
  EXPECT_EQ(c.duplicates, 4u);
  EXPECT_EQ(c.refused, 0u);
  EXPECT_TRUE(c.connected);
  EXPECT_TRUE(LiveCalls().empty());
}

TEST_F(EvapiAdapterTest, RepliesBeforeTheirInviteAreHeldAndLandInOrder) {
  kamailio_.Send(Branch("r1", "ringing", "call-2", 0, "4712"));
  kamailio_.Send(Branch("r2", "answered", "call-2", 0, "4712"));
  EXPECT_TRUE(kamailio_.Quiet(absl::Milliseconds(300))) << "not acknowledged while held";
  EXPECT_TRUE(PollUntil([&] { return adapter().counters().held == 2; }));
  kamailio_.Send(Invite("r0", "call-2"));
  const std::vector<std::string>& acks = kamailio_.AcksUntil(3);
  EXPECT_THAT(acks, ::testing::UnorderedElementsAre("r0", "r1", "r2"));
  EXPECT_THAT(Kinds(Records("call-2")), ::testing::ElementsAre("offered", "ringing", "answered"));
  EXPECT_EQ(adapter().counters().held, 0u);
  const std::vector<cti::v1::LiveCall> live = LiveCalls();
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].state(), cti::v1::LIVE_CALL_STATE_TALKING);
  EXPECT_EQ(live[0].employee_id(), "e2");
}

TEST_F(EvapiAdapterTest, AHeldEventOfACallNeverOfferedIsDroppedAfterAMinute) {
  kamailio_.Send(Branch("x1", "ringing", "never-offered", 0, "4711"));
  EXPECT_TRUE(PollUntil([&] { return adapter().counters().held == 1; }));
  fixture_->clock().Advance(absl::Seconds(61));
  EXPECT_THAT(kamailio_.AcksUntil(1), ::testing::ElementsAre("x1"));
  const EvapiAdapter::Counters c = adapter().counters();
  EXPECT_EQ(c.dropped, 1u);
  EXPECT_EQ(c.held, 0u);
  EXPECT_TRUE(Records("never-offered").empty());
}

TEST_F(EvapiAdapterTest, BranchFailuresAndRoutingFailureBecomeCallFailed) {
  kamailio_.Send(Invite("f0", "call-3"));
  kamailio_.Send(Branch("f1", "ringing", "call-3", 0, "+4589400012"));  // e2's direct number
  Json busy = Branch("f2", "branch-failed", "call-3", 0, "+4589400012");
  busy["code"] = 486;
  busy["reason"] = "Busy Here";
  kamailio_.Send(busy);
  kamailio_.Send(Branch("f3", "ringing", "call-3", 1, "voicemail-e1"));
  Json timeout = Branch("f4", "branch-failed", "call-3", 1, "");  // no uri: where it rang
  timeout["code"] = "408";
  kamailio_.Send(timeout);
  Json failed = Event("f5", "failed", "call-3");
  failed["code"] = 480;
  failed["reason"] = "Temporarily Unavailable";
  kamailio_.Send(failed);
  // Routing failed: Kamailio answered 503 itself.
  kamailio_.Send(Invite("g0", "call-4"));
  Json routing = Event("g1", "routing-failed", "call-4");
  routing["reason"] = "ctid unreachable";
  kamailio_.Send(routing);
  EXPECT_EQ(kamailio_.AcksUntil(8).size(), 8u);

  const std::vector<cti::v1::Event> call3 = Records("call-3");
  ASSERT_THAT(Kinds(call3), ::testing::ElementsAre("offered", "ringing", "branch_failed", "ringing",
                                                   "branch_failed", "failed"));
  EXPECT_EQ(call3[1].call().ringing().target().employee_id(), "e2");
  EXPECT_EQ(call3[2].call().branch_failed().target().employee_id(), "e2");
  EXPECT_EQ(call3[2].call().branch_failed().sip_code(), 486u);
  EXPECT_EQ(call3[2].call().branch_failed().reason(), "Busy Here");
  EXPECT_EQ(call3[3].call().ringing().target().employee_id(), "e1");
  EXPECT_TRUE(call3[3].call().ringing().voicemail()) << "e1's voicemail, not e1";
  EXPECT_EQ(call3[4].call().branch_failed().target().employee_id(), "e1");
  EXPECT_TRUE(call3[4].call().branch_failed().voicemail()) << "where it rang: e1's voicemail";
  EXPECT_EQ(call3[4].call().branch_failed().sip_code(), 408u);
  EXPECT_EQ(call3[5].call().failed().sip_code(), 480u);
  const std::vector<cti::v1::Event> call4 = Records("call-4");
  ASSERT_THAT(Kinds(call4), ::testing::ElementsAre("offered", "failed"));
  EXPECT_EQ(call4[1].call().failed().sip_code(), 503u);
  EXPECT_EQ(call4[1].call().failed().reason(), "ctid unreachable");
  EXPECT_TRUE(LiveCalls().empty());
  EXPECT_EQ(adapter().counters().refused, 0u);
}

TEST_F(EvapiAdapterTest, ReceptionRingsAtTheReceptionUnitAndAnUnknownUriIsNeverGuessed) {
  kamailio_.Send(Invite("r0", "call-r"));
  kamailio_.Send(Branch("r1", "ringing", "call-r", 0, "4711"));
  Json timeout = Branch("r2", "branch-failed", "call-r", 0, "4711");
  timeout["code"] = 408;
  kamailio_.Send(timeout);
  kamailio_.Send(Branch("r3", "ringing", "call-r", 1, "reception"));  // the last step
  // A destination ctid cannot name: refused, not put on e1 (where the call rang last).
  Json unknown = Branch("r4", "branch-failed", "call-r", 2, "operator");
  unknown["code"] = 404;
  kamailio_.Send(unknown);
  kamailio_.Send(Branch("r5", "answered", "call-r", 1, "reception"));
  kamailio_.Send(Event("r6", "ended", "call-r"));
  EXPECT_EQ(kamailio_.AcksUntil(7).size(), 7u);
  const std::vector<cti::v1::Event> records = Records("call-r");
  ASSERT_THAT(Kinds(records), ::testing::ElementsAre("offered", "ringing", "branch_failed",
                                                     "ringing", "answered", "ended"));
  EXPECT_EQ(records[0].call().offered().unit_id(), "adm") << "whose number was dialled";
  EXPECT_EQ(records[1].call().ringing().target().employee_id(), "e1");
  EXPECT_EQ(records[3].call().ringing().target().unit_id(), "omstilling")
      << "reception is the unit of kind UNIT_KIND_RECEPTION";
  EXPECT_EQ(records[4].call().answered().by().unit_id(), "omstilling");
  EXPECT_TRUE(PollUntil([&] { return adapter().counters().refused == 1; }));
  EXPECT_TRUE(LiveCalls().empty());
}

TEST_F(EvapiAdapterTest, ACancelIsAnAbandonedCallAndRefusalsAreAcknowledged) {
  kamailio_.Send(Invite("a0", "call-5"));
  kamailio_.Send(Branch("a1", "ringing", "call-5", 0, "4711"));
  kamailio_.Send(Event("a2", "abandoned", "call-5"));
  kamailio_.Send(Event("a3", "ended", "call-5"));  // refused for good: never answered
  kamailio_.SendRaw(EncodeNetstring(R"({"v":1,"id":"a4","ev":"transfer"})"));  // unknown kind
  kamailio_.SendRaw(EncodeNetstring("not json"));  // no id: cannot be acknowledged
  EXPECT_THAT(kamailio_.AcksUntil(5),
              ::testing::UnorderedElementsAre("a0", "a1", "a2", "a3", "a4"));
  EXPECT_THAT(Kinds(Records("call-5")), ::testing::ElementsAre("offered", "ringing", "abandoned"));
  EXPECT_TRUE(PollUntil([&] { return adapter().counters().refused == 3; }));
  EXPECT_TRUE(LiveCalls().empty());
}

TEST_F(EvapiAdapterTest, ReconnectsAfterALostConnectionAndResumes) {
  kamailio_.Send(Invite("c0", "call-6"));
  EXPECT_THAT(kamailio_.AcksUntil(1), ::testing::ElementsAre("c0"));
  kamailio_.Drop();
  ASSERT_TRUE(kamailio_.Accept()) << "ctid did not reconnect";
  EXPECT_TRUE(PollUntil([&] { return adapter().counters().connects == 2; }));
  EXPECT_EQ(adapter().counters().losses, 1u);
  // Kamailio re-sends what it holds unacknowledged on the new connection.
  kamailio_.Send(Branch("c1", "ringing", "call-6", 0, "4711"));
  kamailio_.Send(Invite("c0", "call-6"));
  EXPECT_THAT(kamailio_.AcksUntil(3), ::testing::ElementsAre("c0", "c1", "c0"));
  EXPECT_THAT(Kinds(Records("call-6")), ::testing::ElementsAre("offered", "ringing"));
}

TEST_F(EvapiAdapterTest, AnOversizedFrameResetsTheConnection) {
  kamailio_.SendRaw("999999999:");
  ASSERT_TRUE(kamailio_.Accept()) << "ctid did not reconnect after the reset";
  EXPECT_TRUE(PollUntil([&] { return adapter().counters().losses == 1; }));
  kamailio_.Send(Invite("o0", "call-7"));
  EXPECT_THAT(kamailio_.AcksUntil(1), ::testing::ElementsAre("o0"));
}

TEST_F(EvapiAdapterTest, MetricsShowTheAdapter) {
  kamailio_.Send(Invite("m0", "call-8"));
  EXPECT_EQ(kamailio_.AcksUntil(1).size(), 1u);
  const std::string page =
      CollectCtidMetrics({.deps = &fixture_->server().deps(), .evapi = fixture_->server().evapi()});
  EXPECT_THAT(page, ::testing::HasSubstr("ctid_kamailio_evapi_connected 1\n"));
  EXPECT_THAT(page, ::testing::HasSubstr("ctid_kamailio_evapi_events_appended_total 1\n"));
  EXPECT_THAT(page, ::testing::HasSubstr("# HELP ctid_kamailio_evapi_events_dropped_total"));
}

TEST(EvapiAdapterConnectTest, RetriesUntilKamailioListensAndStopsPromptly) {
  int port = 0;
  {
    FakeKamailio gone;  // a port nobody listens on once this closes
    port = gone.port();
  }
  FixtureOptions options;
  options.configure = [port](CtidOptions* o) {
    o->http_listen = "127.0.0.1:0";
    o->kamailio.sip_domain = kDomain;
    o->kamailio_evapi = absl::StrCat("127.0.0.1:", port);
  };
  ServerFixture fixture(options);
  EXPECT_FALSE(fixture.server().evapi()->counters().connected);
  absl::SleepFor(absl::Milliseconds(400));  // a few refused attempts (0.1, 0.2 s backoff)
  EXPECT_EQ(fixture.server().evapi()->counters().connects, 0u);
  FakeKamailio kamailio(port);
  ASSERT_TRUE(kamailio.Accept()) << "ctid did not retry";
  EXPECT_TRUE(PollUntil([&] { return fixture.server().evapi()->counters().connected; }));
  const absl::Time stopping = absl::Now();
  fixture.Stop();
  EXPECT_LT(absl::Now() - stopping, absl::Seconds(5)) << "Stop unblocks the connection's read";
}

// Throughput with the durable (embedded) log: 500 calls of 5 events sent at once.
TEST(EvapiAdapterThroughputTest, KeepsUpWithHundredsOfCallsASecond) {
  FakeKamailio kamailio;
  FixtureOptions options;
  options.embedded_log = true;
  options.configure = [&](CtidOptions* o) {
    o->http_listen = "127.0.0.1:0";
    o->kamailio.sip_domain = kDomain;
    o->kamailio_evapi = absl::StrCat("127.0.0.1:", kamailio.port());
  };
  ServerFixture fixture(options);
  cti::v1::AppendResponse response;
  ASSERT_TRUE(IsOk(fixture.Append(testing::Administration("adm", "Adm"), &response)));
  cti::v1::Event e1 = testing::Hire("e1", "Anna Holm", "adm");
  e1.mutable_staff()->mutable_employee_hired()->mutable_employee()->set_extension("4711");
  ASSERT_TRUE(IsOk(fixture.Append(e1, &response)));
  fixture.Status(response.position());
  ASSERT_TRUE(kamailio.Accept());
  constexpr int kCalls = 500;
  std::string burst;
  for (int i = 0; i < kCalls; ++i) {
    const std::string call = absl::StrCat("load-", i);
    Json busy = Branch(absl::StrCat(i, "-3"), "branch-failed", call, 0, "4711");
    busy["code"] = 486;
    for (const Json& e : {Invite(absl::StrCat(i, "-1"), call),
                          Branch(absl::StrCat(i, "-2"), "ringing", call, 0, "4711"), busy,
                          Branch(absl::StrCat(i, "-4"), "answered", call, 1, "4711"),
                          Event(absl::StrCat(i, "-5"), "ended", call)}) {
      burst += EncodeNetstring(e.dump());
    }
  }
  const absl::Time began = absl::Now();
  kamailio.SendRaw(burst);
  EXPECT_EQ(kamailio.AcksUntil(kCalls * 5, absl::Seconds(120)).size(), kCalls * 5u);
  const double seconds = absl::ToDoubleSeconds(absl::Now() - began);
  const double rate = kCalls * 5 / seconds;
  std::printf("evapi adapter: %d events in %.2f s: %.0f events/s (embedded log)\n", kCalls * 5,
              seconds, rate);
  EXPECT_EQ(fixture.server().evapi()->counters().appended, kCalls * 5u);
  EXPECT_GE(rate, 500) << "must keep up with 100 calls/s of 5 events";
}

}  // namespace
}  // namespace cti::server::kamailio
