// Reading and checking the checked-in golden files (README.md in this folder): event
// types as the schema names them, the golden record sets on disk, and which fields a set
// of messages leaves unset.
//
// Layout under the golden folder (the `root` arguments):
//   events/<version>/<NNN>-<name>.binpb      a log record value, exactly as the log stores it
//   events/<version>/<NNN>-<name>.textproto  the same cti.v1.Event as text, for reviewers
//   proto/cti-v1-<version>.descriptor_set.textproto   the API and event schema
//   proto/state-v<projection schema version>.descriptor_set.textproto   stored records
//
// Thread safety: pure functions, except that file functions touch the file system.
#ifndef CTI_TESTS_GOLDEN_GOLDEN_FILES_H_
#define CTI_TESTS_GOLDEN_GOLDEN_FILES_H_

#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cti/v1/event.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace cti::golden {

// Every event type today's schema has: "<family>.<change>" for each case of the
// cti.v1.Event payload oneof and each case of that family's own oneof, e.g.
// "call.offered", "staff.unit_defined". Read from the compiled-in descriptors.
std::set<std::string> EventTypes();

// The event type of `event` ("call.offered"); "" when it has no payload or no change.
std::string EventTypeOf(const cti::v1::Event& event);

// The event type a golden file's stem names: "007-staff.employee_hired-e2002" ->
// "staff.employee_hired".
std::string EventTypeOfName(const std::string& stem);

// One golden record as found on disk.
struct GoldenFile {
  std::string version;    // the folder under events/, e.g. "0.1.0"
  std::string stem;       // "007-staff.employee_hired-e2002"
  std::string binary;     // the .binpb bytes
  std::string textproto;  // the .textproto twin's text ("" when missing)
  bool has_textproto = false;
};

// The golden record folders under `root`/events, sorted by name.
absl::StatusOr<std::vector<std::string>> GoldenVersions(const std::string& root);

// The files of one version, in file name (= log) order. Errors: NOT_FOUND for a missing
// folder; INVALID_ARGUMENT naming a file that is neither .binpb nor .textproto.
absl::StatusOr<std::vector<GoldenFile>> ReadGoldenFiles(const std::string& root,
                                                        const std::string& version);

// Paths (e.g. "staff.unit_defined.unit.kind") of fields outside any oneof that are not
// set in `message` or in any cti.v1 message inside it; repeated fields count as set
// when non-empty. Messages of other packages (google.protobuf.Timestamp) are not
// entered; inside a message held by a field of its own type (a RouteStep's members),
// that field may stay empty. Empty when fully populated.
std::vector<std::string> UnsetFields(const google::protobuf::Message& message);

// Adds to `seen` the full name ("cti.v1.Unit.kind") of every field set anywhere in
// `message` (oneof members included), entering only messages of package cti.v1.
void CollectSetFields(const google::protobuf::Message& message, std::set<std::string>* seen);

// The full names of every field of every cti.v1 message reachable from `root`.
std::set<std::string> ReachableFields(const google::protobuf::Descriptor* root);

// Paths of unknown fields anywhere in `message` ("" for the top level); empty when none.
std::vector<std::string> UnknownFieldPaths(const google::protobuf::Message& message);

// File helpers.
absl::StatusOr<std::string> ReadFile(const std::string& path);
absl::Status WriteFile(const std::string& path, const std::string& contents);

}  // namespace cti::golden

#endif  // CTI_TESTS_GOLDEN_GOLDEN_FILES_H_
