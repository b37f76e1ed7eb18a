// ConsoleModel without a terminal: keys in, requests out, the screen as lines (TP-3.5,
// TP-3.7, TP-4.3, TP-6.2, TP-6.3).
#include "console_model.h"

#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cti::ctictl {
namespace {

using ::testing::HasSubstr;
using K = ConsoleKey::Kind;

class FakeBackend : public ConsoleBackend {
 public:
  absl::StatusOr<cti::v1::ListLiveCallsResponse> LiveCalls() override { return calls; }
  absl::StatusOr<cti::v1::SearchResponse> Search(const std::string& query) override {
    queries.push_back(query);
    cti::v1::SearchResponse response;
    for (const cti::v1::SearchHit& hit : directory) {
      const std::string& name = hit.has_employee() ? hit.employee().full_name() : hit.unit().name();
      if (name.find(query) != std::string::npos) *response.add_hits() = hit;
    }
    return response;
  }
  absl::StatusOr<cti::v1::RouteResponse> Route(const cti::v1::RouteTarget& target) override {
    routed.push_back(target);
    return route;
  }
  absl::StatusOr<uint64_t> Append(const cti::v1::Event& event) override {
    if (!refusal.ok()) return refusal;
    appended.push_back(event);
    return 40 + appended.size();
  }

  cti::v1::ListLiveCallsResponse calls;
  std::vector<cti::v1::SearchHit> directory;
  cti::v1::RouteResponse route;
  absl::Status refusal;
  std::vector<std::string> queries;
  std::vector<cti::v1::RouteTarget> routed;
  std::vector<cti::v1::Event> appended;
};

class ConsoleModelTest : public ::testing::Test {
 protected:
  ConsoleModelTest() : model_(&backend_, "demo", absl::UTCTimeZone()) {
    backend_.directory.push_back(Employee("e1", "Anna Holm", "4711", "i møde til kl. 11.00"));
    backend_.directory.push_back(Employee("e2", "Anne Holt", "4712", "ledig"));
    cti::v1::SearchHit unit;
    unit.mutable_unit()->set_unit_id("bs");
    unit.mutable_unit()->set_name("Borgerservice");
    unit.mutable_unit()->set_phone_number("+4573760100");
    backend_.directory.push_back(unit);
  }

  static cti::v1::SearchHit Employee(const std::string& id, const std::string& name,
                                     const std::string& extension, const std::string& now) {
    cti::v1::SearchHit hit;
    hit.mutable_employee()->set_employee_id(id);
    hit.mutable_employee()->set_full_name(name);
    hit.mutable_employee()->set_extension(extension);
    hit.set_unit_name("Borgerservice");
    hit.mutable_availability()->set_text(now);
    return hit;
  }

  void Type(const std::string& text) {
    for (char c : text) {
      // Danish letters arrive whole, as the terminal front sends them.
      if ((static_cast<unsigned char>(c) & 0xC0) == 0x80) {
        pending_ += c;
        continue;
      }
      if (!pending_.empty()) Key(K::kText, pending_);
      pending_ = std::string(1, c);
    }
    if (!pending_.empty()) Key(K::kText, pending_);
    pending_.clear();
  }
  void Key(K kind, std::string text = "") { model_.OnKey({kind, std::move(text)}, now_); }
  std::string Screen(int width = 100, int height = 24) {
    return absl::StrJoin(model_.Render(width, height, now_), "\n");
  }

