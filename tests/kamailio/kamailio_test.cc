// Kamailio in front of the real ctid (issue 9 item 4): deploy/kamailio/kamailio.cfg on
// free loopback ports, ctid with the demo municipality and --clock-start, sipp phones
// (UAS) and callers (UAC). Each test asks ctid for the call's rtjson document first
// (GET /kamailio/route, as Kamailio will), starts the phones of its first entries and
// checks what they received, what the caller got, and the events Kamailio sent over
// evapi (the contract of deploy/kamailio/README.md "Events").
//
// ctid runs with --kamailio-evapi (its adapter, issue 9 item 2): each test also checks
// the call records the adapter appended, each real event exactly once although
// Kamailio re-sends and SIP retransmits, and that a finished call has left live calls.
//
// Skipped (GTEST_SKIP) only when kamailio, kamcmd or sipp are not installed;
// deploy/setup.sh installs them.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "cti/v1/call_service.grpc.pb.h"
#include "cti/v1/event_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/kamailio/kamailio_harness.h"
#include "tests/support/child_process.h"
#include "tests/support/cti_client.h"
#include "tests/support/ctid_process.h"
#include "tests/support/subprocess.h"

namespace cti::test_support::kamailio {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr char kTenant[] = "demo";
constexpr char kDomain[] = "sip.sydby.test";
// Tuesday 1 Dec 2026 10:00 Copenhagen: the job centre (Ydelsesteamet) is open.
constexpr char kWeekday[] = "2026-12-01T10:00:00+01:00";
// The same day at 19:00: every ordinary unit is closed.
constexpr char kAfterHours[] = "2026-12-01T19:00:00+01:00";
// Their local day: where ctid counts the calls.
constexpr char kDay[] = "2026-12-01";
// Line Nielsen (e128, Ydelsesteamet), available at kWeekday.
constexpr char kEmployeeExtension[] = "4239";
// Ydelsesteamet's number (deploy/demo, server/README.md).
constexpr char kUnitNumber[] = "+4573767830";
// Akuttelefonen (akut-social): its group rings all members at once.
constexpr char kRingAllNumber[] = "+4573767999";

void Load(CtidProcess& ctid, const std::string& path, const Identity& identity) {
  const absl::StatusOr<uint64_t> last = CtiClient(ctid.Channel(identity)).AppendJsonLines(path);
  ASSERT_TRUE(last.ok()) << last.status();
}

// The user part of a sip: URI.
std::string UserOf(const std::string& uri) {
  const size_t colon = uri.find(':');
  const size_t at = uri.find('@');
  return uri.substr(colon + 1, at - colon - 1);
}

// ctid, Kamailio and an evapi reader for one clock instant.
class KamailioFixture : public ::testing::Test {
 protected:
  static void StartAll(const char* clock_start, bool static_phones = true) {
    if (!KamailioAndSippInstalled()) return;
    work_dir_ = MakeTempDir("cti-kamailio-test-");
    ASSERT_FALSE(work_dir_.empty());
    http_port_ = FreeLoopbackPort();
    evapi_port_ = FreeSipPort();
    CtidOptions options;
    options.extra_args = {"--http-listen",         absl::StrCat("127.0.0.1:", http_port_),
                          "--kamailio-sip-domain", kDomain,
                          "--clock-start",         clock_start,
                          "--kamailio-evapi",      absl::StrCat("127.0.0.1:", evapi_port_)};
    absl::StatusOr<std::unique_ptr<CtidProcess>> ctid = CtidProcess::Start(options);
    ASSERT_TRUE(ctid.ok()) << ctid.status();
    ctid_ = std::move(*ctid);
    const std::string demo = std::string(CTI_SOURCE_DIR) + "/deploy/demo/";
    Load(*ctid_, demo + "demo.jsonl", {"demo-loader", "system"});
    Load(*ctid_, demo + "demo-director.jsonl", {"e314", "director"});
    KamailioOptions k;
    k.work_dir = work_dir_;
    k.evapi_port = evapi_port_;
    k.ctid_http_port = http_port_;
    k.tenant = kTenant;
    k.sip_domain = kDomain;
    k.static_phones = static_phones;
    absl::StatusOr<std::unique_ptr<KamailioProcess>> kamailio = KamailioProcess::Start(k);
    ASSERT_TRUE(kamailio.ok()) << kamailio.status();
    kamailio_ = std::move(*kamailio);
    absl::StatusOr<std::unique_ptr<EvapiReader>> reader = EvapiReader::Connect(evapi_port_);
    ASSERT_TRUE(reader.ok()) << reader.status();
    evapi_ = std::move(*reader);
    expected_ = CountedCalls();  // what the demo holds: none, or its own
  }
  static void StopAll() {
    evapi_.reset();
    if (kamailio_ != nullptr) {
      EXPECT_TRUE(kamailio_->Stop().ok()) << kamailio_->StderrTail();
    }
    kamailio_.reset();
    if (ctid_ != nullptr && ctid_->running()) {
      EXPECT_TRUE(ctid_->Stop().ok());
    }
    ctid_.reset();
    if (!work_dir_.empty() && getenv("CTI_KEEP_TEST_DIRS") == nullptr) {
      RunProcess({"/bin/rm", "-rf", work_dir_}).IgnoreError();
    }
  }

