// Router::RouteAsOf: Route over the projection's history (internal/history.h). The
// central property: asked as of position p, the answer equals Route's on a projection
// built from records 1..p alone — at every p of a history that hires, moves, renames,
// retires, changes calendars and forwardings, groups and hours.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/hours/time_zone.h"
#include "projections/internal/history.h"
#include "projections/projector.h"
#include "projections/router.h"
#include "projections/testing/test_util.h"

namespace cti::projections {
namespace {

using testing::Administration;
using testing::DefaultGroup;
using testing::Department;
using testing::ForwardToColleague;
using testing::Hire;
using testing::kTenant;
using testing::Records;
using testing::TempDir;
using testing::UpsertEntry;
using testing::Utc;

// Friday 1 March 2024, 10:00 in Copenhagen: open.
const absl::Time kFridayTen = Utc(2024, 3, 1, 9, 0);

// A linear hunt group.
cti::v1::Event Group(const std::string& id, const std::string& unit,
                     std::vector<std::string> members) {
  return testing::Group(id, unit, cti::v1::GROUP_STRATEGY_HUNT_LINEAR, std::move(members));
}
cti::v1::Event RemoveEntry(const std::string& employee, const std::string& entry) {
  cti::v1::Event e;
  auto* r = e.mutable_calendar()->mutable_entry_removed();
  r->set_employee_id(employee);
  r->set_entry_id(entry);
  return e;
}
cti::v1::Event ClearForwarding(const std::string& employee, const std::string& forwarding) {
  cti::v1::Event e;
  auto* c = e.mutable_calendar()->mutable_forwarding_cleared();
  c->set_employee_id(employee);
  c->set_forwarding_id(forwarding);
  return e;
}
cti::v1::Event Sick(const std::string& employee, const std::string& entry) {
  return UpsertEntry(employee, entry, absl::ToUnixSeconds(Utc(2024, 3, 1, 7, 0)),
                     absl::ToUnixSeconds(Utc(2024, 3, 2, 23, 0)), "Syg",
                     cti::v1::ABSENCE_KIND_SICK);
}

// A history with every kind of change Route depends on; each record accepted.
std::vector<cti::v1::Event> History() {
  return {
      Administration("adm", "Borger og Arbejdsmarked"),
      Department("bs", "Borgerservice", "adm", {"pas", "kørekort"}),
      Hire("e1", "Anna Holm", "bs", "4711", {"boligstøtte"}),
      Hire("e2", "Bo Lund", "bs", "4712", {"pas"}),
      Group("bs-hunt", "bs", {"e1", "e2"}),
      DefaultGroup("bs", "bs-hunt"),
      Sick("e1", "sick-1"),
      ForwardToColleague("e1", "fw-1", "e2", "syg"),
      Department("bs", "Borgerservice og Pas", "adm", {"pas", "kørekort", "sundhedskort"}),
      Hire("e3", "Carl Dam", "bs", "4713", {"boligstøtte"}),
      Group("bs-hunt", "bs", {"e3", "e2"}),
      ClearForwarding("e1", "fw-1"),
      RemoveEntry("e1", "sick-1"),
      Department("skat", "Skat", "adm", {"forskudsopgørelse"}),
      testing::Move("e2", "skat"),
      Sick("e3", "sick-3"),
      ForwardToColleague("e3", "fw-3", "e1", "syg"),
      testing::Leave("e1"),
      Hire("e4", "Dorte Friis", "bs", "4711", {"pas"}),
  };
}

std::vector<cti::v1::RouteTarget> Targets() {
  std::vector<cti::v1::RouteTarget> targets(7);
  targets[0].set_employee_id("e1");
  targets[1].set_employee_id("e3");
  targets[2].set_unit_id("bs");
  targets[3].set_name("Anna Holm");
  targets[4].set_task("pas");
  targets[5].set_extension("4711");
  targets[6].set_unit_id("skat");
  return targets;
}

// The answer, or its error, as one comparable string.
std::string Outcome(const absl::StatusOr<cti::v1::RouteResponse>& answer) {
  if (!answer.ok()) return answer.status().ToString();
  return absl::StrCat("OK ", answer->SerializeAsString());
}

class AsOfTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<absl::TimeZone> zone = hours::CopenhagenTimeZone();
    ASSERT_TRUE(zone.ok());
    zone_ = *zone;
  }
  std::unique_ptr<Store> Open(const std::string& name) {
    absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(dir_.Sub(name));
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }
  static cti::v1::RouteRequest Question(const cti::v1::RouteTarget& target) {
    cti::v1::RouteRequest request;
    request.set_tenant(kTenant);
    *request.mutable_target() = target;
    request.mutable_at()->set_seconds(absl::ToUnixSeconds(kFridayTen));
    return request;
  }

  TempDir dir_;
  absl::TimeZone zone_;
};

