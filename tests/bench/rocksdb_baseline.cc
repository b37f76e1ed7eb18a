#include "tests/bench/rocksdb_baseline.h"

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <map>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "cti/v1/event.pb.h"

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

std::string DescribeLogMix(const std::vector<std::string>& events) {
  std::map<std::string, size_t> changes;
  size_t call = 0, calendar = 0, staff = 0;
  cti::v1::Event event;
  for (const std::string& bytes : events) {
    if (!event.ParseFromString(bytes)) {
      ++changes["(unparsable)"];
      continue;
    }
    const google::protobuf::Message* payload = nullptr;
    switch (event.payload_case()) {
      case cti::v1::Event::kCall:
        ++call;
        payload = &event.call();
        break;
      case cti::v1::Event::kCalendar:
        ++calendar;
        payload = &event.calendar();
        break;
      case cti::v1::Event::kStaff:
        ++staff;
        payload = &event.staff();
        break;
      default:
        ++changes["(no payload)"];
        continue;
    }
    // The family's set oneof field names the change.
    const google::protobuf::OneofDescriptor* oneof =
        payload->GetDescriptor()->FindOneofByName("change");
    const google::protobuf::FieldDescriptor* set =
        oneof != nullptr ? payload->GetReflection()->GetOneofFieldDescriptor(*payload, oneof)
                         : nullptr;
    ++changes[absl::StrCat(payload->GetDescriptor()->name(), ".",
                           set != nullptr ? set->name() : "unset")];
  }
  const double total = static_cast<double>(std::max<size_t>(1, events.size()));
  std::string out =
      absl::StrFormat("%.1f%% call, %.1f%% calendar, %.1f%% staff; mostly", 100.0 * call / total,
                      100.0 * calendar / total, 100.0 * staff / total);
  std::vector<std::pair<size_t, std::string>> top;
  for (const auto& [name, count] : changes) top.emplace_back(count, name);
  std::sort(top.rbegin(), top.rend());
  for (size_t i = 0; i < top.size() && i < 3; ++i) {
    absl::StrAppendFormat(&out, "%s %s %.1f%%", i == 0 ? "" : ",", top[i].second,
                          100.0 * top[i].first / total);
  }
  return out;
}

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
