// The golden log records of every version (events/<version>/, README.md here) read with
// today's code: each decodes without unknown fields, equals its textproto twin, encodes
// back to the same bytes (and today's embedded log stores today's set as those bytes),
// and the set of every version applies through today's projector without a rejection,
// answering what the records say.
#include "tests/golden/golden_events.h"

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "projections/directory.h"
#include "projections/hours/time_zone.h"
#include "projections/router.h"
#include "projections/testing/test_util.h"
#include "rocksdb/db.h"
#include "server/clock.h"
#include "server/log/embedded_log.h"
#include "server/log/log_format.h"
#include "tests/golden/golden_files.h"

#ifndef CTI_GOLDEN_DIR
#error "CTI_GOLDEN_DIR must name the tests/golden folder"
#endif

namespace cti::golden {
namespace {

// Every golden file of every version, read once.
const std::vector<GoldenFile>& AllFiles() {
  static const std::vector<GoldenFile>* files = [] {
    auto* all = new std::vector<GoldenFile>();
    absl::StatusOr<std::vector<std::string>> versions = GoldenVersions(CTI_GOLDEN_DIR);
    EXPECT_TRUE(versions.ok()) << versions.status();
    for (const std::string& version : versions.ok() ? *versions : std::vector<std::string>()) {
      absl::StatusOr<std::vector<GoldenFile>> read = ReadGoldenFiles(CTI_GOLDEN_DIR, version);
      EXPECT_TRUE(read.ok()) << read.status();
      if (read.ok()) all->insert(all->end(), read->begin(), read->end());
    }
    return all;
  }();
  return *files;
}

std::string Where(const GoldenFile& file) {
  return absl::StrCat("events/", file.version, "/", file.stem);
}

TEST(GoldenEventsTest, ThereAreGoldenFiles) {
  absl::StatusOr<std::vector<std::string>> versions = GoldenVersions(CTI_GOLDEN_DIR);
  ASSERT_TRUE(versions.ok()) << versions.status();
  EXPECT_FALSE(versions->empty());
  EXPECT_GE(AllFiles().size(), EventTypes().size());
}

TEST(GoldenEventsTest, EveryEventTypeHasAGoldenFile) {
  // From the descriptors: a new case of a payload oneof without a golden record fails.
  const std::set<std::string> types = EventTypes();
  EXPECT_GE(types.size(), 41u) << "the Event payload oneofs lost cases";
  std::set<std::string> covered;
  for (const GoldenFile& file : AllFiles()) covered.insert(EventTypeOfName(file.stem));
  for (const std::string& type : types) {
    EXPECT_TRUE(covered.count(type) > 0)
        << "event type " << type << " has no golden file: write a new golden set with "
        << "make_golden (tests/golden/README.md)";
  }
}

TEST(GoldenEventsTest, EveryFieldIsSetInSomeGoldenFile) {
  // Fields are only ever added; a field added without a golden record that sets it would
  // go untested against the stored bytes of its version.
  std::set<std::string> seen;
  for (const GoldenFile& file : AllFiles()) {
    cti::v1::Event event;
    if (event.ParseFromString(file.binary)) CollectSetFields(event, &seen);
  }
  // A citizen's CPR number, address and surname are reachable from a decision trace
  // (CallRouteDecided.target.case_target) but never stored: the projector refuses a
  // record that holds one (TP-4.2), so no golden record can.
  // Nor is a caller's number in an erasure: the server's edge replaces it with the
  // caller's subject.
  const std::set<std::string> never_stored = {"cti.v1.CaseTarget.cpr", "cti.v1.CaseTarget.address",
                                              "cti.v1.CaseTarget.surname",
                                              "cti.v1.PersonalDataErased.caller_number"};
  for (const std::string& field : ReachableFields(cti::v1::Event::descriptor())) {
    if (never_stored.count(field) > 0) continue;
    EXPECT_TRUE(seen.count(field) > 0)
        << "field " << field << " is set in no golden record: write a new golden set with "
        << "make_golden (tests/golden/README.md)";
  }
}

TEST(GoldenEventsTest, EachFileDecodesEqualsItsTwinAndReencodesIdentically) {
  for (const GoldenFile& file : AllFiles()) {
    SCOPED_TRACE(Where(file));
    cti::v1::Event event;
    ASSERT_TRUE(event.ParseFromString(file.binary)) << "does not decode as cti.v1.Event";
    EXPECT_EQ(UnknownFieldPaths(event), std::vector<std::string>())
        << "today's schema does not know fields of the record at these paths";
    EXPECT_EQ(EventTypeOf(event), EventTypeOfName(file.stem)) << "the file name's event type";
    EXPECT_FALSE(event.event_id().empty());
    EXPECT_FALSE(event.tenant().empty());
    EXPECT_TRUE(event.has_occurred_at());
    EXPECT_TRUE(event.has_recorded_at()) << "a log record has recorded_at";

    ASSERT_TRUE(file.has_textproto) << "the .textproto twin is missing";
    cti::v1::Event twin;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(file.textproto, &twin))
        << "the .textproto twin does not parse";
    std::string diff;
    google::protobuf::util::MessageDifferencer differ;
    differ.ReportDifferencesToString(&diff);
    EXPECT_TRUE(differ.Compare(twin, event)) << "the twin differs from the binary:\n" << diff;

    // The log writes a record's value with this encoding (server/log/log_format.h).
    EXPECT_EQ(cti::log::format::SerializeDeterministic(event), file.binary)
        << "today's encoding of the decoded record differs from the stored bytes";
  }
}

// The bytes of today's golden set are what today's embedded log stores: each record
// appended (with the clock at its recorded_at) reads back from the log's database as
// the golden file's bytes, byte for byte.
TEST(GoldenEventsTest, TodaysEmbeddedLogStoresTheNewestSetsBytes) {
  absl::StatusOr<std::vector<std::string>> versions = GoldenVersions(CTI_GOLDEN_DIR);
  ASSERT_TRUE(versions.ok() && !versions->empty());
  std::vector<const GoldenFile*> newest;
  for (const GoldenFile& file : AllFiles()) {
    if (file.version == versions->back()) newest.push_back(&file);
  }
  ASSERT_FALSE(newest.empty());
  projections::testing::TempDir dir;
  {
    cti::SimulatedClock clock(absl::UnixEpoch());
    absl::StatusOr<std::unique_ptr<cti::log::EmbeddedLog>> log =
        cti::log::EmbeddedLog::Open(dir.Sub("log"), &clock);
    ASSERT_TRUE(log.ok()) << log.status();
    for (size_t i = 0; i < newest.size(); ++i) {
      cti::v1::Event event;
      ASSERT_TRUE(event.ParseFromString(newest[i]->binary)) << Where(*newest[i]);
      clock.Set(cti::log::format::FromTimestamp(event.recorded_at()));
      event.clear_recorded_at();  // the log sets it
      absl::StatusOr<cti::log::AppendResult> appended = (*log)->Append(event);
      ASSERT_TRUE(appended.ok()) << Where(*newest[i]) << ": " << appended.status();
      ASSERT_EQ(appended->position, i + 1);
    }
  }
  // The log's own database (server/log/README.md): records in the default family.
  rocksdb::Options options;
  std::vector<std::string> families;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(options, dir.Sub("log"), &families).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : families) descriptors.emplace_back(name, options);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status opened =
      rocksdb::DB::OpenForReadOnly(options, dir.Sub("log"), descriptors, &handles, &raw);
  ASSERT_TRUE(opened.ok()) << opened.ToString();
  std::unique_ptr<rocksdb::DB> db(raw);
  for (size_t i = 0; i < newest.size(); ++i) {
    std::string stored;
    rocksdb::Status got = db->Get(rocksdb::ReadOptions(), db->DefaultColumnFamily(),
                                  cti::log::format::RecordKey(0, i + 1), &stored);
    ASSERT_TRUE(got.ok()) << Where(*newest[i]) << ": " << got.ToString();
    EXPECT_EQ(stored, newest[i]->binary)
        << Where(*newest[i]) << ": the log stores other bytes than the golden file";
  }
  for (rocksdb::ColumnFamilyHandle* handle : handles) db->DestroyColumnFamilyHandle(handle);
}