TEST_F(AsOfTest, AtEveryPositionTheAnswerIsThatOfTheLogUpToIt) {
  const std::vector<cti::v1::LogRecord> records = Records(History());
  // The whole history in one store, applied in uneven batches (versions within a batch
  // must be kept apart too).
  std::unique_ptr<Store> full = Open("full");
  {
    Projector projector(full.get());
    size_t next = 0;
    for (size_t size : {3u, 1u, 7u, 2u, 100u}) {
      const size_t n = std::min(size, records.size() - next);
      if (n == 0) break;
      auto outcomes = projector.Apply(0, absl::MakeConstSpan(records).subspan(next, n));
      ASSERT_TRUE(outcomes.ok()) << outcomes.status();
      for (const cti::v1::ApplyOutcome& outcome : *outcomes) {
        ASSERT_FALSE(outcome.rejected()) << outcome.reason();
      }
      next += n;
    }
    ASSERT_EQ(next, records.size());
  }
  // A second store that grows one record at a time: the state of records 1..p.
  std::unique_ptr<Store> growing = Open("growing");
  Projector projector(growing.get());
  const Router past(full.get(), zone_);
  const Router present(growing.get(), zone_);
  for (uint64_t p = 1; p <= records.size(); ++p) {
    ASSERT_TRUE(projector.Apply(0, absl::MakeConstSpan(&records[p - 1], 1)).ok());
    for (const cti::v1::RouteTarget& target : Targets()) {
      SCOPED_TRACE(absl::StrCat("position ", p, ", target ", target.ShortDebugString()));
      const cti::v1::RouteRequest request = Question(target);
      EXPECT_EQ(Outcome(past.RouteAsOf(request, p)),
                Outcome(present.Route(request, absl::UnixEpoch())));
    }
  }
}

TEST_F(AsOfTest, TP_4_5_ASicknessRecordedLateChangesTheAnswerOnlyFromItsPosition) {
  std::unique_ptr<Store> store = Open("s");
  Projector projector(store.get());
  std::vector<cti::v1::Event> events = {
      Administration("adm", "Borger og Arbejdsmarked"),
      Department("bs", "Borgerservice", "adm"),
      Hire("e1", "Anna Holm", "bs", "4711"),
      Hire("e2", "Bo Lund", "bs", "4712"),
      Sick("e1", "sick-1"),  // position 5: recorded after the question's instant
      ForwardToColleague("e1", "fw-1", "e2", "syg"),
  };
  ASSERT_TRUE(projector.Apply(0, Records(std::move(events))).ok());
  cti::v1::RouteTarget anna;
  anna.set_employee_id("e1");
  const Router router(store.get(), zone_);

  // What reception was told before the sickness was recorded: Anna's own phone.
  absl::StatusOr<cti::v1::RouteResponse> then = router.RouteAsOf(Question(anna), 4);
  ASSERT_TRUE(then.ok()) << then.status();
  EXPECT_EQ(then->steps(0).employee_id(), "e1");
  EXPECT_EQ(then->steps(0).number(), "4711");
  // What we now know was true then: she was sick, her calls went to Bo.
  absl::StatusOr<cti::v1::RouteResponse> now = router.RouteAsOf(Question(anna), 6);
  ASSERT_TRUE(now.ok()) << now.status();
  EXPECT_EQ(now->steps(0).employee_id(), "e2");
  bool cites_sickness = false;
  for (const cti::v1::RouteReason& reason : now->reasons()) {
    cites_sickness = cites_sickness || reason.rule() == "TP-4.5";
  }
  EXPECT_TRUE(cites_sickness);
  // Before she was hired she was not there.
  EXPECT_EQ(router.RouteAsOf(Question(anna), 2).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(AsOfTest, AQuestionAboutThePastNamesItsInstant) {
  std::unique_ptr<Store> store = Open("s");
  cti::v1::RouteRequest request = Question(Targets()[0]);
  request.clear_at();
  absl::StatusOr<cti::v1::RouteResponse> answer = Router(store.get(), zone_).RouteAsOf(request, 1);
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(answer.status().message()), ::testing::HasSubstr("at:"));
}

TEST(HistoryKeyTest, KeysRoundTripAndSortByKeyThenNewestFirst) {
  using internal::Cf;
  const std::string with_nul("a\0b", 3);
  for (const std::string& key : {std::string("T\x02"
                                             "ee1"),
                                 with_nul, std::string(""), std::string("\xff\x00", 2)}) {
    internal::ParsedHistoryKey parsed;
    ASSERT_TRUE(internal::ParseHistoryKey(internal::HistoryKey(Cf::kCalendar, key, 42), &parsed));
    EXPECT_EQ(parsed.cf, Cf::kCalendar);
    EXPECT_EQ(parsed.key, key);
    EXPECT_EQ(parsed.position, 42u);
  }
  // Newest first within a key; a key before its extensions, whatever their bytes.
  EXPECT_LT(internal::HistoryKey(Cf::kDirectory, "a", 9),
            internal::HistoryKey(Cf::kDirectory, "a", 3));
  EXPECT_LT(internal::HistoryKey(Cf::kDirectory, "a", 1),
            internal::HistoryKey(Cf::kDirectory, std::string("a\0", 2), 9));
  EXPECT_LT(internal::HistoryKey(Cf::kDirectory, "a", 1),
            internal::HistoryKey(Cf::kDirectory, "ab", 9));
  EXPECT_LT(internal::HistoryKey(Cf::kDirectory, "a", 1),
            internal::HistoryKeyEnd(Cf::kDirectory, "a"));
  EXPECT_LT(internal::HistoryKeyEnd(Cf::kDirectory, "a"),
            internal::HistoryKey(Cf::kDirectory, std::string("a\0", 2), 9));
  // A key's versions all start with the prefix of any prefix of the key.
  const std::string prefix = internal::HistoryPrefix(Cf::kDirectory, "a");
  EXPECT_EQ(internal::HistoryKey(Cf::kDirectory, std::string("a\0c", 3), 5).rfind(prefix, 0), 0u);
  internal::ParsedHistoryKey parsed;
  EXPECT_FALSE(internal::ParseHistoryKey("short", &parsed));
}

}  // namespace
}  // namespace cti::projections
