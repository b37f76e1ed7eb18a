// The voicemail-duty view: unlistened voicemails per unit, greetings, the units' hours.
#include "projections/voicemail_duty.h"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "projections/hours/summary.h"
#include "projections/internal/directory_records.h"
#include "projections/internal/keys.h"
#include "projections/internal/reception_records.h"
#include "projections/internal/shape.h"
#include "projections/internal/snapshot_read.h"
#include "projections/internal/state.pb.h"
#include "projections/internal/status_macros.h"
#include "projections/internal/unit_hours.h"

namespace cti::projections {
namespace {

using internal::Cf;

// The greeting check's normal form (see GreetingStartsWithHours).
std::string Normalize(absl::string_view text) {
  std::string out;
  bool space = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    // U+2013 en dash and U+2014 em dash: E2 80 93 / E2 80 94.
    if (c == '\xE2' && i + 2 < text.size() && text[i + 1] == '\x80' &&
        (text[i + 2] == '\x93' || text[i + 2] == '\x94')) {
      c = '-';
      i += 2;
    }
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space && !out.empty() && c != '-' && out.back() != '-') out.push_back(' ');
    space = false;
    out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

absl::string_view StripLead(absl::string_view text) {
  for (absl::string_view lead : {"telefontiden er", "telefontid"}) {
    if (absl::ConsumePrefix(&text, lead)) {
      absl::ConsumePrefix(&text, " ");
      absl::ConsumePrefix(&text, ":");
      absl::ConsumePrefix(&text, " ");
      break;
    }
  }
  return text;
}

std::string MailboxKey(const cti::v1::CallTarget& mailbox) {
  switch (mailbox.target_case()) {
    case cti::v1::CallTarget::kEmployeeId:
      return absl::StrCat("e", mailbox.employee_id());
    case cti::v1::CallTarget::kUnitId:
      return absl::StrCat("u", mailbox.unit_id());
    case cti::v1::CallTarget::kNumber:
      return absl::StrCat("n", mailbox.number());
    default:
      return "";
  }
}

// What one unit collects before it is answered.
struct UnitDuty {
  std::vector<cti::v1::MailboxDuty> mailboxes;             // oldest voicemail first
  std::map<std::string, int> mailbox_index;                // MailboxKey -> index
  std::optional<state::VoicemailGreeting> unit_greeting;   // its own mailbox
  std::map<std::string, state::VoicemailGreeting> others;  // employee id -> greeting
};

cti::v1::GreetingStatus Check(const cti::v1::CallTarget& mailbox,
                              const state::VoicemailGreeting* greeting,
                              const std::string& normal_hours) {
  cti::v1::GreetingStatus status;
  *status.mutable_mailbox() = mailbox;
  status.set_normal_hours(normal_hours);
  if (greeting == nullptr) {
    status.set_check(cti::v1::GREETING_CHECK_NOT_RECORDED);
    return status;
  }
  status.set_text(greeting->text());
  *status.mutable_set_at() = greeting->set_at();
  status.set_check(GreetingStartsWithHours(greeting->text(), normal_hours)
                       ? cti::v1::GREETING_CHECK_STARTS_WITH_HOURS
                       : cti::v1::GREETING_CHECK_MISSING_HOURS);
  return status;
}

}  // namespace

bool GreetingStartsWithHours(absl::string_view greeting, absl::string_view normal_hours) {
  const std::string hours = Normalize(normal_hours);
  const std::string text = Normalize(greeting);
  absl::string_view rest = StripLead(text);
  if (hours.empty() || !absl::ConsumePrefix(&rest, hours)) return false;
  // "fre 8-14" must not match "fre 8-14.30" or "fre 8-145".
  if (!rest.empty() && absl::ascii_isdigit(static_cast<unsigned char>(rest[0]))) return false;
  if (rest.size() >= 2 && (rest[0] == '.' || rest[0] == ':') &&
      absl::ascii_isdigit(static_cast<unsigned char>(rest[1]))) {
    return false;
  }
  return true;
}

absl::StatusOr<cti::v1::GetVoicemailDutyResponse> VoicemailDuty::Get(
    const cti::v1::GetVoicemailDutyRequest& request, absl::Time now) const {
  using internal::FieldPath;
  if (request.tenant().empty()) return absl::InvalidArgumentError("tenant: is required");
  CTI_RETURN_IF_ERROR(internal::CheckTimestamp(FieldPath("at"), request.has_at(), request.at(),
                                               /*required=*/false));
  const absl::Time at = request.has_at() ? internal::AbslTimeOf(request.at()) : now;
  const absl::Time today = absl::FromCivil(absl::CivilDay(absl::ToCivilDay(at, zone_)), zone_);
  const uint64_t at_micros = internal::MicrosOf(internal::ProtoTimeOf(at));

  internal::SnapshotRead read(*store_);
  internal::Txn& txn = read.txn();
  const std::string t = internal::TenantPrefix(request.tenant());
  std::map<std::string, UnitDuty> units;
  if (!request.unit_id().empty()) {
    cti::v1::Unit unit;
    CTI_ASSIGN_OR_RETURN(bool found, internal::LoadUnit(txn, t, request.unit_id(), &unit));
    if (!found) return internal::NotFound("unit_id", request.unit_id());
    units[request.unit_id()];
  }

  // Unlistened voicemails, per unit then by time left.
  struct Unlistened {
    std::string unit_id;
    std::string voicemail_id;
  };
  std::vector<Unlistened> unlistened;
  const std::string all = internal::UnlistenedPrefix(t);
  const std::string prefix = request.unit_id().empty()
                                 ? all
                                 : absl::StrCat(all, request.unit_id(), absl::string_view("\0", 1));
  CTI_RETURN_IF_ERROR(txn.Scan(Cf::kCalls, prefix, [&](absl::string_view key, absl::string_view) {
    const absl::string_view rest = key.substr(all.size());
    const size_t nul = rest.find('\0');
    if (nul == absl::string_view::npos || rest.size() < nul + 1 + 8) return true;
    if (internal::DecodeBigEndian64(rest.substr(nul + 1, 8)) > at_micros) return true;
    unlistened.push_back({std::string(rest.substr(0, nul)), std::string(rest.substr(nul + 9))});
    return true;
  }));
  for (const Unlistened& item : unlistened) {
    state::Voicemail voicemail;
    CTI_ASSIGN_OR_RETURN(
        bool found,
        txn.GetProto(Cf::kCalls, internal::VoicemailKey(t, item.voicemail_id), &voicemail));
    if (!found) {
      return absl::DataLossError(
          absl::StrCat("unlistened voicemail '", item.voicemail_id, "' has no state"));
    }
    UnitDuty& unit = units[item.unit_id];
    const cti::v1::CallTarget& mailbox = voicemail.left().mailbox();
    auto [it, inserted] = unit.mailbox_index.try_emplace(MailboxKey(mailbox),
                                                         static_cast<int>(unit.mailboxes.size()));
    if (inserted) {
      cti::v1::MailboxDuty duty;
      *duty.mutable_mailbox() = mailbox;
      *duty.mutable_oldest_left_at() = voicemail.left_at();
      duty.set_overdue(internal::AbslTimeOf(voicemail.left_at()) < today);
      unit.mailboxes.push_back(std::move(duty));
    }
    cti::v1::MailboxDuty& duty = unit.mailboxes[it->second];
    duty.set_unlistened(duty.unlistened() + 1);
  }

  // Greetings, under the mailbox's unit now.
  std::vector<state::VoicemailGreeting> greetings;
  CTI_RETURN_IF_ERROR(txn.Scan(
      Cf::kCalls, internal::GreetingsPrefix(t), [&](absl::string_view, absl::string_view value) {
        state::VoicemailGreeting greeting;
        if (greeting.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          greetings.push_back(std::move(greeting));
        }
        return true;
      }));
  for (state::VoicemailGreeting& greeting : greetings) {
    CTI_ASSIGN_OR_RETURN(std::string unit_id, internal::UnitOfTarget(txn, t, greeting.mailbox()));
    if (unit_id.empty()) continue;
    if (!request.unit_id().empty() && unit_id != request.unit_id()) continue;
    UnitDuty& unit = units[unit_id];
    if (greeting.mailbox().has_unit_id()) {
      unit.unit_greeting = std::move(greeting);
    } else {
      const std::string employee_id = greeting.mailbox().employee_id();
      unit.others[employee_id] = std::move(greeting);
    }
  }

  cti::v1::GetVoicemailDutyResponse response;
  *response.mutable_at() = internal::ProtoTimeOf(at);
  for (auto& [unit_id, collected] : units) {
    cti::v1::UnitVoicemailDuty* out = response.add_units();
    out->set_unit_id(unit_id);
    if (!unit_id.empty()) {
      cti::v1::Unit unit;
      CTI_ASSIGN_OR_RETURN(bool found, internal::LoadUnit(txn, t, unit_id, &unit));
      if (found) out->set_unit_name(unit.name());
    }
    CTI_ASSIGN_OR_RETURN(internal::ResolvedUnitHours hours,
                         internal::ResolvePhoneHours(txn, t, unit_id));
    const std::string normal_hours =
        cti::hours::SummarizeWeek(hours.hours.phone.week, cti::hours::Language::kDanish);
    bool flagged = false;
    for (cti::v1::MailboxDuty& duty : collected.mailboxes) {
      flagged = flagged || duty.overdue();
      *out->add_mailboxes() = std::move(duty);
    }
    if (!unit_id.empty()) {
      cti::v1::CallTarget own;
      own.set_unit_id(unit_id);
      *out->mutable_greeting() =
          Check(own, collected.unit_greeting ? &*collected.unit_greeting : nullptr, normal_hours);
      flagged = flagged || out->greeting().check() == cti::v1::GREETING_CHECK_MISSING_HOURS;
    }
    for (const auto& [employee_id, greeting] : collected.others) {
      cti::v1::GreetingStatus* status = out->add_employee_greetings();
      *status = Check(greeting.mailbox(), &greeting, normal_hours);
      flagged = flagged || status->check() == cti::v1::GREETING_CHECK_MISSING_HOURS;
    }
    out->set_flagged(flagged);
    if (flagged) response.set_flagged_units(response.flagged_units() + 1);
  }
  return response;
}

}  // namespace cti::projections
