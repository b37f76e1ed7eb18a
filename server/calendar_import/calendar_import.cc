#include "server/calendar_import/calendar_import.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "projections/internal/cpr.h"
#include "server/calendar_import/internal/content_lines.h"
#include "server/calendar_import/internal/event_spec.h"
#include "server/calendar_import/internal/expand.h"
#include "server/calendar_import/internal/mapping.h"
#include "server/calendar_import/internal/zones.h"

namespace cti::calendar_import {
namespace {

using internal::Component;
using internal::EventSpec;
using internal::LineError;
using internal::Occurrence;

constexpr size_t kMaxErrors = 100;
// The instants the event envelope accepts: [1970-01-01, 2200-01-01).
const absl::Time kEarliest = absl::UnixEpoch();
const absl::Time kLatest = absl::FromUnixSeconds(7258118400);

bool IsValidEmployeeId(absl::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == ':' || c == '-';
  });
}

absl::Status CheckOptions(const ImportOptions& options) {
  if (!IsValidEmployeeId(options.employee_id)) {
    return absl::InvalidArgumentError(
        "employee_id must be 1 to 64 characters from [A-Za-z0-9._:-]");
  }
  if (options.from < kEarliest || options.until > kLatest || !(options.from < options.until)) {
    return absl::InvalidArgumentError(
        "the window [from, until) must be non-empty and within 1970-01-01..2200-01-01 (UTC)");
  }
  if (options.imported_at < kEarliest || options.imported_at >= kLatest) {
    return absl::InvalidArgumentError("imported_at must be within 1970-01-01..2200-01-01 (UTC)");
  }
  absl::TimeZone zone;
  const std::string iana =
      internal::IanaNameOfWindowsZone(options.default_zone).value_or(options.default_zone);
  if (!absl::LoadTimeZone(iana, &zone)) {
    return absl::InvalidArgumentError(
        absl::StrCat("default_zone '", options.default_zone, "' is not a known time zone"));
  }
  return absl::OkStatus();
}

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  google::protobuf::Timestamp ts;
  const int64_t seconds = absl::ToUnixSeconds(t);
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
  return ts;
}

// The VEVENTs of one UID: the event itself and the instances it overrides.
struct Series {
  const EventSpec* master = nullptr;
  std::map<absl::Time, const EventSpec*> overrides;  // By RECURRENCE-ID (UTC).
};

class Importer {
 public:
  Importer(const ImportOptions& options, ImportResult* result)
      : options_(options), result_(result) {}

  // Reads every VEVENT of the calendar; errors go to errors_.
  void Read(const Component& calendar) {
    zones_.push_back(
        std::make_unique<internal::ZoneResolver>(calendar, options_.default_zone, &errors_));
    for (const Component& child : calendar.children) {
      if (child.name != "VEVENT") continue;
      ++result_->vevents;
      std::optional<EventSpec> spec = internal::ReadEvent(child, *zones_.back(), &errors_);
      if (spec.has_value()) specs_.push_back(std::move(*spec));
    }
  }

  const std::vector<LineError>& errors() const { return errors_; }

