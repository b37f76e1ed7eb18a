// Human-readable output of DirectoryService answers (`ctictl search`, `ctictl show`).
//
// Pure functions; thread-compatible.
#ifndef CTI_CLIENTS_CTICTL_DIRECTORY_FORMAT_H_
#define CTI_CLIENTS_CTICTL_DIRECTORY_FORMAT_H_

#include <string>

#include "cti/v1/directory_service.pb.h"
#include "cti/v1/staff.pb.h"

namespace cti::ctictl {

// What reception may say as an employee's direct number: "(unlisted)" for an unlisted
// employee (TP-3.5), else the number (possibly empty).
std::string PublicDirectNumber(const cti::v1::Employee& employee);

// A unit kind as a word: UNIT_KIND_DEPARTMENT -> "department".
std::string UnitKindLabel(cti::v1::UnitKind kind);

// Search hits as a table with the columns TYPE, ID, NAME, UNIT, EXT, DIRECT NUMBER,
// TASKS, best first. TYPE is "employee" or the unit's kind; an unlisted employee's
// direct number shows as "(unlisted)"; a unit's DIRECT NUMBER is its phone number.
// "No matches." when there are no hits.
std::string FormatSearchResults(const cti::v1::SearchResponse& response);

// One employee: name and id, then title, unit, numbers, e-mail, tasks and whether the
// employee is unlisted or has left.
std::string FormatEmployee(const cti::v1::GetEmployeeResponse& response);

// One unit: its record, its phone-responsible persons (by name when they work in the
// unit), then tables of its active employees and child units.
std::string FormatUnit(const cti::v1::GetUnitResponse& response);

}  // namespace cti::ctictl

#endif  // CTI_CLIENTS_CTICTL_DIRECTORY_FORMAT_H_
