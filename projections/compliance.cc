#include "projections/compliance.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "projections/call_counts.h"
#include "projections/hours/callback_due.h"
#include "projections/hours/hours.h"
#include "projections/hours/validate.h"
#include "projections/internal/call_counts_records.h"
#include "projections/internal/directory_records.h"
#include "projections/internal/keys.h"
#include "projections/internal/reception_records.h"
#include "projections/internal/snapshot_read.h"
#include "projections/internal/state.pb.h"
#include "projections/internal/status_macros.h"
#include "projections/internal/unit_hours.h"
#include "projections/router.h"

namespace cti::projections {
namespace {

using internal::AbslTimeOf;
using internal::Cf;
using internal::ProtoTimeOf;

// The rules reported, in the order of the list at AuditService.ComplianceReport.
struct RuleInfo {
  const char* rule;
  const char* title;
};
constexpr std::array<RuleInfo, 8> kRules = {{
    {"TP-3.6", "Every call within phone hours is answered"},
    {"TP-4.3", "Callbacks are made, the same day where possible"},
    {"TP-3.14", "Voicemail is listened to every day"},
    {"TP-3.13", "Reduced hours are approved by the director and last at most 6 months"},
    {"TP-4.7", "A unit is unmanned in its hours only with the director's approval"},
    {"TP-5.2", "Each unit names one or more phone-responsible persons"},
    {"TP-4.5", "A sick employee's phone is forwarded to a colleague"},
    {"TP-4.8", "No call rings out into thin air"},
}};

constexpr std::array<uint32_t, 3> kPercentiles = {50, 80, 95};

int RuleIndex(absl::string_view rule) {
  for (size_t i = 0; i < kRules.size(); ++i) {
    if (rule == kRules[i].rule) return static_cast<int>(i);
  }
  return static_cast<int>(kRules.size());
}

absl::StatusOr<absl::CivilDay> ParseDay(absl::string_view field, const std::string& text) {
  absl::CivilDay day;
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": '", text, "' is not a day (YYYY-MM-DD)"));
  }
  return day;
}

