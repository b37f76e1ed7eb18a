// Compliance (TP-5.3): the report's figures checked on a constructed month (November
// 2025) of calls, callbacks, voicemails, hours changes and sickness, for every rule it
// covers; the unit filter; hours and units read as of the structure position; refusals
// naming the field.
#include "projections/compliance.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/hours/time_zone.h"
#include "projections/router.h"
#include "projections/testing/test_util.h"

namespace cti::projections {
namespace {

using testing::At;
using testing::Date;
using ::testing::HasSubstr;
using testing::kTenant;
using testing::Listened;

absl::TimeZone Zone() { return *cti::hours::CopenhagenTimeZone(); }

// November 2025 (Saturday the 1st) in Copenhagen.
absl::Time Nov(int d, int h, int mi, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(2025, 11, d, h, mi, s), Zone());
}

cti::v1::Event OfferedTo(const std::string& call_id, const std::string& unit_id, absl::Time at) {
  cti::v1::Event e = testing::Offered(call_id);
  e.mutable_call()->mutable_offered()->set_unit_id(unit_id);
  return At(std::move(e), at);
}

cti::v1::Event Callback(const std::string& id, absl::Time t) {
  cti::v1::Event e;
  auto* c = e.mutable_call()->mutable_callback_requested();
  c->set_callback_id(id);
  c->mutable_assignee()->set_employee_id("e1");
  c->set_callback_number("+4520304050");
  c->set_source(cti::v1::CALLBACK_SOURCE_CITIZEN_REQUESTED);
  return At(e, t);
}

cti::v1::Event CallbackDone(const std::string& id, absl::Time t) {
  cti::v1::Event e;
  e.mutable_call()->mutable_callback_completed()->set_callback_id(id);
  return At(e, t);
}

cti::v1::Event Voicemail(const std::string& id, absl::Time t) {
  cti::v1::Event e;
  auto* v = e.mutable_call()->mutable_voicemail_left();
  v->set_voicemail_id(id);
  v->mutable_mailbox()->set_employee_id("e1");
  v->set_duration_seconds(30);
  return At(e, t);
}

cti::v1::Event ByDirector(cti::v1::Event e) {
  e.mutable_actor()->set_id("dir");
  e.mutable_actor()->set_role(cti::v1::ROLE_DIRECTOR);
  return e;
}

void Approve(cti::v1::DirectorApproval* approval) {
  approval->set_director_employee_id("dir");
  *approval->mutable_approved_at() = testing::Ts(absl::ToUnixSeconds(Nov(1, 12, 0)) - 86400 * 200);
}

cti::v1::Event Reduction(const std::string& id, cti::v1::LocalDate first, cti::v1::LocalDate last) {
  cti::v1::Event e;
  auto* change = e.mutable_staff()->mutable_hours_change_set();
  change->set_unit_id("skat");
  change->set_change_id(id);
  change->set_reason("Sygdom i teamet");
  auto* r = change->mutable_reduction();
  *r->mutable_first_day() = first;
  *r->mutable_last_day() = last;
  cti::v1::OpenInterval* open = r->add_hours();
  open->set_day(cti::v1::WEEKDAY_TUESDAY);
  open->set_open_minute(9 * 60);
  open->set_close_minute(12 * 60);
  r->set_coverage(cti::v1::REDUCTION_COVERAGE_RECEPTION_MESSAGES);
  Approve(r->mutable_approval());
  return ByDirector(e);
}

cti::v1::Event Unmanned(absl::Time start, absl::Time end) {
  cti::v1::Event e;
  auto* change = e.mutable_staff()->mutable_hours_change_set();
  change->set_unit_id("borgerservice");
  change->set_change_id("personalemoede");
  auto* u = change->mutable_unmanned();
  *u->mutable_start() = testing::Ts(absl::ToUnixSeconds(start));
  *u->mutable_end() = testing::Ts(absl::ToUnixSeconds(end));
  Approve(u->mutable_approval());
  return ByDirector(e);
}

cti::v1::Event Responsible(const std::string& unit, const std::string& employee) {
  cti::v1::Event e;
  auto* r = e.mutable_staff()->mutable_phone_responsible_assigned();
  r->set_unit_id(unit);
  r->set_employee_id(employee);
  return e;
}

cti::v1::Event Sick(const std::string& employee, const std::string& id, absl::Time start,
                    absl::Time end) {
  cti::v1::Event e;
  auto* c = e.mutable_calendar()->mutable_entry_upserted();
  c->set_employee_id(employee);
  c->set_entry_id(id);
  c->set_kind(cti::v1::ABSENCE_KIND_SICK);
  c->set_show_as(cti::v1::SHOW_AS_BUSY);
  *c->mutable_start() = testing::Ts(absl::ToUnixSeconds(start));
  *c->mutable_end() = testing::Ts(absl::ToUnixSeconds(end));
  return e;
}

cti::v1::Event Forward(const std::string& employee, const std::string& id, absl::Time from,
                       absl::Time until) {
  cti::v1::Event e = testing::ForwardToColleague(employee, id, "e3", "Syg");
  auto* f = e.mutable_calendar()->mutable_forwarding_set();
  *f->mutable_valid_from() = testing::Ts(absl::ToUnixSeconds(from));
  *f->mutable_valid_until() = testing::Ts(absl::ToUnixSeconds(until));
  return e;
}

class ComplianceTest : public testing::ProjectionTest {
 protected:
  void SetUp() override {
    ProjectionTest::SetUp();
    DefineOrganisation();  // adm; borgerservice: e1, e2; skat
    ApplyAll({testing::Hire("dir", "Dorte Direktør", "adm"),
              testing::Hire("e3", "Carl Dahl", "borgerservice", "4713", {}),
              Responsible("borgerservice", "e1")});
    BuildMonth();
  }

