// CallCounts (TP-3.6): the counts the call rules keep per unit and local day, through the
// projector, and ListCallCounts' answers and refusals.
#include "projections/call_counts.h"

#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "projections/testing/test_util.h"

namespace cti::projections {
namespace {

using testing::AnsweredBy;
using testing::At;
using testing::Offered;

// Copenhagen local time in winter (+01:00).
absl::Time Local(int day, int hour, int minute, int second = 0, int millis = 0) {
  return absl::FromCivil(absl::CivilSecond(2024, 3, day, hour, minute, second),
                         absl::FixedTimeZone(3600)) +
         absl::Milliseconds(millis);
}

cti::v1::Event OfferedTo(const std::string& call_id, const std::string& dialled,
                         const std::string& unit_id, absl::Time at) {
  cti::v1::Event e = Offered(call_id);
  e.mutable_call()->mutable_offered()->set_dialled_number(dialled);
  e.mutable_call()->mutable_offered()->set_unit_id(unit_id);
  return At(std::move(e), at);
}

// At(), with milliseconds.
cti::v1::Event AtExactly(cti::v1::Event e, absl::Time t) {
  e.mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(t));
  e.mutable_occurred_at()->set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(absl::ToUnixSeconds(t)))));
  return e;
}

cti::v1::Event VoicemailAnswers(const std::string& call_id, const std::string& employee) {
  cti::v1::Event e = AnsweredBy(call_id, employee);
  e.mutable_call()->mutable_answered()->set_voicemail(true);
  return At(std::move(e), Local(1, 11, 0, 20));
}

class CallCountsTest : public testing::ProjectionTest {
 protected:
  void SetUp() override {
    ProjectionTest::SetUp();
    DefineOrganisation();  // borgerservice (e1 ext 4711, e2 ext 4712), skat; TP-3.8 hours
  }

  absl::StatusOr<cti::v1::ListCallCountsResponse> List(const std::string& from,
                                                       const std::string& to = "",
                                                       const std::string& unit = "") {
    cti::v1::ListCallCountsRequest request;
    request.set_tenant(testing::kTenant);
    request.set_from_day(from);
    request.set_to_day(to);
    request.set_unit_id(unit);
    return CallCounts(store_.get()).List(request);
  }

  // The row of (unit, day), or an empty one.
  cti::v1::UnitDayCallCounts Row(const cti::v1::ListCallCountsResponse& response,
                                 const std::string& unit, const std::string& day) {
    for (const cti::v1::UnitDayCallCounts& row : response.days()) {
      if (row.unit_id() == unit && row.day() == day) return row;
    }
    return {};
  }
};

TEST_F(CallCountsTest, TP_3_6_EachCallCountsOnceOfferedAndOnceForItsOutcome) {
  // Friday 1 March 2024; TP-3.8 phone hours Fri 08:00-14:00.
  ApplyAll({OfferedTo("a", "+4589401000", "skat", Local(1, 9, 0)),
            AtExactly(AnsweredBy("a", "e1"), Local(1, 9, 0, 12, 500)),  // waited 12.5 s
            At(testing::TransferredTo("a", "e2"), Local(1, 9, 2)),
            At(AnsweredBy("a", "e2"), Local(1, 9, 3)),  // not a second answer
            At(testing::Ended("a"), Local(1, 9, 5)),
            // The extension of e1: borgerservice's, found by the projector.
            OfferedTo("b", "4711", "", Local(1, 10, 0)),
            At(testing::Abandoned("b"), Local(1, 10, 1)),
            // A number of no unit.
            OfferedTo("c", "+4599999999", "", Local(1, 10, 0)),
            At(testing::Failed("c", 503, "Service Unavailable"), Local(1, 10, 0, 1)),
            // After 14:00: outside phone hours.
            OfferedTo("d", "+4589400000", "borgerservice", Local(1, 15, 0)),
            At(AnsweredBy("d", "e2"), Local(1, 15, 0, 3)),
            // Still in progress.
            OfferedTo("e", "+4589400000", "borgerservice", Local(1, 11, 0)),
            // e1's voicemail answers after 20 s: reached voicemail, not answered.
            OfferedTo("v", "+4589401000", "skat", Local(1, 11, 0)), VoicemailAnswers("v", "e1"),
            At(testing::Ended("v"), Local(1, 11, 1))});

  absl::StatusOr<cti::v1::ListCallCountsResponse> day = List("2024-03-01");
  ASSERT_TRUE(day.ok()) << day.status();
  ASSERT_EQ(day->days_size(), 3) << day->DebugString();
  // By unit id: "" (no unit), borgerservice, skat.
  EXPECT_EQ(day->days(0).unit_id(), "");
  EXPECT_EQ(day->days(1).unit_id(), "borgerservice");
  EXPECT_EQ(day->days(2).unit_id(), "skat");

  const cti::v1::UnitDayCallCounts skat = Row(*day, "skat", "2024-03-01");
  EXPECT_EQ(skat.all().offered(), 2u);
  EXPECT_EQ(skat.all().answered(), 1u);
  EXPECT_EQ(skat.all().voicemail(), 1u);
  EXPECT_EQ(skat.in_phone_hours().offered(), 2u);
  EXPECT_EQ(skat.in_phone_hours().answered(), 1u);
  EXPECT_EQ(skat.in_phone_hours().voicemail(), 1u);
  EXPECT_EQ(skat.answer_wait_millis_total(), 12500u) << "a voicemail's answer is not timed";
  ASSERT_EQ(skat.answer_times_size(), 13);
  EXPECT_EQ(skat.answer_times(2).up_to_seconds(), 15u);
  EXPECT_EQ(skat.answer_times(2).calls(), 1u) << "12.5 s: in the 10-15 s bucket";
  EXPECT_EQ(skat.answer_times(12).up_to_seconds(), 0u) << "the last bucket has no bound";

  const cti::v1::UnitDayCallCounts bs = Row(*day, "borgerservice", "2024-03-01");
  EXPECT_EQ(bs.all().offered(), 3u);
  EXPECT_EQ(bs.all().answered(), 1u);
  EXPECT_EQ(bs.all().abandoned(), 1u);
  EXPECT_EQ(bs.all().failed(), 0u);
  EXPECT_EQ(bs.in_phone_hours().offered(), 2u) << "b and e; d came after 14:00";
  EXPECT_EQ(bs.in_phone_hours().answered(), 0u);
  EXPECT_EQ(bs.in_phone_hours().abandoned(), 1u);
  EXPECT_EQ(bs.answer_wait_millis_total(), 0u) << "only answers within phone hours are timed";

  const cti::v1::UnitDayCallCounts none = Row(*day, "", "2024-03-01");
  EXPECT_EQ(none.all().offered(), 1u);
  EXPECT_EQ(none.all().failed(), 1u);
  EXPECT_EQ(none.in_phone_hours().failed(), 1u) << "the municipality's hours";

  absl::StatusOr<cti::v1::ListCallCountsResponse> skat_only = List("2024-03-01", "", "skat");
  ASSERT_TRUE(skat_only.ok()) << skat_only.status();
  ASSERT_EQ(skat_only->days_size(), 1);
  EXPECT_EQ(skat_only->days(0).unit_id(), "skat");
}