absl::CivilDay DayOf(const cti::v1::LocalDate& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

std::string Duration(absl::Duration d) {
  const int64_t minutes = absl::ToInt64Minutes(d);
  return absl::StrFormat("%dh%02dm", minutes / 60, minutes % 60);
}

double Rate(uint64_t part, uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

void AddTally(const cti::v1::CallTally& from, cti::v1::CallTally* to) {
  to->set_offered(to->offered() + from.offered());
  to->set_answered(to->answered() + from.answered());
  to->set_abandoned(to->abandoned() + from.abandoned());
  to->set_failed(to->failed() + from.failed());
  to->set_voicemail(to->voicemail() + from.voicemail());
}

// Adds `from`'s buckets to `to`'s (same bounds; `to` empty or complete).
void AddBuckets(const google::protobuf::RepeatedPtrField<cti::v1::AnswerTimeBucket>& from,
                google::protobuf::RepeatedPtrField<cti::v1::AnswerTimeBucket>* to) {
  if (to->empty()) {
    *to = from;
    return;
  }
  for (int i = 0; i < from.size() && i < to->size(); ++i) {
    to->Mutable(i)->set_calls(to->Get(i).calls() + from.Get(i).calls());
  }
}

// Sets the figures derived from the counts: rate, mean and percentiles.
void FinishCalls(uint64_t wait_millis_total, cti::v1::CallCompliance* calls) {
  const cti::v1::CallTally& in = calls->in_phone_hours();
  calls->set_answer_rate(Rate(in.answered(), in.offered()));
  calls->clear_answer_wait_percentiles();
  uint64_t answered = 0;
  for (const cti::v1::AnswerTimeBucket& bucket : calls->answer_times()) answered += bucket.calls();
  calls->set_answer_wait_mean_millis(answered == 0 ? 0 : wait_millis_total / answered);
  if (answered == 0) return;
  for (uint32_t percent : kPercentiles) {
    // The smallest bucket holding at least percent% of the answered calls.
    const uint64_t needed = (answered * percent + 99) / 100;
    uint64_t seen = 0;
    for (const cti::v1::AnswerTimeBucket& bucket : calls->answer_times()) {
      seen += bucket.calls();
      if (seen >= needed) {
        cti::v1::WaitPercentile* p = calls->add_answer_wait_percentiles();
        p->set_percent(percent);
        p->set_at_most_seconds(bucket.up_to_seconds());
        p->set_beyond_last_bound(bucket.up_to_seconds() == 0);
        break;
      }
    }
  }
}

void FinishCallbacks(cti::v1::CallbackCompliance* c) {
  c->set_on_time_rate(Rate(c->on_time(), c->requested() - c->open_not_due()));
}

void FinishVoicemail(cti::v1::VoicemailCompliance* v) {
  v->set_on_time_rate(Rate(v->listened_on_time(), v->left() - v->unlistened_not_due()));
}

// Builds one report over one snapshot (history families as of the structure position).
class Builder {
 public:
  Builder(const Store& store, internal::Txn& txn, const cti::v1::ComplianceReportRequest& request,
          const Compliance::Period& period, absl::Time now, absl::TimeZone zone)
      : store_(store),
        txn_(txn),
        t_(internal::TenantPrefix(request.tenant())),
        request_(request),
        period_(period),
        now_(now),
        zone_(zone) {}

  absl::Status Run(uint64_t structure_position, absl::Span<const RefusedChange> refused) {
    CTI_RETURN_IF_ERROR(LoadUnits());
    CTI_RETURN_IF_ERROR(AddCalls());
    CTI_RETURN_IF_ERROR(AddCallbacks());
    CTI_RETURN_IF_ERROR(AddVoicemails());
    CTI_RETURN_IF_ERROR(AddHoursChanges());
    for (const RefusedChange& change : refused) {
      if (!InScope(change.unit_id)) continue;
      cti::v1::ComplianceFinding finding;
      finding.set_rule(change.rule);
      finding.set_unit_id(change.unit_id);
      finding.set_text(absl::StrCat("refused: ", change.reason));
      *finding.mutable_start() = ProtoTimeOf(change.recorded_at);
      finding.set_position(change.position);
      Add(std::move(finding), /*breach=*/false);
    }
    AddUnitsWithoutResponsible();
    CTI_RETURN_IF_ERROR(AddSickWithoutForwarding());
    CTI_RETURN_IF_ERROR(AddDeadEnds(structure_position));
    return absl::OkStatus();
  }

  cti::v1::ComplianceReportResponse Take() {
    cti::v1::ComplianceReportResponse response;
    response.set_from_day(absl::FormatCivilTime(period_.from));
    response.set_to_day(absl::FormatCivilTime(period_.to));
    *response.mutable_period_start() = ProtoTimeOf(period_.start);
    *response.mutable_period_end() = ProtoTimeOf(period_.end);
    *response.mutable_at() = ProtoTimeOf(now_);
    cti::v1::UnitCompliance* total = response.mutable_total();
    total->set_unit_name("all");
    uint64_t total_wait = 0;
    for (auto& [id, row] : units_) {
      FinishCalls(wait_millis_[id], row.mutable_calls());
      FinishCallbacks(row.mutable_callbacks());
      FinishVoicemail(row.mutable_voicemail());
      row.set_breaches(breaches_by_unit_[id]);
      AddTally(row.calls().all(), total->mutable_calls()->mutable_all());
      AddTally(row.calls().in_phone_hours(), total->mutable_calls()->mutable_in_phone_hours());
      AddBuckets(row.calls().answer_times(), total->mutable_calls()->mutable_answer_times());
      total_wait += wait_millis_[id];
      cti::v1::CallbackCompliance* c = total->mutable_callbacks();
      c->set_requested(c->requested() + row.callbacks().requested());
      c->set_on_time(c->on_time() + row.callbacks().on_time());
      c->set_same_day(c->same_day() + row.callbacks().same_day());
      c->set_late(c->late() + row.callbacks().late());
      c->set_open_overdue(c->open_overdue() + row.callbacks().open_overdue());
      c->set_open_not_due(c->open_not_due() + row.callbacks().open_not_due());
      cti::v1::VoicemailCompliance* v = total->mutable_voicemail();
      v->set_left(v->left() + row.voicemail().left());
      v->set_listened_on_time(v->listened_on_time() + row.voicemail().listened_on_time());
      v->set_listened_late(v->listened_late() + row.voicemail().listened_late());
      v->set_unlistened_overdue(v->unlistened_overdue() + row.voicemail().unlistened_overdue());
      v->set_unlistened_not_due(v->unlistened_not_due() + row.voicemail().unlistened_not_due());
      *response.add_units() = std::move(row);
    }
    FinishCalls(total_wait, total->mutable_calls());
    FinishCallbacks(total->mutable_callbacks());
    FinishVoicemail(total->mutable_voicemail());
    uint32_t total_breaches = 0;
    for (size_t i = 0; i < kRules.size(); ++i) {
      cti::v1::RuleSummary* summary = response.add_rules();
      summary->set_rule(kRules[i].rule);
      summary->set_title(kRules[i].title);
      summary->set_breaches(rule_breaches_[i]);
      summary->set_notes(rule_notes_[i]);
      total_breaches += rule_breaches_[i];
    }
    total->set_breaches(total_breaches);
    std::stable_sort(findings_.begin(), findings_.end(),
                     [](const cti::v1::ComplianceFinding& a, const cti::v1::ComplianceFinding& b) {
                       const int ra = RuleIndex(a.rule());
                       const int rb = RuleIndex(b.rule());
                       if (ra != rb) return ra < rb;
                       if (a.unit_id() != b.unit_id()) return a.unit_id() < b.unit_id();
                       if (a.start().seconds() != b.start().seconds()) {
                         return a.start().seconds() < b.start().seconds();
                       }
                       return a.start().nanos() < b.start().nanos();
                     });
    if (findings_.size() > static_cast<size_t>(Compliance::kMaxFindings)) {
      findings_.resize(Compliance::kMaxFindings);
      response.set_findings_truncated(true);
    }
    for (cti::v1::ComplianceFinding& finding : findings_)
      *response.add_findings() = std::move(finding);
    return response;
  }

 private:
  bool InScope(absl::string_view unit_id) const {
    return request_.unit_id().empty() || unit_id == request_.unit_id();
  }

  // The row of `unit_id`, created on first use (the name from the units known).
  cti::v1::UnitCompliance& Row(const std::string& unit_id) {
    auto [it, inserted] = units_.try_emplace(unit_id);
    if (inserted) {
      it->second.set_unit_id(unit_id);
      auto name = unit_names_.find(unit_id);
      if (name != unit_names_.end()) it->second.set_unit_name(name->second);
    }
    return it->second;
  }

  void Add(cti::v1::ComplianceFinding finding, bool breach) {
    finding.set_breach(breach);
    const int rule = RuleIndex(finding.rule());
    if (rule < static_cast<int>(kRules.size())) {
      (breach ? rule_breaches_ : rule_notes_)[rule] += 1;
    }
    if (breach) breaches_by_unit_[finding.unit_id()] += 1;
    if (!finding.unit_id().empty() && InScope(finding.unit_id())) Row(finding.unit_id());
    findings_.push_back(std::move(finding));
  }

  std::string Local(absl::Time t) const { return absl::FormatTime("%Y-%m-%d %H:%M", t, zone_); }

  absl::Status LoadUnits() {
    bool parsed = true;
    CTI_RETURN_IF_ERROR(
        txn_.Scan(Cf::kDirectory, absl::StrCat(t_, std::string(1, internal::kUnitTag)),
                  [&](absl::string_view, absl::string_view value) {
                    cti::v1::Unit unit;
                    if (!unit.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
                      parsed = false;
                      return false;
                    }
                    unit_names_[unit.unit_id()] = unit.name();
                    if (unit.active() && InScope(unit.unit_id())) {
                      active_units_.push_back(unit);
                      Row(unit.unit_id());
                    }
                    return true;
                  }));
    if (!parsed) return absl::DataLossError("a unit record does not parse");
    return absl::OkStatus();
  }

  absl::StatusOr<cti::v1::Employee*> EmployeeOf(const std::string& id) {
    auto it = employees_.find(id);
    if (it == employees_.end()) {
      cti::v1::Employee employee;
      CTI_ASSIGN_OR_RETURN(
          bool found,
          txn_.GetProto(Cf::kDirectory, internal::TaggedKey(t_, internal::kEmployeeTag, id),
                        &employee));
      if (!found) employee.set_employee_id(id);
      it = employees_.emplace(id, std::move(employee)).first;
    }
    return &it->second;
  }

  // TP-3.6.
  absl::Status AddCalls() {
    cti::v1::ListCallCountsRequest counts_request;
    counts_request.set_tenant(request_.tenant());
    counts_request.set_from_day(absl::FormatCivilTime(period_.from));
    counts_request.set_to_day(absl::FormatCivilTime(period_.to));
    counts_request.set_unit_id(request_.unit_id());
    CTI_ASSIGN_OR_RETURN(cti::v1::ListCallCountsResponse counts,
                         CallCounts(&store_).List(counts_request));
    for (const cti::v1::UnitDayCallCounts& day : counts.days()) {
      cti::v1::CallCompliance* calls = Row(day.unit_id()).mutable_calls();
      AddTally(day.all(), calls->mutable_all());
      AddTally(day.in_phone_hours(), calls->mutable_in_phone_hours());
      AddBuckets(day.answer_times(), calls->mutable_answer_times());
      wait_millis_[day.unit_id()] += day.answer_wait_millis_total();
    }
    for (auto& [id, row] : units_) {
      const cti::v1::CallTally& in = row.calls().in_phone_hours();
      const uint64_t lost = in.abandoned() + in.failed();
      if (lost == 0) continue;
      cti::v1::ComplianceFinding finding;
      finding.set_rule("TP-3.6");
      finding.set_unit_id(id);
      finding.set_text(absl::StrCat(lost, " of ", in.offered(),
                                    " calls within phone hours were not answered (", in.abandoned(),
                                    " abandoned, ", in.failed(), " failed) (TP-3.6)"));
      *finding.mutable_start() = ProtoTimeOf(period_.start);
      *finding.mutable_end() = ProtoTimeOf(period_.end);
      Add(std::move(finding), /*breach=*/true);
    }
    return absl::OkStatus();
  }

  // Scans the keys `prefix` + µs + id whose µs lies in the period; fn(id).
  absl::Status ScanPeriod(const std::string& prefix,
                          absl::FunctionRef<absl::Status(absl::string_view id)> fn) {
    const uint64_t from_us = static_cast<uint64_t>(absl::ToUnixMicros(period_.start));
    const uint64_t to_us = static_cast<uint64_t>(absl::ToUnixMicros(period_.end));
    std::vector<std::string> ids;
    CTI_RETURN_IF_ERROR(txn_.ScanFrom(Cf::kCalls, prefix,
                                      absl::StrCat(prefix, internal::EncodeBigEndian64(from_us)),
                                      [&](absl::string_view key, absl::string_view) {
                                        if (key.size() < prefix.size() + 8) return true;
                                        const absl::string_view rest = key.substr(prefix.size());
                                        if (internal::DecodeBigEndian64(rest) >= to_us)
                                          return false;
                                        ids.emplace_back(rest.substr(8));
                                        return true;
                                      }));
    for (const std::string& id : ids) CTI_RETURN_IF_ERROR(fn(id));
    return absl::OkStatus();
  }

  // TP-4.3, TP-3.14: the callbacks requested in the period.
  absl::Status AddCallbacks() {
    return ScanPeriod(internal::RequestedCallbacksPrefix(t_), [&](absl::string_view id) {
      state::Callback callback;
      CTI_ASSIGN_OR_RETURN(bool found,
                           txn_.GetProto(Cf::kCalls, internal::CallbackKey(t_, id), &callback));
      if (!found)
        return absl::DataLossError(absl::StrCat("callback '", id, "' is indexed but missing"));
      if (!InScope(callback.unit_id())) return absl::OkStatus();
      cti::v1::CallbackCompliance* c = Row(callback.unit_id()).mutable_callbacks();
      c->set_requested(c->requested() + 1);
      const absl::Time requested = AbslTimeOf(callback.requested_at());
      const absl::Time due = AbslTimeOf(callback.due_at());
      cti::v1::ComplianceFinding finding;
      finding.set_rule("TP-4.3");
      finding.set_unit_id(callback.unit_id());
      finding.set_employee_id(callback.assignee().employee_id());
      finding.set_subject_id(std::string(id));
      *finding.mutable_start() = callback.requested_at();
      finding.set_position(callback.position());
      if (callback.completed()) {
        const absl::Time completed = AbslTimeOf(callback.completed_at());
        if (completed <= due) {
          c->set_on_time(c->on_time() + 1);
          if (absl::ToCivilDay(completed, zone_) == absl::ToCivilDay(requested, zone_)) {
            c->set_same_day(c->same_day() + 1);
          }
          return absl::OkStatus();
        }
        c->set_late(c->late() + 1);
        *finding.mutable_end() = callback.completed_at();
        finding.set_text(absl::StrCat("callback requested ", Local(requested), ", due ", Local(due),
                                      ", made ", Local(completed), ": ", Duration(completed - due),
                                      " late (TP-4.3, TP-3.14)"));
        Add(std::move(finding), /*breach=*/true);
        return absl::OkStatus();
      }
      if (due > now_) {
        c->set_open_not_due(c->open_not_due() + 1);
        return absl::OkStatus();
      }
      c->set_open_overdue(c->open_overdue() + 1);
      finding.set_text(absl::StrCat("callback requested ", Local(requested), ", due ", Local(due),
                                    ", not made: overdue by ", Duration(now_ - due),
                                    " (TP-4.3, TP-3.14)"));
      Add(std::move(finding), /*breach=*/true);
      return absl::OkStatus();
    });
  }

  // When a voicemail left at `left` for `unit_id` must have been listened to: the end
  // (local midnight) of its phone day.
  absl::StatusOr<absl::Time> VoicemailDeadline(const std::string& unit_id, absl::Time left) {
    if (!holidays_.has_value()) {
      CTI_ASSIGN_OR_RETURN(holidays_, internal::LoadHolidayCalendar(txn_, t_));
    }
    auto it = hours_.find(unit_id);
    if (it == hours_.end()) {
      CTI_ASSIGN_OR_RETURN(internal::ResolvedUnitHours hours,
                           internal::ResolvePhoneHours(txn_, t_, unit_id));
      it = hours_.emplace(unit_id, std::move(hours.hours)).first;
    }
    CTI_ASSIGN_OR_RETURN(cti::hours::CallbackDue due,
                         cti::hours::CallbackDueAt(it->second, left, zone_, *holidays_));
    const absl::CivilDay day = absl::ToCivilDay(due.due - absl::Nanoseconds(1), zone_);
    return absl::FromCivil(day + 1, zone_);
  }

  // TP-3.14: the voicemails left in the period.
  absl::Status AddVoicemails() {
    return ScanPeriod(internal::LeftVoicemailsPrefix(t_), [&](absl::string_view id) {
      state::Voicemail voicemail;
      CTI_ASSIGN_OR_RETURN(bool found,
                           txn_.GetProto(Cf::kCalls, internal::VoicemailKey(t_, id), &voicemail));
      if (!found) {
        return absl::DataLossError(absl::StrCat("voicemail '", id, "' is indexed but missing"));
      }
      if (!InScope(voicemail.unit_id())) return absl::OkStatus();
      cti::v1::VoicemailCompliance* v = Row(voicemail.unit_id()).mutable_voicemail();
      v->set_left(v->left() + 1);
      const absl::Time left = AbslTimeOf(voicemail.left_at());
      CTI_ASSIGN_OR_RETURN(absl::Time deadline, VoicemailDeadline(voicemail.unit_id(), left));
      cti::v1::ComplianceFinding finding;
      finding.set_rule("TP-3.14");
      finding.set_unit_id(voicemail.unit_id());
      finding.set_employee_id(voicemail.left().mailbox().employee_id());
      finding.set_subject_id(std::string(id));
      *finding.mutable_start() = voicemail.left_at();
      finding.set_position(voicemail.position());
      if (voicemail.listened()) {
        const absl::Time listened = AbslTimeOf(voicemail.listened_at());
        if (listened <= deadline) {
          v->set_listened_on_time(v->listened_on_time() + 1);
          return absl::OkStatus();
        }
        v->set_listened_late(v->listened_late() + 1);
        *finding.mutable_end() = voicemail.listened_at();
        finding.set_text(absl::StrCat("voicemail left ", Local(left), ", listened to ",
                                      Local(listened), ": ", Duration(listened - deadline),
                                      " after its phone day ended (TP-3.14)"));
        Add(std::move(finding), /*breach=*/true);
        return absl::OkStatus();
      }
      if (deadline > now_) {
        v->set_unlistened_not_due(v->unlistened_not_due() + 1);
        return absl::OkStatus();
      }
      v->set_unlistened_overdue(v->unlistened_overdue() + 1);
      finding.set_text(absl::StrCat("voicemail left ", Local(left), " not listened to, ",
                                    Duration(now_ - deadline),
                                    " after its phone day ended (TP-3.14)"));
      Add(std::move(finding), /*breach=*/true);
      return absl::OkStatus();
    });
  }

  static std::string ApprovalText(const cti::v1::DirectorApproval& approval, absl::TimeZone zone) {
    if (approval.director_employee_id().empty()) return "without a director's approval";
    return absl::StrCat("approved by ", approval.director_employee_id(), " on ",
                        absl::FormatTime("%Y-%m-%d", AbslTimeOf(approval.approved_at()), zone));
  }

  // TP-3.13 and TP-4.7: the reductions and unmanned periods of the period, and chains of
  // reductions beyond 6 months.
  absl::Status AddHoursChanges() {
    const std::string prefix = absl::StrCat(t_, "h");
    std::vector<std::pair<std::string, state::UnitHoursRecord>> records;
    bool parsed = true;
    CTI_RETURN_IF_ERROR(
        txn_.Scan(Cf::kRouting, prefix, [&](absl::string_view key, absl::string_view value) {
          state::UnitHoursRecord record;
          if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
            parsed = false;
            return false;
          }
          records.emplace_back(std::string(key.substr(prefix.size())), std::move(record));
          return true;
        }));
    if (!parsed) return absl::DataLossError("a unit hours record does not parse");
    for (const auto& [unit_id, record] : records) {
      if (unit_id.empty() || !InScope(unit_id)) continue;
      std::vector<const cti::v1::HoursChangeSet*> reductions;
      for (const cti::v1::HoursChangeSet& change : record.changes()) {
        if (change.has_reduction()) {
          reductions.push_back(&change);
          const cti::v1::HoursReduction& r = change.reduction();
          const absl::CivilDay first = DayOf(r.first_day());
          const absl::CivilDay last = DayOf(r.last_day());
          if (last < period_.from || first > period_.to) continue;
          std::string coverage = "reception takes messages";
          if (r.coverage() == cti::v1::REDUCTION_COVERAGE_PHONE_DESK) {
            coverage =
                absl::StrCat("phone desk ", absl::StrJoin(r.phone_desk_employee_ids(), ", "));
          }
          cti::v1::ComplianceFinding finding;
          finding.set_rule("TP-3.13");
          finding.set_unit_id(unit_id);
          finding.set_subject_id(change.change_id());
          finding.set_text(absl::StrCat(
              "hours reduced ", absl::FormatCivilTime(first), " to ", absl::FormatCivilTime(last),
              " (", last - first + 1, " days), ", ApprovalText(r.approval(), zone_), "; ", coverage,
              change.reason().empty() ? "" : "; ", change.reason()));
          *finding.mutable_start() = ProtoTimeOf(absl::FromCivil(first, zone_));
          *finding.mutable_end() = ProtoTimeOf(absl::FromCivil(last + 1, zone_));
          Add(std::move(finding), /*breach=*/false);
        } else if (change.has_unmanned()) {
          const cti::v1::UnmannedPeriod& u = change.unmanned();
          const absl::Time start = AbslTimeOf(u.start());
          const absl::Time end = AbslTimeOf(u.end());
          if (end <= period_.start || start >= period_.end) continue;
          cti::v1::ComplianceFinding finding;
          finding.set_rule("TP-4.7");
          finding.set_unit_id(unit_id);
          finding.set_subject_id(change.change_id());
          finding.set_text(absl::StrCat("unmanned ", Local(start), " to ", Local(end), ", ",
                                        ApprovalText(u.approval(), zone_),
                                        change.reason().empty() ? "" : "; ", change.reason()));
          *finding.mutable_start() = u.start();
          *finding.mutable_end() = u.end();
          Add(std::move(finding), /*breach=*/false);
        }
      }
      AddReductionChains(unit_id, std::move(reductions));
    }
    return absl::OkStatus();
  }

  // Reductions back to back (or overlapping) form one reduction in effect: beyond 6
  // months the director has not decided the return to official hours (TP-3.13).
  void AddReductionChains(const std::string& unit_id,
                          std::vector<const cti::v1::HoursChangeSet*> reductions) {
    std::sort(reductions.begin(), reductions.end(), [](const auto* a, const auto* b) {
      return DayOf(a->reduction().first_day()) < DayOf(b->reduction().first_day());
    });
    for (size_t i = 0; i < reductions.size();) {
      const absl::CivilDay first = DayOf(reductions[i]->reduction().first_day());
      absl::CivilDay last = DayOf(reductions[i]->reduction().last_day());
      std::vector<std::string> ids = {reductions[i]->change_id()};
      size_t j = i + 1;
      for (; j < reductions.size() && DayOf(reductions[j]->reduction().first_day()) <= last + 1;
           ++j) {
        last = std::max(last, DayOf(reductions[j]->reduction().last_day()));
        ids.push_back(reductions[j]->change_id());
      }
      i = j;
      if (ids.size() < 2 || last <= cti::hours::LatestReductionLastDay(first)) continue;
      if (last < period_.from || first > period_.to) continue;
      cti::v1::ComplianceFinding finding;
      finding.set_rule("TP-3.13");
      finding.set_unit_id(unit_id);
      finding.set_subject_id(absl::StrJoin(ids, ","));
      finding.set_text(absl::StrCat(
          "reductions ", absl::StrJoin(ids, ", "), " follow each other from ",
          absl::FormatCivilTime(first), " to ", absl::FormatCivilTime(last), " (", last - first + 1,
          " days): more than 6 months without a return to the official hours (TP-3.13)"));
      *finding.mutable_start() = ProtoTimeOf(absl::FromCivil(first, zone_));
      *finding.mutable_end() = ProtoTimeOf(absl::FromCivil(last + 1, zone_));
      Add(std::move(finding), /*breach=*/true);
    }
  }

  // TP-5.2: active units (at the end of the period) naming no phone-responsible person.
  void AddUnitsWithoutResponsible() {
    for (const cti::v1::Unit& unit : active_units_) {
      if (unit.phone_responsible_employee_ids_size() > 0) continue;
      cti::v1::ComplianceFinding finding;
      finding.set_rule("TP-5.2");
      finding.set_unit_id(unit.unit_id());
      finding.set_subject_id(unit.unit_id());
      finding.set_text(absl::StrCat("unit ", unit.unit_id(), " (", unit.name(),
                                    ") names no phone-responsible person (TP-5.2)"));
      Add(std::move(finding), /*breach=*/true);
    }
  }

  // TP-4.5: the phone hours of each sickness in the period that no forwarding covered.
  absl::Status AddSickWithoutForwarding() {
    std::vector<cti::v1::CalendarEntryUpserted> sick;
    bool parsed = true;
    CTI_RETURN_IF_ERROR(txn_.Scan(
        Cf::kCalendar, absl::StrCat(t_, "e"), [&](absl::string_view, absl::string_view value) {
          cti::v1::CalendarEntryUpserted entry;
          if (!entry.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
            parsed = false;
            return false;
          }
          if (entry.kind() == cti::v1::ABSENCE_KIND_SICK &&
              AbslTimeOf(entry.end()) > period_.start && AbslTimeOf(entry.start()) < period_.end) {
            sick.push_back(std::move(entry));
          }
          return true;
        }));
    if (!parsed) return absl::DataLossError("a calendar entry does not parse");
    if (!holidays_.has_value()) {
      CTI_ASSIGN_OR_RETURN(holidays_, internal::LoadHolidayCalendar(txn_, t_));
    }
    for (const cti::v1::CalendarEntryUpserted& entry : sick) {
      CTI_ASSIGN_OR_RETURN(cti::v1::Employee * employee, EmployeeOf(entry.employee_id()));
      const std::string unit_id = employee->unit_id();
      if (!InScope(unit_id)) continue;
      // The forwardings that send the phone on while nobody answers it.
      std::vector<std::pair<absl::Time, absl::Time>> covered;
      CTI_RETURN_IF_ERROR(txn_.Scan(
          Cf::kCalendar, internal::TaggedKey(t_, 'f', entry.employee_id(), ""),
          [&](absl::string_view, absl::string_view value) {
            cti::v1::ForwardingSet forwarding;
            if (!forwarding.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
              parsed = false;
              return false;
            }
            if (forwarding.condition() != cti::v1::FORWARDING_CONDITION_UNCONDITIONAL &&
                forwarding.condition() != cti::v1::FORWARDING_CONDITION_NO_ANSWER) {
              return true;
            }
            covered.emplace_back(forwarding.has_valid_from() ? AbslTimeOf(forwarding.valid_from())
                                                             : absl::InfinitePast(),
                                 forwarding.has_valid_until() ? AbslTimeOf(forwarding.valid_until())
                                                              : absl::InfiniteFuture());
            return true;
          }));
      if (!parsed) return absl::DataLossError("a forwarding does not parse");
      auto hours = hours_.find(unit_id);
      if (hours == hours_.end()) {
        CTI_ASSIGN_OR_RETURN(internal::ResolvedUnitHours resolved,
                             internal::ResolvePhoneHours(txn_, t_, unit_id));
        hours = hours_.emplace(unit_id, std::move(resolved.hours)).first;
      }
      const absl::Time from = std::max(AbslTimeOf(entry.start()), period_.start);
      const absl::Time to = std::min(AbslTimeOf(entry.end()), period_.end);
      absl::Duration uncovered;
      absl::Time first_uncovered = absl::InfiniteFuture();
      for (absl::Time t = from; t < to;) {
        absl::Time next =
            std::min(to, cti::hours::NextChange(hours->second, cti::hours::HoursKind::kPhone, t,
                                                zone_, *holidays_));
        bool is_covered = false;
        for (const auto& [start, end] : covered) {
          if (start <= t && t < end) {
            is_covered = true;
            next = std::min(next, end);
          } else if (start > t) {
            next = std::min(next, start);
          }
        }
        if (!is_covered &&
            cti::hours::OpenAt(hours->second, cti::hours::HoursKind::kPhone, t, zone_, *holidays_)
                .open) {
          uncovered += next - t;
          first_uncovered = std::min(first_uncovered, t);
        }
        t = next;
      }
      if (uncovered <= absl::ZeroDuration()) continue;
      cti::v1::ComplianceFinding finding;
      finding.set_rule("TP-4.5");
      finding.set_unit_id(unit_id);
      finding.set_employee_id(entry.employee_id());
      finding.set_subject_id(entry.entry_id());
      finding.set_text(absl::StrCat(
          entry.employee_id(), " sick ", Local(AbslTimeOf(entry.start())), " to ",
          Local(AbslTimeOf(entry.end())), ": ", Duration(uncovered),
          " of phone hours without a forwarding, from ", Local(first_uncovered), " (TP-4.5)"));
      *finding.mutable_start() = entry.start();
      *finding.mutable_end() = entry.end();
      Add(std::move(finding), /*breach=*/true);
    }
    return absl::OkStatus();
  }

  // TP-4.8: Router::Check as of the structure position, at the period's last instant
  // (or now, for a period not yet over).
  absl::Status AddDeadEnds(uint64_t structure_position) {
    cti::v1::CheckRequest check_request;
    check_request.set_tenant(request_.tenant());
    const absl::Time at = std::min(now_, period_.end - absl::Microseconds(1));
    CTI_ASSIGN_OR_RETURN(cti::v1::CheckResponse check,
                         Router(&store_, zone_).Check(check_request, at, structure_position));
    for (const cti::v1::CheckFinding& found : check.findings()) {
      cti::v1::ComplianceFinding finding;
      finding.set_rule(found.rule().empty() ? "TP-4.8" : found.rule());
      finding.set_subject_id(found.subject_id());
      if (found.subject_kind() == "unit") {
        finding.set_unit_id(found.subject_id());
      } else if (found.subject_kind() == "employee") {
        CTI_ASSIGN_OR_RETURN(cti::v1::Employee * employee, EmployeeOf(found.subject_id()));
        finding.set_employee_id(found.subject_id());
        finding.set_unit_id(employee->unit_id());
      } else if (found.subject_kind() == "group") {
        cti::v1::Group group;
        CTI_ASSIGN_OR_RETURN(
            bool exists,
            txn_.GetProto(Cf::kRouting, internal::TaggedKey(t_, 'g', found.subject_id()), &group));
        if (exists) finding.set_unit_id(group.unit_id());
      }
      if (!request_.unit_id().empty() && finding.unit_id() != request_.unit_id()) continue;
      finding.set_text(found.problem());
      Add(std::move(finding), /*breach=*/true);
    }
    return absl::OkStatus();
  }

  const Store& store_;
  internal::Txn& txn_;
  const std::string t_;
  const cti::v1::ComplianceReportRequest& request_;
  const Compliance::Period period_;
  const absl::Time now_;
  const absl::TimeZone zone_;

  std::map<std::string, std::string> unit_names_;
  std::vector<cti::v1::Unit> active_units_;
  std::map<std::string, cti::v1::UnitCompliance> units_;
  std::map<std::string, uint64_t> wait_millis_;
  std::map<std::string, uint32_t> breaches_by_unit_;
  std::map<std::string, cti::v1::Employee> employees_;
  std::map<std::string, cti::hours::UnitHours> hours_;
  std::optional<cti::hours::HolidayCalendar> holidays_;
  std::array<uint32_t, kRules.size()> rule_breaches_{};
  std::array<uint32_t, kRules.size()> rule_notes_{};
  std::vector<cti::v1::ComplianceFinding> findings_;
};

}  // namespace

