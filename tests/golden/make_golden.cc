// make_golden: writes the golden files of this version (README.md in this folder). Not a
// test; run by hand when the schema or the log format changed:
//
//   build/bin/make_golden --root tests/golden --version 0.2.0
//
// Writes events/<version>/ (one .binpb record and its .textproto twin per golden
// record), proto/cti-v1-<version>.descriptor_set.textproto and, unless one exists for
// today's projection schema version, proto/state-v<N>.descriptor_set.textproto. Never
// overwrites: an existing events folder or descriptor set of that name is an error
// (golden files are never edited; add new ones).
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/text_format.h"
#include "projections/store.h"
#include "server/log/log_format.h"
#include "tests/golden/golden_events.h"
#include "tests/golden/golden_files.h"
#include "tests/golden/schema_compat.h"

namespace cti::golden {
namespace {

// The header of every textproto we write: which message it holds.
std::string TextprotoHeader(const google::protobuf::Descriptor* type, const std::string& file) {
  return absl::StrCat("# proto-file: ", file, "\n# proto-message: ", type->full_name(),
                      "\n# Golden file written by tests/golden/make_golden: never edit it.\n\n");
}

std::string ToText(const google::protobuf::Message& message) {
  google::protobuf::TextFormat::Printer printer;
  printer.SetUseUtf8StringEscaping(true);  // Danish names readable, not octal escapes
  std::string text;
  printer.PrintToString(message, &text);
  return text;
}

// The records are what golden_events_test expects of a golden set.
absl::Status CheckRecords(const std::vector<GoldenRecord>& records) {
  std::set<std::string> missing = EventTypes();
  // Per event type, the fields its most complete record leaves unset.
  std::map<std::string, std::vector<std::string>> unset;
  for (const GoldenRecord& record : records) {
    const std::string type = EventTypeOf(record.event);
    if (type != EventTypeOfName(absl::StrCat("000-", record.name))) {
      return absl::InternalError(
          absl::StrCat("golden record '", record.name, "' holds an event of type ", type));
    }
    missing.erase(type);
    std::vector<std::string> fields = UnsetFields(record.event);
    // Sealed personal data belongs to the few payloads that hold any (a sealed record of
    // those is in the set; golden_events_test checks every field of Sealed is set).
    std::erase_if(fields, [](const std::string& f) { return f == "personal"; });
    auto [it, added] = unset.emplace(type, fields);
    if (!added && fields.size() < it->second.size()) it->second = std::move(fields);
  }
  for (const std::string& type : missing) {
    return absl::InternalError(
        absl::StrCat("no golden record of event type ", type, ": add one to golden_events.cc"));
  }
  for (const auto& [type, fields] : unset) {
    if (!fields.empty()) {
      return absl::InternalError(absl::StrCat(
          "no golden record of event type ", type, " sets every field; the closest leaves ",
          absl::StrJoin(fields, ", "), " unset: complete it in golden_events.cc"));
    }
  }
  return absl::OkStatus();
}

absl::Status WriteNew(const std::filesystem::path& path, const std::string& contents) {
  if (std::filesystem::exists(path)) {
    return absl::AlreadyExistsError(
        absl::StrCat(path.string(), " exists: golden files are never rewritten"));
  }
  return WriteFile(path.string(), contents);
}

absl::Status WriteEvents(const std::filesystem::path& dir) {
  const std::vector<GoldenRecord> records = CurrentGoldenRecords();
  if (absl::Status s = CheckRecords(records); !s.ok()) return s;
  if (std::filesystem::exists(dir)) {
    return absl::AlreadyExistsError(absl::StrCat(
        dir.string(), " exists: golden files are never rewritten; pick a new version"));
  }
  std::filesystem::create_directories(dir);
  for (size_t i = 0; i < records.size(); ++i) {
    const std::string stem = absl::StrFormat("%03d-%s", i + 1, records[i].name);
    // The log's own encoding of a record value (server/log/README.md).
    const std::string bytes = cti::log::format::SerializeDeterministic(records[i].event);
    if (absl::Status s = WriteNew(dir / (stem + ".binpb"), bytes); !s.ok()) return s;
    const std::string text = TextprotoHeader(cti::v1::Event::descriptor(), "cti/v1/event.proto") +
                             ToText(records[i].event);
    if (absl::Status s = WriteNew(dir / (stem + ".textproto"), text); !s.ok()) return s;
  }
  std::printf("wrote %zu golden records to %s\n", records.size(), dir.c_str());
  return absl::OkStatus();
}

absl::Status WriteDescriptors(const std::filesystem::path& dir, const std::string& version) {
  std::filesystem::create_directories(dir);
  const std::string header = TextprotoHeader(google::protobuf::FileDescriptorSet::descriptor(),
                                             "google/protobuf/descriptor.proto");
  const std::filesystem::path api =
      dir / absl::StrCat("cti-v1-", version, ".descriptor_set.textproto");
  if (absl::Status s = WriteNew(api, header + ToText(DescriptorSetOf(ApiFiles()))); !s.ok()) {
    return s;
  }
  std::printf("wrote %s\n", api.c_str());
  const std::filesystem::path state =
      dir / absl::StrCat("state-v", cti::projections::kSchemaVersion, ".descriptor_set.textproto");
  if (std::filesystem::exists(state)) {
    std::printf("kept %s (projection schema version unchanged)\n", state.c_str());
    return absl::OkStatus();
  }
  if (absl::Status s = WriteNew(state, header + ToText(DescriptorSetOf({StateFile()}))); !s.ok()) {
    return s;
  }
  std::printf("wrote %s\n", state.c_str());
  return absl::OkStatus();
}

int Main(int argc, char** argv) {
  std::string root;
  std::string version;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--root") == 0) {
      root = argv[i + 1];
    } else if (std::strcmp(argv[i], "--version") == 0) {
      version = argv[i + 1];
    }
  }
  if (root.empty() || version.empty() || argc != 5) {
    std::fprintf(stderr, "usage: make_golden --root tests/golden --version VERSION\n");
    return 2;
  }
  absl::Status s = WriteEvents(std::filesystem::path(root) / "events" / version);
  if (s.ok()) s = WriteDescriptors(std::filesystem::path(root) / "proto", version);
  if (!s.ok()) {
    std::fprintf(stderr, "make_golden: %s\n", s.ToString().c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace cti::golden

int main(int argc, char** argv) { return cti::golden::Main(argc, argv); }
