#include "tests/golden/schema_compat.h"

#include <cstdint>
#include <functional>
#include <set>

#include "absl/strings/str_cat.h"
#include "cti/v1/admin_service.pb.h"
#include "cti/v1/audit_service.pb.h"
#include "cti/v1/calendar.pb.h"
#include "cti/v1/call.pb.h"
#include "cti/v1/call_service.pb.h"
#include "cti/v1/common.pb.h"
#include "cti/v1/directory_service.pb.h"
#include "cti/v1/event.pb.h"
#include "cti/v1/event_service.pb.h"
#include "cti/v1/hours.pb.h"
#include "cti/v1/presence.pb.h"
#include "cti/v1/route_service.pb.h"
#include "cti/v1/routing_rules.pb.h"
#include "cti/v1/staff.pb.h"
#include "projections/internal/state.pb.h"

namespace cti::golden {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::DescriptorProto;
using google::protobuf::EnumDescriptor;
using google::protobuf::EnumDescriptorProto;
using google::protobuf::FieldDescriptor;
using google::protobuf::FieldDescriptorProto;
using google::protobuf::ServiceDescriptorProto;

const char* const kNeverRemoved =
    " (published names and numbers are never removed, renumbered or changed: add a new "
    "field, value or method instead)";

// Golden type names are fully qualified with a leading dot (".cti.v1.Unit").
std::string Unqualified(const std::string& type_name) {
  return !type_name.empty() && type_name[0] == '.' ? type_name.substr(1) : type_name;
}

std::string FieldName(const std::string& message, const FieldDescriptorProto& field) {
  return absl::StrCat("field ", message, ".", field.name(), " = ", field.number());
}

bool Reserves(const Descriptor& today, int number) {
  for (int i = 0; i < today.reserved_range_count(); ++i) {
    const Descriptor::ReservedRange* r = today.reserved_range(i);
    if (number >= r->start && number < r->end) return true;
  }
  return false;
}

bool ReservesValue(const EnumDescriptor& today, int number) {
  for (int i = 0; i < today.reserved_range_count(); ++i) {
    const EnumDescriptor::ReservedRange* r = today.reserved_range(i);
    if (number >= r->start && number <= r->end) return true;  // enum ranges are inclusive
  }
  return false;
}

// The oneof a field belongs to, as written in the .proto ("" for none, also for the
// synthetic oneof of a proto3 `optional` field).
std::string OneofOf(const DescriptorProto& message, const FieldDescriptorProto& field) {
  if (!field.has_oneof_index() || field.proto3_optional()) return "";
  return message.oneof_decl(field.oneof_index()).name();
}
std::string OneofOf(const FieldDescriptor& field) {
  const google::protobuf::OneofDescriptor* oneof = field.real_containing_oneof();
  return oneof == nullptr ? "" : oneof->name();
}

class Checker {
 public:
  explicit Checker(const DescriptorPool& today) : today_(today) {}

  void File(const google::protobuf::FileDescriptorProto& file) {
    const std::string prefix = file.package().empty() ? "" : file.package() + ".";
    for (const DescriptorProto& m : file.message_type()) Message(prefix + m.name(), m);
    for (const EnumDescriptorProto& e : file.enum_type()) Enum(prefix + e.name(), e);
    for (const ServiceDescriptorProto& s : file.service()) Service(prefix + s.name(), s);
  }

  std::vector<std::string> Take() { return std::move(problems_); }

 private:
  void Problem(std::string text) { problems_.push_back(std::move(text)); }

  void Message(const std::string& name, const DescriptorProto& golden) {
    const Descriptor* today = today_.FindMessageTypeByName(name);
    if (today == nullptr) {
      Problem(absl::StrCat("message ", name, ": removed or renamed", kNeverRemoved));
      return;
    }
    for (const FieldDescriptorProto& field : golden.field()) Field(name, golden, field, *today);
    // Reserved numbers and names stay reserved, and nothing today uses them.
    for (const DescriptorProto::ReservedRange& range : golden.reserved_range()) {
      for (int number = range.start(); number < range.end(); ++number) {
        if (const FieldDescriptor* user = today->FindFieldByNumber(number)) {
          Problem(absl::StrCat("field ", user->full_name(), " = ", number,
                               ": reuses a reserved number of ", name));
        } else if (!Reserves(*today, number)) {
          Problem(absl::StrCat("message ", name, ": number ", number, " is no longer reserved"));
        }
      }
    }
    for (const std::string& reserved : golden.reserved_name()) {
      if (const FieldDescriptor* user = today->FindFieldByName(reserved)) {
        Problem(absl::StrCat("field ", user->full_name(), ": reuses a reserved name of ", name));
      }
    }
    for (const DescriptorProto& nested : golden.nested_type()) {
      if (nested.options().map_entry()) continue;  // checked through the map field
      Message(absl::StrCat(name, ".", nested.name()), nested);
    }
    for (const EnumDescriptorProto& nested : golden.enum_type()) {
      Enum(absl::StrCat(name, ".", nested.name()), nested);
    }
  }

