// The storage floor for a rebuild: the same record bytes written straight into a fresh
// RocksDB with WriteBatches, no decoding, no projection logic.
#ifndef CTI_TESTS_BENCH_ROCKSDB_BASELINE_H_
#define CTI_TESTS_BENCH_ROCKSDB_BASELINE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace cti::bench {

struct BaselineResult {
  uint64_t records = 0;
  uint64_t bytes = 0;
  absl::Duration elapsed;  // Open to flushed.
};

// Writes `values[i]` under key = big-endian (i + 1) into a new database in `dir` (which
// must not exist), `batch_size` records per WriteBatch, default WriteOptions (WAL on, not
// synced), then flushes the memtable. Removes nothing: the caller owns `dir`.
absl::StatusOr<BaselineResult> RunRocksDbBaseline(const std::string& dir,
                                                  const std::vector<std::string>& values,
                                                  size_t batch_size);

// What a log of serialized cti.v1.Events holds, for the rebuild figure's label:
// "100.0% call, 0.0% calendar, 0.0% staff; mostly call.offered 99.6%, ...": the payload
// families, then the three most frequent changes.
std::string DescribeLogMix(const std::vector<std::string>& events);

}  // namespace cti::bench

#endif  // CTI_TESTS_BENCH_ROCKSDB_BASELINE_H_
