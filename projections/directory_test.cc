// Directory queries: search (folding, prefixes, ranking, TP-3.5), GetEmployee, GetUnit.
#include "projections/directory.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/testing/test_util.h"

namespace cti::projections {
namespace {

using testing::Department;
using ::testing::ElementsAre;
using testing::Hire;
using ::testing::IsEmpty;

class DirectoryTest : public testing::ProjectionTest {
 protected:
  void SetUp() override {
    ProjectionTest::SetUp();
    ApplyAll({testing::Administration("adm", "Borger og Arbejdsmarked"),
              Department("bs", "Borgerservice", "adm", {"pas", "kørekort", "sundhedskort"}),
              Department("bolig", "Boligafdelingen", "adm", {"boligstøtte"}),
              Hire("e1", "Anna Holm", "bs", "4711", {"boligstøtte"}),
              Hire("e2", "Bo Lund", "bs", "4712", {"pas"}),
              Hire("e3", "Søren Ærø-Müller", "bolig", "4713", {"boligsikring"}),
              Hire("e4", "Annabel Øster", "bolig", "4714"),
              Hire("e5", "Holger Annasen", "bolig", "4715")});
  }

  cti::v1::SearchResponse Search(const std::string& query,
                                 cti::v1::SearchKind kind = cti::v1::SEARCH_KIND_UNSPECIFIED,
                                 uint32_t limit = 0) {
    cti::v1::SearchRequest request;
    request.set_tenant(testing::kTenant);
    request.set_query(query);
    request.set_kind(kind);
    request.set_limit(limit);
    auto response = Directory(store_.get()).Search(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? *response : cti::v1::SearchResponse();
  }
  // "e:<id>" or "u:<id>" per hit, best first.
  std::vector<std::string> Ids(const std::string& query,
                               cti::v1::SearchKind kind = cti::v1::SEARCH_KIND_UNSPECIFIED) {
    std::vector<std::string> ids;
    const cti::v1::SearchResponse response = Search(query, kind);
    for (const auto& hit : response.hits()) {
      ids.push_back(hit.has_employee() ? "e:" + hit.employee().employee_id()
                                       : "u:" + hit.unit().unit_id());
    }
    return ids;
  }
};

TEST_F(DirectoryTest, FindsByNamePrefixCaseInsensitively) {
  // "Holger Annasen" matches both prefixes too, but "anna" is a whole word of Anna Holm.
  EXPECT_THAT(Ids("anna hol"), ElementsAre("e:e1", "e:e5"));
  EXPECT_THAT(Ids("HOLM"), ElementsAre("e:e1"));
  EXPECT_THAT(Ids("lund"), ElementsAre("e:e2"));
}

TEST_F(DirectoryTest, FoldsDanishLettersAndAccents) {
  EXPECT_THAT(Ids("søren"), ElementsAre("e:e3"));
  EXPECT_THAT(Ids("SØREN ÆRØ"), ElementsAre("e:e3"));
  EXPECT_THAT(Ids("ærø-müller"), ElementsAre("e:e3"));
  EXPECT_THAT(Ids("muller"), ElementsAre("e:e3"));
  EXPECT_THAT(Ids("øster"), ElementsAre("e:e4"));
  EXPECT_THAT(Ids("oster"), IsEmpty());  // ø is a letter of its own
  EXPECT_THAT(Ids("KØREKORT"), ElementsAre("u:bs"));
}

TEST_F(DirectoryTest, EveryWordMustMatch) {
  EXPECT_THAT(Ids("anna lund"), IsEmpty());
  EXPECT_THAT(Ids("bo lund"), ElementsAre("e:e2"));
}

TEST_F(DirectoryTest, RanksWholeWordsBeforePrefixesAndNamesBeforeTasks) {
  // "anna": e1 whole name word; e4 "annabel" and e5 "annasen" name prefixes.
  EXPECT_THAT(Ids("anna"), ElementsAre("e:e1", "e:e4", "e:e5"));
  // "boligstøtte": whole task word of e1 and of unit "bolig"; "bolig" also prefixes the
  // unit name "boligafdelingen". Whole task words rank before a name prefix.
  auto hits = Search("boligstøtte").hits();
  ASSERT_EQ(hits.size(), 2);
  EXPECT_EQ(hits[0].matched(), "task");
  // Ties are ordered by name: "Anna Holm" before "Boligafdelingen".
  EXPECT_EQ(hits[0].employee().employee_id(), "e1");
  EXPECT_EQ(hits[0].unit_name(), "Borgerservice");
  EXPECT_EQ(hits[1].unit().unit_id(), "bolig");
  // "bolig": whole name word nowhere; name prefix of unit "Boligafdelingen" beats task
  // prefixes ("boligstøtte", "boligsikring").
  EXPECT_THAT(Ids("bolig"), ElementsAre("u:bolig", "e:e1", "e:e3"));
  auto bolig = Search("bolig").hits();
  EXPECT_EQ(bolig[0].matched(), "name");
  EXPECT_EQ(bolig[1].matched(), "task");
  EXPECT_GT(bolig[0].score(), bolig[1].score());
  // "pas": whole task word of e2 and unit bs; no name matches.
  EXPECT_THAT(Ids("pas"), ElementsAre("e:e2", "u:bs"));
}

TEST_F(DirectoryTest, KindFilterAndLimit) {
  EXPECT_THAT(Ids("bolig", cti::v1::SEARCH_KIND_UNIT), ElementsAre("u:bolig"));
  EXPECT_THAT(Ids("bolig", cti::v1::SEARCH_KIND_EMPLOYEE), ElementsAre("e:e1", "e:e3"));
  EXPECT_EQ(Search("anna", cti::v1::SEARCH_KIND_UNSPECIFIED, 2).hits_size(), 2);
  for (int i = 0; i < 30; ++i) {
    ApplyAll({Hire(absl::StrCat("p", i), absl::StrCat("Peter ", i), "bs")});
  }
  EXPECT_EQ(Search("peter").hits_size(), 20);  // default limit
  EXPECT_EQ(Search("peter", cti::v1::SEARCH_KIND_UNSPECIFIED, 1000).hits_size(), 30);  // max 500
}

TEST_F(DirectoryTest, LeftEmployeesAndRetiredUnitsAreNotFound) {
  ApplyAll({testing::Leave("e1")});
  EXPECT_THAT(Ids("anna"), ElementsAre("e:e4", "e:e5"));
  EXPECT_THAT(Ids("holm"), IsEmpty());
  ApplyAll({Department("tmp", "Midlertidig Enhed", "adm"), testing::RetireUnit("tmp")});
  EXPECT_THAT(Ids("midlertidig"), IsEmpty());
  // Still in history.
  cti::v1::GetEmployeeRequest request;
  request.set_tenant(testing::kTenant);
  request.set_employee_id("e1");
  auto anna = Directory(store_.get()).GetEmployee(request);
  ASSERT_TRUE(anna.ok());
  EXPECT_FALSE(anna->employee().active());
}

TEST_F(DirectoryTest, RenamesAndTaskChangesMoveTheIndex) {
  cti::v1::Event rename;
  auto* c = rename.mutable_staff()->mutable_employee_contact_changed();
  c->set_employee_id("e2");
  c->set_full_name("Bo Kragh");
  c->set_extension("4712");
  ApplyAll({rename, testing::ChangeTasks("e2", {"hundeskat"})});
  EXPECT_THAT(Ids("lund"), IsEmpty());
  EXPECT_THAT(Ids("kragh"), ElementsAre("e:e2"));
  EXPECT_THAT(Ids("pas"), ElementsAre("u:bs"));
  EXPECT_THAT(Ids("hundeskat"), ElementsAre("e:e2"));
}

TEST_F(DirectoryTest, UnlistedEmployeesHideDirectNumberAndEmail) {
  cti::v1::Event contact;
  auto* c = contact.mutable_staff()->mutable_employee_contact_changed();
  c->set_employee_id("e1");
  c->set_full_name("Anna Holm");
  c->set_extension("4711");
  c->set_direct_number("+4589401234");
  c->set_email("anna@aarhus.dk");
  ApplyAll({contact, testing::SetUnlisted("e1", true)});
  auto hits = Search("anna holm").hits();
  ASSERT_EQ(hits.size(), 1);
  EXPECT_TRUE(hits[0].employee().unlisted());
  EXPECT_EQ(hits[0].employee().direct_number(), "");
  EXPECT_EQ(hits[0].employee().email(), "");
  EXPECT_EQ(hits[0].employee().extension(), "4711");
  // GetEmployee gives the full record.
  cti::v1::GetEmployeeRequest request;
  request.set_tenant(testing::kTenant);
  request.set_employee_id("e1");
  auto full = Directory(store_.get()).GetEmployee(request);
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->employee().direct_number(), "+4589401234");
  EXPECT_EQ(full->unit().unit_id(), "bs");
  // Listed again: published again.
  ApplyAll({testing::SetUnlisted("e1", false)});
  EXPECT_EQ(Search("anna holm").hits(0).employee().direct_number(), "+4589401234");
}

TEST_F(DirectoryTest, BadRequests) {
  Directory directory(store_.get());
  cti::v1::SearchRequest request;
  request.set_tenant(testing::kTenant);
  EXPECT_EQ(directory.Search(request).status().message(), "query: must not be empty");
  request.set_query(std::string(201, 'a'));
  EXPECT_EQ(directory.Search(request).status().code(), absl::StatusCode::kInvalidArgument);
  request.set_query("- !");
  EXPECT_EQ(directory.Search(request).status().message(),
            "query: must contain at least one letter or digit");
  request.set_query("anna");
  request.set_tenant("");
  EXPECT_EQ(directory.Search(request).status().message(), "tenant: must not be empty");

  cti::v1::GetEmployeeRequest get;
  get.set_tenant(testing::kTenant);
  get.set_employee_id("e17");
  EXPECT_EQ(directory.GetEmployee(get).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(directory.GetEmployee(get).status().message(), "employee_id 'e17' not found");
  cti::v1::GetUnitRequest unit;
  unit.set_tenant(testing::kTenant);
  unit.set_unit_id("nowhere");
  EXPECT_EQ(directory.GetUnit(unit).status().message(), "unit_id 'nowhere' not found");
}

TEST_F(DirectoryTest, TenantsDoNotSeeEachOther) {
  cti::v1::Event other = testing::Administration("adm", "Anna Enheden");
  other.set_tenant("odense");
  ApplyAll({other});
  EXPECT_THAT(Ids("anna", cti::v1::SEARCH_KIND_UNIT), IsEmpty());
  cti::v1::SearchRequest request;
  request.set_tenant("odense");
  request.set_query("anna");
  auto hits = Directory(store_.get()).Search(request);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->hits_size(), 1);
  EXPECT_EQ(hits->hits(0).unit().name(), "Anna Enheden");
}

TEST_F(DirectoryTest, GetUnitListsActiveEmployeesAndChildrenByName) {
  ApplyAll({Hire("e6", "Aage Bach", "bolig"), testing::Leave("e5"),
            Department("zz", "Aalborg-kontoret", "bolig"),
            Department("yy", "Zoneafdeling", "bolig")});
  cti::v1::GetUnitRequest request;
  request.set_tenant(testing::kTenant);
  request.set_unit_id("bolig");
  auto unit = Directory(store_.get()).GetUnit(request);
  ASSERT_TRUE(unit.ok()) << unit.status();
  EXPECT_EQ(unit->unit().name(), "Boligafdelingen");
  std::vector<std::string> names;
  for (const auto& e : unit->employees()) names.push_back(e.full_name());
  EXPECT_THAT(names, ElementsAre("Aage Bach", "Annabel Øster", "Søren Ærø-Müller"));
  std::vector<std::string> children;
  for (const auto& u : unit->children()) children.push_back(u.name());
  EXPECT_THAT(children, ElementsAre("Aalborg-kontoret", "Zoneafdeling"));
}

}  // namespace
}  // namespace cti::projections