  void Field(const std::string& message_name, const DescriptorProto& message,
             const FieldDescriptorProto& golden, const Descriptor& message_today) {
    const std::string what = FieldName(message_name, golden);
    const FieldDescriptor* today = message_today.FindFieldByNumber(golden.number());
    if (today == nullptr) {
      const FieldDescriptor* by_name = message_today.FindFieldByName(golden.name());
      if (by_name != nullptr) {
        Problem(absl::StrCat(what, ": renumbered to ", by_name->number(), kNeverRemoved));
      } else {
        Problem(absl::StrCat(what, ": removed", kNeverRemoved));
      }
      return;
    }
    if (today->name() != golden.name()) {
      Problem(absl::StrCat(what, ": renamed to ", today->name(),
                           " (JSON and text formats read fields by name)", kNeverRemoved));
    }
    if (static_cast<int>(today->type()) != static_cast<int>(golden.type())) {
      Problem(
          absl::StrCat(what, ": type changed from ",
                       FieldDescriptor::TypeName(static_cast<FieldDescriptor::Type>(golden.type())),
                       " to ", today->type_name(), kNeverRemoved));
    } else if (!golden.type_name().empty()) {
      const std::string was = Unqualified(golden.type_name());
      const std::string is = today->message_type() != nullptr ? today->message_type()->full_name()
                             : today->enum_type() != nullptr  ? today->enum_type()->full_name()
                                                              : "";
      if (was != is) {
        Problem(absl::StrCat(what, ": type changed from ", was, " to ", is, kNeverRemoved));
      }
    }
    const bool was_repeated = golden.label() == FieldDescriptorProto::LABEL_REPEATED;
    if (was_repeated != today->is_repeated()) {
      Problem(absl::StrCat(what, ": cardinality changed from ",
                           was_repeated ? "repeated" : "singular", " to ",
                           today->is_repeated() ? "repeated" : "singular", kNeverRemoved));
    } else if (golden.proto3_optional() != today->has_optional_keyword() &&
               today->file()->syntax() == google::protobuf::FileDescriptor::SYNTAX_PROTO3) {
      Problem(absl::StrCat(what, ": `optional` ", golden.proto3_optional() ? "removed" : "added",
                           " (changes presence)", kNeverRemoved));
    } else if (golden.label() == FieldDescriptorProto::LABEL_REQUIRED && !today->is_required()) {
      Problem(absl::StrCat(what, ": no longer required", kNeverRemoved));
    }
    const std::string oneof_was = OneofOf(message, golden);
    const std::string oneof_is = OneofOf(*today);
    if (oneof_was != oneof_is) {
      Problem(absl::StrCat(what, ": moved from oneof '", oneof_was, "' to '", oneof_is, "'",
                           kNeverRemoved));
    }
  }

  void Enum(const std::string& name, const EnumDescriptorProto& golden) {
    const EnumDescriptor* today = today_.FindEnumTypeByName(name);
    if (today == nullptr) {
      Problem(absl::StrCat("enum ", name, ": removed or renamed", kNeverRemoved));
      return;
    }
    for (const google::protobuf::EnumValueDescriptorProto& value : golden.value()) {
      const std::string what =
          absl::StrCat("enum value ", name, ".", value.name(), " = ", value.number());
      const google::protobuf::EnumValueDescriptor* by_name = today->FindValueByName(value.name());
      if (by_name == nullptr) {
        Problem(absl::StrCat(what, ": removed or renamed", kNeverRemoved));
      } else if (by_name->number() != value.number()) {
        Problem(absl::StrCat(what, ": renumbered to ", by_name->number(), kNeverRemoved));
      }
    }
    for (const EnumDescriptorProto::EnumReservedRange& range : golden.reserved_range()) {
      for (int number = range.start(); number <= range.end(); ++number) {
        if (const auto* user = today->FindValueByNumber(number)) {
          Problem(absl::StrCat("enum value ", user->full_name(), " = ", number,
                               ": reuses a reserved number of ", name));
        } else if (!ReservesValue(*today, number)) {
          Problem(absl::StrCat("enum ", name, ": number ", number, " is no longer reserved"));
        }
      }
    }
  }

