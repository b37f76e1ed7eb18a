#include "projections/internal/directory_records.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"
#include "projections/internal/keys.h"
#include "projections/internal/text_fold.h"

namespace cti::projections::internal {

absl::string_view SecondId(absl::string_view key) {
  const size_t nul = key.rfind('\0');
  return nul == absl::string_view::npos ? absl::string_view() : key.substr(nul + 1);
}

absl::Status NotFound(absl::string_view field, absl::string_view id) {
  return absl::NotFoundError(absl::StrCat(field, " '", id, "' not found"));
}

absl::StatusOr<bool> LoadUnit(Txn& txn, absl::string_view tenant_prefix, absl::string_view id,
                              cti::v1::Unit* unit) {
  return txn.GetProto(Cf::kDirectory, TaggedKey(tenant_prefix, kUnitTag, id), unit);
}

absl::StatusOr<bool> LoadEmployee(Txn& txn, absl::string_view tenant_prefix, absl::string_view id,
                                  cti::v1::Employee* employee) {
  return txn.GetProto(Cf::kDirectory, TaggedKey(tenant_prefix, kEmployeeTag, id), employee);
}

absl::Status CheckQueryScope(Txn& txn, absl::string_view tenant_prefix, absl::string_view unit_id,
                             absl::string_view employee_id) {
  if (!unit_id.empty() && !employee_id.empty()) {
    return absl::InvalidArgumentError("unit_id, employee_id: give at most one of them");
  }
  if (!unit_id.empty()) {
    cti::v1::Unit unit;
    absl::StatusOr<bool> found = LoadUnit(txn, tenant_prefix, unit_id, &unit);
    if (!found.ok()) return found.status();
    if (!*found) return NotFound("unit_id", unit_id);
  }
  if (!employee_id.empty()) {
    cti::v1::Employee employee;
    absl::StatusOr<bool> found = LoadEmployee(txn, tenant_prefix, employee_id, &employee);
    if (!found.ok()) return found.status();
    if (!*found) return NotFound("employee_id", employee_id);
  }
  return absl::OkStatus();
}

absl::Status LoadActiveUnit(Txn& txn, absl::string_view tenant_prefix, const FieldPath& path,
                            absl::string_view id, cti::v1::Unit* unit) {
  if (absl::Status s = CheckId(path, id); !s.ok()) return s;
  absl::StatusOr<bool> found = LoadUnit(txn, tenant_prefix, id, unit);
  if (!found.ok()) return found.status();
  if (!*found) return NotFound("unit_id", id);
  if (!unit->active()) {
    return absl::FailedPreconditionError(absl::StrCat("unit_id '", id, "' is retired"));
  }
  return absl::OkStatus();
}

absl::Status LoadActiveEmployee(Txn& txn, absl::string_view tenant_prefix, const FieldPath& path,
                                absl::string_view id, cti::v1::Employee* employee) {
  if (absl::Status s = CheckId(path, id); !s.ok()) return s;
  absl::StatusOr<bool> found = LoadEmployee(txn, tenant_prefix, id, employee);
  if (!found.ok()) return found.status();
  if (!*found) return NotFound("employee_id", id);
  if (!employee->active()) {
    return absl::FailedPreconditionError(absl::StrCat("employee_id '", id, "' has left"));
  }
  return absl::OkStatus();
}

namespace {

// The bool field `field` of a serialized message without parsing the rest (the last
// occurrence wins, as in a parse); nullopt when the bytes are malformed.
std::optional<bool> ReadBoolField(absl::string_view bytes, uint32_t field) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  bool value = false;
  while (true) {
    const uint32_t tag = in.ReadTag();
    if (tag == 0) {
      if (in.CurrentPosition() != static_cast<int>(bytes.size())) return std::nullopt;
      return value;
    }
    using Wire = google::protobuf::internal::WireFormatLite;
    if (Wire::GetTagFieldNumber(tag) == static_cast<int>(field) &&
        Wire::GetTagWireType(tag) == Wire::WIRETYPE_VARINT) {
      uint64_t v = 0;
      if (!in.ReadVarint64(&v)) return std::nullopt;
      value = v != 0;
    } else if (!Wire::SkipField(&in, tag)) {
      return std::nullopt;
    }
  }
}

// Whether the record of `kind` `id` is there and active, reading only its active flag.
absl::Status CheckActive(Txn& txn, absl::string_view tenant_prefix, const FieldPath& path, char tag,
                         uint32_t active_field, absl::string_view field, absl::string_view id,
                         absl::string_view inactive) {
  if (absl::Status s = CheckId(path, id); !s.ok()) return s;
  absl::string_view bytes;
  absl::StatusOr<bool> found =
      txn.GetView(Cf::kDirectory, TaggedKey(tenant_prefix, tag, id), &bytes);
  if (!found.ok()) return found.status();
  if (!*found) return NotFound(field, id);
  const std::optional<bool> active = ReadBoolField(bytes, active_field);
  if (!active.has_value()) {
    return absl::DataLossError(
        absl::StrCat("projection store: the record of ", field, " '", id, "' cannot be parsed"));
  }
  if (!*active) return absl::FailedPreconditionError(absl::StrCat(field, " '", id, "' ", inactive));
  return absl::OkStatus();
}

// Whether the record of `kind` `id` is there (it may be inactive).
absl::StatusOr<bool> Exists(Txn& txn, absl::string_view tenant_prefix, char tag,
                            absl::string_view id) {
  absl::string_view bytes;
  return txn.GetView(Cf::kDirectory, TaggedKey(tenant_prefix, tag, id), &bytes);
}

}  // namespace

