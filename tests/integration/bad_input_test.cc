// The bad-input list: each bad request gets its expected status (naming the field or the
// TP rule) and leaves the log unchanged (log_end_position and state digest as before, and
// the next good append lands right after the old end). Through gRPC and `ctictl append`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/support/ctid_fixture.h"
#include "tests/support/subprocess.h"

#ifndef CTICTL_PATH
#error "CTICTL_PATH must be defined by the build (the ctictl target's file)"
#endif

namespace cti::test_support {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;
namespace d = demo;

class BadInputTest : public CtidTest {
 protected:
  void SetUp() override {
    CtidTest::SetUp();
    if (HasFatalFailure()) return;
    AppendAll(DemoOrganisation(factory_));
    Snapshot();
  }

  // Remembers log end and digest as the baseline.
  void Snapshot() {
    absl::StatusOr<cti::v1::GetStatusResponse> s = client().Status();
    ASSERT_TRUE(s.ok()) << s.status();
    absl::StatusOr<cti::v1::GetStatusResponse> applied = client().Status(s->log_end_position());
    ASSERT_TRUE(applied.ok()) << applied.status();
    end_ = applied->log_end_position();
    digest_ = applied->state_digest();
  }

  // The log and the state are as at the last Snapshot, and the next good append lands at
  // end + 1 (so nothing half-appended is hiding). Then takes a new snapshot.
  void ExpectLogUnchanged() {
    absl::StatusOr<cti::v1::GetStatusResponse> s = client().Status(end_);
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ(s->log_end_position(), end_) << "the log changed";
    EXPECT_EQ(s->applied_position(), end_);
    EXPECT_EQ(s->state_digest(), digest_) << "the state changed";
    absl::StatusOr<cti::v1::AppendResponse> sentinel =
        client().Append(factory_.CallOffered(factory_.PeekNextId() + "-call", "+4586868686"));
    ASSERT_TRUE(sentinel.ok()) << sentinel.status();
    EXPECT_EQ(sentinel->position(), end_ + 1);
    Snapshot();
  }

  // Appends `event` expecting `code` with every one of `fragments` in the message.
  void ExpectRefused(const cti::v1::Event& event, absl::StatusCode code,
                     const std::vector<std::string>& fragments) {
    absl::StatusOr<cti::v1::AppendResponse> r = client().Append(event);
    ASSERT_FALSE(r.ok()) << "accepted at " << r->position() << ": " << event.ShortDebugString();
    EXPECT_EQ(r.status().code(), code) << r.status() << "\nfor " << event.ShortDebugString();
    for (const std::string& f : fragments) {
      EXPECT_THAT(std::string(r.status().message()), HasSubstr(f)) << event.ShortDebugString();
    }
  }

  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = absl::StrCat(ctid().work_dir(), "/", name);
    std::ofstream(path) << text;
    return path;
  }

  absl::StatusOr<ProcessResult> Ctictl(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {
        CTICTL_PATH, "--server", ctid().address(), "--tenant",  kTenant, "--actor",
        "it-drift",  "--role",   "admin",          "--timeout", "10"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProcess(argv);
  }

  uint64_t end_ = 0;
  std::string digest_;
};

constexpr char kGoodLine[] = R"({"event_id":"fil-1","occurred_at":"2024-11-04T08:00:00Z",)"
                             R"("staff":{"unit_defined":{"unit":{"unit_id":"teknik-miljoe",)"
                             R"("kind":"UNIT_KIND_ADMINISTRATION","name":"Teknik og Miljø"}}}})";
// Depends on kGoodLine: an employee of the unit it defines.
constexpr char kDependentLine[] =
    R"({"event_id":"fil-1b","occurred_at":"2024-11-04T08:00:01Z",)"
    R"("staff":{"employee_hired":{"employee":{"employee_id":"e7001",)"
    R"("full_name":"Ulla Bøgh","unit_id":"teknik-miljoe","extension":"7101"}}}})";

TEST_F(BadInputTest, CtictlAppendsAValidFile) {
  // The control case: without it the refusals below could come from a broken ctictl.
  // The second line depends on the first (read your writes at validation).
  absl::StatusOr<ProcessResult> r = Ctictl(
      {"append", WriteFile("good.jsonl", absl::StrCat(kGoodLine, "\n", kDependentLine, "\n"))});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 0) << r->err;
  EXPECT_THAT(r->out, HasSubstr(absl::StrCat(end_ + 1)));
  EXPECT_THAT(r->out, HasSubstr(absl::StrCat(end_ + 2)));
  absl::StatusOr<cti::v1::GetUnitResponse> unit = client().GetUnit("teknik-miljoe", end_ + 2);
  ASSERT_TRUE(unit.ok()) << unit.status();
  EXPECT_EQ(unit->unit().name(), "Teknik og Miljø");
  ASSERT_EQ(unit->employees_size(), 1);
  EXPECT_EQ(unit->employees(0).full_name(), "Ulla Bøgh");
}

