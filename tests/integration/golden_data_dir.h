// Golden data directories (tests/golden/README.md, "Data directories"): the questions
// asked of a ctid serving one, and their answers, as make_golden_data_dir records them
// and e2e_data_dir_upgrade_test checks them.
//
// A checked-in version folder tests/golden/data_dirs/<version>/ holds:
//   data.tar.gz     ctid's --data-dir ("data/" inside), stopped cleanly
//   clock_start     the --clock-start ctid ran with (RFC 3339), for "now" in answers
//   answers/NN-<kind>-<what>.request.textproto   a question, <kind> one of kKinds
//   answers/NN-<kind>-<what>.response.textproto  what that version answered
//
// Thread safety: Ask may be called from any thread; the rest are pure or file functions.
#ifndef CTI_TESTS_INTEGRATION_GOLDEN_DATA_DIR_H_
#define CTI_TESTS_INTEGRATION_GOLDEN_DATA_DIR_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "tests/support/ctid_process.h"

namespace cti::test_support::golden {

// The kinds of question: "status" (AdminService.GetStatus), "route" (RouteService.Route),
// "search", "employee", "unit" (DirectoryService.Search, GetEmployee, GetUnit).
inline constexpr const char* kKinds[] = {"status", "route", "search", "employee", "unit"};

// An empty request message of `kind`; INVALID_ARGUMENT for an unknown kind.
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> NewRequest(const std::string& kind);

// An empty response message of `kind` (what Ask answers for it).
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> NewResponse(const std::string& kind);

// Asks `ctid` the question of `kind` (as an admin) and answers the response with what
// changes from run to run cleared (see Normalize).
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> Ask(
    const CtidProcess& ctid, const std::string& kind, const google::protobuf::Message& request);

// Clears what legitimately differs between two runs over the same data: GetStatus's
// start time and server version (and the transient log_unreachable, building,
// projector_error), and each search hit's availability.at (the server's now).
void Normalize(google::protobuf::Message* response);

// One question on disk.
struct RecordedQuestion {
  std::string name;  // "03-route-anna-sick"
  std::string kind;  // "route"
  std::unique_ptr<google::protobuf::Message> request;
  std::unique_ptr<google::protobuf::Message> response;  // as recorded
};

// The questions of `answers_dir`, in name order. Errors name the file at fault.
absl::StatusOr<std::vector<RecordedQuestion>> ReadQuestions(const std::string& answers_dir);

// `message` in text format with a header naming its type; Danish letters kept readable.
std::string ToTextproto(const google::protobuf::Message& message);

}  // namespace cti::test_support::golden

#endif  // CTI_TESTS_INTEGRATION_GOLDEN_DATA_DIR_H_
