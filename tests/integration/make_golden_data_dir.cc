// make_golden_data_dir: writes a golden data directory of this version
// (tests/golden/README.md, "Data directories"). Not a test; run by hand when the data
// directory's format (the log or the projections) changes:
//
//   build/bin/make_golden_data_dir --root tests/golden --version 0.2.0
//
// Starts this build's ctid on a new data directory, appends the test municipality
// (tests/support/danish_events.h) with calendar and call records, and the golden records
// of every event type (tests/golden/golden_events.h, a second tenant), asks the questions
// below, stops ctid and writes data_dirs/<version>/: data.tar.gz, clock_start and the
// answers. Never overwrites an existing version folder.
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cti/v1/admin_service.pb.h"
#include "cti/v1/directory_service.pb.h"
#include "cti/v1/route_service.pb.h"
#include "tests/golden/golden_events.h"
#include "tests/integration/golden_data_dir.h"
#include "tests/support/cti_client.h"
#include "tests/support/ctid_process.h"
#include "tests/support/danish_events.h"
#include "tests/support/subprocess.h"

namespace cti::test_support::golden {
namespace {

// The server's "now" while recording: Tuesday 4 March 2025, 10:00 in Copenhagen.
constexpr char kClockStart[] = "2025-03-04T10:00:00+01:00";

namespace d = demo;
using cti::golden::kGoldenTenant;
namespace gids = cti::golden::ids;

google::protobuf::Timestamp LocalTime(int y, int m, int day, int hour, int minute = 0) {
  google::protobuf::Timestamp ts;
  const absl::Time t = absl::FromCivil(absl::CivilMinute(y, m, day, hour, minute),
                                       absl::FixedTimeZone(3600));  // winter time
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}

// The test municipality with calendar and call records on top.
std::vector<cti::v1::Event> AabenraaWorkload() {
  EventFactory f;
  std::vector<cti::v1::Event> events = DemoOrganisation(f);
  events.push_back(f.CalendarEntry(d::kAnnaHolm, "ferie-uge-45", cti::v1::ABSENCE_KIND_VACATION,
                                   BaseTime(), absl::Hours(24 * 5), "Ferie"));
  events.push_back(f.ForwardToColleague(d::kAnnaHolm, "ferie", d::kBoLund, "ferie"));
  events.push_back(f.CalendarEntry(d::kSorenOstergaard, "moede-1", cti::v1::ABSENCE_KIND_MEETING,
                                   BaseTime() + absl::Hours(2), absl::Hours(1), "Teammøde"));
  events.push_back(f.CallOffered("sip-1001@pbx", "+4520304050"));
  events.push_back(f.CallRinging("sip-1001@pbx", d::kBoLund));
  events.push_back(f.MessageTaken("besked-1", d::kBoLund, "Ida Kjær", "Ring om kørekort"));
  events.push_back(f.EmployeeTasksChanged(d::kBoLund, {"kørekort", "pas"}));
  events.push_back(f.EmployeeLeft(d::kMetteAagaard));
  return events;
}

// The questions, named "<kind>-<what>".
std::vector<std::pair<std::string, std::unique_ptr<google::protobuf::Message>>> Questions() {
  std::vector<std::pair<std::string, std::unique_ptr<google::protobuf::Message>>> questions;
  auto route = [&](const std::string& what, const std::string& tenant,
                   const google::protobuf::Timestamp& at) -> cti::v1::RouteTarget& {
    auto request = std::make_unique<cti::v1::RouteRequest>();
    request->set_tenant(tenant);
    *request->mutable_at() = at;
    cti::v1::RouteTarget* target = request->mutable_target();
    questions.emplace_back("route-" + what, std::move(request));
    return *target;
  };
  questions.emplace_back("status-all", std::make_unique<cti::v1::GetStatusRequest>());
  {
    auto request = std::make_unique<cti::v1::GetStatusRequest>();
    request->set_tenant(kGoldenTenant);
    questions.emplace_back("status-haderslev", std::move(request));
  }
  // Aabenraa, Monday 4 November 2024.
  route("anna-holm-on-vacation", kTenant, LocalTime(2024, 11, 4, 10)).set_employee_id(d::kAnnaHolm);
  route("soeren-in-a-meeting", kTenant, LocalTime(2024, 11, 4, 10, 30))
      .set_employee_id(d::kSorenOstergaard);
  route("borgerservice", kTenant, LocalTime(2024, 11, 4, 10)).set_unit_id(d::kBorgerservice);
  route("task-boligstoette", kTenant, LocalTime(2024, 11, 4, 10)).set_task("boligstøtte");
  route("unlisted-jorgen", kTenant, LocalTime(2024, 11, 4, 10)).set_employee_id(d::kJorgenBaek);
  // Haderslev: the golden records' rules at work.
  route("anna-sick-forwarded", kGoldenTenant, LocalTime(2025, 3, 4, 10))
      .set_employee_id(gids::kAnnaHolm);
  route("borgerservice-hunt", kGoldenTenant, LocalTime(2025, 3, 4, 10))
      .set_unit_id(gids::kBorgerservice);
  route("borgerservice-closed", kGoldenTenant, LocalTime(2025, 3, 8, 10))
      .set_unit_id(gids::kBorgerservice);
  route("borgerservice-extended-thursday", kGoldenTenant, LocalTime(2025, 3, 6, 17))
      .set_unit_id(gids::kBorgerservice);
  route("jobcenter-restricted", kGoldenTenant, LocalTime(2025, 3, 4, 10))
      .set_unit_id(gids::kJobcenter);
  route("jobcenter-unmanned", kGoldenTenant, LocalTime(2025, 3, 20, 13))
      .set_unit_id(gids::kJobcenter);
  route("jobcenter-reduced", kGoldenTenant, LocalTime(2025, 7, 2, 14))
      .set_unit_id(gids::kJobcenter);
  route("hotline-aarsopgoerelse", kGoldenTenant, LocalTime(2025, 3, 12, 10))
      .set_task("årsopgørelse");
  route("vagtcentral-christmas-eve", kGoldenTenant, LocalTime(2025, 12, 24, 22))
      .set_unit_id("vagtcentral");
  {
    cti::v1::CaseTarget* by_day =
        route("case-cpr-day", kGoldenTenant, LocalTime(2025, 3, 4, 10)).mutable_case_target();
    by_day->set_task("kontanthjælp");
    by_day->set_case_key("cpr-day:7");
    cti::v1::CaseTarget* by_name =
        route("case-surname", kGoldenTenant, LocalTime(2025, 3, 4, 10)).mutable_case_target();
    by_name->set_task("kontanthjælp");
    by_name->set_surname("Østergaard");
  }
  auto search = [&](const std::string& what, const std::string& tenant, const std::string& query) {
    auto request = std::make_unique<cti::v1::SearchRequest>();
    request->set_tenant(tenant);
    request->set_query(query);
    questions.emplace_back("search-" + what, std::move(request));
  };
  search("anna-hol", kTenant, "anna hol");
  search("boligstoette", kTenant, "boligstøtte");
  search("oestergaard", kTenant, "østergaard");
  search("jobafklaring", kGoldenTenant, "jobafklaring");
  search("bo-lund", kGoldenTenant, "bo lund");
  search("pas", kGoldenTenant, "pas");
  auto employee = [&](const std::string& tenant, const std::string& id) {
    auto request = std::make_unique<cti::v1::GetEmployeeRequest>();
    request->set_tenant(tenant);
    request->set_employee_id(id);
    questions.emplace_back(absl::StrCat("employee-", tenant, "-", id), std::move(request));
  };
  employee(kTenant, d::kBoLund);
  employee(kTenant, d::kMetteAagaard);
  employee(kGoldenTenant, gids::kBoLund);
  employee(kGoldenTenant, "e2005");
  employee(kGoldenTenant, "e2006");
  auto unit = [&](const std::string& tenant, const std::string& id) {
    auto request = std::make_unique<cti::v1::GetUnitRequest>();
    request->set_tenant(tenant);
    request->set_unit_id(id);
    questions.emplace_back(absl::StrCat("unit-", tenant, "-", id), std::move(request));
  };
  unit(kTenant, d::kBorgerservice);
  unit(kGoldenTenant, gids::kBorgerservice);
  unit(kGoldenTenant, "byggesag");
  return questions;
}

absl::Status Write(const std::filesystem::path& path, const std::string& text) {
  FILE* out = std::fopen(path.c_str(), "wb");
  if (out == nullptr) return absl::UnavailableError(absl::StrCat("cannot write ", path.string()));
  const bool written = std::fwrite(text.data(), 1, text.size(), out) == text.size();
  if (std::fclose(out) != 0 || !written) {
    return absl::UnavailableError(absl::StrCat("cannot write ", path.string()));
  }
  return absl::OkStatus();
}

absl::Status Append(CtidProcess& ctid, const std::vector<cti::v1::Event>& events) {
  std::map<std::string, std::unique_ptr<CtiClient>> clients;  // one per actor
  for (cti::v1::Event event : events) {
    Identity identity = Admin();
    if (event.has_actor()) {
      identity = {event.actor().id(), cti::v1::Role_Name(event.actor().role())};
    }
    std::unique_ptr<CtiClient>& client = clients[identity.actor + "/" + identity.role];
    if (client == nullptr) client = std::make_unique<CtiClient>(ctid.Channel(identity));
    event.clear_actor();  // the server stamps the caller's identity
    event.clear_recorded_at();
    absl::StatusOr<cti::v1::AppendResponse> appended = client->Append(event);
    if (!appended.ok()) {
      return absl::Status(
          appended.status().code(),
          absl::StrCat("appending ", event.event_id(), ": ", appended.status().message()));
    }
  }
  return absl::OkStatus();
}

absl::Status Record(const std::filesystem::path& out) {
  if (std::filesystem::exists(out)) {
    return absl::AlreadyExistsError(absl::StrCat(
        out.string(), " exists: golden files are never rewritten; pick a new version"));
  }
  CtidOptions options;
  options.extra_args = {"--clock-start", kClockStart};
  absl::StatusOr<std::unique_ptr<CtidProcess>> ctid = CtidProcess::Start(options);
  if (!ctid.ok()) return ctid.status();

  if (absl::Status s = Append(**ctid, AabenraaWorkload()); !s.ok()) return s;
  std::vector<cti::v1::Event> golden;
  for (const cti::golden::GoldenRecord& record : cti::golden::CurrentGoldenRecords()) {
    golden.push_back(record.event);
  }
  if (absl::Status s = Append(**ctid, golden); !s.ok()) return s;

  // Every record applied before anything is asked.
  CtiClient admin((*ctid)->Channel(Admin()));
  absl::StatusOr<cti::v1::GetStatusResponse> status = admin.Status();
  if (!status.ok()) return status.status();
  status = admin.Status(status->log_end_position());
  if (!status.ok()) return status.status();

  std::filesystem::create_directories(out / "answers");
  int n = 0;
  for (auto& [name, request] : Questions()) {
    const std::string kind = name.substr(0, name.find('-'));
    absl::StatusOr<std::unique_ptr<google::protobuf::Message>> answer = Ask(**ctid, kind, *request);
    if (!answer.ok()) {
      return absl::Status(answer.status().code(),
                          absl::StrCat(name, ": ", answer.status().message()));
    }
    const std::string stem = absl::StrFormat("%02d-%s", ++n, name);
    if (absl::Status s =
            Write(out / "answers" / (stem + ".request.textproto"), ToTextproto(*request));
        !s.ok()) {
      return s;
    }
    if (absl::Status s =
            Write(out / "answers" / (stem + ".response.textproto"), ToTextproto(**answer));
        !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = (*ctid)->Stop(); !s.ok()) return s;
  if (absl::Status s = Write(out / "clock_start", absl::StrCat(kClockStart, "\n")); !s.ok()) {
    return s;
  }
  // RocksDB's informational logs (LOG, LOG.old.*) are not data: left out, the archive
  // stays small.
  absl::StatusOr<ProcessResult> tar = RunProcess(
      {"/bin/tar", "--exclude=LOG", "--exclude=LOG.old.*", "--sort=name", "--owner=0", "--group=0",
       "-C", (*ctid)->work_dir(), "-czf", (out / "data.tar.gz").string(), "data"});
  if (!tar.ok()) return tar.status();
  if (tar->exit_code != 0) return absl::InternalError(absl::StrCat("tar failed: ", tar->err));
  std::printf("wrote %s (%d questions, %llu records)\n", out.c_str(), n,
              static_cast<unsigned long long>(status->log_end_position()));
  return absl::OkStatus();
}

int Main(int argc, char** argv) {
  std::string root;
  std::string version;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--root") == 0) root = argv[i + 1];
    if (std::strcmp(argv[i], "--version") == 0) version = argv[i + 1];
  }
  if (root.empty() || version.empty() || argc != 5) {
    std::fprintf(stderr, "usage: make_golden_data_dir --root tests/golden --version VERSION\n");
    return 2;
  }
  absl::Status s = Record(std::filesystem::path(root) / "data_dirs" / version);
  if (!s.ok()) {
    std::fprintf(stderr, "make_golden_data_dir: %s\n", s.ToString().c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace cti::test_support::golden

int main(int argc, char** argv) { return cti::test_support::golden::Main(argc, argv); }
