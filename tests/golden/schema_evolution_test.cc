// Fields are only ever added: today's compiled descriptors against the descriptor sets
// earlier versions checked in (proto/, README.md here). Also shows that the check fails,
// naming the field, when a field is removed, renumbered or retyped.
#include <algorithm>
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "projections/store.h"
#include "tests/golden/golden_files.h"
#include "tests/golden/schema_compat.h"

#ifndef CTI_GOLDEN_DIR
#error "CTI_GOLDEN_DIR must name the tests/golden folder"
#endif
#ifndef CTI_PROTO_DIR
#error "CTI_PROTO_DIR must name the proto folder of the source tree"
#endif

namespace cti::golden {
namespace {

using ::testing::HasSubstr;

const google::protobuf::DescriptorPool& Today() {
  return *google::protobuf::DescriptorPool::generated_pool();
}

absl::StatusOr<google::protobuf::FileDescriptorSet> ReadSet(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  google::protobuf::FileDescriptorSet set;
  if (!google::protobuf::TextFormat::ParseFromString(*text, &set)) {
    return absl::DataLossError(absl::StrCat(path, ": not a FileDescriptorSet in text format"));
  }
  return set;
}

// The checked-in descriptor sets whose name starts with `prefix`, sorted.
std::vector<std::string> SetsNamed(const std::string& prefix) {
  std::vector<std::string> paths;
  std::error_code error;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(CTI_GOLDEN_DIR) + "/proto", error)) {
    const std::string name = entry.path().filename().string();
    if (absl::StartsWith(name, prefix) && absl::EndsWith(name, ".descriptor_set.textproto")) {
      paths.push_back(entry.path().string());
    }
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

TEST(SchemaEvolutionTest, TodaysApiKeepsEveryCheckedInVersion) {
  const std::vector<std::string> sets = SetsNamed("cti-v1-");
  ASSERT_FALSE(sets.empty()) << "no proto/cti-v1-*.descriptor_set.textproto";
  for (const std::string& path : sets) {
    SCOPED_TRACE(path);
    absl::StatusOr<google::protobuf::FileDescriptorSet> golden = ReadSet(path);
    ASSERT_TRUE(golden.ok()) << golden.status();
    EXPECT_GE(golden->file_size(), 13);
    const std::vector<std::string> problems = SchemaProblems(*golden, Today());
    EXPECT_TRUE(problems.empty()) << absl::StrJoin(problems, "\n");
  }
}

// The stored records (projections/internal/state.proto) may change only together with
// the projection schema version, which rebuilds every store (projections/store.h).
TEST(SchemaEvolutionTest, TodaysStateRecordsKeepThisProjectionVersion) {
  const std::string path =
      absl::StrCat(CTI_GOLDEN_DIR, "/proto/state-v", cti::projections::kSchemaVersion,
                   ".descriptor_set.textproto");
  absl::StatusOr<google::protobuf::FileDescriptorSet> golden = ReadSet(path);
  ASSERT_TRUE(golden.ok()) << golden.status()
                           << "\nthe projection schema version changed: check in its stored "
                              "records with make_golden (tests/golden/README.md)";
  const std::vector<std::string> problems = SchemaProblems(*golden, Today());
  EXPECT_TRUE(problems.empty())
      << absl::StrJoin(problems, "\n")
      << "\nprojections/internal/state.proto changed incompatibly: bump kSchemaVersion "
         "(projections/store.h) so stores are rebuilt, and check in the new records";
}

TEST(SchemaEvolutionTest, EveryApiProtoIsCovered) {
  // A new .proto file in proto/cti/v1 must be in ApiFiles (and so in the next golden set).
  std::vector<std::string> in_tree;
  std::error_code error;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(CTI_PROTO_DIR) + "/cti/v1", error)) {
    if (entry.path().extension() == ".proto") {
      in_tree.push_back("cti/v1/" + entry.path().filename().string());
    }
  }
  ASSERT_FALSE(error) << error.message();
  std::vector<std::string> covered;
  for (const google::protobuf::FileDescriptor* file : ApiFiles()) covered.push_back(file->name());
  std::sort(in_tree.begin(), in_tree.end());
  std::sort(covered.begin(), covered.end());
  EXPECT_EQ(in_tree, covered) << "add new files to ApiFiles() in tests/golden/schema_compat.cc";
}

