#include "projections/internal/routing_records.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "projections/internal/keys.h"
#include "projections/internal/status_macros.h"
#include "projections/internal/text_fold.h"

namespace cti::projections::internal {
namespace {

// Micros since 1970 as 8 big-endian bytes; instants before 1970 clamp to 0 (refused
// at apply anyway).
void AppendMicros(std::string* out, absl::Time t) {
  const int64_t micros = absl::ToUnixMicros(t);
  AppendBigEndian64(out, micros < 0 ? 0 : static_cast<uint64_t>(micros));
}

absl::Time ToTime(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

// Ids listed under T tag a NUL b, b in order, for a given a.
absl::StatusOr<std::vector<std::string>> SecondIds(Txn& txn, Cf cf, absl::string_view t, char tag,
                                                   absl::string_view first) {
  std::string prefix = TaggedKey(t, tag, first);
  prefix.push_back('\0');
  std::vector<std::string> ids;
  CTI_RETURN_IF_ERROR(txn.Scan(cf, prefix, [&](absl::string_view key, absl::string_view) {
    ids.emplace_back(key.substr(prefix.size()));
    return true;
  }));
  return ids;
}

}  // namespace

std::string FoldTask(absl::string_view task) {
  return absl::StrJoin(
      absl::StrSplit(FoldText(absl::StripAsciiWhitespace(task)), ' ', absl::SkipEmpty()), " ");
}

absl::StatusOr<bool> LoadUnitHours(Txn& txn, absl::string_view t, absl::string_view unit_id,
                                   state::UnitHoursRecord* record) {
  return txn.GetProto(Cf::kRouting, TaggedKey(t, kHoursTag, unit_id), record);
}

absl::StatusOr<bool> LoadClosureDays(Txn& txn, absl::string_view t, cti::v1::ClosureDaysSet* days) {
  return txn.GetProto(Cf::kRouting, TaggedKey(t, kClosureDaysTag, ""), days);
}

absl::StatusOr<bool> LoadGroup(Txn& txn, absl::string_view t, absl::string_view group_id,
                               cti::v1::Group* group) {
  return txn.GetProto(Cf::kRouting, TaggedKey(t, kGroupTag, group_id), group);
}

absl::StatusOr<bool> LoadUnitRouting(Txn& txn, absl::string_view t, absl::string_view unit_id,
                                     cti::v1::UnitRoutingSet* routing) {
  return txn.GetProto(Cf::kRouting, TaggedKey(t, kUnitRoutingTag, unit_id), routing);
}

absl::StatusOr<bool> LoadDistribution(Txn& txn, absl::string_view t, absl::string_view unit_id,
                                      absl::string_view task, cti::v1::DistributionRulesSet* set) {
  return txn.GetProto(Cf::kRouting, TaggedKey(t, kDistributionTag, unit_id, FoldTask(task)), set);
}

absl::StatusOr<std::vector<std::string>> UnitsWithDistribution(Txn& txn, absl::string_view t,
                                                               absl::string_view task) {
  return SecondIds(txn, Cf::kRouting, t, kDistributionByTaskTag, FoldTask(task));
}

absl::StatusOr<std::vector<cti::v1::HotlineSet>> HotlinesOfTask(Txn& txn, absl::string_view t,
                                                                absl::string_view task) {
  CTI_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                       SecondIds(txn, Cf::kRouting, t, kHotlineByTaskTag, FoldTask(task)));
  std::vector<cti::v1::HotlineSet> hotlines;
  for (const std::string& id : ids) {
    cti::v1::HotlineSet hotline;
    CTI_ASSIGN_OR_RETURN(bool found,
                         txn.GetProto(Cf::kRouting, TaggedKey(t, kHotlineTag, id), &hotline));
    if (found) hotlines.push_back(std::move(hotline));
  }
  return hotlines;
}

absl::StatusOr<std::vector<std::string>> GroupUsers(Txn& txn, absl::string_view t,
                                                    absl::string_view group_id) {
  return SecondIds(txn, Cf::kRouting, t, kGroupUserTag, group_id);
}

std::string AbsenceKey(absl::string_view t, const cti::v1::CalendarEntryUpserted& entry) {
  std::string key = TaggedKey(t, kAbsenceTag, entry.employee_id());
  key.push_back('\0');
  AppendMicros(&key, ToTime(entry.end()));
  key.append(entry.entry_id());
  return key;
}

absl::StatusOr<std::vector<cti::v1::CalendarEntryUpserted>> EntriesEndingAfter(
    Txn& txn, absl::string_view t, absl::string_view employee_id, absl::Time after, size_t limit) {
  std::string prefix = TaggedKey(t, kAbsenceTag, employee_id);
  prefix.push_back('\0');
  std::string start = prefix;
  // The first end strictly after `after`.
  AppendMicros(&start, after + absl::Microseconds(1));
  std::vector<cti::v1::CalendarEntryUpserted> entries;
  absl::Status parse_error;
  CTI_RETURN_IF_ERROR(
      txn.ScanFrom(Cf::kCalendar, prefix, start, [&](absl::string_view, absl::string_view value) {
        cti::v1::CalendarEntryUpserted entry;
        if (!entry.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          parse_error = absl::DataLossError("a calendar entry does not parse");
          return false;
        }
        entries.push_back(std::move(entry));
        return entries.size() < limit;
      }));
  CTI_RETURN_IF_ERROR(parse_error);
  return entries;
}

absl::StatusOr<std::vector<cti::v1::ForwardingSet>> ForwardingsOf(Txn& txn, absl::string_view t,
                                                                  absl::string_view employee_id) {
  // apply_calendar.cc: T 'f' employee_id NUL forwarding_id.
  std::string prefix = TaggedKey(t, 'f', employee_id);
  prefix.push_back('\0');
  std::vector<cti::v1::ForwardingSet> forwardings;
  absl::Status parse_error;
  CTI_RETURN_IF_ERROR(
      txn.Scan(Cf::kCalendar, prefix, [&](absl::string_view, absl::string_view value) {
        cti::v1::ForwardingSet forwarding;
        if (!forwarding.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          parse_error = absl::DataLossError("a forwarding does not parse");
          return false;
        }
        forwardings.push_back(std::move(forwarding));
        return true;
      }));
  CTI_RETURN_IF_ERROR(parse_error);
  return forwardings;
}

std::string LastCallKey(absl::string_view t, absl::string_view employee_id) {
  return TaggedKey(t, kLastCallTag, employee_id);
}

std::string CallKey(absl::string_view t, absl::string_view call_id) {
  return TaggedKey(t, kCallTag, call_id);
}

std::string LiveCallKey(absl::string_view t, absl::string_view call_id) {
  return TaggedKey(t, kLiveCallTag, call_id);
}

std::string TalkingKey(absl::string_view t, absl::string_view employee_id,
                       absl::string_view call_id) {
  return TaggedKey(t, kTalkingTag, employee_id, call_id);
}

absl::StatusOr<std::string> TalkingOn(Txn& txn, absl::string_view t,
                                      absl::string_view employee_id) {
  const std::string prefix = TalkingKey(t, employee_id, "");
  std::string call_id;
  CTI_RETURN_IF_ERROR(txn.Scan(Cf::kCalls, prefix, [&](absl::string_view key, absl::string_view) {
    call_id = std::string(key.substr(prefix.size()));
    return false;
  }));
  return call_id;
}

absl::StatusOr<absl::Time> LastCallOf(Txn& txn, absl::string_view t,
                                      absl::string_view employee_id) {
  std::string value;
  CTI_ASSIGN_OR_RETURN(bool found, txn.Get(Cf::kCalls, LastCallKey(t, employee_id), &value));
  if (!found || value.size() != 8) return absl::InfinitePast();
  return absl::FromUnixMicros(static_cast<int64_t>(DecodeBigEndian64(value)));
}

}  // namespace cti::projections::internal
