#include "server/kamailio/rtjson.h"

#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace cti::server::kamailio {
namespace {

using Json = nlohmann::json;

RtjsonOptions Options() { return RtjsonOptions{.sip_domain = "sip.sydby.dk"}; }

cti::v1::RouteStep* Employee(cti::v1::RouteStep* step, const std::string& id,
                             const std::string& number, uint32_t ring) {
  step->set_kind(cti::v1::STEP_KIND_RING_EMPLOYEE);
  step->set_employee_id(id);
  step->set_display_name("Person " + id);
  step->set_number(number);
  step->set_ring_seconds(ring);
  return step;
}

void AddReception(cti::v1::RouteResponse* route, const std::string& unit = "") {
  cti::v1::RouteStep* step = route->add_steps();
  step->set_kind(cti::v1::STEP_KIND_RECEPTION_MESSAGE);
  step->set_unit_id(unit);
  step->set_display_name("Receptionen");
}

Json Build(const cti::v1::RouteResponse& route, const RtjsonOptions& options = Options()) {
  absl::StatusOr<std::string> doc = BuildRtjson(route, options);
  EXPECT_TRUE(doc.ok()) << doc.status();
  return doc.ok() ? Json::parse(*doc) : Json();
}

TEST(RtjsonTest, EmployeeThenReceptionIsSerialWithRingTimers) {
  cti::v1::RouteResponse route;
  Employee(route.add_steps(), "e128", "4239", 20);
  AddReception(&route, "ydelse");
  route.set_resolved_target("employee e127 (Morten Poulsen)");
  route.set_position(42);
  const Json doc = Build(route);
  EXPECT_EQ(doc["version"], "1.0");
  EXPECT_EQ(doc["routing"], "serial");
  ASSERT_EQ(doc["routes"].size(), 2u);
  EXPECT_EQ(doc["routes"][0]["uri"], "sip:4239@sip.sydby.dk");
  EXPECT_EQ(doc["routes"][0]["fr_inv_timer"], 20000);
  EXPECT_EQ(doc["routes"][0]["step"], 0);
  EXPECT_EQ(doc["routes"][0]["kind"], "ring_employee");
  EXPECT_EQ(doc["routes"][0]["name"], "Person e128");
  EXPECT_FALSE(doc["routes"][0].contains("parallel"));
  // The last step rings until the caller gives up: Kamailio's own timer.
  EXPECT_EQ(doc["routes"][1]["uri"], "sip:reception@sip.sydby.dk");
  EXPECT_FALSE(doc["routes"][1].contains("fr_inv_timer"));
  EXPECT_EQ(doc["routes"][1]["kind"], "reception_message");
  EXPECT_EQ(doc["ctid"]["target"], "employee e127 (Morten Poulsen)");
  EXPECT_EQ(doc["ctid"]["position"], 42);
}

TEST(RtjsonTest, HuntGroupExpandsToSerialBranchesWithTheirOwnTimers) {
  cti::v1::RouteResponse route;
  cti::v1::RouteStep* hunt = route.add_steps();
  hunt->set_kind(cti::v1::STEP_KIND_HUNT_GROUP);
  hunt->set_group_id("ydelse-tlf");
  hunt->set_display_name("Ydelse");
  Employee(hunt->add_members(), "e122", "4233", 15);
  Employee(hunt->add_members(), "e124", "4235", 10);
  hunt->set_ring_seconds(25);
  AddReception(&route);
  const Json doc = Build(route);
  ASSERT_EQ(doc["routes"].size(), 3u);
  EXPECT_EQ(doc["routes"][0]["uri"], "sip:4233@sip.sydby.dk");
  EXPECT_EQ(doc["routes"][0]["fr_inv_timer"], 15000);
  EXPECT_EQ(doc["routes"][1]["uri"], "sip:4235@sip.sydby.dk");
  EXPECT_EQ(doc["routes"][1]["fr_inv_timer"], 10000);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(doc["routes"][i]["step"], 0);
    EXPECT_EQ(doc["routes"][i]["kind"], "hunt_group");
    EXPECT_FALSE(doc["routes"][i].contains("parallel"));
  }
  EXPECT_EQ(doc["routes"][2]["step"], 1);
}

TEST(RtjsonTest, RingGroupMembersAreParallelEntriesWithTheGroupsTimer) {
  cti::v1::RouteResponse route;
  Employee(route.add_steps(), "e1", "4001", 15);
  cti::v1::RouteStep* ring = route.add_steps();
  ring->set_kind(cti::v1::STEP_KIND_RING_GROUP);
  ring->set_ring_seconds(30);
  Employee(ring->add_members(), "e2", "4002", 30);
  Employee(ring->add_members(), "e3", "4003", 30);
  AddReception(&route);
  const Json doc = Build(route);
  ASSERT_EQ(doc["routes"].size(), 4u);
  EXPECT_FALSE(doc["routes"][0].contains("parallel"));
  for (int i = 1; i <= 2; ++i) {
    EXPECT_EQ(doc["routes"][i]["parallel"], true);
    EXPECT_EQ(doc["routes"][i]["step"], 1);
    EXPECT_EQ(doc["routes"][i]["fr_inv_timer"], 30000);
    EXPECT_EQ(doc["routes"][i]["kind"], "ring_group");
  }
  EXPECT_EQ(doc["routes"][1]["uri"], "sip:4002@sip.sydby.dk");
  EXPECT_EQ(doc["routes"][2]["uri"], "sip:4003@sip.sydby.dk");
}