// Applies golden sets to a fresh store, as a log of their own.
class GoldenApplyTest : public ::testing::Test {
 protected:
  // Opens an empty store (dropping the previous one).
  void OpenFresh() {
    projector_.reset();
    store_.reset();
    dir_ = std::make_unique<projections::testing::TempDir>();
    absl::StatusOr<std::unique_ptr<projections::Store>> store =
        projections::Store::Open(dir_->Sub("store"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    projector_ = std::make_unique<projections::Projector>(store_.get());
  }

  std::vector<cti::v1::LogRecord> RecordsOf(const std::string& version) {
    std::vector<cti::v1::LogRecord> records;
    for (const GoldenFile& file : AllFiles()) {
      if (file.version != version) continue;
      cti::v1::LogRecord& record = records.emplace_back();
      record.set_position(records.size());
      EXPECT_TRUE(record.mutable_event()->ParseFromString(file.binary)) << Where(file);
    }
    return records;
  }

  // Applies `records` to the fresh store; expects every one accepted.
  void ApplyAccepted(const std::vector<cti::v1::LogRecord>& records) {
    ASSERT_NO_FATAL_FAILURE(OpenFresh());
    ASSERT_FALSE(records.empty());
    absl::StatusOr<std::vector<cti::v1::ApplyOutcome>> outcomes = projector_->Apply(0, records);
    ASSERT_TRUE(outcomes.ok()) << outcomes.status();
    ASSERT_EQ(outcomes->size(), records.size());
    for (size_t i = 0; i < records.size(); ++i) {
      EXPECT_FALSE((*outcomes)[i].rejected())
          << "position " << records[i].position() << " (" << EventTypeOf(records[i].event())
          << ", event_id " << records[i].event().event_id()
          << ") rejected: " << (*outcomes)[i].reason();
    }
    EXPECT_EQ(store_->AppliedPosition(0), records.size());
    EXPECT_EQ(store_->records_rejected(), 0u);
  }

  absl::StatusOr<cti::v1::RouteResponse> Route(const cti::v1::RouteTarget& target,
                                               absl::CivilMinute local) {
    absl::StatusOr<absl::TimeZone> zone = cti::hours::CopenhagenTimeZone();
    if (!zone.ok()) return zone.status();
    cti::v1::RouteRequest request;
    request.set_tenant(kGoldenTenant);
    *request.mutable_target() = target;
    cti::log::format::ToTimestamp(absl::FromCivil(local, *zone), request.mutable_at());
    return projections::Router(store_.get(), *zone).Route(request, absl::UnixEpoch());
  }

  std::unique_ptr<projections::testing::TempDir> dir_;
  std::unique_ptr<projections::Store> store_;
  std::unique_ptr<projections::Projector> projector_;
};

TEST_F(GoldenApplyTest, EveryVersionAppliesWithoutRejection) {
  absl::StatusOr<std::vector<std::string>> versions = GoldenVersions(CTI_GOLDEN_DIR);
  ASSERT_TRUE(versions.ok()) << versions.status();
  for (const std::string& version : *versions) {
    SCOPED_TRACE(absl::StrCat("events/", version));
    ApplyAccepted(RecordsOf(version));
  }
}

// Today's golden set as the projector answers it: the records' content reached the
// projections (directory, calendar, forwarding, groups, hours).
TEST_F(GoldenApplyTest, TodaysSetAnswersWhatItSays) {
  absl::StatusOr<std::vector<std::string>> versions = GoldenVersions(CTI_GOLDEN_DIR);
  ASSERT_TRUE(versions.ok() && !versions->empty());
  const std::vector<cti::v1::LogRecord> records = RecordsOf(versions->back());
  ASSERT_NO_FATAL_FAILURE(ApplyAccepted(records));
  projections::Directory directory(store_.get());

  // Bo Lund: hired, then his contact data changed.
  cti::v1::GetEmployeeRequest get;
  get.set_tenant(kGoldenTenant);
  get.set_employee_id(ids::kBoLund);
  absl::StatusOr<cti::v1::GetEmployeeResponse> bo = directory.GetEmployee(get);
  ASSERT_TRUE(bo.ok()) << bo.status();
  EXPECT_EQ(bo->employee().full_name(), "Bo Lund Sørensen");
  EXPECT_EQ(bo->employee().extension(), "4715");
  EXPECT_EQ(bo->employee().title(), "Teamleder");
  EXPECT_EQ(bo->unit().name(), "Borgerservice");

  // Jørgen Bæk moved to the jobcenter and became unlisted; Mads Kjær left.
  get.set_employee_id("e2005");
  absl::StatusOr<cti::v1::GetEmployeeResponse> moved = directory.GetEmployee(get);
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(moved->employee().unit_id(), ids::kJobcenter);
  EXPECT_TRUE(moved->employee().unlisted());
  get.set_employee_id("e2006");
  absl::StatusOr<cti::v1::GetEmployeeResponse> left = directory.GetEmployee(get);
  ASSERT_TRUE(left.ok()) << left.status();
  EXPECT_FALSE(left->employee().active());

  // The task Søren Østergaard was given is found.
  cti::v1::SearchRequest search;
  search.set_tenant(kGoldenTenant);
  search.set_query("jobafklaring");
  absl::StatusOr<cti::v1::SearchResponse> hits = directory.Search(search);
  ASSERT_TRUE(hits.ok()) << hits.status();
  ASSERT_FALSE(hits->hits().empty());
  EXPECT_EQ(hits->hits(0).employee().employee_id(), "e2003");

  // Anna Holm is sick and forwarded to Bo Lund on Tuesday 4 March at 10:00 (TP-4.5).
  cti::v1::RouteTarget anna;
  anna.set_employee_id(ids::kAnnaHolm);
  absl::StatusOr<cti::v1::RouteResponse> route = Route(anna, absl::CivilMinute(2025, 3, 4, 10, 0));
  ASSERT_TRUE(route.ok()) << route.status();
  ASSERT_FALSE(route->steps().empty());
  EXPECT_EQ(route->steps(0).employee_id(), ids::kBoLund) << route->DebugString();
  EXPECT_EQ(route->steps(route->steps_size() - 1).kind(), cti::v1::STEP_KIND_RECEPTION_MESSAGE);

  // Borgerservice's line rings its hunt group while open.
  cti::v1::RouteTarget unit;
  unit.set_unit_id(ids::kBorgerservice);
  route = Route(unit, absl::CivilMinute(2025, 3, 4, 10, 0));
  ASSERT_TRUE(route.ok()) << route.status();
  ASSERT_FALSE(route->steps().empty());
  EXPECT_EQ(route->steps(0).group_id(), ids::kHuntGroup) << route->DebugString();
}

}  // namespace
}  // namespace cti::golden
