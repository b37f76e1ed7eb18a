// The organisation route_bench routes in: the demo municipality of deploy/demo (loaded as
// deploy/run.sh loads it) or, when that file is absent, a generated one of the same size,
// plus the Route targets taken from it.
//
// Thread safety: the functions are not meant to run concurrently with each other.
#ifndef CTI_TESTS_BENCH_ROUTE_BENCH_ORG_H_
#define CTI_TESTS_BENCH_ROUTE_BENCH_ORG_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cti/v1/event.pb.h"
#include "cti/v1/route_service.pb.h"

namespace cti::bench {

// The tenant of the demo and of the generated organisation.
inline constexpr char kRouteBenchTenant[] = "demo";

// Events to append, each with the role it must be appended in (deploy/run.sh: "system"
// for demo.jsonl, "director" for demo-director.jsonl, whose actor is the approving
// director).
struct OrgEvents {
  std::string source;  // e.g. "deploy/demo/demo.jsonl (+ demo-director.jsonl)"
  std::vector<cti::v1::Event> system_events;
  std::vector<cti::v1::Event> director_events;
};

// Reads `demo_file` (JSON Lines of cti.v1.Event; blank and '#' lines skipped) and, beside
// it, "<stem>-director.jsonl" when present. NOT_FOUND when `demo_file` does not exist;
// INVALID_ARGUMENT naming file:line on a parse error.
absl::StatusOr<OrgEvents> ReadDemo(const std::string& demo_file);

// A municipality of 5 administrations, 25 departments and 300 employees with hunt
// groups, each department's default group, sickness with forwarding and case
// distribution rules (tenant kRouteBenchTenant).
OrgEvents GenerateOrganisation();

// Appends `events` to ctid at `address` (AppendBatch for system events, one Append per
// director event as its approving director). Answers the last position; an error names
// the first refused event.
absl::StatusOr<uint64_t> AppendOrganisation(const std::string& address, const OrgEvents& events);

// Route targets of each kind found in `events` ("employee", "extension", "unit", "task",
// "case"), in log order, for employees and units still active at the end.
std::map<std::string, std::vector<cti::v1::RouteTarget>> TargetsOf(const OrgEvents& events);

}  // namespace cti::bench

#endif  // CTI_TESTS_BENCH_ROUTE_BENCH_ORG_H_