  // The constructed month.
  void BuildMonth() {
    std::vector<cti::v1::Event> events;
    // TP-3.6: each weekday of November, ten calls to borgerservice from 09:00: eight
    // answered after 0, 7, ..., 49 s, one abandoned, one failed; and one on Saturday the
    // 8th (outside phone hours), answered.
    for (int d = 1; d <= 30; ++d) {
      const absl::Weekday weekday = absl::GetWeekday(absl::CivilDay(2025, 11, d));
      if (weekday == absl::Weekday::saturday || weekday == absl::Weekday::sunday) continue;
      ++weekdays_;
      for (int i = 0; i < 10; ++i) {
        const std::string id = absl::StrCat("c", d, "-", i);
        const absl::Time offered = Nov(d, 9, i);
        events.push_back(OfferedTo(id, "borgerservice", offered));
        if (i < 8) {
          events.push_back(At(testing::AnsweredBy(id, "e1"), offered + absl::Seconds(7 * i)));
          events.push_back(At(testing::Ended(id), offered + absl::Seconds(7 * i + 60)));
        } else if (i == 8) {
          events.push_back(At(testing::Abandoned(id), offered + absl::Seconds(30)));
        } else {
          events.push_back(At(testing::Failed(id), offered + absl::Seconds(30)));
        }
      }
    }
    events.push_back(OfferedTo("sat", "borgerservice", Nov(8, 10, 0)));
    events.push_back(At(testing::AnsweredBy("sat", "e1"), Nov(8, 10, 0, 3)));

    // TP-4.3: callbacks assigned to e1 (borgerservice, phone hours of TP-3.8).
    events.push_back(Callback("cb-before", Nov(1, 0, 0) - absl::Hours(14)));  // 31 Oct
    events.push_back(CallbackDone("cb-before", Nov(3, 9, 0)));
    events.push_back(Callback("cb-same-day", Nov(3, 10, 0)));  // due Mon 16:00
    events.push_back(CallbackDone("cb-same-day", Nov(3, 15, 0)));
    events.push_back(Callback("cb-late", Nov(4, 10, 0)));  // due Tue 16:00
    events.push_back(CallbackDone("cb-late", Nov(5, 9, 0)));
    events.push_back(Callback("cb-evening", Nov(6, 18, 0)));  // due Fri 14:00
    events.push_back(CallbackDone("cb-evening", Nov(7, 9, 0)));
    events.push_back(Callback("cb-forgotten", Nov(28, 10, 0)));     // due Fri 28 14:00
    events.push_back(Callback("cb-friday-night", Nov(28, 20, 0)));  // due Mon 1 Dec 16:00

    // TP-3.14: voicemails in e1's mailbox.
    events.push_back(Voicemail("vm-same-day", Nov(3, 10, 0)));
    events.push_back(Listened("vm-same-day", Nov(3, 15, 0)));
    events.push_back(Voicemail("vm-late", Nov(4, 11, 0)));  // heard the next morning
    events.push_back(Listened("vm-late", Nov(5, 9, 0)));
    events.push_back(Voicemail("vm-weekend", Nov(7, 15, 0)));  // after Friday's hours
    events.push_back(Listened("vm-weekend", Nov(10, 8, 30)));  // Monday: its phone day
    events.push_back(Voicemail("vm-never", Nov(20, 11, 0)));

    // TP-3.13: skat reduced for exactly 6 months, then again without a return.
    events.push_back(Reduction("r1", Date(2025, 6, 1), Date(2025, 11, 30)));
    events.push_back(Reduction("r2", Date(2025, 12, 1), Date(2026, 1, 31)));
    // TP-4.7: borgerservice unmanned for a staff meeting.
    events.push_back(Unmanned(Nov(12, 12, 0), Nov(12, 14, 0)));

    // TP-4.5: e2 sick Mon 17 to Wed 19 with a forwarding for Monday only; e1 sick on
    // the 24th, forwarded throughout.
    events.push_back(Sick("e2", "syg-e2", Nov(17, 0, 0), Nov(19, 0, 0)));
    events.push_back(Forward("e2", "fw-e2", Nov(17, 0, 0), Nov(18, 0, 0)));
    events.push_back(Sick("e1", "syg-e1", Nov(24, 0, 0), Nov(25, 0, 0)));
    events.push_back(Forward("e1", "fw-e1", Nov(23, 0, 0), Nov(26, 0, 0)));
    ApplyAll(std::move(events));
    month_end_ = next_position_ - 1;
  }

