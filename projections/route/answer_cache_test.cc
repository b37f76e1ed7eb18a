// The Route answer cache (Router with a RouteCache): an answer kept for a target is
// served only while every time-bound record it consulted still decides the same, only at
// the routing version it was built at, and never when it depends on calls. Checked by
// routing the demo municipality at a grid of instants and at every record boundary, with
// and without the cache, and requiring identical answers.
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/hours/time_zone.h"
#include "projections/router.h"
#include "projections/testing/test_util.h"

#ifndef CTI_SOURCE_DIR
#error "CTI_SOURCE_DIR must name the source tree (for deploy/demo)"
#endif

namespace cti::projections {
namespace {

using google::protobuf::Message;
using google::protobuf::util::MessageDifferencer;

absl::Time TimeOf(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

google::protobuf::Timestamp ToProto(absl::Time t) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}

// Every Timestamp inside `message` (recursively).
void CollectTimes(const Message& message, std::vector<absl::Time>* out) {
  if (message.GetDescriptor()->full_name() == "google.protobuf.Timestamp") {
    out->push_back(TimeOf(static_cast<const google::protobuf::Timestamp&>(message)));
    return;
  }
  const google::protobuf::Reflection* reflection = message.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const google::protobuf::FieldDescriptor* field : fields) {
    if (field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (field->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
        CollectTimes(reflection->GetRepeatedMessage(message, field, i), out);
      }
    } else {
      CollectTimes(reflection->GetMessage(message, field), out);
    }
  }
}

class AnswerCacheTest : public testing::ProjectionTest {
 protected:
  void SetUp() override {
    ProjectionTest::SetUp();
    absl::StatusOr<absl::TimeZone> zone = cti::hours::CopenhagenTimeZone();
    ASSERT_TRUE(zone.ok()) << zone.status();
    zone_ = *zone;
  }

  // Applies a JSON-lines file of events as `role` (the demo's loader or its director).
  void Load(const std::string& file, cti::v1::Role role, const std::string& actor) {
    std::ifstream in(file);
    ASSERT_TRUE(in) << file;
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      cti::v1::Event event;
      ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &event).ok()) << line;
      event.mutable_actor()->set_id(actor);
      event.mutable_actor()->set_role(role);
      events_.push_back(event);
      cti::v1::ApplyOutcome outcome = Apply(event);
      ASSERT_FALSE(outcome.rejected()) << outcome.reason() << "\n" << line;
    }
  }

  void LoadDemo() {
    Load(absl::StrCat(CTI_SOURCE_DIR, "/deploy/demo/demo.jsonl"), cti::v1::ROLE_SYSTEM,
         "demo-loader");
    Load(absl::StrCat(CTI_SOURCE_DIR, "/deploy/demo/demo-director.jsonl"), cti::v1::ROLE_DIRECTOR,
         "e314");
  }

  absl::StatusOr<cti::v1::RouteResponse> RouteAt(const Router& router,
                                                 const cti::v1::RouteTarget& target,
                                                 absl::Time at) {
    cti::v1::RouteRequest request;
    request.set_tenant(tenant_);
    *request.mutable_target() = target;
    *request.mutable_at() = ToProto(at);
    return router.Route(request, absl::UnixEpoch());
  }

  // Routes every target at every instant with `cache` and without, expecting the same
  // answer (or the same error).
  void ExpectSameAnswers(RouteCache* cache, const std::vector<cti::v1::RouteTarget>& targets,
                         const std::vector<absl::Time>& instants) {
    const Router cached(store_.get(), zone_, cache, 0);
    const Router plain(store_.get(), zone_);
    for (absl::Time at : instants) {
      for (const cti::v1::RouteTarget& target : targets) {
        absl::StatusOr<cti::v1::RouteResponse> a = RouteAt(cached, target, at);
        absl::StatusOr<cti::v1::RouteResponse> b = RouteAt(plain, target, at);
        ASSERT_EQ(a.status(), b.status()) << target.ShortDebugString() << " at " << at;
        if (!a.ok()) continue;
        std::string diff;
        MessageDifferencer differencer;
        differencer.ReportDifferencesToString(&diff);
        ASSERT_TRUE(differencer.Compare(*a, *b))
            << target.ShortDebugString() << " at " << at << " (local "
            << absl::FormatTime("%a %Y-%m-%d %H:%M:%S", at, zone_) << "):\n"
            << diff;
      }
    }
  }

  absl::TimeZone zone_;
  std::string tenant_ = "demo";
  std::vector<cti::v1::Event> events_;
};

