// RecordFilter: which log records a stream of one tenant delivers — the filters that
// EventService.Subscribe and AuditService.Replay share (families, kinds, an employee or
// a unit, an actor, rejected records only).
//
// The employee and unit filters follow history: a unit's members change as hires,
// moves and leavers pass by (Follow), and the later records of a call that rang at or
// was answered by them (a transfer, the end) name nobody but belong to them too. So the
// records must be shown to Follow in position order, each with its apply outcome, and a
// stream that does not start at the log's first position seeds the members (AddMember)
// and calls (AddCall) it starts with.
// Thread safety: none; one stream uses its filter from one thread at a time.
#ifndef CTI_SERVER_RECORD_FILTER_H_
#define CTI_SERVER_RECORD_FILTER_H_

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "cti/v1/event.pb.h"
#include "google/protobuf/repeated_field.h"

namespace cti::server {

class RecordFilter {
 public:
  // What to let through; an empty field means "any".
  struct Spec {
    std::string tenant;
    const google::protobuf::RepeatedField<int>* families = nullptr;
    const google::protobuf::RepeatedPtrField<std::string>* kinds = nullptr;
    std::string employee_id;
    std::string unit_id;
    std::string actor_id;
    bool rejected_only = false;
  };
  // The Spec of a stream request with tenant, families, kinds, employee_id and unit_id
  // (SubscribeRequest, ReplayRequest), which must outlive it.
  template <typename Request>
  static Spec SpecOf(const Request& request) {
    Spec spec;
    spec.tenant = request.tenant();
    spec.families = &request.families();
    spec.kinds = &request.kinds();
    spec.employee_id = request.employee_id();
    spec.unit_id = request.unit_id();
    return spec;
  }

  // INVALID_ARGUMENT naming the field: no tenant, an unknown family or kind
  // ("families[2]", "kinds[0]"), both unit_id and employee_id.
  static absl::StatusOr<RecordFilter> Make(const Spec& spec);

  // True when `record` belongs to the tenant and to the employee or unit filter,
  // whatever its family, kind, actor and outcome: the records Follow must see.
  bool InScope(const cti::v1::LogRecord& record) const;
  // InScope, and passes every other filter (needs the record's outcome): delivered.
  bool Matches(const cti::v1::LogRecord& record) const;
  // Follows membership and calls through `record`, which is in scope and carries its
  // outcome. Call for every such record in position order.
  void Follow(const cti::v1::LogRecord& record);

  // Seeds a unit member or a call in progress, for a stream that starts mid-log.
  void AddMember(const std::string& employee_id) { members_.insert(employee_id); }
  void AddCall(const std::string& call_id) { calls_.insert(call_id); }

  // True when the filter follows an employee or a unit.
  bool follows_people() const { return !employee_id_.empty() || !unit_id_.empty(); }
  const std::string& unit_id() const { return unit_id_; }

 private:
  RecordFilter() = default;

  std::string tenant_;
  absl::flat_hash_set<int> families_;       // Empty: all.
  absl::flat_hash_set<std::string> kinds_;  // Event types (EventTypeOf); empty: all.
  std::string employee_id_;
  std::string unit_id_;
  std::string actor_id_;
  bool rejected_only_ = false;
  // The unit's members, followed through staff records.
  absl::flat_hash_set<std::string> members_;
  // Calls in progress that concern the employee or unit: their later records name
  // nobody but belong to the stream.
  absl::flat_hash_set<std::string> calls_;
};

}  // namespace cti::server

#endif  // CTI_SERVER_RECORD_FILTER_H_
