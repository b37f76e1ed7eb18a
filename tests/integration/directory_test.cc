// End-to-end: staff events appended over gRPC become reception's phone list
// (DirectoryService), read-your-writes through min_position, on a real ctid.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/ctid_fixture.h"

namespace cti::test_support {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
namespace d = demo;

// Employee ids of the employee hits, in answer order.
std::vector<std::string> EmployeeIds(const cti::v1::SearchResponse& response) {
  std::vector<std::string> ids;
  for (const cti::v1::SearchHit& hit : response.hits()) {
    if (hit.has_employee()) ids.push_back(hit.employee().employee_id());
  }
  return ids;
}

std::vector<std::string> UnitIds(const cti::v1::SearchResponse& response) {
  std::vector<std::string> ids;
  for (const cti::v1::SearchHit& hit : response.hits()) {
    if (hit.has_unit()) ids.push_back(hit.unit().unit_id());
  }
  return ids;
}

class DirectoryTest : public CtidTest {
 protected:
  void SetUp() override {
    CtidTest::SetUp();
    if (HasFatalFailure()) return;
    end_ = AppendAll(DemoOrganisation(factory_));
    ASSERT_GT(end_, 0u);
  }

  uint64_t end_ = 0;
};

TEST_F(DirectoryTest, SearchReadsItsOwnWriteImmediately) {
  // No sleep between append and search: min_position must make the search wait.
  absl::StatusOr<cti::v1::AppendResponse> hired = client().Append(factory_.EmployeeHired(
      MakeEmployee("e2001", "Ida Kjær", d::kBorgerservice, "4720", {"sundhedskort"})));
  ASSERT_TRUE(hired.ok()) << hired.status();
  absl::StatusOr<cti::v1::SearchResponse> found = client().Search("ida kjær", hired->position());
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_GE(found->position(), hired->position());
  ASSERT_THAT(EmployeeIds(*found), ElementsAre("e2001"));
  const cti::v1::SearchHit& hit = found->hits(0);
  EXPECT_EQ(hit.employee().full_name(), "Ida Kjær");
  EXPECT_EQ(hit.unit_name(), "Borgerservice");
  EXPECT_EQ(hit.matched(), "name");
  EXPECT_TRUE(hit.employee().active());
}

TEST_F(DirectoryTest, SearchFoldsCaseIncludingDanishLetters) {
  for (const char* query : {"søren", "SØREN ØSTER", "Søren Østergaard", "østerg"}) {
    absl::StatusOr<cti::v1::SearchResponse> r = client().Search(query, end_);
    ASSERT_TRUE(r.ok()) << query << ": " << r.status();
    EXPECT_THAT(EmployeeIds(*r), ElementsAre(d::kSorenOstergaard)) << query;
  }
  for (const char* query : {"åse", "ÅSE ÆRØ", "ærø"}) {
    absl::StatusOr<cti::v1::SearchResponse> r = client().Search(query, end_);
    ASSERT_TRUE(r.ok()) << query << ": " << r.status();
    EXPECT_THAT(EmployeeIds(*r), ElementsAre(d::kAseAero)) << query;
  }
  absl::StatusOr<cti::v1::SearchResponse> r = client().Search("MØLLE", end_);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->hits().empty()) << r->ShortDebugString();
}

TEST_F(DirectoryTest, SearchFindsByTaskPrefix) {
  absl::StatusOr<cti::v1::SearchResponse> r = client().Search("kørek", end_);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(EmployeeIds(*r), ElementsAre(d::kBoLund));
  EXPECT_THAT(UnitIds(*r), ElementsAre(d::kBorgerservice));
  for (const cti::v1::SearchHit& hit : r->hits()) EXPECT_EQ(hit.matched(), "task");

  absl::StatusOr<cti::v1::SearchResponse> units =
      client().Search("boligstøtte", end_, cti::v1::SEARCH_KIND_UNIT);
  ASSERT_TRUE(units.ok()) << units.status();
  EXPECT_THAT(UnitIds(*units), ElementsAre(d::kBorgerservice));
  EXPECT_TRUE(EmployeeIds(*units).empty());
}

