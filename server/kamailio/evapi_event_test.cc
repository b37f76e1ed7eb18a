// Kamailio's evapi events: parsing, event ids, URI helpers and the mapping to cti.v1.
#include "server/kamailio/evapi_event.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/kamailio/route_endpoint.h"

namespace cti::server::kamailio {
namespace {

using ::testing::HasSubstr;

constexpr char kInvite[] =
    R"({"v":1,"id":"ev-1","ev":"invite","tenant":"demo","call_id":"abc@host",)"
    R"("ts":1733000000123456,"from":"+4520304050","to":"+4573767830"})";

EvapiDestination Employee(const std::string& id, bool voicemail = false) {
  EvapiDestination destination;
  destination.target.set_employee_id(id);
  destination.voicemail = voicemail;
  return destination;
}

EvapiMessage Parsed(const std::string& json) {
  absl::StatusOr<EvapiMessage> message = ParseEvapiMessage(json);
  EXPECT_TRUE(message.ok()) << message.status();
  return message.ok() ? *message : EvapiMessage();
}

TEST(EvapiEventTest, ParsesAnInvite) {
  const EvapiMessage m = Parsed(kInvite);
  EXPECT_EQ(m.id, "ev-1");
  EXPECT_EQ(m.kind, EvapiKind::kInvite);
  EXPECT_EQ(m.tenant, "demo");
  EXPECT_EQ(m.call_id, "abc@host");
  ASSERT_TRUE(m.ts.has_value());
  EXPECT_EQ(absl::ToUnixMicros(*m.ts), 1733000000123456);
  EXPECT_EQ(m.from, "+4520304050");
  EXPECT_EQ(m.to, "+4573767830");
  EXPECT_FALSE(m.branch.has_value());
}

TEST(EvapiEventTest, AcceptsBothTimestampFormsAndStringNumbers) {
  EXPECT_EQ(absl::ToUnixMicros(*Parsed(R"({"v":1,"id":"a","ev":"ended","tenant":"t",)"
                                       R"("call_id":"c","ts":"1733000000.000042"})")
                                    .ts),
            1733000000000042);
  // Kamailio's $TV(s).$TV(u): the microseconds unpadded.
  EXPECT_EQ(absl::ToUnixMicros(*Parsed(R"({"v":1,"id":"a","ev":"ended","tenant":"t",)"
                                       R"("call_id":"c","ts":"1733000000.42"})")
                                    .ts),
            1733000000000042);
  EXPECT_EQ(absl::ToUnixMicros(*Parsed(R"({"v":1,"id":"a","ev":"ended","tenant":"t",)"
                                       R"("call_id":"c","ts":"1733000000"})")
                                    .ts),
            1733000000000000);
  const EvapiMessage m = Parsed(R"({"v":1,"id":"a","ev":"branch-failed","tenant":"t",)"
                                R"("call_id":"c","branch":"2","code":"486","reason":"Busy"})");
  EXPECT_EQ(m.branch, 2);
  EXPECT_EQ(m.code, 486);
  EXPECT_FALSE(m.ts.has_value());
}

TEST(EvapiEventTest, RefusesMalformedEventsNamingTheKeyAndKeepsTheId) {
  struct Case {
    const char* json;
    const char* error;
    const char* id;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"not json", "not a JSON object", ""},
           {"[1]", "not a JSON object", ""},
           {R"({"v":1,"ev":"invite"})", "id:", ""},
           {R"({"v":1,"id":"","ev":"invite"})", "id:", ""},
           {R"({"v":2,"id":"x","ev":"invite","tenant":"t","call_id":"c"})", "v: must be 1", "x"},
           {R"({"v":1,"id":"x","ev":"hold","tenant":"t","call_id":"c"})", "ev: unknown kind 'hold'",
            "x"},
           {R"({"v":1,"id":"x","ev":"ended","call_id":"c"})", "tenant: is required", "x"},
           {R"({"v":1,"id":"x","ev":"ended","tenant":"t"})", "call_id: is required", "x"},
           {R"({"v":1,"id":"x","ev":"ended","tenant":"t","call_id":"c","ts":"soon"})", "ts:", "x"},
           {R"({"v":1,"id":"x","ev":"ended","tenant":"t","call_id":"c","ts":"1.1000000"})",
            "ts:", "x"},
           {R"({"v":1,"id":"x","ev":"ringing","tenant":"t","call_id":"c","branch":"one"})",
            "branch: must be an integer", "x"},
           {R"({"v":1,"id":"x","ev":"ringing","tenant":7,"call_id":"c"})",
            "tenant: must be a string", "x"},
       }) {
    SCOPED_TRACE(c.json);
    std::string id;
    absl::StatusOr<EvapiMessage> m = ParseEvapiMessage(c.json, &id);
    ASSERT_FALSE(m.ok());
    EXPECT_TRUE(absl::IsInvalidArgument(m.status()));
    EXPECT_THAT(m.status().message(), HasSubstr(c.error));
    EXPECT_EQ(id, c.id);
  }
}