// The check itself: each breaking change to a copy of today's schema is reported,
// naming what broke.
class SchemaCheckTest : public ::testing::Test {
 protected:
  // Today's API built into a pool of its own from `set` (after a test changed it), and
  // the problems found against today's compiled schema taken as the golden set.
  std::vector<std::string> ProblemsAfter(
      const std::function<void(google::protobuf::FileDescriptorSet*)>& change) {
    google::protobuf::FileDescriptorSet changed = DescriptorSetOf(ApiFiles());
    change(&changed);
    google::protobuf::DescriptorPool pool;
    Build(changed, &pool);
    return SchemaProblems(DescriptorSetOf(ApiFiles()), pool);
  }

  // Builds `set` into `pool`, after the well-known types the API imports
  // (timestamp.proto, duration.proto, ...) as compiled in; they import nothing.
  static void Build(const google::protobuf::FileDescriptorSet& set,
                    google::protobuf::DescriptorPool* pool) {
    std::set<std::string> well_known;
    for (const google::protobuf::FileDescriptor* file : ApiFiles()) {
      for (int i = 0; i < file->dependency_count(); ++i) {
        const std::string& name = file->dependency(i)->name();
        if (name.rfind("google/protobuf/", 0) == 0) well_known.insert(name);
      }
    }
    for (const std::string& dependency : well_known) {
      google::protobuf::FileDescriptorProto proto;
      Today().FindFileByName(dependency)->CopyTo(&proto);
      EXPECT_NE(pool->BuildFile(proto), nullptr) << dependency;
    }
    for (const google::protobuf::FileDescriptorProto& file : set.file()) {
      EXPECT_NE(pool->BuildFile(file), nullptr) << file.name();
    }
  }

  static google::protobuf::DescriptorProto* Message(google::protobuf::FileDescriptorSet* set,
                                                    const std::string& file,
                                                    const std::string& name) {
    for (auto& f : *set->mutable_file()) {
      if (f.name() != file) continue;
      for (auto& m : *f.mutable_message_type()) {
        if (m.name() == name) return &m;
      }
    }
    ADD_FAILURE() << "no message " << name << " in " << file;
    static google::protobuf::DescriptorProto none;
    return &none;
  }
};

TEST_F(SchemaCheckTest, UnchangedHasNoProblems) {
  EXPECT_THAT(ProblemsAfter([](google::protobuf::FileDescriptorSet*) {}), ::testing::IsEmpty());
}

TEST_F(SchemaCheckTest, AddedFieldIsFine) {
  EXPECT_THAT(ProblemsAfter([](google::protobuf::FileDescriptorSet* set) {
                auto* field = Message(set, "cti/v1/staff.proto", "Unit")->add_field();
                field->set_name("floor");
                field->set_number(11);
                field->set_type(google::protobuf::FieldDescriptorProto::TYPE_STRING);
                field->set_label(google::protobuf::FieldDescriptorProto::LABEL_OPTIONAL);
              }),
              ::testing::IsEmpty());
}

TEST_F(SchemaCheckTest, RemovedFieldIsNamed) {
  const std::vector<std::string> problems =
      ProblemsAfter([](google::protobuf::FileDescriptorSet* set) {
        auto* fields = Message(set, "cti/v1/staff.proto", "Unit")->mutable_field();
        fields->erase(std::find_if(fields->begin(), fields->end(),
                                   [](const auto& f) { return f.name() == "email"; }));
      });
  ASSERT_EQ(problems.size(), 1u) << absl::StrJoin(problems, "\n");
  EXPECT_THAT(problems[0], HasSubstr("field cti.v1.Unit.email = 6: removed"));
}