TEST_F(BadInputTest, MalformedJsonViaCtictlExits4AndSendsNothing) {
  const std::string truncated = R"({"event_id":"fil-2","occurred_at":"2024-11-04T08:00:00Z",)";
  absl::StatusOr<ProcessResult> r = Ctictl({"append", WriteFile("bad.jsonl", truncated)});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 4) << r->err;
  EXPECT_THAT(r->err, HasSubstr("bad.jsonl:1"));
  ExpectLogUnchanged();

  // A good line before a bad one: all or nothing, so the good one is not sent either.
  r = Ctictl({"append", WriteFile("half.jsonl", absl::StrCat(kGoodLine, "\n{not json}\n"))});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 4) << r->err;
  EXPECT_THAT(r->err, HasSubstr("half.jsonl:2"));
  ExpectLogUnchanged();
}

TEST_F(BadInputTest, UnknownJsonFieldViaCtictlIsAParseError) {
  const std::string line =
      R"({"event_id":"fil-3","occurred_at":"2024-11-04T08:00:00Z","farve":"blå",)"
      R"("staff":{"employee_left":{"employee_id":"e1002"}}})";
  absl::StatusOr<ProcessResult> r = Ctictl({"append", WriteFile("unknown.jsonl", line)});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 4) << r->err;
  EXPECT_THAT(r->err, HasSubstr("farve"));
  ExpectLogUnchanged();
}

TEST_F(BadInputTest, UnknownFieldNumberInTheBinaryMessageIsInvalid) {
  cti::v1::Event event = factory_.EmployeeLeft(d::kBoLund);
  event.GetReflection()->MutableUnknownFields(&event)->AddVarint(999, 1);
  ExpectRefused(event, absl::StatusCode::kInvalidArgument, {"999"});
  ExpectLogUnchanged();

  // Deep inside the payload too.
  cti::v1::Event nested = factory_.UnitDefined(MakeUnit("vej-park", cti::v1::UNIT_KIND_DEPARTMENT,
                                                        "Vej og Park", d::kBorgerOgArbejdsmarked));
  cti::v1::Unit* unit = nested.mutable_staff()->mutable_unit_defined()->mutable_unit();
  unit->GetReflection()->MutableUnknownFields(unit)->AddLengthDelimited(42, "skjult");
  ExpectRefused(nested, absl::StatusCode::kInvalidArgument, {"42"});
  ExpectLogUnchanged();
}

TEST_F(BadInputTest, MissingEnvelopeFieldsAreInvalidNamingTheField) {
  cti::v1::Event no_tenant = factory_.EmployeeLeft(d::kBoLund);
  no_tenant.clear_tenant();
  ExpectRefused(no_tenant, absl::StatusCode::kInvalidArgument, {"tenant"});
  cti::v1::Event no_time = factory_.EmployeeLeft(d::kBoLund);
  no_time.clear_occurred_at();
  ExpectRefused(no_time, absl::StatusCode::kInvalidArgument, {"occurred_at"});
  cti::v1::Event no_payload = factory_.Envelope();
  ExpectRefused(no_payload, absl::StatusCode::kInvalidArgument, {"payload"});
  cti::v1::Event no_change = factory_.Envelope();
  no_change.mutable_staff();
  absl::StatusOr<cti::v1::AppendResponse> r = client().Append(no_change);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  EXPECT_THAT(std::string(r.status().message()), AnyOf(HasSubstr("change"), HasSubstr("staff")));
  cti::v1::Event bad_tenant = factory_.EmployeeLeft(d::kBoLund);
  bad_tenant.set_tenant("Aabenraa Kommune");
  ExpectRefused(bad_tenant, absl::StatusCode::kInvalidArgument, {"tenant"});
  ExpectLogUnchanged();
}