absl::Status CheckActiveUnit(Txn& txn, absl::string_view tenant_prefix, const FieldPath& path,
                             absl::string_view id) {
  return CheckActive(txn, tenant_prefix, path, kUnitTag, cti::v1::Unit::kActiveFieldNumber,
                     "unit_id", id, "is retired");
}

absl::Status CheckActiveEmployee(Txn& txn, absl::string_view tenant_prefix, const FieldPath& path,
                                 absl::string_view id) {
  return CheckActive(txn, tenant_prefix, path, kEmployeeTag, cti::v1::Employee::kActiveFieldNumber,
                     "employee_id", id, "has left");
}

bool SameCallTarget(const cti::v1::CallTarget& a, const cti::v1::CallTarget& b) {
  if (a.target_case() != b.target_case()) return false;
  switch (a.target_case()) {
    case cti::v1::CallTarget::kEmployeeId:
      return a.employee_id() == b.employee_id();
    case cti::v1::CallTarget::kUnitId:
      return a.unit_id() == b.unit_id();
    case cti::v1::CallTarget::kNumber:
      return a.number() == b.number();
    default:
      return true;
  }
}

absl::Status CheckCallTarget(Txn& txn, absl::string_view tenant_prefix, const FieldPath& path,
                             const cti::v1::CallTarget& target) {
  switch (target.target_case()) {
    case cti::v1::CallTarget::kEmployeeId: {
      const FieldPath field = path / "employee_id";
      if (absl::Status s = CheckId(field, target.employee_id()); !s.ok()) return s;
      absl::StatusOr<bool> found = Exists(txn, tenant_prefix, kEmployeeTag, target.employee_id());
      if (!found.ok()) return found.status();
      if (!*found) return NotFound("employee_id", target.employee_id());
      return absl::OkStatus();
    }
    case cti::v1::CallTarget::kUnitId: {
      const FieldPath field = path / "unit_id";
      if (absl::Status s = CheckId(field, target.unit_id()); !s.ok()) return s;
      absl::StatusOr<bool> found = Exists(txn, tenant_prefix, kUnitTag, target.unit_id());
      if (!found.ok()) return found.status();
      if (!*found) return NotFound("unit_id", target.unit_id());
      return absl::OkStatus();
    }
    case cti::v1::CallTarget::kNumber:
      return CheckPhoneNumber(path / "number", target.number(), /*required=*/true);
    case cti::v1::CallTarget::TARGET_NOT_SET:
      break;
  }
  return InvalidField(path, "exactly one of employee_id, unit_id, number is required");
}

SearchTokens SearchTokensOf(absl::string_view name,
                            const google::protobuf::RepeatedPtrField<std::string>& tasks) {
  SearchTokens tokens;
  for (std::string& word : Tokenize(name)) tokens[std::move(word)] |= kMatchName;
  for (const std::string& task : tasks) {
    for (std::string& word : Tokenize(task)) tokens[std::move(word)] |= kMatchTask;
  }
  return tokens;
}

std::string SearchKey(absl::string_view tenant_prefix, absl::string_view token, char kind,
                      absl::string_view id) {
  std::string key;
  key.reserve(tenant_prefix.size() + token.size() + 2 + id.size());
  key.append(tenant_prefix.data(), tenant_prefix.size());
  key.append(token.data(), token.size());
  key.push_back('\0');
  key.push_back(kind);
  key.append(id.data(), id.size());
  return key;
}

absl::Status UpdateSearchIndex(Txn& txn, absl::string_view tenant_prefix, char kind,
                               absl::string_view id, const SearchTokens& before,
                               const SearchTokens& after, absl::string_view name) {
  for (const auto& [token, mask] : before) {
    if (after.count(token) == 0) {
      if (absl::Status s = txn.Delete(Cf::kSearch, SearchKey(tenant_prefix, token, kind, id));
          !s.ok()) {
        return s;
      }
    }
  }
  if (after.empty()) return absl::OkStatus();
  const std::string sort_name = FoldText(name);
  std::string value;
  for (const auto& [token, mask] : after) {
    value.clear();
    value.push_back(static_cast<char>(mask));
    value.append(sort_name);
    if (absl::Status s = txn.Put(Cf::kSearch, SearchKey(tenant_prefix, token, kind, id), value);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace cti::projections::internal