  absl::StatusOr<cti::v1::ComplianceReportResponse> TryReport(
      const std::string& from, const std::string& to, const std::string& unit = "",
      std::optional<uint64_t> structure = std::nullopt, std::vector<RefusedChange> refused = {}) {
    cti::v1::ComplianceReportRequest request;
    request.set_tenant(kTenant);
    request.set_from_day(from);
    request.set_to_day(to);
    request.set_unit_id(unit);
    return Compliance(store_.get(), Zone())
        .Report(request, now_, structure.value_or(next_position_ - 1), refused);
  }

  cti::v1::ComplianceReportResponse Report(const std::string& unit = "",
                                           std::optional<uint64_t> structure = std::nullopt,
                                           std::vector<RefusedChange> refused = {}) {
    absl::StatusOr<cti::v1::ComplianceReportResponse> report =
        TryReport("2025-11-01", "2025-11-30", unit, structure, std::move(refused));
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *report : cti::v1::ComplianceReportResponse();
  }

  static const cti::v1::UnitCompliance& UnitOf(const cti::v1::ComplianceReportResponse& report,
                                               const std::string& unit_id) {
    for (const cti::v1::UnitCompliance& unit : report.units()) {
      if (unit.unit_id() == unit_id) return unit;
    }
    static const cti::v1::UnitCompliance* none = new cti::v1::UnitCompliance();
    ADD_FAILURE() << "no row for unit " << unit_id;
    return *none;
  }

  static std::vector<const cti::v1::ComplianceFinding*> Findings(
      const cti::v1::ComplianceReportResponse& report, const std::string& rule) {
    std::vector<const cti::v1::ComplianceFinding*> found;
    for (const cti::v1::ComplianceFinding& f : report.findings()) {
      if (f.rule() == rule) found.push_back(&f);
    }
    return found;
  }

  static const cti::v1::RuleSummary& Rule(const cti::v1::ComplianceReportResponse& report,
                                          const std::string& rule) {
    for (const cti::v1::RuleSummary& summary : report.rules()) {
      if (summary.rule() == rule) return summary;
    }
    static const cti::v1::RuleSummary* none = new cti::v1::RuleSummary();
    ADD_FAILURE() << "no summary for " << rule;
    return *none;
  }

