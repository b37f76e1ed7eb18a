// The golden log records: one realistic record of every event type (and of every
// alternative of the oneofs inside them) as this version of ctid writes them to its log,
// for the schema-evolution tests (README.md in this folder).
//
// Example:
//   for (const GoldenRecord& r : CurrentGoldenRecords()) {
//     WriteFile(dir + "/" + r.name + ".binpb", cti::log::format::SerializeDeterministic(r.event));
//   }
//
// The records form one small log of tenant kGoldenTenant, in order: applied in that order
// to an empty store every one of them is accepted. At least one record of each event
// type sets every field outside a oneof (FullyPopulated in golden_files.h checks it).
// Thread safety: pure functions.
#ifndef CTI_TESTS_GOLDEN_GOLDEN_EVENTS_H_
#define CTI_TESTS_GOLDEN_GOLDEN_EVENTS_H_

#include <string>
#include <vector>

#include "cti/v1/event.pb.h"

namespace cti::golden {

// The municipality of the golden records.
inline constexpr char kGoldenTenant[] = "haderslev";

// Ids the golden records use, for tests that ask questions about them.
namespace ids {
inline constexpr char kBorgerservice[] = "borgerservice";
inline constexpr char kJobcenter[] = "jobcenter";
inline constexpr char kAnnaHolm[] = "e2001";  // Borgerservice; sick, forwarded to Bo Lund
inline constexpr char kBoLund[] = "e2002";    // Borgerservice; contact data changed
inline constexpr char kHuntGroup[] = "borgerservice-hunt";
}  // namespace ids

// One record: `name` is "<event type>" or "<event type>-<variant>", the event type as
// EventTypeOf (golden_files.h) names it, e.g. "staff.unit_defined-department".
struct GoldenRecord {
  std::string name;
  cti::v1::Event event;
};

// Today's golden records, in log order, with every envelope field set (recorded_at as
// the log sets it).
std::vector<GoldenRecord> CurrentGoldenRecords();

}  // namespace cti::golden

#endif  // CTI_TESTS_GOLDEN_GOLDEN_EVENTS_H_