  void SetUp() override {
    if (!KamailioAndSippInstalled()) {
      GTEST_SKIP() << "kamailio, kamcmd or sipp not installed (deploy/setup.sh installs "
                      "kamailio kamailio-extra-modules kamailio-utils-modules sip-tester)";
    }
    ASSERT_NE(kamailio_, nullptr);
    ASSERT_TRUE(kamailio_->ClearPhones().ok());
  }
  void TearDown() override {
    if (HasFailure() && kamailio_ != nullptr) {
      ADD_FAILURE() << "kamailio's stderr:\n" << kamailio_->StderrTail();
    }
  }

  // ctid's rtjson document for a call to `number` (a probe with its own Call-ID).
  static json RouteDocument(const std::string& number) {
    static int probes = 0;
    std::string to = number;
    if (!to.empty() && to[0] == '+') to = "%2B" + to.substr(1);
    absl::StatusOr<HttpAnswer> answer =
        HttpGet(http_port_, absl::StrCat("/kamailio/route?tenant=", kTenant, "&to=", to,
                                         "&from=4512345678&call_id=probe-", ++probes));
    EXPECT_TRUE(answer.ok()) << answer.status();
    if (!answer.ok()) return json::object();
    EXPECT_EQ(answer->status, 200) << answer->body;
    // The probe is recorded as a call.
    if (answer->status == 200) expected_.set_offered(expected_.offered() + 1);
    json doc = json::parse(answer->body, nullptr, false);
    EXPECT_TRUE(doc.is_object() && doc["routes"].is_array() && !doc["routes"].empty())
        << answer->body;
    return doc;
  }

  // Starts a phone with `scenario` for the document's entry `i` and maps its user.
  std::unique_ptr<SippPhone> Phone(const json& doc, size_t i, const std::string& scenario) {
    const std::string user = UserOf(doc["routes"][i]["uri"].get<std::string>());
    absl::StatusOr<std::unique_ptr<SippPhone>> phone = SippPhone::Start(work_dir_, scenario, user);
    EXPECT_TRUE(phone.ok()) << phone.status();
    if (!phone.ok()) return nullptr;
    EXPECT_TRUE(kamailio_->SetPhone(user, (*phone)->port()).ok());
    return std::move(*phone);
  }

  // Waits until Kamailio sent an event `ev` of `call_id` containing `parts`.
  static void ExpectEvent(const std::string& call_id, const std::string& ev,
                          std::vector<std::string> parts = {}) {
    parts.push_back(absl::StrCat("\"ev\":\"", ev, "\""));
    parts.push_back(absl::StrCat("\"call_id\":\"", call_id, "\""));
    parts.push_back(absl::StrCat("\"tenant\":\"", kTenant, "\""));
    EXPECT_TRUE(evapi_->WaitFor(parts, absl::Seconds(10)))
        << "no evapi event " << ev << " with " << absl::StrJoin(parts, " ") << "; got:\n"
        << absl::StrJoin(evapi_->Events(), "\n");
  }
  static bool SentEvent(const std::string& call_id, const std::string& ev) {
    return evapi_->WaitFor(
        {absl::StrCat("\"ev\":\"", ev, "\""), absl::StrCat("\"call_id\":\"", call_id, "\"")},
        absl::Milliseconds(1));
  }

