// How an iCalendar event maps onto our calendar model: absence kind, show-as, subject
// and the identifiers that make a re-import idempotent. The rules are listed in
// server/calendar_import/README.md. Pure functions, thread-safe.
#ifndef CTI_SERVER_CALENDAR_IMPORT_INTERNAL_MAPPING_H_
#define CTI_SERVER_CALENDAR_IMPORT_INTERNAL_MAPPING_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cti/v1/calendar.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace cti::calendar_import::internal {

// The properties of one VEVENT that decide kind and show-as, as written (any case).
struct PresenceFields {
  std::vector<std::string> categories;  // CATEGORIES, one string per category
  std::string summary;                  // SUMMARY
  std::string busy_status;              // X-MICROSOFT-CDO-BUSYSTATUS
  std::string transp;                   // TRANSP
  std::string status;                   // STATUS
};

// The absence kind a keyword of `text` names, or ABSENCE_KIND_UNSPECIFIED when none
// does. Case-insensitive, Danish letters included; Danish keywords also match inside
// compound words ("sommerferie", "førstehjælpskursus").
cti::v1::AbsenceKind KindFromKeywords(absl::string_view text);

// The absence kind: a keyword in CATEGORIES, else in SUMMARY, else the busy status
// (OOF: AWAY, WORKINGELSEWHERE: OFF_SITE), else MEETING. Never UNSPECIFIED.
cti::v1::AbsenceKind KindOf(const PresenceFields& fields);

// BUSY or TENTATIVE, or nullopt when the event does not block the employee (busy status
// FREE; or, without a busy status, TRANSP:TRANSPARENT).
std::optional<cti::v1::ShowAs> ShowAsOf(const PresenceFields& fields);

// The subject reception sees: SUMMARY without control characters other than newline and
// tab, trimmed, at most 500 characters. "Privat aftale" for a private or confidential
// event (CLASS:PRIVATE, CLASS:CONFIDENTIAL).
std::string SubjectOf(absl::string_view summary, bool is_private);

// `text` cut to at most `max_chars` code points, never inside a UTF-8 sequence.
std::string TruncateUtf8(absl::string_view text, size_t max_chars);

// An instant as "20250310T080000Z" (RFC 5545 basic form, UTC, whole seconds).
std::string BasicUtc(absl::Time instant);

// The entry_id: the UID, plus "#" and the instance's original start (BasicUtc) for an
// instance of a recurring event. A UID that is not 1 to 239 printable ASCII characters
// without spaces is replaced by "uid-sha256:" and 40 hex digits of its SHA-256.
std::string EntryIdOf(absl::string_view uid, std::optional<absl::Time> instance);

// The event_id: "ics:<employee_id>:" and 32 hex digits of a SHA-256 over the employee,
// the whole entry (entry_id, kind, show_as, start, end, subject), occurred_at and
// `id_context`. The same entry imported again gets the same id; a changed entry a new one.
std::string EventIdOf(const cti::v1::CalendarEntryUpserted& entry,
                      const google::protobuf::Timestamp& occurred_at, absl::string_view id_context);

// The SHA-256 of `bytes` as 64 lower-case hex digits.
std::string Sha256Hex(absl::string_view bytes);

}  // namespace cti::calendar_import::internal

#endif  // CTI_SERVER_CALENDAR_IMPORT_INTERNAL_MAPPING_H_