TEST_F(BadInputTest, MissingOrMalformedIdsAreInvalidNamingTheField) {
  ExpectRefused(factory_.EmployeeHired(MakeEmployee("", "Kim Vestergård", d::kJobcenter)),
                absl::StatusCode::kInvalidArgument, {"employee_id"});
  ExpectRefused(factory_.UnitDefined(MakeUnit("", cti::v1::UNIT_KIND_DEPARTMENT, "Kultur",
                                              d::kBorgerOgArbejdsmarked)),
                absl::StatusCode::kInvalidArgument, {"unit_id"});
  ExpectRefused(factory_.EmployeeLeft(""), absl::StatusCode::kInvalidArgument, {"employee_id"});
  ExpectRefused(factory_.CalendarEntry(d::kAnnaHolm, "", cti::v1::ABSENCE_KIND_MEETING, BaseTime(),
                                       absl::Hours(1), "Teammøde"),
                absl::StatusCode::kInvalidArgument, {"entry_id"});
  cti::v1::Event spaces = factory_.EmployeeLeft(d::kBoLund);
  spaces.set_event_id("bo lund forlod os");
  ExpectRefused(spaces, absl::StatusCode::kInvalidArgument, {"event_id"});
  // event_id has no stated length limit (it is opaque: "<source>:<source id>"), but
  // correlation_id is "up to 128 characters".
  cti::v1::Event long_correlation = factory_.EmployeeLeft(d::kBoLund);
  long_correlation.set_correlation_id(std::string(129, 'k'));
  ExpectRefused(long_correlation, absl::StatusCode::kInvalidArgument, {"correlation_id"});
  ExpectLogUnchanged();
}

TEST_F(BadInputTest, MessageOver4MiBIsResourceExhausted) {
  cti::v1::Unit unit =
      MakeUnit("stor", cti::v1::UNIT_KIND_DEPARTMENT, "Stor afdeling", d::kBorgerOgArbejdsmarked);
  unit.set_description(std::string(4 * 1024 * 1024 + 100, 'z'));
  ExpectRefused(factory_.UnitDefined(unit), absl::StatusCode::kResourceExhausted, {});
  ExpectLogUnchanged();
}

TEST_F(BadInputTest, TimesBefore1970OrAfter2200AreInvalid) {
  cti::v1::Event before = factory_.EmployeeLeft(d::kBoLund);
  before.mutable_occurred_at()->set_seconds(-1);  // 1969-12-31T23:59:59Z
  ExpectRefused(before, absl::StatusCode::kInvalidArgument, {"occurred_at"});
  cti::v1::Event after = factory_.EmployeeLeft(d::kBoLund);
  after.mutable_occurred_at()->set_seconds(7258118400 + 1);  // 2200-01-01T00:00:01Z
  ExpectRefused(after, absl::StatusCode::kInvalidArgument, {"occurred_at"});
  cti::v1::Event far = factory_.EmployeeLeft(d::kBoLund);
  far.mutable_occurred_at()->set_seconds(253402300800);  // Year 10000.
  ExpectRefused(far, absl::StatusCode::kInvalidArgument, {"occurred_at"});
  cti::v1::Event bad_nanos = factory_.EmployeeLeft(d::kBoLund);
  bad_nanos.mutable_occurred_at()->set_nanos(1000000000);
  ExpectRefused(bad_nanos, absl::StatusCode::kInvalidArgument, {"occurred_at"});
  cti::v1::Event ended_before_start =
      factory_.CalendarEntry(d::kAnnaHolm, "kal-baglæns", cti::v1::ABSENCE_KIND_MEETING, BaseTime(),
                             -absl::Hours(1), "Møde");
  ExpectRefused(ended_before_start, absl::StatusCode::kInvalidArgument, {"end"});
  ExpectLogUnchanged();
}

TEST_F(BadInputTest, EmptyNamesAreInvalid) {
  ExpectRefused(factory_.UnitDefined(MakeUnit("kultur", cti::v1::UNIT_KIND_DEPARTMENT, "",
                                              d::kBorgerOgArbejdsmarked)),
                absl::StatusCode::kInvalidArgument, {"name"});
  ExpectRefused(factory_.EmployeeHired(MakeEmployee("e5001", "", d::kJobcenter)),
                absl::StatusCode::kInvalidArgument, {"full_name"});
  cti::v1::Event renamed = factory_.Envelope();
  auto* contact = renamed.mutable_staff()->mutable_employee_contact_changed();
  contact->set_employee_id(d::kAnnaHolm);
  contact->set_extension("4711");
  ExpectRefused(renamed, absl::StatusCode::kInvalidArgument, {"full_name"});
  ExpectLogUnchanged();
}

TEST_F(BadInputTest, EventIdReusedWithAnotherPayloadIsAFailedPrecondition) {
  const cti::v1::Event original = factory_.CallOffered("sip-7@pbx", "+4520304050");
  absl::StatusOr<cti::v1::AppendResponse> first = client().Append(original);
  ASSERT_TRUE(first.ok()) << first.status();
  Snapshot();
  cti::v1::Event other = original;
  other.mutable_call()->mutable_offered()->set_caller_number("+4599999999");
  ExpectRefused(other, absl::StatusCode::kFailedPrecondition, {original.event_id()});
  cti::v1::Event other_time = original;
  other_time.mutable_occurred_at()->set_seconds(original.occurred_at().seconds() + 60);
  ExpectRefused(other_time, absl::StatusCode::kFailedPrecondition, {original.event_id()});
  ExpectLogUnchanged();
}

