// Shared pieces of the bench workload generators (bench_workload.cc,
// bench_workload_calls.cc). Bench only.
#ifndef CTI_PROJECTIONS_BENCH_WORKLOAD_INTERNAL_H_
#define CTI_PROJECTIONS_BENCH_WORKLOAD_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "cti/v1/event.pb.h"

namespace cti::projections::bench::internal {

inline constexpr int64_t kT0 = 1709280000;  // 2024-03-01T08:00:00Z
inline constexpr int kDepartments = 40;

inline const char* const kFirst[] = {"Anna", "Bo",    "Søren",    "Mette",  "Jens",
                                     "Åse",  "Lærke", "Niels",    "Øjvind", "Karen",
                                     "Mads", "Ida",   "Frederik", "Sofie"};
inline const char* const kLast[] = {"Holm",   "Lund", "Jensen",     "Nielsen",
                                    "Hansen", "Ærø",  "Østergaard", "Møller",
                                    "Kragh",  "Bach", "Sørensen",   "Dahl"};
inline const char* const kTasks[] = {"pas",          "kørekort",      "boligstøtte", "pension",
                                     "sygedagpenge", "byggesag",      "affald",      "skat",
                                     "skole",        "daginstitution"};

struct Lcg {  // deterministic, no dependency on the standard library's engines
  uint64_t state = 0x9e3779b97f4a7c15ULL;
  uint64_t Next() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
  bool Percent(size_t p) { return Below(100) < p; }
  std::string Hex(int digits) {
    std::string out;
    while (static_cast<int>(out.size()) < digits) absl::StrAppendFormat(&out, "%08x", Next());
    out.resize(static_cast<size_t>(digits));
    return out;
  }
};

// Sets the envelope: tenant "aarhus", `event_id`, occurred_at = recorded_at = T0 +
// `position` seconds, the actor.
cti::v1::Event& Stamp(cti::v1::Event& event, uint64_t position, std::string event_id,
                      const char* actor, cti::v1::Role role);

// A builder of records at positions 1, 2, ...
class Log {
 public:
  explicit Log(size_t n) { records_.reserve(n); }
  uint64_t next_position() const { return records_.size() + 1; }
  size_t size() const { return records_.size(); }
  void Add(cti::v1::Event event) {
    cti::v1::LogRecord& record = records_.emplace_back();
    record.set_position(records_.size());
    *record.mutable_event() = std::move(event);
  }
  std::vector<cti::v1::LogRecord> Take() { return std::move(records_); }

 private:
  std::vector<cti::v1::LogRecord> records_;
};

// The administration "adm" and kDepartments departments "depN" under it.
void AddUnits(Log& log, const std::function<void(cti::v1::Event&)>& stamp);

// The call-heavy mix (bench_workload_calls.cc).
std::vector<cti::v1::LogRecord> CallHeavy(size_t n);

}  // namespace cti::projections::bench::internal

#endif  // CTI_PROJECTIONS_BENCH_WORKLOAD_INTERNAL_H_