  // Waits until the log holds the call records of `call_id` (CallEvent's oneof field
  // names, e.g. "answered", "failed"), then requires exactly `kinds` and, when ctid
  // answered the routing lookup (`routed`), its decision trace ("route_decided", by
  // kamailio, with the steps ctid sent): every real event once, none twice. Then the call
  // is no longer among the live calls.
  static void ExpectCallRecords(const std::string& call_id,
                                const std::multiset<std::string>& real_kinds, bool routed = true) {
    std::multiset<std::string> kinds = real_kinds;
    if (routed) kinds.insert("route_decided");
    CtiClient client(ctid_->Channel(Admin()));
    std::multiset<std::string> seen;
    bool by_voicemail = false;                  // a voicemail answered (CallAnswered.voicemail)
    const cti::v1::LogRecord* trace = nullptr;  // in `records`
    std::vector<cti::v1::LogRecord> records;
    const absl::Time deadline = absl::Now() + absl::Seconds(20);
    while (absl::Now() < deadline) {
      cti::v1::SubscribeRequest request;
      request.set_tenant(kTenant);
      records.clear();
      trace = nullptr;
      client.ReadRecords(request, 0, absl::Seconds(2), &records).IgnoreError();
      seen.clear();
      for (const cti::v1::LogRecord& record : records) {
        if (!record.event().has_call() || record.event().call().call_id() != call_id) continue;
        const cti::v1::CallEvent& call = record.event().call();
        if (call.has_answered()) by_voicemail = call.answered().voicemail();
        if (call.has_route_decided()) trace = &record;
        const google::protobuf::OneofDescriptor* change =
            call.GetDescriptor()->FindOneofByName("change");
        if (change == nullptr) continue;
        const google::protobuf::FieldDescriptor* field =
            call.GetReflection()->GetOneofFieldDescriptor(call, change);
        if (field != nullptr) seen.insert(field->name());
      }
      if (std::includes(seen.begin(), seen.end(), kinds.begin(), kinds.end())) break;
      absl::SleepFor(absl::Milliseconds(300));
    }
    EXPECT_EQ(absl::StrJoin(seen, ", "), absl::StrJoin(kinds, ", "))
        << "call " << call_id << ": the log's call records";
    if (trace != nullptr) {
      EXPECT_EQ(trace->event().actor().id(), "kamailio");
      EXPECT_FALSE(trace->outcome().rejected()) << trace->outcome().reason();
      EXPECT_GT(trace->event().call().route_decided().answer().steps_size(), 0);
    }
    cti::v1::ListLiveCallsRequest live_request;
    live_request.set_tenant(kTenant);
    cti::v1::ListLiveCallsResponse live;
    const grpc::Status status =
        CallService()->ListLiveCalls(WithDeadline().get(), live_request, &live);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const auto& call : live.calls()) {
      EXPECT_NE(call.call_id(), call_id) << "a finished call is still live: " << call.DebugString();
    }
    expected_.set_offered(expected_.offered() + kinds.count("offered"));
    if (kinds.count("answered") > 0 && by_voicemail) {
      expected_.set_voicemail(expected_.voicemail() + 1);
    } else if (kinds.count("answered") > 0) {
      expected_.set_answered(expected_.answered() + 1);
    }
    expected_.set_abandoned(expected_.abandoned() + kinds.count("abandoned"));
    expected_.set_failed(expected_.failed() + kinds.count("failed"));
    ExpectCallCounts();
  }

