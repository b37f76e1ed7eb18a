#include "tests/golden/golden_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace cti::golden {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

constexpr char kPackage[] = "cti.v1";

bool InPackage(const Descriptor* d) { return d->file()->package() == kPackage; }

// The oneof of a family message (CallEvent, StaffEvent, CalendarEvent) that names its
// change: its only real oneof (protobuf puts the synthetic oneofs of proto3 `optional`
// fields after the real ones).
const google::protobuf::OneofDescriptor* ChangeOneof(const Descriptor* family) {
  return family->real_oneof_decl_count() == 1 ? family->oneof_decl(0) : nullptr;
}

bool IsSet(const Message& message, const FieldDescriptor* field) {
  const Reflection* r = message.GetReflection();
  return field->is_repeated() ? r->FieldSize(message, field) > 0 : r->HasField(message, field);
}

// `nested_in_self`: `message` is held by a field of its own type (RouteStep.members):
// that field need not be set again, or no record could be complete.
void Unset(const Message& message, const std::string& prefix, std::vector<std::string>* out,
           bool nested_in_self = false) {
  const Descriptor* d = message.GetDescriptor();
  const Reflection* r = message.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* field = d->field(i);
    const std::string path =
        prefix.empty() ? field->name() : absl::StrCat(prefix, ".", field->name());
    const bool in_oneof = field->real_containing_oneof() != nullptr;
    const bool self_typed = field->message_type() == d;
    if (!IsSet(message, field)) {
      if (!in_oneof && !(self_typed && nested_in_self)) out->push_back(path);
      continue;
    }
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE ||
        !InPackage(field->message_type())) {
      continue;
    }
    if (field->is_repeated()) {
      for (int j = 0; j < r->FieldSize(message, field); ++j) {
        Unset(r->GetRepeatedMessage(message, field, j), absl::StrCat(path, "[", j, "]"), out,
              self_typed);
      }
    } else {
      Unset(r->GetMessage(message, field), path, out, self_typed);
    }
  }
}

void Unknown(const Message& message, const std::string& path, std::vector<std::string>* out) {
  const Reflection* r = message.GetReflection();
  if (!r->GetUnknownFields(message).empty()) out->push_back(path);
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    const std::string sub = path.empty() ? field->name() : absl::StrCat(path, ".", field->name());
    if (field->is_repeated()) {
      for (int j = 0; j < r->FieldSize(message, field); ++j) {
        Unknown(r->GetRepeatedMessage(message, field, j), absl::StrCat(sub, "[", j, "]"), out);
      }
    } else {
      Unknown(r->GetMessage(message, field), sub, out);
    }
  }
}

}  // namespace

std::set<std::string> EventTypes() {
  std::set<std::string> types;
  const Descriptor* event = cti::v1::Event::descriptor();
  const google::protobuf::OneofDescriptor* payload = event->FindOneofByName("payload");
  for (int i = 0; payload != nullptr && i < payload->field_count(); ++i) {
    const FieldDescriptor* family = payload->field(i);
    const google::protobuf::OneofDescriptor* change = ChangeOneof(family->message_type());
    for (int j = 0; change != nullptr && j < change->field_count(); ++j) {
      types.insert(absl::StrCat(family->name(), ".", change->field(j)->name()));
    }
  }
  return types;
}

std::string EventTypeOf(const cti::v1::Event& event) {
  const Reflection* r = event.GetReflection();
  const google::protobuf::OneofDescriptor* payload =
      cti::v1::Event::descriptor()->FindOneofByName("payload");
  const FieldDescriptor* family = r->GetOneofFieldDescriptor(event, payload);
  if (family == nullptr) return "";
  const Message& body = r->GetMessage(event, family);
  const google::protobuf::OneofDescriptor* change = ChangeOneof(family->message_type());
  if (change == nullptr) return "";
  const FieldDescriptor* set = body.GetReflection()->GetOneofFieldDescriptor(body, change);
  return set == nullptr ? "" : absl::StrCat(family->name(), ".", set->name());
}

std::string EventTypeOfName(const std::string& stem) {
  std::string rest = stem;
  if (size_t dash = rest.find('-'); dash != std::string::npos) rest = rest.substr(dash + 1);
  if (size_t dash = rest.find('-'); dash != std::string::npos) rest = rest.substr(0, dash);
  return rest;
}

absl::StatusOr<std::vector<std::string>> GoldenVersions(const std::string& root) {
  const std::filesystem::path events = std::filesystem::path(root) / "events";
  std::error_code error;
  std::vector<std::string> versions;
  for (const auto& entry : std::filesystem::directory_iterator(events, error)) {
    if (entry.is_directory()) versions.push_back(entry.path().filename().string());
  }
  if (error) return absl::NotFoundError(absl::StrCat(events.string(), ": ", error.message()));
  std::sort(versions.begin(), versions.end());
  return versions;
}

absl::StatusOr<std::vector<GoldenFile>> ReadGoldenFiles(const std::string& root,
                                                        const std::string& version) {
  const std::filesystem::path dir = std::filesystem::path(root) / "events" / version;
  std::error_code error;
  std::map<std::string, GoldenFile> by_stem;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    const std::string name = entry.path().filename().string();
    const std::string stem = entry.path().stem().string();
    absl::StatusOr<std::string> contents = ReadFile(entry.path().string());
    if (!contents.ok()) return contents.status();
    GoldenFile& file = by_stem[stem];
    file.version = version;
    file.stem = stem;
    if (absl::EndsWith(name, ".binpb")) {
      file.binary = *std::move(contents);
    } else if (absl::EndsWith(name, ".textproto")) {
      file.textproto = *std::move(contents);
      file.has_textproto = true;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat(entry.path().string(), ": not a golden record (.binpb or .textproto)"));
    }
  }
  if (error) return absl::NotFoundError(absl::StrCat(dir.string(), ": ", error.message()));
  std::vector<GoldenFile> files;
  for (auto& [stem, file] : by_stem) files.push_back(std::move(file));
  return files;
}

std::vector<std::string> UnsetFields(const Message& message) {
  std::vector<std::string> out;
  Unset(message, "", &out);
  return out;
}

void CollectSetFields(const Message& message, std::set<std::string>* seen) {
  const Reflection* r = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    seen->insert(field->full_name());
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE ||
        !InPackage(field->message_type())) {
      continue;
    }
    if (field->is_repeated()) {
      for (int j = 0; j < r->FieldSize(message, field); ++j) {
        CollectSetFields(r->GetRepeatedMessage(message, field, j), seen);
      }
    } else {
      CollectSetFields(r->GetMessage(message, field), seen);
    }
  }
}

std::set<std::string> ReachableFields(const Descriptor* root) {
  std::set<std::string> fields;
  std::set<const Descriptor*> visited;
  std::vector<const Descriptor*> stack = {root};
  while (!stack.empty()) {
    const Descriptor* d = stack.back();
    stack.pop_back();
    if (!InPackage(d) || !visited.insert(d).second) continue;
    for (int i = 0; i < d->field_count(); ++i) {
      fields.insert(d->field(i)->full_name());
      if (d->field(i)->message_type() != nullptr) stack.push_back(d->field(i)->message_type());
    }
  }
  return fields;
}

std::vector<std::string> UnknownFieldPaths(const Message& message) {
  std::vector<std::string> out;
  Unknown(message, "", &out);
  return out;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat("error reading ", path));
  return contents.str();
}

absl::Status WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
  out.close();
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

}  // namespace cti::golden
