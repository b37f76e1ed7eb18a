// What `ctictl route` routes to: TARGET and the case options as RouteTargets, and --at.
#include <array>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "route_commands.h"

namespace cti::ctictl {
namespace {

constexpr char kTargetForms[] =
    "employee:ID, ext:NUMBER, unit:ID, task:WORD, name:\"FULL NAME\", a bare id, extension, "
    "name or task, or TASK with a case key";

bool AllDigits(absl::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// An organisation id as the server takes it: 1 to 64 characters from [A-Za-z0-9._:-].
bool LooksLikeId(absl::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  for (char c : text) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != ':' &&
        c != '-') {
      return false;
    }
  }
  return true;
}

// DDMMYY-SSSS (dash optional) with a real day of a real month (29 February allowed: the
// century is not known here).
bool LooksLikeCpr(absl::string_view text) {
  std::string digits(text);
  if (digits.size() == 11 && digits[6] == '-') digits.erase(6, 1);
  if (digits.size() != 10 || !AllDigits(digits)) return false;
  const int day = (digits[0] - '0') * 10 + (digits[1] - '0');
  const int month = (digits[2] - '0') * 10 + (digits[3] - '0');
  static constexpr std::array<int, 12> kDaysIn = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month >= 1 && month <= 12 && day >= 1 && day <= kDaysIn[month - 1];
}

// A case: --task, or TARGET as the task ("kontanthjælp" or "task:kontanthjælp"), with
// exactly one key.
absl::StatusOr<cti::v1::RouteTarget> ParseCaseTarget(const RouteTargetOptions& options) {
  std::string task = options.task;
  if (!options.target.empty()) {
    if (!task.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "give the task once: as TARGET ('", options.target, "') or --task ('", task, "')"));
    }
    task = options.target;
    if (absl::StartsWithIgnoreCase(task, "task:")) task.erase(0, 5);
  }
  if (task.empty()) {
    return absl::InvalidArgumentError(
        "a case needs its task: ctictl route TASK --cpr ... (or --task TASK)");
  }
  const int keys = !options.case_key.empty() + !options.cpr.empty() + !options.address.empty() +
                   !options.surname.empty();
  if (keys != 1) {
    return absl::InvalidArgumentError(
        "a case needs exactly one of --case-key, --cpr, --address, --surname");
  }
  cti::v1::RouteTarget target;
  cti::v1::CaseTarget* case_target = target.mutable_case_target();
  case_target->set_task(task);
  case_target->set_unit_id(options.unit);
  if (!options.case_key.empty()) {
    if (options.case_key.find(':') == std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("--case-key: expected KIND:VALUE, e.g. cpr-day:17, cpr-digit:4, "
                       "address:vestergade:12 or surname:Å, got '",
                       options.case_key, "'"));
    }
    case_target->set_case_key(options.case_key);
  } else if (!options.cpr.empty()) {
    if (!LooksLikeCpr(options.cpr)) {
      return absl::InvalidArgumentError(
          "--cpr: not a CPR number (DDMMYY-SSSS, dash optional, a real day and month); "
          "its digits are not repeated here");
    }
    case_target->set_cpr(options.cpr);
  } else if (!options.address.empty()) {
    case_target->set_address(options.address);
  } else {
    case_target->set_surname(options.surname);
  }
  return target;
}

cti::v1::RouteTarget EmployeeId(const std::string& id) {
  cti::v1::RouteTarget t;
  t.set_employee_id(id);
  return t;
}
cti::v1::RouteTarget Extension(const std::string& extension) {
  cti::v1::RouteTarget t;
  t.set_extension(extension);
  return t;
}
cti::v1::RouteTarget Name(const std::string& name) {
  cti::v1::RouteTarget t;
  t.set_name(name);
  return t;
}
cti::v1::RouteTarget UnitId(const std::string& id) {
  cti::v1::RouteTarget t;
  t.set_unit_id(id);
  return t;
}
cti::v1::RouteTarget Task(const std::string& task) {
  cti::v1::RouteTarget t;
  t.set_task(task);
  return t;
}

}  // namespace

absl::StatusOr<std::vector<cti::v1::RouteTarget>> ParseRouteTargets(
    const RouteTargetOptions& options) {
  const bool has_key = !options.case_key.empty() || !options.cpr.empty() ||
                       !options.address.empty() || !options.surname.empty();
  if (!options.task.empty() || has_key) {
    absl::StatusOr<cti::v1::RouteTarget> target = ParseCaseTarget(options);
    if (!target.ok()) return target.status();
    return std::vector<cti::v1::RouteTarget>{*std::move(target)};
  }
  if (!options.unit.empty()) {
    return absl::InvalidArgumentError(
        "--unit needs a case: TASK (or --task TASK) with --case-key, --cpr, --address or "
        "--surname");
  }
  const std::string& text = options.target;
  if (text.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("TARGET is required: ", kTargetForms));
  }
  const size_t colon = text.find(':');
  if (colon != std::string::npos) {
    const std::string prefix = absl::AsciiStrToLower(text.substr(0, colon));
    const std::string value = text.substr(colon + 1);
    const bool known = prefix == "employee" || prefix == "ext" || prefix == "extension" ||
                       prefix == "unit" || prefix == "task" || prefix == "name";
    if (known && value.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("TARGET '", text, "': nothing after '", prefix, ":'"));
    }
    if (prefix == "employee") return std::vector{EmployeeId(value)};
    if (prefix == "ext" || prefix == "extension") {
      if (!AllDigits(value)) {
        return absl::InvalidArgumentError(
            absl::StrCat("TARGET '", text, "': an extension is digits, e.g. ext:4711"));
      }
      return std::vector{Extension(value)};
    }
    if (prefix == "unit") return std::vector{UnitId(value)};
    if (prefix == "task") return std::vector{Task(value)};
    if (prefix == "name") return std::vector{Name(value)};
    // Another prefix: ids may contain ':' themselves (e.g. "hr:1234").
  }
  // A bare TARGET: what it can be, the likeliest first.
  if (AllDigits(text)) return std::vector{Extension(text), EmployeeId(text)};
  if (LooksLikeId(text)) return std::vector{EmployeeId(text), UnitId(text), Task(text)};
  if (text.find(' ') != std::string::npos) return std::vector{Name(text), Task(text)};
  return std::vector{Task(text), Name(text)};
}

absl::StatusOr<absl::Time> ParseAt(absl::string_view text, const absl::TimeZone& zone) {
  absl::Time at;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &at, &error)) return at;
  for (const char* local :
       {"%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"}) {
    std::string ignored;
    if (absl::ParseTime(local, text, zone, &at, &ignored)) return at;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--at: expected RFC 3339 (2024-03-01T14:00:00+01:00 or ...Z) or a local time ",
                   "in ", zone.name(), " (2024-03-01T14:00), got '", text, "'"));
}

}  // namespace cti::ctictl