TEST_F(DirectoryTest, SearchRanksWholeWordsBeforePrefixesAndNamesBeforeTasks) {
  const uint64_t end = AppendAll({
      factory_.EmployeeHired(MakeEmployee("e2002", "Karen Lundgaard", d::kJobcenter, "5121")),
      factory_.EmployeeHired(MakeEmployee("e2003", "Karen Pas", d::kJobcenter, "5122")),
  });
  absl::StatusOr<cti::v1::SearchResponse> lund =
      client().Search("lund", end, cti::v1::SEARCH_KIND_EMPLOYEE);
  ASSERT_TRUE(lund.ok()) << lund.status();
  EXPECT_THAT(EmployeeIds(*lund), ElementsAre(d::kBoLund, "e2002"));  // Whole word first.

  absl::StatusOr<cti::v1::SearchResponse> pas =
      client().Search("pas", end, cti::v1::SEARCH_KIND_EMPLOYEE);
  ASSERT_TRUE(pas.ok()) << pas.status();
  // "Karen Pas" matches by name, Anna Holm by her task "pas".
  ASSERT_THAT(EmployeeIds(*pas), ElementsAre("e2003", d::kAnnaHolm));
  EXPECT_EQ(pas->hits(0).matched(), "name");
  EXPECT_EQ(pas->hits(1).matched(), "task");
  EXPECT_GT(pas->hits(0).score(), pas->hits(1).score());
}

TEST_F(DirectoryTest, UnlistedEmployeeHasNumbersClearedInSearchButNotInGetEmployee) {
  absl::StatusOr<cti::v1::SearchResponse> r = client().Search("jørgen bæk", end_);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_THAT(EmployeeIds(*r), ElementsAre(d::kJorgenBaek));
  EXPECT_TRUE(r->hits(0).employee().unlisted());
  EXPECT_EQ(r->hits(0).employee().direct_number(), "");
  EXPECT_EQ(r->hits(0).employee().email(), "");

  absl::StatusOr<cti::v1::GetEmployeeResponse> e = client().GetEmployee(d::kJorgenBaek, end_);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->employee().direct_number(), "+4573766100");
  EXPECT_EQ(e->employee().email(), "e1005@aabenraa.dk");
}

TEST_F(DirectoryTest, GetEmployeeAnswersRecordAndUnit) {
  absl::StatusOr<cti::v1::GetEmployeeResponse> r = client().GetEmployee(d::kAnnaHolm, end_);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_GE(r->position(), end_);
  EXPECT_EQ(r->employee().full_name(), "Anna Holm");
  EXPECT_EQ(r->employee().extension(), "4711");
  EXPECT_EQ(r->employee().title(), "Sagsbehandler");
  EXPECT_THAT(r->employee().tasks(), ElementsAre("boligstøtte", "pas"));
  EXPECT_TRUE(r->employee().active());
  EXPECT_EQ(r->unit().unit_id(), d::kBorgerservice);
  EXPECT_EQ(r->unit().name(), "Borgerservice");
}

TEST_F(DirectoryTest, GetUnitAnswersEmployeesChildrenAndPhoneResponsible) {
  absl::StatusOr<cti::v1::GetUnitResponse> unit = client().GetUnit(d::kBorgerservice, end_);
  ASSERT_TRUE(unit.ok()) << unit.status();
  EXPECT_EQ(unit->unit().name(), "Borgerservice");
  EXPECT_EQ(unit->unit().kind(), cti::v1::UNIT_KIND_DEPARTMENT);
  EXPECT_EQ(unit->unit().parent_unit_id(), d::kBorgerOgArbejdsmarked);
  EXPECT_TRUE(unit->unit().active());
  EXPECT_THAT(unit->unit().phone_responsible_employee_ids(), ElementsAre(d::kAnnaHolm));
  std::vector<std::string> names;
  for (const cti::v1::Employee& e : unit->employees()) names.push_back(e.full_name());
  EXPECT_THAT(names, ElementsAre("Anna Holm", "Bo Lund"));  // Ordered by name.

  absl::StatusOr<cti::v1::GetUnitResponse> admin =
      client().GetUnit(d::kBorgerOgArbejdsmarked, end_);
  ASSERT_TRUE(admin.ok()) << admin.status();
  std::vector<std::string> children;
  for (const cti::v1::Unit& u : admin->children()) children.push_back(u.name());
  EXPECT_THAT(children, ElementsAre("Borgerservice", "Jobcenter Aabenraa"));
  EXPECT_TRUE(admin->employees().empty());
}

