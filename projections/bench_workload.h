// Deterministic synthetic logs for projector_bench: a municipality's history in two mixes.
//
// kStaffCalendar: the staff/calendar-heavy mix the first figures were measured with (20%
// hires, 65% calendar entries, 7% forwardings, 8% task changes; ids "bench-N").
// kCallHeavy: what a municipality's log mostly holds: ~80% call events (offered, ringing,
// answered, transferred, ended, abandoned, voicemail left/listened, messages, callbacks
// requested/completed, in real call flows), ~15% calendar (entries upserted/removed,
// forwardings set/cleared) and ~5% staff (the initial directory, then hires, contact,
// task and unit changes, leavers); event and call ids random like the server's own.
// kOffered: what tests/bench/cti_bench's load appends: every record offers a new call
// (event id "ld-N", call id "call-ld-N", a correlation id).
//
// Every record is valid against the state built by the records before it, so a rebuild
// rejects none. Not a test helper: bench only.
#ifndef CTI_PROJECTIONS_BENCH_WORKLOAD_H_
#define CTI_PROJECTIONS_BENCH_WORKLOAD_H_

#include <cstddef>
#include <string>
#include <vector>

#include "cti/v1/event.pb.h"

namespace cti::projections::bench {

enum class Mix { kStaffCalendar, kCallHeavy, kOffered };

// Short name ("staff-calendar", "call-heavy", "offered") and a one-line description.
const char* MixName(Mix mix);
const char* MixDescription(Mix mix);

// `n` records of tenant "aarhus" at positions 1..n.
std::vector<cti::v1::LogRecord> MakeWorkload(Mix mix, size_t n);

// "81.2% call, 14.1% calendar, 4.7% staff" for the records given.
std::string DescribeFamilies(const std::vector<cti::v1::LogRecord>& records);

}  // namespace cti::projections::bench

#endif  // CTI_PROJECTIONS_BENCH_WORKLOAD_H_
