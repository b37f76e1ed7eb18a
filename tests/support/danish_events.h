// Builders of realistic cti.v1 events for tests and benchmarks: a Danish municipality's
// units and employees (names with æ, ø, å), calendar entries and call events.
//
// Example:
//   EventFactory f;                                   // tenant "aabenraa"
//   cti::v1::Event e = f.EmployeeHired(MakeEmployee("e2001", "Ida Kjær", "borgerservice"));
//   for (const cti::v1::Event& e : DemoOrganisation(f)) Append(e);
//
// Times are deterministic: an EventFactory stamps occurred_at from a fixed base instant
// (BaseTime(), Monday 4 November 2024 08:00 Europe/Copenhagen) plus one second per event.
// Thread safety: EventFactory is not thread-safe; the free functions are.
#ifndef CTI_TESTS_SUPPORT_DANISH_EVENTS_H_
#define CTI_TESTS_SUPPORT_DANISH_EVENTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "cti/v1/event.pb.h"

namespace cti::test_support {

// The test municipality (Aabenraa: main number 73 76 76 76, POLICY.md TP-7.1).
inline constexpr char kTenant[] = "aabenraa";

// Monday 4 November 2024 08:00 Europe/Copenhagen (07:00 UTC).
absl::Time BaseTime();

// Ids of DemoOrganisation's records.
namespace demo {
inline constexpr char kBorgerOgArbejdsmarked[] = "borger-arbejdsmarked";
inline constexpr char kBorgerservice[] = "borgerservice";
inline constexpr char kJobcenter[] = "jobcenter";
inline constexpr char kSundhedOgAeldre[] = "sundhed-aeldre";
inline constexpr char kSundhedsplejen[] = "sundhedsplejen";
inline constexpr char kHjemmeplejen[] = "hjemmeplejen-oest";
inline constexpr char kBoernOgSkole[] = "boern-skole";
inline constexpr char kKongehoejskolen[] = "kongehoejskolen";
inline constexpr char kReception[] = "reception";
inline constexpr char kAnnaHolm[] = "e1001";         // Borgerservice, boligstøtte, pas
inline constexpr char kBoLund[] = "e1002";           // Borgerservice, kørekort
inline constexpr char kSorenOstergaard[] = "e1003";  // Jobcenter, sygedagpenge
inline constexpr char kAseAero[] = "e1004";          // Sundhedsplejen, spædbørn
inline constexpr char kJorgenBaek[] = "e1005";       // Hjemmeplejen Øst, unlisted
inline constexpr char kLaerkeNaesby[] = "e1006";     // Receptionen
inline constexpr char kMetteAagaard[] = "e1007";     // Kongehøjskolen
}  // namespace demo

// A unit record.
cti::v1::Unit MakeUnit(const std::string& unit_id, cti::v1::UnitKind kind, const std::string& name,
                       const std::string& parent_unit_id = "",
                       const std::vector<std::string>& tasks = {},
                       const std::string& phone_number = "");

// An employee record. The e-mail is derived from the id; direct number from extension.
cti::v1::Employee MakeEmployee(const std::string& employee_id, const std::string& full_name,
                               const std::string& unit_id, const std::string& extension = "",
                               const std::vector<std::string>& tasks = {},
                               const std::string& title = "");

class EventFactory {
 public:
  // Event ids are "<id_prefix>-<n>" with n counting from 1.
  explicit EventFactory(std::string tenant = kTenant, std::string id_prefix = "t");

  // A bare envelope: fresh event_id, tenant, occurred_at; no payload.
  cti::v1::Event Envelope();
  // The id the next Envelope will get.
  std::string PeekNextId() const;

  cti::v1::Event UnitDefined(const cti::v1::Unit& unit);
  cti::v1::Event UnitRetired(const std::string& unit_id);
  cti::v1::Event EmployeeHired(const cti::v1::Employee& employee);
  cti::v1::Event EmployeeMoved(const std::string& employee_id, const std::string& to_unit_id);
  cti::v1::Event EmployeeTasksChanged(const std::string& employee_id,
                                      const std::vector<std::string>& tasks);
  cti::v1::Event EmployeeLeft(const std::string& employee_id);
  cti::v1::Event PhoneResponsibleAssigned(const std::string& unit_id,
                                          const std::string& employee_id);

  // A calendar absence of `employee_id` from `start` for `length`.
  cti::v1::Event CalendarEntry(const std::string& employee_id, const std::string& entry_id,
                               cti::v1::AbsenceKind kind, absl::Time start, absl::Duration length,
                               const std::string& subject);
  // Forwards `employee_id`'s phone unconditionally to a colleague (TP-4.4).
  cti::v1::Event ForwardToColleague(const std::string& employee_id,
                                    const std::string& forwarding_id,
                                    const std::string& colleague_id, const std::string& reason);

  // A call reached reception's main number.
  cti::v1::Event CallOffered(const std::string& call_id, const std::string& caller_number);
  // A call rings at an employee.
  cti::v1::Event CallRinging(const std::string& call_id, const std::string& employee_id);
  // Reception took a message for an employee (TP-6.2).
  cti::v1::Event MessageTaken(const std::string& message_id, const std::string& employee_id,
                              const std::string& caller_name, const std::string& text);

 private:
  std::string tenant_;
  std::string id_prefix_;
  uint64_t next_ = 1;
};

// A small organisation: administrations, departments, a professional unit, a school,
// reception, seven employees and a phone-responsible person, in dependency order.
std::vector<cti::v1::Event> DemoOrganisation(EventFactory& factory);

// A call event with a unique call id derived from `n`, for load: "call-<prefix>-<n>"
// offered from a Danish mobile number. `padding` (at most 100) extra bytes appended to the
// correlation_id make records bigger when wanted.
cti::v1::Event LoadCallEvent(const std::string& tenant, const std::string& event_id, uint64_t n,
                             size_t padding = 0);

}  // namespace cti::test_support

#endif  // CTI_TESTS_SUPPORT_DANISH_EVENTS_H_
