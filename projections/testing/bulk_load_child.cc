// bulk_load_child DIR RECORDS: for store_bulk_test. Opens the store in DIR, begins a bulk
// load, applies MakeWorkload(kCallHeavy, RECORDS) in batches of 1000 and then ends the
// process with _exit(0) without closing or flushing anything: what a crash leaves.
// Halfway it waits for RocksDB's flushes in flight to finish, so that the test knows
// some batches reached the disk and later ones did not. Exit 1 (with a message) on any
// error before that.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "projections/bench_workload.h"
#include "projections/projector.h"
#include "projections/store.h"
#include "rocksdb/db.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: bulk_load_child DIR RECORDS\n");
    return 2;
  }
  const std::vector<cti::v1::LogRecord> records = cti::projections::bench::MakeWorkload(
      cti::projections::bench::Mix::kCallHeavy, std::strtoull(argv[2], nullptr, 10));
  auto store = cti::projections::Store::Open(argv[1]);
  if (!store.ok()) {
    std::fprintf(stderr, "open: %s\n", store.status().ToString().c_str());
    return 1;
  }
  if (absl::Status s = (*store)->BeginBulkLoad(); !s.ok()) {
    std::fprintf(stderr, "begin: %s\n", s.ToString().c_str());
    return 1;
  }
  cti::projections::Projector projector(store->get());
  const auto all = absl::MakeConstSpan(records);
  for (size_t i = 0; i < records.size(); i += 1000) {
    if (i == records.size() / 2 / 1000 * 1000) {
      // Let the automatic flushes triggered so far finish.
      for (int tries = 0; tries < 3000; ++tries) {
        uint64_t running = 0, pending = 0;
        (*store)->db()->GetIntProperty("rocksdb.num-running-flushes", &running);
        (*store)->db()->GetIntProperty("rocksdb.mem-table-flush-pending", &pending);
        if (running == 0 && pending == 0) break;
        usleep(10000);
      }
    }
    auto applied = projector.Apply(0, all.subspan(i, std::min<size_t>(1000, records.size() - i)));
    if (!applied.ok()) {
      std::fprintf(stderr, "apply: %s\n", applied.status().ToString().c_str());
      return 1;
    }
  }
  _exit(0);  // no Close, no flush: as if the process had been killed here
}