  // Groups the events read by UID (errors for a UID used twice), then imports them.
  void Import() {
    std::map<std::string, Series> series;
    for (const EventSpec& spec : specs_) {
      Series& s = series[spec.uid];
      if (!spec.recurrence_id.has_value()) {
        if (s.master != nullptr) {
          Duplicate(spec, s.master->component->begin_line, "without RECURRENCE-ID");
        }
        s.master = &spec;
        continue;
      }
      const absl::Time key = spec.recurrence_id->ToUtc();
      auto [it, added] = s.overrides.emplace(key, &spec);
      if (!added) Duplicate(spec, it->second->component->begin_line, "with this RECURRENCE-ID");
    }
    if (!errors_.empty()) return;
    for (const auto& [uid, s] : series) {
      if (s.master != nullptr) ImportMaster(*s.master, s.overrides);
      for (const auto& [key, spec] : s.overrides) {
        const Occurrence o = internal::SingleOccurrence(*spec);
        std::vector<Occurrence> in_window;
        if (internal::Overlaps(o, options_.from, options_.until)) in_window.push_back(o);
        Emit(*spec, in_window, /*recurring=*/true, /*too_many=*/false);
      }
    }
    std::stable_sort(result_->skipped.begin(), result_->skipped.end(),
                     [](const SkippedItem& a, const SkippedItem& b) { return a.line < b.line; });
    // Events by start, then entry_id, with their lines alongside.
    std::vector<size_t> order(result_->events.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [this](size_t a, size_t b) {
      const auto& x = result_->events[a].calendar().entry_upserted();
      const auto& y = result_->events[b].calendar().entry_upserted();
      if (x.start().seconds() != y.start().seconds()) {
        return x.start().seconds() < y.start().seconds();
      }
      return x.entry_id() < y.entry_id();
    });
    std::vector<cti::v1::Event> events;
    std::vector<int> lines;
    for (size_t i : order) {
      events.push_back(std::move(result_->events[i]));
      lines.push_back(result_->event_lines[i]);
    }
    result_->events = std::move(events);
    result_->event_lines = std::move(lines);
  }

 private:
  void Duplicate(const EventSpec& spec, int first_line, absl::string_view what) {
    errors_.push_back({spec.component->begin_line,
                       absl::StrCat("UID '", spec.uid, "' is used by a second VEVENT ", what,
                                    " (the first begins at line ", first_line, ")")});
  }

  void ImportMaster(const EventSpec& spec,
                    const std::map<absl::Time, const EventSpec*>& overrides) {
    if (spec.period_rdate_line != 0) {
      Skip(spec, spec.period_rdate_line, SkipReason::kUnsupported,
           "RDATE with PERIOD values is not supported; the event is not imported");
      return;
    }
    internal::Expansion expansion = internal::Expand(spec, options_.from, options_.until);
    std::vector<Occurrence> kept;
    for (const Occurrence& o : expansion.occurrences) {
      if (overrides.count(o.original_start) == 0) kept.push_back(o);  // Overridden: replaced.
    }
    Emit(spec, kept, spec.recurring(), expansion.too_many);
  }

  void Skip(const EventSpec& spec, int line, SkipReason reason, std::string message) {
    SkippedItem item;
    item.uid = spec.uid;
    if (spec.recurrence_id.has_value()) {
      item.instance = internal::BasicUtc(spec.recurrence_id->ToUtc());
    }
    item.line = line;
    item.reason = reason;
    item.message = std::move(message);
    result_->skipped.push_back(std::move(item));
  }