TEST_F(BadInputTest, SameEventIdSamePayloadIsADuplicateAtTheSamePosition) {
  const cti::v1::Event original = factory_.CallOffered("sip-8@pbx", "+4520304050");
  absl::StatusOr<cti::v1::AppendResponse> first = client().Append(original);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->duplicate());
  Snapshot();
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<cti::v1::AppendResponse> again = client().Append(original);
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_TRUE(again->duplicate());
    EXPECT_EQ(again->position(), first->position());
    EXPECT_EQ(again->event_id(), original.event_id());
  }
  ExpectLogUnchanged();
}

TEST_F(BadInputTest, UnknownRecordsAreNotFoundNamingTheRecord) {
  ExpectRefused(factory_.EmployeeMoved("e9999", d::kJobcenter), absl::StatusCode::kNotFound,
                {"e9999"});
  ExpectRefused(factory_.EmployeeLeft("e9998"), absl::StatusCode::kNotFound, {"e9998"});
  ExpectRefused(factory_.CalendarEntry("e9997", "kal-x", cti::v1::ABSENCE_KIND_SICK, BaseTime(),
                                       absl::Hours(8), "Syg"),
                absl::StatusCode::kNotFound, {"e9997"});
  ExpectRefused(factory_.EmployeeHired(MakeEmployee("e5002", "Pia Mølgaard", "ingen-enhed")),
                absl::StatusCode::kNotFound, {"ingen-enhed"});
  ExpectRefused(factory_.EmployeeMoved(d::kAnnaHolm, "ingen-enhed"), absl::StatusCode::kNotFound,
                {"ingen-enhed"});
  ExpectLogUnchanged();
}

TEST_F(BadInputTest, ConflictsWithTheStateAreFailedPreconditions) {
  // employee_id never reused (staff.proto).
  ExpectRefused(factory_.EmployeeHired(MakeEmployee(d::kAnnaHolm, "Anna Holm", d::kJobcenter)),
                absl::StatusCode::kFailedPrecondition, {d::kAnnaHolm});
  // Extension unique among current employees: Anna Holm has 4711.
  ExpectRefused(factory_.EmployeeHired(MakeEmployee("e5003", "Tove Lykke", d::kJobcenter, "4711")),
                absl::StatusCode::kFailedPrecondition, {"4711"});
  // A unit with active employees cannot be retired.
  ExpectRefused(factory_.UnitRetired(d::kBorgerservice), absl::StatusCode::kFailedPrecondition,
                {d::kBorgerservice});
  ExpectLogUnchanged();
}

TEST_F(BadInputTest, CprNumberInACalendarEntryIsRefusedCitingTp42) {
  for (const char* subject :
       {"Møde med borger 010203-1234", "Samtale vedr. 0102031234", "Opfølgning 311299-4321"}) {
    ExpectRefused(factory_.CalendarEntry(d::kAnnaHolm, "kal-cpr", cti::v1::ABSENCE_KIND_MEETING,
                                         BaseTime(), absl::Hours(1), subject),
                  absl::StatusCode::kInvalidArgument, {"TP-4.2"});
  }
  ExpectRefused(factory_.ForwardToColleague(d::kAnnaHolm, "fwd-cpr", d::kBoLund, "sag 010203-1234"),
                absl::StatusCode::kInvalidArgument, {"TP-4.2"});
  ExpectLogUnchanged();
  // A subject with an ordinary number is fine.
  absl::StatusOr<cti::v1::AppendResponse> ok = client().Append(
      factory_.CalendarEntry(d::kAnnaHolm, "kal-ok", cti::v1::ABSENCE_KIND_MEETING, BaseTime(),
                             absl::Hours(1), "Møde i lokale 2.14, tlf. 73 76 76 76"));
  EXPECT_TRUE(ok.ok()) << ok.status();
}

TEST_F(BadInputTest, MissingIdentityIsUnauthenticated) {
  const cti::v1::Event event = factory_.EmployeeLeft(d::kBoLund);
  for (const Identity& who :
       {Anonymous(), Identity{"it-drift", "", ""}, Identity{"", "admin", ""}}) {
    CtiClient anonymous(IdentityChannel(ctid().address(), who));
    absl::StatusOr<cti::v1::AppendResponse> r = anonymous.Append(event);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kUnauthenticated)
        << "actor '" << who.actor << "' role '" << who.role << "': " << r.status();
  }
  ExpectLogUnchanged();
}

}  // namespace
}  // namespace cti::test_support