absl::StatusOr<Compliance::Period> Compliance::ParsePeriod(
    const cti::v1::ComplianceReportRequest& request, absl::TimeZone zone) {
  if (request.tenant().empty()) return absl::InvalidArgumentError("tenant: is required");
  Period period;
  CTI_ASSIGN_OR_RETURN(period.from, ParseDay("from_day", request.from_day()));
  CTI_ASSIGN_OR_RETURN(period.to, ParseDay("to_day", request.to_day()));
  if (period.to < period.from) {
    return absl::InvalidArgumentError(
        absl::StrCat("to_day: ", request.to_day(), " is before from_day ", request.from_day()));
  }
  if (period.to - period.from >= kMaxDays) {
    return absl::InvalidArgumentError(
        absl::StrCat("to_day: a report spans at most ", kMaxDays, " days"));
  }
  period.start = absl::FromCivil(period.from, zone);
  period.end = absl::FromCivil(period.to + 1, zone);
  return period;
}

absl::StatusOr<cti::v1::ComplianceReportResponse> Compliance::Report(
    const cti::v1::ComplianceReportRequest& request, absl::Time now, uint64_t structure_position,
    absl::Span<const RefusedChange> refused) const {
  CTI_ASSIGN_OR_RETURN(const Period period, ParsePeriod(request, zone_));
  internal::SnapshotRead read(*store_, structure_position);
  Builder builder(*store_, read.txn(), request, period, now, zone_);
  CTI_RETURN_IF_ERROR(builder.Run(structure_position, refused));
  cti::v1::ComplianceReportResponse response = builder.Take();
  response.set_structure_position(structure_position);
  return response;
}

}  // namespace cti::projections