TEST(RtjsonTest, HotlineRingsAsItsGroupDoes) {
  cti::v1::RouteResponse route;
  cti::v1::RouteStep* all = route.add_steps();  // ring all: the group's 20 s
  all->set_kind(cti::v1::STEP_KIND_HOTLINE);
  all->set_ring_seconds(20);
  Employee(all->add_members(), "e1", "4001", 20);
  Employee(all->add_members(), "e2", "4002", 20);
  cti::v1::RouteStep* hunt = route.add_steps();  // hunting: the sum
  hunt->set_kind(cti::v1::STEP_KIND_HOTLINE);
  hunt->set_ring_seconds(40);
  Employee(hunt->add_members(), "e3", "4003", 20);
  Employee(hunt->add_members(), "e4", "4004", 20);
  AddReception(&route);
  const Json doc = Build(route);
  ASSERT_EQ(doc["routes"].size(), 5u);
  EXPECT_EQ(doc["routes"][0]["parallel"], true);
  EXPECT_EQ(doc["routes"][1]["parallel"], true);
  EXPECT_FALSE(doc["routes"][2].contains("parallel"));
  EXPECT_FALSE(doc["routes"][3].contains("parallel"));
}

TEST(RtjsonTest, VoicemailAndReceptionGoToTheirConfiguredUris) {
  cti::v1::RouteResponse route;
  cti::v1::RouteStep* unit_mailbox = route.add_steps();
  unit_mailbox->set_kind(cti::v1::STEP_KIND_VOICEMAIL);
  unit_mailbox->set_unit_id("byggesag");
  unit_mailbox->set_display_name("Byggesagsafdelingen, telefonsvarer");
  unit_mailbox->set_ring_seconds(30);
  cti::v1::RouteStep* employee_mailbox = route.add_steps();
  employee_mailbox->set_kind(cti::v1::STEP_KIND_VOICEMAIL);
  employee_mailbox->set_unit_id("byggesag");
  employee_mailbox->set_employee_id("e200");
  AddReception(&route, "byggesag");
  RtjsonOptions options = Options();
  options.voicemail_uri = "sip:vm-{mailbox}@{domain};transport=tcp";
  options.reception_uri = "sip:message-{unit}@reception.{domain}";
  const Json doc = Build(route, options);
  ASSERT_EQ(doc["routes"].size(), 3u);
  EXPECT_EQ(doc["routes"][0]["uri"], "sip:vm-byggesag@sip.sydby.dk;transport=tcp");
  EXPECT_EQ(doc["routes"][0]["fr_inv_timer"], 30000);
  EXPECT_EQ(doc["routes"][0]["kind"], "voicemail");
  EXPECT_EQ(doc["routes"][0]["name"], "Byggesagsafdelingen, telefonsvarer");
  EXPECT_EQ(doc["routes"][1]["uri"], "sip:vm-e200@sip.sydby.dk;transport=tcp");
  EXPECT_EQ(doc["routes"][2]["uri"], "sip:message-byggesag@reception.sip.sydby.dk");
}

TEST(RtjsonTest, DialNumberAndStepsWithoutDestination) {
  cti::v1::RouteResponse route;
  cti::v1::RouteStep* mobile = route.add_steps();
  mobile->set_kind(cti::v1::STEP_KIND_DIAL_NUMBER);
  mobile->set_number("+4521436587");
  mobile->set_ring_seconds(25);
  route.add_steps()->set_kind(cti::v1::STEP_KIND_RING_GROUP);  // nobody to ring: left out
  AddReception(&route);
  const Json doc = Build(route);
  ASSERT_EQ(doc["routes"].size(), 2u);
  EXPECT_EQ(doc["routes"][0]["uri"], "sip:+4521436587@sip.sydby.dk");
  EXPECT_EQ(doc["routes"][0]["kind"], "dial_number");
  EXPECT_EQ(doc["routes"][1]["step"], 2);
}

TEST(RtjsonTest, EscapesNamesAndRefusesAnEmptyRoute) {
  cti::v1::RouteResponse route;
  Employee(route.add_steps(), "e1", "4001", 20)->set_display_name("Søren \"Bæk\"\n");
  AddReception(&route);
  const Json doc = Build(route);
  EXPECT_EQ(doc["routes"][0]["name"], "Søren \"Bæk\"\n");
  EXPECT_EQ(BuildRtjson(cti::v1::RouteResponse(), Options()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(RtjsonTest, OptionsAreChecked) {
  EXPECT_TRUE(CheckRtjsonOptions(Options()).ok());
  for (const char* domain : {"", "sip:x", "a@b", "a b"}) {
    absl::Status status = CheckRtjsonOptions(RtjsonOptions{.sip_domain = domain});
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << domain;
    EXPECT_NE(status.message().find("sip_domain"), std::string::npos) << status;
  }
  RtjsonOptions options = Options();
  options.voicemail_uri = "http://x";
  EXPECT_NE(CheckRtjsonOptions(options).message().find("voicemail_uri"), std::string::npos);
  options = Options();
  options.reception_uri = "sip:a b";
  EXPECT_NE(CheckRtjsonOptions(options).message().find("reception_uri"), std::string::npos);
}

}  // namespace
}  // namespace cti::server::kamailio