  // The calls ctid counts on the test's local day (ListCallCounts, TP-3.6), summed over
  // its units.
  static cti::v1::CallTally CountedCalls(cti::v1::ListCallCountsResponse* answer = nullptr) {
    cti::v1::ListCallCountsRequest request;
    request.set_tenant(kTenant);
    request.set_from_day(kDay);
    cti::v1::ListCallCountsResponse response;
    const grpc::Status status =
        CallService()->ListCallCounts(WithDeadline().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    cti::v1::CallTally sum;
    for (const cti::v1::UnitDayCallCounts& day : response.days()) {
      sum.set_offered(sum.offered() + day.all().offered());
      sum.set_answered(sum.answered() + day.all().answered());
      sum.set_abandoned(sum.abandoned() + day.all().abandoned());
      sum.set_failed(sum.failed() + day.all().failed());
      sum.set_voicemail(sum.voicemail() + day.all().voicemail());
    }
    if (answer != nullptr) *answer = std::move(response);
    return sum;
  }

  // ctid's CallService (gRPC's generated client) as the admin, and a call context with a
  // 10 s deadline.
  static std::unique_ptr<cti::v1::CallService::Stub> CallService() {
    return cti::v1::CallService::NewStub(ctid_->Channel(Admin()));
  }
  static std::unique_ptr<grpc::ClientContext> WithDeadline() {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return context;
  }

  // The counts hold every call of the test so far: each probe and dialled call offered
  // once, each outcome once.
  static void ExpectCallCounts() {
    using google::protobuf::util::MessageDifferencer;
    cti::v1::CallTally counted = CountedCalls();
    for (const absl::Time deadline = absl::Now() + absl::Seconds(10);
         !MessageDifferencer::Equals(counted, expected_) && absl::Now() < deadline;) {
      absl::SleepFor(absl::Milliseconds(200));  // a probe's offer is recorded off its path
      counted = CountedCalls();
    }
    EXPECT_EQ(counted.DebugString(), expected_.DebugString()) << "ListCallCounts on " << kDay;
  }

  static cti::v1::CallTally expected_;
  static std::string work_dir_;
  static int http_port_;
  static int evapi_port_;
  static std::unique_ptr<CtidProcess> ctid_;
  static std::unique_ptr<KamailioProcess> kamailio_;
  static std::unique_ptr<EvapiReader> evapi_;
};
cti::v1::CallTally KamailioFixture::expected_;
std::string KamailioFixture::work_dir_;
int KamailioFixture::http_port_ = 0;
int KamailioFixture::evapi_port_ = 0;
std::unique_ptr<CtidProcess> KamailioFixture::ctid_;
std::unique_ptr<KamailioProcess> KamailioFixture::kamailio_;
std::unique_ptr<EvapiReader> KamailioFixture::evapi_;

// ---- Inside phone hours ----

class KamailioWeekdayTest : public KamailioFixture {
 protected:
  static void SetUpTestSuite() { StartAll(kWeekday); }
  static void TearDownTestSuite() { StopAll(); }
};

TEST_F(KamailioWeekdayTest, AnAvailableEmployeeIsRungAnswersAndTheCallEndsWithBye) {
  const json doc = RouteDocument(kEmployeeExtension);
  ASSERT_GE(doc["routes"].size(), 2u) << doc.dump();
  ASSERT_EQ(doc["routes"][0]["uri"], absl::StrCat("sip:", kEmployeeExtension, "@", kDomain))
      << doc.dump();
  auto phone = Phone(doc, 0, "uas_answer.xml");
  ASSERT_NE(phone, nullptr);
  const SippResult call = Dial(*kamailio_, work_dir_, "uac_call.xml", kEmployeeExtension);
  EXPECT_EQ(call.exit_code, 0) << call.errors;
  EXPECT_EQ(phone->Wait(absl::Seconds(10)), 0) << phone->Messages();
  EXPECT_EQ(phone->Received("INVITE"), 1);
  EXPECT_EQ(phone->Received("BYE"), 1) << "the BYE goes through Kamailio (Record-Route)";
  ASSERT_FALSE(call.call_id.empty());

  ExpectEvent(call.call_id, "invite",
              {"\"id\":\"sip:" + call.call_id + "\"", "\"to\":\"4239\"", "\"from\":\"+4512345678\"",
               "\"v\":1", "\"ts\":\""});
  ExpectEvent(call.call_id, "ringing",
              {"\"branch\":0", "\"uri\":\"sip:4239@sip.sydby.test\"",
               "\"id\":\"sip:" + call.call_id + "|ringing|0\""});
  ExpectEvent(call.call_id, "answered", {"\"branch\":0", "\"uri\":\"sip:4239@sip.sydby.test\""});
  ExpectEvent(call.call_id, "ended", {"\"id\":\"sip:" + call.call_id + "|ended\""});
  EXPECT_FALSE(SentEvent(call.call_id, "failed"));
  EXPECT_FALSE(SentEvent(call.call_id, "abandoned"));
  ExpectCallRecords(call.call_id, {"offered", "ringing", "answered", "ended"});
  // Counted for Ydelsesteamet, Line Nielsen's unit, within its phone hours, with its wait.
  cti::v1::ListCallCountsResponse counts;
  CountedCalls(&counts);
  bool found = false;
  for (const cti::v1::UnitDayCallCounts& day : counts.days()) {
    if (day.unit_id() != "ydelse") continue;
    found = true;
    EXPECT_EQ(day.in_phone_hours().offered(), 2u)
        << "the probe and the call: " << day.DebugString();
    EXPECT_EQ(day.in_phone_hours().answered(), 1u) << day.DebugString();
    uint64_t timed = 0;
    for (const cti::v1::AnswerTimeBucket& bucket : day.answer_times()) timed += bucket.calls();
    EXPECT_EQ(timed, 1u) << day.DebugString();
    EXPECT_EQ(day.answer_times(0).calls(), 1u) << "answered within 5 s: " << day.DebugString();
  }
  EXPECT_TRUE(found) << counts.DebugString();
}

TEST_F(KamailioWeekdayTest, BusyFailsOverToTheNextStep) {
  const json doc = RouteDocument(kEmployeeExtension);
  ASSERT_GE(doc["routes"].size(), 2u) << doc.dump();
  const std::string next_name = doc["routes"][1].value("name", "");
  EXPECT_FALSE(next_name.empty()) << "Route names the next step: " << doc.dump();
  auto busy = Phone(doc, 0, "uas_busy.xml");
  auto next = Phone(doc, 1, "uas_answer.xml");
  ASSERT_TRUE(busy != nullptr && next != nullptr);
  const SippResult call = Dial(*kamailio_, work_dir_, "uac_call.xml", kEmployeeExtension);
  EXPECT_EQ(call.exit_code, 0) << call.errors;
  EXPECT_EQ(busy->Wait(absl::Seconds(10)), 0) << busy->Messages();
  EXPECT_EQ(next->Wait(absl::Seconds(10)), 0) << next->Messages();
  EXPECT_EQ(busy->Received("INVITE"), 1);
  EXPECT_EQ(next->Received("INVITE"), 1) << next_name << " is rung after the busy phone";
  EXPECT_EQ(next->Received("BYE"), 1);

  ExpectEvent(call.call_id, "branch-failed",
              {"\"branch\":0", "\"code\":486", "\"reason\":\"Busy Here\"",
               "\"uri\":\"sip:4239@sip.sydby.test\""});
  ExpectEvent(call.call_id, "answered",
              {"\"branch\":1", "\"uri\":\"" + doc["routes"][1]["uri"].get<std::string>() + "\""});
  ExpectEvent(call.call_id, "ended");
  // The busy phone answers 486 at once (no ringing); the next step rings and answers.
  ExpectCallRecords(call.call_id, {"offered", "branch_failed", "ringing", "answered", "ended"});
}

TEST_F(KamailioWeekdayTest, AnUnansweredPhoneTimesOutAfterItsRingTimeToTheNextStep) {
  const json doc = RouteDocument(kEmployeeExtension);
  ASSERT_GE(doc["routes"].size(), 2u) << doc.dump();
  ASSERT_TRUE(doc["routes"][0].contains("fr_inv_timer")) << doc.dump();
  const int ring_ms = doc["routes"][0]["fr_inv_timer"].get<int>();
  auto silent = Phone(doc, 0, "uas_noanswer.xml");
  auto next = Phone(doc, 1, "uas_answer.xml");
  ASSERT_TRUE(silent != nullptr && next != nullptr);
  const SippResult call = Dial(*kamailio_, work_dir_, "uac_call.xml", kEmployeeExtension);
  EXPECT_EQ(call.exit_code, 0) << call.errors;
  EXPECT_EQ(silent->Wait(absl::Seconds(10)), 0) << silent->Messages();
  EXPECT_EQ(next->Wait(absl::Seconds(10)), 0) << next->Messages();
  EXPECT_EQ(silent->Received("CANCEL"), 1) << "Kamailio cancels it when its time is up";
  EXPECT_EQ(next->Received("INVITE"), 1);
  // It rang for the document's fr_inv_timer (after its 180).
  const absl::Duration rang = silent->FirstReceived("CANCEL") - silent->FirstReceived("INVITE");
  EXPECT_GE(rang, absl::Milliseconds(ring_ms - 200)) << rang;
  EXPECT_LE(rang, absl::Milliseconds(ring_ms + 1500)) << rang;

  ExpectEvent(call.call_id, "branch-failed",
              {"\"branch\":0", "\"code\":408", "\"reason\":\"Ring timeout\""});
  ExpectEvent(call.call_id, "answered", {"\"branch\":1"});
  ExpectCallRecords(call.call_id,
                    {"offered", "ringing", "branch_failed", "ringing", "answered", "ended"});
}

TEST_F(KamailioWeekdayTest, ARingGroupRingsAllItsMembersAtOnce) {
  // Akuttelefonen (akut-social, open 24/7) rings group akut-social-tlf, ring-all.
  const json doc = RouteDocument(kRingAllNumber);
  std::vector<size_t> members;
  for (size_t i = 0; i < doc["routes"].size(); ++i) {
    if (doc["routes"][i].value("parallel", false) && doc["routes"][i]["step"] == 0) {
      members.push_back(i);
    }
  }
  ASSERT_GE(members.size(), 2u) << doc.dump();
  std::vector<std::unique_ptr<SippPhone>> phones;
  for (size_t i : members) {
    phones.push_back(Phone(doc, i, i == members.back() ? "uas_answer.xml" : "uas_noanswer.xml"));
    ASSERT_NE(phones.back(), nullptr);
  }
  const SippResult call = Dial(*kamailio_, work_dir_, "uac_call.xml", kRingAllNumber);
  EXPECT_EQ(call.exit_code, 0) << call.errors;
  absl::Time first = absl::InfiniteFuture(), last = absl::InfinitePast();
  for (auto& phone : phones) {
    EXPECT_EQ(phone->Wait(absl::Seconds(10)), 0) << phone->user() << "\n" << phone->Messages();
    EXPECT_EQ(phone->Received("INVITE"), 1) << phone->user();
    first = std::min(first, phone->FirstReceived("INVITE"));
    last = std::max(last, phone->FirstReceived("INVITE"));
    if (phone != phones.back()) {
      EXPECT_EQ(phone->Received("CANCEL"), 1) << phone->user() << ": cancelled once one answered";
    }
  }
  EXPECT_EQ(phones.back()->Received("BYE"), 1);
  EXPECT_LT(last - first, absl::Milliseconds(500)) << "all members rang at once";
  ExpectEvent(call.call_id, "answered", {absl::StrCat("\"branch\":", members.size() - 1)});
  // One ringing per member (its own branch); the members cancelled once one answered
  // are not failures of the call.
  std::multiset<std::string> kinds = {"offered", "answered", "ended"};
  for (size_t i = 0; i < members.size(); ++i) kinds.insert("ringing");
  ExpectCallRecords(call.call_id, kinds);
}

TEST_F(KamailioWeekdayTest, TheCallerGivesUpWhileItRings) {
  const json doc = RouteDocument(kEmployeeExtension);
  auto ringing = Phone(doc, 0, "uas_noanswer.xml");
  ASSERT_NE(ringing, nullptr);
  const SippResult call = Dial(*kamailio_, work_dir_, "uac_cancel.xml", kEmployeeExtension);
  EXPECT_EQ(call.exit_code, 0) << call.errors;
  EXPECT_EQ(ringing->Wait(absl::Seconds(10)), 0) << ringing->Messages();
  EXPECT_EQ(ringing->Received("CANCEL"), 1);
  ExpectEvent(call.call_id, "abandoned", {"\"id\":\"sip:" + call.call_id + "|abandoned\""});
  EXPECT_FALSE(SentEvent(call.call_id, "failed")) << "a cancelled call is not a failed one";
  // The ringing branch ends with 487 (cancelled): recorded, then the call is abandoned.
  ExpectCallRecords(call.call_id, {"offered", "ringing", "branch_failed", "abandoned"});
}

TEST_F(KamailioWeekdayTest, ANumberNobodyHasIsAnswered404WithoutEvents) {
  const SippResult call = Dial(*kamailio_, work_dir_, "uac_404.xml", "+4500000000");
  EXPECT_EQ(call.exit_code, 0) << call.errors << call.messages;
  EXPECT_THAT(call.messages, HasSubstr("SIP/2.0 404 Number not in use"));
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_FALSE(SentEvent(call.call_id, "invite"));
}

// Kamailio keeps each event in ctipending until ctid's adapter acknowledges it (it
// re-sends what stays unacknowledged: ZRoutingServiceDown... shows that with ctid down).
TEST_F(KamailioWeekdayTest, CtidAcknowledgesEveryEventAndKamailioForgetsIt) {
  const json doc = RouteDocument(kEmployeeExtension);
  auto phone = Phone(doc, 0, "uas_answer.xml");
  ASSERT_NE(phone, nullptr);
  const SippResult call = Dial(*kamailio_, work_dir_, "uac_call.xml", kEmployeeExtension);
  ASSERT_EQ(call.exit_code, 0) << call.errors;
  ExpectEvent(call.call_id, "ended");
  ExpectCallRecords(call.call_id, {"offered", "ringing", "answered", "ended"});
  const std::string ids[] = {"sip:" + call.call_id, "sip:" + call.call_id + "|ringing|0",
                             "sip:" + call.call_id + "|answered|0",
                             "sip:" + call.call_id + "|ended"};
  for (const std::string& id : ids) {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    bool gone = false;
    while (!gone && absl::Now() < deadline) {
      gone = !kamailio_->Kamcmd({"htable.get", "ctipending", id}).ok();
      if (!gone) absl::SleepFor(absl::Milliseconds(100));
    }
    EXPECT_TRUE(gone) << id << " is still pending in Kamailio: ctid did not acknowledge it";
  }
}

// ---- Phones that REGISTER (the production mode) ----

class KamailioRegistrarTest : public KamailioFixture {
 protected:
  static void SetUpTestSuite() { StartAll(kWeekday, /*static_phones=*/false); }
  static void TearDownTestSuite() { StopAll(); }
};

TEST_F(KamailioRegistrarTest, AnUnregisteredPhoneFailsAtOnceAndARegisteredOneIsRung) {
  const json doc = RouteDocument(kEmployeeExtension);
  ASSERT_GE(doc["routes"].size(), 2u) << doc.dump();
  const std::string second = UserOf(doc["routes"][1]["uri"].get<std::string>());
  // 4239 is neither registered nor in the htable; the second entry's phone registers.
  absl::StatusOr<std::unique_ptr<SippPhone>> phone =
      SippPhone::Start(work_dir_, "uas_answer.xml", second);
  ASSERT_TRUE(phone.ok()) << phone.status();
  ASSERT_TRUE(Register(*kamailio_, work_dir_, second, kDomain, (*phone)->port()).ok());
  const absl::Time start = absl::Now();
  const SippResult call = Dial(*kamailio_, work_dir_, "uac_call.xml", kEmployeeExtension);
  EXPECT_EQ(call.exit_code, 0) << call.errors;
  EXPECT_LT(absl::Now() - start, absl::Seconds(5)) << "the unregistered phone fails at once";
  EXPECT_EQ((*phone)->Wait(absl::Seconds(10)), 0) << (*phone)->Messages();
  EXPECT_THAT(
      (*phone)->Messages(),
      HasSubstr(absl::StrCat("INVITE sip:", second, "@127.0.0.1:", (*phone)->port(), " SIP/2.0")))
      << "rung at its registered contact";
  EXPECT_EQ((*phone)->Received("BYE"), 1);
  ExpectEvent(call.call_id, "branch-failed",
              {"\"branch\":0", "\"code\":480", "\"reason\":\"Phone not registered\"",
               "\"uri\":\"sip:4239@sip.sydby.test\""});
  ExpectEvent(call.call_id, "answered",
              {"\"branch\":1", absl::StrCat("\"uri\":\"sip:", second, "@sip.sydby.test\"")});
  ExpectCallRecords(call.call_id, {"offered", "branch_failed", "ringing", "answered", "ended"});
}

// ---- After hours, and ctid down ----

class KamailioAfterHoursTest : public KamailioFixture {
 protected:
  static void SetUpTestSuite() { StartAll(kAfterHours); }
  static void TearDownTestSuite() { StopAll(); }
};

TEST_F(KamailioAfterHoursTest, AClosedUnitsCallReachesVoicemailOrReception) {
  const json doc = RouteDocument(kUnitNumber);
  const std::string first = UserOf(doc["routes"][0]["uri"].get<std::string>());
  EXPECT_TRUE(absl::StartsWith(first, "voicemail-") || first == "reception") << doc.dump();
  for (const json& entry : doc["routes"]) {
    const std::string user = UserOf(entry["uri"].get<std::string>());
    EXPECT_FALSE(!user.empty() && std::isdigit(static_cast<unsigned char>(user[0])))
        << "no employee's phone rings after hours: " << doc.dump();
  }
  auto voicemail = Phone(doc, 0, "uas_answer.xml");
  ASSERT_NE(voicemail, nullptr);
  const SippResult call = Dial(*kamailio_, work_dir_, "uac_call.xml", kUnitNumber);
  EXPECT_EQ(call.exit_code, 0) << call.errors;
  EXPECT_EQ(voicemail->Wait(absl::Seconds(10)), 0) << voicemail->Messages();
  EXPECT_EQ(voicemail->Received("INVITE"), 1);
  ExpectEvent(call.call_id, "invite", {"\"to\":\"+4573767830\""});
  ExpectEvent(call.call_id, "answered",
              {"\"uri\":\"" + doc["routes"][0]["uri"].get<std::string>() + "\""});
  ExpectCallRecords(call.call_id, {"offered", "ringing", "answered", "ended"});
  // Counted for Ydelsesteamet, whose number was dialled, outside its phone hours.
  cti::v1::ListCallCountsResponse counts;
  CountedCalls(&counts);
  bool found = false;
  for (const cti::v1::UnitDayCallCounts& day : counts.days()) {
    if (day.unit_id() != "ydelse") continue;
    found = true;
    EXPECT_EQ(day.all().offered(), 2u) << "the probe and the call: " << day.DebugString();
    // The first entry: the unit's voicemail (reached, not answered) or reception.
    EXPECT_EQ(day.all().voicemail(), absl::StartsWith(first, "voicemail-") ? 1u : 0u)
        << day.DebugString();
    EXPECT_EQ(day.all().answered() + day.all().voicemail(), 1u) << day.DebugString();
    EXPECT_EQ(day.in_phone_hours().offered(), 0u) << "19:00: closed. " << day.DebugString();
  }
  EXPECT_TRUE(found) << counts.DebugString();
}

// Runs last in this suite: stops ctid.
TEST_F(KamailioAfterHoursTest, ZRoutingServiceDownAnswers503AndTheEventsWaitForCtid) {
  ASSERT_TRUE(ctid_->Stop().ok());
  const SippResult call = Dial(*kamailio_, work_dir_, "uac_503.xml", kUnitNumber);
  EXPECT_EQ(call.exit_code, 0) << call.errors << call.messages;
  EXPECT_THAT(call.messages, HasSubstr("SIP/2.0 503 Routing service unavailable"));
  ExpectEvent(call.call_id, "invite");
  ExpectEvent(call.call_id, "routing-failed", {"\"code\":503"});
  // ctid returns (same HTTP port): the re-sent events land in its log (adapter).
  ASSERT_TRUE(ctid_->Restart().ok());
  ExpectCallRecords(call.call_id, {"offered", "failed"}, /*routed=*/false);
}

}  // namespace
}  // namespace cti::test_support::kamailio
