#include "server/unknown_fields.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/unknown_field_set.h"

namespace cti::server {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

absl::Status Check(const Message& message, const std::string& path) {
  const Reflection* reflection = message.GetReflection();
  const google::protobuf::UnknownFieldSet& unknown = reflection->GetUnknownFields(message);
  if (!unknown.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown field number ", unknown.field(0).number(), " in ", path,
                     ": this server cannot validate it (is the client newer than the server?)"));
  }
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    const std::string field_path = absl::StrCat(path, ".", field->name());
    if (field->is_repeated()) {
      const int size = reflection->FieldSize(message, field);
      for (int i = 0; i < size; ++i) {
        absl::Status status = Check(reflection->GetRepeatedMessage(message, field, i),
                                    absl::StrCat(field_path, "[", i, "]"));
        if (!status.ok()) return status;
      }
    } else {
      absl::Status status = Check(reflection->GetMessage(message, field), field_path);
      if (!status.ok()) return status;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckNoUnknownFields(const Message& message, std::string_view root) {
  return Check(message, std::string(root));
}

absl::Status CheckNoUnknownTopLevelFields(const google::protobuf::Message& message,
                                          std::string_view name) {
  const google::protobuf::UnknownFieldSet& unknown =
      message.GetReflection()->GetUnknownFields(message);
  if (unknown.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("unknown field number ", unknown.field(0).number(),
                                                 " in ", std::string(name),
                                                 ": this server cannot validate it (is the client "
                                                 "newer than the server?)"));
}

}  // namespace cti::server
