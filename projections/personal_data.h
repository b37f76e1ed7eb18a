// Which fields of a record are personal data, sealed at the server's edge so that
// erasing a person needs no rewrite of the log (GDPR art. 17, crypto-shredding; the
// keys and the cipher are the server's, server/privacy/). This file is the one list of
// those fields, and what the projector makes of a record whose data is erased.
//
// The personal fields, per payload (PersonalData in event.proto names them):
//   EmployeeHired.employee, EmployeeContactChanged: full_name, direct_number,
//     mobile_number, email — about the employee;
//   CallOffered: caller_number — about the caller;
//   MessageTaken: caller_name, callback_number, text — about the caller;
//   CallbackRequested: callback_number — about the caller;
//   CallRouteDecided: answer — about every employee its steps name.
//
// Erased data: a record that reaches the projector still sealed (Event.personal set:
// a key of one of its subjects is gone) is applied with its personal fields as
// FillErasedPersonalData leaves them, and its rules do not check those fields (they
// were checked when it was appended). So it has the same outcome as before the erasure,
// and every replica, whenever it applies the record, reaches the same state.
#ifndef CTI_PROJECTIONS_PERSONAL_DATA_H_
#define CTI_PROJECTIONS_PERSONAL_DATA_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cti/v1/event.pb.h"
#include "projections/store.h"

namespace cti::projections {

// What an erased name or text reads as ("deleted"). Numbers and e-mail read as empty.
inline constexpr char kErasedText[] = "[slettet]";

// Whom a record's personal data is about, as the payload names them.
struct PersonalSubjects {
  std::vector<std::string> employee_ids;    // distinct, in order of appearance
  std::vector<std::string> caller_numbers;  // distinct, as given
  // A message taken without a callback number: its caller is known by the message.
  std::string message_id;
};

// Moves the personal fields of `event`'s payload into `data` (clearing them in the
// payload) and answers whom they are about. False, with nothing changed, when the
// payload has no personal data (or all of it is empty, or no one is named).
bool TakePersonalData(cti::v1::Event* event, cti::v1::PersonalData* data,
                      PersonalSubjects* subjects);

// Puts `data` back into the payload fields TakePersonalData took it from.
void RestorePersonalData(const cti::v1::PersonalData& data, cti::v1::Event* event);

// The payload's personal fields as erased data reads: names and texts kErasedText,
// numbers, e-mail and a decision trace's answer empty. Fields that were empty when
// sealed read the same way.
void FillErasedPersonalData(cti::v1::Event* event);

// The subject of an employee's personal data: "employee:<employee_id>".
std::string EmployeeSubject(absl::string_view employee_id);

// The subject of a message's caller data when no number names the caller:
// "message:<message_id>".
std::string MessageSubject(absl::string_view message_id);

// True for "caller:" followed by 32 lowercase hex digits.
bool IsCallerSubject(absl::string_view subject);

// A subject whose data was erased, as the store knows it.
struct ErasedSubject {
  std::string tenant;
  std::string subject;
  uint64_t position = 0;  // of its latest PersonalDataErased
};

// Every erased subject of every tenant the store has applied, in key order.
absl::StatusOr<std::vector<ErasedSubject>> ListErasedSubjects(const Store& store);

}  // namespace cti::projections

#endif  // CTI_PROJECTIONS_PERSONAL_DATA_H_