TEST(EvapiEventTest, EventIdsAreTheContractsAndDeterministic) {
  EvapiMessage m = Parsed(kInvite);
  EXPECT_EQ(EvapiEventId(m), RouteEventId("abc@host"));
  EXPECT_EQ(EvapiEventId(m), "sip:abc@host");
  m.kind = EvapiKind::kRinging;
  m.branch = 1;
  EXPECT_EQ(EvapiEventId(m), "sip:abc@host|ringing|1");
  m.kind = EvapiKind::kBranchFailed;
  EXPECT_EQ(EvapiEventId(m), "sip:abc@host|branch-failed|1");
  m.kind = EvapiKind::kEnded;
  EXPECT_EQ(EvapiEventId(m), "sip:abc@host|ended");
  m.kind = EvapiKind::kRoutingFailed;
  EXPECT_EQ(EvapiEventId(m), "sip:abc@host|routing-failed");
  m.call_id = std::string(300, 'c');
  const std::string digest = EvapiEventId(m);
  EXPECT_LE(digest.size(), 256u);
  EXPECT_EQ(digest, RouteEventId(std::string(300, 'c') + "|routing-failed"));
}

TEST(EvapiEventTest, UriUserAndTemplates) {
  EXPECT_EQ(UriUser("sip:4239@sip.example.dk"), "4239");
  EXPECT_EQ(UriUser("sips:+4573767830@10.0.0.1:5061;transport=tls"), "+4573767830");
  EXPECT_EQ(UriUser("sip:4239;phone-context=x@host"), "4239");
  EXPECT_EQ(UriUser("4239"), "4239");
  EXPECT_EQ(UriUser("sip:host.example.dk"), "");
  EXPECT_EQ(UriUser(""), "");
  EXPECT_EQ(MatchUriTemplate("sip:voicemail-{mailbox}@{domain}", "{mailbox}", "voicemail-e17"),
            "e17");
  EXPECT_EQ(MatchUriTemplate("sip:voicemail-{mailbox}@{domain}", "{mailbox}", "voicemail-"),
            std::nullopt);
  EXPECT_EQ(MatchUriTemplate("sip:voicemail-{mailbox}@{domain}", "{mailbox}", "4239"),
            std::nullopt);
  EXPECT_EQ(MatchUriTemplate("sip:vm-{mailbox}-box@{domain}", "{mailbox}", "vm-ydelse-box"),
            "ydelse");
  EXPECT_EQ(MatchUriTemplate("sip:reception@{domain}", "{unit}", "reception"), "");
  EXPECT_EQ(MatchUriTemplate("sip:reception@{domain}", "{unit}", "4239"), std::nullopt);
  EXPECT_EQ(MatchUriTemplate("sip:reception-{unit}@{domain}", "{unit}", "reception-skat"), "skat");
}