TEST_F(SchemaCheckTest, RenumberedFieldIsNamed) {
  const std::vector<std::string> problems =
      ProblemsAfter([](google::protobuf::FileDescriptorSet* set) {
        for (auto& f : *Message(set, "cti/v1/event.proto", "Event")->mutable_field()) {
          if (f.name() == "correlation_id") f.set_number(16);
        }
      });
  ASSERT_EQ(problems.size(), 1u) << absl::StrJoin(problems, "\n");
  EXPECT_THAT(problems[0], HasSubstr("field cti.v1.Event.correlation_id = 6: renumbered to 16"));
}

TEST_F(SchemaCheckTest, RetypedRenamedAndRepeatedFieldsAreNamed) {
  const std::vector<std::string> problems =
      ProblemsAfter([](google::protobuf::FileDescriptorSet* set) {
        for (auto& f : *Message(set, "cti/v1/call.proto", "VoicemailLeft")->mutable_field()) {
          if (f.name() == "duration_seconds")
            f.set_type(google::protobuf::FieldDescriptorProto::TYPE_UINT64);
          if (f.name() == "voicemail_id") f.set_name("recording_id");
        }
        for (auto& f : *Message(set, "cti/v1/call.proto", "MessageTaken")->mutable_field()) {
          if (f.name() == "text")
            f.set_label(google::protobuf::FieldDescriptorProto::LABEL_REPEATED);
        }
      });
  EXPECT_THAT(problems, ::testing::UnorderedElementsAre(
                            HasSubstr("field cti.v1.VoicemailLeft.duration_seconds = 3: type "
                                      "changed from uint32 to uint64"),
                            HasSubstr("field cti.v1.VoicemailLeft.voicemail_id = 1: renamed to "
                                      "recording_id"),
                            HasSubstr("field cti.v1.MessageTaken.text = 5: cardinality changed")));
}

TEST_F(SchemaCheckTest, RemovedEnumValueAndMethodAreNamed) {
  const std::vector<std::string> problems =
      ProblemsAfter([](google::protobuf::FileDescriptorSet* set) {
        for (auto& file : *set->mutable_file()) {
          for (auto& e : *file.mutable_enum_type()) {
            if (e.name() != "Role") continue;
            e.mutable_value()->RemoveLast();  // ROLE_SYSTEM
          }
          for (auto& s : *file.mutable_service()) {
            if (s.name() == "AdminService") s.mutable_method()->RemoveLast();  // Ping
          }
        }
      });
  EXPECT_THAT(problems, ::testing::UnorderedElementsAre(
                            HasSubstr("enum value cti.v1.Role.ROLE_SYSTEM = 6: removed"),
                            HasSubstr("method cti.v1.AdminService.Ping: removed")));
}

TEST_F(SchemaCheckTest, ReusedReservedNumberIsNamed) {
  // A golden set that reserved 12 in Unit; today (the changed pool) uses 12.
  google::protobuf::FileDescriptorSet golden = DescriptorSetOf(ApiFiles());
  auto* range = Message(&golden, "cti/v1/staff.proto", "Unit")->add_reserved_range();
  range->set_start(12);
  range->set_end(13);
  google::protobuf::FileDescriptorSet changed = DescriptorSetOf(ApiFiles());
  auto* field = Message(&changed, "cti/v1/staff.proto", "Unit")->add_field();
  field->set_name("building");
  field->set_number(12);
  field->set_type(google::protobuf::FieldDescriptorProto::TYPE_STRING);
  field->set_label(google::protobuf::FieldDescriptorProto::LABEL_OPTIONAL);
  google::protobuf::DescriptorPool pool;
  Build(changed, &pool);
  ASSERT_FALSE(HasFailure());
  const std::vector<std::string> problems = SchemaProblems(golden, pool);
  ASSERT_EQ(problems.size(), 1u) << absl::StrJoin(problems, "\n");
  EXPECT_THAT(problems[0], HasSubstr("field cti.v1.Unit.building = 12: reuses a reserved number"));
}

}  // namespace
}  // namespace cti::golden
