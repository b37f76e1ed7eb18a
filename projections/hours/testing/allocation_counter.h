// Counts the heap allocations of the process (operator new is replaced in
// allocation_counter.cc): for benchmarks that show a query allocates nothing. Link
// allocation_counter.cc into a benchmark executable only. Thread safe.
#ifndef CTI_PROJECTIONS_HOURS_TESTING_ALLOCATION_COUNTER_H_
#define CTI_PROJECTIONS_HOURS_TESTING_ALLOCATION_COUNTER_H_

namespace cti::hours::testing {

// Calls of operator new (any form) since the process started.
long AllocationCount();

}  // namespace cti::hours::testing

#endif  // CTI_PROJECTIONS_HOURS_TESTING_ALLOCATION_COUNTER_H_