TEST(EvapiEventTest, MapsEachKind) {
  const absl::Time at = absl::FromUnixSeconds(1733000000);
  EvapiMessage m = Parsed(kInvite);
  absl::StatusOr<cti::v1::Event> e = MapEvapiMessage(m, std::nullopt, at);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->event_id(), "sip:abc@host");
  EXPECT_EQ(e->tenant(), "demo");
  EXPECT_EQ(e->correlation_id(), "abc@host");
  EXPECT_EQ(e->occurred_at().seconds(), 1733000000);
  EXPECT_EQ(e->call().call_id(), "abc@host");
  EXPECT_EQ(e->call().offered().caller_number(), "+4520304050");
  EXPECT_EQ(e->call().offered().dialled_number(), "+4573767830");
  m.from = "anonymous";
  e = MapEvapiMessage(m, std::nullopt, at);
  EXPECT_EQ(e->call().offered().caller_number(), "") << "withheld";

  m.kind = EvapiKind::kRinging;
  m.branch = 0;
  e = MapEvapiMessage(m, Employee("e1"), at);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->call().ringing().target().employee_id(), "e1");
  e = MapEvapiMessage(m, std::nullopt, at);
  EXPECT_TRUE(absl::IsInvalidArgument(e.status()));
  EXPECT_THAT(e.status().message(), HasSubstr("uri:"));

  m.kind = EvapiKind::kAnswered;
  e = MapEvapiMessage(m, Employee("e2"), at);
  EXPECT_EQ(e->call().answered().by().employee_id(), "e2");
  EXPECT_FALSE(e->call().answered().voicemail());
  e = MapEvapiMessage(m, Employee("e2", /*voicemail=*/true), at);
  EXPECT_EQ(e->call().answered().by().employee_id(), "e2");
  EXPECT_TRUE(e->call().answered().voicemail()) << "e2's voicemail answered, not e2";

  m.kind = EvapiKind::kBranchFailed;
  m.code = 486;
  m.reason = "Busy Here\r\n";
  e = MapEvapiMessage(m, Employee("e2"), at);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->call().branch_failed().target().employee_id(), "e2");
  EXPECT_EQ(e->call().branch_failed().sip_code(), 486u);
  EXPECT_EQ(e->call().branch_failed().reason(), "Busy Here??");
  m.code = 180;
  e = MapEvapiMessage(m, Employee("e2"), at);
  EXPECT_THAT(e.status().message(), HasSubstr("code: must be a SIP failure status"));
  m.code.reset();
  EXPECT_THAT(MapEvapiMessage(m, Employee("e2"), at).status().message(),
              HasSubstr("code: is required"));

  m.kind = EvapiKind::kFailed;
  m.code = 480;
  m.reason = std::string(300, 'r');
  e = MapEvapiMessage(m, std::nullopt, at);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->call().failed().sip_code(), 480u);
  EXPECT_EQ(e->call().failed().reason().size(), 200u);
  // TP-4.2: a CPR number in the PBX's text is masked, not refused (no one can fix it).
  m.reason = "Temporarily Unavailable (290385-7319)";
  e = MapEvapiMessage(m, std::nullopt, at);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->call().failed().reason(), "Temporarily Unavailable ([CPR-nr.])");

  m.kind = EvapiKind::kRoutingFailed;
  m.code = 500;
  m.reason = "";
  e = MapEvapiMessage(m, std::nullopt, at);
  EXPECT_EQ(e->call().failed().sip_code(), 503u);
  EXPECT_EQ(e->call().failed().reason(), "Service Unavailable");
  EXPECT_EQ(e->event_id(), "sip:abc@host|routing-failed");

  m.kind = EvapiKind::kAbandoned;
  EXPECT_TRUE(MapEvapiMessage(m, std::nullopt, at)->call().has_abandoned());
  m.kind = EvapiKind::kEnded;
  EXPECT_TRUE(MapEvapiMessage(m, std::nullopt, at)->call().has_ended());
}

}  // namespace
}  // namespace cti::server::kamailio
