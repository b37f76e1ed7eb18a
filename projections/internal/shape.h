// Shape checks shared by every apply rule: field formats that need no state. Each check
// returns OK or INVALID_ARGUMENT whose message starts with the field path, e.g.
// "staff.employee_hired.employee.full_name: must not be empty". Pure, thread-safe.
#ifndef CTI_PROJECTIONS_INTERNAL_SHAPE_H_
#define CTI_PROJECTIONS_INTERNAL_SHAPE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "google/protobuf/timestamp.pb.h"

namespace cti::projections::internal {

// A field path such as "staff.employee_hired.employee.tasks[3]". A small value type of
// string_views: the names must outlive it (string literals do). The string is only
// built when an error names the field.
class FieldPath {
 public:
  explicit FieldPath(absl::string_view root) { Push(root, -1); }
  // This path extended by `child` (and `index` when >= 0: "child[index]").
  FieldPath Child(absl::string_view child, int index = -1) const {
    FieldPath p = *this;
    p.Push(child, index);
    return p;
  }
  FieldPath operator/(absl::string_view child) const { return Child(child); }
  // This path with its last name indexed: "tasks" -> "tasks[index]".
  FieldPath At(int index) const {
    FieldPath p = *this;
    p.indexes_[p.depth_ - 1] = index;
    return p;
  }
  std::string ToString() const;

 private:
  static constexpr int kMaxDepth = 7;
  void Push(absl::string_view name, int index);
  std::array<absl::string_view, kMaxDepth> names_{};
  std::array<int, kMaxDepth> indexes_{};
  int depth_ = 0;
};

// Limits from the proto comments.
inline constexpr size_t kMaxNameChars = 200;
inline constexpr size_t kMaxTaskChars = 100;
inline constexpr size_t kMaxTasks = 100;
inline constexpr size_t kMaxDescriptionChars = 2000;
inline constexpr size_t kMaxSubjectChars = 500;
inline constexpr size_t kMaxReasonChars = 200;
inline constexpr size_t kMaxMessageChars = 2000;
inline constexpr size_t kMaxCorrelationIdChars = 128;
inline constexpr size_t kMaxOpaqueIdBytes = 256;
// occurred_at and every other instant: [1970-01-01, 2200-01-01) UTC.
inline constexpr int64_t kMinSeconds = 0;
inline constexpr int64_t kMaxSecondsExclusive = 7258118400;

// INVALID_ARGUMENT "<path>: <what>".
absl::Status InvalidField(const FieldPath& path, absl::string_view what);

// True when `id` is 1 to 64 characters from [A-Za-z0-9._:-].
bool IsValidId(absl::string_view id);

// Required identifier: 1 to 64 characters from [A-Za-z0-9._:-].
absl::Status CheckId(const FieldPath& path, absl::string_view id);
// Required opaque identifier from another system (event_id, a SIP Call-ID): 1 to 256
// printable ASCII characters, no spaces.
absl::Status CheckOpaqueId(const FieldPath& path, absl::string_view id);
// Required text: not blank, at most `max_chars` code points, no control characters.
absl::Status CheckRequiredText(const FieldPath& path, absl::string_view text, size_t max_chars);
// Optional text: at most `max_chars` code points, no control characters except
// newline and tab.
absl::Status CheckOptionalText(const FieldPath& path, absl::string_view text, size_t max_chars);
// Task keywords: at most 100, each 1 to 100 characters.
absl::Status CheckTasks(const FieldPath& path,
                        const google::protobuf::RepeatedPtrField<std::string>& tasks);
// Optional extension: 2 to 8 digits.
absl::Status CheckExtension(const FieldPath& path, absl::string_view extension);
// Phone number: 2 to 20 digits with an optional leading '+'. Empty is allowed unless
// `required`.
absl::Status CheckPhoneNumber(const FieldPath& path, absl::string_view number, bool required);
// Optional e-mail: exactly one '@' with text on both sides, no spaces, at most 254 bytes.
absl::Status CheckEmail(const FieldPath& path, absl::string_view email);
// An instant in [1970-01-01, 2200-01-01) with valid nanos. `present` says whether the
// message field is set; a missing instant is refused unless !required.
absl::Status CheckTimestamp(const FieldPath& path, bool present,
                            const google::protobuf::Timestamp& ts, bool required);
// Refuses text holding a CPR number (TP-4.2).
absl::Status CheckNoCpr(const FieldPath& path, absl::string_view text);

// Orders timestamps.
bool Before(const google::protobuf::Timestamp& a, const google::protobuf::Timestamp& b);

}  // namespace cti::projections::internal

#endif  // CTI_PROJECTIONS_INTERNAL_SHAPE_H_