TEST_F(AnswerCacheTest, TP_3_7_TP_3_14_TP_4_5_KeptAnswersEqualFreshOnesAtEveryInstantThatMatters) {
  ASSERT_NO_FATAL_FAILURE(LoadDemo());
  RouteCache cache({store_->AppliedPosition(0)});

  // Targets of every kind; employees whose records have boundaries in the window.
  std::vector<cti::v1::RouteTarget> targets;
  std::set<std::string> tasks;
  std::vector<absl::Time> boundaries;
  int employees = 0;
  for (const cti::v1::Event& e : events_) {
    cti::v1::RouteTarget target;
    if (e.staff().has_unit_defined()) {
      target.set_unit_id(e.staff().unit_defined().unit().unit_id());
      targets.push_back(target);
      for (const std::string& task : e.staff().unit_defined().unit().tasks()) tasks.insert(task);
    } else if (e.staff().has_employee_hired() && employees++ % 4 == 0) {
      target.set_employee_id(e.staff().employee_hired().employee().employee_id());
      targets.push_back(target);
      if (employees % 3 == 1) {
        target.set_extension(e.staff().employee_hired().employee().extension());
        targets.push_back(target);
      }
    } else if (e.staff().has_distribution_rules_set()) {
      const cti::v1::DistributionRulesSet& rules = e.staff().distribution_rules_set();
      for (const char* key :
           {"cpr-day:3", "cpr-day:17", "cpr-digit:4", "surname:Ø", "address:vestergade:12"}) {
        cti::v1::CaseTarget* c = target.mutable_case_target();
        c->set_task(rules.task());
        c->set_unit_id(rules.unit_id());
        c->set_case_key(key);
        targets.push_back(target);
      }
      // The same questions as a receptionist types them: kept under the reduced key.
      for (const char* cpr : {"170190-1234", "030590 2224", "311299-0000"}) {
        target.mutable_case_target()->set_cpr(cpr);
        targets.push_back(target);
      }
      for (const char* address : {"Vestergade 12B, 2. th", "Vestergade 12", "Algade 1"}) {
        target.mutable_case_target()->set_address(address);
        targets.push_back(target);
      }
      for (const char* surname : {"Østergaard", "Aagaard", "Hansen"}) {
        target.mutable_case_target()->set_surname(surname);
        targets.push_back(target);
      }
    }
    if (e.has_staff()) CollectTimes(e.staff(), &boundaries);
    if (e.has_calendar()) CollectTimes(e.calendar(), &boundaries);
  }
  for (const std::string& task : tasks) {
    cti::v1::RouteTarget target;
    target.set_task(task);
    targets.push_back(target);
  }
  cti::v1::RouteTarget hotline;
  hotline.set_task("årsopgørelse");
  targets.push_back(hotline);

  // Sunday evening to Wednesday morning of the demo week every 15 minutes (the reduction
  // starting 1 December inside it), then every boundary of a record, a second either side.
  const absl::Time from = absl::FromCivil(absl::CivilMinute(2026, 11, 29, 18, 0), zone_);
  const absl::Time to = absl::FromCivil(absl::CivilMinute(2026, 12, 2, 6, 0), zone_);
  std::vector<absl::Time> grid;
  for (absl::Time t = from; t < to; t += absl::Minutes(15)) grid.push_back(t);
  ASSERT_NO_FATAL_FAILURE(ExpectSameAnswers(&cache, targets, grid));
  const RouteCache::AnswerCounts after_grid = cache.answer_counts();
  EXPECT_GT(after_grid.reused, after_grid.built) << "most answers should be kept ones";

  std::sort(boundaries.begin(), boundaries.end());
  boundaries.erase(std::unique(boundaries.begin(), boundaries.end()), boundaries.end());
  std::vector<absl::Time> edges;
  for (absl::Time b : boundaries) {
    if (b < from || b >= to) {
      // Outside the grid only the hotline's start and end (March-April 2027) matter.
      if (b < absl::FromCivil(absl::CivilDay(2027, 3, 1), zone_)) continue;
    }
    for (absl::Duration d : {absl::Seconds(-1), absl::ZeroDuration(), absl::Seconds(1)}) {
      edges.push_back(b + d);
    }
  }
  ASSERT_GT(edges.size(), 100u);
  ASSERT_NO_FATAL_FAILURE(ExpectSameAnswers(&cache, targets, edges));
}

