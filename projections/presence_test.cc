// PresenceView: what reception is told each employee is doing (TP-3.7, TP-6.3), and the
// switchboard snapshot a dashboard starts from.
#include "projections/presence.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/hours/time_zone.h"
#include "projections/testing/test_util.h"

namespace cti::projections {
namespace {

using ::testing::HasSubstr;
using testing::kTenant;
using testing::UpsertEntry;

class PresenceTest : public testing::ProjectionTest {
 protected:
  void SetUp() override {
    ProjectionTest::SetUp();
    absl::StatusOr<absl::TimeZone> zone = hours::CopenhagenTimeZone();
    ASSERT_TRUE(zone.ok()) << zone.status();
    zone_ = *zone;
    DefineOrganisation();  // borgerservice: e1 Anna Holm, e2 Bo Lund
    ApplyAll({testing::Hire("e3", "Carl Dam", "borgerservice", "4713"),
              testing::Hire("e4", "Dorte Ahl", "skat", "4800"),
              testing::Hire("e5", "Erik Bak", "skat", "4801")});
  }

  // Copenhagen local time on Tuesday 5 March 2024.
  absl::Time Tuesday(int hour, int minute = 0) const {
    return absl::FromCivil(absl::CivilMinute(2024, 3, 5, hour, minute), zone_);
  }

  cti::v1::Availability Of(const std::string& id, absl::Time at) {
    absl::StatusOr<std::vector<cti::v1::EmployeeAvailability>> got =
        PresenceView(store_.get(), zone_).Of(kTenant, {id}, at);
    EXPECT_TRUE(got.ok()) << got.status();
    if (!got.ok() || got->size() != 1) return {};
    return (*got)[0].availability();
  }

  absl::TimeZone zone_;
};

TEST_F(PresenceTest, TP_3_7_FreeInAMeetingOnVacationTentativeAndLeft) {
  ApplyAll({UpsertEntry("e2", "moede", absl::ToUnixSeconds(Tuesday(9)),
                        absl::ToUnixSeconds(Tuesday(11)), "Teammøde"),
            UpsertEntry("e3", "ferie", absl::ToUnixSeconds(Tuesday(0)),
                        absl::ToUnixSeconds(absl::FromCivil(absl::CivilDay(2024, 3, 11), zone_) +
                                            absl::Hours(8)),
                        "Ferie", cti::v1::ABSENCE_KIND_VACATION)});
  cti::v1::Event tentative =
      UpsertEntry("e4", "maaske", absl::ToUnixSeconds(Tuesday(10)),
                  absl::ToUnixSeconds(Tuesday(10, 30)), "Måske", cti::v1::ABSENCE_KIND_MEETING);
  tentative.mutable_calendar()->mutable_entry_upserted()->set_show_as(cti::v1::SHOW_AS_TENTATIVE);
  ApplyAll({tentative, testing::Leave("e5")});

  const cti::v1::Availability free = Of("e1", Tuesday(10));
  EXPECT_EQ(free.state(), cti::v1::AVAILABILITY_STATE_FREE);
  EXPECT_EQ(free.text(), "ledig");
  EXPECT_EQ(free.at().seconds(), absl::ToUnixSeconds(Tuesday(10)));

  const cti::v1::Availability meeting = Of("e2", Tuesday(10));
  EXPECT_EQ(meeting.state(), cti::v1::AVAILABILITY_STATE_ABSENT);
  EXPECT_EQ(meeting.absence(), cti::v1::ABSENCE_KIND_MEETING);
  EXPECT_EQ(meeting.until().seconds(), absl::ToUnixSeconds(Tuesday(11)));
  EXPECT_EQ(meeting.text(), "i møde til kl. 11.00");
  EXPECT_THAT(meeting.DebugString(), ::testing::Not(HasSubstr("Teammøde")))
      << "calendar subjects are never shown";
  EXPECT_EQ(Of("e2", Tuesday(11)).state(), cti::v1::AVAILABILITY_STATE_FREE);

  const cti::v1::Availability vacation = Of("e3", Tuesday(10));
  EXPECT_EQ(vacation.state(), cti::v1::AVAILABILITY_STATE_ABSENT);
  EXPECT_EQ(vacation.text(), "på ferie til mandag 11. marts kl. 8.00");

  const cti::v1::Availability maybe = Of("e4", Tuesday(10, 15));
  EXPECT_EQ(maybe.state(), cti::v1::AVAILABILITY_STATE_TENTATIVE);
  EXPECT_EQ(maybe.until().seconds(), absl::ToUnixSeconds(Tuesday(10, 30)));
  EXPECT_EQ(maybe.text(), "måske i møde til kl. 10.30 (foreløbig)");

  EXPECT_EQ(Of("e5", Tuesday(10)).state(), cti::v1::AVAILABILITY_STATE_LEFT);
}

TEST_F(PresenceTest, TP_6_3_AnEmployeeTalkingIsOnACallUntilItIsTransferredOrEnds) {
  ApplyAll({testing::Offered("c1"), testing::RingingAt("c1", "e1")});
  EXPECT_EQ(Of("e1", Tuesday(10)).state(), cti::v1::AVAILABILITY_STATE_FREE) << "only ringing";
  ApplyAll({testing::AnsweredBy("c1", "e1")});
  const cti::v1::Availability talking = Of("e1", Tuesday(10));
  EXPECT_EQ(talking.state(), cti::v1::AVAILABILITY_STATE_ON_CALL);
  EXPECT_EQ(talking.call_id(), "c1");
  EXPECT_EQ(talking.text(), "taler i telefon");
  ApplyAll({testing::TransferredTo("c1", "e2"), testing::AnsweredBy("c1", "e2")});
  EXPECT_EQ(Of("e1", Tuesday(10)).state(), cti::v1::AVAILABILITY_STATE_FREE);
  EXPECT_EQ(Of("e2", Tuesday(10)).state(), cti::v1::AVAILABILITY_STATE_ON_CALL);
  ApplyAll({testing::Ended("c1")});
  EXPECT_EQ(Of("e2", Tuesday(10)).state(), cti::v1::AVAILABILITY_STATE_FREE);
}

TEST_F(PresenceTest, TP_6_3_TheSwitchboardSnapshotIsOneStateOfCallsAndPeople) {
  ApplyAll({testing::Offered("c1"), testing::AnsweredBy("c1", "e1"), testing::Offered("c2"),
            testing::RingingAt("c2", "e4")});
  const PresenceView view(store_.get(), zone_);
  absl::StatusOr<cti::v1::SwitchboardSnapshot> all =
      view.Switchboard({kTenant, "", ""}, 0, Tuesday(10));
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->position(), store_->AppliedPosition(0));
  EXPECT_EQ(all->calls_size(), 2);
  std::vector<std::string> ids;
  for (const auto& e : all->employees()) ids.push_back(e.employee_id());
  EXPECT_THAT(ids, ::testing::ElementsAre("e1", "e2", "e3", "e4", "e5"));
  EXPECT_EQ(all->employees(0).availability().state(), cti::v1::AVAILABILITY_STATE_ON_CALL);
  EXPECT_EQ(all->employees(0).full_name(), "Anna Holm");
  EXPECT_EQ(all->employees(0).extension(), "4711");

