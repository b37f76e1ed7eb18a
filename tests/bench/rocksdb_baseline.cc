#include "tests/bench/rocksdb_baseline.h"

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace cti::bench {
namespace {

std::string BigEndianKey(uint64_t n) {
  std::string key(8, '\0');
  for (int i = 7; i >= 0; --i) {
    key[static_cast<size_t>(i)] = static_cast<char>(n & 0xff);
    n >>= 8;
  }
  return key;
}

}  // namespace

absl::StatusOr<BaselineResult> RunRocksDbBaseline(const std::string& dir,
                                                  const std::vector<std::string>& values,
                                                  size_t batch_size) {
  BaselineResult result;
  const absl::Time start = absl::Now();
  rocksdb::Options options;
  options.create_if_missing = true;
  options.error_if_exists = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &raw);
  if (!s.ok()) return absl::InternalError(absl::StrCat("open ", dir, ": ", s.ToString()));
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::WriteBatch batch;
  for (size_t i = 0; i < values.size(); ++i) {
    batch.Put(BigEndianKey(i + 1), values[i]);
    result.bytes += values[i].size();
    if (static_cast<size_t>(batch.Count()) >= batch_size || i + 1 == values.size()) {
      s = db->Write(rocksdb::WriteOptions(), &batch);
      if (!s.ok()) return absl::InternalError(absl::StrCat("write: ", s.ToString()));
      batch.Clear();
    }
  }
  s = db->Flush(rocksdb::FlushOptions());
  if (!s.ok()) return absl::InternalError(absl::StrCat("flush: ", s.ToString()));
  result.records = values.size();
  result.elapsed = absl::Now() - start;
  s = db->Close();
  if (!s.ok()) return absl::InternalError(absl::StrCat("close: ", s.ToString()));
  return result;
}

}  // namespace cti::bench
