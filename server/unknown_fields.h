// Refusal of fields this server does not know.
//
// A newer client may set fields that were added to the schema after this server was
// built. Protobuf keeps them as unknown fields and would carry them into the log
// unvalidated; Append refuses such events instead.
#ifndef CTI_SERVER_UNKNOWN_FIELDS_H_
#define CTI_SERVER_UNKNOWN_FIELDS_H_

#include <string_view>

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace cti::server {

// OK when neither `message` nor any message nested in it (singular, repeated, map
// values) carries an unknown field. Otherwise INVALID_ARGUMENT naming the first unknown
// field number found and its path, e.g.
//   "unknown field number 99 in event.staff.employee_hired.employee: this server
//    cannot validate it (is the client newer than the server?)"
// `root` names `message` in the path ("event"). Thread-compatible.
absl::Status CheckNoUnknownFields(const google::protobuf::Message& message, std::string_view root);

// As above for `message`'s own fields only (its nested messages are checked on their
// own, under shorter names): "unknown field number 7 in AppendRequest: ...".
absl::Status CheckNoUnknownTopLevelFields(const google::protobuf::Message& message,
                                          std::string_view name);

}  // namespace cti::server

#endif  // CTI_SERVER_UNKNOWN_FIELDS_H_