  absl::StatusOr<cti::v1::SwitchboardSnapshot> skat =
      view.Switchboard({kTenant, "skat", ""}, 0, Tuesday(10));
  ASSERT_TRUE(skat.ok()) << skat.status();
  ASSERT_EQ(skat->calls_size(), 1);
  EXPECT_EQ(skat->calls(0).call_id(), "c2");
  ids.clear();
  for (const auto& e : skat->employees()) ids.push_back(e.employee_id());
  EXPECT_THAT(ids, ::testing::ElementsAre("e4", "e5"));

  absl::StatusOr<cti::v1::SwitchboardSnapshot> one =
      view.Switchboard({kTenant, "", "e1"}, 0, Tuesday(10));
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(one->employees_size(), 1);
  EXPECT_EQ(one->calls_size(), 1);
}

TEST_F(PresenceTest, BadQuestionsAreRefusedNamingTheField) {
  const PresenceView view(store_.get(), zone_);
  absl::StatusOr<std::vector<cti::v1::EmployeeAvailability>> unknown =
      view.Of(kTenant, {"e1", "nobody"}, Tuesday(10));
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(unknown.status().message(), HasSubstr("employee_ids[1] 'nobody'"));
  EXPECT_EQ(view.Of("", {"e1"}, Tuesday(10)).status().code(), absl::StatusCode::kInvalidArgument);
  absl::StatusOr<cti::v1::SwitchboardSnapshot> both =
      view.Switchboard({kTenant, "skat", "e1"}, 0, Tuesday(10));
  EXPECT_EQ(both.status().code(), absl::StatusCode::kInvalidArgument);
  absl::StatusOr<cti::v1::SwitchboardSnapshot> no_unit =
      view.Switchboard({kTenant, "ingen", ""}, 0, Tuesday(10));
  EXPECT_EQ(no_unit.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(no_unit.status().message(), HasSubstr("unit_id"));
}

}  // namespace
}  // namespace cti::projections
