#include "server/mail/message_mail.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cti::mail {
namespace {

constexpr const char* kWeekdays[] = {"mandag", "tirsdag", "onsdag", "torsdag",
                                     "fredag", "lørdag",  "søndag"};
constexpr const char* kMonths[] = {"januar",    "februar", "marts",    "april",
                                   "maj",       "juni",    "juli",     "august",
                                   "september", "oktober", "november", "december"};

int WeekdayIndex(absl::Weekday day) {
  switch (day) {
    case absl::Weekday::monday:
      return 0;
    case absl::Weekday::tuesday:
      return 1;
    case absl::Weekday::wednesday:
      return 2;
    case absl::Weekday::thursday:
      return 3;
    case absl::Weekday::friday:
      return 4;
    case absl::Weekday::saturday:
      return 5;
    case absl::Weekday::sunday:
      return 6;
  }
  return 0;
}

}  // namespace

std::string DanishTime(absl::Time at, absl::TimeZone zone) {
  const absl::TimeZone::CivilInfo civil = zone.At(at);
  const absl::CivilDay day(civil.cs);
  return absl::StrFormat("%s den %d. %s %d kl. %02d.%02d",
                         kWeekdays[WeekdayIndex(absl::GetWeekday(day))], civil.cs.day(),
                         kMonths[civil.cs.month() - 1], civil.cs.year(), civil.cs.hour(),
                         civil.cs.minute());
}

std::string SubjectFor(const cti::projections::OutboxMessage& message) {
  std::string subject = "Besked fra ";
  subject += message.caller_name.empty() ? "en borger" : message.caller_name;
  if (!message.callback_number.empty())
    absl::StrAppend(&subject, " (", message.callback_number, ")");
  return subject;
}

std::string MessageIdFor(const cti::projections::OutboxMessage& message,
                         absl::string_view from_address) {
  const size_t at = from_address.rfind('@');
  const absl::string_view domain = at == absl::string_view::npos || at + 1 == from_address.size()
                                       ? absl::string_view("ctid.invalid")
                                       : from_address.substr(at + 1);
  return absl::StrCat("ctid-message.", MessageIdAtom(message.message_id), ".",
                      MessageIdAtom(message.tenant), "@", domain);
}

Mail MailForMessage(const cti::projections::OutboxMessage& message, absl::string_view from_address,
                    absl::string_view from_name, absl::Time now, absl::TimeZone zone) {
  Mail mail;
  mail.from_address = std::string(from_address);
  mail.from_name = std::string(from_name);
  mail.to_address = message.address;
  mail.to_name = message.recipient_name;
  mail.subject = SubjectFor(message);
  mail.message_id = MessageIdFor(message, from_address);
  mail.date = now;
  mail.zone = zone;

  std::string& body = mail.body;
  absl::StrAppend(&body, "Hej ", message.recipient_name.empty() ? "" : message.recipient_name,
                  "\n\nReceptionen har taget imod en besked til dig.\n\n");
  absl::StrAppend(&body, "Fra: ",
                  message.caller_name.empty() ? "(intet navn oplyst)" : message.caller_name, "\n");
  absl::StrAppend(
      &body, "Telefonnummer: ",
      message.callback_number.empty() ? "(intet nummer oplyst)" : message.callback_number, "\n");
  absl::StrAppend(&body, "Modtaget: ", DanishTime(message.taken_at, zone), "\n");
  if (message.callback_wanted) {
    absl::StrAppend(&body,
                    "Ønsker at blive ringet op: ja. Ring venligst tilbage i dag "
                    "(telefonpolitikken, TP-4.3).\n");
  } else {
    absl::StrAppend(&body, "Ønsker at blive ringet op: nej.\n");
  }
  absl::StrAppend(&body, "\nBesked:\n", message.text.empty() ? "(ingen tekst)" : message.text,
                  "\n");
  absl::StrAppend(&body, "\nMed venlig hilsen\nReceptionen\n\n-- \nBesked-id: ", message.message_id,
                  message.call_id.empty() ? "" : absl::StrCat(", opkald: ", message.call_id),
                  ". Sendt af ctid efter telefonpolitikken (TP-6.2).\n");
  return mail;
}

}  // namespace cti::mail