  FakeBackend backend_;
  ConsoleModel model_;
  absl::Time now_ = absl::FromUnixSeconds(1709280000);  // 2024-03-01 08:00 UTC
  std::string pending_;
};

TEST_F(ConsoleModelTest, TP_3_7_SearchAsYouTypeShowsWhoIsAvailable) {
  Type("Ann");
  EXPECT_THAT(backend_.queries, ::testing::ElementsAre("A", "An", "Ann"));
  const std::string screen = Screen();
  EXPECT_THAT(screen, HasSubstr("Søg: Ann"));
  EXPECT_THAT(screen, HasSubstr("> Anna Holm"));
  EXPECT_THAT(screen, HasSubstr("i møde til kl. 11.00"));
  EXPECT_THAT(screen, HasSubstr("  Anne Holt"));
  Key(K::kDown);
  EXPECT_THAT(Screen(), HasSubstr("> Anne Holt"));
  Key(K::kBackspace);
  Key(K::kBackspace);
  Key(K::kBackspace);
  EXPECT_THAT(Screen(), ::testing::Not(HasSubstr("Anna Holm")));
  Type("Borg");
  EXPECT_THAT(Screen(), HasSubstr("> Borgerservice"));
}

TEST_F(ConsoleModelTest, TP_6_1_TheCallsInProgressAreShownLongestWaitingFirst) {
  cti::v1::LiveCall* call = backend_.calls.add_calls();
  call->set_call_id("c1");
  call->set_state(cti::v1::LIVE_CALL_STATE_WAITING);
  call->set_caller_number("+4512345678");
  call->mutable_offered_at()->set_seconds(1709280000 - 42);
  backend_.calls.mutable_total()->set_waiting(1);
  model_.RefreshCalls(now_);
  const std::string screen = Screen();
  EXPECT_THAT(screen, HasSubstr("Kald i gang: 1 (venter 1, ringer 0, taler 0)"));
  EXPECT_THAT(screen, HasSubstr("venter 0:42  +4512345678 → omstillingen"));
}

TEST_F(ConsoleModelTest, TP_6_3_EnterShowsWhereTheCallGoesAndWhatToSay) {
  cti::v1::RouteStep* step = backend_.route.add_steps();
  step->set_kind(cti::v1::STEP_KIND_RING_EMPLOYEE);
  step->set_display_name("Anna Holm");
  step->set_number("4711");
  backend_.route.add_steps()->set_kind(cti::v1::STEP_KIND_RECEPTION_MESSAGE);
  backend_.route.mutable_tell_caller()->set_say("Anna Holm er i møde til kl. 11.00.");
  cti::v1::RouteReason* reason = backend_.route.add_reasons();
  reason->set_rule("TP-3.7");
  reason->set_text("Anna Holm is in a meeting");
  Type("Anna");
  Key(K::kEnter);
  ASSERT_EQ(backend_.routed.size(), 1u);
  EXPECT_EQ(backend_.routed[0].employee_id(), "e1");
  const std::string screen = Screen();
  EXPECT_THAT(screen, HasSubstr("1. ring Anna Holm (4711)"));
  EXPECT_THAT(screen, HasSubstr("2. omstillingen tager imod en besked (TP-6.2)"));
  EXPECT_THAT(screen, HasSubstr("Sig: Anna Holm er i møde til kl. 11.00."));
  EXPECT_THAT(screen, HasSubstr("TP-3.7: Anna Holm is in a meeting"));
}

TEST_F(ConsoleModelTest, TP_3_5_F2GivesTheDirectNumberOrTheUnitsForAnUnlistedEmployee) {
  Type("Anna");
  backend_.route.mutable_tell_caller()->set_direct_number("+4573764711");
  Key(K::kNumber);
  EXPECT_THAT(Screen(), HasSubstr("Direkte nummer til Anna Holm: +4573764711"));
  backend_.route.mutable_tell_caller()->clear_direct_number();
  backend_.route.mutable_tell_caller()->set_unlisted(true);
  backend_.route.mutable_tell_caller()->set_unit_number("+4573760100");
  backend_.route.mutable_tell_caller()->set_unit_name("Borgerservice");
  Key(K::kNumber);
  EXPECT_THAT(Screen(), HasSubstr("Afdelingens nummer: +4573760100 (Borgerservice)"));
}

TEST_F(ConsoleModelTest, TP_6_2_AMessageIsTakenInAFormAndAppended) {
  Type("Anna");
  Key(K::kMessage);
  EXPECT_THAT(Screen(), HasSubstr("> Opkalderens navn: "));
  Type("Søren Ærø");
  Key(K::kTab);
  Type("+4512345678");
  Key(K::kEnter);
  Type("Ring om boligstøtte");
  Key(K::kEnter);
  EXPECT_THAT(Screen(), HasSubstr("> Ring tilbage (j/n): j"));
  Key(K::kEnter);
  ASSERT_EQ(backend_.appended.size(), 1u);
  const cti::v1::Event& event = backend_.appended[0];
  EXPECT_EQ(event.tenant(), "demo");
  EXPECT_EQ(event.occurred_at().seconds(), 1709280000);
  const cti::v1::MessageTaken& message = event.call().message_taken();
  EXPECT_EQ(message.for_target().employee_id(), "e1");
  EXPECT_EQ(message.caller_name(), "Søren Ærø");
  EXPECT_EQ(message.callback_number(), "+4512345678");
  EXPECT_EQ(message.text(), "Ring om boligstøtte");
  EXPECT_TRUE(message.callback_wanted());
  EXPECT_THAT(Screen(), HasSubstr("Besked til Anna Holm gemt"));
  EXPECT_THAT(Screen(), HasSubstr("position 41"));
}

TEST_F(ConsoleModelTest, TP_4_3_ACallbackIsRequestedAndARefusalKeepsTheForm) {
  Type("Anna");
  Key(K::kCallback);
  Type("12");
  backend_.refusal = absl::InvalidArgumentError(
      "events[0].call.callback_requested.callback_number: must be a phone number");
  Key(K::kEnter);
  EXPECT_TRUE(backend_.appended.empty());
  EXPECT_THAT(Screen(), HasSubstr("Ikke gemt: events[0].call.callback_requested.callback_number"));
  EXPECT_THAT(Screen(), HasSubstr("> Nummer der skal ringes til: 12"));
  backend_.refusal = absl::OkStatus();
  Type("345678");
  Key(K::kEnter);
  ASSERT_EQ(backend_.appended.size(), 1u);
  const cti::v1::CallbackRequested& callback = backend_.appended[0].call().callback_requested();
  EXPECT_EQ(callback.assignee().employee_id(), "e1");
  EXPECT_EQ(callback.callback_number(), "12345678");
  EXPECT_EQ(callback.source(), cti::v1::CALLBACK_SOURCE_CITIZEN_REQUESTED);
  EXPECT_THAT(Screen(), HasSubstr("Tilbagekald til Anna Holm gemt"));
}

TEST_F(ConsoleModelTest, ActionsWithoutAHitSayWhatToDoAndEscapeClears) {
  Key(K::kMessage);
  EXPECT_THAT(Screen(), HasSubstr("Søg først"));
  Type("Anna");
  Key(K::kEscape);
  EXPECT_THAT(Screen(), ::testing::Not(HasSubstr("Anna Holm")));
  Key(K::kQuit);
  EXPECT_TRUE(model_.done());
}

TEST_F(ConsoleModelTest, TheScreenFitsTheTerminal) {
  Type("Ann");
  const std::vector<std::string> lines = model_.Render(30, 10, now_);
  ASSERT_EQ(lines.size(), 10u);
  for (const std::string& line : lines) {
    int columns = 0;
    for (char c : line) columns += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    EXPECT_EQ(columns, 30) << line;
  }
  EXPECT_EQ(model_.cursor_row(), 3);
  EXPECT_EQ(model_.cursor_column(), 8);  // after "Søg: Ann"
}

}  // namespace
}  // namespace cti::ctictl
