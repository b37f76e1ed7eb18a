// Projector mechanics: exactly-once, determinism, rejection bookkeeping, batches,
// apply-time event_id dedupe, Validate.
#include "projections/projector.h"

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "projections/directory.h"
#include "projections/testing/test_util.h"

namespace cti::projections {
namespace {

using testing::Records;
using testing::TempDir;

// A mixed history: staff, calendar, calls, and a few records that are rejected.
std::vector<cti::v1::Event> History() {
  std::vector<cti::v1::Event> events = {
      testing::Administration("adm", "Borger og Arbejdsmarked"),
      testing::Department("bs", "Borgerservice", "adm", {"pas", "kørekort"}),
      testing::Hire("e1", "Anna Holm", "bs", "4711", {"boligstøtte"}),
      testing::Hire("e2", "Bo Lund", "bs", "4712"),
      testing::Hire("e3", "Carl Berg", "bs", "4711"),  // rejected: extension taken
      testing::UpsertEntry("e1", "m1", testing::kT0, testing::kT0 + 3600, "Kursus i Vejle"),
      testing::ForwardToColleague("e1", "f1", "e2", "kursus"),
      testing::Offered("c1"),
      testing::RingingAt("c1", "e2"),
      testing::AnsweredBy("c1", "e2"),
      testing::Ended("c1"),
      testing::Ended("c1"),  // rejected: already ended
      testing::Move("e2", "adm"),
      testing::Leave("e1"),
      testing::RetireUnit("bs"),  // accepted: e2 moved, e1 left
  };
  for (int i = 0; i < 40; ++i) {
    events.push_back(testing::Hire(absl::StrCat("x", i), absl::StrCat("Person ", i), "adm",
                                   absl::StrCat(5000 + i)));
  }
  return events;
}

std::unique_ptr<Store> Open(const std::string& dir) {
  auto store = Store::Open(dir);
  EXPECT_TRUE(store.ok()) << store.status();
  return std::move(*store);
}

// Applies `records` in consecutive batches of the given sizes (cycling).
void ApplyInBatches(Projector& projector, const std::vector<cti::v1::LogRecord>& records,
                    std::vector<size_t> sizes) {
  size_t next = 0;
  for (size_t i = 0; next < records.size(); ++i) {
    const size_t n = std::min(sizes[i % sizes.size()], records.size() - next);
    auto outcomes = projector.Apply(0, absl::MakeConstSpan(records).subspan(next, n));
    ASSERT_TRUE(outcomes.ok()) << outcomes.status();
    ASSERT_EQ(outcomes->size(), n);
    next += n;
  }
}

TEST(Projector, ReapplyingABatchChangesNothing) {
  TempDir dir;
  auto store = Open(dir.Sub("s"));
  Projector projector(store.get());
  const auto records = Records(History());
  auto first = projector.Apply(0, records);
  ASSERT_TRUE(first.ok()) << first.status();
  const std::string digest = *store->Digest();
  const uint64_t applied = store->records_applied();
  const uint64_t rejected = store->records_rejected();
  EXPECT_EQ(applied, records.size());
  EXPECT_EQ(rejected, 2u);

  auto again = projector.Apply(0, records);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*store->Digest(), digest);
  EXPECT_EQ(store->records_applied(), applied);
  EXPECT_EQ(store->records_rejected(), rejected);
  ASSERT_EQ(again->size(), first->size());
  for (size_t i = 0; i < first->size(); ++i) {
    EXPECT_EQ((*again)[i].rejected(), (*first)[i].rejected()) << i;
    EXPECT_EQ((*again)[i].reason(), (*first)[i].reason()) << i;
  }
}

TEST(Projector, OverlappingBatchAppliesOnlyTheNewTail) {
  TempDir dir;
  auto whole = Open(dir.Sub("whole"));
  auto pieces = Open(dir.Sub("pieces"));
  const auto records = Records(History());
  ASSERT_TRUE(Projector(whole.get()).Apply(0, records).ok());
  Projector projector(pieces.get());
  ASSERT_TRUE(projector.Apply(0, absl::MakeConstSpan(records).subspan(0, 9)).ok());
  // A crash after the write: the reader re-delivers from an earlier position.
  ASSERT_TRUE(projector.Apply(0, absl::MakeConstSpan(records).subspan(4)).ok());
  EXPECT_EQ(pieces->AppliedPosition(0), records.back().position());
  EXPECT_EQ(pieces->records_applied(), records.size());
  EXPECT_EQ(*pieces->Digest(), *whole->Digest());
}

TEST(Projector, DeterministicAcrossStoresAndBatchSplits) {
  TempDir dir;
  const auto records = Records(History());
  auto a = Open(dir.Sub("a"));
  auto b = Open(dir.Sub("b"));
  auto c = Open(dir.Sub("c"));
  Projector pa(a.get()), pb(b.get()), pc(c.get());
  ApplyInBatches(pa, records, {records.size()});
  ApplyInBatches(pb, records, {1});
  ApplyInBatches(pc, records, {3, 1, 7, 2});
  const std::string digest = *a->Digest();
  EXPECT_EQ(*b->Digest(), digest);
  EXPECT_EQ(*c->Digest(), digest);
}

TEST(Projector, LaterRecordsOfABatchSeeEarlierOnes) {
  TempDir dir;
  auto store = Open(dir.Sub("s"));
  Projector projector(store.get());
  auto outcomes = projector.Apply(
      0, Records({testing::Hire("e1", "Anna Holm", "bs"),  // unit not there yet: rejected
                  testing::Administration("adm", "Adm"),
                  testing::Department("bs", "Borgerservice", "adm"),
                  testing::Hire("e1", "Anna Holm", "bs", "4711"),  // the rejected one left no trace
                  testing::Hire("e2", "Bo Lund", "bs", "4711")}));  // sees e1's extension
  ASSERT_TRUE(outcomes.ok());
  EXPECT_TRUE((*outcomes)[0].rejected());
  EXPECT_EQ((*outcomes)[0].reason(), "unit_id 'bs' not found");
  EXPECT_FALSE((*outcomes)[1].rejected());
  EXPECT_FALSE((*outcomes)[2].rejected());
  EXPECT_FALSE((*outcomes)[3].rejected()) << (*outcomes)[3].reason();
  EXPECT_TRUE((*outcomes)[4].rejected());
  EXPECT_EQ((*outcomes)[4].reason(), "extension '4711' is already used by employee_id 'e1'");
}

TEST(Projector, RejectedRecordsChangeNothingButAreCountedAndKept) {
  TempDir dir;
  auto store = Open(dir.Sub("s"));
  Projector projector(store.get());
  ASSERT_TRUE(projector.Apply(0, Records({testing::Administration("adm", "Adm")})).ok());
  const std::string digest_before = *store->Digest();
  auto bad = Records({testing::Hire("e1", "", "adm", "4711")}, 2);
  auto outcomes = projector.Apply(0, bad);
  ASSERT_TRUE(outcomes.ok());
  EXPECT_TRUE((*outcomes)[0].rejected());
  EXPECT_EQ((*outcomes)[0].reason(), "staff.employee_hired.employee.full_name: must not be empty");
  EXPECT_EQ(store->records_applied(), 2u);
  EXPECT_EQ(store->records_rejected(), 1u);
  EXPECT_EQ(store->AppliedPosition(0), 2u);
  EXPECT_NE(*store->Digest(), digest_before);  // checkpoint, counters and outcome moved
  Directory directory(store.get());
  cti::v1::GetEmployeeRequest get;
  get.set_tenant(testing::kTenant);
  get.set_employee_id("e1");
  EXPECT_EQ(directory.GetEmployee(get).status().code(), absl::StatusCode::kNotFound);
  // The extension is still free.
  auto ok = projector.Apply(0, Records({testing::Hire("e2", "Bo Lund", "adm", "4711")}, 3));
  ASSERT_TRUE(ok.ok());
  EXPECT_FALSE((*ok)[0].rejected()) << (*ok)[0].reason();
}

TEST(Projector, DuplicateEventIdIsRejectedAtApply) {
  TempDir dir;
  auto store = Open(dir.Sub("s"));
  Projector projector(store.get());
  auto records =
      Records({testing::Administration("adm", "Adm"), testing::Administration("adm2", "Adm 2"),
               testing::Hire("e1", "Anna", "nowhere"), testing::Hire("e1", "Anna", "adm")});
  records[1].mutable_event()->set_event_id(records[0].event().event_id());
  records[3].mutable_event()->set_event_id(records[2].event().event_id());
  auto outcomes = projector.Apply(0, records);
  ASSERT_TRUE(outcomes.ok());
  EXPECT_TRUE((*outcomes)[1].rejected());
  EXPECT_EQ((*outcomes)[1].reason(), "event_id 'ev-1' is a duplicate of position 1");
  EXPECT_TRUE((*outcomes)[2].rejected());
  // The id of a rejected record is taken too: the retry does not sneak in later.
  EXPECT_TRUE((*outcomes)[3].rejected());
  EXPECT_EQ((*outcomes)[3].reason(), "event_id 'ev-3' is a duplicate of position 3");
  // The same event_id in another tenant is another event.
  auto other = Records({testing::Administration("adm", "Adm")}, 5);
  other[0].mutable_event()->set_tenant("odense");
  other[0].mutable_event()->set_event_id("ev-1");
  auto other_outcome = projector.Apply(0, other);
  ASSERT_TRUE(other_outcome.ok());
  EXPECT_FALSE((*other_outcome)[0].rejected()) << (*other_outcome)[0].reason();
}

TEST(Projector, PositionsMustIncrease) {
  TempDir dir;
  auto store = Open(dir.Sub("s"));
  Projector projector(store.get());
  auto records =
      Records({testing::Administration("a1", "A1"), testing::Administration("a2", "A2")});
  records[1].set_position(1);
  EXPECT_EQ(projector.Apply(0, records).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store->AppliedPosition(0), 0u);
  EXPECT_EQ(store->records_applied(), 0u);
}

TEST(Projector, EmptyBatchIsANoOp) {
  TempDir dir;
  auto store = Open(dir.Sub("s"));
  Projector projector(store.get());
  auto outcomes = projector.Apply(0, {});
  ASSERT_TRUE(outcomes.ok());
  EXPECT_TRUE(outcomes->empty());
  EXPECT_EQ(store->AppliedPosition(0), 0u);
}

TEST(Validate, AgreesWithApplyAndChangesNothing) {
  TempDir dir;
  auto store = Open(dir.Sub("s"));
  Projector projector(store.get());
  ASSERT_TRUE(projector
                  .Apply(0, Records({testing::Administration("adm", "Adm"),
                                     testing::Hire("e1", "Anna", "adm", "4711")}))
                  .ok());
  const std::string digest = *store->Digest();

  const auto with_envelope = [](cti::v1::Event e, uint64_t n) {
    testing::FillEnvelope(&e, n);
    return e;
  };
  auto good = with_envelope(testing::Hire("e2", "Bo", "adm", "4712"), 3);
  EXPECT_TRUE(Validate(*store, good).ok());
  auto taken = with_envelope(testing::Hire("e2", "Bo", "adm", "4711"), 4);
  absl::Status status = Validate(*store, taken);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(), "extension '4711' is already used by employee_id 'e1'");
  auto missing = with_envelope(testing::Move("e9", "adm"), 5);
  status = Validate(*store, missing);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "employee_id 'e9' not found");
  auto shape = with_envelope(testing::Administration("", "X"), 6);
  status = Validate(*store, shape);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "staff.unit_defined.unit.unit_id: must not be empty");

  EXPECT_EQ(*store->Digest(), digest);
  EXPECT_EQ(store->AppliedPosition(0), 2u);
  // Apply gives the same verdicts.
  auto outcomes = projector.Apply(0, Records({taken, missing, shape, good}, 3));
  ASSERT_TRUE(outcomes.ok());
  EXPECT_TRUE((*outcomes)[0].rejected());
  EXPECT_TRUE((*outcomes)[1].rejected());
  EXPECT_TRUE((*outcomes)[2].rejected());
  EXPECT_FALSE((*outcomes)[3].rejected());
}

}  // namespace
}  // namespace cti::projections
