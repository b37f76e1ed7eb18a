// Schema compatibility: "fields are only ever added" (DESIGN.md, "The event envelope"),
// checked against descriptor sets written by earlier versions (README.md here).
//
// Example:
//   google::protobuf::FileDescriptorSet golden = ...;  // proto/cti-v1-0.1.0.descriptor_set
//   for (const std::string& problem :
//        SchemaProblems(golden, *google::protobuf::DescriptorPool::generated_pool())) {
//     ADD_FAILURE() << problem;
//   }
//
// Thread safety: pure functions over immutable descriptors.
#ifndef CTI_TESTS_GOLDEN_SCHEMA_COMPAT_H_
#define CTI_TESTS_GOLDEN_SCHEMA_COMPAT_H_

#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"

namespace cti::golden {

// The files of the public API and event schema (proto/cti/v1), as compiled into this
// binary. Referencing them here links every one of them in.
std::vector<const google::protobuf::FileDescriptor*> ApiFiles();

// The projection store's record schema (projections/internal/state.proto).
const google::protobuf::FileDescriptor* StateFile();

// `files` as a FileDescriptorSet, each after those of `files` it imports (the order a
// DescriptorPool builds them in); no source info: comments are not schema.
google::protobuf::FileDescriptorSet DescriptorSetOf(
    const std::vector<const google::protobuf::FileDescriptor*>& files);

// Everything of `golden` that `today` lost or changed, one line each naming the element
// and what changed, e.g. "field cti.v1.Unit.kind = 2: removed (a field is never removed
// or renumbered; add a new one)". Checked: every message, field (number, name, type,
// label, oneof), enum value and service method of `golden` is in `today` unchanged;
// numbers and names `golden` reserved stay reserved and unused. Additions are fine.
std::vector<std::string> SchemaProblems(const google::protobuf::FileDescriptorSet& golden,
                                        const google::protobuf::DescriptorPool& today);

}  // namespace cti::golden

#endif  // CTI_TESTS_GOLDEN_SCHEMA_COMPAT_H_