TEST_F(DirectoryTest, EmployeeWhoLeftIsNotFoundBySearchButGetEmployeeStillAnswers) {
  absl::StatusOr<cti::v1::AppendResponse> left = client().Append(factory_.EmployeeLeft(d::kBoLund));
  ASSERT_TRUE(left.ok()) << left.status();

  absl::StatusOr<cti::v1::SearchResponse> by_name = client().Search("bo lund", left->position());
  ASSERT_TRUE(by_name.ok()) << by_name.status();
  EXPECT_TRUE(EmployeeIds(*by_name).empty()) << by_name->ShortDebugString();
  absl::StatusOr<cti::v1::SearchResponse> by_task = client().Search("kørekort", left->position());
  ASSERT_TRUE(by_task.ok()) << by_task.status();
  EXPECT_TRUE(EmployeeIds(*by_task).empty()) << by_task->ShortDebugString();

  absl::StatusOr<cti::v1::GetEmployeeResponse> history =
      client().GetEmployee(d::kBoLund, left->position());
  ASSERT_TRUE(history.ok()) << history.status();
  EXPECT_FALSE(history->employee().active());
  EXPECT_EQ(history->employee().full_name(), "Bo Lund");

  absl::StatusOr<cti::v1::GetUnitResponse> unit =
      client().GetUnit(d::kBorgerservice, left->position());
  ASSERT_TRUE(unit.ok()) << unit.status();
  ASSERT_EQ(unit->employees_size(), 1);
  EXPECT_EQ(unit->employees(0).employee_id(), d::kAnnaHolm);
}

TEST_F(DirectoryTest, MovedEmployeeBelongsToTheNewUnit) {
  absl::StatusOr<cti::v1::AppendResponse> moved =
      client().Append(factory_.EmployeeMoved(d::kBoLund, d::kJobcenter));
  ASSERT_TRUE(moved.ok()) << moved.status();
  absl::StatusOr<cti::v1::GetEmployeeResponse> bo =
      client().GetEmployee(d::kBoLund, moved->position());
  ASSERT_TRUE(bo.ok()) << bo.status();
  EXPECT_EQ(bo->employee().unit_id(), d::kJobcenter);
  EXPECT_EQ(bo->unit().name(), "Jobcenter Aabenraa");
  absl::StatusOr<cti::v1::SearchResponse> hit = client().Search("bo lund", moved->position());
  ASSERT_TRUE(hit.ok()) << hit.status();
  ASSERT_EQ(hit->hits_size(), 1);
  EXPECT_EQ(hit->hits(0).unit_name(), "Jobcenter Aabenraa");
}

TEST_F(DirectoryTest, UnknownIdsAreNotFoundNamingTheId) {
  absl::StatusOr<cti::v1::GetEmployeeResponse> e = client().GetEmployee("e9999", end_);
  EXPECT_EQ(e.status().code(), absl::StatusCode::kNotFound) << e.status();
  EXPECT_THAT(std::string(e.status().message()), HasSubstr("e9999"));
  absl::StatusOr<cti::v1::GetUnitResponse> u = client().GetUnit("skatteforvaltningen", end_);
  EXPECT_EQ(u.status().code(), absl::StatusCode::kNotFound) << u.status();
  EXPECT_THAT(std::string(u.status().message()), HasSubstr("skatteforvaltningen"));
}

TEST_F(DirectoryTest, MinPositionBeyondTheLogWaitsUntilTheDeadline) {
  const absl::Time start = absl::Now();
  absl::StatusOr<cti::v1::SearchResponse> r = client().Search(
      "anna", end_ + 1000, cti::v1::SEARCH_KIND_UNSPECIFIED, kTenant, absl::Milliseconds(700));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded) << r.status();
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(600));
}

TEST_F(DirectoryTest, EmptyQueryIsInvalid) {
  absl::StatusOr<cti::v1::SearchResponse> r = client().Search("", end_);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("query"));
}

}  // namespace
}  // namespace cti::test_support
