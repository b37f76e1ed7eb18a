#include "callback_format.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "format.h"

namespace cti::ctictl {
namespace {

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

// "Mon 01 Dec 16:00": short enough for a table, with the weekday a promise is made on.
std::string Short(const google::protobuf::Timestamp& t, const absl::TimeZone& zone) {
  if (t.seconds() == 0 && t.nanos() == 0) return "-";
  return absl::FormatTime("%a %d %b %H:%M", TimeOf(t), zone);
}

// "2025-12-01 16:00".
std::string Minute(const google::protobuf::Timestamp& t, const absl::TimeZone& zone) {
  return absl::FormatTime("%Y-%m-%d %H:%M", TimeOf(t), zone);
}

std::string GreetingCheckLabel(cti::v1::GreetingCheck check) {
  switch (check) {
    case cti::v1::GREETING_CHECK_STARTS_WITH_HOURS:
      return "ok";
    case cti::v1::GREETING_CHECK_MISSING_HOURS:
      return "MISSING HOURS";
    case cti::v1::GREETING_CHECK_NOT_RECORDED:
      return "not recorded";
    default:
      return "?";
  }
}

}  // namespace

std::string CallbackSourceLabel(cti::v1::CallbackSource source) {
  switch (source) {
    case cti::v1::CALLBACK_SOURCE_CITIZEN_REQUESTED:
      return "citizen";
    case cti::v1::CALLBACK_SOURCE_COLLEAGUE_PROMISED:
      return "colleague";
    case cti::v1::CALLBACK_SOURCE_RECEPTION_MESSAGE:
      return "reception";
    case cti::v1::CALLBACK_SOURCE_VOICEMAIL:
      return "voicemail";
    default:
      return "-";
  }
}

std::string CallTargetLabel(const cti::v1::CallTarget& target) {
  switch (target.target_case()) {
    case cti::v1::CallTarget::kEmployeeId:
      return absl::StrCat("employee ", target.employee_id());
    case cti::v1::CallTarget::kUnitId:
      return absl::StrCat("unit ", target.unit_id());
    case cti::v1::CallTarget::kNumber:
      return absl::StrCat("number ", target.number());
    default:
      return "-";
  }
}

std::string FormatCallbacks(const cti::v1::ListCallbacksResponse& response,
                            const absl::TimeZone& zone) {
  std::string out = absl::StrCat("callbacks at ", Minute(response.at(), zone), ": ",
                                 response.open(), " open, ", response.overdue(), " overdue\n");
  if (response.callbacks_size() == 0) return out;
  std::vector<std::vector<std::string>> rows;
  for (const cti::v1::PromisedCallback& cb : response.callbacks()) {
    std::string state = cb.completed() ? absl::StrCat("done ", Short(cb.completed_at(), zone))
                                       : (cb.overdue() ? "OVERDUE" : "open");
    std::vector<std::string> notes;
    if (cb.due_next_phone_day()) notes.push_back("next phone day");
    if (cb.reassignments() > 0) notes.push_back(absl::StrCat("reassigned ", cb.reassignments()));
    rows.push_back({Short(cb.due_at(), zone), std::move(state), cb.callback_id(),
                    cb.callback_number(), CallTargetLabel(cb.assignee()),
                    cb.unit_id().empty() ? "-" : cb.unit_id(), CallbackSourceLabel(cb.source()),
                    Short(cb.requested_at(), zone), absl::StrJoin(notes, ", ")});
  }
  absl::StrAppend(&out, "\n",
                  RenderTable({"DUE", "STATE", "CALLBACK", "NUMBER", "ASSIGNEE", "UNIT", "SOURCE",
                               "REQUESTED", "NOTE"},
                              rows));
  if (response.truncated()) {
    absl::StrAppend(&out, "(more callbacks matched: the list is cut at ", response.callbacks_size(),
                    ")\n");
  }
  return out;
}

std::string FormatVoicemailDuty(const cti::v1::GetVoicemailDutyResponse& response,
                                const absl::TimeZone& zone) {
  std::string out =
      absl::StrCat("voicemail duty at ", Minute(response.at(), zone), ": ", response.units_size(),
                   " units, ", response.flagged_units(), " flagged\n");
  std::vector<std::vector<std::string>> mailboxes;
  std::vector<std::vector<std::string>> greetings;
  for (const cti::v1::UnitVoicemailDuty& unit : response.units()) {
    const std::string unit_label = unit.unit_id().empty() ? "(numbers)" : unit.unit_id();
    for (const cti::v1::MailboxDuty& mailbox : unit.mailboxes()) {
      mailboxes.push_back({mailbox.overdue() ? "!" : "", unit_label,
                           CallTargetLabel(mailbox.mailbox()), absl::StrCat(mailbox.unlistened()),
                           Short(mailbox.oldest_left_at(), zone),
                           mailbox.overdue() ? "not listened to the day it came (TP-3.14)" : ""});
    }
    const auto add_greeting = [&](const cti::v1::GreetingStatus& greeting) {
      const bool missing = greeting.check() == cti::v1::GREETING_CHECK_MISSING_HOURS;
      greetings.push_back({missing ? "!" : "", unit_label, CallTargetLabel(greeting.mailbox()),
                           GreetingCheckLabel(greeting.check()), greeting.normal_hours(),
                           greeting.text().empty() ? "-" : Truncate(greeting.text(), 48)});
    };
    if (unit.has_greeting()) add_greeting(unit.greeting());
    for (const cti::v1::GreetingStatus& greeting : unit.employee_greetings()) {
      add_greeting(greeting);
    }
  }
  if (!mailboxes.empty()) {
    absl::StrAppend(&out, "\n",
                    RenderTable({"", "UNIT", "MAILBOX", "UNLISTENED", "OLDEST", "WHY"}, mailboxes));
  }
  if (!greetings.empty()) {
    absl::StrAppend(
        &out, "\n",
        RenderTable({"", "UNIT", "GREETING OF", "CHECK", "NORMAL HOURS", "TEXT"}, greetings));
  }
  return out;
}

}  // namespace cti::ctictl