  void Emit(const EventSpec& spec, const std::vector<Occurrence>& occurrences, bool recurring,
            bool too_many) {
    const int line = spec.component->begin_line;
    if (too_many) {
      Skip(spec, line, SkipReason::kTooManyInstances,
           absl::StrCat("its recurrence gives more than ", internal::kMaxInstancesPerRule,
                        " instances before the end of the window; not imported"));
      return;
    }
    if (occurrences.empty()) {
      ++result_->outside_window;
      return;
    }
    const internal::PresenceFields& presence = spec.presence;
    if (absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(presence.status), "CANCELLED")) {
      Skip(spec, line, SkipReason::kCancelled, "cancelled (STATUS:CANCELLED)");
      return;
    }
    const std::optional<cti::v1::ShowAs> show_as = internal::ShowAsOf(presence);
    if (!show_as.has_value()) {
      Skip(spec, line, SkipReason::kFree,
           "shown as free (busy status FREE or TRANSP:TRANSPARENT): does not block the "
           "employee");
      return;
    }
    if (cti::projections::internal::ContainsCprNumber(presence.summary)) {
      Skip(spec, spec.summary_line, SkipReason::kCprNumber,
           "SUMMARY contains a CPR number; calendar entries must not hold personal or "
           "confidential data (TP-4.2). Not imported: remove the number and import again");
      return;
    }
    if (occurrences.front().end == occurrences.front().start) {
      Skip(spec, line, SkipReason::kNoDuration, "ends when it starts: blocks no time");
      return;
    }
    const cti::v1::AbsenceKind kind = internal::KindOf(presence);
    const std::string subject = internal::SubjectOf(presence.summary, spec.is_private);
    const google::protobuf::Timestamp occurred_at =
        ToTimestamp(spec.occurred_at.value_or(options_.imported_at));
    for (const Occurrence& o : occurrences) {
      cti::v1::Event event;
      cti::v1::CalendarEntryUpserted* entry = event.mutable_calendar()->mutable_entry_upserted();
      entry->set_employee_id(options_.employee_id);
      entry->set_entry_id(internal::EntryIdOf(
          spec.uid, recurring ? std::optional<absl::Time>(o.original_start) : std::nullopt));
      entry->set_kind(kind);
      entry->set_show_as(*show_as);
      *entry->mutable_start() = ToTimestamp(o.start);
      *entry->mutable_end() = ToTimestamp(o.end);
      entry->set_subject(subject);
      *event.mutable_occurred_at() = occurred_at;
      event.set_event_id(internal::EventIdOf(*entry, occurred_at, options_.id_context));
      result_->events.push_back(std::move(event));
      result_->event_lines.push_back(spec.component->begin_line);
    }
  }

  const ImportOptions& options_;
  ImportResult* result_;
  std::vector<std::unique_ptr<internal::ZoneResolver>> zones_;
  std::vector<EventSpec> specs_;  // Not resized once Import() has started.
  std::vector<LineError> errors_;
};

// INVALID_ARGUMENT naming the first of `total` errors.
absl::Status ErrorStatus(const ParseError& first, size_t total) {
  std::string message = absl::StrCat("line ", first.line, ": ", first.message);
  if (total > 1) {
    absl::StrAppend(&message, " (and ", total - 1, " more error", total > 2 ? "s" : "", ")");
  }
  return absl::InvalidArgumentError(message);
}

}  // namespace

absl::string_view SkipReasonName(SkipReason reason) {
  switch (reason) {
    case SkipReason::kCancelled:
      return "cancelled";
    case SkipReason::kFree:
      return "free";
    case SkipReason::kCprNumber:
      return "cpr-number";
    case SkipReason::kNoDuration:
      return "no-duration";
    case SkipReason::kTooManyInstances:
      return "too-many-instances";
    case SkipReason::kUnsupported:
      return "unsupported";
  }
  return "unknown";
}

ImportResult ImportCalendar(absl::string_view ics_text, const ImportOptions& options) {
  ImportResult result;
  result.status = CheckOptions(options);
  if (!result.status.ok()) return result;

  internal::ScanResult scan = internal::ScanCalendar(ics_text);
  std::vector<LineError> errors;
  if (scan.failed) {
    errors.push_back(scan.error);
  } else {
    Importer importer(options, &result);
    for (const Component& calendar : scan.calendars) importer.Read(calendar);
    importer.Import();  // Groups by UID (more errors), then imports only if error-free.
    errors = importer.errors();
  }
  if (errors.empty()) return result;

  std::stable_sort(errors.begin(), errors.end(),
                   [](const LineError& a, const LineError& b) { return a.line < b.line; });
  for (size_t i = 0; i < errors.size() && i < kMaxErrors; ++i) {
    result.errors.push_back(ParseError{errors[i].line, errors[i].message});
  }
  result.status = ErrorStatus(result.errors.front(), errors.size());
  result.events.clear();
  result.event_lines.clear();
  result.skipped.clear();
  return result;
}

}  // namespace cti::calendar_import