  int weekdays_ = 0;
  uint64_t month_end_ = 0;
  // Monday 1 December 2025 10:00: the report is made the next working day.
  absl::Time now_ = absl::FromCivil(absl::CivilSecond(2025, 12, 1, 10, 0, 0), Zone());
};

TEST_F(ComplianceTest, TP_3_6_CallsWithinPhoneHoursAnswerRateAndWaitPercentiles) {
  const cti::v1::ComplianceReportResponse report = Report();
  ASSERT_EQ(weekdays_, 20);
  const cti::v1::CallCompliance& calls = UnitOf(report, "borgerservice").calls();
  EXPECT_EQ(calls.all().offered(), 201u);
  EXPECT_EQ(calls.all().answered(), 161u);
  EXPECT_EQ(calls.in_phone_hours().offered(), 200u);
  EXPECT_EQ(calls.in_phone_hours().answered(), 160u);
  EXPECT_EQ(calls.in_phone_hours().abandoned(), 20u);
  EXPECT_EQ(calls.in_phone_hours().failed(), 20u);
  EXPECT_DOUBLE_EQ(calls.answer_rate(), 0.8);
  // Waits 0, 7, 14, 21, 28, 35, 42, 49 s each day: mean 24.5 s; half waited at most
  // 30 s (the fourth of eight lies in the 20-30 s bucket), 80% at most 45 s, 95% 60 s.
  EXPECT_EQ(calls.answer_wait_mean_millis(), 24500u);
  ASSERT_EQ(calls.answer_wait_percentiles_size(), 3);
  EXPECT_EQ(calls.answer_wait_percentiles(0).percent(), 50u);
  EXPECT_EQ(calls.answer_wait_percentiles(0).at_most_seconds(), 30u);
  EXPECT_EQ(calls.answer_wait_percentiles(1).percent(), 80u);
  EXPECT_EQ(calls.answer_wait_percentiles(1).at_most_seconds(), 45u);
  EXPECT_EQ(calls.answer_wait_percentiles(2).percent(), 95u);
  EXPECT_EQ(calls.answer_wait_percentiles(2).at_most_seconds(), 60u);
  EXPECT_FALSE(calls.answer_wait_percentiles(2).beyond_last_bound());
  // The total sums the units.
  EXPECT_EQ(report.total().calls().in_phone_hours().offered(), 200u);
  EXPECT_DOUBLE_EQ(report.total().calls().answer_rate(), 0.8);

  const auto lost = Findings(report, "TP-3.6");
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_TRUE(lost[0]->breach());
  EXPECT_EQ(lost[0]->unit_id(), "borgerservice");
  EXPECT_THAT(lost[0]->text(), HasSubstr("40 of 200 calls within phone hours were not answered"));
}

TEST_F(ComplianceTest, TP_4_3_CallbacksRequestedInThePeriodJudgedByTheirDueTime) {
  const cti::v1::ComplianceReportResponse report = Report();
  const cti::v1::CallbackCompliance& callbacks = UnitOf(report, "borgerservice").callbacks();
  EXPECT_EQ(callbacks.requested(), 5u);  // not cb-before (October)
  EXPECT_EQ(callbacks.on_time(), 2u);    // cb-same-day, cb-evening (next phone day)
  EXPECT_EQ(callbacks.same_day(), 1u);
  EXPECT_EQ(callbacks.late(), 1u);          // cb-late
  EXPECT_EQ(callbacks.open_overdue(), 1u);  // cb-forgotten
  EXPECT_EQ(callbacks.open_not_due(), 1u);  // cb-friday-night: due Monday 16:00
  EXPECT_DOUBLE_EQ(callbacks.on_time_rate(), 0.5);

  const auto found = Findings(report, "TP-4.3");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0]->subject_id(), "cb-late");
  EXPECT_THAT(found[0]->text(),
              HasSubstr("due 2025-11-04 16:00, made 2025-11-05 09:00: 17h00m late"));
  EXPECT_EQ(found[0]->employee_id(), "e1");
  EXPECT_EQ(found[1]->subject_id(), "cb-forgotten");
  EXPECT_THAT(found[1]->text(), HasSubstr("not made: overdue by 68h00m"));
  EXPECT_EQ(Rule(report, "TP-4.3").breaches(), 2u);
}