TEST_F(AnswerCacheTest, TP_4_2_TP_5_1_ACaseGivenAsACprNumberIsKeptUnderItsReducedKeyOnly) {
  ASSERT_NO_FATAL_FAILURE(LoadDemo());
  RouteCache cache({store_->AppliedPosition(0)});
  const Router cached(store_.get(), zone_, &cache, 0);
  const Router plain(store_.get(), zone_);
  // The demo's rule set that distributes by day of birth.
  cti::v1::RouteTarget target;
  for (const cti::v1::Event& e : events_) {
    const cti::v1::DistributionRulesSet& set = e.staff().distribution_rules_set();
    if (set.rules_size() > 0 && set.rules(0).has_cpr_day()) {
      target.mutable_case_target()->set_task(set.task());
      target.mutable_case_target()->set_unit_id(set.unit_id());
      break;
    }
  }
  ASSERT_TRUE(target.has_case_target()) << "the demo distributes no task by day of birth";
  const absl::Time at = absl::FromCivil(absl::CivilMinute(2026, 11, 30, 10, 0), zone_);
  auto route = [&](const Router& router, const std::string& cpr) {
    cti::v1::RouteTarget asked = target;
    asked.mutable_case_target()->set_cpr(cpr);
    return RouteAt(router, asked, at);
  };

  absl::StatusOr<cti::v1::RouteResponse> first = route(cached, "170190-1234");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(cache.answer_counts().built, 1u);
  // Another citizen born on the 17th with the same last digit: the kept answer.
  absl::StatusOr<cti::v1::RouteResponse> second = route(cached, "171285-0234");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(cache.answer_counts().reused, 1u);
  EXPECT_TRUE(MessageDifferencer::Equals(*first, *second));
  // Built afresh it is the same, and the same as the case key's answer.
  absl::StatusOr<cti::v1::RouteResponse> fresh = route(plain, "171285-0234");
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*second, *fresh));
  cti::v1::RouteTarget by_key = target;
  by_key.mutable_case_target()->set_case_key("cpr-day:17");
  absl::StatusOr<cti::v1::RouteResponse> keyed = RouteAt(plain, by_key, at);
  ASSERT_TRUE(keyed.ok()) << keyed.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*first, *keyed));
  EXPECT_THAT(first->resolved_target(), ::testing::HasSubstr("cpr-day:17"));
  for (const char* digits : {"170190", "1234", "171285", "0234"}) {
    EXPECT_THAT(first->SerializeAsString(), ::testing::Not(::testing::HasSubstr(digits))) << digits;
  }
  // Born on the 18th: its own answer.
  ASSERT_TRUE(route(cached, "180190-1234").ok());
  EXPECT_EQ(cache.answer_counts().built, 2u);
  EXPECT_EQ(cache.answer_counts().reused, 1u);
  // Not a CPR number: the error, never kept.
  EXPECT_EQ(route(cached, "320190-1234").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(route(cached, "320190-1234").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(cache.answer_counts().reused, 1u);
}

TEST_F(AnswerCacheTest, TP_3_7_ACalendarChangeRetiresTheKeptAnswer) {
  DefineOrganisation();
  RouteCache cache({store_->AppliedPosition(0)});
  const Router router(store_.get(), zone_, &cache, 0);
  tenant_ = testing::kTenant;
  cti::v1::RouteTarget anna;
  anna.set_employee_id("e1");
  const absl::Time tuesday_ten = absl::FromCivil(absl::CivilMinute(2024, 3, 5, 10, 0), zone_);
  absl::StatusOr<cti::v1::RouteResponse> before = RouteAt(router, anna, tuesday_ten);
  ASSERT_TRUE(before.ok()) << before.status();
  ASSERT_TRUE(RouteAt(router, anna, tuesday_ten).ok());
  EXPECT_EQ(cache.answer_counts().reused, 1u);
  EXPECT_EQ(before->steps(0).employee_id(), "e1");

  // Anna is sick from 09:00; the cache hears of the change as ctid's feed tells it.
  Apply(testing::UpsertEntry("e1", "syg", absl::ToUnixSeconds(tuesday_ten - absl::Hours(1)),
                             absl::ToUnixSeconds(tuesday_ten + absl::Hours(8)), "Syg",
                             cti::v1::ABSENCE_KIND_SICK));
  const uint64_t applied = store_->AppliedPosition(0);
  // Not yet told: the call bypasses the cache rather than serve the old answer.
  absl::StatusOr<cti::v1::RouteResponse> untold = RouteAt(router, anna, tuesday_ten);
  ASSERT_TRUE(untold.ok());
  EXPECT_NE(untold->steps(0).employee_id(), "e1");
  cache.NoteApplied(0, applied, /*routing_changed=*/true);
  absl::StatusOr<cti::v1::RouteResponse> after = RouteAt(router, anna, tuesday_ten);
  ASSERT_TRUE(after.ok());
  EXPECT_NE(after->steps(0).employee_id(), "e1");
  EXPECT_EQ(cache.answer_counts().reused, 1u);
}

TEST_F(AnswerCacheTest, TP_4_4_ARoundRobinAnswerIsKeptOnlyUntilTheNextCall) {
  DefineOrganisation();  // borgerservice: e1 Anna Holm, e2 Bo Lund
  cti::v1::Event group;
  cti::v1::Group* g = group.mutable_staff()->mutable_group_defined()->mutable_group();
  g->set_group_id("bs-rr");
  g->set_name("Borgerservice, skiftevis");
  g->set_unit_id("borgerservice");
  g->set_strategy(cti::v1::GROUP_STRATEGY_HUNT_ROUND_ROBIN);
  g->add_members()->set_employee_id("e1");
  g->add_members()->set_employee_id("e2");
  cti::v1::Event routing;
  routing.mutable_staff()->mutable_unit_routing_set()->set_unit_id("borgerservice");
  routing.mutable_staff()->mutable_unit_routing_set()->set_default_group_id("bs-rr");
  ApplyAll({group, routing});
  RouteCache cache({store_->AppliedPosition(0)});
  const Router router(store_.get(), zone_, &cache, 0);
  tenant_ = testing::kTenant;
  cti::v1::RouteTarget unit;
  unit.set_unit_id("borgerservice");
  const absl::Time tuesday_ten = absl::FromCivil(absl::CivilMinute(2024, 3, 5, 10, 0), zone_);

  // The first member of the group step, as rung at `at`.
  const auto first_member = [&](absl::Time at) -> std::string {
    absl::StatusOr<cti::v1::RouteResponse> r = RouteAt(router, unit, at);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return "";
    for (const cti::v1::RouteStep& step : r->steps()) {
      if (!step.members().empty()) return step.members(0).employee_id();
    }
    ADD_FAILURE() << "no group step: " << r->ShortDebugString();
    return "";
  };
  EXPECT_EQ(first_member(tuesday_ten), "e1");
  EXPECT_EQ(first_member(tuesday_ten), "e1");
  EXPECT_EQ(cache.answer_counts().reused, 1u);
  // Anna answers a call: no staff or calendar record, so the routing version stays, but
  // the calls version moves and the kept order is not used.
  ApplyAll(
      {testing::Offered("c1"), testing::RingingAt("c1", "e1"), testing::AnsweredBy("c1", "e1")});
  cache.NoteApplied(0, store_->AppliedPosition(0), /*routing_changed=*/false,
                    /*calls_changed=*/true);
  EXPECT_EQ(first_member(tuesday_ten + absl::Minutes(1)), "e2");
  EXPECT_EQ(cache.answer_counts().reused, 1u);
  EXPECT_EQ(first_member(tuesday_ten + absl::Minutes(2)), "e2");
  EXPECT_EQ(cache.answer_counts().reused, 2u);
}

TEST_F(AnswerCacheTest, TP_4_4_ABusyAnswerFollowsOnlyTheCallsOfThoseItAsked) {
  DefineOrganisation();  // borgerservice: e1 Anna Holm, e2 Bo Lund
  cti::v1::Event group;
  cti::v1::Group* g = group.mutable_staff()->mutable_group_defined()->mutable_group();
  g->set_group_id("bs");
  g->set_name("Borgerservice");
  g->set_unit_id("borgerservice");
  g->set_strategy(cti::v1::GROUP_STRATEGY_HUNT_LINEAR);
  g->add_members()->set_employee_id("e2");
  cti::v1::Event routing;
  routing.mutable_staff()->mutable_unit_routing_set()->set_unit_id("borgerservice");
  routing.mutable_staff()->mutable_unit_routing_set()->set_default_group_id("bs");
  ApplyAll({group, routing, testing::Hire("e3", "Carl Dam", "skat", "4800")});
  RouteCache cache({store_->AppliedPosition(0)});
  const Router router(store_.get(), zone_, &cache, 0);
  tenant_ = testing::kTenant;
  const absl::Time tuesday_ten = absl::FromCivil(absl::CivilMinute(2024, 3, 5, 10, 0), zone_);
  // Applies call events and tells the cache as ctid's feed does.
  const auto calls = [&](std::vector<cti::v1::Event> events) {
    std::vector<std::string> busy;
    for (cti::v1::Event& e : events) {
      testing::FillEnvelope(&e, next_position_);
      cti::v1::ApplyOutcome outcome = Apply(e);
      ASSERT_FALSE(outcome.rejected()) << outcome.reason();
      RouteCache::AppendBusyKeys(e, &busy);
    }
    cache.NoteApplied(0, store_->AppliedPosition(0), /*routing_changed=*/false,
                      /*calls_changed=*/true, busy);
  };
  // Anna's route, live (no `at`: calls in progress count), with the cache and without:
  // the same answer; summed up as "ring e1, hunt [e2], reception".
  const auto anna = [&]() -> std::string {
    cti::v1::RouteRequest request;
    request.set_tenant(tenant_);
    request.mutable_target()->set_employee_id("e1");
    absl::StatusOr<cti::v1::RouteResponse> kept = router.Route(request, tuesday_ten);
    absl::StatusOr<cti::v1::RouteResponse> plain =
        Router(store_.get(), zone_).Route(request, tuesday_ten);
    EXPECT_TRUE(kept.ok() && plain.ok());
    if (!kept.ok() || !plain.ok()) return "";
    EXPECT_TRUE(MessageDifferencer::Equals(*kept, *plain)) << kept->ShortDebugString() << "\n"
                                                           << plain->ShortDebugString();
    std::vector<std::string> steps;
    for (const cti::v1::RouteStep& step : kept->steps()) {
      switch (step.kind()) {
        case cti::v1::STEP_KIND_RING_EMPLOYEE:
          steps.push_back(absl::StrCat("ring ", step.employee_id()));
          break;
        case cti::v1::STEP_KIND_HUNT_GROUP: {
          std::vector<std::string> members;
          for (const auto& m : step.members()) members.push_back(m.employee_id());
          steps.push_back(absl::StrCat("hunt [", absl::StrJoin(members, " "), "]"));
          break;
        }
        case cti::v1::STEP_KIND_RECEPTION_MESSAGE:
          steps.push_back("reception");
          break;
        default:
          steps.push_back(cti::v1::StepKind_Name(step.kind()));
      }
    }
    return absl::StrJoin(steps, ", ");
  };
  const auto reused = [&]() { return cache.answer_counts().reused; };
  EXPECT_EQ(anna(), "ring e1, hunt [e2], reception");
  EXPECT_EQ(anna(), "ring e1, hunt [e2], reception");
  EXPECT_EQ(reused(), 1u);
  // Carl (not in Anna's route) takes a call: her kept answer is served on.
  calls({testing::Offered("c3"), testing::AnsweredBy("c3", "e3")});
  EXPECT_EQ(anna(), "ring e1, hunt [e2], reception");
  EXPECT_EQ(reused(), 2u);
  // Bo (her colleagues' group) takes a call: retired, and built without him.
  calls({testing::Offered("c1"), testing::AnsweredBy("c1", "e2")});
  EXPECT_EQ(anna(), "ring e1, reception");
  EXPECT_EQ(reused(), 2u);
  EXPECT_EQ(anna(), "ring e1, reception");
  EXPECT_EQ(reused(), 3u);
  // Anna takes a call herself, then Bo's and Carl's calls end, then hers.
  calls({testing::Offered("c2"), testing::AnsweredBy("c2", "e1")});
  EXPECT_EQ(anna(), "reception");
  EXPECT_EQ(anna(), "reception");
  EXPECT_EQ(reused(), 4u);
  calls({testing::Ended("c3")});
  EXPECT_EQ(anna(), "reception");
  EXPECT_EQ(reused(), 5u);
  calls({testing::Ended("c1")});
  EXPECT_EQ(anna(), "hunt [e2], reception");
  EXPECT_EQ(reused(), 5u);
  calls({testing::Ended("c2")});
  EXPECT_EQ(anna(), "ring e1, hunt [e2], reception");
  EXPECT_EQ(anna(), "ring e1, hunt [e2], reception");
  EXPECT_EQ(reused(), 6u);
}

}  // namespace
}  // namespace cti::projections