  void Service(const std::string& name, const ServiceDescriptorProto& golden) {
    const google::protobuf::ServiceDescriptor* today = today_.FindServiceByName(name);
    if (today == nullptr) {
      Problem(absl::StrCat("service ", name, ": removed or renamed", kNeverRemoved));
      return;
    }
    for (const google::protobuf::MethodDescriptorProto& method : golden.method()) {
      const std::string what = absl::StrCat("method ", name, ".", method.name());
      const google::protobuf::MethodDescriptor* m = today->FindMethodByName(method.name());
      if (m == nullptr) {
        Problem(absl::StrCat(what, ": removed or renamed", kNeverRemoved));
        continue;
      }
      if (m->input_type()->full_name() != Unqualified(method.input_type()) ||
          m->output_type()->full_name() != Unqualified(method.output_type())) {
        Problem(absl::StrCat(
            what, ": request or response type changed from ", Unqualified(method.input_type()),
            " -> ", Unqualified(method.output_type()), " to ", m->input_type()->full_name(), " -> ",
            m->output_type()->full_name(), kNeverRemoved));
      }
      if (m->client_streaming() != method.client_streaming() ||
          m->server_streaming() != method.server_streaming()) {
        Problem(absl::StrCat(what, ": streaming changed", kNeverRemoved));
      }
    }
  }

  const DescriptorPool& today_;
  std::vector<std::string> problems_;
};

}  // namespace

std::vector<const google::protobuf::FileDescriptor*> ApiFiles() {
  return {
      cti::v1::Actor::descriptor()->file(),                  // cti/v1/common.proto
      cti::v1::LocalDate::descriptor()->file(),              // cti/v1/hours.proto
      cti::v1::GroupMember::descriptor()->file(),            // cti/v1/routing_rules.proto
      cti::v1::Unit::descriptor()->file(),                   // cti/v1/staff.proto
      cti::v1::CalendarEntryUpserted::descriptor()->file(),  // cti/v1/calendar.proto
      cti::v1::CallTarget::descriptor()->file(),             // cti/v1/call.proto
      cti::v1::Availability::descriptor()->file(),           // cti/v1/presence.proto
      cti::v1::Event::descriptor()->file(),                  // cti/v1/event.proto
      cti::v1::AppendRequest::descriptor()->file(),          // cti/v1/event_service.proto
      cti::v1::SearchRequest::descriptor()->file(),          // cti/v1/directory_service.proto
      cti::v1::GetStatusRequest::descriptor()->file(),       // cti/v1/admin_service.proto
      cti::v1::RouteTarget::descriptor()->file(),            // cti/v1/route_service.proto
      cti::v1::ListLiveCallsRequest::descriptor()->file(),   // cti/v1/call_service.proto
      cti::v1::ReplayRequest::descriptor()->file(),          // cti/v1/audit_service.proto
  };
}

const google::protobuf::FileDescriptor* StateFile() {
  return cti::projections::state::Call::descriptor()->file();
}

google::protobuf::FileDescriptorSet DescriptorSetOf(
    const std::vector<const google::protobuf::FileDescriptor*>& files) {
  // Dependencies first, as a pool builds them.
  std::set<const google::protobuf::FileDescriptor*> wanted(files.begin(), files.end());
  std::set<const google::protobuf::FileDescriptor*> done;
  google::protobuf::FileDescriptorSet set;
  std::function<void(const google::protobuf::FileDescriptor*)> add =
      [&](const google::protobuf::FileDescriptor* file) {
        if (wanted.count(file) == 0 || !done.insert(file).second) return;
        for (int i = 0; i < file->dependency_count(); ++i) add(file->dependency(i));
        file->CopyTo(set.add_file());
      };
  for (const google::protobuf::FileDescriptor* file : files) add(file);
  return set;
}

std::vector<std::string> SchemaProblems(const google::protobuf::FileDescriptorSet& golden,
                                        const DescriptorPool& today) {
  Checker checker(today);
  for (const google::protobuf::FileDescriptorProto& file : golden.file()) checker.File(file);
  return checker.Take();
}

}  // namespace cti::golden