TEST_F(ComplianceTest, TP_3_14_VoicemailListenedToWithinItsPhoneDay) {
  const cti::v1::ComplianceReportResponse report = Report();
  const cti::v1::VoicemailCompliance& voicemail = UnitOf(report, "borgerservice").voicemail();
  EXPECT_EQ(voicemail.left(), 4u);
  EXPECT_EQ(voicemail.listened_on_time(), 2u);  // same day; Friday after hours -> Monday
  EXPECT_EQ(voicemail.listened_late(), 1u);
  EXPECT_EQ(voicemail.unlistened_overdue(), 1u);
  EXPECT_EQ(voicemail.unlistened_not_due(), 0u);
  EXPECT_DOUBLE_EQ(voicemail.on_time_rate(), 0.5);
  const auto found = Findings(report, "TP-3.14");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0]->subject_id(), "vm-late");
  EXPECT_THAT(found[0]->text(), HasSubstr("listened to 2025-11-05 09:00: 9h00m after"));
  EXPECT_EQ(found[1]->subject_id(), "vm-never");
}

TEST_F(ComplianceTest, TP_3_13_ReductionsInForceAreNotedAndAChainBeyondSixMonthsIsABreach) {
  RefusedChange refused;
  refused.rule = "TP-3.13";
  refused.unit_id = "skat";
  refused.position = 4242;
  refused.recorded_at = Nov(14, 9, 0);
  refused.reason = "staff.hours_change_set.reduction.approval: required (TP-3.13)";
  const cti::v1::ComplianceReportResponse report = Report("", std::nullopt, {refused});
  const auto found = Findings(report, "TP-3.13");
  ASSERT_EQ(found.size(), 3u);
  // Ordered by unit, then start: r1 and the chain start on 1 June, the refusal later.
  std::vector<std::string> texts;
  for (const auto* f : found) texts.push_back(f->text());
  EXPECT_THAT(texts, ::testing::UnorderedElementsAre(
                         HasSubstr("hours reduced 2025-06-01 to 2025-11-30 (183 days), approved "
                                   "by dir"),
                         HasSubstr("reductions r1, r2 follow each other from 2025-06-01 to "
                                   "2026-01-31 (245 days): more than 6 months"),
                         HasSubstr("refused: staff.hours_change_set.reduction.approval")));
  for (const auto* f : found) {
    EXPECT_EQ(f->unit_id(), "skat");
    EXPECT_EQ(f->breach(), absl::StrContains(f->text(), "more than 6 months")) << f->text();
  }
  EXPECT_EQ(Rule(report, "TP-3.13").breaches(), 1u);
  EXPECT_EQ(Rule(report, "TP-3.13").notes(), 2u);
  // The chain; no phone-responsible person (TP-5.2) and so, with no group or number, a
  // unit whose calls go straight to reception (TP-4.8).
  EXPECT_EQ(UnitOf(report, "skat").breaches(), 3u) << report.DebugString();

  const auto unmanned = Findings(report, "TP-4.7");
  ASSERT_EQ(unmanned.size(), 1u);
  EXPECT_FALSE(unmanned[0]->breach());
  EXPECT_THAT(unmanned[0]->text(),
              HasSubstr("unmanned 2025-11-12 12:00 to 2025-11-12 14:00, approved by dir"));
}

TEST_F(ComplianceTest, TP_4_5_SicknessWithoutAForwardingCountsTheUncoveredPhoneHours) {
  const cti::v1::ComplianceReportResponse report = Report();
  const auto found = Findings(report, "TP-4.5");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->employee_id(), "e2");
  EXPECT_EQ(found[0]->unit_id(), "borgerservice");
  EXPECT_EQ(found[0]->subject_id(), "syg-e2");
  // Tuesday 18 November 08:00-16:00 (TP-3.8) had no forwarding; Monday had one.
  EXPECT_THAT(found[0]->text(),
              HasSubstr("8h00m of phone hours without a forwarding, from 2025-11-18 08:00"));
}

TEST_F(ComplianceTest, TP_5_2_AndTP_4_8_ReadTheUnitsAndRoutingAsTheyStoodAtTheEndOfThePeriod) {
  // After the month: skat names a phone-responsible person.
  ApplyAll({Responsible("skat", "e3")});
  const auto responsible = [](const cti::v1::ComplianceReportResponse& report) {
    std::vector<std::string> units;
    for (const auto* f : Findings(report, "TP-5.2")) units.push_back(f->unit_id());
    return units;
  };
  EXPECT_THAT(responsible(Report("", month_end_)), ::testing::ElementsAre("adm", "skat"));
  EXPECT_THAT(responsible(Report()), ::testing::ElementsAre("adm"));
  EXPECT_EQ(Report("", month_end_).structure_position(), month_end_);

  // TP-4.8: what Router::Check finds at that position.
  cti::v1::CheckRequest check;
  check.set_tenant(kTenant);
  absl::StatusOr<cti::v1::CheckResponse> dead_ends =
      Router(store_.get(), Zone()).Check(check, now_, month_end_);
  ASSERT_TRUE(dead_ends.ok()) << dead_ends.status();
  EXPECT_EQ(Findings(Report("", month_end_), "TP-4.8").size(),
            static_cast<size_t>(dead_ends->findings_size()));
}