TEST_F(CallCountsTest, ACallCountsOnTheLocalDayOfItsOfferHoweverLateItEnds) {
  // 23:30 UTC on Friday is 00:30 on Saturday in Copenhagen.
  ApplyAll({OfferedTo("late", "+4589401000", "skat", Local(2, 0, 30)),
            OfferedTo("fri", "+4589401000", "skat", Local(1, 13, 59)),
            At(testing::Abandoned("fri"), Local(2, 0, 31))});
  absl::StatusOr<cti::v1::ListCallCountsResponse> both = List("2024-03-01", "2024-03-02");
  ASSERT_TRUE(both.ok()) << both.status();
  ASSERT_EQ(both->days_size(), 2) << both->DebugString();
  EXPECT_EQ(both->days(0).day(), "2024-03-01");
  EXPECT_EQ(both->days(0).all().abandoned(), 1u) << "abandoned after midnight, counted Friday";
  EXPECT_EQ(both->days(0).in_phone_hours().abandoned(), 1u);
  EXPECT_EQ(both->days(1).day(), "2024-03-02");
  EXPECT_EQ(both->days(1).all().offered(), 1u);
  EXPECT_EQ(both->days(1).in_phone_hours().offered(), 0u) << "Saturday: closed";

  absl::StatusOr<cti::v1::ListCallCountsResponse> saturday = List("2024-03-02", "2024-03-31");
  ASSERT_TRUE(saturday.ok());
  ASSERT_EQ(saturday->days_size(), 1);
  EXPECT_EQ(saturday->days(0).day(), "2024-03-02");
  absl::StatusOr<cti::v1::ListCallCountsResponse> before = List("2024-02-01", "2024-02-29");
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->days_size(), 0);
}

TEST_F(CallCountsTest, AnUnknownUnitIsRefusedAndCountsNothing) {
  EXPECT_EQ(Rejection(OfferedTo("x", "+4589401000", "nowhere", Local(1, 9, 0))),
            "offered.unit_id 'nowhere' not found");
  absl::StatusOr<cti::v1::ListCallCountsResponse> day = List("2024-03-01");
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(day->days_size(), 0);
  EXPECT_TRUE(Rejection(OfferedTo("x", "+4589401000", "skat", Local(1, 9, 0))).empty())
      << "the call id was not used by the refused offer";
}

TEST_F(CallCountsTest, BadRequestsNameTheField) {
  const auto message = [&](const std::string& from, const std::string& to,
                           const std::string& unit = "") {
    absl::StatusOr<cti::v1::ListCallCountsResponse> r = List(from, to, unit);
    return r.ok() ? std::string("OK") : r.status().ToString();
  };
  EXPECT_EQ(message("", ""), "INVALID_ARGUMENT: from_day: expected a day as YYYY-MM-DD, got \"\"");
  EXPECT_EQ(message("2024-3-1", ""),
            "INVALID_ARGUMENT: from_day: expected a day as YYYY-MM-DD, got \"2024-3-1\"");
  EXPECT_EQ(message("2024-03-01", "2024-02-30"),
            "INVALID_ARGUMENT: to_day: expected a day as YYYY-MM-DD, got \"2024-02-30\"");
  EXPECT_EQ(message("2024-03-01", "2024-02-29"),
            "INVALID_ARGUMENT: to_day: 2024-02-29 is before from_day 2024-03-01");
  EXPECT_EQ(message("2024-01-01", "2025-01-01"),
            "INVALID_ARGUMENT: to_day: at most 366 days from from_day can be asked at once");
  EXPECT_EQ(message("2024-01-01", "2024-12-31"), "OK") << "a leap year is 366 days";
  EXPECT_EQ(message("2024-03-01", "", "nowhere"), "NOT_FOUND: unit_id 'nowhere' not found");
  cti::v1::ListCallCountsRequest no_tenant;
  no_tenant.set_from_day("2024-03-01");
  EXPECT_EQ(CallCounts(store_.get()).List(no_tenant).status().ToString(),
            "INVALID_ARGUMENT: tenant is required");
}

}  // namespace
}  // namespace cti::projections