TEST_F(ComplianceTest, TP_4_8_ADeadEndIsReportedForItsUnit) {
  // A hunt group whose only member leaves rings nobody.
  ApplyAll({testing::Hire("e4", "Dan Eng", "skat", "4714", {}),
            testing::Group("skat-hunt", "skat", cti::v1::GROUP_STRATEGY_HUNT_LINEAR, {"e4"}),
            testing::DefaultGroup("skat", "skat-hunt"), testing::Leave("e4")});
  const cti::v1::ComplianceReportResponse report = Report();
  bool found = false;
  for (const auto* f : Findings(report, "TP-4.8")) {
    if (f->subject_id() == "skat-hunt") {
      found = true;
      EXPECT_EQ(f->unit_id(), "skat");
      EXPECT_TRUE(f->breach());
    }
  }
  EXPECT_TRUE(found) << report.DebugString();
}

TEST_F(ComplianceTest, AUnitFilterKeepsThatUnitsFiguresAndFindings) {
  const cti::v1::ComplianceReportResponse report = Report("skat");
  ASSERT_EQ(report.units_size(), 1);
  EXPECT_EQ(report.units(0).unit_id(), "skat");
  EXPECT_EQ(report.units(0).unit_name(), "Skat");
  EXPECT_EQ(report.units(0).calls().all().offered(), 0u);
  for (const cti::v1::ComplianceFinding& f : report.findings()) EXPECT_EQ(f.unit_id(), "skat");
  EXPECT_EQ(Findings(report, "TP-4.5").size(), 0u);
  EXPECT_EQ(report.total().callbacks().requested(), 0u);
  EXPECT_EQ(Rule(report, "TP-3.13").breaches(), 1u);
}

TEST_F(ComplianceTest, EveryRuleIsSummarisedInOrderAndTheTotalCountsTheBreaches) {
  const cti::v1::ComplianceReportResponse report = Report();
  std::vector<std::string> rules;
  uint32_t breaches = 0;
  for (const cti::v1::RuleSummary& r : report.rules()) {
    rules.push_back(r.rule());
    breaches += r.breaches();
    EXPECT_FALSE(r.title().empty());
  }
  EXPECT_THAT(rules, ::testing::ElementsAre("TP-3.6", "TP-4.3", "TP-3.14", "TP-3.13", "TP-4.7",
                                            "TP-5.2", "TP-4.5", "TP-4.8"));
  EXPECT_EQ(report.total().breaches(), breaches);
  EXPECT_EQ(report.from_day(), "2025-11-01");
  EXPECT_EQ(absl::FromUnixSeconds(report.period_start().seconds()), Nov(1, 0, 0));
  EXPECT_EQ(absl::FromUnixSeconds(report.period_end().seconds()),
            absl::FromCivil(absl::CivilDay(2025, 12, 1), Zone()));
  // A period with nothing in it.
  absl::StatusOr<cti::v1::ComplianceReportResponse> empty = TryReport("2024-01-01", "2024-01-31");
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->total().calls().all().offered(), 0u);
  EXPECT_EQ(empty->total().callbacks().requested(), 0u);
}

TEST_F(ComplianceTest, BadPeriodsAndUnknownUnitsAreRefusedNamingTheField) {
  EXPECT_THAT(TryReport("2025-11-30", "2025-11-01").status().message(), HasSubstr("to_day"));
  EXPECT_THAT(TryReport("1 nov", "2025-11-30").status().message(), HasSubstr("from_day"));
  EXPECT_EQ(TryReport("2025-01-01", "2026-01-05").status().code(),
            absl::StatusCode::kInvalidArgument);
  absl::Status unknown = TryReport("2025-11-01", "2025-11-30", "nowhere").status();
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound) << unknown;
  EXPECT_THAT(unknown.message(), HasSubstr("nowhere"));
}

}  // namespace
}  // namespace cti::projections
